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
    const Self = this.constructor as new (
      runner: Runner,
      target: KubeTarget,
      binary: string,
      env: Record<string, string>,
    ) => this;
    return new Self(this.runner, this.target, this.binary, { ...this.env, ...env });
  }

  /** Runs the tool with `argv`; a non-zero exit throws ToolError unless `check` is false. */
  protected async start(argv: string[], o: { check?: boolean } = {}): Promise<RunResult> {
    const result = await this.runner.run(
      this.binary,
      argv,
      Object.keys(this.env).length > 0 ? { env: { ...this.env } } : undefined,
    );
    if (result.exitCode === 127) throw new MissingToolError(this.binary, this.installHint);
    if (o.check !== false && result.exitCode !== 0) throw new ToolError(this.binary, argv, result.exitCode, result.stderr);
    return result;
  }
}
