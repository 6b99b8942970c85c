import { describe, it } from 'vitest';
import { describeApi } from '../support/api-suite.js';
import { requirePostgresUrl } from '../support/harness.js';

// Fails loudly (never skips) when no server is configured; the error says how to start one.
describe('PostgreSQL test server', () => {
  it('is configured through TEST_DATABASE_URL', () => {
    requirePostgresUrl();
  });
});

describeApi('postgres');
