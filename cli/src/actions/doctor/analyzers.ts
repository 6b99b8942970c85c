/**
 * The workload analyzers: pure functions over what the cluster returned (pods, events,
 * controllers, the names and keys of Secrets and ConfigMaps, the previous containers' last log
 * lines). Each finding quotes the objects and events it comes from and names the fix; where the
 * cluster gives no reason, none is made up.
 */
import type { Check, Finding } from './report.js';
import { worst } from './report.js';
import type { Container, ContainerStatus, Controller, KubeEvent, Pod } from './kube.js';

export interface WorkloadData {
  namespace: string;
  pods: Pod[];
  events: KubeEvent[];
  /** ReplicaSets and StatefulSets. */
  controllers: Controller[];
  /** Data keys by Secret name; never values. */
  secrets: ReadonlyMap<string, readonly string[]>;
  configMaps: ReadonlyMap<string, readonly string[]>;
  /** The previous container's last lines by `pod/container`, or why kubectl could not read them. */
  previousLogs: ReadonlyMap<string, readonly string[] | { error: string }>;
  /** The minikube profile when the cluster is minikube, so that fixes name its commands. */
  minikubeProfile?: string | undefined;
}

/** How many of the previous container's last lines a finding quotes. */
export const LOG_TAIL = 10;

const IMAGE_PULL = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull']);
/** Waiting reasons of a container on its way up: nothing to report yet. */
const STARTING = new Set(['ContainerCreating', 'PodInitializing']);
/** Waiting reasons that a missing Secret or ConfigMap explains (reported as that, with its fix). */
const CONFIG_ERRORS = new Set(['CreateContainerConfigError', 'CreateContainerError']);

export const logKey = (pod: string, container: string) => `${pod}/${container}`;

/** The containers whose previous run ended (crash-looping or restarted): the ones whose last log lines a finding quotes. */
export function containersToRead(pods: readonly Pod[]): { pod: string; container: string }[] {
  return pods.flatMap((pod) =>
    statusesOf(pod)
      .filter(({ status }) => status.lastState.terminated !== undefined && status.restartCount > 0)
      .map(({ status }) => ({ pod: pod.metadata.name, container: status.name })),
  );
}

/** Every finding in the namespace: pods first (replicas with the same finding as one), then controllers. */
export function analyzeWorkloads(data: WorkloadData): Finding[] {
  const perPod = data.pods
    .filter((pod) => !pod.metadata.deletionTimestamp && pod.status.phase !== 'Succeeded')
    .flatMap((pod) => analyzePod(pod, data).map((finding) => ({ finding, owner: ownerOf(pod) })));
  return [...groupReplicas(perPod), ...analyzeControllers(data)].map(withoutEchoes);
}

/** The workloads check: ok when no analyzer found anything, else the worst finding's status. */
export function workloadsCheck(data: WorkloadData, findings: Finding[]): Check {
  const ns = data.namespace;
  if (findings.length === 0) {
    const detail =
      data.pods.length === 0 ? `no pods in ${ns}` : `${data.pods.length} pod(s) in ${ns}; the cluster reports no problem`;
    return { name: 'workloads', status: 'ok', detail };
  }
  return {
    name: 'workloads',
    status: worst(findings.map((f) => f.status)),
    detail: `${findings.length} finding(s) in ${ns}: ${tally(findings.map((f) => f.reason))}`,
    fix: 'Each finding below names its fix.',
    findings,
  };
}

/** `2 CrashLoopBackOff, 1 NotReady`, in order of first appearance. */
function tally(words: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts].map(([w, n]) => `${n} ${w}`).join(', ');
}

interface PodContext {
  pod: Pod;
  object: string;
  ns: string;
  owner: string;
  events: string[];
  data: WorkloadData;
}

function analyzePod(pod: Pod, data: WorkloadData): Finding[] {
  const ctx: PodContext = {
    pod,
    object: `pod/${pod.metadata.name}`,
    ns: data.namespace,
    owner: ownerOf(pod),
    events: warningEvents(data.events, 'Pod', pod.metadata.name),
    data,
  };
  const out = missingReferences(ctx);
  const missing = out.length > 0;

  const scheduled = conditionOf(pod, 'PodScheduled');
  if (pod.status.phase === 'Pending' && scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    out.push({
      reason: 'Unschedulable',
      status: 'fail',
      object: ctx.object,
      message: scheduled.message ?? 'the scheduler found no node for the pod',
      ...withEvents(ctx.events),
      fix: `Free or add what the message says is short (kubectl describe nodes shows what is allocated${
        data.minikubeProfile
          ? `; minikube delete -p ${data.minikubeProfile} && minikube start -p ${data.minikubeProfile} --cpus=4 --memory=8192 gives more`
          : ''
      }), or lower the requests of ${ctx.owner}.`,
    });
  }

  for (const { status, spec } of statusesOf(pod)) {
    const finding = analyzeContainer(ctx, status, spec, missing);
    if (finding) out.push(finding);
  }

  // a failed pod (evicted, say) stays until deleted; its controller has made another
  if (pod.status.phase === 'Failed' && out.length === 0) {
    out.push({
      reason: pod.status.reason ?? 'Failed',
      status: 'warn',
      object: ctx.object,
      message: pod.status.message ?? 'the pod failed',
      ...withEvents(ctx.events),
      fix: `kubectl delete ${ctx.object} -n ${ctx.ns} once the message above is dealt with (a failed pod is never restarted).`,
    });
  }

  const ready = conditionOf(pod, 'Ready');
  if (pod.status.phase === 'Running' && ready?.status !== 'True' && out.length === 0) {
    const unhealthy = warningEvents(data.events, 'Pod', pod.metadata.name, 'Unhealthy');
    out.push(
      unhealthy.length > 0
        ? {
            reason: 'ProbeFailed',
            status: 'fail',
            object: ctx.object,
            message: readiness(ready),
            events: ctx.events,
            fix: `The probe's endpoint answers with an error (events above): kubectl logs ${ctx.object} -n ${ctx.ns} says why; fix that, or the probe's path and port in the chart's values.`,
          }
        : {
            reason: 'NotReady',
            status: 'warn',
            object: ctx.object,
            message: readiness(ready),
            ...withEvents(ctx.events),
            fix: `kubectl describe ${ctx.object} -n ${ctx.ns} shows the readiness probe and its recent results; a pod that stays unready gets no traffic.`,
          },
    );
  }
  return out;
}

function analyzeContainer(
  ctx: PodContext,
  status: ContainerStatus,
  spec: Container | undefined,
  missingRefs: boolean,
): Finding | undefined {
  const { object, ns, owner } = ctx;
  const waiting = status.state.waiting;
  const current = status.state.terminated;
  const last = status.lastState.terminated;
  const base = { object, container: status.name };
  const restart = restartCommand(ctx);

  if (waiting?.reason === 'CrashLoopBackOff' || (current && current.exitCode !== 0) || (last && status.restartCount > 0)) {
    const ended = waiting?.reason === 'CrashLoopBackOff' ? last : (current ?? last);
    const oom = ended?.reason === 'OOMKilled';
    const crashLooping = waiting?.reason === 'CrashLoopBackOff';
    const logs = ctx.data.previousLogs.get(logKey(ctx.pod.metadata.name, status.name));
    const limit = spec?.resources.limits?.memory;
    const terminated = `last terminated${ended?.reason ? `: ${ended.reason}` : ''}${ended?.message ? ` (${ended.message})` : ''}${
      ended?.finishedAt ? ` at ${ended.finishedAt}` : ''
    }`;
    const message = crashLooping && waiting?.message ? `${waiting.message}; ${terminated}` : terminated;
    return {
      reason: oom ? 'OOMKilled' : crashLooping ? 'CrashLoopBackOff' : current ? (current.reason ?? 'Error') : 'Restarted',
      status: oom || crashLooping || current ? 'fail' : 'warn',
      ...base,
      message: oom && limit !== undefined ? `${message}; memory limit ${limit}` : message,
      ...(ended ? { exitCode: ended.exitCode } : {}),
      restarts: status.restartCount,
      ...withEvents(ctx.events),
      ...(Array.isArray(logs) ? { previousLogs: [...logs] } : {}),
      ...(logs && 'error' in logs ? { previousLogsError: logs.error } : {}),
      fix: oom
        ? `Give ${status.name} more memory than its limit${limit === undefined ? '' : ` (${limit})`}: resources.limits.memory in the chart's values, then helm upgrade; or now: kubectl set resources ${owner} -c ${status.name} --limits=memory=<more> -n ${ns}.`
        : `Fix what the previous container's last lines say (kubectl logs ${object} -c ${status.name} --previous -n ${ns}), then ${restart}.`,
    };
  }

  if (waiting?.reason && IMAGE_PULL.has(waiting.reason)) {
    const image = spec?.image ?? status.image;
    const profile = ctx.data.minikubeProfile;
    return {
      reason: waiting.reason,
      status: 'fail',
      ...base,
      message: waiting.message ?? `cannot pull ${image}`,
      ...withEvents(ctx.events),
      fix: profile
        ? `Load the image into minikube: minikube -p ${profile} image load ${image} (build it first if it is local), or fix image.repository/tag in the chart's values.`
        : `Push ${image} to its registry (docker push ${image}), or fix image.repository/tag in the chart's values; a private registry needs imagePullSecrets.`,
    };
  }

  if (waiting?.reason && !STARTING.has(waiting.reason) && !(CONFIG_ERRORS.has(waiting.reason) && missingRefs)) {
    return {
      reason: waiting.reason,
      status: 'fail',
      ...base,
      message: waiting.message ?? waiting.reason,
      ...withEvents(ctx.events),
      fix: `Fix what the message says in ${owner}'s spec (kubectl describe ${object} -n ${ns} shows it), then ${restart}.`,
    };
  }
  return undefined;
}

interface Reference {
  kind: 'Secret' | 'ConfigMap';
  name: string;
  /** The key read, when the reference names one. */
  key?: string | undefined;
  /** Where the pod refers to it: `env BACKEND_DATABASE_URL of container api`, `volume config`, ... */
  via: string;
  /** imagePullSecrets: the kubelet pulls without a missing one, so it is a warning. */
  soft?: boolean;
}

/** Secrets and ConfigMaps (and their keys) the pod needs that the namespace does not have. */
function missingReferences(ctx: PodContext): Finding[] {
  const refs = referencesOf(ctx.pod);
  const byObject = new Map<string, Reference[]>();
  for (const ref of refs) {
    const id = `${ref.kind}/${ref.name}`;
    byObject.set(id, [...(byObject.get(id) ?? []), ref]);
  }
  const out: Finding[] = [];
  for (const group of byObject.values()) {
    const { kind, name } = group[0]!;
    const present = (kind === 'Secret' ? ctx.data.secrets : ctx.data.configMaps).get(name);
    const keys = [...new Set(group.flatMap((r) => (r.key ? [r.key] : [])))];
    const where = [...new Set(group.map((r) => r.via))].join(', ');
    const containers = [
      ...new Set(group.flatMap((r) => (r.via.includes(' of container ') ? [r.via.split(' of container ')[1]!] : []))),
    ];
    const lower = kind.toLowerCase();
    if (!present) {
      out.push({
        reason: `Missing${kind}`,
        status: group.every((r) => r.soft) ? 'warn' : 'fail',
        object: ctx.object,
        ...(containers.length === 1 ? { container: containers[0] } : {}),
        message: `${lower} "${name}" not found in namespace ${ctx.ns} (referenced by ${where})`,
        ...withEvents(ctx.events),
        fix: createCommand(kind, name, keys, ctx.ns),
      });
      continue;
    }
    const absent = keys.filter((k) => !present.includes(k));
    if (absent.length > 0) {
      out.push({
        reason: `Missing${kind}Key`,
        status: 'fail',
        object: ctx.object,
        ...(containers.length === 1 ? { container: containers[0] } : {}),
        message: `${lower} "${name}" has no key ${absent.map((k) => `"${k}"`).join(', ')} (it has ${
          present.length > 0 ? present.map((k) => `"${k}"`).join(', ') : 'no keys'
        }; referenced by ${where})`,
        ...withEvents(ctx.events),
        fix: `kubectl patch ${lower} ${name} -n ${ctx.ns} --type merge -p '${JSON.stringify({
          [kind === 'Secret' ? 'stringData' : 'data']: Object.fromEntries(absent.map((k) => [k, '<value>'])),
        })}'`,
      });
    }
  }
  return out;
}

function createCommand(kind: Reference['kind'], name: string, keys: readonly string[], ns: string): string {
  const literals = (keys.length > 0 ? keys : ['<KEY>']).map((k) => `--from-literal=${k}='<value>'`).join(' ');
  return kind === 'Secret'
    ? `kubectl create secret generic ${name} -n ${ns} ${literals}`
    : `kubectl create configmap ${name} -n ${ns} ${literals} (a chart's own ConfigMap comes back with helm upgrade)`;
}

function referencesOf(pod: Pod): Reference[] {
  const refs: Reference[] = [];
  for (const c of [...pod.spec.initContainers, ...pod.spec.containers]) {
    for (const env of c.env) {
      const secret = env.valueFrom?.secretKeyRef;
      const config = env.valueFrom?.configMapKeyRef;
      const via = `env ${env.name} of container ${c.name}`;
      if (secret && !secret.optional) refs.push({ kind: 'Secret', name: secret.name, key: secret.key, via });
      if (config && !config.optional) refs.push({ kind: 'ConfigMap', name: config.name, key: config.key, via });
    }
    for (const from of c.envFrom) {
      const via = `envFrom of container ${c.name}`;
      if (from.secretRef && !from.secretRef.optional) refs.push({ kind: 'Secret', name: from.secretRef.name, via });
      if (from.configMapRef && !from.configMapRef.optional) refs.push({ kind: 'ConfigMap', name: from.configMapRef.name, via });
    }
  }
  for (const volume of pod.spec.volumes) {
    const via = `volume ${volume.name}`;
    const sources = [
      volume.secret ? { kind: 'Secret' as const, name: volume.secret.secretName, ...volume.secret } : undefined,
      volume.configMap ? { kind: 'ConfigMap' as const, ...volume.configMap } : undefined,
      ...(volume.projected?.sources ?? []).flatMap((s) => [
        s.secret ? { kind: 'Secret' as const, ...s.secret } : undefined,
        s.configMap ? { kind: 'ConfigMap' as const, ...s.configMap } : undefined,
      ]),
    ];
    for (const source of sources) {
      if (!source || source.optional) continue;
      const items = source.items ?? [];
      if (items.length === 0) refs.push({ kind: source.kind, name: source.name, via });
      for (const item of items) refs.push({ kind: source.kind, name: source.name, key: item.key, via });
    }
  }
  for (const pull of pod.spec.imagePullSecrets)
    refs.push({ kind: 'Secret', name: pull.name, via: 'imagePullSecrets', soft: true });
  return refs.filter((r) => r.name !== '');
}

/** Controllers short of pods, with the FailedCreate event that says why (a quota, an admission policy). */
function analyzeControllers(data: WorkloadData): Finding[] {
  const out: Finding[] = [];
  for (const controller of data.controllers) {
    if (controller.status.replicas >= controller.spec.replicas) continue;
    const failed = latestEvent(data.events, controller.kind, controller.metadata.name, 'FailedCreate');
    if (!failed) continue;
    const object = `${controller.kind.toLowerCase()}/${controller.metadata.name}`;
    const owner = controller.metadata.ownerReferences?.[0];
    const workload = owner ? `${owner.kind.toLowerCase()}/${owner.name}` : object;
    const quota = /exceeded quota: ([^,\s]+)/.exec(failed.message)?.[1];
    out.push({
      reason: quota ? 'QuotaExceeded' : 'FailedCreate',
      status: 'fail',
      object,
      message: failed.message,
      ...withEvents(warningEvents(data.events, controller.kind, controller.metadata.name)),
      fix: quota
        ? `Raise quota ${quota} (todo-infrastructure's defaults.resourceQuota, then helm upgrade todo-infrastructure) or lower the requests or replicas of ${workload}; kubectl describe resourcequota ${quota} -n ${data.namespace} shows used and hard.`
        : `Change ${workload}'s pod template so that what the message names is allowed (todoctl validate checks the same rules before a deploy).`,
    });
  }
  return out;
}

/** An event that says just what the message says adds nothing. */
function withoutEchoes(finding: Finding): Finding {
  if (!finding.events) return finding;
  const events = finding.events.filter((e) => !e.replace(/ \(x\d+\)$/, '').endsWith(`: ${finding.message}`));
  const { events: _dropped, ...rest } = finding;
  return events.length > 0 ? { ...rest, events } : rest;
}

/** Replicas of one workload with the same finding are reported once, naming the others. */
function groupReplicas(items: { finding: Finding; owner: string }[]): Finding[] {
  const groups = new Map<string, Finding>();
  for (const { finding, owner } of items) {
    const key = JSON.stringify([owner, finding.reason, finding.container, finding.message, finding.exitCode]);
    const first = groups.get(key);
    if (first) first.alsoIn = [...(first.alsoIn ?? []), finding.object];
    else groups.set(key, finding);
  }
  return [...groups.values()];
}

/** The workload a pod belongs to as kubectl names it: deployment/x for a ReplicaSet's pod, else its owner or itself. */
export function ownerOf(pod: Pod): string {
  const ref = pod.metadata.ownerReferences?.[0];
  if (!ref) return `pod/${pod.metadata.name}`;
  const hash = pod.metadata.labels?.['pod-template-hash'];
  if (ref.kind === 'ReplicaSet' && hash && ref.name.endsWith(`-${hash}`))
    return `deployment/${ref.name.slice(0, -hash.length - 1)}`;
  return `${ref.kind.toLowerCase()}/${ref.name}`;
}

function restartCommand(ctx: PodContext): string {
  const kind = ctx.owner.split('/')[0];
  return kind === 'deployment' || kind === 'statefulset' || kind === 'daemonset'
    ? `kubectl rollout restart ${ctx.owner} -n ${ctx.ns}`
    : `recreate ${ctx.object} (kubectl delete ${ctx.object} -n ${ctx.ns}; its ${ctx.owner} makes a new one)`;
}

function statusesOf(pod: Pod): { status: ContainerStatus; spec: Container | undefined }[] {
  const specs = [...pod.spec.initContainers, ...pod.spec.containers];
  return [...pod.status.initContainerStatuses, ...pod.status.containerStatuses].map((status) => ({
    status,
    spec: specs.find((c) => c.name === status.name),
  }));
}

/** The Ready condition as the cluster states it. */
function readiness(ready: ReturnType<typeof conditionOf>): string {
  if (!ready) return 'the pod has no Ready condition';
  return `condition Ready is ${ready.status}${ready.reason ? ` (${ready.reason})` : ''}${ready.message ? `: ${ready.message}` : ''}${
    ready.lastTransitionTime ? ` since ${ready.lastTransitionTime}` : ''
  }`;
}

function conditionOf(pod: Pod, type: string) {
  return pod.status.conditions?.find((c) => c.type === type);
}

function eventTime(e: KubeEvent): string {
  return e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '';
}

function eventsOf(events: readonly KubeEvent[], kind: string, name: string, reason?: string): KubeEvent[] {
  return events
    .filter(
      (e) => e.involvedObject.kind === kind && e.involvedObject.name === name && (reason === undefined || e.reason === reason),
    )
    .sort((a, b) => eventTime(a).localeCompare(eventTime(b)));
}

function latestEvent(events: readonly KubeEvent[], kind: string, name: string, reason: string): KubeEvent | undefined {
  return eventsOf(events, kind, name, reason).pop();
}

/** The object's last three Warning events, oldest first, as `<reason>: <message> (xN)`. */
function warningEvents(events: readonly KubeEvent[], kind: string, name: string, reason?: string): string[] {
  return eventsOf(events, kind, name, reason)
    .filter((e) => e.type === 'Warning')
    .slice(-3)
    .map((e) => {
      const count = e.series?.count ?? e.count ?? 1;
      return `${e.reason}: ${e.message}${count > 1 ? ` (x${count})` : ''}`;
    });
}

function withEvents(events: string[]): { events?: string[] } {
  return events.length > 0 ? { events } : {};
}
