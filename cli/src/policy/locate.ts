import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Caches file text reads for line lookups. */
export class FileCache {
  private readonly cache = new Map<string, string | null>();
  constructor(private readonly root: string) {}

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
 * Where a human fixes a finding on a rendered object: the key in the template; when the
 * template takes it from values (toYaml), the key in the most specific values file; else the
 * object's `kind:` line in the template.
 */
export function locate(files: FileCache, input: LocateInput): { file: string; line: number } {
  const template = files.read(input.template);
  if (input.key && template) {
    const line = lineOfKey(template, input.key);
    if (line) return { file: input.template, line };
  }
  if (input.key) {
    for (const valuesFile of input.valuesFiles) {
      const text = files.read(valuesFile);
      const line = text ? lineOfKey(text, input.key) : null;
      if (line) return { file: valuesFile, line };
    }
  }
  if (template && input.kind) {
    const lines = template.split('\n');
    const i = lines.findIndex((l) => new RegExp(`^kind:\\s*${input.kind}\\s*$`).test(l));
    if (i >= 0) return { file: input.template, line: i + 1 };
  }
  return { file: input.template, line: 1 };
}
