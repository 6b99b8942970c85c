#!/usr/bin/env node
// Benchmark of `todoctl status` on the test cluster: its wall time as a ratio to the bare
// `helm list` plus `kubectl get pods` it replaces, run one after the other as a person would,
// measured in the same run on the same machine (cases interleaved, so drift hits them alike).
// Target: <= 1.5x. Also shows `node -e 0`, the floor of any Node.js command.
//
// Uses the running test cluster (.kwok/kubeconfig, or TODOCTL_TEST_KUBECONFIG); when none
// answers it starts one with test/cluster/up.sh and stops it afterwards. Installs the tiny
// test chart (2 pods) in a throwaway namespace, so both sides read a real release and pods.
// Needs a build (npm run build).
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { bin, env, kubeconfig, root, useTestCluster } from './test-cluster.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 15);
const [{ HelmClient }, { ExecaRunner }] = await Promise.all([
  import(path.join(root, 'cli/dist/clients/helm.js')),
  import(path.join(root, 'cli/dist/runtime/runner.js')),
]);
const cluster = useTestCluster('bench:status');

const namespace = `bench-status-${Date.now().toString(36)}`;
const kubectl = (...args) => execFileSync(path.join(bin, 'kubectl'), ['--kubeconfig', kubeconfig, ...args], { stdio: 'pipe' });
const helm = new HelmClient(new ExecaRunner(env.PATH), { kubeconfig, namespace }, path.join(bin, 'helm'));
try {
  kubectl('create', 'namespace', namespace);
  await helm.upgradeInstall({ release: 'tiny', chart: path.join(root, 'test/fixtures/charts/tiny'), wait: true, timeout: '90s' });

  const cases = [
    ['node -e 0', [[process.execPath, ['-e', '0']]]],
    [
      'helm list + kubectl get pods',
      [
        [path.join(bin, 'helm'), ['list', '-n', namespace]],
        [path.join(bin, 'kubectl'), ['get', 'pods', '-n', namespace]],
      ],
    ],
    ['todoctl status', [[process.execPath, [path.join(root, 'bin/todoctl'), 'status', '-n', namespace]]]],
  ];
  const times = cases.map(() => []);
  for (let i = 0; i < runs + 2; i++) {
    cases.forEach(([name, commands], c) => {
      const t0 = process.hrtime.bigint();
      for (const [cmd, args] of commands) {
        const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
        if (r.status !== 0) throw new Error(`${name}: ${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
      }
      if (i >= 2) times[c].push(Number(process.hrtime.bigint() - t0) / 1e6); // the first runs warm the caches
    });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const [node, bare, status] = times.map(median);
  console.log(
    JSON.stringify(
      {
        bench: 'status',
        runs,
        nodeMs: Math.round(node),
        helmListPlusKubectlGetPodsMs: Math.round(bare),
        todoctlStatusMs: Math.round(status),
        ratio: Number((status / bare).toFixed(2)),
        target: 1.5,
      },
      null,
      2,
    ),
  );
} finally {
  spawnSync(path.join(bin, 'kubectl'), ['--kubeconfig', kubeconfig, 'delete', 'namespace', namespace, '--wait=false'], {
    stdio: 'ignore',
  });
  cluster.stop();
}
