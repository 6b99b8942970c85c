import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildChartDependencies, repoRoot, testKubeconfig, tool } from '../support/cluster.js';

function answers(kubeconfig: string): boolean {
  if (!existsSync(kubeconfig)) return false;
  try {
    execFileSync(tool('kubectl'), ['--kubeconfig', kubeconfig, 'get', '--raw', '/readyz'], { stdio: 'pipe', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * The e2e tier runs against the real test cluster. When none is running, it
 * starts one (building the pinned tools first if needed) and stops it after
 * the run; when that fails, the run fails: the tier is never skipped.
 */
export default async function setup(): Promise<(() => void) | undefined> {
  // the charts take todo-common from charts/: pack it into each, as validate and the README do
  await buildChartDependencies();
  const kubeconfig = testKubeconfig();
  if (answers(kubeconfig)) return undefined;
  if (process.env.TODOCTL_TEST_KUBECONFIG) {
    throw new Error(`TODOCTL_TEST_KUBECONFIG=${kubeconfig} does not answer /readyz. Start that cluster or unset the variable.`);
  }
  const scripts = path.join(repoRoot, 'test/cluster');
  process.stderr.write('e2e: no test cluster is running; starting one with test/cluster/up.sh\n');
  execFileSync('bash', [path.join(scripts, 'up.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (!answers(kubeconfig)) throw new Error(`test/cluster/up.sh finished but ${kubeconfig} does not answer /readyz.`);
  return () => {
    execFileSync('bash', [path.join(scripts, 'down.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  };
}
