import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const dir = fileURLToPath(new URL('../golden/', import.meta.url));

/**
 * Compares output with cli/test/golden/<name>, as Helm's golden files do. `UPDATE_GOLDEN=1`
 * rewrites the file (review the diff before committing); a missing file fails the test.
 */
export function expectGolden(name: string, actual: string): void {
  const file = path.join(dir, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`golden file ${file} is missing: run the test with UPDATE_GOLDEN=1 and review it`);
  expect(actual, `differs from cli/test/golden/${name} (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(file, 'utf8'));
}
