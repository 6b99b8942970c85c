import { describe, expect, it } from 'vitest';
import { ChatSession, chatReducer, fromHistory, initialChatState, textOf, type ChatState } from './chat';
import { describeTool } from './tool-cards';
import type { ChatEvent } from './types';

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const enc = new TextEncoder();

/** A response body the test writes to piece by piece, like the API's event stream. */
function controllableStream() {
  let ctrl!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      ctrl = c;
    },
    cancel() {
      cancelled = true;
    },
  });
  return {
    body,
    write: (s: string) => ctrl.enqueue(enc.encode(s)),
    close: () => ctrl.close(),
    error: (e: Error) => ctrl.error(e),
    get cancelled() {
      return cancelled;
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
async function until(cond: () => boolean, what: string) {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    await tick();
  }
  throw new Error(`timed out waiting for ${what}`);
}

function session(responses: (() => Response | Promise<Response>)[]) {
  const requests: { url: string; body: unknown; signal: AbortSignal | undefined }[] = [];
  const tools: ChatEvent[] = [];
  const s = new ChatSession({
    fetch: async (url, init) => {
      requests.push({ url, body: JSON.parse(String(init?.body)), signal: init?.signal ?? undefined });
      const next = responses.shift();
      if (!next) throw new Error('unscripted request');
      return next();
    },
    onToolResult: (e) => tools.push(e),
  });
  return { s, requests, tools };
}

const streamed = (stream: ReturnType<typeof controllableStream>) => () =>
  new Response(stream.body, { status: 200, headers: { 'content-type': 'text/event-stream' } });

describe('chatReducer', () => {
  const ev = (s: ChatState, event: ChatEvent) => chatReducer(s, { type: 'event', event });

  it('goes ready → submitted → streaming → ready and announces the finished reply once', () => {
    let s = chatReducer(initialChatState, { type: 'send', text: ' hello ' });
    expect(s.status).toBe('submitted');
    expect(s.messages.map((m) => [m.role, m.state])).toEqual([
      ['user', 'done'],
      ['assistant', 'streaming'],
    ]);
    s = ev(s, { type: 'conversation', conversation_id: 4, title: 'hello' });
    expect(s.status).toBe('streaming');
    s = ev(s, { type: 'delta', text: 'Hi ' });
    s = ev(s, { type: 'delta', text: 'there' });
    expect(s.announcement).toBe(''); // never per token
    s = ev(s, { type: 'done', conversation_id: 4, message_id: 9, text: 'Hi there', rounds: 1 });
    expect(s.status).toBe('ready');
    expect(s.conversationId).toBe(4);
    expect(textOf(s.messages[1]!)).toBe('Hi there');
    expect(s.announcement).toBe('Assistant: Hi there');
  });

  it('refuses a second send while a reply is on its way', () => {
    const s = chatReducer(initialChatState, { type: 'send', text: 'one' });
    expect(chatReducer(s, { type: 'send', text: 'two' })).toBe(s);
    expect(chatReducer(initialChatState, { type: 'send', text: '   ' })).toBe(initialChatState);
  });

  it('shows tool calls as cards and fills in their results', () => {
    let s = chatReducer(initialChatState, { type: 'send', text: 'add buy milk' });
    s = ev(s, { type: 'tool_call', id: 'c1', name: 'add_task', arguments: { title: 'buy milk' } });
    const running = s.messages[1]!.parts[0]!;
    expect(running.kind === 'tool' && describeTool(running)).toEqual({ verb: 'Adding', subject: 'buy milk', tone: 'running' });
    s = ev(s, { type: 'tool_result', id: 'c1', name: 'add_task', ok: true, result: { id: 3, title: 'buy milk', done: false } });
    const done = s.messages[1]!.parts[0]!;
    expect(done.kind === 'tool' && describeTool(done)).toEqual({ verb: 'Added', subject: 'buy milk', tone: 'ok' });
  });

  it('stop keeps the partial reply, marks it stopped, and ignores events still in flight', () => {
    let s = chatReducer(initialChatState, { type: 'send', text: 'tell me a story' });
    s = ev(s, { type: 'delta', text: 'Once upon' });
    s = chatReducer(s, { type: 'stop' });
    expect(s.status).toBe('ready');
    expect(s.messages[1]).toMatchObject({ state: 'stopped' });
    expect(textOf(s.messages[1]!)).toBe('Once upon');
    expect(ev(s, { type: 'delta', text: ' a time' })).toBe(s);
  });

  it('a provider error ends the turn in the error state with the provider’s message', () => {
    let s = chatReducer(initialChatState, { type: 'send', text: 'hi' });
    s = ev(s, { type: 'error', code: 'provider_error', message: 'The AI provider is unavailable.' });
    s = ev(s, {
      type: 'done',
      conversation_id: 1,
      message_id: 2,
      text: 'The AI provider is unavailable.',
      rounds: 0,
      error: { code: 'provider_error' },
    });
    expect(s.status).toBe('error');
    expect(s.error).toEqual({ code: 'provider_error', message: 'The AI provider is unavailable.' });
    expect(s.messages[1]).toMatchObject({ state: 'error', error: 'The AI provider is unavailable.' });
    expect(s.announcement).toBe('Error: The AI provider is unavailable.');
  });

  it('retry replaces the failed turn and sends the same text again', () => {
    let s = chatReducer(initialChatState, { type: 'send', text: 'hi' });
    s = chatReducer(s, { type: 'fail', error: { code: 'network_error', message: 'offline' } });
    expect(s.status).toBe('error');
    s = chatReducer(s, { type: 'retry' });
    expect(s.status).toBe('submitted');
    expect(s.error).toBeNull();
    expect(s.messages.map((m) => [m.role, m.state, textOf(m)])).toEqual([
      ['user', 'done', 'hi'],
      ['assistant', 'streaming', ''],
    ]);
  });
});

describe('fromHistory', () => {
  it('folds stored assistant and tool rows into one reply with tool cards', () => {
    const messages = fromHistory([
      { id: 1, role: 'user', content: 'add buy milk', tool_calls: null, tool_call_id: null },
      {
        id: 2,
        role: 'assistant',
        content: '',
        tool_calls: [{ id: 'c1', name: 'add_task', arguments: '{"title":"buy milk"}' }],
        tool_call_id: null,
      },
      {
        id: 3,
        role: 'tool',
        content: '{"ok":true,"result":{"id":1,"title":"buy milk","done":false}}',
        tool_calls: null,
        tool_call_id: 'c1',
      },
      { id: 4, role: 'assistant', content: 'Added "buy milk".', tool_calls: null, tool_call_id: null },
    ]);
    expect(messages).toHaveLength(2);
    expect(messages[1]!.parts).toEqual([
      {
        kind: 'tool',
        id: 'c1',
        name: 'add_task',
        args: { title: 'buy milk' },
        state: 'ok',
        result: { id: 1, title: 'buy milk', done: false },
      },
      { kind: 'text', text: 'Added "buy milk".' },
    ]);
  });
});

describe('ChatSession', () => {
  it('streams a reply, updates the todo list from tool results, and continues the same conversation', async () => {
    const first = controllableStream();
    const second = controllableStream();
    const { s, requests, tools } = session([streamed(first), streamed(second)]);
    expect(s.send('add buy milk')).toBe(true);
    expect(s.send('again')).toBe(false); // no double submit
    first.write(sse('conversation', { conversation_id: 12, title: 'add buy milk' }));
    first.write(sse('tool_call', { id: 'c1', name: 'add_task', arguments: { title: 'buy milk' } }));
    first.write(sse('tool_result', { id: 'c1', name: 'add_task', ok: true, result: { id: 1, title: 'buy milk', done: false } }));
    await until(() => tools.length === 1, 'the tool result');
    expect(s.getState().status).toBe('streaming');
    first.write(sse('delta', { text: 'Added.' }));
    first.write(sse('done', { conversation_id: 12, message_id: 5, text: 'Added.', rounds: 2 }));
    first.close();
    await until(() => s.getState().status === 'ready', 'ready');
    expect(s.getState().announcement).toBe('Assistant: Added.');

    s.send('thanks');
    expect(requests.map((r) => r.body)).toEqual([{ message: 'add buy milk' }, { message: 'thanks', conversation_id: 12 }]);
    second.write(sse('done', { conversation_id: 12, message_id: 7, text: 'You are welcome.', rounds: 1 }));
    second.close();
    await until(() => s.getState().status === 'ready', 'second reply');
    expect(textOf(s.getState().messages.at(-1)!)).toBe('You are welcome.');
  });

  it('stop aborts the request and keeps the partial reply', async () => {
    const stream = controllableStream();
    const { s, requests } = session([streamed(stream)]);
    s.send('write a long story');
    stream.write(sse('delta', { text: 'Once upon a time' }));
    await until(() => textOf(s.getState().messages[1]!) === 'Once upon a time', 'first tokens');
    s.stop();
    expect(requests[0]?.signal?.aborted).toBe(true);
    await until(() => stream.cancelled, 'the body to be cancelled');
    expect(s.getState().status).toBe('ready');
    expect(s.getState().messages[1]).toMatchObject({ state: 'stopped' });
    expect(textOf(s.getState().messages[1]!)).toBe('Once upon a time');
  });

  it('an HTTP error before the stream becomes a visible error, and retry succeeds', async () => {
    const ok = controllableStream();
    const { s, requests } = session([
      () => new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'try again in 5s' } }), { status: 429 }),
      streamed(ok),
    ]);
    s.send('hi');
    await until(() => s.getState().status === 'error', 'error');
    expect(s.getState().error).toEqual({ code: 'rate_limited', message: 'Too many messages: try again in 5s' });
    expect(s.retry()).toBe(true);
    ok.write(sse('done', { conversation_id: 1, message_id: 2, text: 'Hello!', rounds: 1 }));
    ok.close();
    await until(() => s.getState().status === 'ready', 'ready after retry');
    expect(requests).toHaveLength(2);
    expect(s.getState().messages.map((m) => [m.role, textOf(m)])).toEqual([
      ['user', 'hi'],
      ['assistant', 'Hello!'],
    ]);
  });

  it('a stream that ends without its final event is an error, with the partial reply kept', async () => {
    const stream = controllableStream();
    const { s } = session([streamed(stream)]);
    s.send('hi');
    stream.write(sse('delta', { text: 'Partial' }));
    stream.close();
    await until(() => s.getState().status === 'error', 'error');
    expect(s.getState().error?.code).toBe('stream_interrupted');
    expect(textOf(s.getState().messages[1]!)).toBe('Partial');
  });

  it('a network failure is reported as such', async () => {
    const { s } = session([
      () => {
        throw new TypeError('Failed to fetch');
      },
    ]);
    s.send('hi');
    await until(() => s.getState().status === 'error', 'error');
    expect(s.getState().error?.code).toBe('network_error');
  });
});
