import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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
