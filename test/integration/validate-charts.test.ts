/**
 * The repository's own charts against the constitution, with the real helm binary.
 * helm is TODOCTL_HELM or the pinned test tools' helm; without it this suite fails (it is never skipped).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { GitClient } from '../../cli/src/clients/git.js';
import { shortRunGoEnv } from '../../cli/src/clients/go-env.js';
import { HelmClient } from '../../cli/src/clients/helm.js';
import { defaultConfig } from '../../cli/src/config.js';
import { environmentsOf, renderTargetOf, RENDER_KUBE_VERSION } from '../../cli/src/project.js';
import { ExecaRunner } from '../../cli/src/runtime/runner.js';
import { helmBinary } from '../support/cluster.js';
import {
  exitCodeFor,
  listRules,
  validateRepository,
  type ValidateOptions,
  type ValidationReport,
} from '../../cli/src/policy/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/policy/', import.meta.url));

// the CLI's own runner and clients: the engine gets exactly what `todoctl validate` gives it
const run = new ExecaRunner(process.env.PATH ?? '');
const config = defaultConfig();
const options = (root: string): ValidateOptions => ({
  root,
  envs: [...environmentsOf(config).keys()],
  renderTarget: renderTargetOf(config, root),
  kubeVersion: RENDER_KUBE_VERSION,
  scopes: ['chart', 'manifest'],
});

let helm: HelmClient;
let report: ValidationReport;
beforeAll(async () => {
  helm = new HelmClient(run, {}, helmBinary());
  report = await validateRepository({ helm: helm.withEnv(shortRunGoEnv(process.env)), git: new GitClient(run) }, options(ROOT));
});

describe('the repository charts', () => {
  it('pass every chart and manifest rule in dev, staging and prod', () => {
    expect(report.toolErrors).toEqual([]);
    const failures = report.findings
      .filter((f) => f.status === 'fail')
      .map((f) => `${f.file}:${f.line} ${f.rule} [${f.env}] ${f.message}`);
    expect(failures).toEqual([]);
    expect(exitCodeFor(report)).toBe(0);
  });

  it('lint and render for every chart and environment', () => {
    for (const chart of ['todo-backend', 'todo-frontend', 'todo-infrastructure']) {
      for (const env of ['dev', 'staging', 'prod']) {
        for (const rule of ['TODO-HELM-001', 'TODO-HELM-002']) {
          expect(
            report.findings.some((f) => f.rule === rule && f.chart === chart && f.env === env && f.status === 'pass'),
            `${rule} ${chart} ${env}`,
          ).toBe(true);
        }
      }
    }
  });

  it('evaluate every workload rule on real workloads (not vacuously)', () => {
    const evaluated = new Set(report.findings.filter((f) => f.status === 'pass').map((f) => f.rule));
    for (const id of [
      'TODO-K8S-001',
      'TODO-K8S-004',
      'TODO-K8S-005',
      'TODO-K8S-011',
      'TODO-K8S-030',
      'TODO-K8S-031',
      'TODO-K8S-040',
      'TODO-K8S-041',
      'TODO-K8S-042',
      'TODO-K8S-043',
      'TODO-NET-001',
      'TODO-NET-003',
      'TODO-NET-004',
      'TODO-NET-005',
    ]) {
      expect(evaluated.has(id), id).toBe(true);
    }
  });

  it('render one ValidatingAdmissionPolicy and binding per admission rule, with the catalog CEL', async () => {
    const { stdout } = await helm.template('todo-infrastructure', `${ROOT}charts/todo-infrastructure`, {
      namespace: 'default',
      valuesFiles: [`${ROOT}charts/todo-infrastructure/values-dev.yaml`],
      kubeVersion: RENDER_KUBE_VERSION,
    });
    const objects = parseAllDocuments(stdout).map(
      (d) =>
        d.toJS() as {
          kind?: string;
          metadata?: { annotations?: Record<string, string> };
          spec?: { validations?: { expression: string }[] };
        } | null,
    );
    const policies = objects.filter((o) => o?.kind === 'ValidatingAdmissionPolicy');
    const bindings = objects.filter((o) => o?.kind === 'ValidatingAdmissionPolicyBinding');
    const rules = (await listRules(ROOT)).filter((r) => r.scope === 'manifest' && r.admission);
    expect(policies).toHaveLength(rules.length);
    expect(bindings).toHaveLength(rules.length);
    for (const rule of rules) {
      const policy = policies.find((p) => p?.metadata?.annotations?.['todo.dev/rule-id'] === rule.id);
      expect(policy?.spec?.validations?.[0]?.expression, rule.id).toBe(rule.cel);
    }
  });

  it('fail a staging/prod render that drops below 2 replicas, naming the value to change', async () => {
    const result = await helm.template('x', `${ROOT}charts/todo-backend`, {
      namespace: 'todo-prod',
      valuesFiles: [`${ROOT}charts/todo-backend/values-prod.yaml`, `${FIXTURES}values/min-replicas-1.yaml`],
      kubeVersion: RENDER_KUBE_VERSION,
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('environment prod needs at least 2 replicas: set autoscaling.minReplicas');
  });
});

describe('bad input', () => {
  it('becomes findings naming file and line: failed template, invalid values YAML, missing values file', async () => {
    const bad = await validateRepository({ helm, git: new GitClient(run) }, options(`${FIXTURES}render-fail`));
    expect(bad.toolErrors).toEqual([]);
    const render = bad.findings.filter((f) => f.rule === 'TODO-HELM-002' && f.status === 'fail');
    expect(render).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          env: 'dev',
          file: 'charts/render-error/templates/configmap.yaml',
          line: 6,
          message: expect.stringContaining('config.name is required'),
        }),
        expect.objectContaining({ env: 'staging', file: 'charts/render-error/values-staging.yaml', line: 2 }),
        // no values-prod.yaml: prod renders from values.yaml alone, and fails where dev does
        expect.objectContaining({ env: 'prod', file: 'charts/render-error/templates/configmap.yaml', line: 6 }),
      ]),
    );
    // the missing file itself is one structure finding, not a render failure
    expect(bad.findings).toContainEqual(
      expect.objectContaining({ rule: 'TODO-HELM-003', status: 'fail', file: 'charts/render-error/values-prod.yaml', line: 1 }),
    );
    expect(render.filter((f) => f.file.endsWith('values-prod.yaml'))).toEqual([]);
    expect(bad.findings.every((f) => !/\n\s+at .*\.(ts|js):\d+/.test(f.message))).toBe(true);
    expect(exitCodeFor(bad)).toBe(1);
    expect(readFileSync(`${FIXTURES}render-fail/charts/render-error/templates/configmap.yaml`, 'utf8').split('\n')[5]).toContain(
      'required',
    );
  });
});
