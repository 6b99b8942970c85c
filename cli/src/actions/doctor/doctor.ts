import semver from 'semver';
import type { Deps } from '../../deps.js';
import { TodoctlError } from '../../runtime/errors.js';
import { NODE_MINIMUM } from '../../version.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  /** How to fix it, for warn and fail. */
  fix?: string;
}

export interface DoctorReport {
  ok: boolean;
  checks: Check[];
}

/** Checks what todoctl needs, in the order a person would fix it. Never throws for a failed check. */
export async function runDoctor(deps: Deps): Promise<DoctorReport> {
  const checks: Check[] = [];

  const nodeOk = semver.gte(semver.coerce(deps.nodeVersion) ?? '0.0.0', NODE_MINIMUM);
  checks.push({
    name: 'node',
    status: nodeOk ? 'ok' : 'fail',
    detail: deps.nodeVersion,
    ...(nodeOk ? {} : { fix: `Install Node.js >= ${NODE_MINIMUM} (24 LTS recommended).` }),
  });

  checks.push(
    await probe('config', async () => {
      const loaded = await deps.config();
      return loaded.file
        ? `${loaded.file} (project ${loaded.config.name})`
        : 'no todoctl.yaml found; using the embedded defaults';
    }),
  );

  // helm, kubectl and the cluster do not depend on each other: ask them side by side
  checks.push(
    ...(await Promise.all([
      probe('helm', () => helmVersion(deps), 'Install Helm 3 or 4 and put it on PATH (or set TODOCTL_HELM to its path).'),
      probe('kubectl', () => kubectlPath(deps), 'Install kubectl and put it on PATH (or set TODOCTL_KUBECTL to its path).'),
      probe(
        'cluster',
        () => serverVersion(deps),
        'Start a cluster (minikube start, Docker Desktop, or `npm run cluster:up` for the test cluster) or pass --context/--kubeconfig.',
      ),
    ])),
  );

  const kubectlAi = await deps.runner.which('kubectl-ai');
  checks.push(
    kubectlAi
      ? { name: 'kubectl-ai', status: 'ok', detail: kubectlAi }
      : {
          name: 'kubectl-ai',
          status: 'warn',
          detail: 'not installed (optional)',
          fix: 'Optional: install kubectl-ai to ask the cluster questions in plain language.',
        },
  );

  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

async function helmVersion(deps: Deps): Promise<string> {
  const helm = await deps.helm();
  return `${await helm.version()} (Helm ${await helm.majorVersion()})`;
}

async function kubectlPath(deps: Deps): Promise<string> {
  const path = await deps.runner.which(deps.env.TODOCTL_KUBECTL ?? 'kubectl');
  if (!path) throw new TodoctlError('kubectl was not found on PATH');
  return path;
}

async function serverVersion(deps: Deps): Promise<string> {
  const [kubectl, target] = await Promise.all([deps.kubectl(), deps.target()]);
  const { serverVersion } = await kubectl.version();
  return `server ${serverVersion}${target.context ? ` (context ${target.context})` : ''}`;
}

async function probe(name: string, fn: () => Promise<string>, fix?: string): Promise<Check> {
  try {
    return { name, status: 'ok', detail: await fn() };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    const hint = error instanceof TodoctlError && error.hint ? error.hint : fix;
    return { name, status: 'fail', detail: message, ...(hint ? { fix: hint } : {}) };
  }
}
