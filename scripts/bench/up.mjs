#!/usr/bin/env node
// Benchmark of `todoctl up` on the test cluster, as ratios to the bare helm calls for the same
// charts measured in the same run (aims: from empty <= 1.3x, unchanged re-run <= 0.5x):
//   - from empty: `todoctl up --env dev --no-build --tag T` after the three releases were
//     uninstalled, against `helm upgrade --install --wait` of the same charts with the same
//     values from empty (no validation, no secrets, no health checks: the bare floor);
//   - unchanged: the same `todoctl up` again, against the same bare helm calls again.
// The API and the chat UI run on this machine behind the cluster's port-forwards
// (test/cluster/forwards.env), so up's health checks answer. Uses the running test cluster or
// starts one (and stops it after). Needs a build (npm run build) and the web build.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bin, env, kubeconfig, root, useTestCluster } from './test-cluster.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const forwards = Object.fromEntries(
  [...readFileSync(path.join(root, 'test/cluster/forwards.env'), 'utf8').matchAll(/^([A-Z0-9_]+)=(\d+)/gm)].map((m) => [
    m[1],
    m[2],
  ]),
);
const TAG = 'dev-1a2b3c4';
const releases = [
  { name: 'todo-infrastructure', namespace: 'default', wait: true },
  { name: 'todo-backend', namespace: 'todo-dev', wait: true, tag: true },
  { name: 'todo-frontend', namespace: 'todo-dev', wait: true, tag: true },
];

const run = (cmd, args, o = {}) => {
  const r = spawnSync(cmd, args, { env, cwd: root, encoding: 'utf8', ...o });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r;
};
const timed = (fn) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};
const helm = (args) => run(path.join(bin, 'helm'), [...args, '--kubeconfig', kubeconfig]);
const uninstall = () => {
  for (const r of [...releases].reverse())
    spawnSync(path.join(bin, 'helm'), ['uninstall', r.name, '-n', r.namespace, '--wait', '--kubeconfig', kubeconfig], { env });
};
const bare = () =>
  timed(() => {
    for (const r of releases) {
      const chart = path.join(root, 'charts', r.name);
      helm([
        'upgrade',
        '--install',
        r.name,
        chart,
        '-n',
        r.namespace,
        '-f',
        path.join(chart, 'values-dev.yaml'),
        ...(r.tag ? ['--set-string', `image.tag=${TAG}`] : []),
        '--wait=watcher',
        '--timeout',
        '5m',
      ]);
    }
  });
// each step's time in the last round, from up's own -o json: where the time goes
const steps = {};
const up = (kind) =>
  timed(() => {
    const r = run(process.execPath, [
      path.join(root, 'bin/todoctl'),
      'up',
      '--env',
      'dev',
      '--no-build',
      // the tag names no image on this machine (the test cluster runs processes, not images)
      '--no-scan',
      '--tag',
      TAG,
      '-o',
      'json',
    ]);
    steps[kind] = Object.fromEntries(JSON.parse(r.stdout).steps.map((s) => [s.title, s.durationMs]));
  });

const cluster = useTestCluster('bench:up');
execFileSync(process.execPath, [path.join(root, 'apps/web/scripts/ensure-build.mjs')], { stdio: 'inherit' });
const data = mkdtempSync(path.join(os.tmpdir(), 'bench-up-api-'));
const api = spawn(process.execPath, [path.join(root, 'apps/api/dist/server.js')], {
  env: {
    ...env,
    BACKEND_HOST: '127.0.0.1',
    BACKEND_PORT: forwards.FORWARD_HTTP_8080,
    BACKEND_METRICS_PORT: forwards.FORWARD_METRICS_9090,
    BACKEND_DATA_DIR: data,
    BACKEND_LOG_LEVEL: 'warn',
  },
  stdio: 'ignore',
});
const web = spawn(process.execPath, [path.join(root, 'apps/web/scripts/start.mjs')], {
  env: {
    ...env,
    NODE_ENV: 'production',
    FRONTEND_HOST: '127.0.0.1',
    FRONTEND_PORT: forwards.FORWARD_HTTP_3000,
    FRONTEND_METRICS_PORT: '0',
    FRONTEND_API_URL: `http://127.0.0.1:${forwards.FORWARD_HTTP_8080}`,
    FRONTEND_LOG_LEVEL: 'warn',
  },
  stdio: 'ignore',
});
try {
  for (const url of [
    `http://127.0.0.1:${forwards.FORWARD_HTTP_8080}/healthz`,
    `http://127.0.0.1:${forwards.FORWARD_HTTP_3000}/api/healthz`,
  ]) {
    for (let i = 0; ; i++) {
      if (
        (await fetch(url)
          .then((r) => r.ok)
          .catch(() => false)) === true
      )
        break;
      if (i > 150) throw new Error(`${url} did not answer`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const samples = [];
  for (let i = 0; i < rounds; i++) {
    uninstall();
    const bareEmpty = bare();
    const bareAgain = bare();
    uninstall();
    const upEmpty = up('fromEmpty');
    const upAgain = up('unchanged');
    samples.push({ bareEmpty, bareAgain, upEmpty, upAgain });
  }
  uninstall();
  const median = (k) => samples.map((s) => s[k]).sort((a, b) => a - b)[Math.floor(samples.length / 2)];
  const [bareEmpty, bareAgain, upEmpty, upAgain] = ['bareEmpty', 'bareAgain', 'upEmpty', 'upAgain'].map(median);
  console.log(
    JSON.stringify(
      {
        bench: 'up',
        rounds,
        bareHelmFromEmptyMs: Math.round(bareEmpty),
        bareHelmAgainMs: Math.round(bareAgain),
        upFromEmptyMs: Math.round(upEmpty),
        upUnchangedMs: Math.round(upAgain),
        ratioFromEmpty: Number((upEmpty / bareEmpty).toFixed(2)),
        ratioUnchanged: Number((upAgain / bareEmpty).toFixed(2)),
        ratioUnchangedToBareAgain: Number((upAgain / bareAgain).toFixed(2)),
        aims: { fromEmpty: 1.3, unchanged: 0.5 },
        stepsMsLastRound: steps,
      },
      null,
      2,
    ),
  );
} finally {
  api.kill('SIGTERM');
  web.kill('SIGTERM');
  rmSync(data, { recursive: true, force: true });
  cluster.stop();
}
