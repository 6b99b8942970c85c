import { describe, expect, it } from 'vitest';
import { TodoStore, actionForToolResult, initialTodoState, todoReducer, visibleTodos, type TodoState } from './todos';
import type { Todo } from './types';

const todo = (id: number, title: string, done = false): Todo => ({ id, title, done, due_date: null, priority: 'medium' });
const loaded = (items: Todo[]): TodoState => todoReducer(initialTodoState, { type: 'loaded', items });

describe('todoReducer (optimistic updates)', () => {
  it('shows a pending add at once and replaces it with the server item on success', () => {
    let s = todoReducer(loaded([todo(1, 'a')]), { type: 'begin', op: { kind: 'add', opId: 1, tempId: -1, title: 'buy milk' } });
    expect(visibleTodos(s).map((t) => [t.id, t.title, t.pending])).toEqual([
      [1, 'a', false],
      [-1, 'buy milk', true],
    ]);
    s = todoReducer(s, { type: 'succeed', opId: 1, item: todo(7, 'buy milk') });
    expect(visibleTodos(s).map((t) => [t.id, t.pending])).toEqual([
      [1, false],
      [7, false],
    ]);
  });

  it('rolls a failed tick back to the confirmed state and records the error with the request', () => {
    let s = todoReducer(loaded([todo(1, 'a')]), { type: 'begin', op: { kind: 'update', opId: 2, id: 1, patch: { done: true } } });
    expect(visibleTodos(s)[0]?.done).toBe(true);
    s = todoReducer(s, { type: 'fail', opId: 2, message: 'nope', request: { kind: 'update', id: 1, patch: { done: true } } });
    expect(visibleTodos(s)[0]).toMatchObject({ id: 1, done: false, pending: false });
    expect(s.error).toEqual({ message: 'nope', failed: { kind: 'update', id: 1, patch: { done: true } } });
  });

  it('hides a pending delete and brings the task back when the delete fails', () => {
    let s = todoReducer(loaded([todo(1, 'a'), todo(2, 'b')]), { type: 'begin', op: { kind: 'delete', opId: 3, id: 1 } });
    expect(visibleTodos(s).map((t) => t.id)).toEqual([2]);
    s = todoReducer(s, { type: 'fail', opId: 3, message: 'x', request: { kind: 'delete', id: 1 } });
    expect(visibleTodos(s).map((t) => t.id)).toEqual([1, 2]);
  });

  it('keeps other pending changes when one settles', () => {
    let s = loaded([todo(1, 'a'), todo(2, 'b')]);
    s = todoReducer(s, { type: 'begin', op: { kind: 'update', opId: 1, id: 1, patch: { done: true } } });
    s = todoReducer(s, { type: 'begin', op: { kind: 'update', opId: 2, id: 2, patch: { title: 'B' } } });
    s = todoReducer(s, { type: 'succeed', opId: 1, item: todo(1, 'a', true) });
    expect(visibleTodos(s).map((t) => [t.id, t.title, t.done, t.pending])).toEqual([
      [1, 'a', true, false],
      [2, 'B', false, true],
    ]);
  });

  it('applies tool results: add/complete upsert, delete removes, failures and lists change nothing', () => {
    const s0 = loaded([todo(1, 'a')]);
    const add = actionForToolResult({ type: 'tool_result', id: 'c1', name: 'add_task', ok: true, result: todo(5, 'buy milk') });
    const s1 = todoReducer(s0, add!);
    expect(visibleTodos(s1).map((t) => t.title)).toEqual(['a', 'buy milk']);
    const done = actionForToolResult({
      type: 'tool_result',
      id: 'c2',
      name: 'complete_task',
      ok: true,
      result: todo(5, 'buy milk', true),
    });
    expect(visibleTodos(todoReducer(s1, done!)).find((t) => t.id === 5)?.done).toBe(true);
    const del = actionForToolResult({
      type: 'tool_result',
      id: 'c3',
      name: 'delete_task',
      ok: true,
      result: { deleted: todo(1, 'a') },
    });
    expect(visibleTodos(todoReducer(s1, del!)).map((t) => t.id)).toEqual([5]);
    expect(actionForToolResult({ type: 'tool_result', id: 'c4', name: 'add_task', ok: false, error: 'bad' })).toBeUndefined();
    expect(
      actionForToolResult({ type: 'tool_result', id: 'c5', name: 'list_tasks', ok: true, result: { total: 0, tasks: [] } }),
    ).toBeUndefined();
  });
});

type Call = { url: string; init?: RequestInit };
function scriptedFetch(responses: (Response | Error)[]) {
  const calls: Call[] = [];
  const fetchImpl = async (url: string, init?: RequestInit) => {
    calls.push(init ? { url, init } : { url });
    const next = responses.shift();
    if (!next) throw new Error(`unscripted request ${init?.method ?? 'GET'} ${url}`);
    if (next instanceof Error) throw next;
    return next;
  };
  return { calls, fetchImpl };
}
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('TodoStore', () => {
  it('adds optimistically, then shows the server’s copy', async () => {
    const { calls, fetchImpl } = scriptedFetch([json(201, todo(9, 'buy milk'))]);
    const store = new TodoStore(fetchImpl, []);
    const done = store.add('  buy milk ');
    expect(visibleTodos(store.getState())).toMatchObject([{ title: 'buy milk', pending: true }]);
    expect(await done).toBe(true);
    expect(visibleTodos(store.getState())).toMatchObject([{ id: 9, title: 'buy milk', pending: false }]);
    expect(calls[0]).toMatchObject({ url: '/api/todos', init: { method: 'POST', body: '{"title":"buy milk"}' } });
  });

  it('rolls back a tick the server refuses, and retry sends the same change again', async () => {
    const { calls, fetchImpl } = scriptedFetch([
      json(503, { error: { code: 'database_unavailable', message: 'db down' } }),
      json(200, todo(1, 'a', true)),
    ]);
    const store = new TodoStore(fetchImpl, [todo(1, 'a')]);
    expect(await store.toggle(1)).toBe(false);
    expect(visibleTodos(store.getState())[0]?.done).toBe(false);
    expect(store.getState().error?.message).toMatch(/Could not save the change.*db down/);
    expect(await store.retry()).toBe(true);
    expect(visibleTodos(store.getState())[0]?.done).toBe(true);
    expect(store.getState().error).toBeNull();
    expect(calls.map((c) => `${c.init?.method} ${c.url} ${String(c.init?.body)}`)).toEqual([
      'PATCH /api/todos/1 {"done":true}',
      'PATCH /api/todos/1 {"done":true}',
    ]);
  });

  it('rolls back a delete when the network fails', async () => {
    const { fetchImpl } = scriptedFetch([new TypeError('fetch failed')]);
    const store = new TodoStore(fetchImpl, [todo(1, 'a')]);
    expect(await store.remove(1)).toBe(false);
    expect(visibleTodos(store.getState()).map((t) => t.id)).toEqual([1]);
    expect(store.getState().error?.message).toMatch(/Could not delete the task. Could not reach the server/);
  });

  it('calls onUnauthorized when the session has ended', async () => {
    let ended = 0;
    const { fetchImpl } = scriptedFetch([json(401, { error: { code: 'unauthorized', message: 'log in first' } })]);
    const store = new TodoStore(fetchImpl, [todo(1, 'a')], () => ended++);
    await store.rename(1, 'b');
    expect(ended).toBe(1);
    expect(visibleTodos(store.getState())[0]?.title).toBe('a');
  });
});
