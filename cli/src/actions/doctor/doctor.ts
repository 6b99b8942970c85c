import type { Deps } from '../../deps.js';
import { TodoctlError } from '../../runtime/errors.js';

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

const MIN_NODE: [number, number] = [22, 12];

/** Checks what todoctl needs, in the order a person would fix it. Never throws for a failed check. */
export async function runDoctor(deps: Deps): Promise<DoctorReport> {
  const checks: Check[] = [];

  const [maj = 0, min = 0] = deps.nodeVersion.replace(/^v/, '').split('.').map(Number);
  const nodeOk = maj > MIN_NODE[0] || (maj === MIN_NODE[0] && min >= MIN_NODE[1]);
  checks.push({
    name: 'node',
    status: nodeOk ? 'ok' : 'fail',
    detail: deps.nodeVersion,
    ...(nodeOk ? {} : { fix: `Install Node.js >= ${MIN_NODE.join('.')} (24 LTS recommended).` }),
  });

  checks.push(
    await probe('config', async () => {
      const loaded = await deps.config();
      return loaded.file
        ? `${loaded.file} (project ${loaded.config.name})`
        : 'no todoctl.yaml found; using the embedded defaults';
    }),
  );

  checks.push(
    await probe(
      'helm',
      async () => {
        const helm = await deps.helm();
        const version = await helm.version();
        const major = await helm.majorVersion();
        return `${version} (Helm ${major})`;
      },
      'Install Helm 3 or 4 and put it on PATH (or set TODOCTL_HELM to its path).',
    ),
  );

  checks.push(
    await probe(
      'kubectl',
      async () => {
        const path = await deps.runner.which(deps.env.TODOCTL_KUBECTL ?? 'kubectl');
        if (!path) throw new TodoctlError('kubectl was not found on PATH');
        return path;
      },
      'Install kubectl and put it on PATH (or set TODOCTL_KUBECTL to its path).',
    ),
  );

  checks.push(
    await probe(
      'cluster',
      async () => {
        const kubectl = await deps.kubectl();
        const v = await kubectl.version();
        const target = await deps.target();
        return `server ${v.serverVersion}${target.context ? ` (context ${target.context})` : ''}`;
      },
      'Start a cluster (minikube start, Docker Desktop, or `npm run cluster:up` for the test cluster) or pass --context/--kubeconfig.',
    ),
  );

  const kubectlAi = await deps.runner.which('kubectl-ai');
  checks.push(
    kubectlAi
      ? { name: 'kubectl-ai', status: 'ok', detail: kubectlAi }
      : {
          name: 'kubectl-ai',
          status: 'warn',
          detail: 'not installed (optional)',
          fix: 'todoctl ai works without it; install kubectl-ai to also use it directly.',
        },
  );

  return { ok: checks.every((c) => c.status !== 'fail'), checks };
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
