/**
 * `todoctl up`: from a cluster to a healthy, verified deployment of the environment, in one time
 * budget. preflight -> validate (fail fast) -> images -> infrastructure (namespaces, quotas,
 * policies) -> secrets -> each app release with `helm upgrade --install --wait` and automatic
 * rollback -> health through the cluster -> URLs. A release whose rendered manifest did not
 * change is left alone, so a second `up` changes nothing.
 */
import path from 'node:path';
import semver from 'semver';
import { shortRunGoEnv } from '../../clients/go-env.js';
import type { HelmClient } from '../../clients/helm.js';
import type { KubectlClient } from '../../clients/kubectl.js';
import type { Environment, TodoctlConfig } from '../../config.js';
import type { Deps } from '../../deps.js';
import { exitCodeFor } from '../../policy/index.js';
import { chartValues, environmentsOf } from '../../project.js';
import { ClusterError, ExitCode, PolicyError, TodoctlError, ToolError, UsageError } from '../../runtime/errors.js';
import { runSteps, type StepTiming } from '../../runtime/tasks.js';
import { applySecrets, planSecrets, type SecretPlan, type SecretValues } from '../secrets/plan.js';
import { runValidate } from '../validate/validate.js';
import { describeProblem, observeRelease, type PodProblem } from './observe.js';
import { markVerified, verifyService, type ServiceHealth } from './verify.js';

/** The oldest Kubernetes the charts support (their kubeVersion: >=1.28). */
const MIN_KUBERNETES = '1.28.0';
/** Image tags the charts accept: dev-<short-sha> or v<semver>, never latest. */
const TAG = /^(dev-[0-9a-f]{7,40}|v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?)$/;

export interface UpOptions {
  /** Build images first (false with --no-build, which needs `tag`). */
  build: boolean;
  tag?: string | undefined;
  /** The budget for the whole run. */
  timeoutMs: number;
}

export interface ReleaseOutcome {
  name: string;
  namespace: string;
  revision: number;
  /** `upgraded` (a new revision), `installed`, or `unchanged` (nothing to apply). */
  action: 'installed' | 'upgraded' | 'unchanged';
}

export interface UpResult {
  env: Environment;
  namespace: string;
  tag: string;
  steps: StepTiming[];
  releases: ReleaseOutcome[];
  secrets: SecretPlan[];
  health: ServiceHealth[];
  urls: { release: string; url: string; how: string }[];
  durationMs: number;
}

/** A release did not come up: helm rolled it back; the cause is what its pods showed meanwhile. */
export class DeployError extends TodoctlError {
  constructor(
    readonly release: string,
    readonly problems: PodProblem[],
    helmReason: string,
    hint: string,
  ) {
    const cause = problems[0] ? `: ${describeProblem(problems[0])}` : '';
    super(`${release} did not become healthy and was rolled back${cause}`, { hint: `${helmReason}\n${hint}` });
  }
}

interface Context {
  helm: HelmClient;
  kubectl: KubectlClient;
  config: TodoctlConfig;
  root: string;
  env: Environment;
  namespace: string;
  tag: string;
  releases: ReleaseOutcome[];
  secretPlans: SecretPlan[];
  secretValues: SecretValues;
  health: ServiceHealth[];
}

export async function runUp(deps: Deps, o: UpOptions): Promise<UpResult> {
  const started = Date.now();
  const deadline = started + o.timeoutMs;
  const secondsLeft = () => `${Math.max(1, Math.floor((deadline - Date.now()) / 1000))}s`;
  const { config, file, root: configRoot } = await deps.config();
  const root = file ? configRoot : deps.cwd;
  const env = await deps.environment();
  const namespace = (await deps.target()).namespace ?? environmentsOf(config).get(env)?.namespace;
  if (!namespace)
    throw new UsageError(`environment ${env} has no namespace`, {
      hint: 'Set environments.<env>.namespace in todoctl.yaml or pass -n.',
    });
  if (!o.build && !o.tag)
    throw new UsageError('--no-build needs --tag', {
      hint: 'Pass the tag of images already in the cluster, e.g. --no-build --tag dev-1a2b3c4.',
    });
  if (o.tag && !TAG.test(o.tag)) {
    throw new UsageError(`image tag ${JSON.stringify(o.tag)} is not allowed`, {
      hint: 'Use dev-<short-sha> (e.g. dev-1a2b3c4) or v<semver> (e.g. v1.2.3); never latest.',
    });
  }
  const goEnv = shortRunGoEnv(deps.env);
  const ctx: Context = {
    helm: (await deps.helm()).withEnv(goEnv),
    kubectl: (await deps.kubectl()).withEnv(goEnv),
    config,
    root,
    env,
    namespace,
    tag: o.tag ?? '',
    releases: [],
    secretPlans: [],
    secretValues: new Map(),
    health: [],
  };
  const infra = config.releases.filter((r) => r.namespace !== undefined);
  const apps = config.releases.filter((r) => r.namespace === undefined);

  const { timings } = await runSteps<Context>(
    [
      {
        title: 'preflight',
        run: async (c, report) => {
          const [major, version] = await Promise.all([c.helm.majorVersion(), c.kubectl.version()]);
          const server = semver.coerce(version.serverVersion);
          if (!server || semver.lt(server, MIN_KUBERNETES)) {
            throw new ClusterError(`Kubernetes ${version.serverVersion} is older than ${MIN_KUBERNETES}`, {
              hint: 'Upgrade the cluster (minikube start --kubernetes-version=stable) or point --context at a newer one.',
            });
          }
          report(`helm ${major}, Kubernetes ${version.serverVersion}, namespace ${namespace}`);
        },
      },
      {
        title: `validate (${env})`,
        run: async (_c, report) => {
          const validation = await runValidate(deps, { envs: [env] });
          if (exitCodeFor(validation) !== ExitCode.Ok) {
            const failing = validation.findings.filter((f) => f.status === 'fail').slice(0, 5);
            const lines = failing.map((f) => `${f.file}:${f.line} ${f.rule} ${f.message}`).join('\n  ');
            throw new PolicyError(`the constitution check failed for ${env}${lines ? `:\n  ${lines}` : ''}`, {
              hint: `Run todoctl validate --env ${env} for every finding and its fix.`,
            });
          }
          report(`${validation.summary.pass} checks passed`);
        },
      },
      {
        title: 'images',
        skip: () => (o.build ? false : `--no-build: deploying tag ${o.tag}`),
        run: async () => {
          throw new UsageError('building images is not part of todoctl yet', {
            hint: 'Build and load the images yourself (docker build; minikube image load), then run todoctl up --no-build --tag <tag>.',
          });
        },
      },
      {
        title: 'namespaces, quotas and policies',
        skip: () => (infra.length === 0 ? 'todoctl.yaml has no release with a fixed namespace' : false),
        run: async (c, report) => {
          for (const release of infra) {
            // no --wait: its dev database needs the Secret written in the next step
            const outcome = await deploy(c, release, { namespace: release.namespace!, wait: false, timeout: secondsLeft() });
            report(`${release.name} ${outcome.action} (revision ${outcome.revision})`);
          }
        },
      },
      {
        title: 'secrets',
        run: async (c, report) => {
          const { plans, values } = await planSecrets({
            config,
            root,
            env,
            processEnv: deps.env,
            kubectl: c.kubectl,
            prompts: deps.prompts,
            interactive: deps.io.interactive,
          });
          await applySecrets(c.kubectl, plans, values);
          c.secretPlans = plans;
          c.secretValues = values;
          report(plans.map((p) => `${p.namespace}/${p.name} ${p.changed ? 'written' : 'unchanged'}`).join(', ') || 'none needed');
        },
      },
      ...apps.map((release) => ({
        title: `deploy ${release.name}`,
        run: async (c: Context, report: (message: string) => void) => {
          const outcome = await deploy(c, release, { namespace, wait: true, timeout: secondsLeft(), tag: c.tag });
          if (outcome.action === 'unchanged' && c.secretPlans.some((p) => p.release === release.name && p.changed)) {
            // the chart did not change but its Secret did: new pods read it
            await restartWorkloads(c.kubectl.inNamespace(namespace), release.name, secondsLeft());
          }
          report(`${outcome.action} (revision ${outcome.revision})`);
        },
      })),
      {
        title: 'verify health through the cluster',
        run: async (c, report) => {
          const kubectl = c.kubectl.inNamespace(namespace);
          for (const release of apps) {
            const values = await chartValues(root, release.chart, env);
            const health = await verifyService(kubectl, release.name, release.name, healthTargets(values));
            c.health.push(health);
            if (!health.healthy) {
              const failed = health.checks.filter((k) => !k.ok).map((k) => `${k.path}: ${k.detail}`);
              throw new ClusterError(`${release.name} is deployed but not healthy: ${failed.join('; ')}`, {
                hint: `Run todoctl doctor --env ${env} for the cause; todoctl rollback ${release.name} returns to the last verified revision.`,
              });
            }
            const revision = c.releases.find((r) => r.name === release.name)?.revision;
            if (revision !== undefined) await markVerified(kubectl, release.name, revision);
          }
          report(c.health.map((h) => `${h.release} healthy`).join(', '));
        },
      },
    ],
    ctx,
    { renderer: deps.renderer, stderr: deps.io.stderr, budget: { deadline, now: () => Date.now() } },
  );

  const urls = await Promise.all(
    apps.map(async (release) => {
      const values = await chartValues(root, release.chart, env);
      return urlOf(release.name, namespace, values);
    }),
  );
  return {
    env,
    namespace,
    tag: ctx.tag,
    steps: timings,
    releases: ctx.releases,
    secrets: ctx.secretPlans,
    health: ctx.health,
    urls,
    durationMs: Date.now() - started,
  };
}

interface ReleaseConfig {
  name: string;
  chart: string;
}

/**
 * `helm upgrade --install` of one release, unless the manifest it would apply is the one
 * deployed (then nothing happens). With `wait`, helm waits for readiness and rolls back on
 * failure, while an observer keeps what the failing pods showed.
 */
async function deploy(
  c: Context,
  release: ReleaseConfig,
  o: { namespace: string; wait: boolean; timeout: string; tag?: string },
): Promise<ReleaseOutcome> {
  const helm = c.helm.inNamespace(o.namespace);
  const chart = path.join(c.root, release.chart);
  const valuesFile = path.join(chart, `values-${c.env}.yaml`);
  const request = {
    release: release.name,
    chart,
    valuesFiles: [valuesFile],
    ...(o.tag ? { set: { 'image.tag': o.tag } } : {}),
  };
  const built = await helm.dependencyBuild(chart);
  if (built.exitCode !== 0) throw new ToolError('helm', ['dependency', 'build', release.chart], built.exitCode, built.stderr);
  const [current, deployed] = await Promise.all([helm.status(release.name), helm.getManifest(release.name)]);
  if (current?.status === 'deployed' && deployed !== null) {
    const planned = await helm.upgradeDryRun(request);
    if (planned.manifest.trim() === deployed.trim()) {
      const outcome = { name: release.name, namespace: o.namespace, revision: current.revision, action: 'unchanged' as const };
      c.releases.push(outcome);
      return outcome;
    }
  }
  if (current && current.status.startsWith('pending-')) {
    throw new ClusterError(`release ${release.name} is stuck in ${current.status} (revision ${current.revision})`, {
      hint: `Another operation was interrupted. Run todoctl rollback ${release.name} to return to the last verified revision, then todoctl up again.`,
    });
  }
  const observer = o.wait ? observeRelease(c.kubectl.inNamespace(o.namespace), release.name) : undefined;
  try {
    await helm.upgradeInstall({ ...request, wait: o.wait, rollbackOnFailure: o.wait, timeout: o.timeout });
  } catch (error) {
    const problems = (await observer?.stop()) ?? [];
    if (error instanceof ToolError) {
      throw new DeployError(
        release.name,
        problems,
        `helm: ${error.message}`,
        `Run todoctl doctor --env ${c.env} for the whole picture; fix the cause and run todoctl up again.`,
      );
    }
    throw error;
  }
  await observer?.stop();
  const after = await helm.status(release.name);
  const outcome = {
    name: release.name,
    namespace: o.namespace,
    revision: after?.revision ?? 0,
    action: current ? ('upgraded' as const) : ('installed' as const),
  };
  c.releases.push(outcome);
  return outcome;
}

/** Restarts the release's Deployments and waits for them: new pods read a changed Secret. */
export async function restartWorkloads(kubectl: KubectlClient, release: string, timeout: string): Promise<string[]> {
  const list = await kubectl.getJson<{ items?: { metadata?: { name?: string } }[] }>('deployments', undefined, {
    selector: `app.kubernetes.io/instance=${release}`,
  });
  const names = (list.items ?? []).map((d) => d.metadata?.name).filter((n): n is string => Boolean(n));
  for (const name of names) {
    await kubectl.rolloutRestart('deployment', name);
    await kubectl.rolloutStatus('deployment', name, timeout);
  }
  return names;
}

/** The health paths a chart's probes use, and its metrics path. */
export function healthTargets(values: Record<string, unknown>): { healthPaths: string[]; metricsPath: string } {
  const probes = (values.probes ?? {}) as Record<string, { path?: unknown } | undefined>;
  const paths = [probes.liveness?.path, probes.readiness?.path].filter((p): p is string => typeof p === 'string');
  const metrics = (values.metrics ?? {}) as { path?: unknown };
  return {
    healthPaths: [...new Set(paths.length > 0 ? paths : ['/healthz'])],
    metricsPath: typeof metrics.path === 'string' ? metrics.path : '/metrics',
  };
}

/** How a person reaches the service: its Ingress host, else a port-forward. */
function urlOf(
  release: string,
  namespace: string,
  values: Record<string, unknown>,
): { release: string; url: string; how: string } {
  const ingress = (values.ingress ?? {}) as { enabled?: unknown; host?: unknown };
  if (ingress.enabled === true && typeof ingress.host === 'string') {
    return { release, url: `http://${ingress.host}/`, how: 'through the Ingress' };
  }
  const service = (values.service ?? {}) as { port?: unknown };
  const port = typeof service.port === 'number' ? service.port : 8080;
  return {
    release,
    url: `http://127.0.0.1:${port}/`,
    how: `kubectl port-forward -n ${namespace} service/${release} ${port}:${port}`,
  };
}
