/**
 * The digest `todoctl ai` starts from: what doctor's analyzers find in a namespace (the cause of
 * a CrashLoopBackOff, an ImagePullBackOff, an OOMKill, a missing Secret...), plus the facts
 * they rest on (pod phases, restarts, last terminated reasons, probe settings, image tags,
 * recent Warning events, the previous containers' last log lines). It is deterministic (the
 * same cluster state gives the same text), secrets are redacted, and every string the cluster
 * supplied is fenced as untrusted data: a log line saying "ignore your instructions" is
 * evidence, never an instruction.
 */
import { analyzeWorkloads, type WorkloadData } from '../actions/doctor/analyzers.js';
import { objectsByKind, previousLogsOf } from '../actions/doctor/doctor.js';
import type { Container, KubeEvent, Pod } from '../actions/doctor/kube.js';
import type { Finding } from '../actions/doctor/report.js';
import type { KubectlClient } from '../clients/kubectl.js';
import { redactSecrets } from '../policy/secrets.js';

export interface PodFacts {
  name: string;
  phase: string;
  ready: string;
  restarts: number;
  containers: {
    name: string;
    image: string;
    waiting?: string;
    lastTerminated?: { reason: string; exitCode: number };
    probes: string[];
  }[];
}

export interface Digest {
  namespace: string;
  /** What the analyzers recognised, each with its cause in the cluster's words and its fix. */
  findings: Finding[];
  pods: PodFacts[];
  /** Recent Warning events, `Kind/name reason: message`, newest last. */
  events: string[];
  /** The digest as text, for the model and for a person; cluster strings fenced as untrusted. */
  text: string;
}

/** How many Warning events the digest quotes. */
const EVENT_TAIL = 15;

/** Reads what the analyzers need from the namespace (the names and keys of Secrets, never their values). */
export async function readWorkloads(kubectl: KubectlClient, namespace: string): Promise<WorkloadData> {
  const [objects, secrets, configMaps] = await Promise.all([
    kubectl.getJson('pods,events,replicasets,statefulsets').then(objectsByKind),
    kubectl.dataKeys('secrets'),
    kubectl.dataKeys('configmaps'),
  ]);
  return {
    namespace,
    pods: objects.pods,
    events: objects.events,
    controllers: objects.controllers,
    secrets,
    configMaps,
    previousLogs: await previousLogsOf(kubectl, objects.pods),
  };
}

/** The digest of what was read: pure, so the same state always gives the same text. */
export function buildDigest(data: WorkloadData): Digest {
  // sorted, so that the order pods and events were listed in does not change the text
  const findings = analyzeWorkloads(data)
    .map(redactFinding)
    .sort(
      (a, b) =>
        (a.status === b.status ? 0 : a.status === 'fail' ? -1 : 1) ||
        a.object.localeCompare(b.object) ||
        (a.container ?? '').localeCompare(b.container ?? '') ||
        a.reason.localeCompare(b.reason),
    );
  const pods = [...data.pods]
    .filter((p) => !p.metadata.deletionTimestamp)
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .map(podFacts);
  const events = [...data.events]
    .filter((e) => e.type === 'Warning')
    .map((e) => ({ time: eventTime(e), text: `${e.involvedObject.kind}/${e.involvedObject.name} ${e.reason}: ${e.message}` }))
    .sort((a, b) => a.time.localeCompare(b.time) || a.text.localeCompare(b.text))
    .slice(-EVENT_TAIL)
    .map((e) => redactSecrets(e.text));
  return { namespace: data.namespace, findings, pods, events, text: render(data.namespace, findings, pods, events) };
}

function redactFinding(f: Finding): Finding {
  return {
    ...f,
    message: redactSecrets(f.message),
    ...(f.events ? { events: f.events.map((e) => redactSecrets(e)) } : {}),
    ...(f.previousLogs ? { previousLogs: f.previousLogs.map((l) => redactSecrets(l)) } : {}),
  };
}

function eventTime(e: KubeEvent): string {
  return e.lastTimestamp ?? e.eventTime ?? e.series?.lastObservedTime ?? e.metadata.creationTimestamp ?? '';
}

function podFacts(pod: Pod): PodFacts {
  const statuses = pod.status.containerStatuses;
  const spec = new Map<string, Container>(pod.spec.containers.map((c) => [c.name, c]));
  return {
    name: pod.metadata.name,
    phase: pod.status.phase,
    ready: `${statuses.filter((s) => s.ready).length}/${pod.spec.containers.length}`,
    restarts: statuses.reduce((n, s) => n + s.restartCount, 0),
    containers: pod.spec.containers.map((c) => {
      const status = statuses.find((s) => s.name === c.name);
      const last = status?.lastState.terminated;
      return {
        name: c.name,
        image: c.image,
        ...(status?.state.waiting?.reason ? { waiting: status.state.waiting.reason } : {}),
        ...(last ? { lastTerminated: { reason: last.reason ?? 'Unknown', exitCode: last.exitCode } } : {}),
        probes: probesOf(spec.get(c.name)),
      };
    }),
  };
}

/** `startup httpGet :8080/startupz every 5s x24`: what a probe checks and how long it allows. */
function probesOf(container: Container | undefined): string[] {
  if (!container) return [];
  const out: string[] = [];
  for (const [kind, probe] of [
    ['liveness', container.livenessProbe],
    ['readiness', container.readinessProbe],
    ['startup', container.startupProbe],
  ] as const) {
    if (!probe) continue;
    const p = probe as Record<string, { path?: unknown; port?: unknown; command?: unknown } | number | undefined>;
    const http = p.httpGet as { path?: unknown; port?: unknown } | undefined;
    const tcp = p.tcpSocket as { port?: unknown } | undefined;
    const exec = p.exec as { command?: unknown } | undefined;
    const handler = http
      ? `httpGet :${String(http.port)}${typeof http.path === 'string' ? http.path : '/'}`
      : tcp
        ? `tcpSocket :${String(tcp.port)}`
        : exec
          ? `exec ${JSON.stringify(exec.command)}`
          : p.grpc
            ? 'grpc'
            : 'no handler';
    const period = typeof p.periodSeconds === 'number' ? p.periodSeconds : 10;
    const threshold = typeof p.failureThreshold === 'number' ? p.failureThreshold : 3;
    const delay =
      typeof p.initialDelaySeconds === 'number' && p.initialDelaySeconds > 0 ? ` after ${p.initialDelaySeconds}s` : '';
    out.push(`${kind} ${handler} every ${period}s x${threshold}${delay}`);
  }
  return out;
}

/** Cluster text inside these markers is data the cluster supplied: quoted, never obeyed. */
export const UNTRUSTED_OPEN = '<cluster-data untrusted="true">';
export const UNTRUSTED_CLOSE = '</cluster-data>';

/**
 * Lines the cluster wrote, between the untrusted-data markers. A line that tries to close the
 * fence early cannot: the marker is neutralised inside the data.
 */
export function fence(lines: readonly string[]): string[] {
  return [UNTRUSTED_OPEN, ...lines.map((l) => l.split(UNTRUSTED_CLOSE).join('</cluster-data_>')), UNTRUSTED_CLOSE];
}

function render(namespace: string, findings: Finding[], pods: PodFacts[], events: string[]): string {
  const lines: string[] = [`# Digest of namespace ${namespace}`, ''];
  lines.push(`## Findings (${findings.length})`);
  if (findings.length === 0) lines.push('The analyzers found no failing workload.');
  for (const f of findings) {
    const where = `${f.object}${f.container ? ` container ${f.container}` : ''}`;
    lines.push(`- ${f.reason} (${f.status}) in ${where}${f.exitCode !== undefined ? `, exit code ${f.exitCode}` : ''}`);
    lines.push(...fence([f.message, ...(f.events ?? []), ...(f.previousLogs ?? []).map((l) => `log: ${l}`)]));
    lines.push(`  fix: ${f.fix}`);
  }
  lines.push('', `## Pods (${pods.length})`);
  for (const p of pods) {
    lines.push(`- pod/${p.name}: ${p.phase}, ready ${p.ready}, restarts ${p.restarts}`);
    for (const c of p.containers) {
      const state = [
        c.waiting ? `waiting ${c.waiting}` : null,
        c.lastTerminated ? `last terminated ${c.lastTerminated.reason} (exit ${c.lastTerminated.exitCode})` : null,
      ].filter(Boolean);
      lines.push(`  - ${c.name}: image ${c.image}${state.length > 0 ? `; ${state.join('; ')}` : ''}`);
      for (const probe of c.probes) lines.push(`    probe: ${probe}`);
    }
  }
  lines.push('', `## Recent Warning events (${events.length})`);
  if (events.length > 0) lines.push(...fence(events));
  return `${lines.join('\n')}\n`;
}
