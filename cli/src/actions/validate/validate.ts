import path from 'node:path';
import { shortRunGoEnv } from '../../clients/go-env.js';
import type { ContainerToolName } from '../../clients/container-tool.js';
import type { Deps } from '../../deps.js';
import type { Environment, LoadedConfig } from '../../config.js';
import { environmentsOf, envValuesFileOf, renderTargetOf, RENDER_KUBE_VERSION } from '../../project.js';
import { exitCodeFor, listRules, validateRepository, type Rule, type ValidationReport } from '../../policy/index.js';
import { ExitCode, PolicyError, TodoctlError, UsageError } from '../../runtime/errors.js';

export interface ValidateOptions {
  /** Repository to validate; default: the folder of todoctl.yaml, else the current folder. */
  root?: string | undefined;
  /** Git ref to compare chart versions and CHANGELOG against. */
  base?: string | undefined;
  /** Environments to render for; default: --env, else every environment of todoctl.yaml. */
  envs?: Environment[] | undefined;
  /** Also judge the built images of this commit (scope `image`), read through this tool. */
  images?: boolean | undefined;
  builder?: ContainerToolName | undefined;
}

/** A tool validate needs (helm) is missing or the catalog is unusable: nothing was judged. */
export class ValidationIncompleteError extends TodoctlError {
  override readonly exitCode = ExitCode.Usage;
}

/** The repository: --root, else the folder of todoctl.yaml, else the current folder. */
async function project(deps: Deps, o: ValidateOptions): Promise<{ root: string; loaded: LoadedConfig }> {
  // deps.config() looked for todoctl.yaml from --root when it was given
  // (with a repeated key read as YAML loaders do: validate reports it as TODO-REPO-005)
  const [loaded, projectRoot] = await Promise.all([deps.config(), deps.root()]);
  return { root: o.root ? path.resolve(deps.cwd, o.root) : projectRoot, loaded };
}

/**
 * Checks the charts (every environment of todoctl.yaml, or --env), the Dockerfiles and the
 * repository against the constitution. Charts render with the release names and namespaces
 * todoctl.yaml deploys them with. Returns the report; `assertPassed` turns it into an exit code.
 */
export async function runValidate(deps: Deps, o: ValidateOptions): Promise<ValidationReport> {
  const { root, loaded } = await project(deps, o);
  await assertDirectory(root, o.root);
  const envs = o.envs ?? deps.envs ?? [...environmentsOf(loaded.config).keys()];
  // todoctl.yaml names the charts it deploys; without one, every chart of the repository is checked.
  const configured =
    loaded.file && loaded.config.releases.length > 0 && path.resolve(loaded.root) === root
      ? { charts: loaded.config.releases.map((r) => r.chart), chartsSource: path.relative(root, loaded.file) || 'todoctl.yaml' }
      : {};
  const [helm, git] = await Promise.all([deps.helm(), deps.git()]);
  const extraFindings = o.images ? await imageFindingsFor(deps, o, root, envs[0]!) : undefined;
  return validateRepository(
    { helm: helm.withEnv(shortRunGoEnv(deps.env)), git, now: deps.clock, log: (line) => deps.debug(line) },
    {
      root,
      envs,
      renderTarget: renderTargetOf(loaded.config, root),
      envValuesFile: (env) => envValuesFileOf(loaded.config, env),
      ...configured,
      kubeVersion: RENDER_KUBE_VERSION,
      ...(o.base ? { base: o.base } : {}),
      ...(extraFindings ? { extraFindings } : {}),
    },
  );
}

/** --root must name a folder: a missing one is a usage error, not a crash in the middle of the checks. */
async function assertDirectory(root: string, given: string | undefined): Promise<void> {
  const { stat } = await import('node:fs/promises');
  const flag = given ? `--root ${given}` : 'the project folder';
  try {
    if ((await stat(root)).isDirectory()) return;
  } catch (error) {
    throw new UsageError(`${flag} does not exist (${root})`, {
      hint: `Pass --root <folder of the repository to check>; ${(error as NodeJS.ErrnoException).code ?? 'not found'}.`,
    });
  }
  throw new UsageError(`${flag} is a file, not a folder (${root})`, {
    hint: 'Pass --root <folder of the repository to check>.',
  });
}

/**
 * The image rules' findings for the images of this commit's tags. An image that was not built
 * is a failure naming the command that builds it, never a silent pass.
 */
async function imageFindingsFor(deps: Deps, o: ValidateOptions, root: string, env: Environment) {
  const [{ imageTags }, { observeImages, imageFindings }] = await Promise.all([
    import('../build/build.js'),
    import('../images/images.js'),
  ]);
  const tags = await imageTags(deps);
  const { observations, missing } = await observeImages(deps, { tags, builder: o.builder, env });
  if (missing.length > 0) {
    throw new ValidationIncompleteError(`not built, so not judged: ${missing.join(', ')}`, {
      hint: `Run todoctl build${o.builder ? ` --builder ${o.builder}` : ''} first: --images judges the images of this commit's tags.`,
    });
  }
  return imageFindings(root, observations);
}

/** The rule catalog: the repository's policies/rules.yaml, else the one todoctl ships. */
export async function runListRules(deps: Deps, o: ValidateOptions): Promise<Rule[]> {
  return listRules((await project(deps, o)).root);
}

/** Throws the error whose exit code the report calls for: 2 incomplete, 1 a rule failed. */
export function assertPassed(report: ValidationReport): void {
  const code = exitCodeFor(report);
  if (code === ExitCode.Usage && report.toolErrors.some((t) => t.code === 'NOTHING_TO_CHECK')) {
    throw new ValidationIncompleteError(report.toolErrors.map((t) => t.message).join('; '), {
      hint: 'Pass --root <folder of a repository with charts or Dockerfiles>, or run todoctl validate from inside it.',
    });
  }
  if (code === ExitCode.Usage) {
    throw new ValidationIncompleteError(`validation is incomplete: ${report.toolErrors.map((t) => t.message).join('; ')}`, {
      hint: 'Install the missing tool (helm: set TODOCTL_HELM or put it on PATH) or fix the catalog, then re-run.',
    });
  }
  if (code === ExitCode.Failure) {
    throw new PolicyError(`${report.summary.fail} constitution check(s) failed`, {
      hint: 'Each failing finding above names the file, line and fix; exempt a finding only in policies/exemptions.yaml.',
    });
  }
}
