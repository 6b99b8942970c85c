import Koa from 'koa';
import { ZodError } from 'zod';
import type { Logger } from 'pino';
import type { Database } from './db/knex.js';
import { migrationsApplied } from './db/migrations.js';
import { jsonBody } from './http/body.js';
import { HttpError, isDatabaseUnavailable, unauthorized } from './http/errors.js';
import { requestContext, traceIdFrom } from './observability/context.js';
import type { Metrics } from './observability/metrics.js';
import { ConversationsRepository } from './repositories/conversations.js';
import { TodosRepository } from './repositories/todos.js';
import { UsersRepository } from './repositories/users.js';
import { authRoutes } from './routes/auth.js';
import { chatRoutes } from './routes/chat.js';
import type { AppState, Ctx } from './routes/context.js';
import { healthRoutes } from './routes/health.js';
import { todoRoutes } from './routes/todos.js';
import { AuthService } from './services/auth.js';
import { ChatService, RateLimiter } from './services/chat.js';
import { TodosService } from './services/todos.js';
import type { Assistant } from './ai/types.js';
import { SpanKind, SpanStatusCode, context, trace, type Span, type Tracer } from '@opentelemetry/api';
import { extractContext, validTraceId } from './observability/tracing.js';

export interface AppDeps {
  db: Database;
  logger: Logger;
  metrics: Metrics;
  assistant: Assistant;
  jwtSecret: string;
  jwtTtlSeconds: number;
  bodyLimitBytes: number;
  chatRateLimit: { limit: number; windowMs: number };
  /** False until start-up (migrations) has finished; /api answers 503 until then. */
  isStarted: () => boolean;
  readinessTimeoutMs?: number;
  /** Server spans per request; a no-op tracer when tracing is off. */
  tracer?: Tracer;
  /** False when `tracer` is the no-op tracer (defaults to whether a tracer was given). */
  tracingEnabled?: boolean;
}

interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

function toErrorResponse(err: unknown): { status: number; body: ErrorBody; unexpected: boolean } {
  if (err instanceof HttpError) {
    const error: ErrorBody['error'] = { code: err.code, message: err.message };
    if (err.details !== undefined) error.details = err.details;
    return { status: err.status, body: { error }, unexpected: false };
  }
  if (err instanceof ZodError) {
    const details = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const message = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
    return { status: 400, body: { error: { code: 'validation_failed', message, details } }, unexpected: false };
  }
  if (isDatabaseUnavailable(err)) {
    return {
      status: 503,
      body: { error: { code: 'database_unavailable', message: 'the database is unavailable; try again shortly' } },
      unexpected: false,
    };
  }
  const e = err as { status?: unknown; expose?: unknown; message?: unknown; code?: unknown };
  // Koa/http-errors thrown by the framework itself (e.g. malformed URL encoding)
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return {
      status: e.status,
      body: { error: { code: 'bad_request', message: e.expose ? String(e.message) : 'bad request' } },
      unexpected: false,
    };
  }
  // Postgres data exceptions (class 22) and constraint violations (class 23) are caused by input
  if (typeof e?.code === 'string' && /^22/.test(e.code)) {
    return {
      status: 400,
      body: { error: { code: 'invalid_value', message: 'a value is out of range or malformed' } },
      unexpected: false,
    };
  }
  if (typeof e?.code === 'string' && /^23/.test(e.code)) {
    return {
      status: 409,
      body: { error: { code: 'conflict', message: 'the change conflicts with existing data' } },
      unexpected: false,
    };
  }
  return { status: 500, body: { error: { code: 'internal_error', message: 'internal server error' } }, unexpected: true };
}

const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/startupz']);

export function createApp(deps: AppDeps): Koa<AppState> {
  const { db, logger, metrics } = deps;
  const users = new UsersRepository(db.knex);
  const auth = new AuthService(users, deps.jwtSecret, deps.jwtTtlSeconds);
  const todos = new TodosService(new TodosRepository(db.knex));
  const chat = new ChatService(
    new ConversationsRepository(db.knex),
    todos,
    deps.assistant,
    new RateLimiter(deps.chatRateLimit.limit, deps.chatRateLimit.windowMs),
    metrics,
    logger,
  );

  const app = new Koa<AppState>({ proxy: true });
  app.silent = true;
  app.on('error', (err: unknown) => logger.debug({ err }, 'koa stream error'));

  // 1. trace context, request log, metrics
  const tracer = deps.tracer ?? trace.getTracer('todo-api');
  const tracingEnabled = deps.tracingEnabled ?? deps.tracer !== undefined;
  // one child per (method, route, status): prom-client otherwise hashes the label object twice per request
  const httpMetrics = new Map<string, { count: { inc(): void }; duration: { observe(v: number): void } }>();
  const finish = (ctx: Ctx, started: number, span: Span | undefined) => {
    const seconds = (performance.now() - started) / 1000;
    const route = String((ctx as Ctx & { _matchedRoute?: string })._matchedRoute ?? 'unmatched');
    const status = ctx.status;
    const key = `${ctx.method} ${route} ${status}`;
    let m = httpMetrics.get(key);
    if (!m) {
      const labels = { method: ctx.method, route, status: String(status) };
      m = { count: metrics.httpRequests.labels(labels), duration: metrics.httpDuration.labels(labels) };
      httpMetrics.set(key, m);
    }
    m.count.inc();
    m.duration.observe(seconds);
    if (span) {
      span.updateName(`${ctx.method} ${route}`);
      span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    const quiet = QUIET_ROUTES.has(ctx.path);
    if (quiet ? logger.isLevelEnabled('debug') : logger.isLevelEnabled('info')) {
      const entry = { method: ctx.method, path: ctx.path, route, status, duration_ms: Math.round(seconds * 1e4) / 10 };
      if (quiet) logger.debug(entry, 'request');
      else logger.info(entry, 'request');
    }
  };
  app.use(async (ctx, next) => {
    const traceparent = ctx.get('traceparent');
    if (!tracingEnabled && !traceparent) {
      // Tracing off and no incoming trace: there is no span to make or context to carry (the
      // no-op tracer would return an invalid span), only a fresh trace id for logs and the header.
      const traceId = traceIdFrom(undefined);
      ctx.set('x-trace-id', traceId);
      return requestContext.run({ traceId }, async () => {
        const started = performance.now();
        try {
          await next();
        } finally {
          finish(ctx, started, undefined);
        }
      });
    }
    const parent = extractContext(ctx.headers);
    const span = tracer.startSpan(
      ctx.method,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': ctx.method, 'url.path': ctx.path, 'url.scheme': ctx.protocol },
      },
      parent,
    );
    const traceId = validTraceId(span) ?? traceIdFrom(traceparent || undefined);
    await context.with(trace.setSpan(parent, span), () =>
      requestContext.run({ traceId }, async () => {
        const started = performance.now();
        ctx.set('x-trace-id', traceId);
        try {
          await next();
        } finally {
          finish(ctx, started, span);
        }
      }),
    );
  });

  // 2. every failure becomes a JSON error body
  app.use(async (ctx, next) => {
    try {
      await next();
      if (ctx.respond === false) return;
      if (ctx.status === 404 && ctx.body == null) throw new HttpError(404, 'not_found', `no route for ${ctx.method} ${ctx.path}`);
      if (ctx.status === 405 && ctx.body == null)
        throw new HttpError(405, 'method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}`);
      if (ctx.status === 501 && ctx.body == null)
        throw new HttpError(405, 'method_not_allowed', `${ctx.method} is not supported`);
    } catch (err) {
      const { status, body, unexpected } = toErrorResponse(err);
      if (unexpected) logger.error({ err }, 'unhandled error');
      else if (status === 503)
        logger.warn(
          { err: { message: (err as Error)?.message, code: (err as { code?: unknown })?.code } },
          'database unavailable',
        );
      if (!ctx.headerSent && ctx.respond !== false) {
        ctx.status = status;
        ctx.body = body;
        if (status === 429)
          ctx.set('retry-after', String((body.error.details as { retry_after_seconds?: number })?.retry_after_seconds ?? 60));
      }
    }
  });

  let migrationsOk = false;
  const checkDatabase = async () => {
    const timeout = deps.readinessTimeoutMs ?? 2_000;
    const withTimeout = <T>(p: Promise<T>) =>
      Promise.race([
        p,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('readiness check timed out')), timeout).unref()),
      ]);
    try {
      await withTimeout(db.knex.raw('select 1'));
    } catch {
      return { reachable: false, migrations: migrationsOk };
    }
    if (!migrationsOk) migrationsOk = await withTimeout(migrationsApplied(db.knex)).catch(() => false);
    return { reachable: true, migrations: migrationsOk };
  };
  const health = healthRoutes({ isStarted: deps.isStarted, checkDatabase });
  app.use(health.routes()).use(health.allowedMethods());

  app.use(async (ctx, next) => {
    if (ctx.path.startsWith('/api/') && !deps.isStarted()) {
      throw new HttpError(503, 'starting', 'the service is starting; try again shortly');
    }
    return next();
  });
  app.use(jsonBody(deps.bodyLimitBytes));

  const requireUser = async (ctx: Ctx, next: () => Promise<unknown>) => {
    const header = ctx.get('authorization');
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]{10,4096})$/i.exec(header);
    if (!match?.[1]) throw unauthorized();
    ctx.state.user = await auth.authenticate(match[1]);
    return next();
  };

  const authRouter = authRoutes(auth, requireUser, deps.assistant.kind);
  app.use(authRouter.routes()).use(authRouter.allowedMethods());

  for (const router of [todoRoutes(todos, requireUser), chatRoutes(chat, requireUser, logger)]) {
    app.use(router.routes()).use(router.allowedMethods());
  }
  return app;
}
