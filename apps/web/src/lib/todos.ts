import { errorFromResponse, describeFailure, type FetchLike } from './chat';
import { isObject, taskFrom, type ChatEvent, type Todo } from './types';

export type TodoPatch = Partial<Pick<Todo, 'title' | 'done'>>;

/** A change shown before the server confirms it; dropping it from the list is the rollback. */
export type PendingOp =
  | { kind: 'add'; opId: number; tempId: number; title: string }
  | { kind: 'update'; opId: number; id: number; patch: TodoPatch }
  | { kind: 'delete'; opId: number; id: number };

export type OpRequest =
  { kind: 'add'; title: string } | { kind: 'update'; id: number; patch: TodoPatch } | { kind: 'delete'; id: number };

export interface TodoState {
  /** What the server last confirmed. */
  confirmed: Todo[];
  pending: PendingOp[];
  error: { message: string; failed: OpRequest | null } | null;
  loaded: boolean;
}

export type TodoAction =
  | { type: 'loaded'; items: Todo[] }
  | { type: 'begin'; op: PendingOp }
  | { type: 'succeed'; opId: number; item?: Todo }
  | { type: 'fail'; opId: number; message: string; request: OpRequest }
  | { type: 'loadFailed'; message: string }
  | { type: 'upsert'; item: Todo }
  | { type: 'remove'; id: number }
  | { type: 'dismissError' };

export interface TodoView extends Todo {
  pending: boolean;
}

export const initialTodoState: TodoState = { confirmed: [], pending: [], error: null, loaded: false };

function upsert(items: Todo[], item: Todo): Todo[] {
  const index = items.findIndex((t) => t.id === item.id);
  if (index === -1) return [...items, item].sort((a, b) => a.id - b.id);
  const next = items.slice();
  next[index] = { ...items[index], ...item };
  return next;
}

export function todoReducer(state: TodoState, action: TodoAction): TodoState {
  switch (action.type) {
    case 'loaded':
      return { ...state, confirmed: action.items.slice().sort((a, b) => a.id - b.id), loaded: true, error: null };
    case 'loadFailed':
      return { ...state, error: { message: action.message, failed: null } };
    case 'begin':
      return { ...state, pending: [...state.pending, action.op], error: null };
    case 'succeed': {
      const op = state.pending.find((o) => o.opId === action.opId);
      const pending = state.pending.filter((o) => o.opId !== action.opId);
      if (!op) return { ...state, pending };
      let confirmed = state.confirmed;
      if (op.kind === 'delete') confirmed = confirmed.filter((t) => t.id !== op.id);
      else if (action.item) confirmed = upsert(confirmed, action.item);
      return { ...state, pending, confirmed };
    }
    case 'fail':
      // removing the op is the rollback: the view falls back to the confirmed item
      return {
        ...state,
        pending: state.pending.filter((o) => o.opId !== action.opId),
        error: { message: action.message, failed: action.request },
      };
    case 'upsert':
      return { ...state, confirmed: upsert(state.confirmed, action.item) };
    case 'remove':
      return { ...state, confirmed: state.confirmed.filter((t) => t.id !== action.id) };
    case 'dismissError':
      return { ...state, error: null };
  }
}

/** The list as shown: confirmed items with every pending change applied on top. */
export function visibleTodos(state: TodoState): TodoView[] {
  let items: TodoView[] = state.confirmed.map((t) => ({ ...t, pending: false }));
  for (const op of state.pending) {
    if (op.kind === 'add') {
      items = [...items, { id: op.tempId, title: op.title, due_date: null, priority: 'medium', done: false, pending: true }];
    } else if (op.kind === 'update') {
      items = items.map((t) => (t.id === op.id ? { ...t, ...op.patch, pending: true } : t));
    } else {
      items = items.filter((t) => t.id !== op.id);
    }
  }
  return items;
}

/** How a tool result changes the list: add/update/complete upsert the task, delete removes it. */
export function actionForToolResult(e: Extract<ChatEvent, { type: 'tool_result' }>): TodoAction | undefined {
  if (!e.ok) return undefined;
  if (e.name === 'delete_task') {
    const deleted = isObject(e.result) ? taskFrom(e.result.deleted) : undefined;
    return deleted ? { type: 'remove', id: deleted.id } : undefined;
  }
  if (e.name === 'add_task' || e.name === 'update_task' || e.name === 'complete_task') {
    const item = taskFrom(e.result);
    return item ? { type: 'upsert', item } : undefined;
  }
  return undefined;
}

const jsonInit = (method: string, body?: unknown): RequestInit => ({
  method,
  headers: body === undefined ? {} : { 'content-type': 'application/json' },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

/** The todo list with optimistic updates; React subscribes with useSyncExternalStore. */
export class TodoStore {
  private state: TodoState;
  private readonly listeners = new Set<() => void>();
  private nextOp = 1;

  constructor(
    private readonly fetchImpl: FetchLike,
    initial?: Todo[],
    private readonly onUnauthorized?: () => void,
  ) {
    this.state = initial ? todoReducer(initialTodoState, { type: 'loaded', items: initial }) : initialTodoState;
  }

  getState = (): TodoState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  dispatch(action: TodoAction) {
    this.state = todoReducer(this.state, action);
    for (const l of this.listeners) l();
  }

  applyToolResult(e: Extract<ChatEvent, { type: 'tool_result' }>) {
    const action = actionForToolResult(e);
    if (action) this.dispatch(action);
  }

  async reload(): Promise<void> {
    try {
      const res = await this.fetchImpl('/api/todos?status=all&limit=100');
      if (!res.ok) throw await errorFromResponse(res);
      const body = (await res.json()) as { items: unknown[] };
      this.dispatch({ type: 'loaded', items: body.items.map(taskFrom).filter((t): t is Todo => t !== undefined) });
    } catch (err) {
      this.dispatch({ type: 'loadFailed', message: `Could not load your tasks. ${describeFailure(err).message}` });
    }
  }

  add(title: string) {
    const trimmed = title.trim();
    if (!trimmed) return Promise.resolve(false);
    return this.perform({ kind: 'add', title: trimmed });
  }

  toggle(id: number) {
    const item = visibleTodos(this.state).find((t) => t.id === id);
    if (!item) return Promise.resolve(false);
    return this.perform({ kind: 'update', id, patch: { done: !item.done } });
  }

  rename(id: number, title: string) {
    const trimmed = title.trim();
    if (!trimmed) return Promise.resolve(false);
    return this.perform({ kind: 'update', id, patch: { title: trimmed } });
  }

  remove(id: number) {
    return this.perform({ kind: 'delete', id });
  }

  /** Runs the change that failed last once more. */
  retry() {
    const failed = this.state.error?.failed;
    this.dispatch({ type: 'dismissError' });
    if (failed) return this.perform(failed);
    return this.reload().then(() => true);
  }

  async perform(request: OpRequest): Promise<boolean> {
    const opId = this.nextOp++;
    const op: PendingOp =
      request.kind === 'add'
        ? { ...request, opId, tempId: -opId }
        : request.kind === 'update'
          ? { ...request, opId }
          : { ...request, opId };
    this.dispatch({ type: 'begin', op });
    try {
      const res =
        request.kind === 'add'
          ? await this.fetchImpl('/api/todos', jsonInit('POST', { title: request.title }))
          : request.kind === 'update'
            ? await this.fetchImpl(`/api/todos/${request.id}`, jsonInit('PATCH', request.patch))
            : await this.fetchImpl(`/api/todos/${request.id}`, jsonInit('DELETE'));
      if (request.kind === 'delete' && res.status === 404) {
        // already gone (deleted elsewhere): the outcome the user wanted
        this.dispatch({ type: 'succeed', opId });
        return true;
      }
      if (!res.ok) {
        if (res.status === 401) this.onUnauthorized?.();
        throw await errorFromResponse(res);
      }
      const item = request.kind === 'delete' ? undefined : taskFrom(await res.json());
      this.dispatch(item ? { type: 'succeed', opId, item } : { type: 'succeed', opId });
      return true;
    } catch (err) {
      const what = request.kind === 'add' ? 'add the task' : request.kind === 'delete' ? 'delete the task' : 'save the change';
      this.dispatch({ type: 'fail', opId, request, message: `Could not ${what}. ${describeFailure(err).message}` });
      return false;
    }
  }
}
