import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_CATALOG, loadCatalog, type Catalog } from './catalog.js';
import { CelRuleEvaluator } from './cel.js';
import { FakeRunner } from '../../test/helpers/fake-runner.js';
import { GitClient } from '../clients/git.js';
import { shortRunGoEnv } from '../clients/go-env.js';
import { HelmClient } from '../clients/helm.js';
import { RENDER_KUBE_VERSION } from '../project.js';
import type { RunResult } from '../runtime/runner.js';
import {
  checkChartStructure,
  checkVersionBump,
  discoverCharts,
  renderJobs,
  validateChartEnv,
  type ChartInfo,
  type RenderJob,
} from './charts.js';
import { FileCache } from './locate.js';
import { parseHelmError, parseRendered } from './render.js';

const ROOT = fileURLToPath(new URL('../../../test/fixtures/policy/', import.meta.url));
const good: ChartInfo = { name: 'good', dir: 'charts/good' };
const broken: ChartInfo = { name: 'broken-structure', dir: 'charts/broken-structure' };
let catalog: Catalog;
let evaluator: CelRuleEvaluator;
beforeAll(async () => {
  catalog = await loadCatalog(BUNDLED_CATALOG);
  evaluator = new CelRuleEvaluator(catalog);
});

/** helm answering lint and template (in any order, as validate runs them side by side). */
const helmRunner = (lint: RunResult, template: RunResult) =>
  new FakeRunner().on('helm', ['lint'], lint).on('helm', ['template'], template);
const renderDeps = (runner: FakeRunner) => ({ helm: new HelmClient(runner), kubeVersion: RENDER_KUBE_VERSION });
const target = (env: string) => ({ release: 'good-release', namespace: `team-${env}` });
/** The render validate runs for an environment of a chart that has values-<env>.yaml. */
const envJob = (env: 'dev' | 'staging' | 'prod'): RenderJob => ({ env, valuesFiles: [`values-${env}.yaml`], label: env });
const ok = (stdout = ''): RunResult => ({ exitCode: 0, stdout, stderr: '' });
const failed = (stderr: string, stdout = ''): RunResult => ({ exitCode: 1, stdout, stderr });

const RENDERED = `---
# Source: good/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: good
spec:
  template:
    spec:
      containers:
        - name: app
          image: "todo-backend:latest"
`;

describe('chart structure (TODO-HELM-003, TODO-HELM-005)', () => {
  it('passes a complete chart with pinned dependencies', () => {
    const findings = checkChartStructure(ROOT, good, ['dev', 'staging', 'prod'], catalog);
    expect(findings.map((f) => [f.rule, f.status])).toEqual([
      ['TODO-HELM-006', 'pass'],
      ['TODO-HELM-003', 'pass'],
      ['TODO-HELM-005', 'pass'],
    ]);
  });

  it('names every missing piece with its file', () => {
    const findings = checkChartStructure(ROOT, broken, ['dev', 'staging', 'prod'], catalog);
    const structure = findings.filter((f) => f.rule === 'TODO-HELM-003');
    expect(structure.every((f) => f.status === 'fail')).toBe(true);
    const messages = structure.map((f) => `${f.file}:${f.line} ${f.message}`).join('\n');
    expect(messages).toContain('charts/broken-structure/Chart.yaml:3 broken-structure: version "v1.0" is not strict SemVer');
    expect(messages).toContain('appVersion is missing');
    expect(messages).toContain('charts/broken-structure/values-prod.yaml:1');
    expect(messages).toContain('values.schema.json is not valid JSON');
    // the chart conventions beyond the constitution's structure are a separate warning rule
    expect(messages).not.toContain('no helm test hook');
    expect(findings.filter((f) => f.rule === 'TODO-HELM-006').map((f) => [f.severity, f.status, f.file])).toContainEqual([
      'warning',
      'fail',
      'charts/broken-structure/templates/tests',
    ]);
    expect(findings.find((f) => f.rule === 'TODO-HELM-005')).toMatchObject({ status: 'fail', line: 6 });
  });
});

describe('chart discovery', () => {
  it('finds every Chart.yaml outside hidden and vendored folders, subcharts as part of their parent', () => {
    const files = [
      'helm/todo-chatbot/Chart.yaml',
      'helm/todo-chatbot/charts/postgresql/Chart.yaml',
      'deploy/api/Chart.yaml',
      '.github/charts/x/Chart.yaml',
      'node_modules/pkg/chart/Chart.yaml',
      'vendor/charts/y/Chart.yaml',
      'charts/good/Chart.yaml',
      'charts/good/values.yaml',
    ];
    expect(discoverCharts(ROOT, files).map((c) => c.dir)).toEqual(['charts/good', 'deploy/api', 'helm/todo-chatbot']);
  });

  it('names a chart after its Chart.yaml, not its folder', () => {
    expect(discoverCharts(ROOT, ['charts/good/Chart.yaml'])[0]).toMatchObject({ name: 'good', dir: 'charts/good' });
  });
});

describe('helm lint and template per environment (TODO-HELM-001, TODO-HELM-002)', () => {
  const files = () => new FileCache(ROOT);
  /** validateChartEnv on the good chart for an environment, helm answered by `run`. */
  const validateGood = (run: FakeRunner, env: 'dev' | 'staging' | 'prod') =>
    validateChartEnv(renderDeps(run), ROOT, good, envJob(env), target(env), catalog, evaluator, files());

  it('evaluates manifest rules on rendered objects and points at the template line', async () => {
    const run = helmRunner(ok('1 chart(s) linted, 0 chart(s) failed'), ok(RENDERED));
    const findings = await validateGood(run, 'staging');
    expect(findings.filter((f) => f.rule.startsWith('TODO-HELM')).map((f) => [f.rule, f.status])).toEqual([
      ['TODO-HELM-001', 'pass'],
      ['TODO-HELM-002', 'pass'],
    ]);
    const latest = findings.find((f) => f.rule === 'TODO-K8S-012')!;
    expect(latest).toMatchObject({
      status: 'fail',
      file: 'charts/good/templates/deployment.yaml',
      line: 10,
      resource: 'Deployment/good',
      env: 'staging',
      chart: 'good',
    });
    // the release name and namespace come from the render target (todoctl.yaml), not the chart
    const template = run.calls.find((c) => c.args[0] === 'template')!;
    expect(template.args.slice(0, 5)).toEqual(['template', 'good-release', `${ROOT}charts/good`, '--namespace', 'team-staging']);
    expect(template.args).toEqual(expect.arrayContaining(['--kube-version', RENDER_KUBE_VERSION]));
  });

  it('turns a template execution error into a finding at the template line', async () => {
    const run = helmRunner(
      failed(
        'Error: 1 chart(s) linted, 1 chart(s) failed',
        '==> Linting\n[ERROR] templates/deployment.yaml: execution error at (good/templates/deployment.yaml:7:3): boom\n',
      ),
      failed(
        'Error: execution error at (good/templates/deployment.yaml:7:3): boom\n\nUse --debug flag to render out invalid YAML\n',
      ),
    );
    const findings = await validateGood(run, 'dev');
    expect(findings.find((f) => f.rule === 'TODO-HELM-002' && f.status === 'fail')).toMatchObject({
      file: 'charts/good/templates/deployment.yaml',
      line: 7,
    });
    expect(findings.find((f) => f.rule === 'TODO-HELM-001')).toMatchObject({
      status: 'fail',
      file: 'charts/good/templates/deployment.yaml',
      line: 7,
    });
    expect(findings.find((f) => f.status === 'not-evaluated')?.message).toMatch(/does not render/);
    expect(findings.some((f) => f.rule.startsWith('TODO-K8S'))).toBe(false);
  });

  it('maps a values schema error to the key in the environment values file', async () => {
    const schemaError =
      "Error: values don't meet the specifications of the schema(s) in the following chart(s):\ngood:\n- at '/image/tag': 'latest' does not match pattern '^v'\n";
    const run = helmRunner(failed(schemaError), failed(schemaError));
    const findings = await validateGood(run, 'prod');
    expect(findings.find((f) => f.rule === 'TODO-HELM-002' && f.status === 'fail')).toMatchObject({
      file: 'charts/good/values-prod.yaml',
      line: 3,
    });
  });

  it('renders a chart without an environment file from values.yaml alone', async () => {
    const [job] = renderJobs(ROOT, broken, ['dev'], (env) => `values-${env}.yaml`);
    expect(job).toEqual({ env: 'dev', valuesFiles: [], label: 'dev' });
    const run = helmRunner(ok(), ok(RENDERED.replaceAll('good/', 'broken-structure/')));
    const findings = await validateChartEnv(renderDeps(run), ROOT, broken, job!, target('dev'), catalog, evaluator, files());
    // no -f: helm reads values.yaml by itself; the missing file is TODO-HELM-003's one finding
    expect(run.calls.every((c) => !c.args.includes('-f') && !c.args.includes('--values'))).toBe(true);
    expect(findings.filter((f) => f.rule === 'TODO-HELM-002').map((f) => f.status)).toEqual(['pass']);
    expect(findings.find((f) => f.rule === 'TODO-K8S-012')).toMatchObject({
      status: 'fail',
      file: 'charts/broken-structure/templates/deployment.yaml',
    });
  });

  it('renders every ci/*-values.yaml as well, without an environment', () => {
    const jobs = renderJobs(ROOT, good, ['dev', 'prod'], (env) =>
      env === 'prod' ? 'values-production.yaml' : `values-${env}.yaml`,
    );
    expect(jobs).toEqual([
      { env: 'dev', valuesFiles: ['values-dev.yaml'], label: 'dev' },
      // mapped in todoctl.yaml but absent: rendered from values.yaml alone
      { env: 'prod', valuesFiles: [], label: 'prod' },
      { env: null, valuesFiles: ['ci/default-values.yaml'], label: 'ci/default-values.yaml' },
    ]);
  });

  it('fails a render that produces no objects: no manifest rule ran', async () => {
    const run = helmRunner(ok(), ok('---\n# Source: good/templates/deployment.yaml\n'));
    const findings = await validateGood(run, 'dev');
    expect(findings.find((f) => f.rule === 'TODO-HELM-002')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('renders no Kubernetes objects'),
    });
  });

  it('parses helm output and errors', () => {
    const { objects, problems } = parseRendered(`${RENDERED}---\n# Source: good/templates/bad.yaml\nkind: [\n`);
    expect(objects.map((o) => o.source)).toEqual(['good/templates/deployment.yaml']);
    expect(problems[0]).toMatchObject({ source: 'good/templates/bad.yaml' });
    expect(typeof (objects[0]!.object.spec as { template: unknown }).template).toBe('object');
    expect(
      parseHelmError(
        'Error: YAML parse error on good/templates/x.yaml: error converting YAML to JSON: yaml: line 5: did not find expected key',
        'good',
        'values-dev.yaml',
      ),
    ).toEqual([expect.objectContaining({ source: 'good/templates/x.yaml', line: 5 })]);
    expect(
      parseHelmError('Error: parse error at (good/templates/x.yaml:12): unexpected "}" in operand', 'good', 'values-dev.yaml')[0],
    ).toMatchObject({ source: 'good/templates/x.yaml', line: 12 });
  });
});

describe('parseRendered typing', () => {
  const doc = (body: string) => parseRendered(`---\n# Source: good/templates/x.yaml\n${body}`);

  it('types scalars as the YAML 1.2 core schema does, with integers as bigint', () => {
    const { objects, problems } = doc(
      [
        'kind: ConfigMap',
        'spec:',
        '  replicas: 3',
        '  negative: -2',
        '  hex: 0x1F',
        '  octal: 0o17',
        '  ratio: 0.5',
        '  exp: 1e3',
        '  date: 2026-01-31',
        '  yes: yes',
        '  on: true',
        '  tilde: ~',
        '  quoted: "8080"',
      ].join('\n'),
    );
    expect(problems).toEqual([]);
    expect(objects[0]!.object.spec).toEqual({
      replicas: 3n,
      negative: -2n,
      hex: 31n,
      octal: 15n,
      ratio: 0.5,
      exp: 1000,
      // no YAML 1.1 timestamps or yes/no booleans: Kubernetes' YAML-to-JSON keeps these as strings
      date: '2026-01-31',
      yes: 'yes',
      on: true,
      tilde: null,
      quoted: '8080',
    });
  });

  it('lets a later duplicate key win instead of failing', () => {
    const { objects, problems } = doc('kind: Service\nmetadata:\n  name: a\n  name: b\n');
    expect(problems).toEqual([]);
    expect(objects[0]!.object.metadata).toEqual({ name: 'b' });
  });

  it('reports invalid YAML with the line inside the document', () => {
    const { objects, problems } = doc('kind: Service\nmetadata:\n  name: [a\n');
    expect(objects).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.source).toBe('good/templates/x.yaml');
    expect(problems[0]!.line).toBeGreaterThan(1);
    expect(problems[0]!.message).toMatch(/^rendered YAML is invalid: /);
  });
});

describe('the helm batch environment', () => {
  it('is passed to every helm process validateChartEnv starts', async () => {
    const run = helmRunner(ok(), ok(RENDERED));
    const helmEnv = shortRunGoEnv({});
    const deps = { helm: new HelmClient(run).withEnv(helmEnv), kubeVersion: RENDER_KUBE_VERSION };
    await validateChartEnv(deps, ROOT, good, envJob('dev'), target('dev'), catalog, evaluator, new FileCache(ROOT));
    expect(run.calls.map((c) => c.options?.env)).toEqual([helmEnv, helmEnv]);
  });
});

describe('version bump (TODO-HELM-004)', () => {
  const git = (overrides: Record<string, RunResult>) => {
    const runner = new FakeRunner();
    for (const [prefix, result] of Object.entries(overrides)) runner.on('git', (a) => a.join(' ').startsWith(prefix), result);
    return new GitClient(runner.on('git', ['ls-files'], ok('')));
  };

  it('is not evaluated without --base', async () => {
    const findings = await checkVersionBump(new GitClient(new FakeRunner()), ROOT, good, undefined, catalog);
    expect(findings).toEqual([expect.objectContaining({ rule: 'TODO-HELM-004', status: 'not-evaluated' })]);
  });

  it('passes when templates did not change', async () => {
    const run = git({ 'rev-parse': ok('abc'), diff: ok('') });
    expect((await checkVersionBump(run, ROOT, good, 'main', catalog))[0]).toMatchObject({ status: 'pass' });
  });

  /** git for a base that exists, where `files` changed and Chart.yaml was `previous`. */
  const changed = (files: string, previous: string) => git({ 'rev-parse': ok('abc'), diff: ok(files), show: ok(previous) });

  it('passes a bumped version with a CHANGELOG entry', async () => {
    const run = changed('charts/good/templates/deployment.yaml\n', 'apiVersion: v2\nname: good\nversion: 1.1.0\n');
    expect(await checkVersionBump(run, ROOT, good, 'main', catalog)).toEqual([
      expect.objectContaining({ status: 'pass', message: expect.stringContaining('1.1.0 -> 1.2.0') }),
    ]);
  });

  it('fails when templates changed but the version did not, at the version line', async () => {
    const run = changed('charts/good/templates/deployment.yaml\n', 'apiVersion: v2\nname: good\nversion: 1.2.0\n');
    const findings = await checkVersionBump(run, ROOT, good, 'main', catalog);
    expect(findings).toEqual([expect.objectContaining({ status: 'fail', file: 'charts/good/Chart.yaml', line: 3 })]);
  });

  it("counts a change in a file:// library's templates as a change of the chart", async () => {
    const runner = new FakeRunner()
      .on('git', ['rev-parse'], ok('abc'))
      .on('git', ['diff', '--name-only', 'main', '--', 'charts/common/templates'], ok('charts/common/templates/_labels.tpl\n'))
      .on('git', ['diff'], ok(''))
      .on('git', ['ls-files'], ok(''))
      .on('git', ['show'], ok('apiVersion: v2\nname: good\nversion: 1.2.0\n'));
    const findings = await checkVersionBump(new GitClient(runner), ROOT, good, 'main', catalog);
    expect(findings).toEqual([
      expect.objectContaining({ status: 'fail', message: expect.stringContaining('charts/common/templates/_labels.tpl') }),
    ]);
  });

  it('fails when the CHANGELOG has no entry for the new version', async () => {
    const run = changed('charts/broken-structure/templates/_helpers.tpl\n', 'version: 0.9.0\n');
    const chart: ChartInfo = { name: 'good', dir: 'charts/good' };
    const findings = await checkVersionBump(run, ROOT, { ...chart }, 'main', catalog);
    expect(findings.every((f) => f.status === 'pass')).toBe(true);
    const noChangelog = await checkVersionBump(run, ROOT, broken, 'main', catalog);
    expect(noChangelog.map((f) => f.file)).toContain('charts/broken-structure/CHANGELOG.md');
  });

  it('is not evaluated for an unknown base ref', async () => {
    const run = git({ 'rev-parse': failed('fatal: bad revision') });
    expect((await checkVersionBump(run, ROOT, good, 'nope', catalog))[0]).toMatchObject({ status: 'not-evaluated' });
  });
});
