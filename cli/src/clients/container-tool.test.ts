import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../test/helpers/fake-runner.js';
import { ContainerToolClient, findContainerTools } from './container-tool.js';

const DOCKER = ['version', '--format', '{{json .}}'];

describe('ContainerToolClient', () => {
  it('docker with its engine running: client and engine versions (docker version --format "{{json .}}")', async () => {
    // docker/cli docs/reference/commandline/version.md "Dump raw JSON data", cli/command/system/version.go
    const stdout =
      '{"Client":{"Version":"27.3.1","ApiVersion":"1.47","DefaultAPIVersion":"1.47","GitCommit":"ce12230","GoVersion":"go1.22.7","Os":"linux","Arch":"amd64","BuildTime":"Fri Sep 20 11:41:00 2024","Context":"default"},"Server":{"Platform":{"Name":"Docker Engine - Community"},"Version":"27.3.1","ApiVersion":"1.47","MinAPIVersion":"1.24","Os":"linux","Arch":"amd64"}}\n';
    const runner = new FakeRunner().expect('docker', DOCKER, { stdout });
    await expect(new ContainerToolClient(runner, {}, 'docker').version()).resolves.toEqual({
      client: '27.3.1',
      server: '27.3.1',
      serverError: undefined,
    });
  });

  it('docker without its engine: Server is null and the reason is on stderr (exit 1), a result and not a throw', async () => {
    // what docker 28.2.2 printed on this project's CI machine, where no daemon runs
    const runner = new FakeRunner().expect('docker', DOCKER, {
      exitCode: 1,
      stdout:
        '{"Client":{"Version":"28.2.2","ApiVersion":"1.50","DefaultAPIVersion":"1.50","GitCommit":"e6534b4","GoVersion":"go1.24.3","Os":"linux","Arch":"amd64","BuildTime":"Fri May 30 12:07:14 2025","Context":"default"},"Server":null}\n',
      stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n',
    });
    await expect(new ContainerToolClient(runner, {}, 'docker').version()).resolves.toEqual({
      client: '28.2.2',
      server: undefined,
      serverError: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    });
  });

  it('podman, daemonless: only Client (podman-version(1) --format json)', async () => {
    const stdout =
      '{"Client":{"APIVersion":"5.2.2","Version":"5.2.2","GoVersion":"go1.22.6","GitCommit":"","BuiltTime":"Thu Aug 29 00:00:00 2024","Built":1724889600,"OsArch":"linux/amd64","Os":"linux"}}\n';
    const runner = new FakeRunner().expect('podman', ['version', '--format', 'json'], { stdout });
    await expect(new ContainerToolClient(runner, {}, 'podman').version()).resolves.toEqual({
      client: '5.2.2',
      server: undefined,
      serverError: undefined,
    });
  });

  it('finds docker and podman on PATH, docker first', async () => {
    await expect(
      findContainerTools(new FakeRunner({ podman: '/usr/bin/podman', docker: '/usr/local/bin/docker' })),
    ).resolves.toEqual([
      { name: 'docker', path: '/usr/local/bin/docker' },
      { name: 'podman', path: '/usr/bin/podman' },
    ]);
    await expect(findContainerTools(new FakeRunner())).resolves.toEqual([]);
  });
});
