import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The pinned tool versions of test/cluster/versions.env (KUBERNETES_VERSION, HELM4_VERSION, ...). */
export function pinnedVersions(): Record<string, string> {
  return readEnvFile('test/cluster/versions.env');
}

/**
 * Where the test cluster forwards `kubectl port-forward` to a pod port (test/cluster/forwards.env):
 * a test that starts a process on that local port is reached through the cluster.
 */
export function clusterForwards(): { http8080: number; http3000: number; metrics9090: number } {
  const env = readEnvFile('test/cluster/forwards.env');
  return {
    http8080: Number(env.FORWARD_HTTP_8080),
    http3000: Number(env.FORWARD_HTTP_3000),
    metrics9090: Number(env.FORWARD_METRICS_9090),
  };
}

function readEnvFile(file: string): Record<string, string> {
  const text = readFileSync(path.join(repoRoot, file), 'utf8');
  return Object.fromEntries([...text.matchAll(/^([A-Z0-9_]+)=(\S+)/gm)].map((m) => [m[1]!, m[2]!]));
}

/** The kubeconfig `npm run cluster:up` writes. */
export function testKubeconfig(): string {
  return process.env.TODOCTL_TEST_KUBECONFIG ?? path.join(repoRoot, '.kwok', 'kubeconfig');
}

let cachedBin: string | undefined;

/**
 * The folder holding the Go-built helm, helm3, kubectl, etcd, ... for the
 * pinned versions. A build failure fails the run: no tier is skipped.
 */
export function toolsBin(): string {
  if (process.env.TODOCTL_TOOLS_BIN) return process.env.TODOCTL_TOOLS_BIN;
  if (cachedBin) return cachedBin;
  // Builds on first use (minutes, cold); a warm cache answers in milliseconds.
  const out = execFileSync('bash', [path.join(repoRoot, 'test/cluster/build-tools.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cachedBin = out.trim().split('\n').pop()!;
  return cachedBin;
}

export function tool(name: 'helm' | 'helm3' | 'kubectl'): string {
  const file = path.join(toolsBin(), name);
  if (!existsSync(file)) throw new Error(`${file} is missing; rebuild the test tools with \`npm run tools\`.`);
  return file;
}

/** The helm the integration tier runs: TODOCTL_HELM (e.g. the pinned Helm 3) or the pinned Helm 4. */
export function helmBinary(): string {
  const fromEnv = process.env.TODOCTL_HELM;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`TODOCTL_HELM=${fromEnv} does not exist.`);
    return fromEnv;
  }
  return tool('helm');
}

/** A namespace name unique to this test run. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`.slice(0, 63);
}

export async function eventually<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  o: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 500));
  }
}

/**
 * `helm dependency build` for every chart of the repository that has dependencies (the
 * todo-common library), as `todoctl validate` does, so plain `helm install charts/<chart>`
 * works in the tests as the README says it does after that step.
 */
export async function buildChartDependencies(): Promise<void> {
  const [{ HelmClient }, { ExecaRunner }, policy] = await Promise.all([
    import('../../cli/src/clients/helm.js'),
    import('../../cli/src/runtime/runner.js'),
    import('../../cli/src/policy/index.js'),
  ]);
  const helm = new HelmClient(new ExecaRunner(process.env.PATH ?? ''), {}, tool('helm'));
  const catalog = await policy.loadCatalog(policy.BUNDLED_CATALOG);
  for (const chart of policy.discoverCharts(repoRoot, await policy.repositoryFiles(repoRoot))) {
    const failed = await policy.buildDependencies(helm, repoRoot, chart, catalog);
    if (failed.length > 0) throw new Error(failed.map((f) => f.message).join('\n'));
  }
}
