import { z } from 'zod';

/** Thrown when the environment is invalid; the message names every offending variable. */
export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

// Empty strings mean "unset": env files and Helm values often render `FOO=`.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const port = int(0, 65535);
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));

const shape = z.object({
  NODE_ENV: optional(z.enum(['development', 'test', 'production'])).default('development'),
  BACKEND_SERVICE_NAME: optional(z.string().regex(/^[a-z0-9-]{1,63}$/)).default('todo-api'),
  BACKEND_HOST: optional(z.string().min(1)).default('0.0.0.0'),
  BACKEND_PORT: optional(port).default(8080),
  BACKEND_METRICS_PORT: optional(port).default(9090),
  BACKEND_LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])).default('info'),
  BACKEND_BODY_LIMIT_BYTES: optional(int(1024, 10 * 1024 * 1024)).default(64 * 1024),
  BACKEND_SHUTDOWN_TIMEOUT_MS: optional(int(0, 300_000)).default(10_000),

  BACKEND_DATABASE_URL: optional(z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })),
  BACKEND_DATA_DIR: optional(z.string().min(1)).default('.data/api'),
  BACKEND_DB_POOL_MIN: optional(int(0, 100)).default(0),
  BACKEND_DB_POOL_MAX: optional(int(1, 200)).default(10),
  BACKEND_DB_CONNECT_TIMEOUT_MS: optional(int(100, 120_000)).default(5_000),
  BACKEND_DB_STATEMENT_TIMEOUT_MS: optional(int(100, 600_000)).default(10_000),
  BACKEND_MIGRATE_ON_START: optional(bool).default(true),

  BACKEND_JWT_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
  BACKEND_JWT_TTL_SECONDS: optional(int(60, 90 * 24 * 3600)).default(7 * 24 * 3600),

  BACKEND_OPENAI_API_KEY: optional(z.string().min(1)),
  BACKEND_OPENAI_BASE_URL: optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })),
  BACKEND_OPENAI_MODEL: optional(z.string().min(1)).default('gpt-4o-mini'),
  BACKEND_OPENAI_TIMEOUT_MS: optional(int(100, 600_000)).default(30_000),
  BACKEND_OPENAI_MAX_RETRIES: optional(int(0, 10)).default(2),
  BACKEND_ASSISTANT_MAX_TOOL_ROUNDS: optional(int(1, 20)).default(5),

  BACKEND_CHAT_RATE_LIMIT: optional(int(1, 10_000)).default(20),
  BACKEND_CHAT_RATE_WINDOW_MS: optional(int(1_000, 3_600_000)).default(60_000),

  BACKEND_OTEL_EXPORTER_OTLP_ENDPOINT: optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })),
  BACKEND_OTEL_SAMPLE_RATIO: optional(z.coerce.number().min(0).max(1)),
});

const schema = shape
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.BACKEND_JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['BACKEND_JWT_SECRET'], message: 'is required when NODE_ENV=production' });
    }
    if (env.BACKEND_DATABASE_URL && env.BACKEND_DB_POOL_MAX < 2) {
      // one connection holds the migration lock while migrations use another
      ctx.addIssue({ code: 'custom', path: ['BACKEND_DB_POOL_MAX'], message: 'must be at least 2 with BACKEND_DATABASE_URL' });
    }
    if (env.BACKEND_DB_POOL_MIN > env.BACKEND_DB_POOL_MAX) {
      ctx.addIssue({ code: 'custom', path: ['BACKEND_DB_POOL_MIN'], message: 'must not exceed BACKEND_DB_POOL_MAX' });
    }
  })
  // the constitution's sampling policy: everything in development, 10 % in production
  .transform((env) => ({
    ...env,
    BACKEND_OTEL_SAMPLE_RATIO: env.BACKEND_OTEL_SAMPLE_RATIO ?? (env.NODE_ENV === 'production' ? 0.1 : 1),
  }));

export type Env = z.output<typeof schema>;

/** Parses and validates the environment. Throws EnvError naming each bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      const got = source[name];
      const shown =
        name.includes('SECRET') || name.includes('KEY') || name.includes('URL')
          ? ''
          : got === undefined
            ? ''
            : ` (got ${JSON.stringify(got)})`;
      return `${name}: ${issue.message}${shown}`;
    });
    throw new EnvError(problems);
  }
  return result.data;
}

/** Every variable the service reads; env.example must document exactly these. */
export const ENV_VARIABLES = Object.keys(shape.shape);
