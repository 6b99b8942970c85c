import { assertIntact, showAudit, verifyAudit, type AuditShow } from '../ai/audit-actions.js';
import type { AuditRecord, AuditVerification, Tokens } from '../ai/audit.js';
import type { Deps } from '../deps.js';
import { UsageError } from '../runtime/errors.js';
import { FORMATS } from '../runtime/formats.js';
import { styler } from '../runtime/io.js';
import { chooseFormat, printResult, type View } from '../runtime/output.js';
import { z } from '../runtime/schema.js';

const optionsSchema = z.object({ run: z.optional(z.string().check(z.minLength(1))) });

/** text: a timeline per run; json and yaml: the records as they are in the log. */
export const showView: View<AuditShow> = {
  formats: FORMATS.audit,
  text(show, { color }) {
    if (show.records.length === 0) return `No audit records yet in ${show.path}.\n`;
    const s = styler(color);
    const runs = new Map<string, AuditRecord[]>();
    for (const r of show.records) runs.set(r.runId, [...(runs.get(r.runId) ?? []), r]);
    return [...runs.entries()]
      .map(([runId, records]) => {
        const first = records[0]!;
        const tokens = records.reduce((n, r) => n + tokenCount(r.tokens), 0);
        const target = [first.context, first.namespace].filter(Boolean).join('/');
        const header = [
          s.bold(`run ${runId}`),
          first.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
          first.user,
          target,
          first.model ?? '',
          `${records.length} record(s)${tokens ? `, ${tokens} tokens` : ''}`,
        ].filter(Boolean);
        const lines = records.map((r) => `  ${s.dim(timeOf(r.time))}  ${r.kind.padEnd(12)}  ${summary(r)}`);
        return `${header.join('  ')}\n${lines.join('\n')}\n`;
      })
      .join('\n');
  },
  data: (show) => show.records,
};

export const verifyView: View<AuditVerification> = {
  formats: FORMATS.audit,
  text(v) {
    if (!v.exists) return `No audit log yet at ${v.path}: nothing to verify.\n`;
    if (!v.ok) {
      const seq = v.seq === null ? '' : ` (seq ${v.seq})`;
      return `${v.path}: broken at line ${v.line}${seq}: ${v.problem}\n${v.records.length} record(s) before it are intact.\n`;
    }
    return `${v.records.length} record(s) in ${runCount(v.records)} run(s), chain intact: ${v.path}\n`;
  },
  data: (v) =>
    v.ok
      ? { path: v.path, exists: v.exists, ok: true, records: v.records.length, runs: runCount(v.records), warnings: v.warnings }
      : {
          path: v.path,
          exists: true,
          ok: false,
          line: v.line,
          seq: v.seq,
          problem: v.problem,
          intactRecords: v.records.length,
          warnings: v.warnings,
        },
};

export default async function audit(deps: Deps, rawOptions: Record<string, unknown>, args: string[]): Promise<void> {
  const parsed = optionsSchema.safeParse(rawOptions);
  if (!parsed.success)
    throw new UsageError('--run needs a run id', { hint: 'todoctl audit show lists the runs with their ids.' });
  const options = parsed.data;
  const [action, ...rest] = args;
  const color = { color: deps.io.color };
  if (action === 'show' && rest.length === 0) {
    const format = chooseFormat(deps.globals.output, showView.formats);
    await printResult(deps.io.stdout, showView, format, await showAudit(deps, { run: options.run }), color);
    return;
  }
  if (action === 'verify' && rest.length === 0) {
    if (options.run !== undefined) {
      throw new UsageError('--run is for todoctl audit show', { hint: 'verify checks the chain of the whole log, every run.' });
    }
    const format = chooseFormat(deps.globals.output, verifyView.formats);
    const verification = await verifyAudit(deps);
    await printResult(deps.io.stdout, verifyView, format, verification, color);
    assertIntact(verification);
    return;
  }
  throw new UsageError(`unknown audit command: ${args.join(' ') || '(none)'}`, {
    hint: 'Use todoctl audit show [--run ID] or todoctl audit verify.',
  });
}

function runCount(records: readonly AuditRecord[]): number {
  return new Set(records.map((r) => r.runId)).size;
}

function tokenCount(t: Tokens | undefined): number {
  return t ? (t.total ?? (t.prompt ?? 0) + (t.completion ?? 0)) : 0;
}

/** 12:00:01.250Z from an ISO time. */
function timeOf(iso: string): string {
  return iso.slice(11);
}

/** One line saying what a record is about; tolerant of fields a log written elsewhere may lack. */
export function summary(r: AuditRecord): string {
  const d = r.data as unknown as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const argv = (v: unknown) =>
    Array.isArray(v) ? v.map((a) => (typeof a === 'string' && /[\s"']/.test(a) ? JSON.stringify(a) : String(a))).join(' ') : '';
  const tokens = r.tokens ? `, ${tokenCount(r.tokens)} tokens` : '';
  let line: string;
  switch (r.kind) {
    case 'run-start':
      line = text(d.question) ? JSON.stringify(text(d.question)) : argv(d.argv);
      break;
    case 'prompt':
    case 'response':
      line = `${JSON.stringify(shorten(oneLine(text(d.text)), 60))} (${text(d.text).length} chars${tokens})`;
      break;
    case 'proposal':
      line = `${argv(d.argv)}${text(d.risk) ? ` (${text(d.risk)})` : ''}`;
      break;
    case 'decision':
      line = `${text(d.verdict)} by ${text(d.rule) || 'no rule'}: ${text(d.reason)}`;
      break;
    case 'confirmation':
      line = `${d.accepted === true ? 'accepted' : 'declined'}: answered ${JSON.stringify(text(d.answer))}`;
      break;
    case 'execution':
      line = `${argv(d.argv)} -> exit ${String(d.exitCode)} in ${String(d.durationMs)} ms`;
      break;
    case 'verification':
      line = `${d.ok === true ? 'ok' : 'failed'}: ${text(d.check)}${text(d.detail) ? ` (${text(d.detail)})` : ''}`;
      break;
    case 'run-end':
      line = `${text(d.outcome)}${typeof d.exitCode === 'number' ? ` (exit ${d.exitCode})` : ''}${tokens}`;
      break;
  }
  return shorten(oneLine(line), 100);
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function shorten(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
