import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../test/helpers/fake-runner.js';
import { MissingToolError, ToolError, UsageError } from '../runtime/errors.js';
import { shortRunGoEnv } from './go-env.js';
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
    // one spelling for both majors: every status flag (Helm 3 hides some by default, Helm 4 has no --all)
    const runner = new FakeRunner().expect('helm', [...HelmClient.listArgs(), ...targetArgs], {
      stdout: JSON.stringify(listed),
    });
    const releases = await new HelmClient(runner, target).list();
    expect(releases).toMatchObject([{ name: 'todo-backend', revision: 2, status: 'failed' }]);
    runner.assertDone();
  });

  it('asks for the version once per process, however many clients ask', async () => {
    const runner = new FakeRunner()
      .expect('helm', versionCall, { stdout: version })
      .expect('helm', ['uninstall', 'a', ...targetArgs])
      .expect('helm', ['uninstall', 'b', ...targetArgs]);
    const helm = new HelmClient(runner, target);
    await helm.uninstall('a');
    // a second client of the same process (runner), with other settings, asks no more
    await new HelmClient(runner, target).withEnv({ GOGC: 'off' }).uninstall('b');
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

  it('passes release labels as one --labels flag, the same for both majors', () => {
    for (const major of [3, 4] as const) {
      expect(
        HelmClient.upgradeInstallArgs(major, {
          release: 'r',
          chart: 'c',
          labels: { 'todoctl.dev/inputs': '2.ab12', team: 'a' },
        }).slice(-2),
      ).toEqual(['--labels', 'todoctl.dev/inputs=2.ab12,team=a']);
    }
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
    const runner = new FakeRunner().expect('helm', HelmClient.listArgs(), {
      exitCode: 3,
      stderr: 'Error: Kubernetes cluster unreachable: connection refused\n',
    });
    const error = await new HelmClient(runner).list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).message).toBe(
      'helm list failed (exit code 3): Error: Kubernetes cluster unreachable: connection refused',
    );
    // helm's own exit code is kept on the error; todoctl's is 1 (a tool said no) whatever helm's was
    expect((error as ToolError).toolExitCode).toBe(3);
    expect((error as ToolError).exitCode).toBe(1);
  });

  it('maps a missing binary to MissingToolError (exit code 2)', async () => {
    const runner = new FakeRunner().expect('helm', versionCall, { exitCode: 127, stderr: 'helm: command not found' });
    const error = await new HelmClient(runner).majorVersion().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingToolError);
    expect((error as MissingToolError).exitCode).toBe(2);
  });

  it('spells lint, template and dependency build for offline rendering, and normalises template output', async () => {
    const render = {
      namespace: 'team-a',
      valuesFiles: ['v.yaml'],
      apiVersions: ['monitoring.coreos.com/v1'],
      kubeVersion: '1.36.0',
    };
    const runner = new FakeRunner()
      .expect('helm', ['lint', 'charts/x', '--strict', '--values', 'v.yaml', '--kube-version', '1.36.0'])
      .expect(
        'helm',
        [
          'template',
          'rel',
          'charts/x',
          '--namespace',
          'team-a',
          '--values',
          'v.yaml',
          '--api-versions',
          'monitoring.coreos.com/v1',
          '--kube-version',
          '1.36.0',
        ],
        // Helm 4 prints a blank line before each separator; Helm 3 does not
        { stdout: '---\n# Source: x/templates/a.yaml\nkind: A\n\n---\n# Source: x/templates/b.yaml\nkind: B\n\n' },
      )
      .expect('helm', ['dependency', 'build', 'charts/x', '--skip-refresh'], { exitCode: 1, stderr: 'Error: no repository' });
    const helm = new HelmClient(runner, target);
    await helm.lint('charts/x', { valuesFiles: ['v.yaml'], kubeVersion: '1.36.0' });
    const rendered = await helm.template('rel', 'charts/x', render);
    expect(rendered.stdout).toBe('---\n# Source: x/templates/a.yaml\nkind: A\n---\n# Source: x/templates/b.yaml\nkind: B\n');
    // a failed build is a result for the caller to report, not a throw
    expect((await helm.dependencyBuild('charts/x')).exitCode).toBe(1);
    runner.assertDone();
  });

  it('passes its batch environment to every helm process', async () => {
    const runner = new FakeRunner().on('helm', () => true, { stdout: '' });
    const helm = new HelmClient(runner).withEnv(shortRunGoEnv({}));
    await helm.lint('c', { kubeVersion: '1.36.0' });
    await helm.template('r', 'c', { namespace: 'n', kubeVersion: '1.36.0' });
    expect(runner.calls.map((c) => c.options?.env)).toEqual([
      { GOGC: 'off', GOMEMLIMIT: '512MiB' },
      { GOGC: 'off', GOMEMLIMIT: '512MiB' },
    ]);
    // a GOGC or GOMEMLIMIT the user set is left alone
    expect(shortRunGoEnv({ GOGC: '100' })).toEqual({});
    expect(shortRunGoEnv({ GOMEMLIMIT: '2GiB' })).toEqual({});
  });

  it('refuses Helm 2', async () => {
    const runner = new FakeRunner().expect('helm', versionCall, { stdout: 'v2.17.0' });
    await expect(new HelmClient(runner).majorVersion()).rejects.toBeInstanceOf(UsageError);
  });
});
