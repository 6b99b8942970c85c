#!/usr/bin/env node
// Makes sure the production build of apps/web is there and newer than its sources, building it
// when it is not. The browser tests and the deploy e2e tests run this build.
//   node apps/web/scripts/ensure-build.mjs [--force]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildId = path.join(app, '.next/standalone/apps/web/.next/BUILD_ID');

function newestMtime(p) {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(p).map((name) => newestMtime(path.join(p, name))));
}

const inputs = ['src', 'public', 'next.config.ts', 'package.json', 'scripts'].map((p) => path.join(app, p)).filter(existsSync);
const sourcesChanged = Math.max(...inputs.map(newestMtime));
if (existsSync(buildId) && statSync(buildId).mtimeMs > sourcesChanged && !process.argv.includes('--force')) process.exit(0);
console.log('apps/web: building the production build…');
const result = spawnSync('npm', ['run', 'build'], {
  cwd: app,
  stdio: 'inherit',
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
});
if (result.status !== 0) {
  console.error(`next build failed (exit ${result.status}); see the output above`);
  process.exit(1);
}
