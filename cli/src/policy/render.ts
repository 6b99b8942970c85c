/** What helm's output means to the engine: rendered objects, and error text turned into file and line. */
import { CORE_SCHEMA, Type, load as loadYaml, type YAMLException } from 'js-yaml';
import type { K8sObject } from './cel.js';

/** A document of `helm template` output with the template it came from. */
export interface RenderedObject {
  object: K8sObject;
  /** Path inside the chart as helm prints it: `<chart>/templates/x.yaml`. */
  source: string;
}

export interface RenderProblem {
  /** Path relative to the chart directory's parent (`<chart>/templates/x.yaml`), or a values file. */
  source: string;
  line: number;
  message: string;
}

/**
 * YAML 1.2 core schema with integers as BigInt, as the `yaml` package's `intAsBigInt` gives:
 * CEL tells int from double, and the API server hands the admission policies int64s.
 */
const RENDERED_SCHEMA = CORE_SCHEMA.extend({
  implicit: [
    new Type('tag:yaml.org,2002:int', {
      kind: 'scalar',
      resolve: (data: unknown) => typeof data === 'string' && /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/.test(data),
      construct: (data: string) => BigInt(data.replace(/^\+/, '')),
    }),
  ],
});

/**
 * Splits `helm template` output into objects tagged with their `# Source:` template.
 * helm's output is machine-written plain YAML, so it goes through js-yaml, which is several
 * times faster than the `yaml` package (kept for the files people edit, where positions matter).
 * `json: true` lets a later duplicate key win instead of throwing, as the API server's decoder does.
 */
export function parseRendered(stdout: string): { objects: RenderedObject[]; problems: RenderProblem[] } {
  const objects: RenderedObject[] = [];
  const problems: RenderProblem[] = [];
  for (const chunk of stdout.split(/^---[ \t]*$/m)) {
    const source = /^# Source: (.+)$/m.exec(chunk)?.[1]?.trim() ?? '';
    if (!chunk.replace(/^#.*$/gm, '').trim()) continue;
    let parsed: unknown;
    try {
      parsed = loadYaml(chunk, { schema: RENDERED_SCHEMA, json: true });
    } catch (error) {
      const mark = (error as YAMLException).mark as { line?: number } | undefined;
      const reason = (error as YAMLException).reason ?? (error as Error).message.split('\n')[0];
      problems.push({
        source,
        line: typeof mark?.line === 'number' ? mark.line + 1 : 1,
        message: `rendered YAML is invalid: ${reason}`,
      });
      continue;
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) objects.push({ object: parsed as K8sObject, source });
  }
  return { objects, problems };
}

/**
 * Turns helm's error text into file+line problems. Handles execution errors
 * (`at (<chart>/templates/x.yaml:12:3)`), template parse errors, YAML errors
 * (`YAML parse error on <chart>/templates/x.yaml: ... line 5`) and schema errors (`at '/image/tag'`).
 */
export function parseHelmError(stderr: string, chart: string, valuesFile: string): RenderProblem[] {
  const text = stderr.trim();
  const message = text
    .replace(/^Error: /, '')
    .replace(/\n*Use --debug flag to render out invalid YAML\s*$/, '')
    .trim();
  const valuesParse = /failed to parse ([^\s:]+):[^\n]*?line (\d+)/.exec(text);
  if (valuesParse) return [{ source: valuesParse[1]!, line: Number(valuesParse[2]), message }];
  const at = /\(([^()\s]+?\.(?:ya?ml|tpl|txt|json)):(\d+)(?::\d+)?\)/.exec(text);
  if (at) return [{ source: at[1]!, line: Number(at[2]), message }];
  const yamlOn = /YAML parse error on ([^\s:]+):[^\n]*?line (\d+)/.exec(text);
  if (yamlOn) return [{ source: yamlOn[1]!, line: Number(yamlOn[2]), message }];
  const template = /template: ([^\s:]+):(\d+):/.exec(text);
  if (template) return [{ source: template[1]!, line: Number(template[2]), message }];
  const schema = [...new Set([...text.matchAll(/at '(\/[^']*)'/g)].map((m) => m[1]!))];
  if (schema.length > 0) {
    return schema.map((pointer) => ({ source: `values:${pointer}`, line: 0, message }));
  }
  return [{ source: `${chart}/${valuesFile}`, line: 1, message: message || 'helm failed without a message' }];
}
