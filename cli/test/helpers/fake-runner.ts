import type { Background, RunOptions, RunResult, Runner } from '../../src/runtime/runner.js';

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

/** Answers a call made in any order; may look at the argv and options. */
export type Responder = Partial<RunResult> | ((args: readonly string[], options: RunOptions | undefined) => Partial<RunResult>);

/**
 * The one fake of the process seam, for every unit test. It plays a script: `expect` entries
 * must come in order (the next one is tried first); `on` entries answer matching calls in any
 * order, for work that runs concurrently (validate renders charts side by side). A call that
 * matches neither fails the test with its argv, so a unit test can never reach a real program.
 */
export class FakeRunner implements Runner {
  readonly calls: RecordedCall[] = [];
  private readonly script: ScriptedCall[] = [];
  private readonly responders: { cmd: string; match: (args: readonly string[]) => boolean; respond: Responder }[] = [];
  private readonly spawners: { cmd: string; match: (args: readonly string[]) => boolean; stdout: string }[] = [];
  /** Background programs started, and whether each was stopped. */
  readonly spawned: { cmd: string; args: readonly string[]; stopped: boolean }[] = [];

  constructor(private readonly installed: Record<string, string> = {}) {}

  expect(cmd: string, args: ScriptedCall['args'], result: Partial<RunResult> = {}): this {
    this.script.push({ cmd, args, result });
    return this;
  }

  /** Answers every call of `cmd` whose argv `match`es (a prefix array or a predicate), in any order. */
  on(cmd: string, match: readonly string[] | ((args: readonly string[]) => boolean), respond: Responder = {}): this {
    const test = typeof match === 'function' ? match : (args: readonly string[]) => match.every((a, i) => a === args[i]);
    this.responders.push({ cmd, match: test, respond });
    return this;
  }

  async run(cmd: string, args: readonly string[], options?: RunOptions): Promise<RunResult> {
    this.calls.push({ cmd, args: [...args], options });
    const shown = `${cmd} ${args.join(' ')}`;
    const next = this.script[0];
    if (next && matchesScripted(next, cmd, args)) {
      this.script.shift();
      return { exitCode: 0, stdout: '', stderr: '', ...next.result };
    }
    const responder = this.responders.find((r) => r.cmd === cmd && r.match(args));
    if (responder) {
      const result = typeof responder.respond === 'function' ? responder.respond(args, options) : responder.respond;
      return { exitCode: 0, stdout: '', stderr: '', ...result };
    }
    if (!next) throw new Error(`FakeRunner: unscripted call: ${shown}`);
    const want = typeof next.args === 'function' ? '<predicate>' : next.args.join(' ');
    throw new Error(`FakeRunner: expected "${next.cmd} ${want}"\n                 got "${shown}"`);
  }

  /** Lets `spawn` start `cmd` when its argv starts with `prefix`; the program prints `stdout` and keeps running. */
  onSpawn(cmd: string, prefix: readonly string[], stdout: string): this {
    this.spawners.push({ cmd, match: (args) => prefix.every((a, i) => a === args[i]), stdout });
    return this;
  }

  async spawn(cmd: string, args: readonly string[]): Promise<Background> {
    const spawner = this.spawners.find((s) => s.cmd === cmd && s.match(args));
    if (!spawner) throw new Error(`FakeRunner: unscripted background program: ${cmd} ${args.join(' ')}`);
    const record = { cmd, args: [...args], stopped: false };
    this.spawned.push(record);
    return {
      waitFor: async (pattern) => {
        const match = pattern.exec(spawner.stdout);
        if (!match) throw new Error(`${cmd} exited: printed ${JSON.stringify(spawner.stdout)}`);
        return match;
      },
      stop: async () => {
        record.stopped = true;
      },
    };
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

function matchesScripted(next: ScriptedCall, cmd: string, args: readonly string[]): boolean {
  if (next.cmd !== cmd) return false;
  if (typeof next.args === 'function') return next.args(args);
  return next.args.length === args.length && next.args.every((a, i) => a === args[i]);
}
