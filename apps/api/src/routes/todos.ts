import type { Middleware } from 'koa';
import Router from '@koa/router';
import { createTodoBody, id, listTodosQuery, updateTodoBody } from '../services/schemas.js';
import type { TodosService } from '../services/todos.js';
import { currentUser, type AppState } from './context.js';

export function todoRoutes(todos: TodosService, requireUser: Middleware<AppState>) {
  const router = new Router<AppState>({ prefix: '/api/todos' });
  router.get('/', requireUser, async (ctx) => {
    const q = listTodosQuery.parse(ctx.query);
    const { items, total } = await todos.list(currentUser(ctx).id, {
      status: q.status,
      search: q.q,
      dueBefore: q.due_before,
      dueAfter: q.due_after,
      dueOn: q.due_on,
      limit: q.limit,
      offset: q.offset,
    });
    ctx.body = { items, total, limit: q.limit, offset: q.offset };
  });
  router.post('/', requireUser, async (ctx) => {
    const body = createTodoBody.parse(ctx.request.body);
    ctx.status = 201;
    ctx.body = await todos.create(currentUser(ctx).id, body);
  });
  router.get('/:id', requireUser, async (ctx) => {
    ctx.body = await todos.get(currentUser(ctx).id, id.parse(ctx.params.id));
  });
  router.patch('/:id', requireUser, async (ctx) => {
    const todoId = id.parse(ctx.params.id);
    const patch = updateTodoBody.parse(ctx.request.body);
    ctx.body = await todos.update(currentUser(ctx).id, todoId, patch);
  });
  router.delete('/:id', requireUser, async (ctx) => {
    await todos.delete(currentUser(ctx).id, id.parse(ctx.params.id));
    ctx.status = 204;
  });
  return router;
}
