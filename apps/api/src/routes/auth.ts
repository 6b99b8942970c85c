import Router from '@koa/router';
import { credentials } from '../services/schemas.js';
import type { AuthService } from '../services/auth.js';
import { currentUser, type AppState } from './context.js';
import type { Middleware } from 'koa';

/** `assistant` tells the UI which assistant answers: the offline parser or an OpenAI-compatible model. */
export function authRoutes(auth: AuthService, requireUser: Middleware<AppState>, assistant: 'openai' | 'offline') {
  const router = new Router<AppState>({ prefix: '/api/auth' });
  router.post('/signup', async (ctx) => {
    const { email, password } = credentials.parse(ctx.request.body);
    ctx.status = 201;
    ctx.body = await auth.signup(email, password);
  });
  router.post('/login', async (ctx) => {
    const { email, password } = credentials.parse(ctx.request.body);
    ctx.body = await auth.login(email, password);
  });
  router.get('/me', requireUser, (ctx) => {
    ctx.body = { user: currentUser(ctx), assistant };
  });
  return router;
}
