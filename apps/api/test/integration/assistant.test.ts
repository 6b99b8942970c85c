import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { chat, signup, startTestApp, type TestApp } from '../support/harness.js';

const events = (list: { event: string }[]) => list.map((e) => e.event).filter((e) => e !== 'delta');

describe('assistant over an OpenAI-compatible provider (PGlite)', () => {
  let fake: FakeOpenAI;
  let app: TestApp;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    app = await startTestApp('pglite', {
      BACKEND_OPENAI_API_KEY: 'sk-test-key',
      BACKEND_OPENAI_BASE_URL: fake.baseURL,
      BACKEND_OPENAI_MODEL: 'fake-model',
      BACKEND_OPENAI_TIMEOUT_MS: '1500',
      BACKEND_OPENAI_MAX_RETRIES: '1',
      BACKEND_ASSISTANT_MAX_TOOL_ROUNDS: '3',
    });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.authorizations.length = 0;
  });

  it('tells the client that an OpenAI-compatible model answers', async () => {
    const u = await signup(app.url);
    const me = await u.request('GET', '/api/auth/me');
    expect(me.body.assistant).toBe('openai');
  });

  it('adds a task through add_task and streams call, result, text and done', async () => {
    const u = await signup(app.url);
    fake.script(
      {
        toolCalls: [
          { id: 'call_add', name: 'add_task', arguments: JSON.stringify({ title: 'buy milk', due_date: '2026-11-27' }) },
        ],
      },
      { text: 'Added buy milk for tomorrow.' },
    );
    const res = await chat(app.url, u.token!, { message: 'add buy milk tomorrow' });
    expect(res.status).toBe(200);
    expect(events(res.events)).toEqual(['conversation', 'tool_call', 'tool_result', 'done']);
    expect(res.events.find((e) => e.event === 'tool_call')?.data).toEqual({
      id: 'call_add',
      name: 'add_task',
      arguments: { title: 'buy milk', due_date: '2026-11-27' },
    });
    expect(res.events.find((e) => e.event === 'tool_result')?.data).toMatchObject({
      ok: true,
      result: { title: 'buy milk', due_date: '2026-11-27', done: false },
    });
    const text = res.events
      .filter((e) => e.event === 'delta')
      .map((e) => e.data.text)
      .join('');
    expect(text).toBe('Added buy milk for tomorrow.');
    expect(res.events.at(-1)?.data).toMatchObject({ text: 'Added buy milk for tomorrow.', rounds: 2 });

    const todos = (await u.request('GET', '/api/todos')).body.items;
    expect(todos).toMatchObject([{ title: 'buy milk', due_date: '2026-11-27' }]);

    // wire protocol: streaming, tools offered, key sent, tool result fed back with its call id
    expect(fake.requests).toHaveLength(2);
    expect(fake.authorizations[0]).toBe('Bearer sk-test-key');
    expect(fake.requests[0]).toMatchObject({ model: 'fake-model', stream: true });
    expect(fake.requests[0].tools.map((t: { function: { name: string } }) => t.function.name)).toEqual([
      'add_task',
      'list_tasks',
      'update_task',
      'complete_task',
      'delete_task',
    ]);
    const second = fake.requests[1].messages;
    expect(second.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ id: 'call_add', function: { name: 'add_task' } }] });
    expect(second.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_add' });
    expect(JSON.parse(second.at(-1).content)).toMatchObject({ ok: true, result: { title: 'buy milk' } });

    // history is persisted and replayed to the provider on the next turn
    const conversationId = res.events[0]?.data.conversation_id;
    fake.script({ text: 'You have one task.' });
    await chat(app.url, u.token!, { message: 'how many?', conversation_id: conversationId });
    const replay = fake.requests[2].messages.map((m: { role: string }) => m.role);
    expect(replay).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'user']);
  });

  it('lists, completes and deletes through tools, only for the calling user', async () => {
    const u = await signup(app.url);
    const other = await signup(app.url);
    const mine = (await u.request('POST', '/api/todos', { title: 'walk the dog' })).body;
    const theirs = (await other.request('POST', '/api/todos', { title: 'their secret' })).body;

    fake.script({ toolCalls: [{ name: 'list_tasks', arguments: '{"status":"all"}' }] }, { text: 'You have: walk the dog.' });
    const list = await chat(app.url, u.token!, { message: "what's on my list" });
    const listed = list.events.find((e) => e.event === 'tool_result')?.data;
    expect(listed.result.tasks.map((t: { title: string }) => t.title)).toEqual(['walk the dog']);

    fake.script({ toolCalls: [{ name: 'complete_task', arguments: JSON.stringify({ id: mine.id }) }] }, { text: 'Done.' });
    await chat(app.url, u.token!, { message: 'I walked the dog' });
    expect((await u.request('GET', `/api/todos/${mine.id}`)).body.done).toBe(true);

    // the model tries another user's id: the tool reports "no task", nothing changes
    fake.script(
      {
        toolCalls: [
          { name: 'delete_task', arguments: JSON.stringify({ id: theirs.id }) },
          { name: 'delete_task', arguments: JSON.stringify({ id: mine.id }) },
        ],
      },
      { text: 'Deleted.' },
    );
    const del = await chat(app.url, u.token!, { message: 'delete everything' });
    const results = del.events.filter((e) => e.event === 'tool_result').map((e) => e.data);
    expect(results[0]).toMatchObject({ ok: false, error: expect.stringContaining('no task') });
    expect(results[1]).toMatchObject({ ok: true, result: { deleted: { id: mine.id } } });
    expect((await u.request('GET', `/api/todos/${mine.id}`)).status).toBe(404);
    expect((await other.request('GET', `/api/todos/${theirs.id}`)).status).toBe(200);
  });

  it('sends a malformed tool call back to the model as an error it can correct', async () => {
    const u = await signup(app.url);
    fake.script(
      { toolCalls: [{ id: 'bad1', name: 'add_task', arguments: '{"title": "buy milk"' }] },
      { toolCalls: [{ id: 'bad2', name: 'add_task', arguments: '{"title": 42, "due_date": "tomorrow"}' }] },
      { toolCalls: [{ id: 'good', name: 'add_task', arguments: '{"title": "buy milk"}' }] },
    );
    const res = await chat(app.url, u.token!, { message: 'add milk' });
    const results = res.events.filter((e) => e.event === 'tool_result').map((e) => e.data);
    expect(results[0]).toMatchObject({ id: 'bad1', ok: false, error: expect.stringContaining('not valid JSON') });
    expect(results[1]).toMatchObject({ id: 'bad2', ok: false, error: expect.stringMatching(/title:.*due_date:/) });
    expect(results[2]).toMatchObject({ id: 'good', ok: true });
    const toolMessages = fake.requests[1].messages.filter((m: { role: string }) => m.role === 'tool');
    expect(toolMessages[0].content).toContain('not valid JSON');
    // max rounds (3) reached: the turn ends with an explanation instead of looping
    expect(res.events.at(-1)?.data.text).toContain('stopped after 3 rounds');
    expect(fake.requests).toHaveLength(3);
    expect(fake.pending()).toBe(0);
    expect((await u.request('GET', '/api/todos')).body.items.map((t: { title: string }) => t.title)).toEqual(['buy milk']);
  });

  it('tells the user when the provider times out, after a bounded retry', async () => {
    const u = await signup(app.url);
    fake.script({ hangMs: 10_000 }, { hangMs: 10_000 });
    const started = Date.now();
    const res = await chat(app.url, u.token!, { message: 'add something' });
    expect(Date.now() - started).toBeLessThan(9_000);
    expect(res.status).toBe(200);
    const error = res.events.find((e) => e.event === 'error')?.data;
    expect(error).toMatchObject({ code: 'provider_error', message: expect.stringContaining('took too long') });
    expect(res.events.at(-1)).toMatchObject({ event: 'done', data: { error: { code: 'provider_error' } } });
    expect(fake.requests).toHaveLength(2); // first try + BACKEND_OPENAI_MAX_RETRIES=1
    const conversationId = res.events[0]?.data.conversation_id;
    const stored = (await u.request('GET', `/api/conversations/${conversationId}`)).body.messages;
    expect(stored.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(stored[1].content).toContain('took too long');
  });

  it('cancels the provider call, without retrying, when the client disconnects', async () => {
    const u = await signup(app.url);
    fake.script({ hangMs: 10_000 }, { text: 'Still here.' });
    const abortedBefore = fake.aborted;
    const client = new AbortController();
    const pending = fetch(`${app.url}/api/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${u.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'add something slow' }),
      signal: client.signal,
    }).then((r) => r.text());
    const deadline = Date.now() + 5_000;
    while (fake.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(fake.requests).toHaveLength(1);
    client.abort();
    await expect(pending).rejects.toThrow();
    // well before the 1.5 s provider timeout would have fired
    const abortDeadline = Date.now() + 1_000;
    while (fake.aborted === abortedBefore && Date.now() < abortDeadline) await new Promise((r) => setTimeout(r, 20));
    expect(fake.aborted).toBe(abortedBefore + 1);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(fake.requests).toHaveLength(1);
    expect(fake.pending()).toBe(1);
    fake.script(); // the unused step is consumed by the next request below
    fake.requests.length = 0;
    const next = await chat(app.url, u.token!, { message: 'still there?' });
    expect(next.events.at(-1)?.data.text).toBe('Still here.');
  });

  it('tells the user when the provider fails with HTTP 500, without writing tasks', async () => {
    const u = await signup(app.url);
    fake.script({ status: 500 }, { status: 500 });
    const res = await chat(app.url, u.token!, { message: 'add buy milk' });
    expect(res.events.find((e) => e.event === 'error')?.data.message).toContain('HTTP 500');
    expect(fake.requests).toHaveLength(2);
    expect(fake.unexpected).toBe(0);
    expect((await u.request('GET', '/api/todos')).body.total).toBe(0);
    expect(await (await fetch(app.metricsUrl)).text()).toMatch(
      /llm_request_duration_seconds_count\{[^}]*model="fake-model",outcome="http_500"/,
    );
  });

  it('records LLM latency, tokens, rounds and tool calls as metrics', async () => {
    const text = await (await fetch(app.metricsUrl)).text();
    expect(text).toMatch(/llm_tokens_total\{[^}]*kind="prompt"[^}]*\} [1-9]/);
    expect(text).toMatch(/llm_request_duration_seconds_count\{[^}]*model="fake-model",outcome="ok"/);
    expect(text).toMatch(/assistant_rounds_count\{[^}]*assistant="openai"/);
    expect(text).toMatch(/assistant_tool_calls_total\{tool="add_task",outcome="error"[^}]*\} 2/);
  });
});

describe('chat rate limit (offline assistant, PGlite)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('pglite', { BACKEND_CHAT_RATE_LIMIT: '2', BACKEND_CHAT_RATE_WINDOW_MS: '60000' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers 429 with Retry-After once a user exceeds the limit, per user', async () => {
    const a = await signup(app.url);
    const b = await signup(app.url);
    expect((await chat(app.url, a.token!, { message: 'help' })).status).toBe(200);
    expect((await chat(app.url, a.token!, { message: 'help' })).status).toBe(200);
    const limited = await fetch(`${app.url}/api/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'help' }),
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await chat(app.url, b.token!, { message: 'help' })).status).toBe(200);
    expect((await a.request('GET', '/api/conversations')).body.items).toHaveLength(2);
  });
});
