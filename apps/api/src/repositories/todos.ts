import type { Knex } from 'knex';
import { runQuery } from '../db/errors.js';

export type Priority = 'low' | 'medium' | 'high';

export interface Todo {
  id: number;
  title: string;
  notes: string;
  due_date: string | null;
  priority: Priority;
  done: boolean;
  completed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface TodoFilter {
  status: 'open' | 'done' | 'all';
  search?: string | undefined;
  dueBefore?: string | undefined;
  dueAfter?: string | undefined;
  dueOn?: string | undefined;
  limit: number;
  offset: number;
}

export interface TodoInput {
  title: string;
  notes?: string | undefined;
  due_date?: string | null | undefined;
  priority?: Priority | undefined;
}

export interface TodoPatch {
  title?: string | undefined;
  notes?: string | undefined;
  due_date?: string | null | undefined;
  priority?: Priority | undefined;
  done?: boolean | undefined;
}

/** Escapes LIKE wildcards so user text matches literally. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The list's columns; a DATE column is sent as a plain `YYYY-MM-DD` string, as elsewhere. */
const LIST_COLUMNS = [
  'id',
  'title',
  'notes',
  `to_char(due_date, 'YYYY-MM-DD') as due_date`,
  'priority',
  'done',
  'completed_at',
  'created_at',
  'updated_at',
].join(', ');

interface ListStatement {
  sql: string;
  countSql: string;
  /** The count's only parameter is the user id (todo_counts), not the filter's. */
  countByUser: boolean;
  name: string | undefined;
}

export class TodosRepository {
  private readonly listStatements = new Map<string, ListStatement>();
  /** Named prepared statements are a node-postgres feature; PGlite runs each query as is. */
  private readonly namedStatements: boolean;

  constructor(private readonly knex: Knex) {
    this.namedStatements = (knex.client as { config?: { client?: unknown } }).config?.client === 'pg';
  }

  private columns() {
    return [
      'id',
      'title',
      'notes',
      // a DATE column comes back as a local-time JS Date from node-postgres; keep it a plain date string
      this.knex.raw(`to_char(due_date, 'YYYY-MM-DD') as due_date`),
      'priority',
      'done',
      'completed_at',
      'created_at',
      'updated_at',
    ];
  }

  async list(userId: number, f: TodoFilter): Promise<{ items: Todo[]; total: number }> {
    const { sql, countSql, countByUser, name, params } = this.listStatement(userId, f);
    const countParams = countByUser ? [userId] : params;
    // One round trip: the page comes back in index order and the total rides along as an
    // uncorrelated subquery, evaluated once: one row of todo_counts when only the status
    // filters, otherwise a count of the matching rows (never a window count, which reads and
    // sorts every matching row).
    const rows = (await this.run(sql, [...countParams, ...params, f.limit, f.offset], name)) as (Todo & {
      total_count: string | number;
    })[];
    let total: number;
    if (rows.length > 0) total = Number(rows[0]!.total_count);
    else if (f.offset === 0) total = 0;
    else {
      // past the last page there is no row to carry the count
      const [countRow] = (await this.run(countSql, countParams, name && `${name}_count`)) as { count: string | number }[];
      total = Number(countRow?.count ?? 0);
    }
    const items = rows.map(({ total_count: _total, ...todo }) => todo as Todo);
    return { items, total };
  }

  /** Runs a cached statement through knex; on node-postgres as a named prepared statement. */
  private async run(sql: string, bindings: (string | number | null)[], name: string | undefined): Promise<unknown[]> {
    const query = this.knex.raw(sql, bindings);
    if (name) query.options({ name });
    return ((await runQuery(query)) as { rows: unknown[] }).rows;
  }

  /**
   * The list SQL for this combination of filters, built once per shape and cached: the text
   * depends only on which filters are present, the values travel as bind parameters. On
   * node-postgres each shape is a named prepared statement, parsed and planned once per connection.
   */
  private listStatement(userId: number, f: Omit<TodoFilter, 'limit' | 'offset'>) {
    const params: (string | number)[] = [userId];
    let shape = f.status;
    if (f.search) {
      const pattern = `%${likeEscape(f.search)}%`;
      params.push(pattern, pattern);
      shape += '_q';
    }
    if (f.dueOn) {
      params.push(f.dueOn);
      shape += '_on';
    }
    if (f.dueBefore) {
      params.push(f.dueBefore);
      shape += '_before';
    }
    if (f.dueAfter) {
      params.push(f.dueAfter);
      shape += '_after';
    }
    let statement = this.listStatements.get(shape);
    if (!statement) {
      const where = ['user_id = ?'];
      if (f.status === 'open') where.push('done = false');
      if (f.status === 'done') where.push('done = true');
      if (f.search) where.push(`(title ilike ? escape '\\' or notes ilike ? escape '\\')`);
      if (f.dueOn) where.push('due_date = ?');
      if (f.dueBefore) where.push('due_date < ?');
      if (f.dueAfter) where.push('due_date > ?');
      const w = where.join(' and ');
      // only the status filters: the user's totals are kept in todo_counts (migration 0002)
      const countByUser = shape === f.status;
      const total = { all: 'open + done', open: 'open', done: 'done' }[f.status];
      const countSql = countByUser
        ? `select coalesce((select ${total} from todo_counts where user_id = ?), 0) as count`
        : `select count(*) as count from todos where ${w}`;
      statement = {
        sql: `select ${LIST_COLUMNS}, (${countSql}) as total_count from todos where ${w} order by done asc, id asc limit ? offset ?`,
        countSql,
        countByUser,
        name: this.namedStatements ? `todos_list_${shape}` : undefined,
      };
      this.listStatements.set(shape, statement);
    }
    return { ...statement, params };
  }

  async get(userId: number, id: number): Promise<Todo | undefined> {
    return (await runQuery(this.knex('todos').where({ user_id: userId, id }).first(this.columns()))) as Todo | undefined;
  }

  async create(userId: number, input: TodoInput): Promise<Todo> {
    const [row] = await runQuery(
      this.knex('todos')
        .insert({
          user_id: userId,
          title: input.title,
          notes: input.notes ?? '',
          due_date: input.due_date ?? null,
          priority: input.priority ?? 'medium',
        })
        .returning(this.columns()),
    );
    return row as Todo;
  }

  async update(userId: number, id: number, patch: TodoPatch): Promise<Todo | undefined> {
    const changes: Record<string, unknown> = { updated_at: this.knex.fn.now() };
    for (const key of ['title', 'notes', 'due_date', 'priority'] as const) {
      if (patch[key] !== undefined) changes[key] = patch[key];
    }
    if (patch.done !== undefined) {
      changes.done = patch.done;
      changes.completed_at = patch.done ? this.knex.fn.now() : null;
    }
    const [row] = await runQuery(this.knex('todos').where({ user_id: userId, id }).update(changes).returning(this.columns()));
    return row as Todo | undefined;
  }

  async delete(userId: number, id: number): Promise<Todo | undefined> {
    const [row] = await runQuery(this.knex('todos').where({ user_id: userId, id }).delete().returning(this.columns()));
    return row as Todo | undefined;
  }
}
