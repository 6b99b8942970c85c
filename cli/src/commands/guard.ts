import { classifyArgv, classifyShell, type GuardContext, type GuardResult } from '../ai/guard.js';
import { guardFileReader } from '../ai/guard-files.js';
import type { Deps } from '../deps.js';
import { UsageError } from '../runtime/errors.js';
import { FORMATS } from '../runtime/formats.js';
import { styler } from '../runtime/io.js';
import { chooseFormat, printResult, type View } from '../runtime/output.js';
import { z } from '../runtime/schema.js';

const optionsSchema = z.object({
  shell: z.optional(z.string()),
  stdin: z.optional(z.string().check(z.minLength(1))),
  /** Set by program.ts: the command's words came after `--`, so todoctl took none of its flags. */
  afterDashDash: z.boolean(),
});

const USAGE = "Use todoctl guard check -- kubectl ARGS... or todoctl guard check --shell 'kubectl ...'.";

/** One line: the decision and the rule first, so `cut -d' ' -f1` gives the decision. */
export const guardView: View<GuardResult> = {
  formats: FORMATS.guard,
  text(result, { color }) {
    const s = styler(color);
    const paint = { allow: s.green, confirm: s.yellow, 'typed-confirm': s.yellow, deny: s.red }[result.decision];
    return `${paint(result.decision)} ${result.rule} ${result.reason}\n`;
  },
  data: (result) => ({ decision: result.decision, reason: result.reason, rule: result.rule }),
};

/** `todoctl guard check`: classifies one command; exit 0 whatever the decision, 2 for a usage error. */
export default async function guardCheck(deps: Deps, rawOptions: Record<string, unknown>, words: string[]): Promise<void> {
  const options = optionsSchema.parse(rawOptions);
  const format = chooseFormat(deps.globals.output, guardView.formats);
  if (options.shell !== undefined && words.length > 0) {
    throw new UsageError('give the command either after -- or with --shell, not both', { hint: USAGE });
  }
  if (options.shell === undefined && words.length === 0) throw new UsageError('no command to check', { hint: USAGE });
  if (words.length > 0 && !options.afterDashDash) {
    throw new UsageError('put -- before the command', {
      hint: 'Without it todoctl reads flags such as -n, -o and --context itself and the guard never sees them: todoctl guard check -- kubectl ...',
    });
  }
  const readFile = guardFileReader(deps.cwd);
  const ctx: GuardContext = { pinnedContext: deps.globals.context, readFile };
  if (options.stdin !== undefined) {
    const stdin = readFile(options.stdin);
    if (stdin === null)
      throw new UsageError(`--stdin ${options.stdin} is not a readable file`, {
        hint: 'Name the file whose content the command would read on stdin.',
      });
    ctx.stdin = stdin;
  }
  const result = options.shell !== undefined ? classifyShell(options.shell, ctx) : classifyArgv(words, ctx);
  await printResult(deps.io.stdout, guardView, format, result, { color: deps.io.color });
}
