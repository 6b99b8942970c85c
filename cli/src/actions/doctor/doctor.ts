import semver from 'semver';
import { findContainerTools } from '../../clients/container-tool.js';
import { shortRunGoEnv } from '../../clients/go-env.js';
import type { HelmRevision } from '../../clients/helm.js';
import { httpGet } from '../../clients/http.js';
import type { MinikubeNodeStatus, MinikubeProfile } from '../../clients/minikube.js';
import type { Deps } from '../../deps.js';
import { MissingToolError, TodoctlError } from '../../runtime/errors.js';
import { NODE_MINIMUM } from '../../version.js';
import { analyzeWorkloads, containersToRead, LOG_TAIL, logKey, ownerOf, workloadsCheck } from './analyzers.js';
import {
  apiServerFlags,
  auditCheck,
  clusterVersionCheck,
  encryptionCheck,
  metricsCheck,
  metricsTargets,
  namespaceCheck,
  quotaCheck,
  releasesCheck,
  resourcesCheck,
  secretsCheck,
  type MetricsOutcome,
  type MetricsTarget,
} from './cluster-checks.js';
import {
  controllerSchema,
  eventSchema,
  namespaceSchema,
  nodeSchema,
  parseItems,
  podSchema,
  quotaSchema,
  type Pod,
} from './kube.js';
import {
  containerToolCheck,
  minikubeAddonsCheck,
  minikubeProfileCheck,
  minikubeProfileOf,
  minikubeVersionCheck,
  type FoundContainerTool,
} from './minikube-checks.js';
import { creatorOf, releasesIn, requiredSecrets } from './project-facts.js';
import { notRun, type Check, type DoctorReport } from './report.js';

export type { Check, CheckStatus, DoctorReport, Finding } from './report.js';

/** At most this many crashed containers have their previous log read (replicas share a finding anyway). */
const MAX_LOG_READS = 10;
const METRICS_TIMEOUT_MS = 5_000;

type Settled<T> = { value: T } | { error: unknown };

/**
 * Checks what todoctl and the project need, in the order a person would fix them: the tools,
 * then minikube (when the context is minikube's), the cluster, the namespace and what the
 * charts need in it, the releases, the API server's security flags, and the workloads with
 * analyzers that name the cause. What does not depend on each other is asked side by side.
 * Never throws for a failed check; when the cluster does not answer, that is reported once and
 * the checks that need it are marked as not run.
 */
export async function runDoctor(deps: Deps): Promise<DoctorReport> {
  const checks: Check[] = [nodeCheck(deps)];
  checks.push(
    await probe('config', async () => {
      const loaded = await deps.config();
      return loaded.file
        ? `${loaded.file} (project ${loaded.config.name})`
        : 'no todoctl.yaml found; using the embedded defaults';
    }),
  );
  const goEnv = shortRunGoEnv(deps.env);
  const kubectl = deps.kubectl().then((k) => k.withEnv(goEnv));

  // the tools, the cluster's version and the kube context do not depend on each other
  const [helmCheck, kubectlCheck, server, context, tools, kubectlAi] = await Promise.all([
    probe('helm', () => helmVersion(deps), 'Install Helm 3 or 4 and put it on PATH (or set TODOCTL_HELM to its path).'),
    probe('kubectl', () => kubectlPath(deps), 'Install kubectl and put it on PATH (or set TODOCTL_KUBECTL to its path).'),
    settle(kubectl.then((k) => k.version())),
    settle(kubectl.then((k) => k.currentContext())),
    containerTools(deps),
    deps.runner.which('kubectl-ai'),
  ]);
  if ('error' in context) deps.debug(`kube context not read: ${messageOf(context.error)}`);
  const minikube = 'value' in context ? minikubeProfileOf(context.value) : undefined;
  if (minikube) deps.debug(`minikube checks: ${minikube.because}`);

  const target = await deps.target();
  const ns = target.namespace ?? 'default';
  const [mk, cluster] = await Promise.all([
    minikube ? minikubeData(deps, minikube.profile) : undefined,
    'value' in server ? clusterData(deps, ns) : undefined,
  ]);

  checks.push(helmCheck, kubectlCheck, containerToolCheck(tools, mk?.profile?.Config.Driver));
  // minikube missing is said once, by the minikube check; what needs it is not run
  const minikubeMissing = mk && 'error' in mk.version && mk.version.error instanceof MissingToolError;
  if (minikube && mk) {
    checks.push(
      guard('minikube', () => minikubeVersionCheck(valueOf(mk.version))),
      minikubeMissing
        ? notRun('minikube-profile', 'minikube is not installed')
        : guard('minikube-profile', () =>
            minikubeProfileCheck(minikube.profile, valueOf(mk.status), mk.profile, 'value' in mk.ip ? mk.ip.value : undefined),
          ),
    );
  }

  if ('error' in server || !cluster) {
    const failed = 'error' in server ? server.error : new Error('the cluster did not answer');
    checks.push(
      failedCheck(
        'cluster',
        failed,
        minikube
          ? `minikube start -p ${minikube.profile}`
          : 'Start a cluster (minikube start, Docker Desktop, or `npm run cluster:up` for the test cluster) or pass --context/--kubeconfig.',
      ),
    );
    const because = 'the cluster did not answer (see the cluster check)';
    const dependent = [
      'cluster-resources',
      ...(minikube ? ['minikube-addons'] : []),
      'namespace',
      'quota',
      'secrets',
      'releases',
    ];
    checks.push(
      ...[...dependent, 'encryption-at-rest', 'audit-logging', 'workloads', 'metrics'].map((name) => notRun(name, because)),
    );
  } else {
    const profile = minikube?.profile;
    checks.push(
      clusterVersionCheck(server.value.serverVersion, target.context, profile),
      guard('cluster-resources', () =>
        resourcesCheck(valueOf(cluster.objects).nodes, minikube ? { profile: minikube.profile, config: mk?.profile } : undefined),
      ),
    );
    if (minikube && mk) {
      checks.push(
        minikubeMissing
          ? notRun('minikube-addons', 'minikube is not installed')
          : guard('minikube-addons', () => minikubeAddonsCheck(minikube.profile, valueOf(mk.addons))),
      );
    }
    checks.push(...(await namespaceChecks(deps, ns, cluster, profile)));
  }

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

function nodeCheck(deps: Deps): Check {
  const nodeOk = semver.gte(semver.coerce(deps.nodeVersion) ?? '0.0.0', NODE_MINIMUM);
  return {
    name: 'node',
    status: nodeOk ? 'ok' : 'fail',
    detail: deps.nodeVersion,
    ...(nodeOk ? {} : { fix: `Install Node.js >= ${NODE_MINIMUM} (24 LTS recommended).` }),
  };
}

/** docker and podman: which are on PATH, and what each says about itself and its engine. */
async function containerTools(deps: Deps): Promise<FoundContainerTool[]> {
  const found = await findContainerTools(deps.runner);
  return Promise.all(
    found.map(async (tool) => {
      const version = await settle(deps.containerTool(tool.name).then((client) => client.version()));
      return { ...tool, version: 'value' in version ? version.value : { error: messageOf(version.error) } };
    }),
  );
}

interface MinikubeData {
  version: Settled<string>;
  status: Settled<MinikubeNodeStatus[]>;
  ip: Settled<string>;
  addons: Settled<Map<string, boolean>>;
  profile: MinikubeProfile | undefined;
}

/** What minikube says about itself and the profile, asked side by side. */
async function minikubeData(deps: Deps, profile: string): Promise<MinikubeData> {
  const minikube = await deps.minikube();
  const [version, status, profiles, addons, ip] = await Promise.all([
    settle(minikube.version()),
    settle(minikube.status(profile)),
    settle(minikube.profiles()),
    settle(minikube.addons(profile)),
    settle(minikube.ip(profile)),
  ]);
  return {
    version,
    status,
    ip,
    addons,
    profile: 'value' in profiles ? profiles.value.find((p) => p.Name === profile) : undefined,
  };
}

type ClusterData = Awaited<ReturnType<typeof clusterData>>;

/**
 * Everything the cluster-level checks read, in as few calls as kubectl allows: one `get` for the
 * namespace's objects and the nodes, one each for the names and keys of Secrets and ConfigMaps,
 * the namespace, the API server's pod and the releases; then, for what those found, the
 * previous containers' logs, the history of stuck releases, and the metrics endpoints.
 */
async function clusterData(deps: Deps, ns: string) {
  const goEnv = shortRunGoEnv(deps.env);
  const [kubectl, helm] = await Promise.all([
    deps.kubectl().then((k) => k.withEnv(goEnv)),
    deps.helm().then((h) => h.withEnv(goEnv)),
  ]);
  const [objects, namespace, secrets, configMaps, apiServer, releases] = await Promise.all([
    settle(kubectl.getJson('nodes,pods,events,replicasets,statefulsets,resourcequotas').then(objectsByKind)),
    settle(kubectl.getIfExists('namespace', ns).then((n) => (n === null ? null : namespaceSchema.parse(n)))),
    settle(kubectl.dataKeys('secrets')),
    settle(kubectl.dataKeys('configmaps')),
    settle(
      kubectl
        .inNamespace('kube-system')
        .getJson('pods', undefined, { selector: 'component=kube-apiserver' })
        .then((list) => parseItems(list, podSchema, 'pods')),
    ),
    settle(helm.list()),
  ]);

  const pods = 'value' in objects ? objects.value.pods : [];
  const unsettled =
    'value' in releases ? releases.value.filter((r) => r.status.startsWith('pending-') || r.status === 'failed') : [];
  const targets = metricsTargets(pods, ownerOf);
  const [logs, histories, metrics] = await Promise.all([
    previousLogsOf(kubectl, pods),
    Promise.all(
      unsettled.map(async (r) => {
        const history = await settle(helm.history(r.name));
        return [r.name, 'value' in history ? history.value : { error: messageOf(history.error) }] as const;
      }),
    ),
    Promise.all(targets.map(async (target) => ({ target, outcome: await scrape(kubectl, target) }))),
  ]);
  return {
    objects,
    namespace,
    secrets,
    configMaps,
    apiServer,
    releases,
    previousLogs: logs,
    histories: new Map<string, HelmRevision[] | { error: string }>(histories),
    metrics,
  };
}

/**
 * The objects of a `kubectl get <kinds> -o json` list, parsed by kind (a kind that was not asked
 * for comes back empty). doctor and todoctl ai's digest read a namespace this way.
 */
export function objectsByKind(list: unknown) {
  const items = ((list as { items?: { kind?: string }[] }).items ?? []).filter(Boolean);
  const ofKind = (...kinds: string[]) => ({ items: items.filter((i) => kinds.includes(i.kind ?? '')) });
  return {
    nodes: parseItems(ofKind('Node'), nodeSchema, 'nodes'),
    pods: parseItems(ofKind('Pod'), podSchema, 'pods'),
    events: parseItems(ofKind('Event'), eventSchema, 'events'),
    controllers: parseItems(ofKind('ReplicaSet', 'StatefulSet'), controllerSchema, 'replicasets'),
    quotas: parseItems(ofKind('ResourceQuota'), quotaSchema, 'resourcequotas'),
  };
}

/** The previous containers' last lines (or why kubectl could not read them), for the containers that ran before; at most MAX_LOG_READS. */
export async function previousLogsOf(
  kubectl: Awaited<ReturnType<Deps['kubectl']>>,
  pods: readonly Pod[],
): Promise<Map<string, string[] | { error: string }>> {
  const toRead = containersToRead(pods).slice(0, MAX_LOG_READS);
  const logs = await Promise.all(
    toRead.map(async ({ pod, container }) => [logKey(pod, container), await previousLog(kubectl, pod, container)] as const),
  );
  return new Map(logs);
}

/** The checks of the target namespace, and the API server's flags. */
async function namespaceChecks(
  deps: Deps,
  ns: string,
  cluster: ClusterData,
  minikubeProfile: string | undefined,
): Promise<Check[]> {
  const loaded = await deps.config();
  const env = await deps.environment();
  const expected = releasesIn(loaded, env, ns);
  const [creator, required] = await Promise.all([
    settle(creatorOf(loaded, env, ns)),
    settle(requiredSecrets(loaded, env, expected)),
  ]);
  const maker = 'value' in creator ? creator.value : undefined;

  const checks: Check[] = [guard('namespace', () => namespaceCheck(ns, valueOf(cluster.namespace), maker))];
  const namespace = 'value' in cluster.namespace ? cluster.namespace.value : undefined;
  const usable = namespace !== undefined && namespace !== null && (namespace.status.phase || 'Active') === 'Active';
  const because =
    namespace === null ? `namespace ${ns} does not exist` : `namespace ${ns} is not usable (see the namespace check)`;

  checks.push(
    usable ? guard('quota', () => quotaCheck(ns, valueOf(cluster.objects).quotas, maker)) : notRun('quota', because),
    usable ? guard('secrets', () => secretsCheck(ns, valueOf(required), valueOf(cluster.secrets))) : notRun('secrets', because),
    guard('releases', () => releasesCheck(ns, expected, valueOf(cluster.releases), cluster.histories)),
  );
  const server = 'value' in cluster.apiServer ? apiServerFlags(cluster.apiServer.value) : undefined;
  if ('error' in cluster.apiServer) deps.debug(`API server pod not read: ${messageOf(cluster.apiServer.error)}`);
  checks.push(encryptionCheck(server, minikubeProfile), auditCheck(server, minikubeProfile));

  if (!usable) {
    checks.push(notRun('workloads', because), notRun('metrics', because));
    return checks;
  }
  checks.push(
    guard('workloads', () => {
      const objects = valueOf(cluster.objects);
      const data = {
        namespace: ns,
        pods: objects.pods,
        events: objects.events,
        controllers: objects.controllers,
        secrets: valueOf(cluster.secrets),
        configMaps: valueOf(cluster.configMaps),
        previousLogs: cluster.previousLogs,
        minikubeProfile,
      };
      return workloadsCheck(data, analyzeWorkloads(data));
    }),
    metricsCheck(ns, cluster.metrics),
  );
  return checks;
}

async function previousLog(
  kubectl: Awaited<ReturnType<Deps['kubectl']>>,
  pod: string,
  container: string,
): Promise<string[] | { error: string }> {
  const lines = await settle(kubectl.logs(pod, container, { previous: true, tail: LOG_TAIL }));
  return 'value' in lines ? lines.value : { error: messageOf(lines.error) };
}

/** GET the target's metrics path through a port-forward to the pod. */
async function scrape(kubectl: Awaited<ReturnType<Deps['kubectl']>>, target: MetricsTarget): Promise<MetricsOutcome> {
  let forward: { localPorts: number[]; stop(): Promise<void> } | undefined;
  try {
    forward = await kubectl.portForward(`pod/${target.pod}`, [target.port]);
    const response = await httpGet(`http://127.0.0.1:${forward.localPorts[0]}${target.path}`, { timeoutMs: METRICS_TIMEOUT_MS });
    return { status: response.status, bytes: Buffer.byteLength(response.body) };
  } catch (error) {
    return { error: messageOf(error) };
  } finally {
    await forward?.stop();
  }
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

async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

/** The value, or the error it failed with (thrown, for guard to report). */
function valueOf<T>(settled: Settled<T>): T {
  if ('error' in settled) throw settled.error;
  return settled.value;
}

/** A check built from data that may have failed to arrive: the failure is the check's result. */
function guard(name: string, build: () => Check): Check {
  try {
    return build();
  } catch (error) {
    return failedCheck(name, error);
  }
}

function failedCheck(name: string, error: unknown, fix?: string): Check {
  const hint = error instanceof TodoctlError && error.hint ? error.hint : fix;
  return { name, status: 'fail', detail: messageOf(error), ...(hint ? { fix: hint } : {}) };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

async function probe(name: string, fn: () => Promise<string>, fix?: string): Promise<Check> {
  try {
    return { name, status: 'ok', detail: await fn() };
  } catch (error) {
    return failedCheck(name, error, fix);
  }
}
