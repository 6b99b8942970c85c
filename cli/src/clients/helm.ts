import { z } from 'zod';
import { MissingToolError, ToolError, UsageError } from '../runtime/errors.js';
import type { Runner, RunResult } from '../runtime/runner.js';
import type { KubeTarget } from './target.js';

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
}

export interface RollbackOptions {
  revision?: number;
  wait?: boolean;
  timeout?: string;
}

const revisionSchema = z.object({
  revision: z.number().int(),
  updated: z.string(),
  status: z.string(),
  chart: z.string(),
  app_version: z.string().optional().default(''),
  description: z.string().optional().default(''),
});
export type HelmRevision = z.infer<typeof revisionSchema>;

const releaseSchema = z.object({
  name: z.string(),
  namespace: z.string(),
  revision: z.union([z.string(), z.number()]).transform((r) => Number(r)),
  updated: z.string(),
  status: z.string(),
  chart: z.string(),
  app_version: z.string().optional().default(''),
});
export type HelmRelease = z.infer<typeof releaseSchema>;

/**
 * Typed wrapper around the helm binary. It is the only place in todoctl that
 * knows how Helm 3 and Helm 4 spell their flags:
 *   - roll back on failure: v3 `--atomic`, v4 `--rollback-on-failure`
 *   - wait for readiness:   v3 `--wait`,   v4 `--wait=watcher` (kstatus)
 *   - list every status:    v3 `list --all`, v4 `list` (all statuses is the default; `--all` is gone)
 * Everything else asks for behaviour, not flags.
 */
export class HelmClient {
  private major: Promise<HelmMajor> | undefined;

  constructor(
    private readonly runner: Runner,
    private readonly target: KubeTarget = {},
    private readonly binary = 'helm',
  ) {}

  /** Detects the major version once per client. */
  majorVersion(): Promise<HelmMajor> {
    this.major ??= this.detectMajor();
    return this.major;
  }

  async version(): Promise<string> {
    const result = await this.exec(['version', '--template', '{{.Version}}'], { global: false });
    return result.stdout.trim();
  }

  private async detectMajor(): Promise<HelmMajor> {
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

  async uninstall(release: string, o: { wait?: boolean } = {}): Promise<RunResult> {
    const major = await this.majorVersion();
    return this.exec(['uninstall', release, ...(o.wait ? HelmClient.waitArgs(major) : [])]);
  }

  async history(release: string): Promise<HelmRevision[]> {
    const result = await this.exec(['history', release, '--output', 'json']);
    return parseJson(result, z.array(revisionSchema), 'helm history');
  }

  async list(o: { allNamespaces?: boolean } = {}): Promise<HelmRelease[]> {
    const result = await this.exec(HelmClient.listArgs(await this.majorVersion(), o));
    return parseJson(result, z.array(releaseSchema), 'helm list');
  }

  /** Lists releases in every status (failed and pending too), as `helm list` shows them in Helm 4. */
  static listArgs(major: HelmMajor, o: { allNamespaces?: boolean } = {}): string[] {
    const args = major === 3 ? ['list', '--all', '--output', 'json'] : ['list', '--output', 'json'];
    if (o.allNamespaces) args.push('--all-namespaces');
    return args;
  }

  async lint(chart: string, valuesFiles: readonly string[] = []): Promise<RunResult> {
    return this.exec(['lint', chart, ...valuesFiles.flatMap((f) => ['--values', f])], { check: false, global: false });
  }

  async template(release: string, chart: string, valuesFiles: readonly string[] = []): Promise<RunResult> {
    return this.exec(['template', release, chart, ...valuesFiles.flatMap((f) => ['--values', f])], {
      check: false,
      global: false,
    });
  }

  /** Runs helm with the target flags; a non-zero exit throws ToolError unless check is false. */
  private async exec(args: string[], o: { check?: boolean; global?: boolean } = {}): Promise<RunResult> {
    const argv = o.global === false ? args : [...args, ...this.targetArgs()];
    const result = await this.runner.run(this.binary, argv);
    if (result.exitCode === 127) {
      throw new MissingToolError(
        this.binary,
        'Install Helm 3.x or 4.x (https://helm.sh/docs/intro/install/) and make sure it is on PATH.',
      );
    }
    if (o.check !== false && result.exitCode !== 0) {
      throw new ToolError(this.binary, argv, result.exitCode, result.stderr);
    }
    return result;
  }
}

function parseJson<T>(result: RunResult, schema: z.ZodType<T>, what: string): T {
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
