import { describe, expect, it } from 'vitest';
import { HelmClient } from './clients/helm.js';
import { FakeRunner } from '../test/helpers/fake-runner.js';
import { runTodoctl } from '../test/helpers/run-todoctl.js';
import {
  ClusterError,
  ConfigError,
  ConfirmationError,
  ExitCode,
  MissingToolError,
  PolicyError,
  ToolError,
  UsageError,
  exitCodeOf,
} from './runtime/errors.js';
import { createPrompts } from './runtime/prompts.js';
import { NODE_MINIMUM, VERSION } from './version.js';
import pkg from '../package.json' with { type: 'json' };
import rootPkg from '../../package.json' with { type: 'json' };

describe('exit codes', () => {
  it.each([
    [new UsageError('x'), ExitCode.Usage],
    [new ConfigError('x', 'f'), ExitCode.Usage],
    [new MissingToolError('helm', 'install it'), ExitCode.Usage],
    [new ConfirmationError('x'), ExitCode.Usage],
    [new ToolError('helm', ['upgrade'], 1, 'boom'), ExitCode.Failure],
    [new ClusterError('x'), ExitCode.Failure],
    [new PolicyError('x'), ExitCode.Failure],
    [new Error('a bug'), ExitCode.Failure],
  ])('%s -> %i', (error, code) => {
    expect(exitCodeOf(error)).toBe(code);
  });
});

describe('todoctl (in-process)', () => {
  it('prints its version on stdout and exits 0', async () => {
    const run = await runTodoctl(['--version']);
    expect(run).toMatchObject({ exitCode: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('keeps VERSION equal to cli/package.json', () => {
    expect(VERSION).toBe(pkg.version);
  });

  it('exits 2 on an unknown command or flag, with the reason on stderr', async () => {
    const unknownCommand = await runTodoctl(['deploy-everything']);
    expect(unknownCommand.exitCode).toBe(2);
    expect(unknownCommand.stderr).toContain("unknown command 'deploy-everything'");
    const unknownFlag = await runTodoctl(['doctor', '--frobnicate']);
    expect(unknownFlag.exitCode).toBe(2);
    expect(unknownFlag.stderr).toContain("unknown option '--frobnicate'");
  });

  it.each(['status', 'doctor', 'validate'])(
    'exits 2 on an unknown --env for %s, listing the environments, before any tool runs',
    async (command) => {
      const run = await runTodoctl(['--env', 'qa', command]);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain('unknown environment "qa"');
      expect(run.stderr).toMatch(command === 'validate' ? /dev, staging, prod/ : /dev\|staging\|prod/);
      expect(run.runner.calls).toEqual([]);
    },
  );

  it('takes a list of environments only where the command can use one', async () => {
    const run = await runTodoctl(['--env', 'dev,prod', 'status']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--env takes one environment here');
  });

  it('exits 2 on a malformed global flag, naming it', async () => {
    const run = await runTodoctl(['-n', 'Not_A_Namespace', 'status']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('invalid --namespace "Not_A_Namespace"');
  });

  it('keeps NODE_MINIMUM equal to the engines of cli/package.json and the root package.json', () => {
    expect(pkg.engines.node).toBe(`>=${NODE_MINIMUM.replace(/\.0$/, '')}`);
    expect(rootPkg.engines.node).toBe(pkg.engines.node);
  });

  it("lists each command's output formats in its --help", async () => {
    for (const [command, formats] of [
      ['status', 'text (default), json, yaml'],
      ['doctor', 'text (default), json, yaml'],
      ['validate', 'text (default), json, yaml, sarif, junit'],
    ] as const) {
      const help = await runTodoctl([command, '--help']);
      expect(help.stdout, command).toContain(`Output (-o): ${formats}.`);
    }
  });

  it('exits 2 on an unknown output format, before calling any tool', async () => {
    const run = await runTodoctl(['status', '-o', 'xml']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('Use -o text|json|yaml');
    expect(run.runner.calls).toEqual([]);
  });

  it("exits 1 with helm's reason when the cluster cannot be reached", async () => {
    const runner = new FakeRunner()
      .on('helm', [...HelmClient.listArgs(), '--kubeconfig', '/dev/null/kc', '--namespace', 'todo-dev'], {
        exitCode: 1,
        stderr: 'Error: Kubernetes cluster unreachable\n',
      })
      .on('kubectl', ['get', 'pods', '--output', 'json', '--kubeconfig', '/dev/null/kc', '--namespace', 'todo-dev'], {
        exitCode: 1,
        stderr: 'The connection to the server localhost:8080 was refused\n',
      });
    const run = await runTodoctl(['status', '--kubeconfig', '/dev/null/kc'], { runner });
    expect(run.exitCode).toBe(1);
    // both failed; helm's message is the one shown
    expect(run.stderr).toContain('helm list failed (exit code 1): Error: Kubernetes cluster unreachable');
    expect(run.stderr).not.toContain('connection to the server');
  });
});

describe('confirmation prompts', () => {
  it('refuse without a terminal and name --yes', async () => {
    const prompts = createPrompts({ yes: false, interactive: false });
    const error = await prompts.confirm('delete release todo-backend?').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfirmationError);
    expect((error as ConfirmationError).hint).toContain('--yes');
  });

  it('answer yes with --yes without asking', async () => {
    await expect(createPrompts({ yes: true, interactive: false }).confirm('x?')).resolves.toBe(true);
  });
});
