import { runDoctor, type DoctorReport, type Finding } from '../actions/doctor/doctor.js';
import type { Deps } from '../deps.js';
import { TodoctlError } from '../runtime/errors.js';
import { FORMATS } from '../runtime/formats.js';
import { styler } from '../runtime/io.js';
import { chooseFormat, printResult, renderTable, type View } from '../runtime/output.js';

export const doctorView: View<DoctorReport> = {
  formats: FORMATS.doctor,
  text(report, { color }) {
    const s = styler(color);
    const mark = { ok: s.green('ok'), warn: s.yellow('warn'), fail: s.red('fail') };
    const table = renderTable(report.checks, [
      { header: 'check', value: (c) => c.name },
      { header: 'status', value: (c) => mark[c.status] },
      { header: 'detail', value: (c) => c.detail },
    ]);
    // fixes are commands, often long: one a line under the table, not a column
    const fixes = report.checks.filter((c) => c.fix && c.status !== 'ok' && !c.findings);
    const width = Math.max(0, ...fixes.map((c) => c.name.length));
    const fixText =
      fixes.length > 0 ? `\n${s.bold('to fix:')}\n${fixes.map((c) => `  ${c.name.padEnd(width)}   ${c.fix}\n`).join('')}` : '';
    const sections = report.checks
      .filter((c) => c.findings && c.findings.length > 0)
      .map((c) => `\n${s.bold(`${c.name}:`)}\n${c.findings!.map((f) => findingText(f, mark)).join('')}`);
    return table + fixText + sections.join('');
  },
};

function findingText(f: Finding, mark: Record<Finding['status'], string>): string {
  const facts = [
    f.reason,
    f.exitCode === undefined ? undefined : `exit code ${f.exitCode}`,
    f.restarts ? `${f.restarts} restart(s)` : undefined,
  ].filter(Boolean);
  const lines = [
    `  ${mark[f.status]} ${f.object}${f.container ? ` container ${f.container}` : ''}: ${facts.join(', ')}`,
    ...(f.alsoIn?.length ? [`    also in ${f.alsoIn.join(', ')}`] : []),
    `    ${f.message}`,
    ...(f.events ?? []).map((e) => `    event ${e}`),
    ...(f.previousLogs?.length ? ['    last lines of the previous container:', ...f.previousLogs.map((l) => `      ${l}`)] : []),
    ...(f.previousLogsError ? [`    previous container's log not read: ${f.previousLogsError}`] : []),
    `    fix: ${f.fix}`,
  ];
  return `${lines.join('\n')}\n`;
}

export default async function doctor(deps: Deps): Promise<void> {
  const format = chooseFormat(deps.globals.output, doctorView.formats);
  const report = await runDoctor(deps);
  await printResult(deps.io.stdout, doctorView, format, report, { color: deps.io.color });
  if (!report.ok) {
    const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.name);
    throw new TodoctlError(`${failed.length} check(s) failed: ${failed.join(', ')}`, {
      hint: 'Run the fixes doctor printed, then todoctl doctor again.',
    });
  }
}
