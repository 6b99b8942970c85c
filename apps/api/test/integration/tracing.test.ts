import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { startFakeOpenAI } from '../support/fake-openai.js';
import { startFakeCollector } from '../support/fake-otlp.js';
import { signup, startTestApp } from '../support/harness.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const traceparent = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'todo-api', level: 'info', destination }) };
}

describe('OpenTelemetry tracing (PGlite)', () => {
  it('exports server, database and LLM spans in the caller’s trace, and logs carry its trace_id', async () => {
    const collector = await startFakeCollector();
    const fake = await startFakeOpenAI();
    const { lines, logger } = captureLogs();
    const app = await startTestApp(
      'pglite',
      {
        BACKEND_OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
        BACKEND_OTEL_SAMPLE_RATIO: '0',
        BACKEND_OPENAI_API_KEY: 'sk-test',
        BACKEND_OPENAI_BASE_URL: fake.baseURL,
        BACKEND_OPENAI_MODEL: 'fake-model',
      },
      { logger },
    );
    try {
      const u = await signup(app.url);
      fake.script({ toolCalls: [{ name: 'add_task', arguments: '{"title":"traced task"}' }] }, { text: 'Added.' });
      const res = await fetch(`${app.url}/api/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${u.token}`, 'content-type': 'application/json', traceparent },
        body: JSON.stringify({ message: 'add traced task' }),
      });
      expect(res.headers.get('x-trace-id')).toBe(TRACE_ID);
      expect(await res.text()).toContain('event: done');
      // the provider call carries the same trace
      expect(fake.requests).toHaveLength(2);
      for (const header of fake.traceparents) expect(header).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
      await app.stop(); // flushes the span processor
    } finally {
      await app.close();
      await fake.close();
    }
    try {
      const inTrace = collector.spans.filter((s) => s.traceId === TRACE_ID);
      const server = inTrace.find((s) => s.name === 'POST /api/chat');
      expect(server, JSON.stringify(collector.spans.map((s) => s.name))).toBeDefined();
      expect(server?.parentSpanId).toBe('00f067aa0ba902b7');
      expect(server?.attributes['http.response.status_code']).toBe(200);
      const llm = inTrace.filter((s) => s.name === 'chat fake-model');
      expect(llm).toHaveLength(2);
      expect(llm[0]?.attributes['gen_ai.usage.input_tokens']).toBe(11);
      const db = inTrace.filter((s) => s.name.startsWith('db '));
      expect(db.some((s) => s.name === 'db insert' && String(s.attributes['db.query.text']).includes('"todos"'))).toBe(true);
      // bound values never reach span attributes
      expect(JSON.stringify(db)).not.toContain('traced task');
      expect(collector.resources[0]?.['service.name']).toBe('todo-api');
      // ratio 0 applies to new traces only: the signup request without traceparent was not exported
      expect(collector.spans.some((s) => s.name === 'POST /api/auth/signup')).toBe(false);

      const requestLog = lines.find((l) => l.message === 'request' && l.route === '/api/chat');
      expect(requestLog).toMatchObject({ trace_id: TRACE_ID, service: 'todo-api', level: 'info' });
      expect(requestLog?.timestamp).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/));
    } finally {
      await collector.close();
    }
  });

  it('exports nothing and still logs a trace_id when no endpoint is configured', async () => {
    const collector = await startFakeCollector();
    const { lines, logger } = captureLogs();
    const app = await startTestApp('pglite', {}, { logger });
    try {
      const res = await fetch(`${app.url}/api/todos`, { headers: { traceparent } });
      expect(res.status).toBe(401);
      expect(res.headers.get('x-trace-id')).toBe(TRACE_ID);
      const plain = await fetch(`${app.url}/api/todos`);
      expect(plain.headers.get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/);
      expect(plain.headers.get('x-trace-id')).not.toBe(TRACE_ID);
    } finally {
      await app.close();
    }
    expect(collector.spans).toEqual([]);
    expect(lines.filter((l) => l.message === 'request').map((l) => l.trace_id)).toContain(TRACE_ID);
    await collector.close();
  });
});
