import type { Catalog, Rule } from './catalog.js';
import { CelRuleEvaluator, type K8sObject } from './cel.js';
import type { FileCache } from './locate.js';
import { locate } from './locate.js';
import type { Env, Finding } from './types.js';

export function resourceName(object: K8sObject): string {
  const metadata = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  const id = `${String(object.kind ?? '?')}/${String(metadata.name ?? '?')}`;
  return typeof metadata.namespace === 'string' && metadata.namespace ? `${metadata.namespace}/${id}` : id;
}

export interface ManifestSet {
  /** Rendered objects, each with the repository-relative template it came from. */
  objects: { object: K8sObject; file: string }[];
  env: Env | null;
  chart?: string;
  /** Repository-relative values files, most specific first (for line lookups). */
  valuesFiles: string[];
}

/** Evaluates every manifest rule on every object of the set (objects-level rules see the whole set). */
export function evaluateManifests(catalog: Catalog, evaluator: CelRuleEvaluator, set: ManifestSet, files: FileCache): Finding[] {
  const findings: Finding[] = [];
  const all = set.objects.map((o) => o.object);
  const rules = catalog.rules.filter((r) => r.scope === 'manifest');
  for (const { object, file } of set.objects) {
    for (const rule of rules) {
      if (!CelRuleEvaluator.applies(rule, object)) continue;
      const verdict = evaluator.evaluate(rule, object, all, set.env);
      findings.push(manifestFinding(rule, object, file, set, verdict.ok, verdict.error, files));
    }
  }
  return findings;
}

function manifestFinding(
  rule: Rule,
  object: K8sObject,
  template: string,
  set: ManifestSet,
  ok: boolean,
  error: string | undefined,
  files: FileCache,
): Finding {
  const resource = resourceName(object);
  const where = ok
    ? { file: template, line: locate(files, { template, valuesFiles: [], kind: String(object.kind) }).line }
    : locate(files, { template, valuesFiles: set.valuesFiles, key: rule.locate, kind: String(object.kind) });
  const envText = set.env ? ` (${set.env})` : '';
  return {
    rule: rule.id,
    status: ok ? 'pass' : 'fail',
    severity: rule.severity,
    file: where.file,
    line: where.line,
    resource,
    env: set.env,
    ...(set.chart ? { chart: set.chart } : {}),
    message: ok
      ? `${resource}${envText}: ${rule.title}.`
      : `${resource}${envText} violates "${rule.title}"${error ? ` (expression error: ${error})` : ''}.`,
    fix: rule.fix,
  };
}
