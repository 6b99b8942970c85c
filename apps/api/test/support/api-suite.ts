import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chat, client, signup, startTestApp, type Backend, type TestApp } from './harness.js';

/** The REST + offline-chat behaviour every database backend must show identically. */
export function describeApi(backend: Backend) {
  describe(`API on ${backend}`, () => {
    let app: TestApp;
    let url: string;

    beforeAll(async () => {
      app = await startTestApp(backend);
      url = app.url;
    });
    afterAll(async () => {
      await app?.close();
    });

    describe('health and metrics', () => {
      it('reports live, started and ready with the database and migrations checked', async () => {
        const c = client(url);
        expect((await c.request('GET', '/healthz')).status).toBe(200);
        expect((await c.request('GET', '/startupz')).body).toEqual({ status: 'started' });
        const ready = await c.request('GET', '/readyz');
        expect(ready.status).toBe(200);
        expect(ready.body).toEqual({ status: 'ready', checks: { started: true, database: true, migrations: true } });
      });

      it('uses the expected database backend', () => {
        expect(app.db.kind).toBe(backend);
      });

      it('exposes Prometheus metrics on the metrics port, labelled by route', async () => {
        await client(url).request('GET', '/api/todos');
        const res = await fetch(app.metricsUrl);
        expect(res.status).toBe(200);
        const text = await res.text();
        expect(text).toMatch(/http_requests_total\{method="GET",route="\/api\/todos",status="401"/);
        expect(text).toContain('http_request_duration_seconds_bucket');
        expect(text).toContain('db_pool_connections_max');
        expect(text).toContain('process_cpu_user_seconds_total');
        expect(res.headers.get('content-type')).toContain('text/plain');
      });
    });

    describe('accounts', () => {
      it('signs up, logs in and identifies the user', async () => {
        const anon = client(url);
        const email = `Mixed.Case-${Date.now()}@Example.test`;
        const up = await anon.request('POST', '/api/auth/signup', { email, password: 'password-123' });
        expect(up.status).toBe(201);
        expect(up.body.user.email).toBe(email.toLowerCase());
        expect(up.body.user).not.toHaveProperty('password_hash');
        const login = await anon.request('POST', '/api/auth/login', { email, password: 'password-123' });
        expect(login.status).toBe(200);
        const me = await client(url, login.body.token).request('GET', '/api/auth/me');
        expect(me.body.user).toEqual({ id: up.body.user.id, email: email.toLowerCase() });
        // no API key in this suite: the offline assistant answers, and the UI is told so
        expect(me.body.assistant).toBe('offline');
      });

      it('rejects a duplicate email, a wrong password and an unknown user alike', async () => {
        const user = await signup(url);
        const anon = client(url);
        expect((await anon.request('POST', '/api/auth/signup', { email: user.email, password: 'another-password' })).status).toBe(
          409,
        );
        const wrong = await anon.request('POST', '/api/auth/login', { email: user.email, password: 'wrong-password' });
        const unknown = await anon.request('POST', '/api/auth/login', {
          email: `nobody-${Date.now()}@example.test`,
          password: 'wrong-password',
        });
        expect(wrong.status).toBe(401);
        expect(unknown.status).toBe(401);
        expect(wrong.body).toEqual(unknown.body);
      });

      it('rejects missing, malformed, tampered and foreign tokens', async () => {
        const user = await signup(url);
        const [h, p] = (user.token ?? '').split('.');
        const forged = `${h}.${p}.${'A'.repeat(43)}`;
        for (const auth of [undefined, 'Bearer', 'Basic abc', `Bearer ${forged}`, 'Bearer not.a.jwt']) {
          const res = await client(url).request('GET', '/api/todos', undefined, auth ? { authorization: auth } : {});
          expect(res.status, String(auth)).toBe(401);
          expect(res.body.error.code).toBe('unauthorized');
        }
      });
    });

    describe('todos', () => {
      it('creates, reads, updates and deletes a todo', async () => {
        const u = await signup(url);
        const created = await u.request('POST', '/api/todos', {
          title: 'Buy milk',
          notes: '2 litres',
          due_date: '2026-12-01',
          priority: 'high',
        });
        expect(created.status).toBe(201);
        expect(created.body).toMatchObject({
          title: 'Buy milk',
          notes: '2 litres',
          due_date: '2026-12-01',
          priority: 'high',
          done: false,
          completed_at: null,
        });
        const id = created.body.id;
        expect((await u.request('GET', `/api/todos/${id}`)).body.title).toBe('Buy milk');

        const done = await u.request('PATCH', `/api/todos/${id}`, { done: true, title: 'Buy oat milk', due_date: null });
        expect(done.status).toBe(200);
        expect(done.body).toMatchObject({ title: 'Buy oat milk', done: true, due_date: null });
        expect(done.body.completed_at).toEqual(expect.any(String));
        const reopened = await u.request('PATCH', `/api/todos/${id}`, { done: false });
        expect(reopened.body.completed_at).toBeNull();

        expect((await u.request('DELETE', `/api/todos/${id}`)).status).toBe(204);
        expect((await u.request('GET', `/api/todos/${id}`)).status).toBe(404);
        expect((await u.request('DELETE', `/api/todos/${id}`)).status).toBe(404);
      });

      it('filters by status, search text and due date, and paginates', async () => {
        const u = await signup(url);
        const make = async (title: string, extra: Record<string, unknown> = {}) =>
          (await u.request('POST', '/api/todos', { title, ...extra })).body as { id: number };
        await make('call the plumber', { due_date: '2026-12-01' });
        const milk = await make('buy milk', { due_date: '2026-12-05' });
        await make('buy bread', { notes: 'sourdough 100%' });
        await make('100% literal', { due_date: '2026-11-20' });
        await u.request('PATCH', `/api/todos/${milk.id}`, { done: true });

        const titles = async (qs: string) =>
          ((await u.request('GET', `/api/todos?${qs}`)).body.items as { title: string }[]).map((t) => t.title);
        expect(await titles('status=done')).toEqual(['buy milk']);
        expect(await titles('status=open')).toEqual(['call the plumber', 'buy bread', '100% literal']);
        expect(await titles('q=BUY')).toEqual(['buy bread', 'buy milk']);
        expect(await titles('q=sourdough')).toEqual(['buy bread']);
        // LIKE wildcards in the search text match literally
        expect(await titles('q=0%25')).toEqual(['buy bread', '100% literal']);
        expect(await titles('q=_')).toEqual([]);
        expect(await titles('due_before=2026-12-02')).toEqual(['call the plumber', '100% literal']);
        expect(await titles('due_after=2026-12-01')).toEqual(['buy milk']);
        expect(await titles('due_on=2026-12-01')).toEqual(['call the plumber']);

        const page1 = await u.request('GET', '/api/todos?limit=2&offset=0');
        const page2 = await u.request('GET', '/api/todos?limit=2&offset=2');
        expect(page1.body).toMatchObject({ total: 4, limit: 2, offset: 0 });
        expect(page1.body.items).toHaveLength(2);
        expect(page2.body.items).toHaveLength(2);
        expect(new Set([...page1.body.items, ...page2.body.items].map((t: { id: number }) => t.id)).size).toBe(4);
        const beyond = await u.request('GET', '/api/todos?limit=2&offset=10');
        expect(beyond.body).toEqual({ items: [], total: 4, limit: 2, offset: 10 });
        expect(page1.body.items[0]).not.toHaveProperty('total_count');
      });

      it('lists a todo exactly as it reads it back, timestamps included', async () => {
        const u = await signup(url);
        const open = (await u.request('POST', '/api/todos', { title: 'open one', due_date: '2026-12-01', notes: 'n' })).body;
        const done = (await u.request('POST', '/api/todos', { title: 'done one' })).body;
        await u.request('PATCH', `/api/todos/${done.id}`, { done: true });
        const listed = (await u.request('GET', '/api/todos')).body.items;
        expect(listed).toEqual([
          (await u.request('GET', `/api/todos/${open.id}`)).body,
          (await u.request('GET', `/api/todos/${done.id}`)).body,
        ]);
        expect(listed[1].completed_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      });

      it('keeps the list total exact through creates, completions, reopens and deletes, for every filter and page', async () => {
        const u = await signup(url);
        const other = await signup(url);
        await other.request('POST', '/api/todos', { title: 'not yours' });
        const ids: number[] = [];
        for (let i = 0; i < 7; i++) {
          const res = await u.request('POST', '/api/todos', { title: `task ${i}`, due_date: i < 3 ? '2026-12-01' : null });
          ids.push(res.body.id);
        }
        for (const id of ids.slice(0, 3)) await u.request('PATCH', `/api/todos/${id}`, { done: true });
        await u.request('PATCH', `/api/todos/${ids[0]}`, { done: true }); // already done: no change
        await u.request('PATCH', `/api/todos/${ids[1]}`, { done: false }); // reopened
        await u.request('PATCH', `/api/todos/${ids[2]}`, { title: 'renamed, still done' });
        await u.request('DELETE', `/api/todos/${ids[6]}`); // an open one
        await u.request('DELETE', `/api/todos/${ids[0]}`); // a done one
        // now: open = ids 1, 3, 4, 5; done = id 2
        const expected: [string, number][] = [
          ['', 5],
          ['status=all', 5],
          ['status=open', 4],
          ['status=done', 1],
          ['q=task', 4],
          ['status=open&q=task', 4],
          ['status=done&q=task', 0],
          ['due_on=2026-12-01', 2],
          ['status=done&due_on=2026-12-01', 1],
          ['status=open&due_before=2026-12-02', 1],
        ];
        for (const [qs, total] of expected) {
          for (const page of ['limit=2&offset=0', 'limit=2&offset=2', 'limit=2&offset=50', 'limit=100']) {
            const res = await u.request('GET', `/api/todos?${qs}${qs ? '&' : ''}${page}`);
            expect(res.status).toBe(200);
            expect({ qs, page, total: res.body.total }).toEqual({ qs, page, total });
            if (page === 'limit=100') expect(res.body.items).toHaveLength(total);
          }
        }
        expect((await other.request('GET', '/api/todos?limit=1&offset=5')).body).toEqual({
          items: [],
          total: 1,
          limit: 1,
          offset: 5,
        });
      });

      it.each([
        ['missing title', {}],
        ['empty title', { title: '   ' }],
        ['very long title', { title: 'x'.repeat(201) }],
        ['wrong type', { title: 42 }],
        ['bad date', { title: 'x', due_date: '2026-02-30' }],
        ['bad priority', { title: 'x', priority: 'urgent' }],
        ['unknown field', { title: 'x', user_id: 1 }],
        ['array body', [{ title: 'x' }]],
        ['null body', null],
      ])('rejects a todo with %s and writes nothing', async (_name, body) => {
        const u = await signup(url);
        const res = await u.request('POST', '/api/todos', body);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('validation_failed');
        expect((await u.request('GET', '/api/todos')).body.total).toBe(0);
      });

      it('stores SQL-looking text verbatim', async () => {
        const u = await signup(url);
        const title = "Robert'); DROP TABLE todos;--";
        const res = await u.request('POST', '/api/todos', { title });
        expect(res.status).toBe(201);
        expect((await u.request('GET', `/api/todos?q=${encodeURIComponent("'); DROP")}`)).body.items[0].title).toBe(title);
      });

      it('answers malformed JSON, wrong content type, oversized bodies, bad ids and bad queries with 4xx JSON', async () => {
        const u = await signup(url);
        const cases: [string, string, unknown, Record<string, string>, number, string][] = [
          ['POST', '/api/todos', '{"title": ', {}, 400, 'invalid_json'],
          [
            'POST',
            '/api/todos',
            'title=x',
            { 'content-type': 'application/x-www-form-urlencoded' },
            415,
            'unsupported_media_type',
          ],
          ['POST', '/api/todos', JSON.stringify({ title: 'x', notes: 'y'.repeat(70_000) }), {}, 413, 'payload_too_large'],
          ['GET', '/api/todos/abc', undefined, {}, 400, 'validation_failed'],
          ['GET', '/api/todos/99999999999', undefined, {}, 400, 'validation_failed'],
          ['GET', '/api/todos?status=maybe', undefined, {}, 400, 'validation_failed'],
          ['GET', '/api/todos?limit=0', undefined, {}, 400, 'validation_failed'],
          ['GET', '/api/todos?limit=5&limit=6', undefined, {}, 400, 'validation_failed'],
          ['GET', '/api/todos?bogus=1', undefined, {}, 400, 'validation_failed'],
          ['PATCH', '/api/todos/1', {}, {}, 400, 'validation_failed'],
          ['GET', '/api/nothing-here', undefined, {}, 404, 'not_found'],
          ['PUT', '/api/todos', { title: 'x' }, {}, 405, 'method_not_allowed'],
        ];
        for (const [method, path, body, headers, status, code] of cases) {
          const res = await u.request(method, path, body, headers);
          expect(res.status, `${method} ${path}`).toBe(status);
          expect(res.body?.error?.code, `${method} ${path}`).toBe(code);
        }
        expect((await u.request('GET', '/api/todos')).body.total).toBe(0);
      });
    });

    describe('authorization', () => {
      it("keeps user B away from user A's todos", async () => {
        const a = await signup(url);
        const b = await signup(url);
        const todo = (await a.request('POST', '/api/todos', { title: 'A private' })).body;
        expect((await b.request('GET', `/api/todos/${todo.id}`)).status).toBe(404);
        expect((await b.request('PATCH', `/api/todos/${todo.id}`, { title: 'hijacked', done: true })).status).toBe(404);
        expect((await b.request('DELETE', `/api/todos/${todo.id}`)).status).toBe(404);
        expect((await b.request('GET', '/api/todos?status=all')).body.total).toBe(0);
        expect((await b.request('GET', '/api/todos?q=private')).body.items).toEqual([]);
        const still = await a.request('GET', `/api/todos/${todo.id}`);
        expect(still.body).toMatchObject({ title: 'A private', done: false });
      });

      it("keeps user B away from user A's conversations, also through the assistant", async () => {
        const a = await signup(url);
        const b = await signup(url);
        const todo = (await a.request('POST', '/api/todos', { title: 'secret plan' })).body;
        const turn = await chat(url, a.token!, { message: 'add buy milk' });
        const conversationId = turn.events.find((e) => e.event === 'conversation')?.data.conversation_id;
        expect(conversationId).toEqual(expect.any(Number));

        expect((await b.request('GET', `/api/conversations/${conversationId}`)).status).toBe(404);
        expect((await b.request('DELETE', `/api/conversations/${conversationId}`)).status).toBe(404);
        expect((await b.request('GET', '/api/conversations')).body.items).toEqual([]);
        const hijack = await chat(url, b.token!, { message: 'hello', conversation_id: conversationId });
        expect(hijack.status).toBe(404);

        // the assistant acting for B cannot see or touch A's task, even by number
        const del = await chat(url, b.token!, { message: `delete ${todo.id}` });
        expect(del.events.at(-1)?.data.text).toContain(`couldn't find task #${todo.id}`);
        const list = await chat(url, b.token!, { message: "what's on my list" });
        expect(list.raw).not.toContain('secret plan');
        expect((await a.request('GET', `/api/todos/${todo.id}`)).status).toBe(200);
        expect((await a.request('GET', `/api/conversations/${conversationId}`)).status).toBe(200);
      });
    });

    describe('chat with the offline assistant', () => {
      it('streams events for add, list, complete, rename and delete, and persists the conversation', async () => {
        const u = await signup(url);
        const add = await chat(url, u.token!, { message: 'add buy milk tomorrow' });
        expect(add.status).toBe(200);
        expect(add.contentType).toContain('text/event-stream');
        expect(add.events.map((e) => e.event)).toEqual([
          'conversation',
          'tool_call',
          'tool_result',
          ...add.events.slice(3, -1).map(() => 'delta'),
          'done',
        ]);
        expect(add.events[1]?.data).toMatchObject({ name: 'add_task', arguments: { title: 'buy milk' } });
        const conversationId = add.events[0]?.data.conversation_id;
        const todos = (await u.request('GET', '/api/todos')).body.items;
        expect(todos).toHaveLength(1);
        expect(todos[0].title).toBe('buy milk');
        expect(todos[0].due_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);

        const send = async (message: string) =>
          (await chat(url, u.token!, { message, conversation_id: conversationId })).events.at(-1)?.data;
        expect((await send("what's on my list")).text).toContain('buy milk');
        expect((await send('mark the milk one done')).text).toContain('as done');
        expect((await u.request('GET', `/api/todos/${todos[0].id}`)).body.done).toBe(true);
        expect((await send(`rename ${todos[0].id} to buy oat milk`)).text).toContain('buy oat milk');
        expect((await send('what is the meaning of life')).text).toMatch(/can't/);
        expect((await send('delete buy oat milk')).text).toContain('Deleted');
        expect((await u.request('GET', '/api/todos')).body.total).toBe(0);

        const history = await u.request('GET', `/api/conversations/${conversationId}`);
        expect(history.status).toBe(200);
        const visible = history.body.messages.filter((m: { role: string; content: string }) => m.role !== 'tool' && m.content);
        expect(visible.map((m: { role: string }) => m.role)).toEqual([
          'user',
          'assistant',
          'user',
          'assistant',
          'user',
          'assistant',
          'user',
          'assistant',
          'user',
          'assistant',
          'user',
          'assistant',
        ]);
        expect(visible[0].content).toBe('add buy milk tomorrow');
        const list = await u.request('GET', '/api/conversations');
        expect(list.body.items.map((c: { id: number }) => c.id)).toEqual([conversationId]);
        expect((await u.request('DELETE', `/api/conversations/${conversationId}`)).status).toBe(204);
        expect((await u.request('GET', `/api/conversations/${conversationId}`)).status).toBe(404);
      });

      it('rejects an empty or oversized chat message with 400 and stores nothing', async () => {
        const u = await signup(url);
        expect((await chat(url, u.token!, { message: '' })).status).toBe(400);
        expect((await chat(url, u.token!, { message: 'x'.repeat(4001) })).status).toBe(400);
        expect((await chat(url, u.token!, { message: 'hi', conversation_id: 'abc' })).status).toBe(400);
        expect((await u.request('GET', '/api/conversations')).body.items).toEqual([]);
      });
    });
  });
}
