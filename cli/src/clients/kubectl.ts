import { ToolError } from '../runtime/errors.js';
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

  private exec(argv: string[]): Promise<RunResult> {
    return this.start(argv);
  }
}
