import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_CATALOG, loadCatalog, type Catalog } from './catalog.js';
import { CelRuleEvaluator } from './cel.js';
import { checkChartStructure, checkVersionBump, validateChartEnv, type ChartInfo } from './charts.js';
import { batchHelmEnv, parseHelmError, parseRendered } from './helm.js';
import { FileCache } from './locate.js';
import type { RunResult, Runner } from './types.js';

const ROOT = fileURLToPath(new URL('../../../test/fixtures/policy/', import.meta.url));
const good: ChartInfo = { name: 'good', dir: 'charts/good' };
const broken: ChartInfo = { name: 'broken-structure', dir: 'charts/broken-structure' };
let catalog: Catalog;
let evaluator: CelRuleEvaluator;
beforeAll(async () => {
  catalog = await loadCatalog(BUNDLED_CATALOG);
  evaluator = new CelRuleEvaluator(catalog);
});

/** A scripted runner: each handler answers matching argv; anything else fails the test. */
function scripted(
  handlers: { match: (cmd: string, args: string[]) => boolean; result: RunResult }[],
): Runner & { calls: string[][] } {
  const calls: string[][] = [];
  const run = (async (cmd: string, args: string[]) => {
    calls.push([cmd, ...args]);
    const handler = handlers.find((h) => h.match(cmd, args));
    if (!handler) throw new Error(`unscripted call: ${cmd} ${args.join(' ')}`);
    return handler.result;
  }) as Runner & { calls: string[][] };
  run.calls = calls;
  return run;
}
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
    expect(messages).toContain('no helm test hook');
    expect(messages).toContain('named template "broken-structure.fullname" is not defined');
    expect(findings.find((f) => f.rule === 'TODO-HELM-005')).toMatchObject({ status: 'fail', line: 6 });
  });
});

describe('helm lint and template per environment (TODO-HELM-001, TODO-HELM-002)', () => {
  const files = () => new FileCache(ROOT);

  it('evaluates manifest rules on rendered objects and points at the template line', async () => {
    const run = scripted([
      { match: (_c, a) => a[0] === 'lint', result: ok('1 chart(s) linted, 0 chart(s) failed') },
      { match: (_c, a) => a[0] === 'template', result: ok(RENDERED) },
    ]);
    const findings = await validateChartEnv({ run, helm: 'helm' }, ROOT, good, 'staging', catalog, evaluator, files());
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
    const template = run.calls.find((c) => c[1] === 'template')!;
    expect(template).toEqual(expect.arrayContaining(['--namespace', 'todo-staging', '-f']));
  });

  it('turns a template execution error into a finding at the template line', async () => {
    const run = scripted([
      {
        match: (_c, a) => a[0] === 'lint',
        result: failed(
          'Error: 1 chart(s) linted, 1 chart(s) failed',
          '==> Linting\n[ERROR] templates/deployment.yaml: execution error at (good/templates/deployment.yaml:7:3): boom\n',
        ),
      },
      {
        match: (_c, a) => a[0] === 'template',
        result: failed(
          'Error: execution error at (good/templates/deployment.yaml:7:3): boom\n\nUse --debug flag to render out invalid YAML\n',
        ),
      },
    ]);
    const findings = await validateChartEnv({ run, helm: 'helm' }, ROOT, good, 'dev', catalog, evaluator, files());
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
    const run = scripted([
      { match: (_c, a) => a[0] === 'lint', result: failed(schemaError) },
      { match: (_c, a) => a[0] === 'template', result: failed(schemaError) },
    ]);
    const findings = await validateChartEnv({ run, helm: 'helm' }, ROOT, good, 'prod', catalog, evaluator, files());
    expect(findings.find((f) => f.rule === 'TODO-HELM-002' && f.status === 'fail')).toMatchObject({
      file: 'charts/good/values-prod.yaml',
      line: 3,
    });
  });

  it('reports a missing values file without running helm', async () => {
    const run = scripted([]);
    const findings = await validateChartEnv({ run, helm: 'helm' }, ROOT, broken, 'dev', catalog, evaluator, files());
    expect(findings[0]).toMatchObject({
      rule: 'TODO-HELM-002',
      status: 'fail',
      file: 'charts/broken-structure/values-dev.yaml',
      line: 1,
    });
    expect(run.calls).toEqual([]);
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

describe('batchHelmEnv', () => {
  it('turns the Go GC off under a memory cap for the helm batch', () => {
    expect(batchHelmEnv({ PATH: '/usr/bin' })).toEqual({ GOGC: 'off', GOMEMLIMIT: '512MiB' });
  });

  it('leaves a GOGC or GOMEMLIMIT the user set alone', () => {
    expect(batchHelmEnv({ GOGC: '100' })).toEqual({});
    expect(batchHelmEnv({ GOMEMLIMIT: '2GiB' })).toEqual({});
  });

  it('is passed to every helm process validateChartEnv starts', async () => {
    const seen: (Record<string, string | undefined> | undefined)[] = [];
    const run: Runner = async (_cmd, args, opts) => {
      seen.push(opts?.env);
      return args[0] === 'template' ? { exitCode: 0, stdout: RENDERED, stderr: '' } : { exitCode: 0, stdout: '', stderr: '' };
    };
    const helmEnv = batchHelmEnv({});
    await validateChartEnv({ run, helm: 'helm', helmEnv }, ROOT, good, 'dev', catalog, evaluator, new FileCache(ROOT));
    expect(seen).toEqual([helmEnv, helmEnv]);
  });
});

describe('version bump (TODO-HELM-004)', () => {
  const git = (overrides: Record<string, RunResult>) =>
    scripted([
      ...Object.entries(overrides).map(([prefix, result]) => ({
        match: (_c: string, a: string[]) => a.join(' ').startsWith(prefix),
        result,
      })),
      { match: (_c, a) => a[0] === 'ls-files', result: ok('') },
    ]);

  it('is not evaluated without --base', async () => {
    const findings = await checkVersionBump(scripted([]), 'git', ROOT, good, undefined, catalog);
    expect(findings).toEqual([expect.objectContaining({ rule: 'TODO-HELM-004', status: 'not-evaluated' })]);
  });

  it('passes when templates did not change', async () => {
    const run = git({ 'rev-parse': ok('abc'), diff: ok('') });
    expect((await checkVersionBump(run, 'git', ROOT, good, 'main', catalog))[0]).toMatchObject({ status: 'pass' });
  });

  it('passes a bumped version with a CHANGELOG entry', async () => {
    const run = git({
      'rev-parse': ok('abc'),
      diff: ok('charts/good/templates/deployment.yaml\n'),
      show: ok('apiVersion: v2\nname: good\nversion: 1.1.0\n'),
    });
    expect(await checkVersionBump(run, 'git', ROOT, good, 'main', catalog)).toEqual([
      expect.objectContaining({ status: 'pass', message: expect.stringContaining('1.1.0 -> 1.2.0') }),
    ]);
  });

  it('fails when templates changed but the version did not, at the version line', async () => {
    const run = git({
      'rev-parse': ok('abc'),
      diff: ok('charts/good/templates/deployment.yaml\n'),
      show: ok('apiVersion: v2\nname: good\nversion: 1.2.0\n'),
    });
    const findings = await checkVersionBump(run, 'git', ROOT, good, 'main', catalog);
    expect(findings).toEqual([expect.objectContaining({ status: 'fail', file: 'charts/good/Chart.yaml', line: 3 })]);
  });

  it('fails when the CHANGELOG has no entry for the new version', async () => {
    const run = git({
      'rev-parse': ok('abc'),
      diff: ok('charts/broken-structure/templates/_helpers.tpl\n'),
      show: ok('version: 0.9.0\n'),
    });
    const chart: ChartInfo = { name: 'good', dir: 'charts/good' };
    const findings = await checkVersionBump(run, 'git', ROOT, { ...chart }, 'main', catalog);
    expect(findings.every((f) => f.status === 'pass')).toBe(true);
    const noChangelog = await checkVersionBump(run, 'git', ROOT, broken, 'main', catalog);
    expect(noChangelog.map((f) => f.file)).toContain('charts/broken-structure/CHANGELOG.md');
  });

  it('is not evaluated for an unknown base ref', async () => {
    const run = git({ 'rev-parse': failed('fatal: bad revision') });
    expect((await checkVersionBump(run, 'git', ROOT, good, 'nope', catalog))[0]).toMatchObject({ status: 'not-evaluated' });
  });
});
