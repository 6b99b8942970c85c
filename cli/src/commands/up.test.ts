import { describe, expect, it } from 'vitest';
import { runTodoctl } from '../../test/helpers/run-todoctl.js';

describe('todoctl up (in-process)', () => {
  it.each([
    [['up', '--no-build'], '--no-build needs --tag'],
    [['up', '--no-build', '--tag', 'latest'], 'image tag "latest" is not allowed'],
    [['up', '--no-build', '--tag', 'dev-1a2b3c4', '--timeout', 'soon'], '--timeout "soon" is not a duration'],
  ])('refuses %j before calling any tool', async (argv, message) => {
    const run = await runTodoctl(argv);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.runner.calls).toEqual([]);
  });
});

describe('todoctl secrets (in-process)', () => {
  it('never echoes what was typed where a variable name goes: it may be the secret itself', async () => {
    const run = await runTodoctl(['secrets', 'set', 'sk-live-0123456789']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('is not a variable name');
    expect(run.stderr).not.toContain('sk-live-0123456789');
    expect(run.runner.calls).toEqual([]);
  });
});
