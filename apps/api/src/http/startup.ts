import type { Middleware } from 'koa';
import type { AppState } from '../routes/context.js';
import { HttpError } from './errors.js';

/** Answers 503 under /api/ until start-up (migrations) has finished. */
export function startupGate(isStarted: () => boolean): Middleware<AppState> {
  return async (ctx, next) => {
    if (ctx.path.startsWith('/api/') && !isStarted()) {
      throw new HttpError(503, 'starting', 'the service is starting; try again shortly');
    }
    return next();
  };
}
