import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Caches file text reads for line lookups. */
export class FileCache {
  private readonly cache = new Map<string, string | null>();
  /** @param root the folder repository-relative paths are read from */
  constructor(readonly root: string) {}

  /** Text of a repository-relative file, or null when it cannot be read. */
  read(relPath: string): string | null {
    if (!this.cache.has(relPath)) {
      try {
        this.cache.set(relPath, readFileSync(join(this.root, relPath), 'utf8'));
      } catch {
        this.cache.set(relPath, null);
      }
    }
    return this.cache.get(relPath) ?? null;
  }
}

/** 1-based line of the first `key:` in text (YAML key at any depth, list item or not). */
export function lineOfKey(text: string, key: string): number | null {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^\\s*(?:-\\s+)?["']?${escaped}["']?\\s*:`);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) if (re.test(lines[i]!)) return i + 1;
  return null;
}

export interface LocateInput {
  /** Repository-relative template file. */
  template: string;
  /** Repository-relative values files, most specific first (values-<env>.yaml, values.yaml). */
  valuesFiles: string[];
  /** Key the rule is about (rule.locate). */
  key?: string | undefined;
  /** Kind of the object, to find its `kind:` line as a fallback. */
  kind?: string | undefined;
}

/**
 * The lines of the template document that renders an object of `kind`: a template may hold
 * several documents (a Secret, a ConfigMap and a Deployment), and a key is looked up in the
 * object's own. The whole template when no document declares the kind literally.
 */
function documentOf(template: string, kind: string | undefined): { lines: string[]; offset: number; kindLine: number | null } {
  const lines = template.split('\n');
  if (!kind) return { lines, offset: 0, kindLine: null };
  const kindRe = new RegExp(`^kind:\\s*["']?${kind}["']?\\s*$`);
  const at = lines.findIndex((l) => kindRe.test(l));
  if (at < 0) return { lines, offset: 0, kindLine: null };
  let start = at;
  while (start > 0 && !/^---/.test(lines[start - 1]!)) start--;
  let end = at + 1;
  while (end < lines.length && !/^---/.test(lines[end]!)) end++;
  return { lines: lines.slice(start, end), offset: start, kindLine: at + 1 };
}

/**
 * Where a human fixes a finding on a rendered object: the key in the object's document of the
 * template; when the template takes it from values (toYaml), the key in the most specific
 * values file; else the object's `kind:` line in the template.
 */
export function locate(files: FileCache, input: LocateInput): { file: string; line: number } {
  const template = files.read(input.template);
  const doc = template === null ? null : documentOf(template, input.kind);
  if (input.key && input.key !== 'kind' && doc) {
    const line = lineOfKey(doc.lines.join('\n'), input.key);
    if (line) return { file: input.template, line: line + doc.offset };
  }
  if (input.key && input.key !== 'kind') {
    for (const valuesFile of input.valuesFiles) {
      const text = files.read(valuesFile);
      const line = text ? lineOfKey(text, input.key) : null;
      if (line) return { file: valuesFile, line };
    }
  }
  if (doc?.kindLine) return { file: input.template, line: doc.kindLine };
  return { file: input.template, line: 1 };
}
