import { describe, expect, it } from 'vitest';
import type { KubeContext } from '../../clients/kubectl.js';
import type { MinikubeNodeStatus, MinikubeProfile } from '../../clients/minikube.js';
import * as checks from './minikube-checks.js';
import type { FoundContainerTool } from './minikube-checks.js';

const context = (o: Partial<KubeContext>): KubeContext => ({
  context: 'kind-dev',
  cluster: 'kind-dev',
  server: 'https://127.0.0.1:6443',
  certificateAuthority: undefined,
  providers: [],
  ...o,
});
// cluster.Status and config.Profile as minikube v1.34.0 prints them (test/fixtures/minikube)
const running: MinikubeNodeStatus = {
  Name: 'minikube',
  Host: 'Running',
  Kubelet: 'Running',
  APIServer: 'Running',
  Kubeconfig: 'Configured',
  Worker: false,
};
const profile = (runtime = 'docker'): MinikubeProfile => ({
  Name: 'minikube',
  Status: 'Skipped',
  Config: {
    Driver: 'docker',
    CPUs: 4,
    Memory: 8192,
    KubernetesConfig: { KubernetesVersion: 'v1.31.0', ContainerRuntime: runtime },
  },
});

describe('minikube checks', () => {
  it("knows a minikube context by its name, minikube's cluster extension or its CA under ~/.minikube", () => {
    expect(checks.minikubeProfileOf(context({ context: 'minikube', cluster: 'minikube' }))).toEqual({
      profile: 'minikube',
      because: 'context minikube',
    });
    expect(
      checks.minikubeProfileOf(context({ context: 'dev', cluster: 'dev', providers: ['minikube.sigs.k8s.io'] }))?.profile,
    ).toBe('dev');
    expect(
      checks.minikubeProfileOf(context({ context: 'team', cluster: 'team', certificateAuthority: '/home/dev/.minikube/ca.crt' }))
        ?.profile,
    ).toBe('team');
    expect(checks.minikubeProfileOf(context({}))).toBeUndefined();
    expect(checks.minikubeProfileOf(undefined)).toBeUndefined();
  });

  it('needs minikube 1.32 or later', () => {
    expect(checks.minikubeVersionCheck('v1.34.0')).toEqual({ name: 'minikube', status: 'ok', detail: 'minikube v1.34.0' });
    expect(checks.minikubeVersionCheck('v1.31.2')).toMatchObject({
      status: 'fail',
      detail: 'minikube v1.31.2; todoctl needs >= 1.32',
    });
  });

  it('the profile: running and configured, its driver, runtime and node', () => {
    expect(checks.minikubeProfileCheck('minikube', [running], profile(), '192.168.49.2')).toEqual({
      name: 'minikube-profile',
      status: 'ok',
      detail:
        'profile minikube (driver docker, runtime docker, Kubernetes v1.31.0, node 192.168.49.2): minikube: host Running, kubelet Running, apiserver Running, kubeconfig Configured',
    });
    const stopped = { ...running, Host: 'Stopped', Kubelet: 'Stopped', APIServer: 'Stopped', Kubeconfig: 'Stopped' };
    expect(checks.minikubeProfileCheck('minikube', [stopped], profile(), undefined)).toMatchObject({
      status: 'fail',
      fix: 'minikube start -p minikube',
    });
    expect(checks.minikubeProfileCheck('minikube', [{ ...running, Kubeconfig: 'Misconfigured' }], profile(), undefined).fix).toBe(
      'minikube update-context -p minikube',
    );
    expect(checks.minikubeProfileCheck('minikube', [running], profile('crio'), undefined)).toMatchObject({
      status: 'warn',
      fix: 'minikube delete -p minikube && minikube start -p minikube --container-runtime=containerd',
    });
    expect(checks.minikubeProfileCheck('dev', [], undefined, undefined)).toMatchObject({
      status: 'fail',
      detail: 'profile dev is not in minikube profile list',
    });
  });

  it('the ingress and metrics-server addons, with the commands that enable the missing ones', () => {
    expect(
      checks.minikubeAddonsCheck(
        'minikube',
        new Map([
          ['ingress', true],
          ['metrics-server', true],
        ]),
      ).status,
    ).toBe('ok');
    expect(
      checks.minikubeAddonsCheck(
        'minikube',
        new Map([
          ['ingress', false],
          ['metrics-server', false],
        ]),
      ),
    ).toEqual({
      name: 'minikube-addons',
      status: 'fail',
      detail: 'ingress disabled, metrics-server disabled',
      fix: 'minikube addons enable ingress -p minikube && minikube addons enable metrics-server -p minikube',
    });
  });
});

describe('the container tool', () => {
  const docker = (version: FoundContainerTool['version']): FoundContainerTool => ({
    name: 'docker',
    path: '/usr/bin/docker',
    version,
  });
  const down = docker({
    client: '28.2.2',
    server: undefined,
    serverError: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
  });

  it("is required when it is minikube's driver: an engine that does not answer fails", () => {
    expect(checks.containerToolCheck([docker({ client: '27.3.1', server: '27.3.1', serverError: undefined })], 'docker')).toEqual(
      {
        name: 'container-tool',
        status: 'ok',
        detail: "docker 27.3.1 (/usr/bin/docker), engine 27.3.1; minikube's driver is docker",
      },
    );
    expect(checks.containerToolCheck([down], 'docker')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('sudo systemctl start docker'),
    });
    expect(checks.containerToolCheck([down], 'podman')).toMatchObject({
      status: 'fail',
      detail: "podman is not on PATH; minikube's driver is podman",
    });
  });

  it('is wanted for building images elsewhere: a warning when missing or not answering', () => {
    expect(checks.containerToolCheck([down])).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('Cannot connect to the Docker daemon'),
    });
    expect(checks.containerToolCheck([])).toMatchObject({
      status: 'warn',
      detail: 'neither docker nor podman is on PATH; todoctl builds images with it',
    });
    const podman: FoundContainerTool = {
      name: 'podman',
      path: '/usr/bin/podman',
      version: { client: '5.2.2', server: undefined, serverError: undefined },
    };
    expect(checks.containerToolCheck([down, podman]).status).toBe('ok');
  });
});
