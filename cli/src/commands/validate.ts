import path from 'node:path';
import { z } from 'zod';
import { ENVIRONMENTS, type Environment } from '../config.js';
import type { Deps } from '../deps.js';
import { ExitCode, PolicyError, TodoctlError, UsageError } from '../runtime/errors.js';
import { styler } from '../runtime/io.js';
import { parseOutputFormat } from '../runtime/output.js';
import { VERSION } from '../version.js';

const optionsSchema = z.object({
  root: z.string().min(1).optional(),
  base: z.string().min(1).optional(),
  listRules: z.boolean().optional(),
});

/** A tool validate needs (helm, git) is missing or the catalog is unusable: nothing was judged. */
class ValidationIncompleteError extends TodoctlError {
  override readonly exitCode = ExitCode.Usage;
}

export function parseEnvList(value: string | undefined): Environment[] | undefined {
  if (value === undefined) return undefined;
  const envs = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const unknown = envs.filter((e) => !(ENVIRONMENTS as readonly string[]).includes(e));
  if (envs.length === 0 || unknown.length > 0) {
    throw new UsageError(`unknown environment(s) ${JSON.stringify(unknown.join(',') || value)}`, {
      hint: `Use --env with a comma-separated list of ${ENVIRONMENTS.join(', ')}.`,
    });
  }
  return [...new Set(envs)] as Environment[];
}

export default async function validate(deps: Deps, rawOptions: Record<string, unknown>): Promise<void> {
  const options = optionsSchema.parse(rawOptions);
  const policy = await import('../policy/index.js');
  // --root, else the folder holding todoctl.yaml, else the current folder
  const loaded = options.root ? undefined : await deps.config();
  const root = options.root ? path.resolve(deps.cwd, options.root) : loaded?.file ? loaded.root : deps.cwd;

  if (options.listRules) {
    const format = parseOutputFormat(deps.globals.output, ['table', 'json', 'yaml']);
    const rules = await policy.listRules(root);
    const { printResult } = await import('../runtime/output.js');
    await printResult(deps.io.stdout, format, rules, {
      rows: rules,
      columns: [
        { header: 'id', value: (r) => r.id },
        { header: 'severity', value: (r) => r.severity },
        { header: 'scope', value: (r) => r.scope },
        { header: 'title', value: (r) => r.title },
      ],
    });
    return;
  }

  const format = parseOutputFormat(deps.globals.output, ['text', 'json', 'sarif', 'junit']) as
    'text' | 'json' | 'sarif' | 'junit';
  const envs = parseEnvList(deps.globals.env);
  const report = await policy.validateRepository(
    {
      run: deps.runner,
      helm: deps.env.TODOCTL_HELM ?? 'helm',
      helmEnv: policy.batchHelmEnv(deps.env),
      log: (line) => deps.debug(line),
    },
    { root, ...(envs ? { envs } : {}), ...(options.base ? { base: options.base } : {}) },
  );
  if (format === 'text') {
    const s = styler(deps.io.color);
    const paint = { fail: s.red, exempt: s.yellow, muted: s.dim, ok: s.green };
    deps.io.stdout.write(policy.formatText(report, { color: (kind, text) => paint[kind](text) }));
  } else if (format === 'sarif') {
    // only SARIF carries the rule catalog (as tool.driver.rules)
    deps.io.stdout.write(policy.formatSarif(report, await policy.listRules(root), VERSION));
  } else {
    deps.io.stdout.write(format === 'json' ? policy.formatJson(report) : policy.formatJunit(report));
  }
  for (const w of report.warnings) deps.warn(w);

  const code = policy.exitCodeFor(report);
  if (code === 2) {
    throw new ValidationIncompleteError(`validation is incomplete: ${report.toolErrors.map((t) => t.message).join('; ')}`, {
      hint: 'Install the missing tool (helm: set TODOCTL_HELM or put it on PATH) or fix the catalog, then re-run.',
    });
  }
  if (code === 1) {
    const { fail } = report.summary;
    throw new PolicyError(`${fail} constitution check(s) failed`, {
      hint: 'Each failing finding above names the file, line and fix; exempt a finding only in policies/exemptions.yaml.',
    });
  }
}
