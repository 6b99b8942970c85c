import { ConflictError, DatabaseUnavailableError, InvalidValueError } from '../domain/errors.js';

const DB_UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08006',
  '53300', // too_many_connections
]);

/** True when the error means "the database cannot be reached right now" (not a bug, not bad input). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && DB_UNAVAILABLE_CODES.has(e.code)) return true;
  if (e.name === 'KnexTimeoutError') return true;
  if (Array.isArray(e.errors) && e.errors.some(isDatabaseUnavailable)) return true; // AggregateError from net
  const message = typeof e.message === 'string' ? e.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i.test(
    message,
  );
}

/**
 * The domain error for a failed query (node-postgres or PGlite): an unreachable database, or a
 * SQLSTATE caused by the input: class 22 (data exception) and class 23 (integrity constraint
 * violation). Any other error is returned unchanged: a bug to log, not the caller's fault.
 */
export function toDomainError(err: unknown): unknown {
  if (isDatabaseUnavailable(err)) return new DatabaseUnavailableError({ cause: err });
  const code = (err as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('22')) return new InvalidValueError({ cause: err });
  if (typeof code === 'string' && code.startsWith('23')) return new ConflictError(undefined, { cause: err });
  return err;
}

/** Awaits a query (a knex builder, raw query or transaction), failing with toDomainError's translation. */
export async function runQuery<T>(query: PromiseLike<T>): Promise<T> {
  try {
    return await query;
  } catch (err) {
    throw toDomainError(err);
  }
}
