import type { ParameterizedContext } from 'koa';
import type { PublicUser } from '../services/auth.js';

export interface AppState {
  user?: PublicUser;
}

export type Ctx = ParameterizedContext<AppState>;

/** The authenticated user; the auth middleware guarantees it on /api routes that need it. */
export function currentUser(ctx: Ctx): PublicUser {
  const user = ctx.state.user;
  if (!user) throw new Error('route used without the auth middleware');
  return user;
}
