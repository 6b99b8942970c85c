import { CORE_SCHEMA, Type, load as loadYaml, type YAMLException } from 'js-yaml';
import type { K8sObject } from './cel.js';
import type { Env, RunResult, Runner } from './types.js';

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

export class HelmMissingError extends Error {
  constructor(
    readonly binary: string,
    detail: string,
  ) {
    super(`helm is not available (${binary}): ${detail}. Install helm 3.x or 4.x, put it on PATH or set TODOCTL_HELM.`);
    this.name = 'HelmMissingError';
  }
}

/**
 * Environment for the short helm processes validate runs in a batch. helm is a Go program
 * that exits after some 60 ms; with the default GOGC=100 it spends about a third of its CPU
 * collecting a heap that is about to be thrown away. GC off removes that work; the soft
 * limit (GOMEMLIMIT, honoured by Go 1.19+, so by every Helm since 3.10) turns the collector
 * back on near 512 MiB, so a pathological chart still cannot take the machine's memory.
 * On the charts here, peak RSS per `helm lint` goes from about 53 to 90 MB. (GOGC=400 was
 * measured too: about 0.1x worse on the benchmark ratio.) A GOGC or GOMEMLIMIT the user set
 * is left alone.
 */
export function batchHelmEnv(userEnv: Readonly<Record<string, string | undefined>>): Record<string, string> {
  if (userEnv.GOGC !== undefined || userEnv.GOMEMLIMIT !== undefined) return {};
  return { GOGC: 'off', GOMEMLIMIT: '512MiB' };
}

/** Runs helm; a missing binary becomes HelmMissingError, anything else is returned. */
export async function runHelm(
  run: Runner,
  helm: string,
  args: string[],
  cwd?: string,
  env?: Record<string, string>,
): Promise<RunResult> {
  let result: RunResult;
  const options = { ...(cwd ? { cwd } : {}), ...(env && Object.keys(env).length > 0 ? { env } : {}) };
  try {
    result = await run(helm, args, Object.keys(options).length > 0 ? options : undefined);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    if (code === 'ENOENT' || /ENOENT|not found|no such file/i.test(message))
      throw new HelmMissingError(helm, message.split('\n')[0] ?? message);
    throw error;
  }
  if (result.exitCode === 127 || (result.exitCode < 0 && /ENOENT/.test(result.stderr))) {
    throw new HelmMissingError(helm, result.stderr.trim() || `exit code ${result.exitCode}`);
  }
  return result;
}

/** `helm version --short`; throws HelmMissingError when helm cannot run. */
export async function helmVersion(run: Runner, helm: string): Promise<string> {
  const result = await runHelm(run, helm, ['version', '--short']);
  if (result.exitCode !== 0) throw new HelmMissingError(helm, result.stderr.trim() || `exit code ${result.exitCode}`);
  return result.stdout.trim();
}

/** Kubernetes version charts are rendered for (helm 3 defaults to an old one that kubeVersion constraints reject). */
export const KUBE_VERSION = '1.36.0';

export function releaseNamespace(chart: string, env: Env): string {
  return chart === 'todo-infrastructure' ? 'default' : `todo-${env}`;
}

export function templateArgs(chartDir: string, chart: string, env: Env, valuesFile: string): string[] {
  return [
    'template',
    chart,
    chartDir,
    '--namespace',
    releaseNamespace(chart, env),
    '-f',
    valuesFile,
    // Render the CRD-guarded templates too, so they are validated.
    '--api-versions',
    'monitoring.coreos.com/v1',
    '--kube-version',
    KUBE_VERSION,
  ];
}

export function lintArgs(chartDir: string, valuesFile: string): string[] {
  return ['lint', chartDir, '--strict', '-f', valuesFile, '--kube-version', KUBE_VERSION];
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
