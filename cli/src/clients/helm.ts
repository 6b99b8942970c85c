import { z } from '../runtime/schema.js';
import { ToolError, UsageError } from '../runtime/errors.js';
import type { Runner, RunResult } from '../runtime/runner.js';
import type { KubeTarget } from './target.js';
import { ToolClient } from './tool.js';

export type HelmMajor = 3 | 4;

export interface UpgradeInstallOptions {
  release: string;
  chart: string;
  valuesFiles?: readonly string[];
  set?: Readonly<Record<string, string>>;
  /** Wait until the release's resources are ready. */
  wait?: boolean;
  /** Roll back (or uninstall a first install) when the upgrade fails. */
  rollbackOnFailure?: boolean;
  timeout?: string;
  createNamespace?: boolean;
  version?: string;
  /** Labels on the release record (Helm's release Secret), written by helm with the revision (Helm >= 3.13). */
  labels?: Readonly<Record<string, string>>;
}

export interface RollbackOptions {
  revision?: number;
  wait?: boolean;
  timeout?: string;
}

const revisionSchema = z.object({
  revision: z.int(),
  updated: z.string(),
  status: z.string(),
  chart: z.string(),
  app_version: z._default(z.string(), ''),
  description: z._default(z.string(), ''),
});
export type HelmRevision = z.infer<typeof revisionSchema>;

const releaseSchema = z.object({
  name: z.string(),
  namespace: z.string(),
  revision: z.pipe(
    z.union([z.string(), z.number()]),
    z.transform((r) => Number(r)),
  ),
  updated: z.string(),
  status: z.string(),
  chart: z.string(),
  app_version: z._default(z.string(), ''),
});
export type HelmRelease = z.infer<typeof releaseSchema>;

export interface RenderOptions {
  /** Namespace the release is rendered for. */
  namespace: string;
  valuesFiles?: readonly string[];
  /** Kubernetes version to render for (helm 3's default is old enough that kubeVersion constraints reject it). */
  kubeVersion: string;
  /** API groups to treat as served, so CRD-guarded templates render too. */
  apiVersions?: readonly string[];
  /** Values set as strings (`--set-string`). */
  set?: Readonly<Record<string, string>> | undefined;
}

export interface LintOptions {
  valuesFiles?: readonly string[];
  kubeVersion: string;
  strict?: boolean;
}

const dryRunSchema = z.object({ manifest: z._default(z.string(), '') });
const statusSchema = z.object({ version: z.int(), info: z.object({ status: z.string() }) });

/** `helm list`'s status filters, all of them: every release, whatever its state. */
const LIST_STATUSES = ['--deployed', '--failed', '--pending', '--superseded', '--uninstalling', '--uninstalled'];

/**
 * `helm version` answers, per runner and binary: a process has one runner, so helm is asked once
 * per process however many clients the commands create.
 */
const versions = new WeakMap<Runner, Map<string, Promise<string>>>();

/**
 * Typed wrapper around the helm binary, and the only module that starts it. It is the only
 * place in todoctl that knows how Helm 3 and Helm 4 differ:
 *   - roll back on failure: v3 `--atomic`, v4 `--rollback-on-failure`
 *   - wait for readiness:   v3 `--wait`,   v4 `--wait=watcher` (kstatus)
 *   - list every status:    v3 `list --all`, v4 `list` (`--all` is gone): both take every status flag
 *   - template output:      v4 leaves a blank line before each `---`; v3 does not (normalised here)
 * Everything else asks for behaviour, not flags.
 */
export class HelmClient extends ToolClient {
  protected readonly installHint =
    'Install Helm 3.x or 4.x (https://helm.sh/docs/intro/install/) and make sure it is on PATH, or set TODOCTL_HELM to its path.';

  constructor(runner: Runner, target: KubeTarget = {}, binary = 'helm', env: Readonly<Record<string, string>> = {}) {
    super(runner, target, binary, env);
  }

  /** The major version, from the one `helm version` call of this process. */
  async majorVersion(): Promise<HelmMajor> {
    const version = await this.version();
    const match = /^v?(\d+)\./.exec(version);
    const major = match ? Number(match[1]) : NaN;
    if (major !== 3 && major !== 4) {
      throw new UsageError(`unsupported helm version ${JSON.stringify(version)}`, {
        hint: 'todoctl supports Helm 3 and Helm 4; install one of them.',
      });
    }
    return major;
  }

  /** `helm version`, asked once per process (per runner and binary). */
  version(): Promise<string> {
    let byBinary = versions.get(this.runner);
    if (!byBinary) versions.set(this.runner, (byBinary = new Map()));
    let version = byBinary.get(this.binary);
    if (!version) {
      version = this.exec(['version', '--template', '{{.Version}}'], { global: false }).then((r) => r.stdout.trim());
      // a failure (helm missing) is not remembered: the next caller gets the same error afresh
      version.catch(() => byBinary.delete(this.binary));
      byBinary.set(this.binary, version);
    }
    return version;
  }

  /** Flags that point helm at the cluster and namespace. */
  targetArgs(): string[] {
    const args: string[] = [];
    if (this.target.kubeconfig) args.push('--kubeconfig', this.target.kubeconfig);
    if (this.target.context) args.push('--kube-context', this.target.context);
    if (this.target.namespace) args.push('--namespace', this.target.namespace);
    return args;
  }

  static upgradeInstallArgs(major: HelmMajor, o: UpgradeInstallOptions): string[] {
    const args = ['upgrade', '--install', o.release, o.chart];
    for (const f of o.valuesFiles ?? []) args.push('--values', f);
    for (const [k, v] of Object.entries(o.set ?? {})) args.push('--set-string', `${k}=${v}`);
    if (o.version) args.push('--version', o.version);
    if (o.createNamespace) args.push('--create-namespace');
    if (o.rollbackOnFailure) args.push(major === 3 ? '--atomic' : '--rollback-on-failure');
    // v3's --atomic implies --wait; v4 needs a wait strategy for rollback to be meaningful.
    if (o.wait || (o.rollbackOnFailure && major === 4)) args.push(...HelmClient.waitArgs(major));
    if (o.timeout) args.push('--timeout', o.timeout);
    const labels = Object.entries(o.labels ?? {});
    if (labels.length > 0) args.push('--labels', labels.map(([k, v]) => `${k}=${v}`).join(','));
    return args;
  }

  static rollbackArgs(major: HelmMajor, release: string, o: RollbackOptions = {}): string[] {
    const args = ['rollback', release];
    if (o.revision !== undefined) args.push(String(o.revision));
    if (o.wait) args.push(...HelmClient.waitArgs(major));
    if (o.timeout) args.push('--timeout', o.timeout);
    return args;
  }

  static waitArgs(major: HelmMajor): string[] {
    return major === 3 ? ['--wait'] : ['--wait=watcher'];
  }

  async upgradeInstall(o: UpgradeInstallOptions): Promise<RunResult> {
    const major = await this.majorVersion();
    return this.exec(HelmClient.upgradeInstallArgs(major, o));
  }

  async rollback(release: string, o: RollbackOptions = {}): Promise<RunResult> {
    const major = await this.majorVersion();
    return this.exec(HelmClient.rollbackArgs(major, release, o));
  }

  async uninstall(release: string, o: { wait?: boolean; timeout?: string } = {}): Promise<RunResult> {
    const major = await this.majorVersion();
    return this.exec([
      'uninstall',
      release,
      ...(o.wait ? HelmClient.waitArgs(major) : []),
      ...(o.timeout ? ['--timeout', o.timeout] : []),
    ]);
  }

  /**
   * What `upgrade --install` would apply, rendered with the API server's view (lookups
   * included) without changing anything.
   */
  async upgradeDryRun(o: UpgradeInstallOptions): Promise<string> {
    const { release, chart, valuesFiles, set } = o;
    const args = HelmClient.upgradeInstallArgs(await this.majorVersion(), {
      release,
      chart,
      ...(valuesFiles ? { valuesFiles } : {}),
      ...(set ? { set } : {}),
    });
    const result = await this.exec([...args, '--dry-run=server', '--output', 'json']);
    return parseJson(result, dryRunSchema, 'helm upgrade --dry-run').manifest;
  }

  /** The manifest a release applied (at `revision`, else its current one), or null when there is no such release. */
  async getManifest(release: string, revision?: number): Promise<string | null> {
    const args = ['get', 'manifest', release, ...(revision === undefined ? [] : ['--revision', String(revision)])];
    const result = await this.exec(args, { check: false });
    if (result.exitCode !== 0) {
      if (/release: not found/.test(result.stderr)) return null;
      throw new ToolError(this.binary, ['get', 'manifest', release], result.exitCode, result.stderr);
    }
    return result.stdout;
  }

  /** The values a revision was deployed with (the user-supplied ones, as `helm get values`). */
  async getValues(release: string, revision: number): Promise<Record<string, unknown>> {
    const result = await this.exec(['get', 'values', release, '--revision', String(revision), '--output', 'json']);
    const parsed = parseJson(result, z.nullable(z.record(z.string(), z.unknown())), 'helm get values');
    return parsed ?? {};
  }

  /** The release's current revision and status, or null when there is no such release. */
  async status(release: string): Promise<{ revision: number; status: string } | null> {
    const result = await this.exec(['status', release, '--output', 'json'], { check: false });
    if (result.exitCode !== 0) {
      if (/release: not found/.test(result.stderr)) return null;
      throw new ToolError(this.binary, ['status', release], result.exitCode, result.stderr);
    }
    const parsed = parseJson(result, statusSchema, 'helm status');
    return { revision: parsed.version, status: parsed.info.status };
  }

  async history(release: string): Promise<HelmRevision[]> {
    const result = await this.exec(['history', release, '--output', 'json']);
    return parseJson(result, z.array(revisionSchema), 'helm history');
  }

  async list(o: { allNamespaces?: boolean } = {}): Promise<HelmRelease[]> {
    const result = await this.exec(HelmClient.listArgs(o));
    return parseJson(result, z.array(releaseSchema), 'helm list');
  }

  /**
   * Lists releases in every status (failed and pending too). Helm 3 shows only deployed and
   * failed ones unless asked (`--all`), Helm 4 shows all and has no `--all`; both take the
   * status flags, so naming every status is one spelling for both and needs no version probe.
   */
  static listArgs(o: { allNamespaces?: boolean } = {}): string[] {
    const args = ['list', ...LIST_STATUSES, '--output', 'json'];
    if (o.allNamespaces) args.push('--all-namespaces');
    return args;
  }

  /** `helm lint`; a failing lint is a result (check exitCode), not a throw. */
  async lint(chart: string, o: LintOptions): Promise<RunResult> {
    return this.exec(HelmClient.lintArgs(chart, o), { check: false, global: false });
  }

  static lintArgs(chart: string, o: LintOptions): string[] {
    const args = ['lint', chart];
    if (o.strict !== false) args.push('--strict');
    for (const f of o.valuesFiles ?? []) args.push('--values', f);
    args.push('--kube-version', o.kubeVersion);
    return args;
  }

  /**
   * `helm template` for a release in a namespace; a chart that does not render is a result
   * (check exitCode), not a throw. stdout is the same text under Helm 3 and 4.
   */
  async template(release: string, chart: string, o: RenderOptions): Promise<RunResult> {
    const result = await this.exec(HelmClient.templateArgs(release, chart, o), { check: false, global: false });
    return result.exitCode === 0 ? { ...result, stdout: normaliseTemplate(result.stdout) } : result;
  }

  static templateArgs(release: string, chart: string, o: RenderOptions): string[] {
    const args = ['template', release, chart, '--namespace', o.namespace];
    for (const f of o.valuesFiles ?? []) args.push('--values', f);
    for (const [k, v] of Object.entries(o.set ?? {})) args.push('--set-string', `${k}=${v}`);
    for (const api of o.apiVersions ?? []) args.push('--api-versions', api);
    args.push('--kube-version', o.kubeVersion);
    return args;
  }

  /** `helm dependency build`: packs the chart's pinned dependencies into its charts/ folder. */
  async dependencyBuild(chart: string): Promise<RunResult> {
    // --skip-refresh: the charts here come from file:// or the lock; never refresh every repository the user has added
    return this.exec(['dependency', 'build', chart, '--skip-refresh'], { check: false, global: false });
  }

  /** `helm test RELEASE`: runs the release's test hooks; a failing test is a result, not a throw. */
  async test(release: string, o: { timeout?: string; logs?: boolean } = {}): Promise<RunResult> {
    const args = ['test', release];
    if (o.logs) args.push('--logs');
    if (o.timeout) args.push('--timeout', o.timeout);
    return this.exec(args, { check: false });
  }

  /** Runs helm with the target flags; a non-zero exit throws ToolError unless check is false. */
  private exec(args: string[], o: { check?: boolean; global?: boolean } = {}): Promise<RunResult> {
    return this.start(o.global === false ? args : [...args, ...this.targetArgs()], o);
  }
}

/** Helm 4 leaves a blank line before each document separator, Helm 3 does not: one form for both. */
export function normaliseTemplate(stdout: string): string {
  return `${stdout.replace(/\n\s*\n(?=---\n)/g, '\n').trimEnd()}\n`;
}

function parseJson<T>(result: RunResult, schema: z.ZodMiniType<T>, what: string): T {
  let data: unknown;
  try {
    data = JSON.parse(result.stdout || 'null');
  } catch (cause) {
    throw new ToolError('helm', [what], result.exitCode, `${what} printed invalid JSON: ${String(cause)}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new ToolError('helm', [what], result.exitCode, `${what} printed unexpected JSON: ${parsed.error.message}`);
  }
  return parsed.data;
}
