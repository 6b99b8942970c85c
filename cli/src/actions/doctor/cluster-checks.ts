/**
 * The cluster-level checks, as pure functions of what the cluster and helm returned: its
 * version, capacity, the target namespace and its quotas, the Secrets the charts require, the
 * releases, the API server's flags and the metrics endpoints. Each quotes its evidence and
 * names the exact command that fixes what it finds.
 */
import semver from 'semver';
import type { HelmRelease, HelmRevision } from '../../clients/helm.js';
import type { MinikubeProfile } from '../../clients/minikube.js';
import { check, worst, type Check, type Finding } from './report.js';
import { formatGiB, GIB, parseQuantity, type Namespace, type Node, type Pod, type ResourceQuota } from './kube.js';

export const KUBERNETES_MINIMUM = '1.28.0';
export const MIN_CPUS = 4;
export const MIN_MEMORY_GIB = 8;

export function clusterVersionCheck(serverVersion: string, context: string | undefined, minikubeProfile?: string): Check {
  const detail = `server ${serverVersion}${context ? ` (context ${context})` : ''}`;
  const version = semver.coerce(serverVersion);
  if (version && semver.gte(version, KUBERNETES_MINIMUM)) return check('cluster', 'ok', detail);
  return check(
    'cluster',
    'fail',
    `${detail}; todoctl needs Kubernetes >= ${KUBERNETES_MINIMUM.replace(/\.0$/, '')}`,
    minikubeProfile
      ? `minikube start -p ${minikubeProfile} --kubernetes-version=stable`
      : `Upgrade the cluster to Kubernetes ${KUBERNETES_MINIMUM.replace(/\.0$/, '')} or later.`,
  );
}

/**
 * CPU and memory: on minikube what the profile was given (`minikube start --cpus --memory`, the
 * setting the constitution's "allocated to the cluster" means), elsewhere the nodes' capacity.
 */
export function resourcesCheck(
  nodes: readonly Node[],
  minikube?: { profile: string; config: MinikubeProfile | undefined },
): Check {
  const cpus = sum(nodes.map((n) => parseQuantity(n.status.capacity?.cpu ?? NaN)));
  const memory = sum(nodes.map((n) => parseQuantity(n.status.capacity?.memory ?? NaN)));
  const nodesSay = `${nodes.length} node(s) with ${round(cpus)} CPUs and ${formatGiB(memory)} of memory`;
  const want = `the constitution asks for >= ${MIN_CPUS} CPUs and >= ${MIN_MEMORY_GIB} GiB`;
  const config = minikube?.config?.Config;
  if (minikube && config && config.CPUs > 0) {
    const enough = config.CPUs >= MIN_CPUS && config.Memory >= MIN_MEMORY_GIB * 1024;
    const detail = `minikube profile ${minikube.profile} has ${config.CPUs} CPUs and ${config.Memory} MiB (${nodesSay})`;
    return enough
      ? check('cluster-resources', 'ok', detail)
      : check(
          'cluster-resources',
          'fail',
          `${detail}; ${want}`,
          // minikube cannot resize an existing cluster: it has to be made again
          `minikube delete -p ${minikube.profile} && minikube start -p ${minikube.profile} --cpus=${Math.max(MIN_CPUS, config.CPUs)} --memory=${Math.max(MIN_MEMORY_GIB * 1024, config.Memory)}`,
        );
  }
  if (!(cpus >= MIN_CPUS && memory >= MIN_MEMORY_GIB * GIB)) {
    return check(
      'cluster-resources',
      'fail',
      `${nodesSay}; ${want}`,
      `Give the cluster's nodes >= ${MIN_CPUS} CPUs and >= ${MIN_MEMORY_GIB} GiB in total (Docker Desktop: Settings > Resources; a cloud cluster: a larger node pool).`,
    );
  }
  return check('cluster-resources', 'ok', nodesSay);
}

/** What creates a namespace when it is missing: a release that lists it (todo-infrastructure), or kubectl. */
export interface NamespaceCreator {
  release: string;
  command: string;
}

export function namespaceCheck(ns: string, namespace: Namespace | null, creator: NamespaceCreator | undefined): Check {
  if (!namespace) {
    return check(
      'namespace',
      'warn',
      `namespace ${ns} does not exist`,
      creator
        ? `${creator.command} (release ${creator.release} creates ${ns}, its quota and policies)`
        : `kubectl create namespace ${ns}`,
    );
  }
  const phase = namespace.status.phase || 'Active';
  if (phase !== 'Active') {
    return check(
      'namespace',
      'warn',
      `namespace ${ns} is ${phase}`,
      `Wait until kubectl get namespace ${ns} finds nothing, then create it again.`,
    );
  }
  return check('namespace', 'ok', `namespace ${ns} is Active`);
}

export function quotaCheck(ns: string, quotas: readonly ResourceQuota[], creator: NamespaceCreator | undefined): Check {
  if (quotas.length === 0) {
    return check(
      'quota',
      'fail',
      `no ResourceQuota in ${ns}; the constitution requires one in every namespace`,
      creator
        ? `${creator.command} (release ${creator.release} gives ${ns} its quota)`
        : `kubectl create quota ${ns}-quota -n ${ns} --hard=requests.cpu=4,requests.memory=8Gi,limits.cpu=8,limits.memory=16Gi,pods=50`,
    );
  }
  const full: string[] = [];
  const all: string[] = [];
  for (const quota of quotas) {
    const entries = Object.entries(quota.status.hard ?? {});
    all.push(`${quota.metadata.name} (${entries.length} limit(s))`);
    for (const [resource, hard] of entries) {
      const used = quota.status.used?.[resource] ?? '0';
      const hardValue = parseQuantity(hard);
      if (hardValue > 0 && parseQuantity(used) >= hardValue) full.push(`${quota.metadata.name}: ${resource} ${used}/${hard}`);
    }
  }
  if (full.length > 0) {
    return check(
      'quota',
      'warn',
      `used up in ${ns}: ${full.join(', ')}`,
      `New pods that need these are refused: lower replicas or requests, or raise the quota (kubectl describe resourcequota -n ${ns}).`,
    );
  }
  return check('quota', 'ok', `${all.join(', ')} in ${ns}, none used up`);
}

/** A Secret a chart deploys against (`existingSecret`), with the keys it reads (`secretKeys`). */
export interface RequiredSecret {
  name: string;
  keys: string[];
  releases: string[];
}

/** The required Secrets against the names and keys in the namespace. Values are never read. */
export function secretsCheck(
  ns: string,
  required: readonly RequiredSecret[],
  present: ReadonlyMap<string, readonly string[]>,
): Check {
  if (required.length === 0) return check('secrets', 'ok', `no release deployed to ${ns} takes an existingSecret`);
  const problems: string[] = [];
  const fixes: string[] = [];
  const fine: string[] = [];
  for (const secret of required) {
    const keys = present.get(secret.name);
    const owner = `(${secret.releases.join(', ')})`;
    if (!keys) {
      problems.push(`secret ${secret.name} ${owner} not found in ${ns}`);
      fixes.push(
        `kubectl create secret generic ${secret.name} -n ${ns} ${secret.keys.map((k) => `--from-literal=${k}='<value>'`).join(' ')}`,
      );
      continue;
    }
    const missing = secret.keys.filter((k) => !keys.includes(k));
    if (missing.length > 0) {
      problems.push(`secret ${secret.name} ${owner} lacks key(s) ${missing.join(', ')}`);
      fixes.push(
        `kubectl patch secret ${secret.name} -n ${ns} --type merge -p '${JSON.stringify({ stringData: Object.fromEntries(missing.map((k) => [k, '<value>'])) })}'`,
      );
    } else {
      fine.push(`${secret.name} (${secret.keys.join(', ') || 'no keys required'})`);
    }
  }
  if (problems.length === 0) return check('secrets', 'ok', `present in ${ns}: ${fine.join('; ')}`);
  return check('secrets', 'fail', problems.join('; '), fixes.join(' && '));
}

/** A release todoctl.yaml deploys to the namespace, and how to install it. */
export interface ExpectedRelease {
  name: string;
  /** Chart folder, relative to the project root. */
  chart: string;
  /** The environment's values file, relative to the project root. */
  valuesFile: string;
}

export function installCommand(release: ExpectedRelease, ns: string): string {
  return `helm dependency build ${release.chart} && helm upgrade --install ${release.name} ${release.chart} --namespace ${ns} --values ${release.valuesFile}`;
}

/**
 * The releases in the namespace: deployed, or failed or stuck in pending-* with the repair
 * (roll back to the last revision that was deployed, or uninstall a first install that never
 * was), and the ones todoctl.yaml deploys here that are not installed.
 */
export function releasesCheck(
  ns: string,
  expected: readonly ExpectedRelease[],
  releases: readonly HelmRelease[],
  histories: ReadonlyMap<string, readonly HelmRevision[] | { error: string }>,
): Check {
  const lines: string[] = [];
  const fixes: string[] = [];
  const statuses: ('ok' | 'warn' | 'fail')[] = [];
  for (const release of releases) {
    const said = `${release.name} revision ${release.revision} ${release.status} (${release.chart})`;
    if (release.status === 'deployed') {
      lines.push(said);
      statuses.push('ok');
      continue;
    }
    if (release.status.startsWith('pending-') || release.status === 'failed') {
      const history = histories.get(release.name);
      const revisions = history && !('error' in history) ? history : [];
      const current = revisions.find((r) => r.revision === release.revision);
      const previous = revisions
        .filter((r) => r.revision < release.revision && (r.status === 'deployed' || r.status === 'superseded'))
        .pop();
      const stuck = release.status.startsWith('pending-');
      lines.push(`${said}${stuck ? ` since ${release.updated}` : ''}${current?.description ? `: "${current.description}"` : ''}`);
      statuses.push('fail');
      if (history && 'error' in history) {
        fixes.push(`helm history ${release.name} -n ${ns} (todoctl could not read it: ${history.error})`);
      } else {
        fixes.push(
          previous
            ? `helm rollback ${release.name} ${previous.revision} -n ${ns}${stuck ? ` (revision ${previous.revision} is the last that was deployed; no helm operation can run while one is pending)` : ''}`
            : `helm uninstall ${release.name} -n ${ns} (no revision was ever deployed), then install it again`,
        );
      }
      continue;
    }
    lines.push(said);
    statuses.push('warn');
    fixes.push(`helm status ${release.name} -n ${ns}`);
  }
  for (const wanted of expected) {
    if (releases.some((r) => r.name === wanted.name)) continue;
    lines.push(`${wanted.name} is not installed`);
    statuses.push('warn');
    fixes.push(installCommand(wanted, ns));
  }
  if (lines.length === 0) return check('releases', 'ok', `no releases in ${ns}, and todoctl.yaml deploys none there`);
  const status = worst(statuses);
  return check('releases', status, lines.join('; '), fixes.length > 0 ? fixes.join(' && ') : undefined);
}

/** The flags of the API server, read from its static pod (kubeadm and minikube run it as one in kube-system). */
export interface ApiServerFlags {
  pod: string;
  flags: Map<string, string>;
}

export function apiServerFlags(pods: readonly Pod[]): ApiServerFlags | undefined {
  const pod = pods.find((p) => p.spec.containers.some((c) => c.name === 'kube-apiserver')) ?? pods[0];
  if (!pod) return undefined;
  const container = pod.spec.containers.find((c) => c.name === 'kube-apiserver') ?? pod.spec.containers[0];
  const flags = new Map<string, string>();
  for (const arg of [...(container?.command ?? []), ...(container?.args ?? [])]) {
    const match = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    if (match) flags.set(match[1]!, match[2] ?? 'true');
  }
  return { pod: pod.metadata.name, flags };
}

const UNREADABLE =
  "the API server's flags cannot be read here: no pod labelled component=kube-apiserver in kube-system (the control plane does not run as pods, as on managed clusters)";

/*
 * The minikube recipes follow minikube's own for audit logging (site/content/en/docs/tutorials/
 * audit-policy.md): files under ~/.minikube/files/etc/ssl/certs are copied onto the node on
 * start, and kubeadm mounts /etc/ssl/certs into the API server's pod.
 */
function minikubeEncryptionRecipe(profile: string): string {
  const config =
    'apiVersion: apiserver.config.k8s.io/v1\\nkind: EncryptionConfiguration\\nresources:\\n  - resources: [secrets]\\n    providers:\\n      - aescbc:\\n          keys:\\n            - name: key1\\n              secret: %s\\n      - identity: {}\\n';
  return [
    `minikube stop -p ${profile}`,
    'mkdir -p ~/.minikube/files/etc/ssl/certs',
    `printf '${config}' "$(head -c 32 /dev/urandom | base64)" > ~/.minikube/files/etc/ssl/certs/encryption-config.yaml`,
    `minikube start -p ${profile} --extra-config=apiserver.encryption-provider-config=/etc/ssl/certs/encryption-config.yaml`,
    // Secrets written before stay unencrypted until they are written again
    'kubectl get secrets --all-namespaces -o json | kubectl replace -f -',
  ].join(' && ');
}

function minikubeAuditRecipe(profile: string): string {
  return [
    `minikube stop -p ${profile}`,
    'mkdir -p ~/.minikube/files/etc/ssl/certs',
    `printf 'apiVersion: audit.k8s.io/v1\\nkind: Policy\\nrules:\\n  - level: Metadata\\n' > ~/.minikube/files/etc/ssl/certs/audit-policy.yaml`,
    `minikube start -p ${profile} --extra-config=apiserver.audit-policy-file=/etc/ssl/certs/audit-policy.yaml --extra-config=apiserver.audit-log-path=-`,
  ].join(' && ');
}

/** Secrets encrypted at rest (constitution: MUST): --encryption-provider-config on the API server. */
export function encryptionCheck(server: ApiServerFlags | undefined, minikubeProfile?: string): Check {
  const doc = 'https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/';
  if (!server)
    return check(
      'encryption-at-rest',
      'warn',
      UNREADABLE,
      `Check your provider's setting for encrypting Secrets at rest (${doc}).`,
    );
  const file = server.flags.get('encryption-provider-config');
  if (file) return check('encryption-at-rest', 'ok', `${server.pod} runs with --encryption-provider-config=${file}`);
  return check(
    'encryption-at-rest',
    'fail',
    `${server.pod} runs without --encryption-provider-config: Secrets are stored unencrypted in etcd`,
    minikubeProfile
      ? minikubeEncryptionRecipe(minikubeProfile)
      : `Start kube-apiserver with --encryption-provider-config (${doc}).`,
  );
}

/** API audit logging (constitution: Secret access MUST be audited): a policy and a log or webhook backend. */
export function auditCheck(server: ApiServerFlags | undefined, minikubeProfile?: string): Check {
  const doc = 'https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/';
  if (!server) return check('audit-logging', 'warn', UNREADABLE, `Check your provider's setting for API audit logs (${doc}).`);
  const policy = server.flags.get('audit-policy-file');
  const backend = server.flags.has('audit-log-path')
    ? `--audit-log-path=${server.flags.get('audit-log-path')}`
    : server.flags.has('audit-webhook-config-file')
      ? `--audit-webhook-config-file=${server.flags.get('audit-webhook-config-file')}`
      : undefined;
  if (policy && backend) return check('audit-logging', 'ok', `${server.pod} runs with --audit-policy-file=${policy} ${backend}`);
  const lacking = [
    policy ? undefined : '--audit-policy-file',
    backend ? undefined : '--audit-log-path (or --audit-webhook-config-file)',
  ].filter(Boolean);
  return check(
    'audit-logging',
    'fail',
    `${server.pod} runs without ${lacking.join(' and ')}: API requests (Secret reads included) are not audited`,
    minikubeProfile
      ? minikubeAuditRecipe(minikubeProfile)
      : `Start kube-apiserver with --audit-policy-file and --audit-log-path (${doc}).`,
  );
}

/** A pod's metrics endpoint, from its prometheus.io annotations (the charts set them). */
export interface MetricsTarget {
  pod: string;
  port: number;
  path: string;
}

export type MetricsOutcome = { status: number; bytes: number } | { error: string };

/** One Ready pod per workload that asks to be scraped (prometheus.io/scrape: "true"). */
export function metricsTargets(pods: readonly Pod[], ownerOf: (pod: Pod) => string): MetricsTarget[] {
  const seen = new Set<string>();
  const out: MetricsTarget[] = [];
  for (const pod of [...pods].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const annotations = pod.metadata.annotations ?? {};
    const ready = pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    if (annotations['prometheus.io/scrape'] !== 'true' || !ready || pod.metadata.deletionTimestamp) continue;
    const named = pod.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === 'metrics')?.containerPort;
    const port = Number(annotations['prometheus.io/port'] ?? named);
    const owner = ownerOf(pod);
    if (!Number.isInteger(port) || port <= 0 || seen.has(owner)) continue;
    seen.add(owner);
    out.push({ pod: pod.metadata.name, port, path: annotations['prometheus.io/path'] ?? '/metrics' });
  }
  return out;
}

export function metricsCheck(ns: string, results: readonly { target: MetricsTarget; outcome: MetricsOutcome }[]): Check {
  if (results.length === 0) return check('metrics', 'ok', `no Ready pod in ${ns} asks to be scraped (prometheus.io/scrape)`);
  const findings: Finding[] = [];
  const said = results.map(({ target, outcome }) => {
    const where = `pod/${target.pod} :${target.port}${target.path}`;
    if ('error' in outcome || outcome.status !== 200) {
      const message = 'error' in outcome ? outcome.error : `answered HTTP ${outcome.status}`;
      findings.push({
        reason: 'MetricsUnanswered',
        status: 'fail',
        object: `pod/${target.pod}`,
        message: `GET ${target.path} on port ${target.port}: ${message}`,
        fix: `kubectl port-forward pod/${target.pod} ${target.port} -n ${ns}, then curl http://127.0.0.1:${target.port}${target.path}; the app's metrics server must listen on that port (prometheus.io/port).`,
      });
      return `${where}: ${message}`;
    }
    return `${where} answered 200 (${outcome.bytes} bytes)`;
  });
  if (findings.length === 0) return check('metrics', 'ok', said.join('; '));
  return { name: 'metrics', status: 'fail', detail: said.join('; '), fix: 'Each finding below names its fix.', findings };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
