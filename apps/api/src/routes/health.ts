import Router from '@koa/router';
import type { AppState } from './context.js';

export interface HealthChecks {
  isStarted(): boolean;
  /** Rejects or resolves false when the database is unreachable or migrations are pending. */
  checkDatabase(): Promise<{ reachable: boolean; migrations: boolean }>;
}

export function healthRoutes(checks: HealthChecks) {
  const router = new Router<AppState>();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/startupz', (ctx) => {
    const started = checks.isStarted();
    ctx.status = started ? 200 : 503;
    ctx.body = { status: started ? 'started' : 'starting' };
  });
  router.get('/readyz', async (ctx) => {
    const started = checks.isStarted();
    const db = started ? await checks.checkDatabase() : { reachable: false, migrations: false };
    const ready = started && db.reachable && db.migrations;
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready', checks: { started, database: db.reachable, migrations: db.migrations } };
  });
  return router;
}
