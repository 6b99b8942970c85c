/**
 * The local-machine checks: the container tool (docker or podman) and, when the kube context is
 * minikube's, minikube itself, its profile and its addons. Pure functions of what the tools said.
 */
import semver from 'semver';
import type { ContainerToolName, ContainerToolVersion } from '../../clients/container-tool.js';
import type { KubeContext } from '../../clients/kubectl.js';
import type { MinikubeNodeStatus, MinikubeProfile } from '../../clients/minikube.js';
import { check, type Check } from './report.js';

export const MINIKUBE_MINIMUM = '1.32.0';
/** The addons the charts rely on: the ingress controller the UI is reached through, and metrics for the HPAs. */
export const MINIKUBE_ADDONS = ['ingress', 'metrics-server'] as const;
/** The runtimes the constitution names. */
const RUNTIMES = ['docker', 'containerd'];

/**
 * The minikube profile the context belongs to, if it is minikube's: minikube names the context and
 * cluster after the profile, marks the cluster with a cluster_info extension (provider
 * minikube.sigs.k8s.io) and keeps its CA under ~/.minikube.
 */
export function minikubeProfileOf(context: KubeContext | undefined): { profile: string; because: string } | undefined {
  if (!context) return undefined;
  if (context.providers.includes('minikube.sigs.k8s.io')) {
    return { profile: context.cluster, because: `cluster ${context.cluster} is marked minikube.sigs.k8s.io` };
  }
  if (context.context === 'minikube') return { profile: 'minikube', because: 'context minikube' };
  if (context.certificateAuthority && /[/\\]\.minikube[/\\]/.test(context.certificateAuthority)) {
    return { profile: context.cluster, because: `its CA is ${context.certificateAuthority}` };
  }
  return undefined;
}

export function minikubeVersionCheck(version: string): Check {
  const v = semver.coerce(version);
  if (v && semver.gte(v, MINIKUBE_MINIMUM)) return check('minikube', 'ok', `minikube ${version}`);
  return check(
    'minikube',
    'fail',
    `minikube ${version}; todoctl needs >= ${MINIKUBE_MINIMUM.replace(/\.0$/, '')}`,
    'Upgrade minikube (https://minikube.sigs.k8s.io/docs/start/), then minikube start.',
  );
}

/** The profile: its nodes running (host, kubelet, API server), kubectl configured for it, driver and runtime. */
export function minikubeProfileCheck(
  profile: string,
  statuses: readonly MinikubeNodeStatus[],
  config: MinikubeProfile | undefined,
  ip: string | undefined,
): Check {
  if (!config) {
    return check(
      'minikube-profile',
      'fail',
      `profile ${profile} is not in minikube profile list`,
      `minikube start -p ${profile}`,
    );
  }
  const { Driver, KubernetesConfig } = config.Config;
  const about = `profile ${profile} (driver ${Driver || '?'}, runtime ${KubernetesConfig.ContainerRuntime || '?'}, Kubernetes ${
    KubernetesConfig.KubernetesVersion || '?'
  }${ip ? `, node ${ip}` : ''})`;
  const states = statuses.map(
    (s) =>
      `${s.Name}: host ${s.Host}, kubelet ${s.Kubelet}, apiserver ${s.APIServer}${s.Worker ? '' : `, kubeconfig ${s.Kubeconfig}`}`,
  );
  const detail = `${about}: ${states.join('; ') || 'no status'}`;
  const down = statuses.some((s) => s.Host !== 'Running' || s.Kubelet !== 'Running' || (!s.Worker && s.APIServer !== 'Running'));
  if (statuses.length === 0 || down) return check('minikube-profile', 'fail', detail, `minikube start -p ${profile}`);
  if (statuses.some((s) => !s.Worker && s.Kubeconfig !== 'Configured')) {
    return check('minikube-profile', 'fail', detail, `minikube update-context -p ${profile}`);
  }
  if (!RUNTIMES.includes(KubernetesConfig.ContainerRuntime)) {
    return check(
      'minikube-profile',
      'warn',
      `${detail}; the constitution names containerd or Docker as the runtime`,
      `minikube delete -p ${profile} && minikube start -p ${profile} --container-runtime=containerd`,
    );
  }
  return check('minikube-profile', 'ok', detail);
}

export function minikubeAddonsCheck(profile: string, addons: ReadonlyMap<string, boolean>): Check {
  const disabled = MINIKUBE_ADDONS.filter((a) => addons.get(a) !== true);
  const said = MINIKUBE_ADDONS.map(
    (a) => `${a} ${addons.get(a) ? 'enabled' : addons.has(a) ? 'disabled' : 'unknown to this minikube'}`,
  ).join(', ');
  if (disabled.length === 0) return check('minikube-addons', 'ok', said);
  return check('minikube-addons', 'fail', said, disabled.map((a) => `minikube addons enable ${a} -p ${profile}`).join(' && '));
}

export interface FoundContainerTool {
  name: ContainerToolName;
  path: string;
  version: ContainerToolVersion | { error: string };
}

/**
 * docker or podman: required (fail) when it is minikube's driver, else wanted for building the
 * images (warn). A tool whose engine does not answer cannot build.
 */
export function containerToolCheck(found: readonly FoundContainerTool[], minikubeDriver?: string): Check {
  const required = minikubeDriver === 'docker' || minikubeDriver === 'podman' ? minikubeDriver : undefined;
  const candidates = required ? found.filter((t) => t.name === required) : found;
  const why = required ? `minikube's driver is ${required}` : 'todoctl builds images with it';
  const failing = required ? 'fail' : 'warn';
  const describe = (t: FoundContainerTool) =>
    'error' in t.version
      ? `${t.name} (${t.path}): ${t.version.error}`
      : `${t.name} ${t.version.client} (${t.path})${t.version.server ? `, engine ${t.version.server}` : ''}${
          t.version.serverError ? `: ${t.version.serverError}` : ''
        }`;
  const working = candidates.find((t) => !('error' in t.version) && !t.version.serverError);
  if (working) return check('container-tool', 'ok', `${describe(working)}; ${why}`);
  if (candidates.length === 0) {
    return check(
      'container-tool',
      failing,
      `${required ? `${required} is not on PATH` : 'neither docker nor podman is on PATH'}; ${why}`,
      `Install ${required === 'podman' ? 'Podman (https://podman.io/docs/installation)' : 'Docker (https://docs.docker.com/engine/install/)'}${required ? '' : ' or Podman'}.`,
    );
  }
  const first = candidates[0]!;
  return check(
    'container-tool',
    failing,
    `${candidates.map(describe).join('; ')}; ${why}`,
    first.name === 'docker'
      ? 'Start the Docker engine: sudo systemctl start docker (Linux) or Docker Desktop (macOS, Windows).'
      : 'podman machine start (macOS, Windows), or fix the podman service podman system connection list names.',
  );
}
