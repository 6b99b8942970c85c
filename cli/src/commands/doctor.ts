import { runDoctor } from '../actions/doctor/doctor.js';
import type { Deps } from '../deps.js';
import { TodoctlError } from '../runtime/errors.js';
import { styler } from '../runtime/io.js';
import { parseOutputFormat, printResult } from '../runtime/output.js';

export default async function doctor(deps: Deps): Promise<void> {
  const format = parseOutputFormat(deps.globals.output);
  const report = await runDoctor(deps);
  const s = styler(deps.io.color);
  const mark = { ok: s.green('ok'), warn: s.yellow('warn'), fail: s.red('fail') };
  await printResult(deps.io.stdout, format, report, {
    rows: report.checks,
    columns: [
      { header: 'check', value: (c) => c.name },
      { header: 'status', value: (c) => (format === 'table' ? mark[c.status] : c.status) },
      { header: 'detail', value: (c) => c.detail },
      { header: 'fix', value: (c) => c.fix },
    ],
  });
  if (!report.ok) {
    const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.name);
    throw new TodoctlError(`${failed.length} check(s) failed: ${failed.join(', ')}`, {
      hint: 'Follow the FIX column above, then run todoctl doctor again.',
    });
  }
}
