/**
 * `todoctl up`: from a cluster to a healthy, verified deployment of the environment, in one time
 * budget. preflight -> validate (fail fast) -> secrets resolved (a missing one fails before
 * anything is built or written) -> images -> infrastructure (namespaces, quotas, policies) ->
 * secrets written -> each app release with `helm upgrade --install --wait` and automatic
 * rollback -> health through the cluster -> URLs. A release whose rendered manifest did not
 * change is left alone, so a second `up` changes nothing.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { shortRunGoEnv } from '../../clients/go-env.js';
import type { HelmClient } from '../../clients/helm.js';
import type { KubectlClient } from '../../clients/kubectl.js';
import type { Environment, TodoctlConfig } from '../../config.js';
import type { Deps } from '../../deps.js';
import { localDependencyPaths } from '../../policy/charts.js';
import { exitCodeFor } from '../../policy/index.js';
import { chartValues, envValuesFileOf, RENDER_KUBE_VERSION } from '../../project.js';
import { ClusterError, ExitCode, PolicyError, TodoctlError, ToolError, UsageError } from '../../runtime/errors.js';
import { runSteps, type StepTiming } from '../../runtime/tasks.js';
import { applySecrets, planSecrets, type SecretPlan, type SecretValues } from '../secrets/plan.js';
import { imageTags, runBuild } from '../build/build.js';
import { runValidate } from '../validate/validate.js';
import { describeProblem, observeRelease, type PodProblem } from './observe.js';
import { markVerified, verifyService, type ServiceHealth } from './verify.js';
import { clusterAccess, serviceObjects, urlsFrom, type ServiceUrl } from '../urls/urls.js';

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
  /** Render and diff only: nothing is built, written or installed. */
  dryRun?: boolean;
  /**
   * Scan the images and refuse one with a CRITICAL vulnerability no exemption covers (default).
   * false (--no-scan) is allowed in dev only.
   */
  scan?: boolean;
  /** Push the built images to this registry and deploy them by digest. */
  push?: string | undefined;
}

export interface ReleaseOutcome {
  name: string;
  namespace: string;
  revision: number;
  /** `upgraded` (a new revision), `installed`, or `unchanged` (nothing to apply). */
  action: 'installed' | 'upgraded' | 'unchanged' | 'would-install' | 'would-upgrade';
}

export interface UpResult {
  env: Environment;
  namespace: string;
  tag: string;
  steps: StepTiming[];
  releases: ReleaseOutcome[];
  secrets: SecretPlan[];
  health: ServiceHealth[];
  urls: ServiceUrl[];
  durationMs: number;
  /** With --dry-run: what each release would change, as a unified diff of its manifest. */
  diffs?: { release: string; diff: string }[];
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
  urls: ServiceUrl[];
  /** The tag each release deploys (from the build step), else `tag`. */
  tags: Map<string, string>;
  /** With --push: where each release's image was pushed, deployed by its digest. */
  pushed: Map<string, { repository: string; digest: string }>;
  /** Each release's records, read at the start beside validation (`namespace/name`): taken by its plan. */
  records: Map<string, Promise<ReleaseRecord[]>>;
  /** validate ran `helm dependency build` for every chart in this run: deploy need not again. */
  dependenciesBuilt: boolean;
}

export async function runUp(deps: Deps, o: UpOptions): Promise<UpResult> {
  const started = Date.now();
  const deadline = started + o.timeoutMs;
  const secondsLeft = () => `${Math.max(1, Math.floor((deadline - Date.now()) / 1000))}s`;
  const [{ config }, root, env, { namespace }] = await Promise.all([
    deps.config(),
    deps.root(),
    deps.environment(),
    deps.target(),
  ]);
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
  if (o.push !== undefined && !o.build) {
    throw new UsageError('--push pushes the images up builds; with --no-build there are none', {
      hint: 'Drop --no-build, or push your images yourself and deploy them with --no-build --tag <tag>.',
    });
  }
  if (o.scan === false && env !== 'dev') {
    throw new UsageError(`--no-scan is for dev only; ${env} deploys scanned images`, {
      hint: 'Scan the images (install trivy), and exempt a CRITICAL finding in policies/exemptions.yaml if it must ship.',
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
    urls: [],
    records: new Map(),
    pushed: new Map(),
    dependenciesBuilt: false,
    tags: new Map(),
  };
  const infra = config.releases.filter((r) => r.namespace !== undefined);
  const apps = config.releases.filter((r) => r.namespace === undefined);
  // each app chart's values, read once: the health checks and the URLs both need them
  const appValues = new Map<string, Promise<Record<string, unknown>>>();
  const valuesOf = (release: { name: string; chart: string }) => {
    if (!appValues.has(release.name)) appValues.set(release.name, chartValues(root, release.chart, env));
    return appValues.get(release.name)!;
  };

  if (o.dryRun) return dryRun(deps, ctx, { infra, apps, started, build: o.build });
  // Validation reads only the repository: it starts now, beside preflight, and its step waits
  // for it, so a failing rule still stops up before anything is built or written.
  const validating = validateFor(deps, env);
  validating.catch(() => undefined); // its error is thrown by its step, or preflight's first
  // so do the reads of each release's Helm records, which its deploy step takes
  for (const release of config.releases) {
    const ns = release.namespace ?? namespace;
    const records = releaseRecords(ctx.kubectl.inNamespace(ns), release.name);
    records.catch(() => undefined); // a failed read is thrown where the plan takes it
    ctx.records.set(`${ns}/${release.name}`, records);
  }
  // the cluster's kind (and Minikube's driver and IP) decide how its URLs are reached: asked early, used last
  const access = clusterAccess(deps, ctx.kubectl);

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
          // the per-cluster infrastructure must have been deployed for this environment (or not at all)
          for (const release of infra) {
            const key = `${release.namespace!}/${release.name}`;
            const records = await (c.records.get(key) ?? releaseRecords(c.kubectl.inNamespace(release.namespace!), release.name));
            c.records.set(key, Promise.resolve(records));
            if (records[0])
              await sameEnvironment(
                c,
                c.helm.inNamespace(release.namespace!),
                release.name,
                release.namespace!,
                records[0].revision,
              );
          }
          report(`helm ${major}, Kubernetes ${version.serverVersion}, namespace ${namespace}`);
        },
      },
      {
        title: `validate (${env})`,
        run: async (c, report) => {
          const validation = await validating;
          c.dependenciesBuilt = true;
          report(`${validation.summary.pass} checks passed`);
        },
      },
      {
        // before the build and before anything is written: a missing secret stops up here
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
          c.secretPlans = plans;
          c.secretValues = values;
          report(
            plans.map((p) => `${p.namespace}/${p.name} ${p.changed ? 'to write' : 'unchanged'}`).join(', ') || 'none needed',
          );
        },
      },
      {
        title: 'images',
        skip: () => (o.build || o.scan !== false ? false : `--no-build --no-scan: deploying tag ${o.tag} unscanned`),
        run: async (c, report) => {
          const { scanImages, assertDeployable } = await import('../images/images.js');
          if (!o.build) {
            // images built elsewhere are scanned here, before anything is deployed: every app
            // release's, named by todoctl.yaml or else by its chart's image.repository
            const images = await Promise.all(
              apps.map(async (release) => {
                const repository = ((await valuesOf(release)).image as { repository?: unknown } | undefined)?.repository;
                const name = release.image ?? (typeof repository === 'string' ? repository : undefined);
                if (!name) {
                  throw new UsageError(`${release.name} names no image to scan`, {
                    hint: `Give it image: in todoctl.yaml, or image.repository in ${release.chart}/values.yaml.`,
                  });
                }
                return { release: release.name, ref: `${name}:${o.tag!}` };
              }),
            );
            const scans = await scanImages(deps, { images });
            assertDeployable(scans);
            report(`--no-build: tag ${o.tag}; ${scans.map((s) => `${s.ref} ${scanSummary(s)}`).join('; ')}`);
            return;
          }
          const images = await runBuild(deps, { scan: o.scan !== false, push: o.push });
          assertDeployable(
            images.flatMap((i) => (i.scan ? [{ ref: `${i.image}:${i.tag}`, release: i.release, ...i.scan }] : [])),
          );
          for (const image of images) {
            c.tags.set(image.release, image.tag);
            if (image.pushed) {
              c.pushed.set(image.release, { repository: image.pushed.ref.replace(/:[^:/]+$/, ''), digest: image.pushed.digest });
            }
          }
          c.tag = [...new Set(images.map((i) => i.tag))].join(', ');
          report(
            images
              .map(
                (i) =>
                  `${i.image}:${i.tag} ${i.skipped ? 'exists' : 'built'}${i.minikube ? `, ${i.minikube.action} in minikube` : ''}, ${
                    i.scan ? scanSummary(i.scan) : 'not scanned (--no-scan)'
                  }`,
              )
              .join('; '),
          );
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
        title: 'write secrets',
        run: async (c, report) => {
          await applySecrets(c.kubectl, c.secretPlans, c.secretValues);
          report(
            c.secretPlans.map((p) => `${p.namespace}/${p.name} ${p.changed ? 'written' : 'unchanged'}`).join(', ') ||
              'none needed',
          );
        },
      },
      ...apps.map((release) => ({
        title: `deploy ${release.name}`,
        run: async (c: Context, report: (message: string) => void) => {
          const tag = c.tags.get(release.name) ?? o.tag;
          if (!tag)
            throw new UsageError(`no image tag for ${release.name}`, {
              hint: 'Give it build: in todoctl.yaml, or pass --no-build --tag <tag>.',
            });
          const outcome = await deploy(c, release, { namespace, wait: true, timeout: secondsLeft(), tag });
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
          // the services are independent: asked side by side, with the objects their URLs come from
          const { services, ingresses } = await serviceObjects(c.kubectl, namespace);
          c.health = await Promise.all(
            apps.map(async (release) =>
              verifyService(kubectl, release.name, release.name, healthTargets(await valuesOf(release)), {
                known: services.find((s) => s.metadata?.name === release.name),
              }),
            ),
          );
          c.urls = urlsFrom(
            apps.map((r) => r.name),
            services,
            ingresses,
            namespace,
            await access,
          );
          for (const health of c.health) {
            if (!health.healthy) {
              const failed = health.checks.filter((k) => !k.ok).map((k) => `${k.path}: ${k.detail}`);
              throw new ClusterError(`${health.release} is deployed but not healthy: ${failed.join('; ')}`, {
                hint: `Run todoctl doctor --env ${env} for the cause; todoctl rollback ${health.release} returns to the last verified revision.`,
              });
            }
          }
          await Promise.all(
            c.releases
              .filter((r) => r.namespace === namespace && apps.some((a) => a.name === r.name))
              .map((r) => markVerified(kubectl, r.name, r.revision)),
          );
          report(c.health.map((h) => `${h.release} healthy`).join(', '));
        },
      },
    ],
    ctx,
    { renderer: deps.renderer, stderr: deps.io.stderr, budget: { deadline, now: () => Date.now() } },
  );

  return {
    env,
    namespace,
    tag: ctx.tag,
    steps: timings,
    releases: ctx.releases,
    secrets: ctx.secretPlans,
    health: ctx.health,
    urls: ctx.urls,
    durationMs: Date.now() - started,
  };
}

interface ReleaseConfig {
  name: string;
  chart: string;
  namespace?: string | undefined;
}

/**
 * `helm upgrade --install` of one release, unless its inputs (chart, libraries, values, tag) are
 * the ones its deployed revision was made from: then nothing happens, and nothing is rendered.
 * With `wait`, helm waits for readiness and rolls back on failure, while an observer keeps what
 * the failing pods showed.
 */
async function deploy(
  c: Context,
  release: ReleaseConfig,
  o: { namespace: string; wait: boolean; timeout: string; tag?: string },
): Promise<ReleaseOutcome> {
  const helm = c.helm.inNamespace(o.namespace);
  const kubectl = c.kubectl.inNamespace(o.namespace);
  const { chart, valuesFile, set, fingerprint, current, unchanged, next } = await planRelease(c, release, o.namespace, o.tag);
  if (unchanged && current) {
    const outcome = { name: release.name, namespace: o.namespace, revision: current.revision, action: 'unchanged' as const };
    c.releases.push(outcome);
    return outcome;
  }
  if (current?.status.startsWith('pending-')) {
    throw new ClusterError(`release ${release.name} is stuck in ${current.status} (revision ${current.revision})`, {
      hint: `Another operation was interrupted. Run todoctl rollback ${release.name} to return to the last verified revision, then todoctl up again.`,
    });
  }
  if (!c.dependenciesBuilt) {
    const built = await helm.dependencyBuild(chart);
    if (built.exitCode !== 0) throw new ToolError('helm', ['dependency', 'build', release.chart], built.exitCode, built.stderr);
  }
  const observer = o.wait ? observeRelease(kubectl, release.name) : undefined;
  try {
    await helm.upgradeInstall({
      release: release.name,
      chart,
      valuesFiles: [valuesFile],
      ...(set ? { set } : {}),
      wait: o.wait,
      rollbackOnFailure: o.wait,
      timeout: o.timeout,
      // helm writes the record of the inputs on the revision it creates: no second call
      labels: { [INPUTS_LABEL]: `${next}.${fingerprint}` },
    });
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
  const outcome = {
    name: release.name,
    namespace: o.namespace,
    revision: next,
    action: current ? ('upgraded' as const) : ('installed' as const),
  };
  c.releases.push(outcome);
  return outcome;
}

/**
 * A release with a fixed namespace (the infrastructure) is one per cluster, rendered with one
 * environment's values: upgrading it for another environment would change what that one runs
 * on (its database, its admission mode). Refused, naming both and the way out.
 */
async function sameEnvironment(
  c: Context,
  helm: HelmClient,
  release: string,
  namespace: string,
  revision: number,
): Promise<void> {
  const values = await helm.getValues(release, revision).catch(() => ({}) as Record<string, unknown>);
  const deployedFor = typeof values.environment === 'string' ? values.environment : undefined;
  if (!deployedFor || deployedFor === c.env) return;
  throw new UsageError(
    `${release} on this cluster was deployed for ${deployedFor}; up --env ${c.env} would re-render it with ${c.env}'s values and change what ${deployedFor} runs on`,
    {
      hint: `Give ${c.env} a cluster of its own (environments.${c.env}.context in todoctl.yaml, or --context). To hand this cluster over to ${c.env}, run helm uninstall ${release} --namespace ${namespace} first (its namespaces and volumes are kept).`,
    },
  );
}

/**
 * What a release is deployed from (chart, values file, values set), the hash of those inputs,
 * its current revision, and whether that revision was made from the same inputs (`unchanged`).
 */
async function planRelease(c: Context, release: ReleaseConfig, namespace: string, tag: string | undefined) {
  const chart = path.join(c.root, release.chart);
  const valuesFile = path.join(chart, envValuesFileOf(c.config, c.env));
  const pushed = c.pushed.get(release.name);
  // a pushed image is deployed by its digest (the tag stays, for people)
  const set = tag
    ? { 'image.tag': tag, ...(pushed ? { 'image.repository': pushed.repository, 'image.digest': pushed.digest } : {}) }
    : undefined;
  const [fingerprint, records] = await Promise.all([
    inputsFingerprint(chart, valuesFile, set),
    c.records.get(`${namespace}/${release.name}`) ?? releaseRecords(c.kubectl.inNamespace(namespace), release.name),
  ]);
  c.records.delete(`${namespace}/${release.name}`); // read once: a later plan of the release reads afresh
  const current = records[0];
  const unchanged = current?.status === 'deployed' && current.inputs === `${current.revision}.${fingerprint}`;
  // helm numbers a new revision one past the newest it stores (1 for an install)
  const next = (current?.revision ?? 0) + 1;
  return { chart, valuesFile, set, fingerprint, current, unchanged, next };
}

/** What a scan found, in a few words: no CRITICAL, or how many and how many exempted. */
function scanSummary(scan: { blocking: string[]; exempt: string[] }): string {
  if (scan.blocking.length === 0 && scan.exempt.length === 0) return 'no CRITICAL vulnerability';
  return `${scan.blocking.length} CRITICAL${scan.exempt.length > 0 ? `, ${scan.exempt.length} exempted` : ''}`;
}

/** Validates the environment's charts and the repository; a failing rule stops the deployment, naming the first findings. */
async function validateFor(deps: Deps, env: Environment) {
  const validation = await runValidate(deps, { envs: [env] });
  if (exitCodeFor(validation) !== ExitCode.Ok) {
    const failing = validation.findings.filter((f) => f.status === 'fail').slice(0, 5);
    const lines = failing.map((f) => `${f.file}:${f.line} ${f.rule} ${f.message}`).join('\n  ');
    throw new PolicyError(`the constitution check failed for ${env}${lines ? `:\n  ${lines}` : ''}`, {
      hint: `Run todoctl validate --env ${env} for every finding and its fix.`,
    });
  }
  return validation;
}

/**
 * The label on Helm's release Secret of the inputs a revision was made from: `<revision>.<hash>`.
 * Helm copies labels to later revisions; the revision in the value tells a copy from the record.
 */
const INPUTS_LABEL = 'todoctl.dev/inputs';

interface ReleaseRecord {
  revision: number;
  status: string;
  inputs: string | undefined;
}

/** A release's revisions from Helm's storage (its release Secrets), newest first. */
async function releaseRecords(kubectl: KubectlClient, release: string): Promise<ReleaseRecord[]> {
  const list = await kubectl.getJson<{ items?: { metadata?: { name?: string; labels?: Record<string, string> } }[] }>(
    'secrets',
    undefined,
    { selector: `owner=helm,name=${release}` },
  );
  return (list.items ?? [])
    .map((s) => ({
      revision: Number(s.metadata?.labels?.version),
      status: s.metadata?.labels?.status ?? 'unknown',
      inputs: s.metadata?.labels?.[INPUTS_LABEL],
    }))
    .filter((r) => Number.isInteger(r.revision))
    .sort((a, b) => b.revision - a.revision);
}

/**
 * A hash of everything `helm upgrade` renders a release from: the chart's files (its packaged
 * dependencies aside), the files of the `file://` libraries it takes, the values file and the
 * values set. 40 hex characters, to fit a label.
 */
export async function inputsFingerprint(
  chart: string,
  valuesFile: string,
  set: Record<string, string> | undefined,
): Promise<string> {
  const hash = createHash('sha256');
  const chartYaml = await readFile(path.join(chart, 'Chart.yaml'), 'utf8');
  const dirs = [chart, ...localDependencyPaths(chartYaml).map((d) => path.resolve(chart, d))];
  for (const dir of dirs) {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    const files = entries
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name))
      .filter((f) => !path.relative(dir, f).startsWith(`charts${path.sep}`))
      .sort();
    for (const file of files)
      hash
        .update(`${path.relative(chart, file)}\0`)
        .update(await readFile(file))
        .update('\0');
  }
  hash.update(`values:${path.relative(chart, valuesFile)}\0set:${JSON.stringify(set ?? {})}`);
  return hash.digest('hex').slice(0, 40);
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

/**
 * `up --dry-run`: the same preflight and validation, then for each release what `up` would do
 * (from the hash of its inputs) and, where it would change, the diff between the deployed
 * manifest and the one helm renders now (with the API server's view, or offline for a release
 * whose namespace does not exist yet). Nothing is built, written or installed.
 */
async function dryRun(
  deps: Deps,
  c: Context,
  o: { infra: TodoctlConfig['releases']; apps: TodoctlConfig['releases']; started: number; build: boolean },
): Promise<UpResult> {
  const { createTwoFilesPatch } = await import('diff');
  const tags = o.build ? await imageTags(deps) : new Map<string, string>();
  const diffs: { release: string; diff: string }[] = [];
  await validateFor(deps, c.env);
  for (const release of [...o.infra, ...o.apps]) {
    const namespace = release.namespace ?? c.namespace;
    const tag = release.namespace ? undefined : (tags.get(release.name) ?? c.tag);
    const { chart, valuesFile, set, current, unchanged } = await planRelease(c, release, namespace, tag);
    if (unchanged && current) {
      c.releases.push({ name: release.name, namespace, revision: current.revision, action: 'unchanged' });
      continue;
    }
    const helm = c.helm.inNamespace(namespace);
    const request = { release: release.name, chart, valuesFiles: [valuesFile], ...(set ? { set } : {}) };
    const [deployed, planned] = await Promise.all([
      helm.getManifest(release.name),
      (await c.kubectl.getIfExists('namespace', namespace))
        ? helm.upgradeDryRun(request)
        : helm
            .template(release.name, chart, { namespace, valuesFiles: [valuesFile], kubeVersion: RENDER_KUBE_VERSION, set })
            .then((r) => {
              if (r.exitCode !== 0) throw new ToolError('helm', ['template', release.name], r.exitCode, r.stderr);
              return r.stdout;
            }),
    ]);
    const label = (what: string) => `${namespace}/${release.name} (${what})`;
    diffs.push({
      release: release.name,
      diff: createTwoFilesPatch(
        label(current ? `revision ${current.revision}` : 'not installed'),
        label('planned'),
        deployed ?? '',
        planned,
      ),
    });
    c.releases.push({
      name: release.name,
      namespace,
      revision: current?.revision ?? 0,
      action: current ? 'would-upgrade' : 'would-install',
    });
  }
  return {
    env: c.env,
    namespace: c.namespace,
    tag: c.tag || [...new Set(tags.values())].join(', '),
    steps: [],
    releases: c.releases,
    secrets: [],
    health: [],
    urls: [],
    durationMs: Date.now() - o.started,
    diffs,
  };
}
