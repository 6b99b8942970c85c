import type { Middleware } from 'koa';
import { UnauthorizedError } from '../domain/errors.js';
import type { AuthService } from '../services/auth.js';
import type { AppState } from '../routes/context.js';

/** Route middleware: authenticates the bearer token into `ctx.state.user`, or fails with UnauthorizedError. */
export function requireUser(auth: AuthService): Middleware<AppState> {
  return async (ctx, next) => {
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]{10,4096})$/i.exec(ctx.get('authorization'));
    if (!match?.[1]) throw new UnauthorizedError();
    ctx.state.user = await auth.authenticate(match[1]);
    return next();
  };
}
