/**
 * What the manifests of `-f` hold, read the way kubectl reads them: every YAML or JSON document,
 * and the items of anything with an `items` field (kubectl decodes any such object as a list, and
 * gives an item without kind and apiVersion the list's kind less `List`). A manifest the guard
 * cannot read completely is reported as a problem, never skipped.
 */
import { parseAllDocuments } from 'yaml';
import { resourceOfKind, type ResourceInfo } from './guard-resources.js';

export interface ManifestObject {
  kind: string;
  resource: ResourceInfo;
  /** `spec.replicas` as written, for workloads scaled to zero. */
  replicas: unknown;
  /** Where it was found: `stdin, document 2, item 1`. */
  where: string;
}

export interface ManifestContext {
  /** What kubectl would read for `-f -`. */
  stdin?: string | undefined;
  /** The content of a file, or null when it is not a readable regular file (a directory, missing). */
  readFile?: ((path: string) => string | null) | undefined;
}

export type ManifestRead = { objects: ManifestObject[] } | { problem: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The objects of the files named by `-f` (each value may list several, comma-separated, as kubectl's flag does). */
export function readManifests(values: readonly string[], ctx: ManifestContext): ManifestRead {
  const objects: ManifestObject[] = [];
  for (const value of values) {
    // a string slice flag: kubectl reads it as CSV, where quotes change the splitting
    if (value.includes('"')) return { problem: `-f ${JSON.stringify(value)} is quoted CSV, which the guard does not read` };
    for (const path of value.split(',')) {
      const read = readSource(path, ctx);
      if ('problem' in read) return read;
      const parsed = parseManifestText(read.text, read.label);
      if ('problem' in parsed) return parsed;
      objects.push(...parsed.objects);
    }
  }
  return { objects };
}

function readSource(path: string, ctx: ManifestContext): { text: string; label: string } | { problem: string } {
  if (path === '-') {
    if (ctx.stdin === undefined) return { problem: '-f - reads stdin, and no stdin was given to inspect' };
    return { text: ctx.stdin, label: 'stdin' };
  }
  if (path === '') return { problem: '-f has an empty file name' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return { problem: `-f ${path} is a URL, whose content can change after the check` };
  if (/^\/(dev|proc|sys)(\/|$)/.test(path)) return { problem: `-f ${path} is a device or kernel file, not a manifest` };
  const text = ctx.readFile?.(path) ?? null;
  if (text === null)
    return { problem: `-f ${path} cannot be read as a file (a directory, missing or unreadable), so it cannot be inspected` };
  return { text, label: path };
}

/** The objects of one manifest text, all documents, list items included. */
export function parseManifestText(text: string, label: string): ManifestRead {
  const objects: ManifestObject[] = [];
  const docs = parseAllDocuments(text, { merge: true, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  for (const [i, doc] of list.entries()) {
    const where = `${label}, document ${i + 1}`;
    const error = doc.errors[0];
    if (error) return { problem: `${where} is not valid YAML (${error.message.split('\n')[0]})` };
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (cause) {
      return { problem: `${where} cannot be read (${cause instanceof Error ? cause.message : String(cause)})` };
    }
    if (value === null || value === undefined) continue;
    const problem = collect(value, where, undefined, objects, 0);
    if (problem) return { problem };
  }
  return { objects };
}

function collect(
  value: unknown,
  where: string,
  listKind: string | undefined,
  out: ManifestObject[],
  depth: number,
): string | undefined {
  if (depth > 8) return `${where} nests lists too deep to inspect`;
  if (!isObject(value)) return `${where} is not an object`;
  let kind = value.kind;
  if (kind === undefined && value.apiVersion === undefined && listKind !== undefined) kind = listKind;
  if (typeof kind !== 'string' || kind.trim() === '') return `${where} has no kind, so what it would change cannot be told`;
  if (value.items !== undefined && value.items !== null) {
    if (!Array.isArray(value.items)) return `${where} has items that are not a list`;
    const itemKind = kind.endsWith('List') ? kind.slice(0, -'List'.length) : kind;
    // the list's own kind counts too: a SecretList is about Secrets even when empty
    if (itemKind !== '') out.push({ kind: itemKind, resource: resourceOfKind(itemKind), replicas: undefined, where });
    for (const [j, item] of value.items.entries()) {
      const problem = collect(item, `${where}, item ${j + 1}`, itemKind === '' ? undefined : itemKind, out, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  const spec = isObject(value.spec) ? value.spec : {};
  out.push({ kind, resource: resourceOfKind(kind), replicas: spec.replicas, where });
  return undefined;
}
