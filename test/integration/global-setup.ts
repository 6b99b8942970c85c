import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../support/cluster.js';

/**
 * The integration tier runs against a real PostgreSQL server (TEST_DATABASE_URL). When none is
 * given, it starts a throwaway one with test/services/postgres.sh and removes it after the run;
 * when that fails, the run fails with the script's message: the tier is never skipped.
 */
export default function setup(): (() => void) | undefined {
  if (process.env.TEST_DATABASE_URL) return undefined;
  const script = path.join(repoRoot, 'test/services/postgres.sh');
  process.stderr.write('integration: TEST_DATABASE_URL is not set; starting PostgreSQL with test/services/postgres.sh\n');
  const out = execFileSync('bash', [script, 'up'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const url = /^TEST_DATABASE_URL=(.+)$/m.exec(out)?.[1];
  if (!url) throw new Error(`test/services/postgres.sh up printed no TEST_DATABASE_URL line:\n${out}`);
  // test workers start after this and inherit the environment
  process.env.TEST_DATABASE_URL = url;
  return () => {
    execFileSync('bash', [script, 'down'], { stdio: ['ignore', 'ignore', 'inherit'] });
  };
}
