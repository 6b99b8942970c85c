import type { Knex } from 'knex';

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

export class TodosRepository {
  constructor(private readonly knex: Knex) {}

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

  private filtered(userId: number, f: Omit<TodoFilter, 'limit' | 'offset'>) {
    const q = this.knex('todos').where('user_id', userId);
    if (f.status === 'open') q.andWhere('done', false);
    if (f.status === 'done') q.andWhere('done', true);
    if (f.search) {
      const pattern = `%${likeEscape(f.search)}%`;
      q.andWhere((w) => w.whereRaw(`title ilike ? escape '\\'`, [pattern]).orWhereRaw(`notes ilike ? escape '\\'`, [pattern]));
    }
    if (f.dueOn) q.andWhere('due_date', f.dueOn);
    if (f.dueBefore) q.andWhere('due_date', '<', f.dueBefore);
    if (f.dueAfter) q.andWhere('due_date', '>', f.dueAfter);
    return q;
  }

  async list(userId: number, f: TodoFilter): Promise<{ items: Todo[]; total: number }> {
    // one round trip: the window count rides along with the page
    const rows = (await this.filtered(userId, f)
      .select([...this.columns(), this.knex.raw('count(*) over () as total_count')])
      .orderBy([
        { column: 'done', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(f.limit)
      .offset(f.offset)) as (Todo & { total_count: string | number })[];
    let total: number;
    if (rows.length > 0) total = Number(rows[0]!.total_count);
    else if (f.offset === 0) total = 0;
    else {
      // past the last page there is no row to carry the count
      const countRow = await this.filtered(userId, f).count<{ count: string | number }[]>({ count: '*' }).first();
      total = Number(countRow?.count ?? 0);
    }
    const items = rows.map(({ total_count: _total, ...todo }) => todo as Todo);
    return { items, total };
  }

  async get(userId: number, id: number): Promise<Todo | undefined> {
    return (await this.knex('todos').where({ user_id: userId, id }).first(this.columns())) as Todo | undefined;
  }

  async create(userId: number, input: TodoInput): Promise<Todo> {
    const [row] = await this.knex('todos')
      .insert({
        user_id: userId,
        title: input.title,
        notes: input.notes ?? '',
        due_date: input.due_date ?? null,
        priority: input.priority ?? 'medium',
      })
      .returning(this.columns());
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
    const [row] = await this.knex('todos').where({ user_id: userId, id }).update(changes).returning(this.columns());
    return row as Todo | undefined;
  }

  async delete(userId: number, id: number): Promise<Todo | undefined> {
    const [row] = await this.knex('todos').where({ user_id: userId, id }).delete().returning(this.columns());
    return row as Todo | undefined;
  }
}
