import { createDeps, type GlobalOptions } from './deps.js';
import { ExitCode, TodoctlError, ToolError, exitCodeOf, isCommanderError } from './runtime/errors.js';
import { styler, wantsColor, type Stream } from './runtime/io.js';
import { ExecaRunner, type Runner } from './runtime/runner.js';
import { buildProgram } from './program.js';
import type { Prompts } from './runtime/prompts.js';

export interface Host {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  nodeVersion: string;
  stdout: Stream;
  stderr: Stream;
  stdinIsTTY: boolean;
  /** Replaceable in tests: a FakeRunner, scripted prompts, a fixed clock. */
  runner?: Runner;
  prompts?: Prompts;
  clock?: () => Date;
}

/** Runs todoctl with the given arguments and returns the exit code. Never exits the process. */
export async function main(argv: readonly string[], host: Host): Promise<number> {
  let globals: GlobalOptions | undefined;
  const program = buildProgram({
    stdout: host.stdout,
    stderr: host.stderr,
    async deps(raw, o) {
      const { parseGlobals } = await import('./globals.js');
      const g = parseGlobals(raw);
      globals = g;
      return createDeps({
        io: {
          stdout: host.stdout,
          stderr: host.stderr,
          interactive: host.stdinIsTTY && Boolean(host.stderr.isTTY),
          color: wantsColor({ flag: g.color, env: host.env, isTTY: Boolean(host.stderr.isTTY) }),
        },
        env: host.env,
        cwd: host.cwd,
        nodeVersion: host.nodeVersion,
        runner: host.runner ?? new ExecaRunner(host.env.PATH ?? ''),
        globals: g,
        envList: o.envList,
        configFrom: o.configFrom,
        allowDuplicateKeys: o.allowDuplicateKeys ?? false,
        ...(host.clock ? { clock: host.clock } : {}),
        ...(host.prompts ? { prompts: host.prompts } : {}),
      });
    },
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.Ok;
  } catch (error) {
    const code = exitCodeOf(error);
    if (isCommanderError(error)) {
      if (code !== ExitCode.Ok)
        host.stderr.write(`${error.message.replace(/^error: /, 'Error: ')}\n(run with --help for usage)\n`);
      return code;
    }
    const color = wantsColor({
      flag: globals?.color ?? !argv.includes('--no-color'),
      env: host.env,
      isTTY: Boolean(host.stderr.isTTY),
    });
    host.stderr.write(formatError(error, { color, verbose: globals?.verbose ?? false }));
    return code;
  }
}

export function formatError(error: unknown, o: { color: boolean; verbose: boolean }): string {
  const s = styler(o.color);
  const lines: string[] = [];
  if (error instanceof TodoctlError) {
    lines.push(`${s.red('Error:')} ${error.message}`);
    if (error.hint) lines.push(`${s.dim('Hint:')} ${error.hint}`);
    if (o.verbose && error instanceof ToolError && error.stderr) lines.push(s.dim(error.stderr.trimEnd()));
  } else {
    lines.push(`${s.red('Error:')} unexpected failure: ${error instanceof Error ? error.message : String(error)}`);
    lines.push(`${s.dim('Hint:')} this is a bug in todoctl; re-run with --verbose and report the output.`);
  }
  if (o.verbose && error instanceof Error && error.stack) lines.push(s.dim(error.stack));
  return `${lines.join('\n')}\n`;
}
