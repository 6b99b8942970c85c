import { AiExit, AiRunError, exitCodeOf, runAi, type AiResult } from '../actions/ai/ai.js';
import type { Deps } from '../deps.js';
import { parseDuration } from '../runtime/duration.js';
import { UsageError } from '../runtime/errors.js';
import { FORMATS } from '../runtime/formats.js';
import { styler } from '../runtime/io.js';
import { chooseFormat, printResult, type View } from '../runtime/output.js';
import { z } from '../runtime/schema.js';

const optionsSchema = z.object({
  engine: z.optional(z.enum(['builtin', 'kubectl-ai'])),
  model: z.optional(z.string().check(z.minLength(1))),
  maxIterations: z._default(z.string(), '8'),
  timeout: z._default(z.string(), '2m'),
});

export const aiView: View<AiResult> = {
  formats: FORMATS.ai,
  text(r, { color }) {
    const s = styler(color);
    const lines: string[] = [];
    lines.push(s.bold(r.summary || '(no answer)'));
    if (r.rootCause) lines.push('', `${s.bold('Root cause:')} ${r.rootCause}`);
    if (r.evidence.length > 0) lines.push('', s.bold('Evidence:'), ...r.evidence.map((e) => `  - ${e}`));
    if (r.answeredBy === 'digest') {
      lines.push('', s.bold(`Findings in ${r.namespace}:`));
      for (const f of r.digest.findings)
        lines.push(`  ${f.reason}  ${f.object}${f.container ? ` (${f.container})` : ''}`, `    fix: ${f.fix}`);
      lines.push(
        '',
        s.dim(
          'No AI provider is configured: set TODOCTL_AI_BASE_URL and TODOCTL_AI_API_KEY (or OPENAI_*), or ai.baseUrl in todoctl.yaml.',
        ),
      );
    }
    if (r.executed.length > 0)
      lines.push(
        '',
        s.bold('Ran:'),
        ...r.executed.map(
          (e) => `  ${e.command}  ${s.dim(`exit ${e.exitCode}${e.confirmed ? ', after you confirmed' : ', read-only'}`)}`,
        ),
      );
    if (r.declined.length > 0) lines.push('', s.bold('Declined by you, not run:'), ...r.declined.map((p) => `  ${p.command}`));
    if (r.proposals.length > 0)
      lines.push(
        '',
        s.bold('Proposed, for you to review and run:'),
        ...r.proposals.map((p) => `  [${p.decision}] ${p.command}\n    ${s.dim(p.reason)}`),
      );
    if (r.blocked.length > 0)
      lines.push(
        '',
        s.bold(s.red('Blocked by policy, never run:')),
        ...r.blocked.map((p) => `  ${p.command}\n    ${s.dim(`${p.rule}: ${p.reason}`)}`),
      );
    lines.push('', s.dim(`run ${r.runId}; audit log ${r.auditLog} (todoctl audit show --run ${r.runId.slice(0, 8)})`));
    return `${lines.join('\n')}\n`;
  },
  data: (r) => ({
    summary: r.summary,
    rootCause: r.rootCause,
    evidence: r.evidence,
    proposals: r.proposals,
    executed: r.executed,
    declined: r.declined,
    blocked: r.blocked,
    runId: r.runId,
    tokens: r.tokens,
    answeredBy: r.answeredBy,
    model: r.model,
    namespace: r.namespace,
    findings: r.digest.findings,
  }),
};

export default async function ai(deps: Deps, rawOptions: Record<string, unknown>, args: string[]): Promise<void> {
  const options = optionsSchema.parse(rawOptions);
  const question = args.join(' ').trim();
  if (!question) {
    throw new UsageError('todoctl ai needs a question', { hint: 'Example: todoctl ai "why is the backend crashing"' });
  }
  const maxIterations = Number(options.maxIterations);
  if (!Number.isInteger(maxIterations) || maxIterations < 1 || maxIterations > 50) {
    throw new UsageError(`--max-iterations must be a whole number from 1 to 50, not ${JSON.stringify(options.maxIterations)}`);
  }
  const timeoutMs = parseDuration(options.timeout, '--timeout');
  const format = chooseFormat(deps.globals.output, aiView.formats);
  const result = await runAi(deps, { question, engine: options.engine, model: options.model, maxIterations, timeoutMs });
  await printResult(deps.io.stdout, aiView, format, result, { color: deps.io.color });
  const code = exitCodeOf(result);
  if (code === AiExit.Blocked)
    throw new AiRunError(`the guard blocked ${result.blocked.length} command(s) the AI wanted; nothing of them ran`, code, {
      hint: 'Each is listed above with the rule that refused it, and in the audit log.',
    });
  if (code === AiExit.AwaitingHuman)
    throw new AiRunError(`${result.proposals.length} proposed change(s) await a human`, code, {
      hint: 'Review each proposal above and run it yourself if it is right.',
    });
}
