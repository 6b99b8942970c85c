import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, startTestApp, type TestApp } from '../support/harness.js';

/** mulberry32: small seeded PRNG, so a failing run can be replayed with the same seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const COUNT = Number(process.env.FUZZ_COUNT ?? 300);

describe(`fuzz: ${COUNT} malformed requests (seed ${SEED}, PGlite)`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('pglite', { BACKEND_BODY_LIMIT_BYTES: '8192', BACKEND_CHAT_RATE_LIMIT: '10000' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('never answers 5xx, always answers JSON errors, and writes nothing', async () => {
    const user = await signup(app.url);
    const rand = prng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const junkString = (max: number) => {
      const alphabet = [
        'a',
        'Z',
        '0',
        ' ',
        '"',
        "'",
        '\\',
        '{',
        '}',
        '[',
        ']',
        ':',
        ',',
        '%',
        '_',
        '\u0000',
        'é',
        '😀',
        '\n',
        ';',
        '--',
        'DROP TABLE todos',
      ];
      let s = '';
      const n = Math.floor(rand() * max);
      for (let i = 0; i < n; i++) s += pick(alphabet);
      return s;
    };
    const junkValue = (depth = 0): unknown => {
      switch (Math.floor(rand() * (depth > 2 ? 6 : 8))) {
        case 0:
          return null;
        case 1:
          return rand() * 1e12 - 5e11;
        case 2:
          return rand() < 0.5;
        case 3:
          return junkString(40);
        case 4:
          return 'x'.repeat(150 + Math.floor(rand() * 300));
        case 5:
          return pick([-1, 0, 2 ** 31, Number.MAX_SAFE_INTEGER, 1.5, '1e3', 'NaN']);
        case 6:
          return Array.from({ length: Math.floor(rand() * 4) }, () => junkValue(depth + 1));
        default:
          return Object.fromEntries(
            Array.from({ length: Math.floor(rand() * 4) }, () => [
              pick([
                'title',
                'done',
                'due_date',
                'priority',
                'notes',
                'user_id',
                'id',
                '__proto__',
                'constructor',
                junkString(8),
              ]),
              junkValue(depth + 1),
            ]),
          );
      }
    };
    // each body is invalid by construction: bad JSON, wrong shapes, or a field that fails validation
    const junkBody = (): { body: string; type: string } => {
      switch (Math.floor(rand() * 7)) {
        case 0:
          return { body: junkString(60) + '{', type: 'application/json' };
        case 1:
          return { body: JSON.stringify(junkValue()).slice(0, -1) + '\u0000', type: 'application/json' };
        case 2:
          return { body: JSON.stringify({ title: 'x'.repeat(201 + Math.floor(rand() * 500)) }), type: 'application/json' };
        case 3:
          return { body: JSON.stringify({ title: junkValue(3) === null ? 5 : [], message: 7 }), type: 'application/json' };
        case 4:
          return { body: 'a'.repeat(9000), type: 'application/json' };
        case 5:
          return {
            body: `title=${encodeURIComponent(junkString(20))}`,
            type: pick(['text/plain', 'application/x-www-form-urlencoded', 'application/xml']),
          };
        default:
          return {
            body: JSON.stringify({
              title: 'ok',
              due_date: pick(['2026-02-30', 'tomorrow', '', '2026-1-1', 20261201]),
              priority: pick(['urgent', 1, null]),
              [junkString(5) || 'extra']: junkValue(),
            }),
            type: 'application/json',
          };
      }
    };
    const paths = [
      '/api/todos',
      '/api/todos/1',
      `/api/todos/${encodeURIComponent(junkString(10))}`,
      '/api/chat',
      '/api/conversations/1',
      '/api/auth/signup',
      '/api/auth/login',
      `/api/${junkString(12)}`,
      '/api/todos?limit=-1',
      `/api/todos?status=${encodeURIComponent(junkString(6))}`,
      `/api/todos?due_before=${encodeURIComponent(junkString(10))}`,
      '/api/todos/%E0%A4%A',
      '/api/todos?limit[]=1',
    ];
    const seen = new Map<number, number>();
    for (let i = 0; i < COUNT; i++) {
      const path = pick(paths);
      const method = pick(['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'POST', 'PATCH']);
      const headers: Record<string, string> = {};
      if (rand() < 0.85) headers.authorization = `Bearer ${user.token}`;
      else if (rand() < 0.5) headers.authorization = `Bearer ${junkString(30).replace(/[^\x20-\x7e]/g, 'x')}`;
      const init: RequestInit = { method, headers };
      if (method !== 'GET' && method !== 'DELETE') {
        const { body, type } = junkBody();
        headers['content-type'] = type;
        init.body = body;
      }
      const res = await fetch(`${app.url}${path}`, init);
      const text = await res.text();
      const label = `#${i} ${method} ${path} -> ${res.status} ${text.slice(0, 200)} (body: ${String(init.body).slice(0, 120)})`;
      expect(res.status, label).toBeLessThan(500);
      // writes must all have been rejected; DELETE of a missing row is a 404
      if (method !== 'GET') expect(res.status, label).toBeGreaterThanOrEqual(400);
      if (res.status >= 400) expect(JSON.parse(text).error.code, label).toEqual(expect.any(String));
      seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
    }
    // a broad mix of rejections, not one error repeated
    expect([...seen.keys()].length).toBeGreaterThanOrEqual(5);

    const counts = await Promise.all(
      ['todos', 'conversations', 'messages'].map(async (table) =>
        Number((await app.db.knex(table).count({ n: '*' }).first())?.n),
      ),
    );
    expect(counts).toEqual([0, 0, 0]);
    expect(Number((await app.db.knex('users').count({ n: '*' }).first())?.n)).toBe(1);
  });
});
