import type { Database } from './knex.js';
import { migrationsApplied } from './migrations.js';

/**
 * The readiness probe's database check: reachable, and every migration applied. Each query is
 * bounded by `timeoutMs`; once the migrations are seen applied they are not queried again.
 */
export function databaseReadiness(db: Database, timeoutMs: number) {
  let migrationsOk = false;
  const withTimeout = <T>(p: Promise<T>) =>
    Promise.race([
      p,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('readiness check timed out')), timeoutMs).unref()),
    ]);
  return async (): Promise<{ reachable: boolean; migrations: boolean }> => {
    try {
      await withTimeout(db.knex.raw('select 1'));
    } catch {
      return { reachable: false, migrations: migrationsOk };
    }
    if (!migrationsOk) migrationsOk = await withTimeout(migrationsApplied(db.knex)).catch(() => false);
    return { reachable: true, migrations: migrationsOk };
  };
}
