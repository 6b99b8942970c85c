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
const port = z.coerce.number().int().min(0).max(65535);

const schema = z.object({
  NODE_ENV: optional(z.enum(['development', 'test', 'production'])).default('development'),
  FRONTEND_SERVICE_NAME: optional(z.string().regex(/^[a-z0-9-]{1,63}$/)).default('todo-web'),
  FRONTEND_PORT: optional(port).default(3000),
  /** Bind address of the production server (scripts/start.mjs maps it onto Next's HOSTNAME). */
  FRONTEND_HOST: optional(z.union([z.ipv4(), z.ipv6(), z.hostname()])).default('0.0.0.0'),
  FRONTEND_METRICS_PORT: optional(port).default(9090),
  FRONTEND_API_URL: optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })).default('http://127.0.0.1:8080'),
  FRONTEND_LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])).default('info'),
  FRONTEND_API_TIMEOUT_MS: optional(z.coerce.number().int().min(100).max(600_000)).default(10_000),
  /** Set the Secure flag on the session cookie (serve over HTTPS). Defaults to true in production. */
  FRONTEND_COOKIE_SECURE: optional(z.enum(['true', 'false']).transform((v) => v === 'true')),
});

export type Env = z.output<typeof schema>;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(environment)';
        const got = source[name];
        return `${name}: ${issue.message}${got === undefined || name.includes('URL') ? '' : ` (got ${JSON.stringify(got)})`}`;
      }),
    );
  }
  return result.data;
}

let cached: Env | undefined;
/** The validated environment of this process (validated once; instrumentation checks it at start). */
export function env(): Env {
  cached ??= loadEnv();
  return cached;
}

/** Every variable the web app reads; env.example documents exactly these. */
export const ENV_VARIABLES = Object.keys(schema.shape);
