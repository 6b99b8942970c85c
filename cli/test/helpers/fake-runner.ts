import type { RunOptions, RunResult, Runner } from '../../src/runtime/runner.js';

export interface ScriptedCall {
  cmd: string;
  /** The exact argv expected, or a predicate for argv that varies. */
  args: readonly string[] | ((args: readonly string[]) => boolean);
  result?: Partial<RunResult>;
}

export interface RecordedCall {
  cmd: string;
  args: readonly string[];
  options: RunOptions | undefined;
}

/**
 * A Runner that plays a script: each call must match the next scripted entry,
 * in order. An unscripted call fails the test with the argv it was given, so a
 * unit test can never reach a real program by accident.
 */
export class FakeRunner implements Runner {
  readonly calls: RecordedCall[] = [];
  private readonly script: ScriptedCall[] = [];

  constructor(private readonly installed: Record<string, string> = {}) {}

  expect(cmd: string, args: ScriptedCall['args'], result: Partial<RunResult> = {}): this {
    this.script.push({ cmd, args, result });
    return this;
  }

  async run(cmd: string, args: readonly string[], options?: RunOptions): Promise<RunResult> {
    this.calls.push({ cmd, args: [...args], options });
    const next = this.script.shift();
    const shown = `${cmd} ${args.join(' ')}`;
    if (!next) throw new Error(`FakeRunner: unscripted call: ${shown}`);
    const matches =
      next.cmd === cmd &&
      (typeof next.args === 'function'
        ? next.args(args)
        : next.args.length === args.length && next.args.every((a, i) => a === args[i]));
    if (!matches) {
      const want = typeof next.args === 'function' ? '<predicate>' : next.args.join(' ');
      throw new Error(`FakeRunner: expected "${next.cmd} ${want}"\n                 got "${shown}"`);
    }
    return { exitCode: 0, stdout: '', stderr: '', ...next.result };
  }

  async which(cmd: string): Promise<string | undefined> {
    return this.installed[cmd];
  }

  /** Throws when scripted calls were never made. */
  assertDone(): void {
    if (this.script.length > 0) {
      const left = this.script.map((c) => `${c.cmd} ${typeof c.args === 'function' ? '<predicate>' : c.args.join(' ')}`);
      throw new Error(`FakeRunner: ${this.script.length} scripted call(s) never made:\n  ${left.join('\n  ')}`);
    }
  }
}
