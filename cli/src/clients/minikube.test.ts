import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../test/helpers/fake-runner.js';
import { MissingToolError, ToolError } from '../runtime/errors.js';
import { MinikubeClient } from './minikube.js';

// What minikube v1.34.0 prints: test/fixtures/minikube/README.md, and the sources named in
// test/fixtures/bin/minikube (version.go, status.go, config/profile_list.go, config/addons_list.go, ip.go).
const printed = (scenario: string, file: string) =>
  readFileSync(new URL(`../../../test/fixtures/minikube/${scenario}/${file}`, import.meta.url), 'utf8');

describe('MinikubeClient', () => {
  it('reads the version, the status, the profile, the addons and the IP', async () => {
    const runner = new FakeRunner()
      .expect('minikube', ['version', '--output', 'json'], { stdout: printed('default', 'version.json') })
      .expect('minikube', ['status', '--profile', 'minikube', '--output', 'json'], { stdout: printed('default', 'status.json') })
      .expect('minikube', ['profile', 'list', '--output', 'json', '--light'], { stdout: printed('default', 'profile-list.json') })
      .expect('minikube', ['addons', 'list', '--profile', 'minikube', '--output', 'json'], {
        stdout: printed('default', 'addons-list.json'),
      })
      .expect('minikube', ['ip', '--profile', 'minikube'], { stdout: printed('default', 'ip') });
    const minikube = new MinikubeClient(runner, {}, 'minikube');
    await expect(minikube.version()).resolves.toBe('v1.34.0');
    await expect(minikube.status('minikube')).resolves.toEqual([
      { Name: 'minikube', Host: 'Running', Kubelet: 'Running', APIServer: 'Running', Kubeconfig: 'Configured', Worker: false },
    ]);
    const [profile] = await minikube.profiles();
    expect(profile).toEqual({
      Name: 'minikube',
      Status: 'Skipped',
      Config: {
        Driver: 'docker',
        CPUs: 2,
        Memory: 3900,
        KubernetesConfig: { KubernetesVersion: 'v1.31.0', ContainerRuntime: 'docker' },
      },
    });
    const addons = await minikube.addons('minikube');
    expect([addons.get('ingress'), addons.get('metrics-server'), addons.size]).toEqual([true, false, 39]);
    await expect(minikube.ip('minikube')).resolves.toBe('192.168.49.2');
    runner.assertDone();
  });

  it('a stopped cluster is a status, not an error: minikube exits with its bitmask and prints the JSON', async () => {
    // status.go exitCode: 1 host, 2 cluster, 4 kubeconfig not OK; a stopped profile exits 7
    const stopped =
      '{"Name":"minikube","Host":"Stopped","Kubelet":"Stopped","APIServer":"Stopped","Kubeconfig":"Stopped","Worker":false}\n';
    const runner = new FakeRunner().expect('minikube', ['status', '--profile', 'minikube', '--output', 'json'], {
      exitCode: 7,
      stdout: stopped,
    });
    await expect(new MinikubeClient(runner, {}, 'minikube').status('minikube')).resolves.toMatchObject([
      { Host: 'Stopped', APIServer: 'Stopped' },
    ]);
  });

  it('several nodes print an array', async () => {
    const nodes = JSON.stringify([
      { Name: 'minikube', Host: 'Running', Kubelet: 'Running', APIServer: 'Running', Kubeconfig: 'Configured', Worker: false },
      {
        Name: 'minikube-m02',
        Host: 'Running',
        Kubelet: 'Running',
        APIServer: 'Irrelevant',
        Kubeconfig: 'Irrelevant',
        Worker: true,
      },
    ]);
    const runner = new FakeRunner().expect('minikube', ['status', '--profile', 'minikube', '--output', 'json'], {
      stdout: nodes,
    });
    await expect(new MinikubeClient(runner, {}, 'minikube').status('minikube')).resolves.toHaveLength(2);
  });

  it("an unknown profile is a ToolError with minikube's words; a missing minikube says how to install it", async () => {
    const runner = new FakeRunner()
      .expect('minikube', ['status', '--profile', 'dev', '--output', 'json'], {
        exitCode: 85,
        stderr: '🤷  Profile "dev" not found. Run "minikube profile list" to view all profiles.',
      })
      .expect('minikube', ['version', '--output', 'json'], { exitCode: 127 });
    const minikube = new MinikubeClient(runner, {}, 'minikube');
    await expect(minikube.status('dev')).rejects.toThrow(/Profile "dev" not found/);
    await expect(minikube.version()).rejects.toBeInstanceOf(MissingToolError);
  });

  it('JSON that is not what minikube prints is a ToolError naming the command', async () => {
    const runner = new FakeRunner().expect('minikube', ['profile', 'list', '--output', 'json', '--light'], {
      stdout: '{"valid":[{"Config":{}}]}',
    });
    await expect(new MinikubeClient(runner, {}, 'minikube').profiles()).rejects.toThrow(ToolError);
  });
});
