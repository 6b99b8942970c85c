#!/usr/bin/env node
// Benchmark of `todoctl build` with podman, as ratios to the bare `podman build` of the same two
// Dockerfiles measured in the same run (aims: warm <= 0.1x of a bare cold build, cold <= 1.1x):
//   - bare cold: `podman build --no-cache` of apps/api/Dockerfile and apps/web/Dockerfile;
//   - todoctl cold: `todoctl build --no-cache` (tags, labels, the same build secrets, then the
//     trivy scan of both images, which the bare build does not do);
//   - todoctl warm: `todoctl build` again with nothing changed (it must skip; it still scans).
// It also prints each image's size. Runs in a clean clone of HEAD, on the local base image and
// the image tools the tests use (test/images/); trivy reads a database of fixtures (no advisory).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const lastLine = (text) => text.trim().split('\n').pop().trim();
const storage = Object.fromEntries(
  [
    ...execFileSync('bash', [path.join(root, 'test/images/storage.sh')], { encoding: 'utf8' }).matchAll(
      /^export ([A-Z_]+)=(.*)$/gm,
    ),
  ].map((m) => [m[1], m[2]]),
);
const env = {
  ...process.env,
  ...storage,
  TRIVY_SKIP_DB_UPDATE: 'true',
  TRIVY_SKIP_JAVA_DB_UPDATE: 'true',
  TRIVY_NO_PROGRESS: 'true',
};
if (existsSync('/etc/ssl/certs/ca-certificates.crt')) env.NODE_EXTRA_CA_CERTS = '/etc/ssl/certs/ca-certificates.crt';
const base = lastLine(execFileSync('bash', [path.join(root, 'test/images/base.sh')], { encoding: 'utf8', env }));
const tools = lastLine(execFileSync('bash', [path.join(root, 'test/images/build-tools.sh'), '--bin-dir'], { encoding: 'utf8' }));
env.PATH = `${tools}${path.delimiter}${env.PATH}`;
env.KUBECONFIG = '/dev/null';

const clone = mkdtempSync(path.join(os.tmpdir(), 'bench-build-'));
execFileSync('git', ['clone', '-q', root, clone]);
const trivyCache = mkdtempSync(path.join(os.tmpdir(), 'bench-build-trivy-'));
execFileSync(path.join(tools, 'trivy-db'), [
  '--cache-dir',
  trivyCache,
  path.join(root, 'test/images/trivy-db/fixtures/data-source.yaml'),
]);
env.TRIVY_CACHE_DIR = trivyCache;

const timed = (cmd, args) => {
  const t = performance.now();
  const r = spawnSync(cmd, args, { cwd: clone, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  return { ms: performance.now() - t, stdout: r.stdout };
};
const secrets = env.NODE_EXTRA_CA_CERTS ? ['--secret', `id=npm-ca,src=${env.NODE_EXTRA_CA_CERTS}`] : [];
const bare = () =>
  ['api', 'web'].reduce(
    (ms, app) =>
      ms +
      timed('podman', [
        'build',
        '--no-cache',
        '--tag',
        `localhost/bench-bare-${app}:cold`,
        '--file',
        `apps/${app}/Dockerfile`,
        '--build-arg',
        `NODE_IMAGE=${base}`,
        ...secrets,
        '.',
      ]).ms,
    0,
  );
const todoctl = (...extra) =>
  timed(process.execPath, [
    path.join(root, 'bin/todoctl'),
    'build',
    '--builder',
    'podman',
    '--build-arg',
    `NODE_IMAGE=${base}`,
    '-o',
    'json',
    ...extra,
  ]);

try {
  const bareCold = bare();
  const cold = todoctl('--no-cache');
  const warm = todoctl();
  const images = JSON.parse(warm.stdout);
  if (!images.every((i) => i.skipped)) throw new Error('the warm build built something: it must skip');
  console.log(
    JSON.stringify(
      {
        bench: 'build',
        bareColdMs: Math.round(bareCold),
        todoctlColdMs: Math.round(cold.ms),
        todoctlWarmMs: Math.round(warm.ms),
        ratioCold: Number((cold.ms / bareCold).toFixed(2)),
        ratioWarm: Number((warm.ms / bareCold).toFixed(3)),
        aims: { cold: 1.1, warm: 0.1 },
        sizesMiB: Object.fromEntries(images.map((i) => [i.image, Number((i.sizeBytes / 1024 / 1024).toFixed(1))])),
      },
      null,
      2,
    ),
  );
} finally {
  for (const app of ['api', 'web']) spawnSync('podman', ['rmi', '--force', `localhost/bench-bare-${app}:cold`], { env });
  rmSync(clone, { recursive: true, force: true });
  rmSync(trivyCache, { recursive: true, force: true });
}
