// What the cluster benchmarks share: the pinned tools, the test cluster's kubeconfig, and a
// cluster to run against (the running one, or one started here and stopped by `stop()`).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const bin =
  process.env.TODOCTL_TOOLS_BIN ??
  execFileSync('bash', [path.join(root, 'test/cluster/build-tools.sh')], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
export const kubeconfig = process.env.TODOCTL_TEST_KUBECONFIG ?? path.join(root, '.kwok/kubeconfig');
/** The environment the measured commands run with: the tools first on PATH, the test cluster, no colour. */
export const env = {
  ...process.env,
  PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
  KUBECONFIG: kubeconfig,
  NO_COLOR: '1',
};

/** Uses the test cluster that answers, or starts one; `stop()` stops only a cluster started here. */
export function useTestCluster(name) {
  const answers =
    existsSync(kubeconfig) &&
    spawnSync(path.join(bin, 'kubectl'), ['--kubeconfig', kubeconfig, 'get', '--raw', '/readyz']).status === 0;
  if (answers) return { stop() {} };
  if (process.env.TODOCTL_TEST_KUBECONFIG) throw new Error(`TODOCTL_TEST_KUBECONFIG=${kubeconfig} does not answer /readyz`);
  console.error(`${name}: no test cluster is running; starting one with test/cluster/up.sh`);
  execFileSync('bash', [path.join(root, 'test/cluster/up.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  return {
    stop() {
      execFileSync('bash', [path.join(root, 'test/cluster/down.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
    },
  };
}
