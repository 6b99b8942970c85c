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

/** Charts under <root>/charts (directories with a Chart.yaml). */
export function discoverCharts(root: string): ChartInfo[] {
  const chartsDir = join(root, 'charts');
  if (!existsSync(chartsDir)) return [];
  return readdirSync(chartsDir)
    .filter((name) => existsSync(join(chartsDir, name, 'Chart.yaml')))
    .sort()
    .map((name) => {
      let meta: { type?: unknown; dependencies?: unknown } = {};
      try {
        meta = (parseYaml(readFileSync(join(chartsDir, name, 'Chart.yaml'), 'utf8')) ?? {}) as typeof meta;
      } catch {
        // checkChartStructure reports the broken Chart.yaml with its line
      }
      return {
        name,
        dir: `charts/${name}`,
        ...(meta.type === 'library' ? { library: true } : {}),
        ...(Array.isArray(meta.dependencies) && meta.dependencies.length > 0 ? { hasDependencies: true } : {}),
      };
    });
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

/** TODO-HELM-003 (structure, SemVer) and TODO-HELM-005 (pinned dependencies). */
export function checkChartStructure(root: string, chart: ChartInfo, envs: Env[], catalog: Catalog): Finding[] {
  const structure = ruleById(catalog, 'TODO-HELM-003');
  const deps = ruleById(catalog, 'TODO-HELM-005');
  const findings: Finding[] = [];
  const chartYamlPath = `${chart.dir}/Chart.yaml`;
  const text = readFileSync(join(root, chartYamlPath), 'utf8');
  const problems: { file: string; line: number; message: string }[] = [];
  let meta: Record<string, unknown> = {};
  try {
    meta = (parseYaml(text) ?? {}) as Record<string, unknown>;
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
  // A library chart holds named templates only: it is never installed, so it has no values per
  // environment, no NOTES, no test hook and no chart-testing values of its own.
  const required = chart.library
    ? ['CHANGELOG.md']
    : [
        'values.yaml',
        'values.schema.json',
        'templates/_helpers.tpl',
        'templates/NOTES.txt',
        ...envs.map((e) => `values-${e}.yaml`),
      ];
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
  const testsDir = join(root, chart.dir, 'templates/tests');
  if (!chart.library && (!existsSync(testsDir) || readdirSync(testsDir).length === 0)) {
    problems.push({
      file: `${chart.dir}/templates/tests`,
      line: 1,
      message: 'no helm test hook: add templates/tests/<name>.yaml with helm.sh/hook: test',
    });
  }
  const ciDir = join(root, chart.dir, 'ci');
  if (!chart.library && (!existsSync(ciDir) || !readdirSync(ciDir).some((f) => f.endsWith('-values.yaml')))) {
    problems.push({ file: `${chart.dir}/ci`, line: 1, message: 'no ci/*-values.yaml files for chart-testing' });
  }
  const helpersPath = join(root, chart.dir, 'templates/_helpers.tpl');
  if (!chart.library && existsSync(helpersPath)) {
    const helpers = readFileSync(helpersPath, 'utf8');
    for (const name of ['name', 'fullname', 'labels', 'selectorLabels', 'validateValues']) {
      if (!helpers.includes(`define "${chart.name}.${name}"`)) {
        problems.push({
          file: `${chart.dir}/templates/_helpers.tpl`,
          line: 1,
          message: `named template "${chart.name}.${name}" is not defined`,
        });
      }
    }
  }
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
 * `helm template` of a chart for an environment as validate renders it, and as the committed
 * renders (scripts/render-charts.mjs) are made: the environment's values file, the release name
 * and namespace of todoctl.yaml, the CRD-guarded templates included.
 */
export function renderChart(
  deps: RenderDeps,
  root: string,
  chart: ChartInfo,
  env: Env,
  target: RenderTarget,
): Promise<RunResult> {
  const chartDir = join(root, chart.dir);
  return deps.helm.template(target.release, chartDir, {
    namespace: target.namespace,
    valuesFiles: [join(chartDir, `values-${env}.yaml`)],
    apiVersions: RENDER_API_VERSIONS,
    kubeVersion: deps.kubeVersion,
  });
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
    const envValues = `${chart.dir}/${valuesFile}`;
    for (const candidate of [envValues, `${chart.dir}/values.yaml`]) {
      const text = files.read(candidate);
      if (text && lineOfKey(text, pointer[pointer.length - 1] ?? '') !== null)
        return { file: candidate, line: lineOfYamlPath(text, pointer) };
    }
    return { file: envValues, line: 1 };
  }
  if (isAbsolute(problem.source)) {
    const rel = relative(root, problem.source);
    return { file: rel.startsWith('..') ? `${chart.dir}/${valuesFile}` : rel, line: Math.max(1, problem.line) };
  }
  const source = problem.source.startsWith(`${chart.name}/`)
    ? `${chart.dir}/${problem.source.slice(chart.name.length + 1)}`
    : problem.source;
  return { file: existsSync(join(root, source)) ? source : `${chart.dir}/${valuesFile}`, line: Math.max(1, problem.line) };
}

/**
 * TODO-HELM-001 (lint) and TODO-HELM-002 (template) for one chart and environment, then every
 * manifest rule on the rendered objects. MissingToolError (helm missing) propagates to the caller.
 */
export async function validateChartEnv(
  deps: RenderDeps,
  root: string,
  chart: ChartInfo,
  env: Env,
  target: RenderTarget,
  catalog: Catalog,
  evaluator: CelRuleEvaluator,
  files: FileCache,
): Promise<Finding[]> {
  const lint = ruleById(catalog, 'TODO-HELM-001');
  const render = ruleById(catalog, 'TODO-HELM-002');
  const valuesFile = `values-${env}.yaml`;
  const base = { resource: chart.name, chart: chart.name, env };
  if (!existsSync(join(root, chart.dir, valuesFile))) {
    const message = `${chart.name}: ${valuesFile} is missing, so the chart cannot be rendered for ${env}.`;
    return [
      finding(render, {
        ...base,
        status: 'fail',
        file: `${chart.dir}/${valuesFile}`,
        line: 1,
        message,
        fix: `Create ${chart.dir}/${valuesFile} with the ${env} overrides.`,
      }),
      finding(lint, { ...base, status: 'not-evaluated', file: `${chart.dir}/${valuesFile}`, line: 1, message }),
    ];
  }
  const chartDir = join(root, chart.dir);
  const valuesPath = join(chartDir, valuesFile);
  const [lintResult, templateResult] = await Promise.all([
    deps.helm.lint(chartDir, { valuesFiles: [valuesPath], kubeVersion: deps.kubeVersion }),
    renderChart(deps, root, chart, env, target),
  ]);
  const findings: Finding[] = [];
  const failAt = (rule: Rule, where: { file: string; line: number }, message: string) =>
    finding(rule, { ...base, status: 'fail', file: where.file, line: where.line, message });
  /** A verdict on the whole chart for this environment, at line 1 of `file`. */
  const onChart = (rule: Rule, status: Finding['status'], file: string, message: string) =>
    finding(rule, { ...base, status, file, line: 1, message });

  if (lintResult.exitCode === 0) {
    findings.push(onChart(lint, 'pass', `${chart.dir}/Chart.yaml`, `helm lint --strict passes for ${chart.name} (${env}).`));
  } else {
    const output = `${lintResult.stdout}\n${lintResult.stderr}`;
    // A schema violation spans several lines; report it once, at the key in the environment's values file.
    const schemaProblems = /values don't meet the specifications/.test(output)
      ? parseHelmError(output, chart.name, valuesFile)
      : [];
    for (const problem of schemaProblems) {
      const where = problemLocation(root, chart, valuesFile, problem, files);
      const detail = /at '[^']*'[^\n]*/.exec(output)?.[0] ?? 'values do not match values.schema.json';
      findings.push(failAt(lint, where, `helm lint (${env}): ${detail}`));
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
              file: `${chart.dir}/${fileMatch[1]}`,
              line: problem.line > 0 && problem.source.includes(fileMatch[1]) ? problem.line : 1,
            }
          : problemLocation(root, chart, valuesFile, problem, files);
      findings.push(failAt(lint, where, `helm lint (${env}): ${line.trim()}`));
    }
  }

  if (templateResult.exitCode !== 0) {
    for (const problem of parseHelmError(templateResult.stderr, chart.name, valuesFile)) {
      const where = problemLocation(root, chart, valuesFile, problem, files);
      findings.push(failAt(render, where, `${chart.name} does not render for ${env}: ${problem.message}`));
    }
    // Manifest rules cannot run without rendered objects.
    const message = `manifest rules were not evaluated for ${chart.name} (${env}) because the chart does not render.`;
    findings.push(onChart(render, 'not-evaluated', `${chart.dir}/${valuesFile}`, message));
    return findings;
  }
  const { objects, problems } = parseRendered(templateResult.stdout);
  for (const problem of problems) {
    const where = problemLocation(root, chart, valuesFile, problem, files);
    findings.push(failAt(render, where, `${chart.name} (${env}): ${problem.message}`));
  }
  if (problems.length === 0) {
    const message = `helm template renders ${objects.length} objects for ${chart.name} (${env}).`;
    findings.push(onChart(render, 'pass', `${chart.dir}/Chart.yaml`, message));
  }
  const parent = chart.dir.slice(0, chart.dir.length - chart.name.length);
  findings.push(
    ...evaluateManifests(
      catalog,
      evaluator,
      {
        objects: objects.map((o) => ({ object: o.object, file: o.source ? `${parent}${o.source}` : `${chart.dir}/Chart.yaml` })),
        env,
        chart: chart.name,
        valuesFiles: [`${chart.dir}/${valuesFile}`, `${chart.dir}/values.yaml`],
      },
      files,
    ),
  );
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
