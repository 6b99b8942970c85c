import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../test/helpers/fake-runner.js';
import { MissingToolError, ToolError, UsageError } from '../runtime/errors.js';
import { HelmClient } from './helm.js';

const target = { kubeconfig: '/tmp/kc', context: 'kind-a', namespace: 'todo-dev' };
const targetArgs = ['--kubeconfig', '/tmp/kc', '--kube-context', 'kind-a', '--namespace', 'todo-dev'];
const versionCall = ['version', '--template', '{{.Version}}'];

describe.each([
  { major: 3 as const, version: 'v3.21.4', atomic: '--atomic', wait: ['--wait'] },
  { major: 4 as const, version: 'v4.3.1', atomic: '--rollback-on-failure', wait: ['--wait=watcher'] },
])('HelmClient against Helm $major', ({ major, version, atomic, wait }) => {
  it('detects the major version from `helm version`', async () => {
    const runner = new FakeRunner().expect('helm', versionCall, { stdout: `${version}\n` });
    await expect(new HelmClient(runner, target).majorVersion()).resolves.toBe(major);
    runner.assertDone();
  });

  it('spells upgrade --install with rollback-on-failure and wait for this major', async () => {
    const runner = new FakeRunner()
      .expect('helm', versionCall, { stdout: version })
      .expect('helm', [
        'upgrade',
        '--install',
        'todo-backend',
        'charts/todo-backend',
        '--values',
        'values-dev.yaml',
        '--set-string',
        'image.tag=dev-abc1234',
        atomic,
        ...wait,
        '--timeout',
        '5m0s',
        ...targetArgs,
      ]);
    await new HelmClient(runner, target).upgradeInstall({
      release: 'todo-backend',
      chart: 'charts/todo-backend',
      valuesFiles: ['values-dev.yaml'],
      set: { 'image.tag': 'dev-abc1234' },
      rollbackOnFailure: true,
      wait: true,
      timeout: '5m0s',
    });
    runner.assertDone();
  });

  it('spells rollback to a revision with wait for this major', async () => {
    const runner = new FakeRunner()
      .expect('helm', versionCall, { stdout: version })
      .expect('helm', ['rollback', 'todo-backend', '3', ...wait, ...targetArgs]);
    await new HelmClient(runner, target).rollback('todo-backend', { revision: 3, wait: true });
    runner.assertDone();
  });

  it('lists releases in every status', async () => {
    const listed = [
      {
        name: 'todo-backend',
        namespace: 'todo-dev',
        revision: '2',
        updated: 'now',
        status: 'failed',
        chart: 'todo-backend-0.1.0',
        app_version: '0.1.0',
      },
    ];
    const runner = new FakeRunner()
      .expect('helm', versionCall, { stdout: version })
      .expect('helm', [...(major === 3 ? ['list', '--all'] : ['list']), '--output', 'json', ...targetArgs], {
        stdout: JSON.stringify(listed),
      });
    const releases = await new HelmClient(runner, target).list();
    expect(releases).toMatchObject([{ name: 'todo-backend', revision: 2, status: 'failed' }]);
    runner.assertDone();
  });

  it('asks for the version only once per client', async () => {
    const runner = new FakeRunner()
      .expect('helm', versionCall, { stdout: version })
      .expect('helm', ['uninstall', 'a', ...targetArgs])
      .expect('helm', ['uninstall', 'b', ...targetArgs]);
    const helm = new HelmClient(runner, target);
    await helm.uninstall('a');
    await helm.uninstall('b');
    runner.assertDone();
  });
});

describe('HelmClient', () => {
  it('only Helm 4 adds a wait strategy when rollback is requested without --wait', () => {
    expect(HelmClient.upgradeInstallArgs(3, { release: 'r', chart: 'c', rollbackOnFailure: true })).toEqual([
      'upgrade',
      '--install',
      'r',
      'c',
      '--atomic',
    ]);
    expect(HelmClient.upgradeInstallArgs(4, { release: 'r', chart: 'c', rollbackOnFailure: true })).toEqual([
      'upgrade',
      '--install',
      'r',
      'c',
      '--rollback-on-failure',
      '--wait=watcher',
    ]);
  });

  it('parses helm history JSON', async () => {
    const history = [
      {
        revision: 1,
        updated: '2026-11-26T00:00:00Z',
        status: 'superseded',
        chart: 'demo-0.1.0',
        app_version: '1.0',
        description: 'Install complete',
      },
      {
        revision: 2,
        updated: '2026-11-26T00:01:00Z',
        status: 'deployed',
        chart: 'demo-0.1.0',
        app_version: '1.0',
        description: 'Rollback to 1',
      },
    ];
    const runner = new FakeRunner().expect('helm', ['history', 'demo', '--output', 'json'], { stdout: JSON.stringify(history) });
    const revisions = await new HelmClient(runner).history('demo');
    expect(revisions.map((r) => [r.revision, r.status])).toEqual([
      [1, 'superseded'],
      [2, 'deployed'],
    ]);
  });

  it('turns unexpected JSON into a ToolError instead of crashing later', async () => {
    const runner = new FakeRunner().expect('helm', ['history', 'demo', '--output', 'json'], { stdout: '[{"revision":"x"}]' });
    await expect(new HelmClient(runner).history('demo')).rejects.toBeInstanceOf(ToolError);
  });

  it("reports a failed command with the tool, the subcommand and helm's own reason", async () => {
    const runner = new FakeRunner()
      .expect('helm', versionCall, { stdout: 'v3.21.4' })
      .expect('helm', ['list', '--all', '--output', 'json'], {
        exitCode: 1,
        stderr: 'Error: Kubernetes cluster unreachable: connection refused\n',
      });
    const error = await new HelmClient(runner).list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).message).toBe(
      'helm list failed (exit code 1): Error: Kubernetes cluster unreachable: connection refused',
    );
    expect((error as ToolError).exitCode).toBe(1);
  });

  it('maps a missing binary to MissingToolError (exit code 2)', async () => {
    const runner = new FakeRunner().expect('helm', versionCall, { exitCode: 127, stderr: 'helm: command not found' });
    const error = await new HelmClient(runner).majorVersion().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingToolError);
    expect((error as MissingToolError).exitCode).toBe(2);
  });

  it('refuses Helm 2', async () => {
    const runner = new FakeRunner().expect('helm', versionCall, { stdout: 'v2.17.0' });
    await expect(new HelmClient(runner).majorVersion()).rejects.toBeInstanceOf(UsageError);
  });
});
