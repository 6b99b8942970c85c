import { describe, expect, it } from 'vitest';
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
import { VERSION } from './version.js';
import pkg from '../package.json' with { type: 'json' };

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

  it('exits 2 on a bad --env value', async () => {
    const run = await runTodoctl(['--env', 'qa', 'status']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('qa');
  });

  it('exits 2 on an unknown output format, before calling any tool', async () => {
    const run = await runTodoctl(['status', '-o', 'xml']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('Use -o table|json|yaml');
    expect(run.runner.calls).toEqual([]);
  });

  it("exits 1 with helm's reason when helm fails", async () => {
    const runner = () =>
      new FakeRunner()
        .expect('helm', ['version', '--template', '{{.Version}}'], { stdout: 'v4.3.1' })
        .expect('helm', ['list', '--output', 'json', '--kubeconfig', '/dev/null/kc', '--namespace', 'todo-dev'], {
          exitCode: 1,
          stderr: 'Error: Kubernetes cluster unreachable\n',
        });
    const run = await runTodoctl(['status', '--kubeconfig', '/dev/null/kc'], { runner: runner() });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('helm list failed (exit code 1): Error: Kubernetes cluster unreachable');
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
