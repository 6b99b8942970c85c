/**
 * Duplicate keys in YAML people edit. YAML 1.2 forbids them, but helm (sigs.k8s.io/yaml) and
 * most loaders keep the last one silently: a second top-level `backend:` in values.yaml drops
 * everything under the first, and neither `helm lint --strict` nor `helm template` says so.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { isMap, isScalar, LineCounter, parseAllDocuments, visit, type Node } from 'yaml';
import type { Catalog } from './catalog.js';
import type { Finding } from './types.js';

export interface DuplicateKey {
  /** The key path of the map holding the duplicate, then the key: ['backend'] or ['image', 'tag']. */
  path: string[];
  /** 1-based line of the first occurrence (the one the loader drops). */
  firstLine: number;
  /** 1-based line of the later occurrence (the one that wins). */
  line: number;
}

/** Every duplicate key of every document in `text`; [] for text that is not YAML (its loader reports that). */
export function duplicateKeys(text: string): DuplicateKey[] {
  if (!/^\s*[^#\s].*:/m.test(text)) return [];
  const lineCounter = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false });
  } catch {
    return [];
  }
  if (!Array.isArray(docs)) return [];
  const found: DuplicateKey[] = [];
  const lineOf = (node: unknown) => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? lineCounter.linePos(range[0]).line : 1;
  };
  for (const doc of docs) {
    if (doc.errors.length > 0) continue;
    visit(doc, {
      Map(_key, map, path) {
        const seen = new Map<string, number>();
        for (const pair of map.items) {
          const key = pair.key;
          // Merge keys (<<) may repeat by design; complex keys are not compared.
          if (!isScalar(key) || key.value === '<<') continue;
          const name = String(key.value);
          const line = lineOf(key);
          const first = seen.get(name);
          if (first === undefined) seen.set(name, line);
          else found.push({ path: [...keyPath(path), name], firstLine: first, line });
        }
      },
    });
  }
  return found;
}

/** The key names leading to a node, from yaml's visitor path (maps contribute keys, sequences indexes). */
function keyPath(path: readonly unknown[]): string[] {
  const keys: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const step = path[i] as Node | { key?: unknown };
    if (step && typeof step === 'object' && 'key' in step && !isMap(step)) {
      const key = (step as { key?: unknown }).key;
      if (isScalar(key)) keys.push(String(key.value));
    }
  }
  return keys;
}

/**
 * TODO-REPO-005 over the YAML people edit: every YAML file of the repository listing except
 * chart templates (Go templates, not YAML until rendered).
 */
export function checkDuplicateKeys(
  root: string,
  files: { scan: string[] },
  charts: { dir: string }[],
  catalog: Catalog,
  /** More files to check (absolute, or relative to root) when the listing does not hold them. */
  extra: string[] = [],
): Finding[] {
  const rule = catalog.rules.find((r) => r.id === 'TODO-REPO-005');
  if (!rule) return [];
  const templates = charts.map((c) => `${c.dir === '.' ? '' : `${c.dir}/`}templates/`);
  const findings: Finding[] = [];
  let checked = 0;
  for (const file of [...new Set([...files.scan, ...extra])]) {
    if (!/\.ya?ml$/.test(file) || templates.some((t) => file.startsWith(t)) || /(^|\/)templates\//.test(file)) continue;
    let text: string;
    try {
      const path = isAbsolute(file) ? file : join(root, file);
      if (statSync(path).size > 2_000_000) continue;
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    checked++;
    for (const d of duplicateKeys(text)) {
      const key = d.path.join('.');
      findings.push({
        rule: rule.id,
        status: 'fail',
        severity: rule.severity,
        file,
        line: d.line,
        resource: file,
        env: null,
        message: `${file}: key "${key}" appears twice, at lines ${d.firstLine} and ${d.line}; the loader keeps line ${d.line} and drops what line ${d.firstLine} set.`,
        fix: rule.fix,
      });
    }
  }
  if (findings.length === 0)
    findings.push({
      rule: rule.id,
      status: 'pass',
      severity: rule.severity,
      file: '.',
      line: 1,
      resource: 'repository',
      env: null,
      message: `No duplicate keys in ${checked} YAML files.`,
      fix: rule.fix,
    });
  return findings;
}
