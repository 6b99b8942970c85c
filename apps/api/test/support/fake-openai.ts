import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Json } from './harness.js';

/**
 * A local stand-in for an OpenAI-compatible provider. It speaks the Chat Completions wire
 * protocol (JSON and `stream: true` SSE chunks with `tool_calls` deltas) and answers each
 * request with the next scripted step. An unscripted request gets a 500 and is recorded in
 * `unexpected`, so a test that makes more calls than it expects can assert on it.
 */
export type Step =
  | { text: string }
  | { toolCalls: { id?: string; name: string; arguments: string }[]; text?: string }
  | { status: number; body?: unknown }
  | { hangMs: number };

export interface FakeOpenAI {
  baseURL: string;
  /** Parsed JSON bodies of every request received, in order. */
  requests: Json[];
  /** Authorization headers received. */
  authorizations: (string | undefined)[];
  /** W3C traceparent headers received. */
  traceparents: (string | undefined)[];
  unexpected: number;
  /** Hanging requests whose client gave up before the scripted delay ran out. */
  aborted: number;
  script(...steps: Step[]): void;
  pending(): number;
  close(): Promise<void>;
}

const MODEL = 'fake-model';

function chunk(id: string, delta: Record<string, unknown>, finish: string | null = null) {
  return {
    id,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: MODEL,
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const queue: Step[] = [];
  const requests: Json[] = [];
  const authorizations: (string | undefined)[] = [];
  const traceparents: (string | undefined)[] = [];
  const sockets = new Set<Socket>();
  const state = { unexpected: 0, aborted: 0 };
  let counter = 0;

  const server = http.createServer(async (req, res) => {
    let raw = '';
    for await (const part of req) raw += part;
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
      return;
    }
    const body = JSON.parse(raw);
    requests.push(body);
    authorizations.push(req.headers.authorization);
    traceparents.push(typeof req.headers.traceparent === 'string' ? req.headers.traceparent : undefined);
    const step = queue.shift();
    const id = `chatcmpl-${++counter}`;
    if (!step) {
      state.unexpected++;
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: 'unscripted request', type: 'server_error' } }));
      return;
    }
    if ('hangMs' in step) {
      // never answer in time; the client must give up on its own
      let expired = false;
      const timer = setTimeout(() => {
        expired = true;
        res.destroy();
      }, step.hangMs);
      res.on('close', () => {
        clearTimeout(timer);
        if (!expired) state.aborted++;
      });
      return;
    }
    if ('status' in step) {
      res
        .writeHead(step.status, { 'content-type': 'application/json' })
        .end(JSON.stringify(step.body ?? { error: { message: `scripted ${step.status}`, type: 'server_error', code: null } }));
      return;
    }
    const toolCalls = 'toolCalls' in step ? step.toolCalls : [];
    const text = step.text ?? '';
    const usage = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 };
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: MODEL,
          choices: [
            {
              index: 0,
              finish_reason: toolCalls.length ? 'tool_calls' : 'stop',
              message: {
                role: 'assistant',
                content: text || null,
                ...(toolCalls.length
                  ? {
                      tool_calls: toolCalls.map((c, i) => ({
                        id: c.id ?? `call_${counter}_${i}`,
                        type: 'function',
                        function: { name: c.name, arguments: c.arguments },
                      })),
                    }
                  : {}),
              },
            },
          ],
          usage,
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (obj: unknown) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
    send(chunk(id, { role: 'assistant', content: '' }));
    // text in a few pieces, to exercise delta assembly
    for (const piece of text.match(/.{1,5}/gs) ?? []) send(chunk(id, { content: piece }));
    toolCalls.forEach((call, index) => {
      const callId = call.id ?? `call_${counter}_${index}`;
      send(chunk(id, { tool_calls: [{ index, id: callId, type: 'function', function: { name: call.name, arguments: '' } }] }));
      const half = Math.ceil(call.arguments.length / 2);
      for (const piece of [call.arguments.slice(0, half), call.arguments.slice(half)]) {
        if (piece) send(chunk(id, { tool_calls: [{ index, function: { arguments: piece } }] }));
      }
    });
    send(chunk(id, {}, toolCalls.length ? 'tool_calls' : 'stop'));
    if (body.stream_options?.include_usage)
      send({ id, object: 'chat.completion.chunk', created: 0, model: MODEL, choices: [], usage });
    res.end('data: [DONE]\n\n');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    authorizations,
    traceparents,
    get unexpected() {
      return state.unexpected;
    },
    get aborted() {
      return state.aborted;
    },
    script: (...steps) => void queue.push(...steps),
    pending: () => queue.length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
