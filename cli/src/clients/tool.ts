import { MissingToolError, ToolError } from '../runtime/errors.js';
import type { Runner, RunResult } from '../runtime/runner.js';
import type { KubeTarget } from './target.js';

/**
 * What the clients of external tools share: one binary run through the runner, pointed at a
 * target, with optional extra environment; a binary that is not there is a MissingToolError
 * with the way to install it, a failing run a ToolError with the tool's own words.
 */
export abstract class ToolClient {
  constructor(
    protected readonly runner: Runner,
    protected readonly target: KubeTarget,
    protected readonly binary: string,
    /** Extra environment for every process of this client (see shortRunGoEnv). */
    protected readonly env: Readonly<Record<string, string>> = {},
  ) {}

  /** How to install the tool, for MissingToolError. */
  protected abstract readonly installHint: string;

  /** The same client, with extra environment for its processes. */
  withEnv(env: Readonly<Record<string, string>>): this {
    return this.copy(this.target, { ...this.env, ...env });
  }

  /** The same client, pointed at another namespace. */
  inNamespace(namespace: string): this {
    return this.copy({ ...this.target, namespace }, { ...this.env });
  }

  /** The same client, pinned to a kubeconfig context. */
  inContext(context: string): this {
    return this.copy({ ...this.target, context }, { ...this.env });
  }

  private copy(target: KubeTarget, env: Record<string, string>): this {
    type Same = new (runner: Runner, target: KubeTarget, binary: string, env: Record<string, string>) => this;
    return new (this.constructor as Same)(this.runner, target, this.binary, env);
  }

  /** Runs the tool with `argv`; a non-zero exit throws ToolError unless `check` is false. */
  protected async start(argv: string[], o: { check?: boolean; input?: string } = {}): Promise<RunResult> {
    const options = {
      ...(Object.keys(this.env).length > 0 ? { env: { ...this.env } } : {}),
      ...(o.input === undefined ? {} : { input: o.input }),
    };
    const result = await this.runner.run(this.binary, argv, Object.keys(options).length > 0 ? options : undefined);
    if (result.exitCode === 127) throw new MissingToolError(this.binary, this.installHint);
    if (o.check !== false && result.exitCode !== 0) throw new ToolError(this.binary, argv, result.exitCode, result.stderr);
    return result;
  }
}
