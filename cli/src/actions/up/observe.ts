/**
 * Watches a release's pods while helm waits for them. When an upgrade fails, helm rolls back
 * and the failing pods are gone; what they said has to be caught while they exist. The
 * observer keeps the last unhealthy state of each pod it sees, with the previous container's
 * last log lines for a crash, so `up` can name the cause from what the cluster said.
 */
import type { KubectlClient } from '../../clients/kubectl.js';
import { podState, type PodLike } from '../../clients/pod-state.js';

export interface PodProblem {
  pod: string;
  /** kubectl's STATUS: CrashLoopBackOff, ImagePullBackOff, Running (not ready), Pending, ... */
  status: string;
  restarts: number;
  lastExitCode: number | undefined;
  /** The last lines the previous container wrote, for a container that crashed. */
  lastLogLines: string[];
}

const CRASHED = new Set(['CrashLoopBackOff', 'Error', 'OOMKilled']);

export interface Observer {
  /** Stops watching; the problems seen, worst first. */
  stop(): Promise<PodProblem[]>;
}

export function observeRelease(kubectl: KubectlClient, release: string, o: { intervalMs?: number } = {}): Observer {
  const seen = new Map<string, PodProblem>();
  let stopped = false;
  const look = async () => {
    const list = await kubectl
      .getJson<{ items?: PodLike[] }>('pods', undefined, { selector: `app.kubernetes.io/instance=${release}` })
      .catch(() => ({ items: [] as PodLike[] }));
    await Promise.all(
      (list.items ?? [])
        .map((raw) => ({ p: podState(raw), container: raw.spec?.containers?.[0]?.name }))
        .filter(({ p }) => !p.ready && p.phase !== 'Succeeded' && p.status !== 'Terminating')
        .map(async ({ p, container }) => {
          const crashed = CRASHED.has(p.status) || p.lastExitCode !== undefined;
          const previous = seen.get(p.name);
          const lastLogLines =
            crashed && container && !previous?.lastLogLines.length
              ? await kubectl.logs(p.name, container, { previous: true, tail: 5 }).catch(() => [])
              : (previous?.lastLogLines ?? []);
          seen.set(p.name, { pod: p.name, status: p.status, restarts: p.restarts, lastExitCode: p.lastExitCode, lastLogLines });
        }),
    );
  };
  const loop = (async () => {
    while (!stopped) {
      await look();
      await new Promise((resolve) => setTimeout(resolve, o.intervalMs ?? 1_000));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return [...seen.values()].sort((a, b) => severity(b) - severity(a));
    },
  };
}

function severity(p: PodProblem): number {
  if (CRASHED.has(p.status)) return 3;
  if (/BackOff|Err/.test(p.status)) return 2;
  return p.restarts > 0 ? 1 : 0;
}

/** One line naming the cause, as the cluster said it. */
export function describeProblem(p: PodProblem): string {
  const exit = p.lastExitCode !== undefined ? `, last exit code ${p.lastExitCode}` : '';
  const restarts = p.restarts > 0 ? `, ${p.restarts} restart(s)` : '';
  const log = p.lastLogLines.length > 0 ? `; last log line: ${p.lastLogLines[p.lastLogLines.length - 1]}` : '';
  return `pod ${p.pod} is ${p.status}${exit}${restarts}${log}`;
}
