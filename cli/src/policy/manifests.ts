import { readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
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

/** A failure found by a rule's code check: what is wrong and the source line that does it. */
export interface CodeCheckFailure {
  message: string;
  file: string;
  line: number;
}

/**
 * Checks that CEL cannot make because they need the chart's source, not only the rendered
 * object. One runs after its rule's CEL passed for an object; null means it passes too.
 */
type CodeCheck = (input: { object: K8sObject; template: string; set: ManifestSet; files: FileCache }) => CodeCheckFailure | null;

const CODE_CHECKS: Record<string, CodeCheck> = {
  'TODO-K8S-043': checksumFromRenderedContent,
};

/** Evaluates every manifest rule on every object of the set (objects-level rules see the whole set). */
export function evaluateManifests(catalog: Catalog, evaluator: CelRuleEvaluator, set: ManifestSet, files: FileCache): Finding[] {
  const findings: Finding[] = [];
  const all = set.objects.map((o) => o.object);
  const rules = catalog.rules.filter((r) => r.scope === 'manifest');
  for (const { object, file } of set.objects) {
    for (const rule of rules) {
      if (!CelRuleEvaluator.applies(rule, object)) continue;
      const verdict = evaluator.evaluate(rule, object, all, set.env);
      const failure = verdict.ok ? (CODE_CHECKS[rule.id]?.({ object, template: file, set, files }) ?? null) : null;
      findings.push(manifestFinding(rule, object, file, set, verdict.ok && !failure, verdict.error, files, failure));
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
  failure: CodeCheckFailure | null,
): Finding {
  const resource = resourceName(object);
  const where = failure
    ? { file: failure.file, line: failure.line }
    : ok
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
      : failure
        ? `${resource}${envText} violates "${rule.title}": ${failure.message}`
        : `${resource}${envText} violates "${rule.title}"${error ? ` (expression error: ${error})` : ''}.`,
    fix: rule.fix,
  };
}

// ---------------------------------------------------------------- TODO-K8S-043: checksums of rendered content

const HASH_FUNCTIONS = /\b(?:sha256sum|sha1sum|adler32sum)\b/;
/** A template action that only hashes a quoted literal, e.g. {{ "v1" | sha256sum }}: a constant. */
const HASHED_LITERAL =
  /^(?:"[^"]*"|`[^`]*`)\s*\|\s*(?:sha256sum|sha1sum|adler32sum)$|^(?:sha256sum|sha1sum|adler32sum)\s+(?:"[^"]*"|`[^`]*`)$/;

/**
 * TODO-K8S-043 beyond the digest's shape: the line of the chart that renders each checksum/*
 * pod annotation must hash rendered content inside {{ }} (sha256sum, sha1sum, adler32sum).
 * A literal, a plain value ({{ .Values.x }}) or a checksum set in a values file is a constant:
 * it never changes when the ConfigMap does, so pods are not rolled. When the line cannot be
 * found (e.g. the key is computed), the CEL verdict stands.
 */
function checksumFromRenderedContent({
  object,
  template,
  set,
  files,
}: {
  object: K8sObject;
  template: string;
  set: ManifestSet;
  files: FileCache;
}): CodeCheckFailure | null {
  const spec = object.spec as { template?: { metadata?: { annotations?: Record<string, unknown> } } } | undefined;
  const keys = Object.keys(spec?.template?.metadata?.annotations ?? {}).filter((k) => k.startsWith('checksum/'));
  for (const key of keys) {
    const source = findAnnotationSource(files, template, key, set.valuesFiles);
    if (!source) continue;
    if (source.fromValues) {
      return {
        file: source.file,
        line: source.line,
        message: `${key} is set in ${source.file}, a constant that does not change when the ConfigMap does; render it from the ConfigMap's content with sha256sum.`,
      };
    }
    const value = source.text.slice(source.text.indexOf(':', source.text.indexOf(key) + key.length) + 1);
    const actions = [...value.matchAll(/\{\{-?([\s\S]*?)-?\}\}/g)].map((m) => m[1]!.trim());
    const hashes = actions.some((a) => HASH_FUNCTIONS.test(a) && !HASHED_LITERAL.test(a));
    if (!hashes) {
      const what = actions.length === 0 ? 'a literal' : `{{ ${actions.join(' }} {{ ')} }}, which hashes no rendered content`;
      return {
        file: source.file,
        line: source.line,
        message: `${key} is a constant: ${source.file}:${source.line} renders it as ${what}, so it does not change when the ConfigMap does; pipe the rendered ConfigMap through sha256sum inside {{ }}.`,
      };
    }
  }
  return null;
}

interface AnnotationSource {
  file: string;
  line: number;
  text: string;
  fromValues: boolean;
}

/**
 * Where `key:` is written: in the object's template, in a named template it includes (defined in
 * the chart's templates or in a file:// dependency chart, as for library charts), else in a values file.
 */
function findAnnotationSource(files: FileCache, template: string, key: string, valuesFiles: string[]): AnnotationSource | null {
  const keyLine = new RegExp(`^\\s*["']?${escapeRegExp(key)}["']?\\s*:`);
  const inText = (file: string, text: string, from = 0, to = text.length): AnnotationSource | null => {
    const before = text.slice(0, from).split('\n').length - 1;
    const lines = text.slice(from, to).split('\n');
    const i = lines.findIndex((l) => keyLine.test(l));
    return i >= 0 ? { file, line: before + i + 1, text: lines[i]!, fromValues: false } : null;
  };
  const text = files.read(template);
  if (text) {
    const direct = inText(template, text);
    if (direct) return direct;
    const defines = namedTemplates(files, template);
    const seen = new Set<string>();
    let names = includedNames(text);
    for (let depth = 0; depth < 4 && names.length > 0; depth++) {
      const next: string[] = [];
      for (const name of names) {
        if (seen.has(name)) continue;
        seen.add(name);
        const define = defines.get(name);
        if (!define) continue;
        const found = inText(define.file, define.text, define.start, define.end);
        if (found) return found;
        next.push(...includedNames(define.text.slice(define.start, define.end)));
      }
      names = next;
    }
  }
  for (const valuesFile of valuesFiles) {
    const values = files.read(valuesFile);
    const found = values ? inText(valuesFile, values) : null;
    if (found) return { ...found, fromValues: true };
  }
  return null;
}

function includedNames(text: string): string[] {
  return [...text.matchAll(/\{\{-?\s*(?:include|template)\s+"([^"]+)"/g)].map((m) => m[1]!);
}

/** Named templates (`define "name"`) of the template's chart and of its file:// dependency charts. */
function namedTemplates(
  files: FileCache,
  template: string,
): Map<string, { file: string; text: string; start: number; end: number }> {
  const defines = new Map<string, { file: string; text: string; start: number; end: number }>();
  const at = template.lastIndexOf('/templates/');
  if (at < 0) return defines;
  const chartDir = template.slice(0, at);
  const chartDirs = [chartDir];
  const chartYaml = files.read(`${chartDir}/Chart.yaml`);
  try {
    const chart = chartYaml ? (parseYaml(chartYaml) as { dependencies?: { repository?: unknown }[] } | null) : null;
    for (const dep of chart?.dependencies ?? []) {
      if (typeof dep.repository === 'string' && dep.repository.startsWith('file://')) {
        chartDirs.push(posix.normalize(posix.join(chartDir, dep.repository.slice('file://'.length))));
      }
    }
  } catch {
    // An unreadable Chart.yaml is reported by the chart rules; only the chart's own templates are searched.
  }
  for (const dir of chartDirs) {
    for (const file of listTemplateFiles(files, `${dir}/templates`)) {
      const text = files.read(file);
      if (!text) continue;
      const starts = [...text.matchAll(/\{\{-?\s*define\s+"([^"]+)"\s*-?\}\}/g)];
      starts.forEach((m, i) => {
        if (!defines.has(m[1]!)) {
          defines.set(m[1]!, { file, text, start: m.index, end: starts[i + 1]?.index ?? text.length });
        }
      });
    }
  }
  return defines;
}

/** Repository-relative template files under `dir` (recursively), or none when the folder cannot be listed. */
function listTemplateFiles(files: FileCache, dir: string): string[] {
  const root = files.root;
  const out: string[] = [];
  const walk = (rel: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(join(root, rel)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const child = `${rel}/${name}`;
      let isDir = false;
      try {
        isDir = statSync(join(root, child)).isDirectory();
      } catch {
        continue;
      }
      if (isDir) {
        if (depth < 4) walk(child, depth + 1);
      } else if (/\.(?:tpl|ya?ml|txt)$/.test(name)) {
        out.push(child);
      }
    }
  };
  walk(dir, 0);
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
