import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { describeApi } from '../support/api-suite.js';
import { requirePostgresUrl } from '../support/harness.js';

// Fails loudly (never skips) when no server is configured; the error says how to start one.
describe('PostgreSQL test server', () => {
  it('is configured through TEST_DATABASE_URL and answers queries', async () => {
    const url = requirePostgresUrl();
    expect(new URL(url).protocol).toMatch(/^postgres(ql)?:$/);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ answer: number }>('select 1 + 1 as answer');
      expect(rows).toEqual([{ answer: 2 }]);
    } finally {
      await client.end();
    }
  });
});

describeApi('postgres');
