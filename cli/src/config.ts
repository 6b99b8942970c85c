import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from './runtime/schema.js';
import { ConfigError } from './runtime/errors.js';

export const CONFIG_FILE = 'todoctl.yaml';
export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

const k8sName = z
  .string()
  .check(z.regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lowercase RFC 1123 name (letters, digits, "-")'), z.maxLength(63));
const text = z.string().check(z.minLength(1));

const environmentSchema = z.strictObject({
  namespace: k8sName,
  context: z.optional(text),
  /** Values files per chart, relative to the chart folder. */
  valuesFile: z.optional(text),
});

const releaseSchema = z.strictObject({
  name: k8sName,
  chart: text,
  /** A namespace the release lives in whatever the environment (the infrastructure release, which creates the others). */
  namespace: z.optional(k8sName),
  /** The image this release runs; built from `build.context`. */
  image: z.optional(text),
  build: z.optional(
    z.strictObject({
      context: text,
      dockerfile: z._default(text, 'Dockerfile'),
    }),
  ),
});

const aiSchema = z.strictObject({
  /** Any OpenAI-compatible endpoint: OpenAI, Ollama, vLLM, LiteLLM. */
  baseUrl: z.optional(z.url()),
  model: z._default(text, 'gpt-4o-mini'),
  /** Name of the environment variable holding the API key (never the key itself). */
  apiKeyEnv: z._default(
    z.string().check(z.regex(/^[A-Z][A-Z0-9_]*$/, 'must be the NAME of an environment variable in SCREAMING_SNAKE_CASE')),
    'TODOCTL_AI_API_KEY',
  ),
  /**
   * Where `todoctl ai` keeps its audit log, relative to this file's folder (`~/` for the home
   * folder); TODOCTL_AUDIT_FILE overrides it. Default: $XDG_STATE_HOME/todoctl/audit.jsonl
   * (~/.local/state), outside the repository so it is never committed.
   */
  auditLog: z.optional(text),
});

export const configSchema = z.strictObject({
  apiVersion: z.literal('todoctl/v1alpha1'),
  kind: z.literal('Project'),
  name: k8sName,
  defaultEnv: z._default(z.enum(ENVIRONMENTS), 'dev'),
  environments: z._default(
    z.strictObject({
      dev: z.optional(environmentSchema),
      staging: z.optional(environmentSchema),
      prod: z.optional(environmentSchema),
    }),
    {},
  ),
  releases: z._default(z.array(releaseSchema), []),
  ai: z._default(aiSchema, { model: 'gpt-4o-mini', apiKeyEnv: 'TODOCTL_AI_API_KEY' }),
});
export type TodoctlConfig = z.infer<typeof configSchema>;

export interface LoadedConfig {
  config: TodoctlConfig;
  /** The file it came from, or undefined for the embedded defaults. */
  file: string | undefined;
  /** The project root: the folder holding todoctl.yaml (or the cwd). */
  root: string;
}

/** What todoctl assumes when a repository has no todoctl.yaml. */
export function defaultConfig(): TodoctlConfig {
  return configSchema.parse({
    apiVersion: 'todoctl/v1alpha1',
    kind: 'Project',
    name: 'todo-chatbot',
    environments: {
      dev: { namespace: 'todo-dev' },
      staging: { namespace: 'todo-staging' },
      prod: { namespace: 'todo-prod' },
    },
    releases: [
      // built from the repository root: the npm workspace lock lives there
      {
        name: 'todo-backend',
        chart: 'charts/todo-backend',
        image: 'todo-backend',
        build: { context: '.', dockerfile: 'apps/api/Dockerfile' },
      },
      {
        name: 'todo-frontend',
        chart: 'charts/todo-frontend',
        image: 'todo-frontend',
        build: { context: '.', dockerfile: 'apps/web/Dockerfile' },
      },
      // It creates the todo-* namespaces, their quotas and admission policies, so it lives outside them.
      { name: 'todo-infrastructure', chart: 'charts/todo-infrastructure', namespace: 'default' },
    ],
  });
}

/** Walks up from `start` to the filesystem root looking for todoctl.yaml, as git does for .git. */
export async function findConfigFile(start: string, exists: (file: string) => Promise<boolean>): Promise<string | undefined> {
  let dir = path.resolve(start);
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE);
    if (await exists(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** todoctl.yaml holds the same key twice: every command refuses it, validate reports it as a finding. */
export class DuplicateKeysError extends ConfigError {}

/**
 * Loads todoctl.yaml from `file` or the first one found upwards from `cwd`. With
 * `allowDuplicateKeys` a repeated key takes the last value, as YAML loaders do (validate reads it
 * so, then reports the duplicate with both lines).
 */
export async function loadConfig(o: {
  cwd: string;
  file?: string | undefined;
  allowDuplicateKeys?: boolean;
}): Promise<LoadedConfig> {
  const file = o.file ? path.resolve(o.cwd, o.file) : await findConfigFile(o.cwd, fileExists);
  if (!file) return { config: defaultConfig(), file: undefined, root: o.cwd };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read ${file}: ${(cause as Error).message}`, file);
  }
  return { config: await parseConfig(text, file, { allowDuplicateKeys: o.allowDuplicateKeys }), file, root: path.dirname(file) };
}

/**
 * Parses and validates todoctl.yaml text; errors name the file, line and field. The YAML parser
 * loads here, only for a project that has a todoctl.yaml.
 */
export async function parseConfig(
  text: string,
  file: string,
  o: { allowDuplicateKeys?: boolean | undefined } = {},
): Promise<TodoctlConfig> {
  const { LineCounter, parseDocument } = await import('./runtime/yaml.js');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: !o.allowDuplicateKeys });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const pos = first.linePos?.[0];
    if (first.code === 'DUPLICATE_KEY') {
      const { duplicateKeys } = await import('./policy/yaml-keys.js');
      const duplicate = duplicateKeys(text)[0];
      if (duplicate)
        throw new DuplicateKeysError(
          `${file}:${duplicate.line}: key "${duplicate.path.join('.')}" appears twice, at lines ${duplicate.firstLine} and ${duplicate.line}`,
          file,
          { hint: 'Merge the two into one key: YAML loaders keep only the last, so the settings under the first would be lost.' },
        );
    }
    throw new ConfigError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: invalid YAML: ${first.message.split('\n')[0]}`, file, {
      hint: 'Fix the YAML syntax at that position.',
    });
  }
  const parsed = configSchema.safeParse(doc.toJS() ?? {});
  if (parsed.success) return parsed.data;

  const issue = parsed.error.issues[0]!;
  const fieldPath = issue.path.map(String);
  const field = fieldPath.length > 0 ? fieldPath.join('.') : '(top level)';
  const node = fieldPath.length > 0 ? doc.getIn(issue.path as (string | number)[], true) : undefined;
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  const line = range ? lineCounter.linePos(range[0]).line : undefined;
  const extra = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problem(s))` : '';
  throw new ConfigError(`${file}${line ? `:${line}` : ''}: field "${field}": ${describeIssue(issue)}${extra}`, file, {
    hint: `See the todoctl.yaml reference in the README for the fields "${field.split('.')[0]}" accepts.`,
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  return issue.message;
}

async function fileExists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
