// Only types at the top: the clients pull in zod, yaml and the Kubernetes
// client, which `todoctl --version` must not pay for. They load on first use.
import path from 'node:path';
import type { GitClient } from './clients/git.js';
import type { HelmClient } from './clients/helm.js';
import type { ContainerToolClient, ContainerToolName } from './clients/container-tool.js';
import type { KubectlClient } from './clients/kubectl.js';
import type { MinikubeClient } from './clients/minikube.js';
import type { TrivyClient } from './clients/trivy.js';
import type { KubeTarget } from './clients/target.js';
import type { Environment, LoadedConfig } from './config.js';
import type { GlobalOptions } from './globals.js';
import type { IO } from './runtime/io.js';
import { createPrompts, type Prompts } from './runtime/prompts.js';
import type { Runner } from './runtime/runner.js';
import { chooseRenderer, type RendererName } from './runtime/tasks.js';

export type { GlobalOptions } from './globals.js';

/** Everything an action may touch, built once per invocation. */
export interface Deps {
  io: IO;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The Node.js version running todoctl (process.version). */
  nodeVersion: string;
  runner: Runner;
  prompts: Prompts;
  clock: () => Date;
  globals: GlobalOptions;
  /** The --env flag, checked against todoctl.yaml's environments; undefined when not given. */
  envs: Environment[] | undefined;
  renderer: RendererName;
  /** todoctl.yaml, found by walking up from the cwd (or validate's --root), or the embedded defaults. */
  config(): Promise<LoadedConfig>;
  /** The project root: the folder of todoctl.yaml, else the current folder. */
  root(): Promise<string>;
  /** The environment in effect: --env, else the config's defaultEnv. */
  environment(): Promise<Environment>;
  /** --context/-n/--kubeconfig, falling back to the environment's settings in todoctl.yaml. */
  target(): Promise<KubeTarget>;
  helm(): Promise<HelmClient>;
  git(): Promise<GitClient>;
  kubectl(): Promise<KubectlClient>;
  /** minikube (TODOCTL_MINIKUBE to point at a specific binary). */
  minikube(): Promise<MinikubeClient>;
  /** docker or podman. */
  containerTool(name: ContainerToolName): Promise<ContainerToolClient>;
  /** trivy, the image scanner (TODOCTL_TRIVY to point at a specific binary). */
  trivy(): Promise<TrivyClient>;
  warn(message: string): void;
  debug(message: string): void;
}

export interface DepsInput {
  io: IO;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  nodeVersion: string;
  runner: Runner;
  globals: GlobalOptions;
  /** Whether this command takes a comma-separated --env list (validate). */
  envList?: boolean;
  /** Where to look for todoctl.yaml when not the cwd (validate --root: the repository it checks). */
  configFrom?: string | undefined;
  /** Read a key repeated in todoctl.yaml as YAML loaders do (validate reports it instead of refusing). */
  allowDuplicateKeys?: boolean;
  clock?: () => Date;
  prompts?: Prompts;
}

/** Builds the Deps of one run; a bad --env fails here, before the command does anything. */
export async function createDeps(input: DepsInput): Promise<Deps> {
  const { io, env, globals } = input;
  let config: Promise<LoadedConfig> | undefined;
  let target: Promise<KubeTarget> | undefined;
  const quiet = globals.output !== undefined && globals.output !== 'text';

  const deps: Deps = {
    io,
    env,
    cwd: input.cwd,
    nodeVersion: input.nodeVersion,
    runner: input.runner,
    prompts: input.prompts ?? createPrompts({ yes: globals.yes, interactive: io.interactive }),
    clock: input.clock ?? (() => new Date()),
    globals,
    envs: undefined,
    renderer: chooseRenderer({
      isTTY: Boolean(io.stderr.isTTY),
      ci: Boolean(env.CI && env.CI !== 'false'),
      verbose: globals.verbose,
      quiet: quiet && !globals.verbose,
    }),
    config() {
      config ??= import('./config.js').then(({ loadConfig }) =>
        loadConfig({
          cwd: input.configFrom ? path.resolve(input.cwd, input.configFrom) : input.cwd,
          file: globals.config ?? env.TODOCTL_CONFIG,
          allowDuplicateKeys: input.allowDuplicateKeys ?? false,
        }),
      );
      return config;
    },
    async root() {
      const loaded = await deps.config();
      return loaded.file ? loaded.root : input.cwd;
    },
    async environment() {
      return deps.envs?.[0] ?? (await deps.config()).config.defaultEnv;
    },
    target() {
      target ??= (async () => {
        const { config: cfg } = await deps.config();
        const { environmentsOf } = await import('./project.js');
        const envSettings = environmentsOf(cfg).get(await deps.environment());
        return {
          context: globals.context ?? envSettings?.context,
          namespace: globals.namespace ?? envSettings?.namespace,
          kubeconfig: globals.kubeconfig,
        };
      })();
      return target;
    },
    async helm() {
      const { HelmClient } = await import('./clients/helm.js');
      return new HelmClient(input.runner, await deps.target(), env.TODOCTL_HELM ?? 'helm');
    },
    async git() {
      const { GitClient } = await import('./clients/git.js');
      return new GitClient(input.runner);
    },
    async kubectl() {
      const { KubectlClient } = await import('./clients/kubectl.js');
      return new KubectlClient(input.runner, await deps.target(), env.TODOCTL_KUBECTL ?? 'kubectl');
    },
    async trivy() {
      const { TrivyClient } = await import('./clients/trivy.js');
      return new TrivyClient(input.runner, {}, env.TODOCTL_TRIVY ?? 'trivy');
    },
    async minikube() {
      const { MinikubeClient } = await import('./clients/minikube.js');
      return new MinikubeClient(input.runner, {}, env.TODOCTL_MINIKUBE ?? 'minikube');
    },
    async containerTool(name) {
      const { ContainerToolClient } = await import('./clients/container-tool.js');
      return new ContainerToolClient(input.runner, {}, name);
    },
    warn(message) {
      io.stderr.write(`warning: ${message}\n`);
    },
    debug(message) {
      if (globals.verbose) io.stderr.write(`debug: ${message}\n`);
    },
  };
  if (globals.env !== undefined) {
    const { parseEnvFlag } = await import('./project.js');
    deps.envs = parseEnvFlag((await deps.config()).config, globals.env, { list: input.envList ?? false });
  }
  return deps;
}
