import { createHash } from 'node:crypto';
import { ExitCode } from '../runtime/errors.js';
import type { Rule } from './catalog.js';
import type { Finding, Severity, ValidationReport } from './types.js';

/** `{summary, findings}` plus tool errors and warnings; stable, documented JSON. */
/** What `-o json` and `-o yaml` print: `{summary, findings, toolErrors, warnings}`; stable and documented. */
export function reportData(report: ValidationReport) {
  return { summary: report.summary, findings: report.findings, toolErrors: report.toolErrors, warnings: report.warnings };
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', note: 'note' };
const SECURITY_SEVERITY: Record<Severity, string> = { error: '7.5', warning: '5.0', note: '2.0' };

/** SARIF 2.1.0 as GitHub code scanning accepts it: failing and exempt findings become results. */
export function formatSarif(report: ValidationReport, rules: Rule[], toolVersion = '0.1.0'): string {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = report.findings
    .filter((f) => f.status === 'fail' || f.status === 'exempt')
    .map((f) => {
      const fingerprint = createHash('sha256')
        .update([f.rule, f.file, f.resource, f.env ?? f.values ?? ''].join('|'))
        .digest('hex');
      return {
        ruleId: f.rule,
        ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
        level: SARIF_LEVEL[f.severity],
        message: { text: `${f.message} Fix: ${f.fix}` },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: f.file.replace(/^\.\//, '') || '.' },
              region: { startLine: Math.max(1, f.line), startColumn: 1 },
            },
          },
        ],
        partialFingerprints: { primaryLocationLineHash: `${fingerprint}:1` },
        properties: {
          env: f.env,
          resource: f.resource,
          ...(f.chart ? { chart: f.chart } : {}),
          ...(f.values ? { values: f.values } : {}),
        },
        ...(f.status === 'exempt' && f.exemption
          ? {
              suppressions: [
                { kind: 'external', status: 'accepted', justification: `${f.exemption.reason} (expires ${f.exemption.expires})` },
              ],
            }
          : {}),
      };
    });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'todoctl',
            semanticVersion: toolVersion,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/-/g, ''),
              shortDescription: { text: r.title.slice(0, 1024) },
              fullDescription: { text: r.rationale.slice(0, 1024) },
              help: {
                text: `${r.fix}\n\nConstitution: ${r.principle}`,
                markdown: `**Fix:** ${r.fix}\n\n**Constitution:** ${r.principle}`,
              },
              defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
              properties: {
                tags: ['security', r.scope],
                precision: r.scope === 'repo' ? 'high' : 'very-high',
                'security-severity': SECURITY_SEVERITY[r.severity],
                principle: r.principle,
              },
            })),
          },
        },
        automationDetails: { id: 'todoctl/validate/' },
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function xml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}

/** JUnit XML: one testsuite per rule, one testcase per finding (pass is visible, exempt is skipped). */
export function formatJunit(report: ValidationReport): string {
  const byRule = new Map<string, Finding[]>();
  for (const f of report.findings) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
  const seconds = (report.summary.durationMs / 1000).toFixed(3);
  const suites = [...byRule.entries()].map(([rule, findings]) => {
    const failures = findings.filter((f) => f.status === 'fail').length;
    const skipped = findings.filter((f) => f.status === 'exempt' || f.status === 'not-evaluated').length;
    const cases = findings.map((f) => {
      const name = xml(`${f.resource}${f.env ? ` [${f.env}]` : f.values ? ` [${f.values}]` : ''} ${f.file}:${f.line}`);
      const body =
        f.status === 'fail'
          ? `<failure message="${xml(f.message)}" type="${f.severity}">${xml(`${f.file}:${f.line}\n${f.message}\nFix: ${f.fix}`)}</failure>`
          : f.status === 'exempt'
            ? `<skipped message="${xml(`exempt: ${f.exemption?.reason ?? ''} (expires ${f.exemption?.expires ?? '?'})`)}"/>`
            : f.status === 'not-evaluated'
              ? `<skipped message="${xml(`not evaluated: ${f.message}`)}"/>`
              : '';
      return `    <testcase classname="${xml(rule)}" name="${name}" file="${xml(f.file)}" line="${f.line}">${body}</testcase>`;
    });
    return `  <testsuite name="${xml(rule)}" tests="${findings.length}" failures="${failures}" errors="0" skipped="${skipped}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const s = report.summary;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="todoctl validate" tests="${s.total}" failures="${s.fail}" errors="${report.toolErrors.length}" skipped="${s.exempt + s.notEvaluated}" time="${seconds}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** Human text: failures, exemptions and not-evaluated findings grouped by file, then the summary. */
export function formatText(
  report: ValidationReport,
  options: { color?: (kind: 'fail' | 'exempt' | 'muted' | 'ok', s: string) => string } = {},
): string {
  const paint = options.color ?? ((_k, s) => s);
  // One line per defect: the same verdict at the same place in several renders (a chart with
  // values.yaml only renders alike for every environment) lists its renders together.
  const groups = new Map<string, { finding: Finding; message: string; renders: string[] }>();
  for (const f of report.findings) {
    if (f.status === 'pass') continue;
    const render = f.env ?? f.values ?? null;
    const message = render ? f.message.split(` (${render})`).join('') : f.message;
    const key = [f.status, f.file, f.line, f.rule, f.resource, message].join('\u0000');
    const group = groups.get(key);
    if (group) {
      if (render && !group.renders.includes(render)) group.renders.push(render);
    } else {
      groups.set(key, { finding: f, message, renders: render ? [render] : [] });
    }
  }
  const byFile = new Map<string, { finding: Finding; message: string; renders: string[] }[]>();
  for (const g of groups.values()) byFile.set(g.finding.file, [...(byFile.get(g.finding.file) ?? []), g]);
  const renderOrder = (r: string) => {
    const i = (report.summary.envs as string[]).indexOf(r);
    return i >= 0 ? i : report.summary.envs.length;
  };
  const lines: string[] = [];
  for (const [file, findings] of [...byFile.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(file);
    for (const { finding: f, message, renders } of findings.sort(
      (a, b) => a.finding.line - b.finding.line || a.finding.rule.localeCompare(b.finding.rule),
    )) {
      const where = renders.sort((a, b) => renderOrder(a) - renderOrder(b) || a.localeCompare(b)).join(', ');
      const tag =
        f.status === 'fail'
          ? paint('fail', f.severity.toUpperCase())
          : f.status === 'exempt'
            ? paint('exempt', 'EXEMPT')
            : paint('muted', 'NOT-EVALUATED');
      lines.push(`  ${file}:${f.line}  ${tag}  ${f.rule}${where ? ` [${where}]` : ''}  ${message}`);
      if (f.status === 'fail') lines.push(paint('muted', `      fix: ${f.fix}`));
      if (f.status === 'exempt' && f.exemption)
        lines.push(paint('muted', `      exempt until ${f.exemption.expires}: ${f.exemption.reason}`));
    }
  }
  for (const e of report.toolErrors) lines.push(paint('fail', `error: ${e.message}`));
  for (const w of report.warnings) lines.push(paint('muted', `warning: ${w}`));
  const s = report.summary;
  const verdict =
    report.toolErrors.length > 0 ? paint('fail', 'INCOMPLETE') : s.fail > 0 ? paint('fail', 'FAILED') : paint('ok', 'PASSED');
  lines.push(
    `${verdict}: ${s.fail} failed, ${s.pass} passed, ${s.exempt} exempt, ${s.notEvaluated} not evaluated (${s.rules} rules, charts: ${s.charts.join(', ') || 'none'}, envs: ${s.envs.join(', ')}, ${s.durationMs} ms)`,
  );
  return `${lines.join('\n')}\n`;
}

/** Exit status contract of `todoctl validate`: 2 a check could not run, 1 a rule failed, 0 clean. */
export function exitCodeFor(report: ValidationReport): ExitCode {
  if (report.toolErrors.length > 0) return ExitCode.Usage;
  return report.summary.fail > 0 ? ExitCode.Failure : ExitCode.Ok;
}
