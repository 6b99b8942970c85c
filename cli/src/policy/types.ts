/** Shapes shared by the policy engine, its formatters and the `todoctl validate` command. */

export type Severity = 'error' | 'warning' | 'note';
export type Status = 'pass' | 'fail' | 'exempt' | 'not-evaluated';
export type Scope = 'manifest' | 'dockerfile' | 'repo' | 'chart';
export type Env = 'dev' | 'staging' | 'prod';
export const ALL_ENVS: readonly Env[] = ['dev', 'staging', 'prod'];

/** One verdict of one rule on one target. */
export interface Finding {
  rule: string;
  status: Status;
  severity: Severity;
  /** Repository-relative path of the file a human edits (template, values file, Dockerfile, ...). */
  file: string;
  /** 1-based line in `file`; best effort for rendered objects. */
  line: number;
  /** `Kind/name` (namespaced: `namespace/Kind/name`) for manifests, or a logical target such as a chart name. */
  resource: string;
  /** Environment the chart was rendered for; null for env-independent findings. */
  env: Env | null;
  /** Chart the finding belongs to, when there is one. */
  chart?: string;
  message: string;
  fix: string;
  /** Present when status is `exempt`. */
  exemption?: { reason: string; expires: string; target: string };
}

export interface Summary {
  total: number;
  pass: number;
  fail: number;
  exempt: number;
  notEvaluated: number;
  /** Failing findings by severity. */
  failBySeverity: Record<Severity, number>;
  rules: number;
  charts: string[];
  envs: Env[];
  durationMs: number;
}

/** A problem with a tool or the input that makes the result incomplete (CLI: exit 2). */
export interface ToolProblem {
  code: 'HELM_MISSING' | 'GIT_MISSING' | 'CATALOG_INVALID' | 'TOOL_FAILED';
  message: string;
}

export interface ValidationReport {
  summary: Summary;
  findings: Finding[];
  /** Tool failures (helm missing, catalog invalid). Non-empty means the CLI exits 2. */
  toolErrors: ToolProblem[];
  /** Non-fatal notes (expired exemptions, exemptions for unknown rules). */
  warnings: string[];
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
}

/**
 * Runs an external program. The CLI passes its execa-based runner; tests pass a scripted fake.
 * A missing binary may be reported by throwing an error with code ENOENT or by exit code 127.
 */
export type Runner = (cmd: string, args: string[], opts?: RunOptions) => Promise<RunResult>;

/** An object with a `run` method of the same shape (the CLI's ExecaRunner / FakeRunner). */
export interface RunnerLike {
  run(cmd: string, args: readonly string[], opts?: RunOptions): Promise<RunResult>;
}

export interface PolicyDeps {
  /** The runner function, or an object whose `run` method has the same signature. */
  run: Runner | RunnerLike;
  /** helm binary (name on PATH or absolute path). Default: "helm". */
  helm?: string;
  /** Extra environment for the helm processes (merged over the inherited one); see batchHelmEnv. */
  helmEnv?: Record<string, string>;
  /** git binary. Default: "git". */
  git?: string;
  /** Clock for exemption expiry. Default: () => new Date(). */
  now?: () => Date;
  /** Called with progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

export interface ValidateOptions {
  /** Repository root (absolute path). */
  root: string;
  /** Environments to render charts for. Default: dev, staging, prod. */
  envs?: Env[];
  /** Git ref to compare chart versions against (TODO-HELM-004). Without it that rule is not evaluated. */
  base?: string;
  /** Rule catalog; default `<root>/policies/rules.yaml`, falling back to the catalog shipped with todoctl. */
  catalogPath?: string;
  /** Exemptions; default `<root>/policies/exemptions.yaml` (optional file). */
  exemptionsPath?: string;
  /** Which rule scopes to run. Default: all. */
  scopes?: Scope[];
  /** Include passing findings in the report. Default true. */
  includePasses?: boolean;
}
