import { describe, expect, it } from 'vitest';
import { SseParser, readSse } from './sse';

const stream = (...pieces: (string | Uint8Array)[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of pieces) c.enqueue(typeof p === 'string' ? new TextEncoder().encode(p) : p);
      c.close();
    },
  });

describe('SseParser', () => {
  it('parses named events with JSON data', () => {
    const p = new SseParser();
    expect(p.push('event: delta\ndata: {"text":"hi"}\n\n')).toEqual([{ event: 'delta', data: '{"text":"hi"}' }]);
  });

  it('assembles events split at any byte boundary', () => {
    const text = 'event: delta\ndata: {"text":"a"}\n\nevent: done\ndata: {}\n\n';
    for (let cut = 1; cut < text.length; cut++) {
      const p = new SseParser();
      const got = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))];
      expect(got, `cut at ${cut}`).toEqual([
        { event: 'delta', data: '{"text":"a"}' },
        { event: 'done', data: '{}' },
      ]);
    }
  });

  it('handles CRLF and CR line endings, including a CRLF split across chunks', () => {
    const p = new SseParser();
    const got = [...p.push('event: a\r\ndata: 1\r'), ...p.push('\n\r\nevent: b\rdata: 2\r\r')];
    expect(got).toEqual([
      { event: 'a', data: '1' },
      { event: 'b', data: '2' },
    ]);
  });

  it('joins multi-line data, ignores comments, defaults the event name to message', () => {
    const p = new SseParser();
    expect(p.push(': keep-alive\ndata: line 1\ndata: line 2\nid: 7\n\n')).toEqual([
      { event: 'message', data: 'line 1\nline 2', id: '7' },
    ]);
  });

  it('drops an event that never got its blank line', () => {
    const p = new SseParser();
    expect(p.push('event: delta\ndata: {"text":"cut"}\n')).toEqual([]);
    expect(p.end()).toEqual([]);
  });

  it('ignores a blank line with no data (no empty events)', () => {
    expect(new SseParser().push('event: x\n\n\n')).toEqual([]);
  });
});

describe('readSse', () => {
  it('yields events from a byte stream whose chunks split a multi-byte character', async () => {
    const bytes = new TextEncoder().encode('event: delta\ndata: {"text":"café ☕"}\n\n');
    const cut = bytes.indexOf(0xe2) + 1; // inside the 3-byte coffee cup
    const out = [];
    for await (const e of readSse(stream(bytes.slice(0, cut), bytes.slice(cut)))) out.push(e);
    expect(out).toEqual([{ event: 'delta', data: '{"text":"café ☕"}' }]);
  });

  it('stops reading when the signal aborts', async () => {
    const controller = new AbortController();
    let pulls = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulls++;
        c.enqueue(new TextEncoder().encode('event: delta\ndata: {"text":"x"}\n\n'));
      },
    });
    const seen = [];
    for await (const e of readSse(endless, controller.signal)) {
      seen.push(e);
      if (seen.length === 3) controller.abort();
    }
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.length).toBeLessThan(10);
    expect(pulls).toBeLessThan(12);
  });
});
