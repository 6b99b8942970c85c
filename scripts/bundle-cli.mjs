#!/usr/bin/env node
// Bundles the compiled CLI (cli/dist, from tsc) into cli/dist/bundle, which bin/todoctl runs.
// One file per lazily imported piece (esbuild code splitting keeps `await import()` lazy), so
// Node resolves and reads a handful of files instead of some hundreds: `todoctl status` has to
// start in well under the time of the helm and kubectl calls it makes (npm run bench).
// cli/dist/bundle sits as deep as cli/dist/<folder>/, so paths a module computes from its own
// URL (the rule catalog) resolve the same in both.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli');
const outdir = join(cli, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(cli, 'dist', 'bin.js')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // CommonJS dependencies call require(); an ES module has none, so give it Node's.
  banner: {
    js: "import { createRequire as __todoctlCreateRequire } from 'node:module'; const require = __todoctlCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
