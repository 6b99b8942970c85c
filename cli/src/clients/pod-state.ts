/**
 * A pod reduced to what a person debugging it looks at first, computed the way
 * `kubectl get pods` computes its STATUS, READY and RESTARTS columns.
 * Works on plain objects, so it needs no Kubernetes client to test.
 */
export interface PodLike {
  metadata?: { name?: string; namespace?: string; deletionTimestamp?: unknown; labels?: Record<string, string> };
  spec?: { nodeName?: string; containers?: { name: string; image?: string }[] };
  status?: {
    phase?: string;
    reason?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: {
      name: string;
      ready?: boolean;
      restartCount?: number;
      state?: { waiting?: { reason?: string }; running?: object; terminated?: { reason?: string; exitCode?: number } };
      lastState?: { terminated?: { exitCode?: number; reason?: string } };
    }[];
  };
}

export interface PodState {
  name: string;
  namespace: string;
  phase: string;
  /** kubectl's STATUS column: CrashLoopBackOff, Running, Pending, Terminating, ... */
  status: string;
  ready: boolean;
  readyContainers: string;
  restarts: number;
  /** The images the pod's containers run (name:tag). */
  images: string[];
  /** Exit code of the most recent terminated container, if any. */
  lastExitCode: number | undefined;
  node: string;
}

export function podState(pod: PodLike): PodState {
  const statuses = pod.status?.containerStatuses ?? [];
  const total = pod.spec?.containers?.length ?? statuses.length;
  const readyCount = statuses.filter((s) => s.ready).length;
  const restarts = statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0);
  const phase = pod.status?.phase ?? 'Unknown';

  let status = pod.status?.reason ?? phase;
  for (const s of statuses) {
    const reason = s.state?.waiting?.reason ?? s.state?.terminated?.reason;
    if (reason && reason !== 'Completed') {
      status = reason;
      break;
    }
  }
  if (pod.metadata?.deletionTimestamp) status = 'Terminating';

  const lastExit = statuses
    .map((s) => s.state?.terminated?.exitCode ?? s.lastState?.terminated?.exitCode)
    .find((c) => c !== undefined);
  const readyCondition = pod.status?.conditions?.find((c) => c.type === 'Ready');

  return {
    name: pod.metadata?.name ?? '',
    namespace: pod.metadata?.namespace ?? '',
    phase,
    status,
    ready: readyCondition?.status === 'True',
    readyContainers: `${readyCount}/${total}`,
    restarts,
    images: (pod.spec?.containers ?? []).map((c) => c.image).filter((i): i is string => Boolean(i)),
    lastExitCode: lastExit,
    node: pod.spec?.nodeName ?? '',
  };
}
