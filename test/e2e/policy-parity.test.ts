/**
 * Parity between the offline check (cel-js in todoctl validate) and the in-cluster check
 * (ValidatingAdmissionPolicies the infrastructure chart renders from the same catalog):
 * every fixture object goes through a server-side dry run against the real API server, and
 * the set of rules the cluster flags must equal the set the offline engine fails.
 *
 * The policies are installed under unique names with validationActions [Warn], bound to one
 * test namespace, so every failing policy shows up as a warning and nothing else is affected.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_CATALOG, loadCatalog, type Catalog } from '../../cli/src/policy/catalog.js';
import { CelRuleEvaluator } from '../../cli/src/policy/cel.js';
import { buildObject, loadRuleFixtures, type K8sObject } from '../fixtures/policy/manifests/load.js';
import { RENDER_KUBE_VERSION } from '../../cli/src/project.js';
import { eventually, repoRoot, testKubeconfig, tool, uniqueName } from '../support/cluster.js';

const execFileP = promisify(execFile);
const kubeconfig = testKubeconfig();
const suffix = uniqueName('parity').replace(/^parity-/, '');
const namespace = `policy-parity-${suffix}`;
const label = { 'todo.dev/policy-parity': suffix };

async function kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      tool('kubectl'),
      ['--kubeconfig', kubeconfig, ...args],
      { maxBuffer: 20 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

const toJson = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));

let catalog: Catalog;
let evaluator: CelRuleEvaluator;
const installed: string[] = [];

/** The VAPs and bindings of the infrastructure chart, renamed and rebound for this test. */
async function renderPolicies(): Promise<K8sObject[]> {
  const { stdout } = await execFileP(
    tool('helm'),
    [
      'template',
      'todo-infrastructure',
      `${repoRoot}/charts/todo-infrastructure`,
      '-f',
      `${repoRoot}/charts/todo-infrastructure/values-dev.yaml`,
      '--set',
      'admissionPolicies.validationActions={Warn}',
      '--kube-version',
      RENDER_KUBE_VERSION,
    ],
    { maxBuffer: 20 * 1024 * 1024 },
  );
  const objects = parseAllDocuments(stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
  const out: K8sObject[] = [];
  for (const o of objects) {
    const metadata = o.metadata as { name: string };
    if (o.kind === 'ValidatingAdmissionPolicy') {
      metadata.name = `${metadata.name}-${suffix}`;
      out.push(o);
    } else if (o.kind === 'ValidatingAdmissionPolicyBinding') {
      const spec = o.spec as { policyName: string; matchResources: { namespaceSelector: unknown } };
      metadata.name = `${metadata.name}-${suffix}`;
      spec.policyName = `${spec.policyName}-${suffix}`;
      spec.matchResources.namespaceSelector = { matchLabels: label };
      out.push(o);
    }
  }
  return out;
}

/** Rule ids the cluster warned about for one object (server-side dry run). */
async function clusterVerdict(object: K8sObject): Promise<{ failing: string[]; error?: string }> {
  const namespaced = object.kind !== 'Namespace';
  const result = await kubectl(
    ['create', '--dry-run=server', '-o', 'name', ...(namespaced ? ['-n', namespace] : []), '-f', '-'],
    toJson(object),
  );
  if (result.code !== 0) return { failing: [], error: result.stderr.trim() };
  const failing = [...result.stderr.matchAll(/ValidatingAdmissionPolicy '(todo-[a-z0-9]+-[0-9]{3})-/g)].map((m) =>
    m[1]!.toUpperCase(),
  );
  return { failing: [...new Set(failing)].sort() };
}

function offlineVerdict(object: K8sObject): string[] {
  return catalog.rules
    .filter((r) => r.admission && CelRuleEvaluator.applies(r, object))
    .filter((r) => !evaluator.evaluate(r, object, [object], 'dev').ok)
    .map((r) => r.id)
    .sort();
}

/** Fixture objects adjusted to live in the test namespace (cluster-scoped ones get unique names). */
function prepare(object: K8sObject, index: number): K8sObject {
  const copy = structuredClone(object);
  const metadata = (copy.metadata ?? {}) as { name?: string; namespace?: string; labels?: Record<string, string> };
  delete metadata.namespace;
  if (copy.kind === 'Namespace') {
    metadata.name = `${metadata.name?.startsWith('todo-') ? 'todo-' : ''}parity-${suffix}-${index}`.slice(0, 63);
    metadata.labels = { ...(metadata.labels ?? {}), ...label };
  } else {
    metadata.name = `${metadata.name ?? 'object'}-${index}`.slice(0, 63);
  }
  copy.metadata = metadata;
  return copy;
}

beforeAll(async () => {
  catalog = await loadCatalog(BUNDLED_CATALOG);
  evaluator = new CelRuleEvaluator(catalog);
  const ns = await kubectl(
    ['create', '-f', '-'],
    toJson({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: label } }),
  );
  expect(ns.stderr).toBe('');
  // Pods need their ServiceAccount to exist (ServiceAccount admission).
  await kubectl(
    ['create', '-n', namespace, '-f', '-'],
    toJson({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'todo-backend' }, automountServiceAccountToken: false }),
  );
  await eventually('default ServiceAccount', async () => (await kubectl(['get', 'sa', 'default', '-n', namespace])).code === 0);
  const policies = await renderPolicies();
  const applied = await kubectl(['apply', '-f', '-'], toJson({ apiVersion: 'v1', kind: 'List', items: policies }));
  expect(applied.code, applied.stderr).toBe(0);
  installed.push(
    ...policies.map(
      (p) =>
        `${p.kind === 'ValidatingAdmissionPolicy' ? 'validatingadmissionpolicy' : 'validatingadmissionpolicybinding'}/${(p.metadata as { name: string }).name}`,
    ),
  );
  // Policies are picked up asynchronously: wait until a known-bad object is flagged.
  const probe = prepare(
    buildObject({ base: 'deployment', set: { 'spec.template.spec.containers.0.livenessProbe': null } }),
    9999,
  );
  await eventually(
    'admission policies to take effect',
    async () => (await clusterVerdict(probe)).failing.includes('TODO-K8S-002'),
    { timeoutMs: 90_000, intervalMs: 1_000 },
  );
}, 180_000);

afterAll(async () => {
  if (installed.length > 0) await kubectl(['delete', '--ignore-not-found', '--wait=false', ...installed]);
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('offline CEL and in-cluster ValidatingAdmissionPolicies', () => {
  it('flag exactly the same rules for every fixture object of an admission rule', async () => {
    const admissionRules = new Set(catalog.rules.filter((r) => r.admission).map((r) => r.id));
    const mismatches: string[] = [];
    let index = 0;
    let compared = 0;
    let refusedByServer = 0;
    for (const fixture of loadRuleFixtures().filter((f) => admissionRules.has(f.rule))) {
      for (const [kind, cases] of [
        ['pass', fixture.pass],
        ['fail', fixture.fail],
        ['defeat', fixture.defeat],
      ] as const) {
        for (const c of cases) {
          const object = prepare(buildObject(c.object), index++);
          const offline = offlineVerdict(object);
          const cluster = await clusterVerdict(object);
          compared++;
          // A defeating value the API server's own validation already refuses (a probe without a
          // handler, hostProcess on Linux) never reaches admission: refused either way.
          if (cluster.error && kind === 'defeat' && offline.includes(fixture.rule)) refusedByServer++;
          else if (cluster.error)
            mismatches.push(`${fixture.rule} ${kind} "${c.name}": API server refused the object: ${cluster.error}`);
          else if (toJson(offline) !== toJson(cluster.failing))
            mismatches.push(
              `${fixture.rule} ${kind} "${c.name}": offline ${toJson(offline)} vs cluster ${toJson(cluster.failing)}`,
            );
        }
      }
    }
    expect(compared).toBeGreaterThan(150);
    expect(mismatches).toEqual([]);
    // most defeating values do reach admission: the policies, not the schema, reject them
    expect(refusedByServer).toBeLessThan(10);
  }, 300_000);

  it('type-check every policy against the real schemas without warnings', async () => {
    const names = installed.filter((n) => n.startsWith('validatingadmissionpolicy/'));
    const warnings = await eventually(
      'type checking of the policies',
      async () => {
        const { stdout } = await kubectl(['get', ...names, '-o', 'json']);
        const items =
          (
            JSON.parse(stdout) as {
              items?: {
                metadata: { name: string; generation: number };
                status?: {
                  observedGeneration?: number;
                  typeChecking?: { expressionWarnings?: { fieldRef: string; warning: string }[] };
                };
              }[];
            }
          ).items ?? [];
        if (items.length !== names.length || items.some((i) => i.status?.observedGeneration !== i.metadata.generation))
          return undefined;
        return items.flatMap((i) =>
          (i.status?.typeChecking?.expressionWarnings ?? []).map(
            (w) => `${i.metadata.name} ${w.fieldRef}: ${w.warning.split('\n')[0]}`,
          ),
        );
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    expect(warnings).toEqual([]);
  }, 120_000);
});
