/**
 * Health of a deployed service, asked through the cluster: a port-forward to the Service (so a
 * ready pod behind it answers, as the Service's clients would reach it), then the health and
 * metrics endpoints the chart's probes use. A healthy revision is marked on Helm's own release
 * record, so `rollback` can find the last one that was verified, whoever deployed it.
 */
import type { KubectlClient } from '../../clients/kubectl.js';
import { ClusterError } from '../../runtime/errors.js';

/**
 * The label on Helm's release Secret of a revision todoctl verified healthy; its value is the
 * revision. Helm copies a release's custom labels to the revisions an upgrade or a rollback
 * makes, so a copy carries another revision's number and is not taken for a verification.
 */
export const VERIFIED_LABEL = 'todoctl.dev/verified-revision';

export interface ServiceCheck {
  path: string;
  status: number | null;
  ok: boolean;
  /** Why it is not ok: the HTTP status, the connection error or a metrics body without metrics. */
  detail?: string;
}

export interface ServiceHealth {
  release: string;
  service: string;
  healthy: boolean;
  checks: ServiceCheck[];
}

interface ServicePort {
  name?: string;
  port: number;
}

/** What the chart says to ask: its probes' paths (liveness, readiness) and /metrics on the metrics port. */
export interface HealthTargets {
  healthPaths: string[];
  metricsPath: string;
}

/**
 * Forwards to the release's Service and asks each endpoint, retrying for up to `waitMs` while
 * the answers are not yet healthy (helm --wait has already seen the pods Ready).
 */
export async function verifyService(
  kubectl: KubectlClient,
  release: string,
  service: string,
  targets: HealthTargets,
  o: {
    waitMs?: number;
    fetchTimeoutMs?: number;
    known?: { spec?: { ports?: { name?: string; port?: number }[] } } | undefined;
  } = {},
): Promise<ServiceHealth> {
  // the Service as the caller already read it, else as the cluster has it now
  const svc =
    o.known ?? (await kubectl.getIfExists<{ spec?: { ports?: { name?: string; port?: number }[] } }>('service', service));
  if (!svc)
    throw new ClusterError(`service ${service} of release ${release} does not exist`, { hint: `kubectl get service ${service}` });
  const ports = (svc.spec?.ports ?? []).filter((p): p is ServicePort => typeof p.port === 'number');
  const http = ports.find((p) => p.name === 'http') ?? ports[0];
  const metrics = ports.find((p) => p.name === 'metrics');
  if (!http) throw new ClusterError(`service ${service} exposes no port`);
  const forward = await kubectl.portForward(`service/${service}`, metrics ? [http.port, metrics.port] : [http.port]);
  try {
    const [httpPort, metricsPort] = forward.localPorts;
    const deadline = Date.now() + (o.waitMs ?? 10_000);
    for (;;) {
      const checks = await Promise.all([
        ...targets.healthPaths.map((path) => ask(httpPort!, path, o.fetchTimeoutMs)),
        ...(metricsPort ? [ask(metricsPort, targets.metricsPath, o.fetchTimeoutMs, /^# (HELP|TYPE) /m)] : []),
      ]);
      const healthy = checks.every((c) => c.ok);
      if (healthy || Date.now() >= deadline) return { release, service, healthy, checks };
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await forward.stop();
  }
}

async function ask(port: number, path: string, timeoutMs = 3_000, body?: RegExp): Promise<ServiceCheck> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    if (!response.ok)
      return { path, status: response.status, ok: false, detail: `HTTP ${response.status}: ${text.slice(0, 200)}` };
    if (body && !body.test(text))
      return { path, status: response.status, ok: false, detail: 'the answer holds no Prometheus metrics' };
    return { path, status: response.status, ok: true };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { path, status: null, ok: false, detail: cause ?? (error instanceof Error ? error.message : String(error)) };
  }
}

/** Marks a revision verified on Helm's release Secret (the default storage driver). */
export async function markVerified(kubectl: KubectlClient, release: string, revision: number): Promise<void> {
  await kubectl.label('secret', `sh.helm.release.v1.${release}.v${revision}`, { [VERIFIED_LABEL]: String(revision) });
}

/** The revisions of a release todoctl verified healthy, newest first. */
export async function verifiedRevisions(kubectl: KubectlClient, release: string): Promise<number[]> {
  const list = await kubectl.getJson<{ items?: { metadata?: { labels?: Record<string, string> } }[] }>('secrets', undefined, {
    selector: `owner=helm,name=${release},${VERIFIED_LABEL}`,
  });
  return (list.items ?? [])
    .map((s) => s.metadata?.labels ?? {})
    .filter((labels) => labels[VERIFIED_LABEL] === labels.version)
    .map((labels) => Number(labels.version))
    .filter((v) => Number.isInteger(v))
    .sort((a, b) => b - a);
}
