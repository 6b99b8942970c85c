/**
 * Which charts validate checks (todoctl.yaml's releases, else every Chart.yaml), the
 * in-cluster policy copy, duplicate YAML keys and hand-written manifests, on small
 * repositories written to a temporary folder.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_CATALOG, loadCatalog, type Catalog } from './catalog.js';
import { checkPolicyCopies, chartAt, locateCharts } from './charts.js';
import { checkManualYaml } from './repo.js';
import { checkDuplicateKeys, duplicateKeys } from './yaml-keys.js';

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog(BUNDLED_CATALOG);
});

/** A repository in a temporary folder; returns its root and the list of its files. */
function repo(files: Record<string, string>): { root: string; files: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'todoctl-discovery-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { root, files: Object.keys(files).sort() };
}

const chartYaml = (name: string, extra = '') => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\nappVersion: "1"\n${extra}`;

describe('locateCharts', () => {
  it("checks todoctl.yaml's charts and the libraries they take from the repository", () => {
    const { root, files } = repo({
      'todoctl.yaml': 'apiVersion: todoctl/v1alpha1\nkind: Project\nname: x\nreleases:\n  - name: api\n    chart: helm/api\n',
      'helm/api/Chart.yaml': chartYaml(
        'api',
        'dependencies:\n  - name: common\n    version: 0.1.0\n    repository: file://../common\n',
      ),
      'helm/common/Chart.yaml': chartYaml('common', 'type: library\n'),
      'charts/other/Chart.yaml': chartYaml('other'),
    });
    const located = locateCharts(root, files, { charts: ['helm/api'], chartsSource: 'todoctl.yaml' }, catalog);
    expect(located.charts.map((c) => [c.dir, c.name, c.library ?? false])).toEqual([
      ['helm/api', 'api', false],
      ['helm/common', 'common', true],
    ]);
    expect(located.findings).toEqual([]);
    expect(located.unchecked).toEqual(['charts/other']);
  });

  it('fails a release whose chart folder has no Chart.yaml, at its line in todoctl.yaml, naming the charts it found', () => {
    const { root, files } = repo({
      'todoctl.yaml':
        'apiVersion: todoctl/v1alpha1\nkind: Project\nname: x\nreleases:\n  - name: a\n    chart: helm/todo-chatbot\n  - name: b\n    chart: charts/todo-chatbot\n',
      'charts/todo-chatbot/Chart.yaml': chartYaml('todo-chatbot'),
    });
    const located = locateCharts(root, files, { charts: ['helm/todo-chatbot', 'charts/todo-chatbot'] }, catalog);
    expect(located.charts.map((c) => c.dir)).toEqual(['charts/todo-chatbot']);
    expect(located.findings).toEqual([
      expect.objectContaining({
        rule: 'TODO-HELM-002',
        status: 'fail',
        file: 'todoctl.yaml',
        line: 6,
        fix: 'Point releases[].chart at charts/todo-chatbot in todoctl.yaml.',
      }),
    ]);
  });

  it('names a chart after its Chart.yaml', () => {
    const { root } = repo({ 'deploy/chart/Chart.yaml': chartYaml('todo-api') });
    expect(chartAt(root, 'deploy/chart')).toEqual({ name: 'todo-api', dir: 'deploy/chart' });
  });
});

describe('checkPolicyCopies (TODO-HELM-007)', () => {
  const catalogText = 'apiVersion: todoctl.dev/v1\nkind: RuleCatalog\nrules: []\n';

  it('passes a copy identical to the catalog and fails one that drifted, at the first different line', () => {
    const { root, files } = repo({
      'policies/rules.yaml': catalogText,
      'charts/infra/Chart.yaml': chartYaml('infra'),
      'charts/infra/files/rules.yaml': catalogText,
      'charts/drift/Chart.yaml': chartYaml('drift'),
      'charts/drift/files/rules.yaml': catalogText.replace('rules: []', 'rules: [x]'),
    });
    const same = checkPolicyCopies(root, chartAt(root, 'charts/infra'), files, join(root, 'policies/rules.yaml'), catalog);
    expect(same).toEqual([expect.objectContaining({ rule: 'TODO-HELM-007', status: 'pass' })]);
    const drift = checkPolicyCopies(root, chartAt(root, 'charts/drift'), files, join(root, 'policies/rules.yaml'), catalog);
    expect(drift).toEqual([expect.objectContaining({ status: 'fail', file: 'charts/drift/files/rules.yaml', line: 3 })]);
  });

  it('has nothing to say about a chart without a catalog', () => {
    const { root, files } = repo({ 'charts/api/Chart.yaml': chartYaml('api'), 'charts/api/values.yaml': 'a: 1\n' });
    expect(checkPolicyCopies(root, chartAt(root, 'charts/api'), files, BUNDLED_CATALOG, catalog)).toEqual([]);
  });
});

describe('duplicate keys (TODO-REPO-005)', () => {
  it('names both lines of a duplicate at any depth and in any document', () => {
    expect(duplicateKeys('backend:\n  a: 1\nfrontend: {}\nbackend:\n  b: 2\n  b: 3\n---\nk: 1\nk: 2\n')).toEqual([
      { path: ['backend'], firstLine: 1, line: 4 },
      { path: ['backend', 'b'], firstLine: 5, line: 6 },
      { path: ['k'], firstLine: 8, line: 9 },
    ]);
    expect(duplicateKeys('base: &b {a: 1}\nx:\n  <<: *b\n  <<: *b\n')).toEqual([]);
    expect(duplicateKeys('not: [yaml')).toEqual([]);
  });

  it('checks values files, Chart.yaml and todoctl.yaml but not chart templates', () => {
    const { root, files } = repo({
      'charts/api/Chart.yaml': chartYaml('api', 'version: 0.2.0\n'),
      'charts/api/values.yaml': 'backend:\n  image: x\nbackend:\n  replicas: 1\n',
      'charts/api/templates/cm.yaml': 'data:\n  a: 1\n  a: 2\n',
      'todoctl.yaml': 'name: a\nname: b\n',
    });
    const findings = checkDuplicateKeys(root, { scan: files }, [{ dir: 'charts/api' }], catalog);
    expect(findings.map((f) => `${f.status} ${f.file}:${f.line}`)).toEqual([
      'fail charts/api/Chart.yaml:5',
      'fail charts/api/values.yaml:3',
      'fail todoctl.yaml:2',
    ]);
    expect(findings[1]!.message).toContain('at lines 1 and 3');
  });
});

describe('hand-written manifests (TODO-REPO-004)', () => {
  const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n';

  it('flags Kubernetes YAML outside the chart folders, wherever the charts live', () => {
    const { root, files } = repo({
      'helm/api/templates/raw.yaml': deployment,
      'k8s/deployment.yaml': deployment,
    });
    const findings = checkManualYaml(root, { tracked: new Set(files), scan: files, envIgnored: true }, catalog, ['helm/api']);
    expect(findings.map((f) => `${f.status} ${f.file}:${f.line}`)).toEqual(['fail k8s/deployment.yaml:2']);
  });

  it('does not count manifests helm generated (committed renders) as hand-written', () => {
    const rendered = `# Generated by a script\n---\n# Source: api/templates/deployment.yaml\n${deployment}`;
    const { root, files } = repo({ 'deploy/rendered/dev.yaml': rendered });
    const findings = checkManualYaml(root, { tracked: new Set(files), scan: files, envIgnored: true }, catalog, []);
    expect(findings.map((f) => f.status)).toEqual(['pass']);
  });
});
