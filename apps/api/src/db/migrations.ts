import type { Knex } from 'knex';
import { setTimeout as sleep } from 'node:timers/promises';

interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Migrations are code, applied in array order. Never edit one that has shipped; append. */
export const migrations: Migration[] = [
  {
    name: '0001_initial',
    async up(knex) {
      await knex.schema.createTable('users', (t) => {
        t.increments('id').primary();
        t.string('email', 254).notNullable().unique();
        t.text('password_hash').notNullable();
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      });
      await knex.schema.createTable('todos', (t) => {
        t.increments('id').primary();
        t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
        t.string('title', 200).notNullable();
        t.text('notes').notNullable().defaultTo('');
        t.date('due_date').nullable();
        t.string('priority', 8).notNullable().defaultTo('medium');
        t.boolean('done').notNullable().defaultTo(false);
        t.timestamp('completed_at', { useTz: true }).nullable();
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
        t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
        t.index(['user_id', 'done']);
        t.index(['user_id', 'due_date']);
      });
      await knex.raw(`alter table todos add constraint todos_priority_check check (priority in ('low','medium','high'))`);
      await knex.schema.createTable('conversations', (t) => {
        t.increments('id').primary();
        t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
        t.string('title', 200).notNullable();
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
        t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
        t.index(['user_id', 'updated_at']);
      });
      await knex.schema.createTable('messages', (t) => {
        t.increments('id').primary();
        t.integer('conversation_id').notNullable().references('conversations.id').onDelete('CASCADE');
        t.string('role', 16).notNullable();
        t.text('content').notNullable().defaultTo('');
        t.jsonb('tool_calls').nullable();
        t.string('tool_call_id', 128).nullable();
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
        t.index(['conversation_id', 'id']);
      });
    },
    async down(knex) {
      await knex.schema.dropTable('messages');
      await knex.schema.dropTable('conversations');
      await knex.schema.dropTable('todos');
      await knex.schema.dropTable('users');
    },
  },
  {
    // The list is `where user_id = ? [and done = ?] order by done, id limit ? offset ?`:
    // - (user_id, done, id) returns a page in order without sorting the user's rows; it
    //   supersedes the (user_id, done) index;
    // - todo_counts keeps each user's open and done totals, maintained by triggers in the same
    //   transaction as the change, so the list's `total` is one row read instead of a count
    //   over all of the user's todos. Filters other than status still count matching rows.
    name: '0002_todos_list_index_and_counts',
    async up(knex) {
      await knex.schema.alterTable('todos', (t) => {
        t.index(['user_id', 'done', 'id'], 'todos_user_id_done_id_index');
      });
      await knex.schema.alterTable('todos', (t) => {
        t.dropIndex(['user_id', 'done'], 'todos_user_id_done_index');
      });
      await knex.schema.createTable('todo_counts', (t) => {
        t.integer('user_id').primary().references('users.id').onDelete('CASCADE');
        t.integer('open').notNullable().defaultTo(0);
        t.integer('done').notNullable().defaultTo(0);
      });
      await knex.raw(`
        create function todo_counts_apply() returns trigger language plpgsql as $$
        begin
          if tg_op in ('UPDATE', 'DELETE') then
            update todo_counts set open = open - (not old.done)::int, done = done - old.done::int
              where user_id = old.user_id;
          end if;
          if tg_op in ('INSERT', 'UPDATE') then
            -- the row exists after a user's first todo: a plain update is the common, cheap path
            update todo_counts set open = open + (not new.done)::int, done = done + new.done::int
              where user_id = new.user_id;
            if not found then
              insert into todo_counts (user_id, open, done) values (new.user_id, (not new.done)::int, new.done::int)
                on conflict (user_id) do update
                set open = todo_counts.open + excluded.open, done = todo_counts.done + excluded.done;
            end if;
          end if;
          return null;
        end
        $$`);
      await knex.raw(`
        create trigger todos_count_insert_delete after insert or delete on todos
          for each row execute function todo_counts_apply()`);
      await knex.raw(`
        create trigger todos_count_update after update of done, user_id on todos
          for each row when (old.done is distinct from new.done or old.user_id is distinct from new.user_id)
          execute function todo_counts_apply()`);
      // the triggers exist from here on and writers wait for this transaction, so the backfill is exact
      await knex.raw(`
        insert into todo_counts (user_id, open, done)
        select user_id, count(*) filter (where not done), count(*) filter (where done) from todos group by user_id`);
    },
    async down(knex) {
      await knex.raw('drop trigger todos_count_update on todos');
      await knex.raw('drop trigger todos_count_insert_delete on todos');
      await knex.raw('drop function todo_counts_apply()');
      await knex.schema.dropTable('todo_counts');
      await knex.schema.alterTable('todos', (t) => {
        t.index(['user_id', 'done'], 'todos_user_id_done_index');
      });
      await knex.schema.alterTable('todos', (t) => {
        t.dropIndex(['user_id', 'done', 'id'], 'todos_user_id_done_id_index');
      });
    },
  },
];

const source: Knex.MigrationSource<Migration> = {
  getMigrations: async () => migrations,
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m,
};

export const migrationConfig: Knex.MigratorConfig = {
  migrationSource: source,
  tableName: 'knex_migrations',
};

/**
 * Applies pending migrations. knex takes a row lock in `knex_migrations_lock`; a replica that
 * finds it held waits and retries, then sees nothing left to do.
 */
export async function runMigrations(knex: Knex, opts: { waitMs?: number } = {}): Promise<string[]> {
  if ((knex.client as { config?: { client?: unknown } }).config?.client !== 'pg') return migrateWithRetry(knex, opts.waitMs);
  // knex's own lock row only exists once its tables do, so replicas racing on an empty database
  // would collide creating them. A session advisory lock on a dedicated connection serialises
  // the whole run; migrations use other pool connections meanwhile (pool max must be >= 2).
  const connection = await knex.client.acquireConnection();
  try {
    await knex.raw('select pg_advisory_lock(?)', [MIGRATION_LOCK_ID]).connection(connection);
    try {
      return await migrateWithRetry(knex, opts.waitMs);
    } finally {
      await knex.raw('select pg_advisory_unlock(?)', [MIGRATION_LOCK_ID]).connection(connection);
    }
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

/** Arbitrary constant shared by every replica: "todo-api migrations". */
const MIGRATION_LOCK_ID = 7_343_120_991;

async function migrateWithRetry(knex: Knex, waitMs = 120_000): Promise<string[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const [, applied] = (await knex.migrate.latest(migrationConfig)) as [number, string[]];
      return applied;
    } catch (err) {
      const locked = err instanceof Error && /already locked/i.test(err.message);
      if (!locked || Date.now() > deadline) throw err;
      await sleep(500);
    }
  }
}

/** True when every migration in code has been applied. */
export async function migrationsApplied(knex: Knex): Promise<boolean> {
  const hasTable = await knex.schema.hasTable(migrationConfig.tableName!);
  if (!hasTable) return false;
  const rows: { name: string }[] = await knex(migrationConfig.tableName!).select('name');
  const done = new Set(rows.map((r) => r.name));
  return migrations.every((m) => done.has(m.name));
}
