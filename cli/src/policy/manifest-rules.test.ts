import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildObject as build,
  loadRuleFixtures,
  type FixtureCase as Case,
} from '../../../test/fixtures/policy/manifests/load.js';
import { BUNDLED_CATALOG, loadCatalog, type Catalog } from './catalog.js';
import { CelRuleEvaluator } from './cel.js';
import { FileCache } from './locate.js';
import { evaluateManifests } from './manifests.js';

const fixtures = loadRuleFixtures();

let catalog: Catalog;
let evaluator: CelRuleEvaluator;
beforeAll(async () => {
  catalog = await loadCatalog(BUNDLED_CATALOG);
  evaluator = new CelRuleEvaluator(catalog);
});

describe('manifest rule fixtures', () => {
  it('every manifest rule has a fixture file with passing and failing cases', async () => {
    const rules = (await loadCatalog(BUNDLED_CATALOG)).rules.filter((r) => r.scope === 'manifest').map((r) => r.id);
    const covered = fixtures.filter((f) => f.pass.length > 0 && f.fail.length > 0).map((f) => f.rule);
    expect(rules.filter((id) => !covered.includes(id))).toEqual([]);
  });

  it('every manifest rule has a defeat case: the field present, set to a value that defeats the constitution', async () => {
    const rules = (await loadCatalog(BUNDLED_CATALOG)).rules.filter((r) => r.scope === 'manifest').map((r) => r.id);
    const covered = fixtures.filter((f) => f.defeat.length > 0).map((f) => f.rule);
    expect(rules.filter((id) => !covered.includes(id))).toEqual([]);
    // A defeat sets a value somewhere (object or context); deleting a field is a `fail` case, not a defeat.
    const setsValue = (ref: { set?: Record<string, unknown> }) => Object.values(ref.set ?? {}).some((v) => v !== null);
    const deletionsOnly = fixtures.flatMap((f) =>
      f.defeat.filter((c) => !setsValue(c.object) && !(c.context ?? []).some(setsValue)).map((c) => `${f.rule}: ${c.name}`),
    );
    expect(deletionsOnly).toEqual([]);
  });

  it('every fixture file names a rule of the catalog and case names are unique per rule', async () => {
    const ids = new Set((await loadCatalog(BUNDLED_CATALOG)).rules.map((r) => r.id));
    expect(fixtures.map((f) => f.rule).filter((id) => !ids.has(id))).toEqual([]);
    for (const f of fixtures) {
      const names = [...f.pass, ...f.fail, ...f.defeat].map((c) => c.name);
      expect(
        names.filter((n, i) => names.indexOf(n) !== i),
        f.rule,
      ).toEqual([]);
    }
  });

  for (const fixture of fixtures) {
    describe(fixture.rule, () => {
      const verdict = (c: Case) => {
        const rule = catalog.rules.find((r) => r.id === fixture.rule);
        if (!rule) throw new Error(`${fixture.rule} is not in the catalog`);
        const object = build(c.object);
        expect(CelRuleEvaluator.applies(rule, object), `${rule.id} applies to ${String(object.kind)}`).toBe(true);
        const objects = [object, ...(c.context ?? []).map(build)];
        return evaluator.evaluate(rule, object, objects, c.env ?? 'dev');
      };
      for (const c of fixture.pass) {
        it(`passes: ${c.name}`, () => {
          expect(verdict(c)).toEqual({ ok: true });
        });
      }
      for (const c of fixture.fail) {
        it(`fails: ${c.name}`, () => {
          const v = verdict(c);
          expect(v.ok).toBe(false);
          // A failure must be a verdict of the expression, not an evaluation error.
          expect(v.error).toBeUndefined();
        });
      }
      for (const c of fixture.defeat) {
        it(`defeat fails: ${c.name}`, () => {
          const v = verdict(c);
          expect(v.ok).toBe(false);
          expect(v.error).toBeUndefined();
        });
      }
    });
  }
});

describe('TODO-K8S-043 reads the template line that renders the checksum', () => {
  const digest = '5d41402abc4b2a76b9719d911017c592a1b2c3d4e5f60718293a4b5c6d7e8f90';
  const configmap = build({ base: 'configmap' });
  const deployment = build({ base: 'deployment', set: { 'spec.template.metadata.annotations': { 'checksum/config': digest } } });
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'todoctl-k8s-043-'));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  /** Writes a chart (and a library chart it depends on) and returns the 043 finding of the deployment. */
  function verdictFor(files: Record<string, string>) {
    const dir = mkdtempSync(join(root, 'repo-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const findings = evaluateManifests(
      catalog,
      evaluator,
      {
        objects: [
          { object: deployment, file: 'charts/app/templates/deployment.yaml' },
          { object: configmap, file: 'charts/app/templates/configmap.yaml' },
        ],
        env: 'dev',
        chart: 'app',
        valuesFiles: ['charts/app/values-dev.yaml', 'charts/app/values.yaml'],
      },
      new FileCache(dir),
    );
    const finding = findings.find((f) => f.rule === 'TODO-K8S-043');
    if (!finding) throw new Error('no TODO-K8S-043 finding');
    return finding;
  }
  const chartYaml =
    'apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: lib\n    version: 0.1.0\n    repository: file://../lib\n';
  const podTemplate = (annotation: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    metadata:\n      annotations:\n        ${annotation}\n`;

  it('passes when the template pipes the rendered ConfigMap through sha256sum', () => {
    const f = verdictFor({
      'charts/app/Chart.yaml': chartYaml,
      'charts/app/templates/deployment.yaml': podTemplate(
        'checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}',
      ),
    });
    expect(f.status).toBe('pass');
  });

  it('fails on a literal digest in the template, at its line', () => {
    const f = verdictFor({
      'charts/app/Chart.yaml': chartYaml,
      'charts/app/templates/deployment.yaml': podTemplate(`checksum/config: ${digest}`),
    });
    expect(f).toMatchObject({ status: 'fail', file: 'charts/app/templates/deployment.yaml', line: 7 });
    expect(f.message).toContain('checksum/config is a constant');
  });

  it('fails on a plain value and on a hashed literal', () => {
    for (const annotation of ['checksum/config: {{ .Values.configChecksum }}', 'checksum/config: {{ "v1" | sha256sum }}']) {
      const f = verdictFor({
        'charts/app/Chart.yaml': chartYaml,
        'charts/app/templates/deployment.yaml': podTemplate(annotation),
      });
      expect(f.status, annotation).toBe('fail');
    }
  });

  it('follows include into a file:// library chart', () => {
    const app = {
      'charts/app/Chart.yaml': chartYaml,
      'charts/app/templates/deployment.yaml': '{{- include "lib.deployment" (dict "ctx" .) }}\n',
    };
    const library = (annotation: string) =>
      `{{/* the pod */}}\n{{- define "lib.other" -}}\nx: 1\n{{- end }}\n{{- define "lib.deployment" -}}\n{{ include "lib.pod" . }}\n{{- end }}\n{{- define "lib.pod" -}}\nmetadata:\n  annotations:\n    ${annotation}\n{{- end }}\n`;
    const good = verdictFor({
      ...app,
      'charts/lib/templates/_deployment.tpl': library(
        'checksum/config: {{ include (print .ctx.Template.BasePath "/configmap.yaml") .ctx | sha256sum }}',
      ),
    });
    expect(good.status).toBe('pass');
    const bad = verdictFor({ ...app, 'charts/lib/templates/_deployment.tpl': library(`checksum/config: ${digest}`) });
    expect(bad).toMatchObject({ status: 'fail', file: 'charts/lib/templates/_deployment.tpl', line: 11 });
  });

  it('fails when the checksum comes from a values file', () => {
    const f = verdictFor({
      'charts/app/Chart.yaml': chartYaml,
      'charts/app/templates/deployment.yaml': podTemplate('{{- toYaml .Values.podAnnotations | nindent 8 }}'),
      'charts/app/values.yaml': `podAnnotations:\n  checksum/config: ${digest}\n`,
    });
    expect(f).toMatchObject({ status: 'fail', file: 'charts/app/values.yaml', line: 2 });
  });

  it('keeps the CEL verdict when the line cannot be found', () => {
    const f = verdictFor({
      'charts/app/Chart.yaml': chartYaml,
      'charts/app/templates/deployment.yaml': podTemplate('{{ printf "checksum/%s" "config" }}: {{ $sum }}'),
    });
    expect(f.status).toBe('pass');
  });
});
