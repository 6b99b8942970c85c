/**
 * The constitution engine behind `todoctl validate`: a domain library, like Helm's pkg/lint.
 * Everything external (helm, git) goes through the clients in PolicyDeps; the result is data
 * for the formatters.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import {
  BUNDLED_CATALOG,
  catalogPathOf,
  loadCatalog,
  loadExemptions,
  PolicyFileError,
  type Catalog,
  type Rule,
} from './catalog.js';
import { CelRuleEvaluator } from './cel.js';
import {
  buildDependencies,
  chartWeight,
  checkChartStructure,
  checkPolicyCopies,
  locateCharts,
  renderJobs,
  lintLibrary,
  checkVersionBump,
  validateChartEnv,
  type ChartInfo,
} from './charts.js';
import { isDockerfile } from './dockerfile.js';
import { checkDuplicateKeys } from './yaml-keys.js';
import { applyExemptions } from './exemptions.js';
import { GitClient } from '../clients/git.js';
import { MissingToolError } from '../runtime/errors.js';
import { ExecaRunner } from '../runtime/runner.js';
import { FileCache } from './locate.js';
import { checkDockerfiles, checkDotenv, checkManualYaml, checkSecrets, checkServiceEnv, listRepoFiles } from './repo.js';
import {
  type Env,
  type Finding,
  type PolicyDeps,
  type Scope,
  type Summary,
  type ToolProblem,
  type ValidateOptions,
  type ValidationReport,
} from './types.js';

export * from './types.js';
export {
  BUNDLED_CATALOG,
  catalogSchema,
  exemptionsFileSchema,
  exemptionSchema,
  loadCatalog,
  loadExemptions,
  PolicyFileError,
  ruleSchema,
} from './catalog.js';
export type { Catalog, Exemption, Rule } from './catalog.js';
export { CelRuleEvaluator } from './cel.js';
export { buildDependencies, discoverCharts, renderChart, renderJobs, type ChartInfo, type RenderJob } from './charts.js';
export { duplicateKeys } from './yaml-keys.js';
export { exitCodeFor, formatJunit, formatSarif, formatText, reportData } from './format.js';

/**
 * The files of the repository at `root` as validate sees them (git's tracked and untracked
 * files, not ignored, minus the catalog's ignorePaths; a directory walk without git).
 */
export async function repositoryFiles(
  root: string,
  git: GitClient = new GitClient(new ExecaRunner(process.env.PATH ?? '')),
): Promise<string[]> {
  const catalog = await loadCatalog(catalogPathOf(root));
  return (await listRepoFiles(git, root, catalog)).scan;
}

/** The rule catalog (`--list-rules`): `<root>/policies/rules.yaml` if present, else the one todoctl ships. */
export async function listRules(root?: string): Promise<Rule[]> {
  return (await loadCatalog(root ? catalogPathOf(root) : BUNDLED_CATALOG)).rules;
}

const CHART_ONLY_RULES = ['TODO-HELM-001', 'TODO-HELM-002'];

function summarize(
  findings: Finding[],
  catalog: Catalog | null,
  charts: ChartInfo[],
  envs: ValidationReport['summary']['envs'],
  started: number,
): Summary {
  const count = (status: Finding['status']) => findings.filter((f) => f.status === status).length;
  const failing = findings.filter((f) => f.status === 'fail');
  return {
    total: findings.length,
    pass: count('pass'),
    fail: failing.length,
    exempt: count('exempt'),
    notEvaluated: count('not-evaluated'),
    failBySeverity: {
      error: failing.filter((f) => f.severity === 'error').length,
      warning: failing.filter((f) => f.severity === 'warning').length,
      note: failing.filter((f) => f.severity === 'note').length,
    },
    rules: catalog?.rules.length ?? 0,
    charts: charts.map((c) => c.name),
    envs,
    durationMs: Date.now() - started,
  };
}

function sortFindings(findings: Finding[]): Finding[] {
  const order = { fail: 0, exempt: 1, 'not-evaluated': 2, pass: 3 } as const;
  return [...findings].sort(
    (a, b) =>
      order[a.status] - order[b.status] ||
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.rule.localeCompare(b.rule) ||
      (a.env ?? '').localeCompare(b.env ?? '') ||
      a.resource.localeCompare(b.resource),
  );
}

/**
 * Validates the repository at `options.root` against the constitution.
 * Never throws for bad input: unusable files become findings, missing tools become
 * `not-evaluated` findings plus `toolErrors` (the CLI exits 2 on those).
 */
export async function validateRepository(deps: PolicyDeps, options: ValidateOptions): Promise<ValidationReport> {
  const started = Date.now();
  const root = options.root;
  const envs = options.envs;
  const scopes = new Set<Scope>(options.scopes ?? ['chart', 'manifest', 'dockerfile', 'repo']);
  const log = deps.log ?? (() => {});
  const toolErrors: ToolProblem[] = [];
  const warnings: string[] = [];
  const display = (p: string) => (p.startsWith(root) ? relative(root, p) : p);

  let catalog: Catalog;
  const catalogPath = options.catalogPath ?? catalogPathOf(root);
  let evaluator: CelRuleEvaluator;
  try {
    // A duplicate key is reported below as TODO-REPO-005 with both lines; the last one wins meanwhile.
    catalog = await loadCatalog(catalogPath, display(catalogPath), { allowDuplicateKeys: true });
    evaluator = new CelRuleEvaluator(catalog);
  } catch (error) {
    const problem =
      error instanceof PolicyFileError
        ? error
        : new PolicyFileError(display(catalogPath), 1, error instanceof Error ? error.message : String(error));
    const finding: Finding = {
      rule: 'TODO-CATALOG',
      status: 'not-evaluated',
      severity: 'error',
      file: problem.file,
      line: problem.line,
      resource: 'catalog',
      env: null,
      message: problem.detail,
      fix: 'Fix the rule catalog so it matches the schema in cli/src/policy/catalog.ts.',
    };
    return {
      summary: summarize([finding], null, [], envs, started),
      findings: [finding],
      toolErrors: [{ code: 'CATALOG_INVALID', message: problem.message }],
      warnings,
      rules: [],
    };
  }

  const findings: Finding[] = [];
  const exemptionsPath = options.exemptionsPath ?? join(root, 'policies/exemptions.yaml');
  let exemptions: Awaited<ReturnType<typeof loadExemptions>> = [];
  try {
    exemptions = await loadExemptions(exemptionsPath, display(exemptionsPath), { allowDuplicateKeys: true });
  } catch (error) {
    const p = error instanceof PolicyFileError ? error : new PolicyFileError(display(exemptionsPath), 1, String(error));
    findings.push({
      rule: 'TODO-CATALOG',
      status: 'fail',
      severity: 'error',
      file: p.file,
      line: p.line,
      resource: 'exemptions',
      env: null,
      message: `exemptions file is invalid, so no exemption applies: ${p.detail}`,
      fix: 'Each exemption needs rule, target, reason and expires (YYYY-MM-DD).',
    });
  }

  const files = new FileCache(root);
  const envValuesFile = options.envValuesFile ?? ((env: Env) => `values-${env}.yaml`);
  // One listing of the repository (git's view: tracked and untracked, not ignored) serves chart
  // discovery and the repository and Dockerfile rules.
  const repoFiles = await listRepoFiles(deps.git, root, catalog);
  if (repoFiles.tracked === null)
    warnings.push('git is not available or this is not a git repository: scanned the working tree instead of tracked files');
  const wantCharts = scopes.has('chart') || scopes.has('manifest');
  const located = wantCharts ? locateCharts(root, repoFiles.scan, options, catalog) : { charts: [], findings: [], unchecked: [] };
  const charts = located.charts;
  findings.push(...located.findings);
  if (located.unchecked.length > 0)
    warnings.push(
      `charts not deployed by ${options.chartsSource ?? 'todoctl.yaml'} were not checked: ${located.unchecked.join(', ')}`,
    );
  const dockerfiles = repoFiles.scan.filter(isDockerfile);
  if (
    charts.length === 0 &&
    located.findings.length === 0 &&
    (wantCharts || scopes.has('dockerfile')) &&
    dockerfiles.length === 0
  ) {
    // Passing an empty folder would be a silent pass: a usage error names what was looked for.
    return {
      summary: summarize([], catalog, [], envs, started),
      findings: [],
      toolErrors: [
        {
          code: 'NOTHING_TO_CHECK',
          message: `nothing to check in ${root}: no Chart.yaml and no Dockerfile (outside hidden, vendored and ignored folders)`,
        },
      ],
      warnings,
      rules: catalog.rules,
    };
  }

  if (charts.length > 0) {
    for (const chart of charts) {
      findings.push(...checkChartStructure(root, chart, envs, catalog, envValuesFile));
      findings.push(...(await checkVersionBump(deps.git, root, chart, options.base, catalog)));
      findings.push(...checkPolicyCopies(root, chart, repoFiles.scan, catalogPath, catalog));
    }
    const renderDeps = { helm: deps.helm, kubeVersion: options.kubeVersion };
    let helmMissing: MissingToolError | null = null;
    const unbuilt = new Set<string>();
    const rendered = charts.filter((chart) => !chart.library);
    try {
      // Dependencies first: a chart cannot render without its library. Charts sharing a
      // library each pack their own copy, so the builds run side by side.
      const built = await Promise.all(charts.map((chart) => buildDependencies(deps.helm, root, chart, catalog)));
      charts.forEach((chart, i) => {
        if (built[i]!.length > 0) unbuilt.add(chart.dir);
      });
      findings.push(...built.flat());
      const libraries = charts.filter((c) => c.library);
      findings.push(...(await Promise.all(libraries.map((c) => lintLibrary(renderDeps, root, c, catalog)))).flat());
    } catch (error) {
      if (!(error instanceof MissingToolError)) throw error;
      helmMissing = error;
    }
    // Heaviest charts first, so the last jobs to finish are short ones and no core idles at the end.
    const weights = new Map(rendered.map((chart) => [chart.dir, chartWeight(root, chart)]));
    const jobs = rendered
      .filter((chart) => !unbuilt.has(chart.dir))
      .flatMap((chart) => renderJobs(root, chart, envs, envValuesFile).map((job) => ({ chart, job })))
      .sort((a, b) => (weights.get(b.chart.dir) ?? 0) - (weights.get(a.chart.dir) ?? 0));
    // One job per core (at least two): each runs helm lint and helm template concurrently.
    // No separate `helm version` probe: the first call that cannot start reports helm missing.
    const results: Finding[][] = new Array(jobs.length);
    let next = 0;
    const worker = async () => {
      while (next < jobs.length && !helmMissing) {
        const i = next++;
        const { chart, job } = jobs[i]!;
        log(`rendering ${chart.dir} (${job.label})`);
        try {
          // A ci/*-values.yaml render goes where the first environment's does.
          const target = options.renderTarget(chart, job.env ?? envs[0]!);
          results[i] = await validateChartEnv(renderDeps, root, chart, job, target, catalog, evaluator, files);
        } catch (error) {
          if (!(error instanceof MissingToolError)) throw error;
          helmMissing = error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(2, Math.min(4, availableParallelism())) }, () => worker()));
    const missing = helmMissing as MissingToolError | null;
    if (!missing) {
      findings.push(...results.flat());
    } else {
      toolErrors.push({ code: 'HELM_MISSING', message: `${missing.message}. ${missing.hint ?? ''}`.trim() });
      for (const chart of rendered) {
        for (const env of envs) {
          for (const rule of catalog.rules.filter((r) => r.scope === 'manifest' || CHART_ONLY_RULES.includes(r.id))) {
            findings.push({
              rule: rule.id,
              status: 'not-evaluated',
              severity: rule.severity,
              file: `${chart.dir}/Chart.yaml`,
              line: 1,
              resource: chart.name,
              chart: chart.name,
              env,
              message: `helm is not available, so ${rule.id} was not evaluated for ${chart.name} (${env}).`,
              fix: 'Install helm or set TODOCTL_HELM to its path.',
            });
          }
        }
      }
    }
  }

  if (scopes.has('repo') || wantCharts) {
    // The catalog and exemptions validate read count too, wherever they live.
    const policyFiles = [catalogPath, exemptionsPath]
      .filter((p) => p !== BUNDLED_CATALOG && existsSync(p))
      .map((p) => (p.startsWith(`${root}/`) ? relative(root, p) : p));
    findings.push(...checkDuplicateKeys(root, repoFiles, charts, catalog, policyFiles));
  }
  if (scopes.has('dockerfile')) findings.push(...checkDockerfiles(root, repoFiles, catalog));
  if (scopes.has('repo')) {
    findings.push(...checkDotenv(repoFiles, catalog));
    findings.push(...checkServiceEnv(root, repoFiles, catalog));
    findings.push(
      ...checkManualYaml(
        root,
        repoFiles,
        catalog,
        charts.map((c) => c.dir),
      ),
    );
    findings.push(...checkSecrets(root, repoFiles, catalog));
  }

  findings.push(...(options.extraFindings ?? []));
  const exempted = applyExemptions(
    findings,
    exemptions,
    new Set(catalog.rules.map((r) => r.id)),
    (deps.now ?? (() => new Date()))(),
  );
  warnings.push(...exempted.warnings);
  const kept = options.includePasses === false ? exempted.findings.filter((f) => f.status !== 'pass') : exempted.findings;
  const sorted = sortFindings(kept);
  return {
    summary: summarize(exempted.findings, catalog, charts, envs, started),
    findings: sorted,
    toolErrors: dedupe(toolErrors),
    warnings,
    rules: catalog.rules,
  };
}

function dedupe(problems: ToolProblem[]): ToolProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => (seen.has(p.message) ? false : (seen.add(p.message), true)));
}
