import { ToolError } from '../runtime/errors.js';
import { z } from '../runtime/schema.js';
import type { Runner, RunResult } from '../runtime/runner.js';
import { podState, type PodLike, type PodState } from './pod-state.js';
import type { KubeTarget } from './target.js';
import { ToolClient } from './tool.js';

/** Typed wrapper around kubectl: target flags in one place, JSON output forced. */
export class KubectlClient extends ToolClient {
  protected readonly installHint = 'Install kubectl (https://kubernetes.io/docs/tasks/tools/) and make sure it is on PATH.';

  constructor(runner: Runner, target: KubeTarget = {}, binary = 'kubectl', env: Readonly<Record<string, string>> = {}) {
    super(runner, target, binary, env);
  }

  targetArgs(o: { namespaced?: boolean } = {}): string[] {
    const args: string[] = [];
    if (this.target.kubeconfig) args.push('--kubeconfig', this.target.kubeconfig);
    if (this.target.context) args.push('--context', this.target.context);
    if (o.namespaced !== false && this.target.namespace) args.push('--namespace', this.target.namespace);
    return args;
  }

  /**
   * Runs kubectl with `args` exactly as given (todoctl ai's guard classified them first), pinned
   * to the target's kubeconfig and context, in the target namespace unless the args name one.
   * Never through a shell; a non-zero exit is returned, not thrown.
   */
  async runPinned(args: readonly string[]): Promise<RunResult> {
    const namesNamespace = args.some((a) => /^(-n|--namespace(=|$)|-A$|--all-namespaces)/.test(a));
    return this.start([...args, ...this.targetArgs({ namespaced: !namesNamespace })], { check: false });
  }

  /** `kubectl get KIND [NAME] -o json`, parsed. */
  async getJson<T = unknown>(kind: string, name?: string, o: { selector?: string; allNamespaces?: boolean } = {}): Promise<T> {
    const args = ['get', kind];
    if (name) args.push(name);
    if (o.selector) args.push('--selector', o.selector);
    if (o.allNamespaces) args.push('--all-namespaces');
    args.push('--output', 'json');
    const result = await this.exec([...args, ...this.targetArgs({ namespaced: !o.allNamespaces })]);
    try {
      return JSON.parse(result.stdout) as T;
    } catch (cause) {
      throw new ToolError(this.binary, args, result.exitCode, `invalid JSON from kubectl: ${String(cause)}`);
    }
  }

  /** `kubectl get KIND NAME -o json`, or null when the object does not exist. */
  async getIfExists<T = unknown>(kind: string, name: string): Promise<T | null> {
    const args = ['get', kind, name, '--ignore-not-found', '--output', 'json', ...this.targetArgs()];
    const result = await this.exec(args);
    if (result.stdout.trim() === '') return null;
    try {
      return JSON.parse(result.stdout) as T;
    } catch (cause) {
      throw new ToolError(this.binary, args, result.exitCode, `invalid JSON from kubectl: ${String(cause)}`);
    }
  }

  /** The pods of the target namespace (or matching `selector`), as `kubectl get pods` shows them. */
  async listPods(o: { selector?: string } = {}): Promise<PodState[]> {
    const list = await this.getJson<{ items?: PodLike[] }>('pods', undefined, o.selector ? { selector: o.selector } : {});
    return (list.items ?? []).map(podState);
  }

  /** Client and server versions; a server that cannot be reached is a ToolError. */
  async version(): Promise<{ clientVersion: string; serverVersion: string }> {
    const result = await this.exec(['version', '--output', 'json', ...this.targetArgs({ namespaced: false })]);
    const data = JSON.parse(result.stdout) as {
      clientVersion?: { gitVersion?: string };
      serverVersion?: { gitVersion?: string };
    };
    return {
      clientVersion: data.clientVersion?.gitVersion ?? 'unknown',
      serverVersion: data.serverVersion?.gitVersion ?? 'unknown',
    };
  }

  async rolloutStatus(kind: string, name: string, timeout = '60s'): Promise<RunResult> {
    return this.exec(['rollout', 'status', `${kind}/${name}`, '--timeout', timeout, ...this.targetArgs()]);
  }

  /**
   * Creates or updates objects with server-side apply. The objects travel on stdin, never in
   * argv, so a Secret's data never shows in a process list.
   */
  async apply(objects: readonly object[], o: { fieldManager?: string } = {}): Promise<void> {
    const list = { apiVersion: 'v1', kind: 'List', items: objects };
    await this.exec(
      [
        'apply',
        '--server-side',
        '--force-conflicts',
        `--field-manager=${o.fieldManager ?? 'todoctl'}`,
        '--filename',
        '-',
        ...this.targetArgs(),
      ],
      { input: JSON.stringify(list) },
    );
  }

  /** `kubectl rollout restart`: new pods with the same spec (a changed Secret is read again). */
  async rolloutRestart(kind: string, name: string): Promise<void> {
    await this.exec(['rollout', 'restart', `${kind}/${name}`, ...this.targetArgs()]);
  }

  /** Deletes one object, or every object of a kind in the namespace (`all`); a missing one is not an error. */
  async delete(kind: string, o: { name?: string; all?: boolean }): Promise<void> {
    const which = o.all ? ['--all'] : o.name ? [o.name] : [];
    if (which.length === 0) throw new Error('KubectlClient.delete needs a name or all');
    const namespaced = kind !== 'namespace' && kind !== 'namespaces';
    await this.exec(['delete', kind, ...which, '--ignore-not-found', '--wait=false', ...this.targetArgs({ namespaced })]);
  }

  /** Sets labels on an object (overwriting the same keys). */
  async label(kind: string, name: string, labels: Readonly<Record<string, string>>): Promise<void> {
    const pairs = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    await this.exec(['label', '--overwrite', `${kind}/${name}`, ...pairs, ...this.targetArgs()]);
  }

  /**
   * Forwards free local ports to `remotePorts` of `resource` (`service/x` picks a ready pod
   * behind the Service, as its clients would reach it): the local port of each remote port, in
   * order. Stop it when done.
   */
  async portForward(resource: string, remotePorts: readonly number[]): Promise<{ localPorts: number[]; stop(): Promise<void> }> {
    const process = await this.runner.spawn(
      this.binary,
      ['port-forward', resource, ...remotePorts.map((p) => `:${p}`), '--address', '127.0.0.1', ...this.targetArgs()],
      Object.keys(this.env).length > 0 ? { env: { ...this.env } } : {},
    );
    // kubectl prints one "Forwarding from 127.0.0.1:<local> -> <pod port>" line per port, in order
    const pattern = new RegExp(remotePorts.map(() => 'Forwarding from 127\\.0\\.0\\.1:(\\d+) -> \\d+').join('[\\s\\S]*?'));
    try {
      const match = await process.waitFor(pattern, 15_000);
      return { localPorts: remotePorts.map((_, i) => Number(match[i + 1])), stop: () => process.stop() };
    } catch (error) {
      await process.stop();
      throw new ToolError(this.binary, ['port-forward', resource], 1, error instanceof Error ? error.message : String(error));
    }
  }

  /**
   * The data keys of every Secret (or ConfigMap) in the target namespace, by object name. A
   * go-template prints names and keys only, so a Secret's values never leave kubectl: they
   * cannot reach todoctl's memory, its output, its logs or its errors.
   */
  async dataKeys(kind: 'secrets' | 'configmaps'): Promise<Map<string, string[]>> {
    const fields = kind === 'secrets' ? ['.data'] : ['.data', '.binaryData'];
    const keys = fields.map((f) => `{{range $key, $_ := ${f}}} {{$key}}{{end}}`).join('');
    const template = `{{range .items}}{{.metadata.name}}${keys}{{"\\n"}}{{end}}`;
    const result = await this.exec(['get', kind, '--output', `go-template=${template}`, ...this.targetArgs()]);
    return parseDataKeys(result.stdout);
  }

  /**
   * The last `tail` lines `container` of `pod` wrote; `previous`: the container that ran before
   * the last restart (what a crash-looping container said before it exited).
   */
  async logs(pod: string, container: string, o: { previous?: boolean; tail?: number } = {}): Promise<string[]> {
    const args = ['logs', pod, '--container', container];
    if (o.previous) args.push('--previous');
    if (o.tail !== undefined) args.push('--tail', String(o.tail));
    const result = await this.exec([...args, ...this.targetArgs()]);
    return result.stdout.split('\n').filter((line) => line !== '');
  }

  /**
   * The context kubectl uses and its cluster, from `kubectl config view --minify` (the kubeconfig
   * only; the cluster is not asked); undefined when no context is set.
   */
  async currentContext(): Promise<KubeContext | undefined> {
    const argv = ['config', 'view', '--minify', '--output', 'json', ...this.targetArgs({ namespaced: false })];
    const result = await this.start(argv, { check: false });
    if (result.exitCode !== 0) {
      if (/current-context (is not set|must exist)|context was not found/i.test(result.stderr)) return undefined;
      throw new ToolError(this.binary, argv, result.exitCode, result.stderr);
    }
    return parseKubeContext(result.stdout);
  }

  private exec(argv: string[], o: { input?: string } = {}): Promise<RunResult> {
    return this.start(argv, o);
  }
}

/** What `kubectl config view --minify` says about the context in use. */
export interface KubeContext {
  context: string;
  cluster: string;
  server: string;
  /** The file of the cluster's CA certificate, when the kubeconfig names one (minikube: ~/.minikube/ca.crt). */
  certificateAuthority: string | undefined;
  /** `provider` of the cluster's extensions (minikube writes cluster_info: minikube.sigs.k8s.io). */
  providers: string[];
}

const kubeconfigSchema = z.object({
  'current-context': z._default(z.string(), ''),
  contexts: z._default(
    z.nullable(z.array(z.object({ name: z.string(), context: z.object({ cluster: z._default(z.string(), '') }) }))),
    [],
  ),
  clusters: z._default(
    z.nullable(
      z.array(
        z.object({
          name: z.string(),
          cluster: z.object({
            server: z._default(z.string(), ''),
            'certificate-authority': z.optional(z.string()),
            extensions: z._default(
              z.nullable(z.array(z.object({ extension: z.optional(z.object({ provider: z.optional(z.string()) })) }))),
              [],
            ),
          }),
        }),
      ),
    ),
    [],
  ),
});

function parseKubeContext(stdout: string): KubeContext | undefined {
  const parsed = kubeconfigSchema.safeParse(JSON.parse(stdout || '{}'));
  if (!parsed.success) throw new ToolError('kubectl', ['config', 'view'], 0, `unexpected kubeconfig: ${parsed.error.message}`);
  const config = parsed.data;
  const context = (config.contexts ?? []).find((c) => c.name === config['current-context']);
  if (!context) return undefined;
  const cluster = (config.clusters ?? []).find((c) => c.name === context.context.cluster);
  return {
    context: context.name,
    cluster: context.context.cluster,
    server: cluster?.cluster.server ?? '',
    certificateAuthority: cluster?.cluster['certificate-authority'],
    providers: (cluster?.cluster.extensions ?? []).flatMap((e) => (e.extension?.provider ? [e.extension.provider] : [])),
  };
}

/** `name key1 key2` lines, as dataKeys' template prints them. */
function parseDataKeys(stdout: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const [name, ...keys] = line.trim().split(' ').filter(Boolean);
    if (name) out.set(name, keys);
  }
  return out;
}
