import { runDoctor, type DoctorReport } from '../actions/doctor/doctor.js';
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
    return renderTable(report.checks, [
      { header: 'check', value: (c) => c.name },
      { header: 'status', value: (c) => mark[c.status] },
      { header: 'detail', value: (c) => c.detail },
      { header: 'fix', value: (c) => c.fix },
    ]);
  },
};

export default async function doctor(deps: Deps): Promise<void> {
  const format = chooseFormat(deps.globals.output, doctorView.formats);
  const report = await runDoctor(deps);
  await printResult(deps.io.stdout, doctorView, format, report, { color: deps.io.color });
  if (!report.ok) {
    const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.name);
    throw new TodoctlError(`${failed.length} check(s) failed: ${failed.join(', ')}`, {
      hint: 'Follow the FIX column above, then run todoctl doctor again.',
    });
  }
}
