import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM } from './support/browser';

const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The tests run the production build; (re)build it when the sources are newer. Missing Chromium fails here, loudly. */
export default function setup() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is required for the web e2e tests and was not found at ${CHROMIUM}. Install it: apt-get install chromium`,
    );
  }
  const result = spawnSync(
    process.execPath,
    [path.join(app, 'scripts/ensure-build.mjs'), ...(process.env.WEB_E2E_REBUILD === '1' ? ['--force'] : [])],
    { stdio: 'inherit' },
  );
  if (result.status !== 0)
    throw new Error(`the production build of apps/web failed (exit ${result.status}); see the output above`);
}
