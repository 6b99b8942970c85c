// CLI: `npm run migrate -w apps/api` applies pending migrations and exits.
import { loadEnv, EnvError } from '../env.js';
import { createDatabase } from './knex.js';
import { runMigrations } from './migrations.js';

try {
  const env = loadEnv();
  const db = await createDatabase({
    databaseUrl: env.BACKEND_DATABASE_URL,
    dataDir: env.BACKEND_DATA_DIR,
    poolMin: 0,
    poolMax: 2, // one connection holds the advisory lock
    connectTimeoutMs: env.BACKEND_DB_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: Math.max(env.BACKEND_DB_STATEMENT_TIMEOUT_MS, 60_000),
  });
  try {
    const applied = await runMigrations(db.knex);
    process.stderr.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'already up to date\n');
  } finally {
    await db.close();
  }
} catch (err) {
  process.stderr.write(
    err instanceof EnvError ? `${err.message}\n` : `migration failed: ${String(err instanceof Error ? err.message : err)}\n`,
  );
  process.exitCode = 1;
}
