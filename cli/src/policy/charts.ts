import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, posix, relative } from 'node:path';
import semver from 'semver';
import { parse as parseYaml } from 'yaml';
import type { Catalog, Rule } from './catalog.js';
import { lineOfYamlPath } from './catalog.js';
import type { CelRuleEvaluator } from './cel.js';
import type { GitClient } from '../clients/git.js';
import type { HelmClient } from '../clients/helm.js';
import type { RunResult } from '../runtime/runner.js';
import { lineOfKey, type FileCache } from './locate.js';
import { evaluateManifests } from './manifests.js';
import { parseHelmError, parseRendered, type RenderProblem } from './render.js';
import type { Env, Finding, RenderTarget } from './types.js';

export interface ChartInfo {
  name: string;
  /** Repository-relative directory, e.g. charts/todo-backend. */
  dir: string;
  /** `type: library` in Chart.yaml: named templates only, never rendered on its own. */
  library?: boolean;
  /** Chart.yaml declares dependencies, so `helm dependency build` runs before lint and template. */
  hasDependencies?: boolean;
}

/** Folders whose charts belong to someone else: dependencies, vendored trees, build output. */
const VENDORED = new Set(['node_modules', 'vendor', 'third_party', 'third-party', 'dist', 'build', 'tmp']);

/** A chart as its Chart.yaml describes it; a Chart.yaml that does not parse still names a chart (checkChartStructure reports it). */
export function chartAt(root: string, dir: string): ChartInfo {
  let meta: { name?: unknown; type?: unknown; dependencies?: unknown } = {};
  try {
    meta = (parseYaml(readFileSync(join(root, dir, 'Chart.yaml'), 'utf8'), { uniqueKeys: false }) ?? {}) as typeof meta;
  } catch {
    // checkChartStructure reports the broken Chart.yaml with its line
  }
  const base = posix.basename(dir) || 'chart';
  return {
    name: typeof meta.name === 'string' && /^[a-z0-9][a-z0-9-]*$/i.test(meta.name) ? meta.name : base,
    dir,
    ...(meta.type === 'library' ? { library: true } : {}),
    ...(Array.isArray(meta.dependencies) && meta.dependencies.length > 0 ? { hasDependencies: true } : {}),
  };
}

/**
 * The charts of a repository, from the list of its files: every folder holding a Chart.yaml,
 * except hidden and vendored folders and the subcharts a chart unpacks into its own charts/
 * folder (they are validated as part of their parent).
 */
export function discoverCharts(root: string, files: readonly string[]): ChartInfo[] {
  const dirs = files
    .filter((f) => f === 'Chart.yaml' || f.endsWith('/Chart.yaml'))
    .map((f) => (f === 'Chart.yaml' ? '.' : f.slice(0, -'/Chart.yaml'.length)))
    .filter((dir) => dir === '.' || !dir.split('/').some((part) => part.startsWith('.') || VENDORED.has(part)));
  const set = new Set(dirs);
  const isSubchart = (dir: string) => {
    const parts = dir.split('/');
    for (let i = parts.length - 2; i >= 0; i--) {
      if (parts[i] === 'charts' && set.has(parts.slice(0, i).join('/') || '.')) return true;
    }
    return false;
  };
  return [...set]
    .filter((dir) => !isSubchart(dir))
    .sort()
    .map((dir) => chartAt(root, dir));
}

/** Bytes of a chart's templates and files: a cheap proxy for how long helm takes on it. */
export function chartWeight(root: string, chart: ChartInfo): number {
  let total = 0;
  for (const sub of ['templates', 'files']) {
    const dir = join(root, chart.dir, sub);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      try {
        total += statSync(join(entry.parentPath, entry.name)).size;
      } catch {
        // gone or unreadable: helm reports it; the weight only orders the work
      }
    }
  }
  return total;
}

function ruleById(catalog: Catalog, id: string): Rule {
  const rule = catalog.rules.find((r) => r.id === id);
  if (!rule) throw new Error(`rule ${id} is missing from the catalog`);
  return rule;
}

export function finding(rule: Rule, f: Omit<Finding, 'rule' | 'severity' | 'fix'> & { fix?: string }): Finding {
  return { rule: rule.id, severity: rule.severity, fix: f.fix ?? rule.fix, ...f };
}

/** TODO-HELM-006: a helm test hook proves a release (and a rolled-back one) works; NOTES.txt tells the user how to reach it. */
function checkTestedAndDocumented(root: string, chart: ChartInfo, catalog: Catalog): Finding[] {
  const rule = catalog.rules.find((r) => r.id === 'TODO-HELM-006');
  if (!rule) return [];
  const base = { resource: chart.name, chart: chart.name, env: null, line: 1 };
  const testsDir = join(root, chart.dir, 'templates/tests');
  const problems: { file: string; message: string }[] = [];
  if (!isDirectory(testsDir) || readdirSync(testsDir).length === 0)
    problems.push({
      file: `${chart.dir}/templates/tests`,
      message: `${chart.name} has no helm test hook: add templates/tests/<name>.yaml with helm.sh/hook: test.`,
    });
  if (!existsSync(join(root, chart.dir, 'templates/NOTES.txt')))
    problems.push({
      file: `${chart.dir}/templates/NOTES.txt`,
      message: `${chart.name} has no templates/NOTES.txt telling the user how to reach and roll back the release.`,
    });
  if (problems.length === 0)
    return [
      finding(rule, {
        ...base,
        status: 'pass',
        file: `${chart.dir}/Chart.yaml`,
        message: `${chart.name} ships a helm test hook and NOTES.txt.`,
      }),
    ];
  return problems.map((p) => finding(rule, { ...base, status: 'fail', file: p.file, message: p.message }));
}

/** TODO-HELM-003 (structure, SemVer) and TODO-HELM-005 (pinned dependencies). */
export function checkChartStructure(
  root: string,
  chart: ChartInfo,
  envs: Env[],
  catalog: Catalog,
  envValuesFile: (env: Env) => string = (env) => `values-${env}.yaml`,
): Finding[] {
  const structure = ruleById(catalog, 'TODO-HELM-003');
  const deps = ruleById(catalog, 'TODO-HELM-005');
  const findings: Finding[] = [];
  const chartYamlPath = `${chart.dir}/Chart.yaml`;
  const text = readFileSync(join(root, chartYamlPath), 'utf8');
  const problems: { file: string; line: number; message: string }[] = [];
  let meta: Record<string, unknown> = {};
  try {
    // Duplicate keys are TODO-REPO-005's finding (with both lines); here the last one wins, as in helm.
    meta = (parseYaml(text, { uniqueKeys: false }) ?? {}) as Record<string, unknown>;
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line ?? 1;
    problems.push({
      file: chartYamlPath,
      line,
      message: `Chart.yaml is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
    });
  }
  const version = String(meta.version ?? '');
  if (!semver.valid(version) || semver.clean(version) !== version) {
    problems.push({
      file: chartYamlPath,
      line: lineOfYamlPath(text, ['version']),
      message: `version "${version}" is not strict SemVer (MAJOR.MINOR.PATCH)`,
    });
  }
  if (!meta.appVersion && !chart.library)
    problems.push({
      file: chartYamlPath,
      line: 1,
      message: 'appVersion is missing: set it to the image version the chart deploys',
    });
  if (meta.apiVersion !== 'v2')
    problems.push({ file: chartYamlPath, line: lineOfYamlPath(text, ['apiVersion']), message: 'apiVersion must be v2' });
  // The constitution's chart structure: Chart.yaml, values.yaml, a values file per environment
  // and templates/; values.schema.json makes helm reject malformed values before rendering
  // ("Schema validation MUST be enforced"). A library chart holds named templates only: it is
  // never installed, so it has no values per environment.
  const required = chart.library
    ? ['CHANGELOG.md']
    : ['values.yaml', 'values.schema.json', 'templates', ...envs.map(envValuesFile)];
  for (const rel of required) {
    if (!existsSync(join(root, chart.dir, rel)))
      problems.push({ file: `${chart.dir}/${rel}`, line: 1, message: `${rel} is missing` });
  }
  const schemaPath = join(root, chart.dir, 'values.schema.json');
  if (existsSync(schemaPath)) {
    try {
      JSON.parse(readFileSync(schemaPath, 'utf8'));
    } catch (error) {
      problems.push({
        file: `${chart.dir}/values.schema.json`,
        line: 1,
        message: `values.schema.json is not valid JSON: ${(error as Error).message}`,
      });
    }
  }
  if (!chart.library) findings.push(...checkTestedAndDocumented(root, chart, catalog));
  if (problems.length === 0) {
    findings.push(
      finding(structure, {
        status: 'pass',
        file: chartYamlPath,
        line: 1,
        resource: chart.name,
        chart: chart.name,
        env: null,
        message: `${chart.name}: chart structure and SemVer version ${version} are complete.`,
      }),
    );
  }
  for (const p of problems) {
    findings.push(
      finding(structure, {
        status: 'fail',
        file: p.file,
        line: p.line,
        resource: chart.name,
        chart: chart.name,
        env: null,
        message: `${chart.name}: ${p.message}.`,
      }),
    );
  }
  const dependencies = Array.isArray(meta.dependencies) ? (meta.dependencies as { name?: string; version?: string }[]) : [];
  dependencies.forEach((dep, i) => {
    const pinned = typeof dep.version === 'string' && semver.valid(dep.version) !== null;
    findings.push(
      finding(deps, {
        status: pinned ? 'pass' : 'fail',
        file: chartYamlPath,
        line: lineOfYamlPath(text, ['dependencies', i, 'version']),
        resource: `${chart.name}/${dep.name ?? i}`,
        chart: chart.name,
        env: null,
        message: pinned
          ? `dependency ${dep.name} is pinned to ${dep.version}.`
          : `dependency ${dep.name ?? i} version "${dep.version ?? ''}" is not an exact version.`,
      }),
    );
  });
  return findings;
}

export interface RenderDeps {
  helm: HelmClient;
  kubeVersion: string;
}

/** API groups rendered as served, so the CRD-guarded templates (ServiceMonitor) are validated too. */
const RENDER_API_VERSIONS = ['monitoring.coreos.com/v1'];

/**
 * One render of a chart: for an environment (values.yaml, then the environment's values file
 * when the chart has one) or for a chart-testing file (ci/<name>-values.yaml).
 */
export interface RenderJob {
  /** The environment; null for a ci/*-values.yaml render. */
  env: Env | null;
  /** Values files layered over values.yaml, relative to the chart folder (may be empty). */
  valuesFiles: string[];
  /** What the render is called in messages: the environment, or the ci values file. */
  label: string;
}

/** The renders validate runs for a chart: each environment, then each ci/*-values.yaml. */
export function renderJobs(root: string, chart: ChartInfo, envs: Env[], envValuesFile: (env: Env) => string): RenderJob[] {
  const jobs: RenderJob[] = envs.map((env) => {
    const file = envValuesFile(env);
    return { env, valuesFiles: existsSync(join(root, chart.dir, file)) ? [file] : [], label: env };
  });
  const ciDir = join(root, chart.dir, 'ci');
  if (isDirectory(ciDir)) {
    for (const file of readdirSync(ciDir).sort()) {
      if (/-values\.ya?ml$/.test(file)) jobs.push({ env: null, valuesFiles: [`ci/${file}`], label: `ci/${file}` });
    }
  }
  return jobs;
}

/**
 * `helm template` of a chart as validate renders it, and as the committed renders
 * (scripts/render-charts.mjs) are made: values.yaml plus `valuesFiles` (chart-relative), the
 * release name and namespace of todoctl.yaml, the CRD-guarded templates included.
 */
export function renderChart(
  deps: RenderDeps,
  root: string,
  chart: ChartInfo,
  valuesFiles: string[],
  target: RenderTarget,
): Promise<RunResult> {
  const chartDir = join(root, chart.dir);
  return deps.helm.template(target.release, chartDir, {
    namespace: target.namespace,
    valuesFiles: valuesFiles.map((f) => join(chartDir, f)),
    apiVersions: RENDER_API_VERSIONS,
    kubeVersion: deps.kubeVersion,
  });
}

/** A path helm prints (`<chart name>/templates/x.yaml`) as a repository-relative path. */
export function chartPath(chart: ChartInfo, source: string): string {
  if (source.startsWith(`${chart.name}/`)) return posix.join(chart.dir, source.slice(chart.name.length + 1));
  return source;
}

/** Maps a helm problem to a repository-relative file and line. */
function problemLocation(
  root: string,
  chart: ChartInfo,
  valuesFile: string,
  problem: RenderProblem,
  files: FileCache,
): { file: string; line: number } {
  if (problem.source.startsWith('values:')) {
    const pointer = problem.source.slice('values:'.length).split('/').filter(Boolean);
    const envValues = posix.join(chart.dir, valuesFile);
    for (const candidate of [envValues, posix.join(chart.dir, 'values.yaml')]) {
      const text = files.read(candidate);
      if (text && lineOfKey(text, pointer[pointer.length - 1] ?? '') !== null)
        return { file: candidate, line: lineOfYamlPath(text, pointer) };
    }
    return { file: envValues, line: 1 };
  }
  if (isAbsolute(problem.source)) {
    const rel = relative(root, problem.source);
    return { file: rel.startsWith('..') ? posix.join(chart.dir, valuesFile) : rel, line: Math.max(1, problem.line) };
  }
  const source = chartPath(chart, problem.source);
  return {
    file: existsSync(join(root, source)) ? source : posix.join(chart.dir, valuesFile),
    line: Math.max(1, problem.line),
  };
}

/**
 * TODO-HELM-001 (lint) and TODO-HELM-002 (template) for one render of a chart, then every
 * manifest rule on the rendered objects. MissingToolError (helm missing) propagates to the caller.
 */
export async function validateChartEnv(
  deps: RenderDeps,
  root: string,
  chart: ChartInfo,
  job: RenderJob,
  target: RenderTarget,
  catalog: Catalog,
  evaluator: CelRuleEvaluator,
  files: FileCache,
): Promise<Finding[]> {
  const lint = ruleById(catalog, 'TODO-HELM-001');
  const render = ruleById(catalog, 'TODO-HELM-002');
  const { env, label } = job;
  // Where a values problem is reported: the file layered over values.yaml, else values.yaml.
  const valuesFile = job.valuesFiles[0] ?? 'values.yaml';
  const base = { resource: chart.name, chart: chart.name, env, ...(env ? {} : { values: label }) };
  const chartDir = join(root, chart.dir);
  const valuesPaths = job.valuesFiles.map((f) => join(chartDir, f));
  const [lintResult, templateResult] = await Promise.all([
    deps.helm.lint(chartDir, { valuesFiles: valuesPaths, kubeVersion: deps.kubeVersion }),
    renderChart(deps, root, chart, job.valuesFiles, target),
  ]);
  const findings: Finding[] = [];
  const failAt = (rule: Rule, where: { file: string; line: number }, message: string) =>
    finding(rule, { ...base, status: 'fail', file: where.file, line: where.line, message });
  /** A verdict on the whole chart for this render, at line 1 of `file`. */
  const onChart = (rule: Rule, status: Finding['status'], file: string, message: string) =>
    finding(rule, { ...base, status, file, line: 1, message });
  const chartYaml = posix.join(chart.dir, 'Chart.yaml');

  if (lintResult.exitCode === 0) {
    findings.push(onChart(lint, 'pass', chartYaml, `helm lint --strict passes for ${chart.name} (${label}).`));
  } else {
    const output = `${lintResult.stdout}\n${lintResult.stderr}`;
    // A schema violation spans several lines; report it once, at the key in the layered values file.
    const schemaProblems = /values don't meet the specifications/.test(output)
      ? parseHelmError(output, chart.name, valuesFile)
      : [];
    for (const problem of schemaProblems) {
      const where = problemLocation(root, chart, valuesFile, problem, files);
      const detail = /at '[^']*'[^\n]*/.exec(output)?.[0] ?? 'values do not match values.schema.json';
      findings.push(failAt(lint, where, `helm lint (${label}): ${detail}`));
    }
    const lines = schemaProblems.length > 0 ? [] : output.split('\n').filter((l) => /^\[(ERROR|WARNING)\]/.test(l));
    const problems =
      lines.length > 0 || schemaProblems.length > 0 ? lines : [output.trim() || `helm lint exited ${lintResult.exitCode}`];
    for (const line of problems) {
      const problem = parseHelmError(line, chart.name, valuesFile)[0]!;
      const fileMatch = /^\[(?:ERROR|WARNING)\] ([^:\s]+):/.exec(line);
      const where =
        fileMatch && fileMatch[1] && !fileMatch[1].endsWith('/') && existsSync(join(chartDir, fileMatch[1]))
          ? {
              file: posix.join(chart.dir, fileMatch[1]),
              line: problem.line > 0 && problem.source.includes(fileMatch[1]) ? problem.line : 1,
            }
          : problemLocation(root, chart, valuesFile, problem, files);
      findings.push(failAt(lint, where, `helm lint (${label}): ${line.trim()}`));
    }
  }

  if (templateResult.exitCode !== 0) {
    for (const problem of parseHelmError(templateResult.stderr, chart.name, valuesFile)) {
      const where = problemLocation(root, chart, valuesFile, problem, files);
      findings.push(failAt(render, where, `${chart.name} does not render for ${label}: ${problem.message}`));
    }
    // Manifest rules cannot run without rendered objects.
    const message = `manifest rules were not evaluated for ${chart.name} (${label}) because the chart does not render.`;
    findings.push(onChart(render, 'not-evaluated', posix.join(chart.dir, valuesFile), message));
    return findings;
  }
  const { objects, problems } = parseRendered(templateResult.stdout);
  for (const problem of problems) {
    const where = problemLocation(root, chart, valuesFile, problem, files);
    findings.push(failAt(render, where, `${chart.name} (${label}): ${problem.message}`));
  }
  if (objects.length === 0) {
    // Nothing rendered means no manifest rule ran: say so instead of passing silently.
    findings.push(
      onChart(
        render,
        'fail',
        posix.join(chart.dir, valuesFile),
        `${chart.name} renders no Kubernetes objects for ${label}, so no manifest rule was checked.`,
      ),
    );
    return findings;
  }
  if (problems.length === 0) {
    const message = `helm template renders ${objects.length} objects for ${chart.name} (${label}).`;
    findings.push(onChart(render, 'pass', chartYaml, message));
  }
  const manifestFindings = evaluateManifests(
    catalog,
    evaluator,
    {
      objects: objects.map((o) => ({ object: o.object, file: o.source ? chartPath(chart, o.source) : chartYaml })),
      env,
      chart: chart.name,
      valuesFiles: [...job.valuesFiles.map((f) => posix.join(chart.dir, f)), posix.join(chart.dir, 'values.yaml')],
    },
    files,
  );
  findings.push(...(env ? manifestFindings : manifestFindings.map((f) => ({ ...f, values: label }))));
  return findings;
}

/**
 * `helm dependency build` for a chart that declares dependencies, so lint and template see
 * them (TODO-HELM-005). A failure is a finding on Chart.yaml; the chart is then not rendered.
 */
export async function buildDependencies(helm: HelmClient, root: string, chart: ChartInfo, catalog: Catalog): Promise<Finding[]> {
  if (!chart.hasDependencies) return [];
  const result = await helm.dependencyBuild(join(root, chart.dir));
  if (result.exitCode === 0) return [];
  const reason = result.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit code ${result.exitCode}`;
  return [
    finding(ruleById(catalog, 'TODO-HELM-005'), {
      status: 'fail',
      file: `${chart.dir}/Chart.yaml`,
      line: 1,
      resource: `${chart.name}/dependencies`,
      chart: chart.name,
      env: null,
      message: `${chart.name}: helm dependency build failed, so the chart was not rendered: ${reason.replace(/^Error: /, '')}`,
      fix: `Fix the dependencies in ${chart.dir}/Chart.yaml (run helm dependency update ${chart.dir} after changing them) and commit Chart.lock.`,
    }),
  ];
}

/** TODO-HELM-001 for a library chart: linted once with its own values, never rendered. */
export async function lintLibrary(deps: RenderDeps, root: string, chart: ChartInfo, catalog: Catalog): Promise<Finding[]> {
  const rule = ruleById(catalog, 'TODO-HELM-001');
  const result = await deps.helm.lint(join(root, chart.dir), { kubeVersion: deps.kubeVersion });
  const base = { resource: chart.name, chart: chart.name, env: null, file: `${chart.dir}/Chart.yaml`, line: 1 };
  if (result.exitCode === 0)
    return [
      finding(rule, { ...base, status: 'pass', message: `helm lint --strict passes for the library chart ${chart.name}.` }),
    ];
  const lines = `${result.stdout}\n${result.stderr}`.split('\n').filter((l) => /^\[(ERROR|WARNING)\]|^Error/.test(l));
  return (lines.length > 0 ? lines : [`helm lint exited ${result.exitCode}`]).map((line) =>
    finding(rule, { ...base, status: 'fail', message: `helm lint (${chart.name}): ${line.trim()}` }),
  );
}

/** TODO-HELM-004: templates changed since `base` -> version bumped and CHANGELOG entry. */
export async function checkVersionBump(
  git: GitClient,
  root: string,
  chart: ChartInfo,
  base: string | undefined,
  catalog: Catalog,
): Promise<Finding[]> {
  const rule = ruleById(catalog, 'TODO-HELM-004');
  const chartYaml = `${chart.dir}/Chart.yaml`;
  const common = { resource: chart.name, chart: chart.name, env: null };
  const notEvaluated = (message: string, fix: string) => [
    finding(rule, { ...common, status: 'not-evaluated', file: chartYaml, line: 1, message: `${chart.name}: ${message}`, fix }),
  ];
  if (!base)
    return notEvaluated(
      'no --base ref given, version bump not checked.',
      'Pass --base <ref> (e.g. origin/main) to compare against.',
    );
  if (!(await git.isCommit(root, base))) {
    return notEvaluated(
      `base ref "${base}" is not a commit in this repository.`,
      'Fetch the base branch or pass an existing ref to --base.',
    );
  }
  const text = readFileSync(join(root, chartYaml), 'utf8');
  // A library the chart takes from this repository (file://) renders into it: its templates count too.
  const changed = (
    await Promise.all(
      [chart.dir, ...localDependencyPaths(text).map((dir) => posix.normalize(posix.join(chart.dir, dir)))].map((dir) =>
        git.changedSince(root, base, `${dir}/templates`),
      ),
    )
  ).flat();
  const current = String((parseYaml(text) as { version?: unknown } | null)?.version ?? '');
  const versionLine = lineOfYamlPath(text, ['version']);
  const verdict = (status: 'pass' | 'fail', message: string, file = chartYaml, line = versionLine) =>
    finding(rule, { ...common, status, file, line, message: `${chart.name}: ${message}` });
  if (changed.length === 0) return [verdict('pass', `templates unchanged since ${base}.`)];
  const old = await git.show(root, base, chartYaml);
  if (old === null) return [verdict('pass', `new chart since ${base} (version ${current}).`)];
  const previous = String((parseYaml(old) as { version?: unknown } | null)?.version ?? '');
  const findings: Finding[] = [];
  const bumped = semver.valid(current) && semver.valid(previous) && semver.gt(current, previous);
  if (!bumped) {
    const files = changed.slice(0, 3).join(', ');
    findings.push(
      verdict(
        'fail',
        `${changed.length} template file(s) changed since ${base} (${files}) but version is still ${current} (was ${previous}).`,
      ),
    );
  }
  const changelogPath = `${chart.dir}/CHANGELOG.md`;
  const changelog = existsSync(join(root, changelogPath)) ? readFileSync(join(root, changelogPath), 'utf8') : '';
  const escaped = current.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (!new RegExp(`^##\\s*\\[?v?${escaped}\\]?`, 'm').test(changelog)) {
    findings.push(
      verdict('fail', `${changelogPath} has no "## [${current}]" entry for the changed templates.`, changelogPath, 1),
    );
  }
  if (findings.length === 0) {
    findings.push(
      verdict('pass', `templates changed since ${base}; version bumped ${previous} -> ${current} with a CHANGELOG entry.`),
    );
  }
  return findings;
}

/** The paths (relative to the chart) of a chart's `file://` dependencies, from its Chart.yaml text. */
export function localDependencyPaths(chartYaml: string): string[] {
  let dependencies: { repository?: unknown }[] = [];
  try {
    const meta = parseYaml(chartYaml) as { dependencies?: unknown } | null;
    if (Array.isArray(meta?.dependencies)) dependencies = meta.dependencies as { repository?: unknown }[];
  } catch {
    return [];
  }
  return dependencies
    .map((d) =>
      typeof d.repository === 'string' && d.repository.startsWith('file://') ? d.repository.slice('file://'.length) : null,
    )
    .filter((dir): dir is string => dir !== null);
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The charts validate checks, and failing findings for any it was told about but cannot check:
 * todoctl.yaml's releases[].chart (plus the local libraries they depend on) when given, else
 * every chart of the repository.
 */
export function locateCharts(
  root: string,
  files: readonly string[],
  options: { charts?: string[] | undefined; chartsSource?: string | undefined },
  catalog: Catalog,
): { charts: ChartInfo[]; findings: Finding[]; unchecked: string[] } {
  const discovered = discoverCharts(root, files);
  if (!options.charts) return { charts: discovered, findings: [], unchecked: [] };
  const render = ruleById(catalog, 'TODO-HELM-002');
  const source = options.chartsSource ?? 'todoctl.yaml';
  const findings: Finding[] = [];
  const dirs: string[] = [];
  const queue = options.charts.map((dir, index) => ({
    dir: posix.normalize(dir.replace(/\\/g, '/')).replace(/\/$/, ''),
    index: index as number | null,
  }));
  let sourceText: string | null | undefined;
  const lineOf = (index: number | null) => {
    if (index === null) return 1;
    if (sourceText === undefined) sourceText = existsSync(join(root, source)) ? readFileSync(join(root, source), 'utf8') : null;
    return sourceText === null ? 1 : lineOfYamlPath(sourceText, ['releases', index, 'chart']);
  };
  while (queue.length > 0) {
    const { dir, index } = queue.shift()!;
    if (dirs.includes(dir)) continue;
    const chartYaml = join(root, dir, 'Chart.yaml');
    if (dir.startsWith('..') || isAbsolute(dir) || !existsSync(chartYaml)) {
      const nearby = discovered.map((c) => c.dir).filter((d) => posix.basename(d) === posix.basename(dir));
      findings.push(
        finding(render, {
          status: 'fail',
          file: source,
          line: lineOf(index),
          resource: dir,
          env: null,
          message: `${source} deploys the chart ${dir}, but ${dir}/Chart.yaml does not exist in this repository, so it was not checked.`,
          fix:
            nearby.length > 0
              ? `Point releases[].chart at ${nearby.join(' or ')} in ${source}.`
              : `Point releases[].chart in ${source} at a folder holding a Chart.yaml (charts found: ${discovered.map((c) => c.dir).join(', ') || 'none'}).`,
        }),
      );
      continue;
    }
    dirs.push(dir);
    for (const dep of localDependencyPaths(readFileSync(chartYaml, 'utf8')))
      queue.push({ dir: posix.normalize(posix.join(dir, dep)), index: null });
  }
  const charts = dirs.sort().map((dir) => chartAt(root, dir));
  const unchecked = discovered.map((c) => c.dir).filter((d) => !dirs.includes(d));
  return { charts, findings, unchecked };
}

/**
 * TODO-HELM-007: a chart that ships a rule catalog (the infrastructure chart turns it into
 * ValidatingAdmissionPolicies) ships the very catalog validate judges by.
 */
export function checkPolicyCopies(
  root: string,
  chart: ChartInfo,
  files: readonly string[],
  catalogPath: string,
  catalog: Catalog,
): Finding[] {
  const rule = catalog.rules.find((r) => r.id === 'TODO-HELM-007');
  if (!rule) return [];
  const inChart = files.filter(
    (f) => f.startsWith(`${chart.dir}/`) && /\.ya?ml$/.test(f) && !f.startsWith(`${chart.dir}/templates/`),
  );
  let source: string | null = null;
  const findings: Finding[] = [];
  for (const file of inChart) {
    let text: string;
    try {
      text = readFileSync(join(root, file), 'utf8');
    } catch {
      continue;
    }
    if (!/^kind:\s*RuleCatalog\s*$/m.test(text)) continue;
    source ??= readFileSync(catalogPath, 'utf8');
    const same = text === source;
    const catalogName = catalogPath.startsWith(root) ? relative(root, catalogPath) : 'the catalog todoctl ships';
    findings.push(
      finding(rule, {
        status: same ? 'pass' : 'fail',
        file,
        line: same ? 1 : firstDifferentLine(text, source),
        resource: chart.name,
        chart: chart.name,
        env: null,
        message: same
          ? `${file} is the same catalog as ${catalogName}.`
          : `${file} differs from ${catalogName} (from line ${firstDifferentLine(text, source)}): the cluster would enforce other rules than validate.`,
      }),
    );
  }
  return findings;
}

function firstDifferentLine(a: string, b: string): number {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) return i + 1;
  return 1;
}
