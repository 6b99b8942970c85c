import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  catalogSchema,
  exemptionsFileSchema,
  loadCatalog,
  parseYamlFile,
  parseYamlFileWithPositions,
  PolicyFileError,
} from './catalog.js';
import { applyExemptions, globToRegExp } from './exemptions.js';
import { FakeRunner } from '../../test/helpers/fake-runner.js';
import { GitClient } from '../clients/git.js';
import { HelmClient } from '../clients/helm.js';
import { RENDER_KUBE_VERSION } from '../project.js';
import { exitCodeFor, formatJunit, formatSarif, formatText, reportData } from './format.js';
import {
  BUNDLED_CATALOG,
  listRules,
  validateRepository,
  type Finding,
  type ValidateOptions,
  type ValidationReport,
} from './index.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/policy/', import.meta.url));

const finding = (over: Partial<Finding> = {}): Finding => ({
  rule: 'TODO-K8S-006',
  status: 'fail',
  severity: 'error',
  file: 'charts/todo-backend/values.yaml',
  line: 42,
  resource: 'Deployment/todo-backend',
  env: 'prod',
  chart: 'todo-backend',
  message: 'Deployment/todo-backend (prod) violates "Containers have a read-only root filesystem".',
  fix: 'Set securityContext.readOnlyRootFilesystem: true.',
  ...over,
});

function report(findings: Finding[]): ValidationReport {
  const count = (s: Finding['status']) => findings.filter((f) => f.status === s).length;
  return {
    summary: {
      total: findings.length,
      pass: count('pass'),
      fail: count('fail'),
      exempt: count('exempt'),
      notEvaluated: count('not-evaluated'),
      failBySeverity: { error: count('fail'), warning: 0, note: 0 },
      rules: 52,
      charts: ['todo-backend'],
      envs: ['prod'],
      durationMs: 12,
    },
    findings,
    toolErrors: [],
    warnings: [],
    rules: [],
  };
}

describe('rule catalog', () => {
  it('loads, has unique ids and a CEL expression for every manifest rule', async () => {
    const rules = await listRules();
    expect(rules.length).toBeGreaterThan(40);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    expect(rules.filter((r) => r.scope === 'manifest').every((r) => r.cel && r.kinds)).toBe(true);
    expect(new Set(rules.map((r) => r.scope))).toEqual(new Set(['manifest', 'dockerfile', 'repo', 'chart', 'image']));
  });

  it('is the same file the infrastructure chart turns into admission policies', () => {
    const source = readFileSync(`${REPO}policies/rules.yaml`, 'utf8');
    const chartCopy = readFileSync(`${REPO}charts/todo-infrastructure/files/rules.yaml`, 'utf8');
    expect(chartCopy, 'run node scripts/sync-policies.mjs').toBe(source);
  });

  it('admission rules use only object and variables', async () => {
    const catalog = await loadCatalog(BUNDLED_CATALOG);
    for (const rule of catalog.rules.filter((r) => r.admission)) {
      expect(rule.cel, rule.id).not.toMatch(/(?<![.\w])(objects|env)\b/);
      for (const kind of rule.kinds ?? []) expect(catalog.kinds[kind], `${rule.id} kind ${kind}`).toBeDefined();
    }
  });

  it('reports schema errors with file and line', () => {
    const text = 'apiVersion: todoctl.dev/v1\nkind: RuleCatalog\nrules:\n  - id: K8S-1\n    title: x\n';
    expect(() => parseYamlFile(text, 'policies/rules.yaml', catalogSchema)).toThrow(PolicyFileError);
    try {
      parseYamlFile(text, 'policies/rules.yaml', catalogSchema);
    } catch (error) {
      expect((error as PolicyFileError).line).toBe(4);
      expect((error as Error).message).toMatch(/^policies\/rules.yaml:4: rules.0.id/);
    }
    expect(() => parseYamlFile('a: [', 'x.yaml', catalogSchema)).toThrow(/x.yaml:1: invalid YAML/);
  });

  it('reads the bundled catalog and exemptions the same on the fast and the positioned path', () => {
    const catalogText = readFileSync(BUNDLED_CATALOG, 'utf8');
    expect(parseYamlFile(catalogText, 'rules.yaml', catalogSchema)).toEqual(
      parseYamlFileWithPositions(catalogText, 'rules.yaml', catalogSchema),
    );
    const exemptionsText = readFileSync(BUNDLED_CATALOG.replace(/rules\.yaml$/, 'exemptions.yaml'), 'utf8');
    expect(parseYamlFile(exemptionsText, 'exemptions.yaml', exemptionsFileSchema)).toEqual(
      parseYamlFileWithPositions(exemptionsText, 'exemptions.yaml', exemptionsFileSchema),
    );
  });

  it('reports a duplicate key with its line', () => {
    const text = 'apiVersion: todoctl.dev/v1\nkind: RuleCatalog\nkind: RuleCatalog\nrules: []\n';
    expect(() => parseYamlFile(text, 'policies/rules.yaml', catalogSchema)).toThrow(
      /^policies\/rules.yaml:3: duplicate key "kind" at lines 2 and 3/,
    );
  });

  it('rejects an admission rule that needs other objects', () => {
    const bad = parse(readFileSync(BUNDLED_CATALOG, 'utf8')) as { rules: { id: string; admission?: boolean }[] };
    bad.rules.find((r) => r.id === 'TODO-K8S-040')!.admission = true;
    expect(catalogSchema.safeParse(bad).success).toBe(false);
  });
});

describe('exemptions', () => {
  const now = new Date('2026-11-26T00:00:00Z');
  const ids = new Set(['TODO-K8S-006', 'TODO-DKR-004']);

  it('marks matching failures exempt and keeps them in the report', () => {
    const result = applyExemptions(
      [
        finding(),
        finding({ rule: 'TODO-DKR-004', file: 'apps/web/Dockerfile', resource: 'apps/web/Dockerfile' }),
        finding({ status: 'pass' }),
      ],
      [
        {
          rule: 'TODO-K8S-006',
          target: 'charts/todo-backend/**',
          reason: 'writable cache until ISSUE-9 lands',
          expires: '2026-12-31',
        },
      ],
      ids,
      now,
    );
    expect(result.findings.map((f) => f.status)).toEqual(['exempt', 'fail', 'pass']);
    expect(result.findings[0]!.exemption).toEqual({
      reason: 'writable cache until ISSUE-9 lands',
      expires: '2026-12-31',
      target: 'charts/todo-backend/**',
    });
    expect(result.warnings).toEqual([]);
  });

  it('stops applying an expired exemption and says so', () => {
    const result = applyExemptions(
      [finding()],
      [
        {
          rule: 'TODO-K8S-006',
          target: 'Deployment/todo-backend',
          reason: 'temporary until the cache moves',
          expires: '2026-11-25',
        },
      ],
      ids,
      now,
    );
    expect(result.findings[0]!.status).toBe('fail');
    expect(result.warnings).toEqual([expect.stringMatching(/expired on 2026-11-25/)]);
  });

  it('matches resources and chart names, and warns about unknown rules', () => {
    const byResource = applyExemptions(
      [finding()],
      [{ rule: 'TODO-K8S-006', target: 'Deployment/*', reason: 'every deployment for now', expires: '2027-01-01' }],
      ids,
      now,
    );
    expect(byResource.findings[0]!.status).toBe('exempt');
    const unknown = applyExemptions(
      [finding()],
      [{ rule: 'TODO-X-001', target: '**', reason: 'does not exist at all', expires: '2027-01-01' }],
      ids,
      now,
    );
    expect(unknown.warnings[0]).toMatch(/unknown rule TODO-X-001/);
  });

  it('globs', () => {
    expect(globToRegExp('charts/**/values.yaml').test('charts/todo-backend/values.yaml')).toBe(true);
    expect(globToRegExp('charts/*.yaml').test('charts/a/b.yaml')).toBe(false);
    expect(globToRegExp('**').test('anything/at/all')).toBe(true);
  });

  it('validates the exemptions file shape, including the expiry date', () => {
    expect(
      exemptionsFileSchema.safeParse({
        apiVersion: 'todoctl.dev/v1',
        kind: 'RuleExemptions',
        exemptions: [{ rule: 'TODO-K8S-006', target: 'x', reason: 'because of reasons', expires: 'soon' }],
      }).success,
    ).toBe(false);
    const parsed = parseYamlFile(
      readFileSync(`${REPO}policies/exemptions.yaml`, 'utf8'),
      'policies/exemptions.yaml',
      exemptionsFileSchema,
    );
    // every exemption the repository carries has a reason and a date it ends
    expect(parsed.exemptions.map((e) => e.rule)).toEqual(['TODO-IMG-002', 'TODO-IMG-002', 'TODO-IMG-002']);
  });
});

describe('formatters', () => {
  const sample = report([
    finding(),
    finding({
      status: 'exempt',
      rule: 'TODO-K8S-014',
      severity: 'warning',
      exemption: { reason: 'r & <d>', expires: '2027-01-01', target: 't' },
    }),
    finding({ status: 'pass', line: 1 }),
  ]);

  it('json has summary and findings with the documented fields', () => {
    const json = JSON.parse(JSON.stringify(reportData(sample))) as { summary: unknown; findings: Record<string, unknown>[] };
    expect(json.summary).toMatchObject({ total: 3, fail: 1, exempt: 1, pass: 1 });
    for (const key of ['rule', 'status', 'severity', 'file', 'line', 'resource', 'env', 'message', 'fix'])
      expect(json.findings[0]).toHaveProperty(key);
  });

  it('sarif is 2.1.0 with rules, regions, fingerprints and suppressions', async () => {
    const rules = await listRules();
    const sarif = JSON.parse(formatSarif(sample, rules)) as {
      version: string;
      $schema: string;
      runs: {
        tool: {
          driver: {
            rules: {
              id: string;
              shortDescription: { text: string };
              fullDescription: { text: string };
              help: { text: string };
            }[];
          };
        };
        results: Record<string, unknown>[];
        automationDetails: { id: string };
      }[];
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2.1.0/);
    const run = sarif.runs[0]!;
    expect(run.tool.driver.rules).toHaveLength(rules.length);
    expect(run.tool.driver.rules.every((r) => r.shortDescription.text && r.fullDescription.text && r.help.text)).toBe(true);
    expect(run.results).toHaveLength(2);
    const [fail, exempt] = run.results as {
      ruleId: string;
      ruleIndex: number;
      level: string;
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
      partialFingerprints: { primaryLocationLineHash: string };
      suppressions?: unknown[];
    }[];
    expect(fail!.ruleId).toBe('TODO-K8S-006');
    expect(rules[fail!.ruleIndex]!.id).toBe('TODO-K8S-006');
    expect(fail!.level).toBe('error');
    expect(fail!.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'charts/todo-backend/values.yaml' },
      region: { startLine: 42, startColumn: 1 },
    });
    expect(fail!.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{64}:1$/);
    expect(exempt!.suppressions).toEqual([expect.objectContaining({ kind: 'external', status: 'accepted' })]);
    expect(run.automationDetails.id).toBe('todoctl/validate/');
  });

  it('junit has one testcase per finding, failures and skips counted, XML escaped', () => {
    const xml = formatJunit(sample);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(xml).toContain('<testsuites name="todoctl validate" tests="3" failures="1" errors="0" skipped="1"');
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain('<failure message=');
    expect(xml).toContain('r &amp; &lt;d&gt;');
    expect(xml).not.toMatch(/<d>/);
  });

  it('text lists failures with file:line and fix, then the verdict', () => {
    const text = formatText(sample);
    expect(text).toContain('charts/todo-backend/values.yaml:42  ERROR  TODO-K8S-006 [prod]');
    expect(text).toContain('fix: Set securityContext.readOnlyRootFilesystem: true.');
    expect(text).toContain('EXEMPT');
    expect(text.trim().split('\n').at(-1)).toMatch(/^FAILED: 1 failed, 1 passed, 1 exempt/);
  });

  it('exit codes: 0 clean, 1 failure, 2 tool error', () => {
    expect(exitCodeFor(report([finding({ status: 'pass' })]))).toBe(0);
    expect(exitCodeFor(report([finding()]))).toBe(1);
    expect(exitCodeFor({ ...report([]), toolErrors: [{ code: 'HELM_MISSING', message: 'helm missing' }] })).toBe(2);
  });
});

describe('validateRepository', () => {
  const options = (o: Partial<ValidateOptions> = {}): ValidateOptions => ({
    root: FIXTURES,
    envs: ['dev', 'staging', 'prod'],
    renderTarget: (chart, env) => ({ release: chart.name, namespace: `todo-${env}` }),
    kubeVersion: RENDER_KUBE_VERSION,
    ...o,
  });
  const clients = (runner: FakeRunner) => ({ helm: new HelmClient(runner), git: new GitClient(runner) });

  it('reports not-evaluated plus a tool error (never a pass) when helm is missing', async () => {
    const runner = new FakeRunner()
      .on('helm', () => true, { exitCode: 127, stderr: 'helm: command not found' })
      .on('git', () => true, { exitCode: 128, stderr: 'fatal: not a git repository' });
    const result = await validateRepository(clients(runner), options({ scopes: ['chart', 'manifest'] }));
    expect(result.toolErrors).toEqual([expect.objectContaining({ code: 'HELM_MISSING' })]);
    expect(result.toolErrors[0]!.message).toContain('TODOCTL_HELM');
    expect(exitCodeFor(result)).toBe(2);
    const helmRules = result.findings.filter((f) => f.rule === 'TODO-HELM-002' || f.rule.startsWith('TODO-K8S'));
    expect(helmRules.length).toBeGreaterThan(0);
    expect(helmRules.every((f) => f.status === 'not-evaluated')).toBe(true);
    expect(result.summary.envs).toEqual(['dev', 'staging', 'prod']);
    expect(result.findings.some((f) => f.status === 'pass' && f.rule.startsWith('TODO-K8S'))).toBe(false);
  });

  it('renders only the environments asked for, with the release and namespace of the render target', async () => {
    const runner = new FakeRunner()
      .on('helm', ['dependency', 'build'], { stdout: 'Saving 1 charts' })
      .on('helm', ['lint'], { stdout: '1 chart(s) linted, 0 chart(s) failed' })
      .on('helm', ['template'], { stdout: '' })
      .on('git', () => true, { exitCode: 128, stderr: 'fatal: not a git repository' });
    await validateRepository(
      clients(runner),
      options({
        scopes: ['chart', 'manifest'],
        envs: ['staging'],
        renderTarget: (chart, env) => ({ release: `${chart.name}-rel`, namespace: `team-${env}` }),
      }),
    );
    const templates = runner.calls.filter((c) => c.args[0] === 'template').map((c) => [c.args[1], c.args[4]]);
    expect(templates.length).toBeGreaterThan(0);
    expect(templates.every(([release, namespace]) => release!.endsWith('-rel') && namespace === 'team-staging')).toBe(true);
  });

  it('turns an invalid catalog into a finding with file and line, not an exception', async () => {
    const result = await validateRepository(
      clients(new FakeRunner()),
      options({ catalogPath: `${FIXTURES}charts/good/values.yaml` }),
    );
    expect(result.toolErrors[0]!.code).toBe('CATALOG_INVALID');
    expect(result.findings[0]).toMatchObject({ status: 'not-evaluated', line: 1 });
    expect(exitCodeFor(result)).toBe(2);
  });
});
