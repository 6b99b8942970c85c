import { main } from '../../src/main.js';
import type { Prompts } from '../../src/runtime/prompts.js';
import { FakeRunner } from './fake-runner.js';

export interface TodoctlRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  runner: FakeRunner;
}

/**
 * Runs todoctl in-process, as bin.ts would, with captured streams and a
 * FakeRunner: any process call the test did not script fails the test.
 */
export async function runTodoctl(
  argv: string[],
  o: {
    runner?: FakeRunner;
    env?: Record<string, string>;
    cwd?: string;
    prompts?: Prompts;
    tty?: boolean;
    nodeVersion?: string;
  } = {},
): Promise<TodoctlRun> {
  let stdout = '';
  let stderr = '';
  const runner = o.runner ?? new FakeRunner();
  const exitCode = await main(argv, {
    env: { PATH: '/nonexistent', NO_COLOR: '1', ...o.env },
    cwd: o.cwd ?? '/nonexistent-project',
    nodeVersion: o.nodeVersion ?? 'v24.21.0',
    stdout: { write: (s: string) => (stdout += s), isTTY: o.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: o.tty ?? false },
    stdinIsTTY: o.tty ?? false,
    runner,
    ...(o.prompts ? { prompts: o.prompts } : {}),
  });
  return { exitCode, stdout, stderr, runner };
}
