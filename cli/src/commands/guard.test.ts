import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runTodoctl } from '../../test/helpers/run-todoctl.js';

const dir = mkdtempSync(path.join(tmpdir(), 'todoctl-guard-'));
writeFileSync(
  path.join(dir, 'deploy.yaml'),
  'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec: { replicas: 2 }\n',
);
writeFileSync(
  path.join(dir, 'both.yaml'),
  'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: s }\n',
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `todoctl guard check ...` in the fixture folder; a guard check never starts a process. */
async function check(argv: string[]) {
  const run = await runTodoctl(argv, { cwd: dir });
  expect(run.runner.calls).toEqual([]);
  return run;
}

const json = (stdout: string) => JSON.parse(stdout) as Record<string, unknown>;

describe('todoctl guard check (in-process)', () => {
  it('prints decision, reason and rule as JSON for a command after --, and exits 0 whatever the decision', async () => {
    const run = await check(['guard', 'check', '-o', 'json', '--', 'kubectl', 'get', 'secret', 'db', '-o', 'jsonpath={.data}']);
    expect(run.exitCode).toBe(0);
    const result = json(run.stdout);
    expect(Object.keys(result).sort()).toEqual(['decision', 'reason', 'rule']);
    expect(result).toMatchObject({ decision: 'deny', rule: 'GUARD-DENY-SECRETS' });
    expect(result.reason).toContain('Secrets');
  });

  it('reads the kubectl flags after -- as kubectl flags, not todoctl ones', async () => {
    const run = await check([
      'guard',
      'check',
      '-o',
      'json',
      '--',
      'kubectl',
      '-n',
      'todo-dev',
      'delete',
      'pod',
      'web-1',
      '-o',
      'name',
    ]);
    expect(json(run.stdout)).toMatchObject({ decision: 'typed-confirm', rule: 'GUARD-TYPED-DELETE' });
  });

  it('classifies a shell line with --shell', async () => {
    const run = await check(['guard', 'check', '-o', 'json', '--shell', 'kubectl get po | sh']);
    expect(run.exitCode).toBe(0);
    expect(json(run.stdout)).toMatchObject({ decision: 'deny', rule: 'GUARD-DENY-SHELL' });
    const scale = await check(['guard', 'check', '-o', 'json', '--shell', 'kubectl scale deploy web --replicas 3']);
    expect(json(scale.stdout)).toMatchObject({ decision: 'confirm', rule: 'GUARD-CONFIRM-CHANGE' });
  });

  it('pins the global --context: kubectl may name that one and no other', async () => {
    const same = await check([
      '--context',
      'minikube',
      'guard',
      'check',
      '-o',
      'json',
      '--',
      'kubectl',
      '--context=minikube',
      'get',
      'po',
    ]);
    expect(json(same.stdout)).toMatchObject({ decision: 'allow', rule: 'GUARD-ALLOW-READ' });
    const other = await check([
      '--context',
      'minikube',
      'guard',
      'check',
      '-o',
      'json',
      '--',
      'kubectl',
      '--context=prod',
      'get',
      'po',
    ]);
    expect(json(other.stdout)).toMatchObject({ decision: 'deny', rule: 'GUARD-DENY-CONNECTION' });
  });

  it('inspects the files -f names, and --stdin for -f -', async () => {
    const apply = await check(['guard', 'check', '-o', 'json', '--', 'kubectl', 'apply', '-f', 'deploy.yaml']);
    expect(json(apply.stdout)).toMatchObject({ decision: 'confirm', rule: 'GUARD-CONFIRM-CHANGE' });
    const hidden = await check(['guard', 'check', '-o', 'json', '--stdin', 'both.yaml', '--', 'kubectl', 'apply', '-f', '-']);
    expect(json(hidden.stdout)).toMatchObject({ decision: 'deny', rule: 'GUARD-DENY-SECRETS' });
    expect(json(hidden.stdout).reason).toContain('stdin, document 2');
    const folder = await check(['guard', 'check', '-o', 'json', '--', 'kubectl', 'apply', '-f', '.']);
    expect(json(folder.stdout)).toMatchObject({ decision: 'deny', rule: 'GUARD-DENY-MANIFEST' });
  });

  it('prints one line of text by default, and YAML on request', async () => {
    const text = await check(['guard', 'check', '--', 'kubectl', 'get', 'pods']);
    expect(text.stdout).toBe('allow GUARD-ALLOW-READ kubectl get only reads.\n');
    const yaml = await check(['guard', 'check', '-o', 'yaml', '--', 'kubectl', 'rollout', 'undo', 'deploy/web']);
    expect(parse(yaml.stdout)).toMatchObject({ decision: 'typed-confirm', rule: 'GUARD-TYPED-ROLLOUT-UNDO' });
  });

  it('exits 2 for usage errors: no command, both forms, no --, an unreadable --stdin, an unknown -o', async () => {
    const none = await check(['guard', 'check']);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('no command to check');
    const both = await check(['guard', 'check', '--shell', 'kubectl get po', '--', 'kubectl', 'get', 'po']);
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain('not both');
    // without --, todoctl would take -n itself and the guard would judge `kubectl get po`
    const noDash = await check(['guard', 'check', 'kubectl', 'get', 'po', '-n', 'x']);
    expect(noDash.exitCode).toBe(2);
    expect(noDash.stderr).toContain('put -- before the command');
    const stdin = await check(['guard', 'check', '--stdin', 'missing.yaml', '--', 'kubectl', 'apply', '-f', '-']);
    expect(stdin.exitCode).toBe(2);
    const format = await check(['guard', 'check', '-o', 'sarif', '--', 'kubectl', 'get', 'po']);
    expect(format.exitCode).toBe(2);
    expect(format.stderr).toContain('Use -o text|json|yaml');
    expect([none, both, noDash, stdin, format].map((r) => r.stdout)).toEqual(['', '', '', '', '']);
  });

  it('documents the exit status in its help', async () => {
    const help = await check(['guard', 'check', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Exit status: 0 whenever the command was classified');
    expect(help.stdout).toContain('Output (-o): text (default), json, yaml.');
  });
});
