import type { CoreV1Api } from '@kubernetes/client-node';
import { ClusterError } from '../runtime/errors.js';
import { podState, type PodLike, type PodState } from './pod-state.js';
import type { KubeTarget } from './target.js';

/**
 * The Kubernetes API through @kubernetes/client-node, honouring the same
 * kubeconfig / context / namespace as the helm and kubectl clients. The client
 * library is imported on first use: it is large and most commands never need it.
 */
export class KubeApi {
  private core: Promise<CoreV1Api> | undefined;
  private namespaceCache: string | undefined;

  constructor(
    private readonly target: KubeTarget,
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {}

  private async coreApi(): Promise<CoreV1Api> {
    this.core ??= (async () => {
      const k8s = await import('@kubernetes/client-node');
      const kc = new k8s.KubeConfig();
      const file = this.target.kubeconfig ?? this.env.KUBECONFIG?.split(':')[0];
      try {
        if (file) kc.loadFromFile(file);
        else kc.loadFromDefault();
      } catch (cause) {
        throw new ClusterError(`cannot load kubeconfig${file ? ` ${file}` : ''}: ${String(cause)}`, {
          hint: 'Pass --kubeconfig or set KUBECONFIG to a valid kubeconfig file.',
        });
      }
      if (this.target.context) {
        if (!kc.getContextObject(this.target.context)) {
          throw new ClusterError(`context ${JSON.stringify(this.target.context)} is not in the kubeconfig`, {
            hint: `Known contexts: ${
              kc
                .getContexts()
                .map((c) => c.name)
                .join(', ') || 'none'
            }.`,
          });
        }
        kc.setCurrentContext(this.target.context);
      }
      this.namespaceCache = kc.getContextObject(kc.getCurrentContext())?.namespace;
      return kc.makeApiClient(k8s.CoreV1Api);
    })();
    return this.core;
  }

  private async namespace(): Promise<string> {
    await this.coreApi();
    return this.target.namespace ?? this.namespaceCache ?? 'default';
  }

  async listPods(o: { labelSelector?: string } = {}): Promise<PodState[]> {
    const api = await this.coreApi();
    const namespace = await this.namespace();
    try {
      const list = await api.listNamespacedPod({ namespace, ...(o.labelSelector ? { labelSelector: o.labelSelector } : {}) });
      return list.items.map((p) => podState(p as PodLike));
    } catch (cause) {
      throw new ClusterError(`listing pods in namespace ${namespace} failed: ${describe(cause)}`, { cause });
    }
  }
}

function describe(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && 'body' in error) {
    return `HTTP ${String((error as { code: unknown }).code)}: ${String((error as { body: unknown }).body).slice(0, 300)}`;
  }
  return error instanceof Error ? error.message : String(error);
}
