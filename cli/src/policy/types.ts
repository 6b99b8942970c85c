/** Shapes shared by the policy engine, its formatters and the `todoctl validate` action. */
import type { GitClient } from '../clients/git.js';
import type { HelmClient } from '../clients/helm.js';
import type { Environment } from '../config.js';
import type { Rule } from './catalog.js';

export type Severity = 'error' | 'warning' | 'note';
export type Status = 'pass' | 'fail' | 'exempt' | 'not-evaluated';
export type Scope = 'manifest' | 'dockerfile' | 'repo' | 'chart' | 'image';
export type Env = Environment;

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
  /** The chart-testing values file (ci/<name>-values.yaml) the chart was rendered with, for env-less renders. */
  values?: string;
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
  code: 'HELM_MISSING' | 'GIT_MISSING' | 'CATALOG_INVALID' | 'TOOL_FAILED' | 'NOTHING_TO_CHECK';
  message: string;
}

export interface ValidationReport {
  summary: Summary;
  findings: Finding[];
  /** Tool failures (helm missing, catalog invalid). Non-empty means the CLI exits 2. */
  toolErrors: ToolProblem[];
  /** Non-fatal notes (expired exemptions, exemptions for unknown rules). */
  warnings: string[];
  /** The rule catalog the findings were judged by (SARIF lists it); empty when it did not load. */
  rules: Rule[];
}

/** Where one chart is rendered for one environment: the release name and its namespace. */
export interface RenderTarget {
  release: string;
  namespace: string;
}

export interface PolicyDeps {
  /** helm, for lint, template and dependency build (the CLI passes one with shortRunGoEnv). */
  helm: HelmClient;
  git: GitClient;
  /** Clock for exemption expiry. Default: () => new Date(). */
  now?: () => Date;
  /** Called with progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

export interface ValidateOptions {
  /** Repository root (absolute path). */
  root: string;
  /** Environments to render charts for (at least one). */
  envs: Env[];
  /** The release name and namespace a chart is rendered with in an environment (from todoctl.yaml). */
  renderTarget: (chart: { name: string; dir: string }, env: Env) => RenderTarget;
  /** Kubernetes version charts are rendered and linted for. */
  kubeVersion: string;
  /** Git ref to compare chart versions against (TODO-HELM-004). Without it that rule is not evaluated. */
  base?: string;
  /** Rule catalog; default `<root>/policies/rules.yaml`, falling back to the catalog shipped with todoctl. */
  catalogPath?: string;
  /** Exemptions; default `<root>/policies/exemptions.yaml` (optional file). */
  exemptionsPath?: string;
  /** Which rule scopes to run. Default: all. */
  scopes?: Scope[];
  /**
   * Chart folders (repository-relative) to check: todoctl.yaml's releases[].chart. Default:
   * every Chart.yaml of the repository outside hidden and vendored folders.
   */
  charts?: string[];
  /** Where the configured chart list came from, for messages (e.g. "todoctl.yaml"). */
  chartsSource?: string;
  /** A chart's values file for an environment, relative to the chart. Default values-<env>.yaml. */
  envValuesFile?: (env: Env) => string;
  /** Include passing findings in the report. Default true. */
  includePasses?: boolean;
  /** Findings judged elsewhere (the built images'), reported and exempted with the rest. */
  extraFindings?: Finding[];
}
