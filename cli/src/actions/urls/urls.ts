/**
 * How a person reaches each deployed service from their machine, read from the Ingress and
 * Service objects the cluster holds (not from chart values), for the cluster's kind:
 * - an Ingress host on Minikube: on Linux the node IP answers, so the host must resolve to it
 *   (`minikube ip`); with the docker or podman driver on macOS or Windows the node is not
 *   routable and `minikube tunnel` serves the Ingress on 127.0.0.1 (minikube's ingress docs);
 * - an Ingress host on Docker Desktop: its ingress controller listens on localhost;
 * - no Ingress: a ClusterIP Service (the charts forbid NodePorts through the namespace quota, so
 *   `minikube service --url` has nothing to open) reached through `kubectl port-forward`.
 */
import type { KubectlClient } from '../../clients/kubectl.js';
import type { Deps } from '../../deps.js';
import { minikubeProfileOf } from '../doctor/minikube-checks.js';

export interface ServiceUrl {
  release: string;
  url: string;
  /** What makes the URL answer: nothing more, or the command or change to make first. */
  how: string;
}

/** What kind of cluster the kube context points at, as far as reaching its services goes. */
export type ClusterAccess =
  | { kind: 'minikube'; profile: string; driver: string; ip: string | undefined; os: NodeJS.Platform }
  | { kind: 'docker-desktop'; os: NodeJS.Platform }
  | { kind: 'other'; os: NodeJS.Platform };

/**
 * The cluster's kind from the kube context, and for Minikube its driver and node IP. Never
 * fails: what cannot be read leaves the kind `other`, whose URLs need nothing from it.
 */
export async function clusterAccess(
  deps: Deps,
  kubectl: KubectlClient,
  os: NodeJS.Platform = process.platform,
): Promise<ClusterAccess> {
  return readAccess(deps, kubectl, os).catch(() => ({ kind: 'other', os }));
}

async function readAccess(deps: Deps, kubectl: KubectlClient, os: NodeJS.Platform): Promise<ClusterAccess> {
  const context = await kubectl.currentContext().catch(() => undefined);
  const minikube = minikubeProfileOf(context);
  if (minikube) {
    const client = await deps.minikube();
    const [profiles, ip] = await Promise.all([
      client.profiles().catch(() => []),
      client.ip(minikube.profile).catch(() => undefined),
    ]);
    const driver = profiles.find((p) => p.Name === minikube.profile)?.Config.Driver ?? '';
    return { kind: 'minikube', profile: minikube.profile, driver, ip, os };
  }
  if (context?.context === 'docker-desktop' || context?.cluster === 'docker-desktop') return { kind: 'docker-desktop', os };
  return { kind: 'other', os };
}

interface Meta {
  name?: string;
  labels?: Record<string, string>;
}
export interface ServiceObject {
  metadata?: Meta;
  spec?: { type?: string; ports?: { name?: string; port?: number }[] };
}
export interface IngressObject {
  metadata?: Meta;
  spec?: {
    tls?: { hosts?: string[] }[];
    rules?: { host?: string; http?: { paths?: { path?: string; backend?: { service?: { name?: string } } }[] } }[];
  };
}

/** The Ingresses and Services of a namespace, in one read: what the URLs come from. */
export async function serviceObjects(
  kubectl: KubectlClient,
  namespace: string,
): Promise<{ services: ServiceObject[]; ingresses: IngressObject[] }> {
  const list = await kubectl
    .inNamespace(namespace)
    .getJson<{ items?: (ServiceObject & IngressObject & { kind?: string })[] }>('ingresses,services');
  const items = list.items ?? [];
  return { services: items.filter((i) => i.kind === 'Service'), ingresses: items.filter((i) => i.kind === 'Ingress') };
}

const instanceOf = (o: { metadata?: Meta }) => o.metadata?.labels?.['app.kubernetes.io/instance'] ?? o.metadata?.name;

/** The URL of each release from its Ingress (preferred) or its Service; a release with neither gets none. */
export function urlsFrom(
  releases: readonly string[],
  services: readonly ServiceObject[],
  ingresses: readonly IngressObject[],
  namespace: string,
  access: ClusterAccess,
): ServiceUrl[] {
  const out: ServiceUrl[] = [];
  for (const release of releases) {
    const ingress = ingresses.find((i) => instanceOf(i) === release && i.spec?.rules?.some((r) => r.host));
    const rule = ingress?.spec?.rules?.find((r) => r.host);
    if (ingress && rule?.host) {
      const tls = ingress.spec?.tls?.some((t) => t.hosts?.includes(rule.host!)) ?? false;
      const path = rule.http?.paths?.[0]?.path ?? '/';
      out.push({ release, url: `${tls ? 'https' : 'http'}://${rule.host}${path}`, how: ingressHow(rule.host, access) });
      continue;
    }
    const service = services.find((s) => instanceOf(s) === release) ?? services.find((s) => s.metadata?.name === release);
    const port = service?.spec?.ports?.find((p) => p.name === 'http')?.port ?? service?.spec?.ports?.[0]?.port;
    if (!service?.metadata?.name || !port) continue;
    out.push({
      release,
      url: `http://127.0.0.1:${port}/`,
      how: `kubectl port-forward -n ${namespace} service/${service.metadata.name} ${port}:${port}`,
    });
  }
  return out;
}

/** What it takes for an Ingress host to answer on this machine. */
function ingressHow(host: string, access: ClusterAccess): string {
  const loopback = host === 'localhost' || host.endsWith('.localhost');
  switch (access.kind) {
    case 'minikube': {
      const tunnelled = (access.driver === 'docker' || access.driver === 'podman') && access.os !== 'linux';
      if (tunnelled) {
        const mapping = loopback ? '' : `, with ${host} mapped to 127.0.0.1 in ${hostsFile(access.os)}`;
        return `through the Ingress while minikube tunnel -p ${access.profile} runs${mapping}`;
      }
      const ip = access.ip ?? '$(minikube ip -p ' + access.profile + ')';
      if (loopback) {
        return `${host} always means 127.0.0.1, not the node: use a host of your own in ingress.host, mapped to ${ip} in ${hostsFile(access.os)}`;
      }
      return `through the Ingress at ${ip}: map it once with echo "${ip} ${host}" | sudo tee -a ${hostsFile(access.os)}`;
    }
    case 'docker-desktop':
      return `through the Ingress on localhost${loopback ? '' : `, with ${host} mapped to 127.0.0.1 in ${hostsFile(access.os)}`}`;
    default:
      return `through the Ingress: ${host} must resolve to the ingress controller's address`;
  }
}

const hostsFile = (os: NodeJS.Platform) => (os === 'win32' ? 'C:\\Windows\\System32\\drivers\\etc\\hosts' : '/etc/hosts');
