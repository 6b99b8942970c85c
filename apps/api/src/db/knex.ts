import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { PoolStats } from '../observability/metrics.js';

export type { Knex };

export interface DbOptions {
  /** postgres:// URL; when absent the embedded PGlite database is used. */
  databaseUrl?: string | undefined;
  /** Folder for PGlite data; `:memory:` keeps it in memory (tests). */
  dataDir: string;
  poolMin: number;
  poolMax: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  /** Where knex's own warnings go (defaults to console). */
  log?: { warn(msg: string): void; error(msg: string): void; debug(msg: string): void } | undefined;
}

export interface Database {
  knex: Knex;
  kind: 'postgres' | 'pglite';
  poolStats(): PoolStats | undefined;
  close(): Promise<void>;
}

const text = (m: unknown) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m));
const knexLog = (log: NonNullable<DbOptions['log']>) => ({
  warn: (m: unknown) => log.warn(text(m)),
  error: (m: unknown) => log.error(text(m)),
  deprecate: (m: unknown) => log.debug(text(m)),
  debug: (m: unknown) => log.debug(text(m)),
});

export async function createDatabase(opts: DbOptions): Promise<Database> {
  let knex: Knex;
  let kind: Database['kind'];
  if (opts.databaseUrl) {
    kind = 'postgres';
    knex = knexFactory({
      client: 'pg',
      connection: {
        connectionString: opts.databaseUrl,
        connectionTimeoutMillis: opts.connectTimeoutMs,
        statement_timeout: opts.statementTimeoutMs,
        query_timeout: opts.statementTimeoutMs + 1_000,
        application_name: 'todo-api',
      },
      pool: {
        min: opts.poolMin,
        max: opts.poolMax,
        acquireTimeoutMillis: opts.connectTimeoutMs,
        createTimeoutMillis: opts.connectTimeoutMs,
        idleTimeoutMillis: 30_000,
        propagateCreateError: true,
      },
      acquireConnectionTimeout: opts.connectTimeoutMs,
      ...(opts.log ? { log: knexLog(opts.log) } : {}),
    });
  } else {
    kind = 'pglite';
    // loaded on demand: PGlite's WASM build is only needed without BACKEND_DATABASE_URL
    const { default: ClientPgLite } = await import('knex-pglite');
    let connection: { filename?: string } = {};
    if (opts.dataDir !== ':memory:') {
      const dir = path.resolve(opts.dataDir);
      mkdirSync(dir, { recursive: true });
      connection = { filename: dir };
    }
    // PGlite is one in-process connection; knex-pglite fixes the pool at 1.
    knex = knexFactory({
      client: ClientPgLite,
      dialect: 'postgres',
      connection,
      ...(opts.log ? { log: knexLog(opts.log) } : {}),
    } as Knex.Config);
  }

  const poolStats = (): PoolStats | undefined => {
    const pool = (knex.client as { pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number; max: number } })
      .pool;
    if (!pool) return undefined;
    return { used: pool.numUsed(), free: pool.numFree(), pending: pool.numPendingAcquires(), max: pool.max };
  };

  return { knex, kind, poolStats, close: () => knex.destroy() };
}
