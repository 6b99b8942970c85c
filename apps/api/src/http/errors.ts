import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import {
  ConflictError,
  DatabaseUnavailableError,
  type DomainError,
  InvalidValueError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
} from '../domain/errors.js';
import type { AppState } from '../routes/context.js';

/** An error of the HTTP layer itself (routing, body parsing, start-up), with its status and a stable code. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** The HTTP status of each domain error; the only place where domain meets HTTP. */
const DOMAIN_STATUS: [abstract new (...args: never[]) => DomainError, number][] = [
  [NotFoundError, 404],
  [ConflictError, 409],
  [InvalidValueError, 400],
  [UnauthorizedError, 401],
  [RateLimitedError, 429],
  [DatabaseUnavailableError, 503],
];

function toErrorResponse(err: unknown): { status: number; body: ErrorBody; unexpected: boolean } {
  if (err instanceof HttpError) {
    const error: ErrorBody['error'] = { code: err.code, message: err.message };
    if (err.details !== undefined) error.details = err.details;
    return { status: err.status, body: { error }, unexpected: false };
  }
  const domain = DOMAIN_STATUS.find(([type]) => err instanceof type);
  if (domain) {
    const e = err as DomainError;
    const error: ErrorBody['error'] = { code: e.code, message: e.message };
    if (e instanceof RateLimitedError) error.details = { retry_after_seconds: e.retryAfterSeconds };
    return { status: domain[1], body: { error }, unexpected: false };
  }
  if (err instanceof ZodError) {
    const details = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const message = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
    return { status: 400, body: { error: { code: 'validation_failed', message, details } }, unexpected: false };
  }
  const e = err as { status?: unknown; expose?: unknown; message?: unknown };
  // Koa/http-errors thrown by the framework itself (e.g. malformed URL encoding)
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return {
      status: e.status,
      body: { error: { code: 'bad_request', message: e.expose ? String(e.message) : 'bad request' } },
      unexpected: false,
    };
  }
  return { status: 500, body: { error: { code: 'internal_error', message: 'internal server error' } }, unexpected: true };
}

/**
 * Every failure becomes a JSON error body `{error: {code, message, details?}}`: HTTP errors,
 * domain errors from the services, validation errors, and a route or method that does not exist.
 */
export function errorResponses(logger: Logger): Middleware<AppState> {
  return async (ctx, next) => {
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
      else if (err instanceof DatabaseUnavailableError) {
        const cause = err.cause as { message?: unknown; code?: unknown } | undefined;
        logger.warn({ err: { message: cause?.message, code: cause?.code } }, 'database unavailable');
      }
      if (!ctx.headerSent && ctx.respond !== false) {
        ctx.status = status;
        ctx.body = body;
        if (status === 429)
          ctx.set('retry-after', String((body.error.details as { retry_after_seconds?: number })?.retry_after_seconds ?? 60));
      }
    }
  };
}
