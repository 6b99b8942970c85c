import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { z } from '../runtime/schema.js';
import { duplicateKeys } from './yaml-keys.js';

const ruleId = z.string().check(z.regex(/^TODO-[A-Z][A-Z0-9]*-[0-9]{3}$/, 'rule ids look like TODO-K8S-001'));
const nonEmpty = z.string().check(z.trim(), z.minLength(1));
const shortText = z.string().check(z.trim(), z.minLength(1), z.maxLength(1024));

export const ruleSchema = z
  .strictObject({
    id: ruleId,
    title: shortText,
    principle: nonEmpty,
    severity: z.enum(['error', 'warning', 'note']),
    scope: z.enum(['manifest', 'dockerfile', 'repo', 'chart', 'image']),
    rationale: shortText,
    fix: nonEmpty,
    kinds: z.optional(z.array(nonEmpty).check(z.minLength(1))),
    cel: z.optional(nonEmpty),
    /** Exported as a ValidatingAdmissionPolicy (object-local standard CEL only). */
    admission: z.optional(z.boolean()),
    /** YAML key used to find the line a human edits. */
    locate: z.optional(nonEmpty),
    equivalents: z.optional(z.record(z.string(), z.string())),
  })
  .check(
    z.superRefine((rule, ctx) => {
      if (rule.scope === 'manifest') {
        if (!rule.cel) ctx.addIssue({ code: 'custom', path: ['cel'], message: 'manifest rules need a cel expression' });
        if (!rule.kinds) ctx.addIssue({ code: 'custom', path: ['kinds'], message: 'manifest rules need kinds' });
        if (rule.admission && rule.cel && /(?<![.\w])(objects|env)\b/.test(rule.cel.replace(/'[^']*'/g, "''"))) {
          ctx.addIssue({
            code: 'custom',
            path: ['admission'],
            message: 'admission rules may only use object and variables, not objects or env',
          });
        }
      } else if (rule.cel || rule.admission) {
        ctx.addIssue({
          code: 'custom',
          path: ['cel'],
          message: `${rule.scope} rules are implemented in code and take no cel/admission`,
        });
      }
    }),
  );

export const catalogSchema = z
  .strictObject({
    apiVersion: z.literal('todoctl.dev/v1'),
    kind: z.literal('RuleCatalog'),
    variables: z._default(
      z.array(z.strictObject({ name: z.string().check(z.regex(/^[a-zA-Z][a-zA-Z0-9]*$/)), expression: nonEmpty })),
      [],
    ),
    kinds: z._default(z.record(z.string(), z.strictObject({ group: z.string(), version: nonEmpty, resource: nonEmpty })), {}),
    /** Globs never scanned by repo and dockerfile rules (fixtures that break rules on purpose). */
    ignorePaths: z._default(z.array(nonEmpty), []),
    /** Services: source directory, env var prefix, and the chart that deploys them. */
    services: z._default(
      z.array(
        z.strictObject({ path: nonEmpty, prefix: z.string().check(z.regex(/^[A-Z][A-Z0-9]*$/)), chart: z.optional(nonEmpty) }),
      ),
      [],
    ),
    rules: z.array(ruleSchema).check(z.minLength(1)),
  })
  .check(
    z.superRefine((catalog, ctx) => {
      const seen = new Set<string>();
      catalog.rules.forEach((rule, i) => {
        if (seen.has(rule.id))
          ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id ${rule.id}` });
        seen.add(rule.id);
        for (const kind of rule.kinds ?? []) {
          if (rule.admission && !catalog.kinds[kind]) {
            ctx.addIssue({
              code: 'custom',
              path: ['rules', i, 'kinds'],
              message: `kind ${kind} is not in the kinds table (needed for admission)`,
            });
          }
        }
      });
    }),
  );

const isoDate = z.union([
  z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'expires is a date YYYY-MM-DD')),
  z.pipe(
    z.date(),
    z.transform((d) => d.toISOString().slice(0, 10)),
  ),
]);

export const exemptionSchema = z.strictObject({
  rule: ruleId,
  target: nonEmpty,
  reason: z.string().check(z.trim(), z.minLength(10, 'say why the exemption is needed (at least 10 characters)')),
  expires: isoDate,
  owner: z.optional(z.string()),
});

export const exemptionsFileSchema = z.strictObject({
  apiVersion: z.literal('todoctl.dev/v1'),
  kind: z.literal('RuleExemptions'),
  exemptions: z.pipe(
    z.nullable(z.array(exemptionSchema)),
    z.transform((v) => v ?? []),
  ),
});

export type Rule = z.infer<typeof ruleSchema>;
export type Catalog = z.infer<typeof catalogSchema>;
export type Exemption = z.infer<typeof exemptionSchema>;

/** A catalog or exemptions file that cannot be used, with the file and line to fix. */
export class PolicyFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'PolicyFileError';
  }
}

/** The catalog shipped with todoctl (policies/rules.yaml at the repository root). */
export const BUNDLED_CATALOG = fileURLToPath(new URL('../../../policies/rules.yaml', import.meta.url));

/** The catalog a repository is judged by: its own policies/rules.yaml, else the one todoctl ships. */
export function catalogPathOf(root: string): string {
  const own = join(root, 'policies/rules.yaml');
  return existsSync(own) ? own : BUNDLED_CATALOG;
}

/**
 * Parses YAML text and validates it with a zod schema; errors carry the file and line.
 * A valid file takes the fast path (js-yaml, a few times quicker on the catalog); anything
 * js-yaml or the schema rejects is parsed again with the `yaml` package, whose source
 * positions give the line to fix, and whose verdict is the one reported.
 */
export function parseYamlFile<T extends z.ZodMiniType>(
  text: string,
  file: string,
  schema: T,
  o: YamlFileOptions = {},
): z.output<T> {
  let fast: unknown;
  try {
    // json: a repeated key takes the last value instead of throwing
    fast = loadYaml(text, { schema: CORE_SCHEMA, json: Boolean(o.allowDuplicateKeys) });
  } catch {
    return parseYamlFileWithPositions(text, file, schema, o);
  }
  const result = schema.safeParse(fast);
  return result.success ? result.data : parseYamlFileWithPositions(text, file, schema, o);
}

export interface YamlFileOptions {
  /**
   * Read a repeated key as YAML loaders do, the last one winning, instead of refusing the file:
   * validate does so and reports the duplicate itself (TODO-REPO-005, both lines).
   */
  allowDuplicateKeys?: boolean;
}

/** The `yaml` package's parse: slower, but every error maps to a line. */
export function parseYamlFileWithPositions<T extends z.ZodMiniType>(
  text: string,
  file: string,
  schema: T,
  o: YamlFileOptions = {},
): z.output<T> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: !o.allowDuplicateKeys });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = lineCounter.linePos(yamlError.pos[0]).line;
    const duplicate = yamlError.code === 'DUPLICATE_KEY' ? duplicateKeys(text)[0] : undefined;
    if (duplicate)
      throw new PolicyFileError(
        file,
        duplicate.line,
        `duplicate key "${duplicate.path.join('.')}" at lines ${duplicate.firstLine} and ${duplicate.line}: merge them into one`,
      );
    throw new PolicyFileError(file, line, `invalid YAML: ${yamlError.message.split('\n')[0]}`);
  }
  const result = schema.safeParse(doc.toJS());
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const line = lineOfPath(
      doc,
      lineCounter,
      issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    );
    throw new PolicyFileError(file, line, `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}

/** 1-based line of the node at `path` in a parsed YAML document (closest existing ancestor). */
export function lineOfPath(doc: ReturnType<typeof parseDocument>, lineCounter: LineCounter, path: (string | number)[]): number {
  let node: unknown = doc.contents;
  let line =
    node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)
      ? lineCounter.linePos(node.range[0] as number).line
      : 1;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => {
        const k = item.key as { value?: unknown } | null;
        return k !== null && typeof k === 'object' && String(k.value) === String(key);
      });
      if (!pair) break;
      const keyNode = pair.key as { range?: [number, number, number] };
      if (keyNode.range) line = lineCounter.linePos(keyNode.range[0]).line;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as { range?: [number, number, number] } | undefined;
      if (!item) break;
      if (item.range) line = lineCounter.linePos(item.range[0]).line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}

/** Line of `path` (e.g. ['image', 'tag']) in YAML text; 1 when the text does not parse. */
export function lineOfYamlPath(text: string, path: (string | number)[]): number {
  const lineCounter = new LineCounter();
  // a repeated key (TODO-REPO-005's finding) does not stop the lookup
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  if (doc.errors.length > 0) return 1;
  return lineOfPath(doc, lineCounter, path);
}

export async function loadCatalog(path: string, displayPath = path, o: YamlFileOptions = {}): Promise<Catalog> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new PolicyFileError(displayPath, 1, 'rule catalog not found');
  }
  return parseYamlFile(text, displayPath, catalogSchema, o);
}

/** Loads exemptions; a missing file means none. */
export async function loadExemptions(path: string, displayPath = path, o: YamlFileOptions = {}): Promise<Exemption[]> {
  if (!existsSync(path)) return [];
  const text = await readFile(path, 'utf8');
  return parseYamlFile(text, displayPath, exemptionsFileSchema, o).exemptions;
}

/** The rule catalog todoctl ships (for `todoctl validate --list-rules`). */
export async function listRules(catalogPath: string = BUNDLED_CATALOG): Promise<Rule[]> {
  return (await loadCatalog(catalogPath)).rules;
}
