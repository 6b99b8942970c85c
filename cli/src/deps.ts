// Only types at the top: the clients pull in zod, yaml and the Kubernetes
// client, which `todoctl --version` must not pay for. They load on first use.
import type { HelmClient } from './clients/helm.js';
import type { KubeApi } from './clients/kube-api.js';
import type { KubectlClient } from './clients/kubectl.js';
import type { KubeTarget } from './clients/target.js';
import type { Environment, LoadedConfig } from './config.js';
import type { IO } from './runtime/io.js';
import { createPrompts, type Prompts } from './runtime/prompts.js';
import type { Runner } from './runtime/runner.js';
import { chooseRenderer, type RendererName } from './runtime/tasks.js';

/** Flags every command accepts. */
export interface GlobalOptions {
  context?: string | undefined;
  namespace?: string | undefined;
  kubeconfig?: string | undefined;
  /** One environment for most commands; validate accepts a comma-separated list. */
  env?: string | undefined;
  config?: string | undefined;
  output?: string | undefined;
  yes: boolean;
  color: boolean;
  verbose: boolean;
}

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
  renderer: RendererName;
  /** todoctl.yaml, found by walking up from the cwd (or the embedded defaults). */
  config(): Promise<LoadedConfig>;
  /** The environment in effect: --env, else the config's defaultEnv. */
  environment(): Promise<Environment>;
  /** --context/-n/--kubeconfig, falling back to the environment's settings in todoctl.yaml. */
  target(): Promise<KubeTarget>;
  helm(): Promise<HelmClient>;
  kubectl(): Promise<KubectlClient>;
  kubeApi(): Promise<KubeApi>;
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
  clock?: () => Date;
  prompts?: Prompts;
}

export function createDeps(input: DepsInput): Deps {
  const { io, env, globals } = input;
  let config: Promise<LoadedConfig> | undefined;
  let target: Promise<KubeTarget> | undefined;
  const quiet = globals.output === 'json' || globals.output === 'yaml';

  const deps: Deps = {
    io,
    env,
    cwd: input.cwd,
    nodeVersion: input.nodeVersion,
    runner: input.runner,
    prompts: input.prompts ?? createPrompts({ yes: globals.yes, interactive: io.interactive }),
    clock: input.clock ?? (() => new Date()),
    globals,
    renderer: chooseRenderer({
      isTTY: Boolean(io.stderr.isTTY),
      ci: Boolean(env.CI && env.CI !== 'false'),
      verbose: globals.verbose,
      quiet: quiet && !globals.verbose,
    }),
    config() {
      config ??= import('./config.js').then(({ loadConfig }) =>
        loadConfig({ cwd: input.cwd, file: globals.config ?? env.TODOCTL_CONFIG }),
      );
      return config;
    },
    async environment() {
      if (globals.env === undefined) return (await deps.config()).config.defaultEnv;
      const { ENVIRONMENTS } = await import('./config.js');
      if (!(ENVIRONMENTS as readonly string[]).includes(globals.env)) {
        const { UsageError } = await import('./runtime/errors.js');
        throw new UsageError(`unknown environment ${JSON.stringify(globals.env)}`, {
          hint: `Use --env ${ENVIRONMENTS.join('|')}.`,
        });
      }
      return globals.env as Environment;
    },
    target() {
      target ??= (async () => {
        const { config: cfg } = await deps.config();
        const envSettings = cfg.environments[await deps.environment()];
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
    async kubectl() {
      const { KubectlClient } = await import('./clients/kubectl.js');
      return new KubectlClient(input.runner, await deps.target(), env.TODOCTL_KUBECTL ?? 'kubectl');
    },
    async kubeApi() {
      const { KubeApi } = await import('./clients/kube-api.js');
      return new KubeApi(await deps.target(), env);
    },
    warn(message) {
      io.stderr.write(`warning: ${message}\n`);
    },
    debug(message) {
      if (globals.verbose) io.stderr.write(`debug: ${message}\n`);
    },
  };
  return deps;
}
