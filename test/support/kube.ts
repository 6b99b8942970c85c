/**
 * The test cluster as the e2e tests reach it: API clients on its kubeconfig, throwaway
 * namespaces (deleted after the file's tests), and a minimal Deployment.
 */
import { AdmissionregistrationV1Api, AppsV1Api, CoreV1Api, KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { afterAll } from 'vitest';
import { eventually, testKubeconfig, uniqueName } from './cluster.js';

export const kubeconfig = testKubeconfig();
const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);
export const core = kc.makeApiClient(CoreV1Api);
export const apps = kc.makeApiClient(AppsV1Api);
export const admission = kc.makeApiClient(AdmissionregistrationV1Api);
const namespaces: string[] = [];

// Registered while the importing test file is collected, so it runs after that file's tests.
afterAll(async () => {
  await Promise.allSettled(namespaces.map((name) => core.deleteNamespace({ name })));
});

/** A new namespace, ready for pods; every namespace made here is deleted after the test file. */
export async function namespace(prefix: string, labels: Record<string, string> = {}): Promise<string> {
  const name = uniqueName(prefix);
  await core.createNamespace({ body: { metadata: { name, labels } } });
  namespaces.push(name);
  // Pods are refused until the namespace's default ServiceAccount exists.
  await eventually(`default ServiceAccount in ${name}`, async () =>
    core.readNamespacedServiceAccount({ name: 'default', namespace: name }).then(() => true),
  );
  return name;
}

export function deployment(name: string, replicas: number, podLabels: Record<string, string> = {}, tag = 'v1.0.0'): V1Deployment {
  const labels = { app: name };
  return {
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels: { ...labels, ...podLabels } },
        spec: { containers: [{ name: 'app', image: `registry.invalid/${name}:${tag}` }] },
      },
    },
  };
}
