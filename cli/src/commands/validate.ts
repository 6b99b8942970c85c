import { z } from '../runtime/schema.js';
import { assertPassed, runListRules, runValidate } from '../actions/validate/validate.js';
import type { Deps } from '../deps.js';
import { formatJunit, formatSarif, formatText, reportData, type Rule, type ValidationReport } from '../policy/index.js';
import { FORMATS } from '../runtime/formats.js';
import { styler } from '../runtime/io.js';
import { chooseFormat, printResult, renderTable, type View } from '../runtime/output.js';
import { VERSION } from '../version.js';

const optionsSchema = z.object({
  root: z.optional(z.string().check(z.minLength(1))),
  base: z.optional(z.string().check(z.minLength(1))),
  listRules: z.optional(z.boolean()),
  images: z.optional(z.boolean()),
  builder: z.optional(z.enum(['docker', 'podman'])),
});

export const reportView: View<ValidationReport> = {
  formats: FORMATS.validate,
  text(report, { color }) {
    const s = styler(color);
    const paint = { fail: s.red, exempt: s.yellow, muted: s.dim, ok: s.green };
    return formatText(report, { color: (kind, text) => paint[kind](text) });
  },
  data: reportData,
  sarif: (report) => formatSarif(report, report.rules, VERSION),
  junit: formatJunit,
};

export const rulesView: View<Rule[]> = {
  formats: FORMATS.rules,
  text: (rules) =>
    renderTable(rules, [
      { header: 'id', value: (r) => r.id },
      { header: 'severity', value: (r) => r.severity },
      { header: 'scope', value: (r) => r.scope },
      { header: 'title', value: (r) => r.title },
    ]),
};

export default async function validate(deps: Deps, rawOptions: Record<string, unknown>): Promise<void> {
  const options = optionsSchema.parse(rawOptions);
  const color = { color: deps.io.color };
  if (options.listRules) {
    const format = chooseFormat(deps.globals.output, rulesView.formats);
    await printResult(deps.io.stdout, rulesView, format, await runListRules(deps, options), color);
    return;
  }
  const format = chooseFormat(deps.globals.output, reportView.formats);
  const report = await runValidate(deps, options);
  // Nothing was checked: the error says why; an empty report on stdout would only look like a pass.
  if (report.toolErrors.some((t) => t.code === 'NOTHING_TO_CHECK')) assertPassed(report);
  await printResult(deps.io.stdout, reportView, format, report, color);
  // The text report prints its warnings itself; the machine formats keep stdout clean, so they go to stderr.
  if (format !== 'text') for (const w of report.warnings) deps.warn(w);
  assertPassed(report);
}
