import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTodoctl } from '../../test/helpers/run-todoctl.js';
import { openAuditLog, type AuditRecord } from '../ai/audit.js';

/** A log with two runs, written with a clock that ticks a second a record. */
async function seededLog(): Promise<{ file: string; runs: [string, string] }> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'todoctl-audit-cmd-')), 'audit.jsonl');
  let t = Date.parse('2025-06-01T10:00:00.000Z');
  const clock = () => new Date((t += 1000));
  const target = { context: 'minikube', namespace: 'todo-dev', model: 'gpt-4o-mini' };

  const first = await openAuditLog(file, { user: 'alice', clock, runId: 'a1b2c3d4-0000-4000-8000-000000000001', ...target });
  await first.append('run-start', {
    data: { argv: ['ai', 'why is the backend crashing?'], question: 'why is the backend crashing?' },
  });
  await first.append('response', {
    data: { text: 'The readiness probe points at /healthz,\nthe app serves /health.' },
    tokens: { prompt: 800, completion: 52, total: 852 },
  });
  const argv = ['kubectl', 'rollout', 'restart', 'deployment/todo-backend'];
  await first.append('proposal', { data: { argv, risk: 'reversible' } });
  await first.append('decision', {
    data: { argv, verdict: 'confirm', rule: 'TODO-AI-002', reason: 'a reversible write asks y/N' },
  });
  await first.append('confirmation', { data: { question: 'Restart deployment/todo-backend?', answer: 'y', accepted: true } });
  await first.append('execution', { data: { argv, exitCode: 0, durationMs: 340 } });
  await first.append('verification', { data: { check: 'rollout status deployment/todo-backend', ok: true } });
  await first.append('run-end', { data: { outcome: 'fixed', exitCode: 0 } });

  const second = await openAuditLog(file, { user: 'bob', clock, runId: 'a1b2ffff-0000-4000-8000-000000000002', ...target });
  await second.append('run-start', { data: { argv: ['ai', 'delete the namespace'], question: 'delete the namespace' } });
  await second.append('decision', {
    data: {
      argv: ['kubectl', 'delete', 'namespace', 'todo-dev'],
      verdict: 'deny',
      rule: 'TODO-AI-001',
      reason: 'namespaces are never deleted',
    },
  });
  await second.append('run-end', { data: { outcome: 'refused', exitCode: 3 } });
  return { file, runs: [first.runId, second.runId] };
}

const audit = (args: string[], file: string) => runTodoctl(['audit', ...args], { env: { TODOCTL_AUDIT_FILE: file } });

describe('todoctl audit show (in-process)', () => {
  it('prints a timeline per run: time, kind and what happened', async () => {
    const { file } = await seededLog();
    const run = await audit(['show'], file);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      [
        'run a1b2c3d4-0000-4000-8000-000000000001  2025-06-01 10:00:01Z  alice  minikube/todo-dev  gpt-4o-mini  8 record(s), 852 tokens',
        '  10:00:01.000Z  run-start     "why is the backend crashing?"',
        '  10:00:02.000Z  response      "The readiness probe points at /healthz, the app serves /hea…" (63 chars, 852 tokens)',
        '  10:00:03.000Z  proposal      kubectl rollout restart deployment/todo-backend (reversible)',
        '  10:00:04.000Z  decision      confirm by TODO-AI-002: a reversible write asks y/N',
        '  10:00:05.000Z  confirmation  accepted: answered "y"',
        '  10:00:06.000Z  execution     kubectl rollout restart deployment/todo-backend -> exit 0 in 340 ms',
        '  10:00:07.000Z  verification  ok: rollout status deployment/todo-backend',
        '  10:00:08.000Z  run-end       fixed (exit 0)',
        '',
        'run a1b2ffff-0000-4000-8000-000000000002  2025-06-01 10:00:09Z  bob  minikube/todo-dev  gpt-4o-mini  3 record(s)',
        '  10:00:09.000Z  run-start     "delete the namespace"',
        '  10:00:10.000Z  decision      deny by TODO-AI-001: namespaces are never deleted',
        '  10:00:11.000Z  run-end       refused (exit 3)',
        '',
      ].join('\n'),
    );
  });

  it('shows one run, by its id or a prefix of it, and prints the records as JSON', async () => {
    const { file, runs } = await seededLog();
    const text = await audit(['show', '--run', 'a1b2f'], file);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain(`run ${runs[1]}`);
    expect(text.stdout).not.toContain(runs[0]);

    const json = await audit(['show', '--run', runs[0], '-o', 'json'], file);
    expect(json.exitCode).toBe(0);
    const records = JSON.parse(json.stdout) as AuditRecord[];
    expect(records.map((r) => r.kind)).toEqual([
      'run-start',
      'response',
      'proposal',
      'decision',
      'confirmation',
      'execution',
      'verification',
      'run-end',
    ]);
    expect(records.every((r) => r.runId === runs[0])).toBe(true);
    // the records as they are in the log, hash and all
    const firstLine = (await readFile(file, 'utf8')).split('\n')[0]!;
    expect(records[0]).toEqual(JSON.parse(firstLine));

    const yaml = await audit(['show', '--run', runs[1], '-o', 'yaml'], file);
    expect(yaml.stdout).toContain('kind: decision');
  });

  it('exits 1 for a run the log does not hold, and 2 for a prefix that matches several', async () => {
    const { file, runs } = await seededLog();
    const unknown = await audit(['show', '--run', 'ffff'], file);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain(`no run ffff in ${file}`);
    const ambiguous = await audit(['show', '--run', 'a1b2'], file);
    expect(ambiguous.exitCode).toBe(2);
    expect(ambiguous.stderr).toContain(`--run a1b2 matches 2 runs: ${runs.join(', ')}`);
    expect((await audit(['show', '--run', ''], file)).exitCode).toBe(2);
  });

  it('says there is nothing to show when there is no log yet (exit 0)', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'todoctl-audit-cmd-')), 'none.jsonl');
    const text = await audit(['show'], file);
    expect(text).toMatchObject({ exitCode: 0, stdout: `No audit records yet in ${file}.\n` });
    const json = await audit(['show', '-o', 'json'], file);
    expect(JSON.parse(json.stdout)).toEqual([]);
  });

  it('warns of lines it cannot read, and shows the rest', async () => {
    const { file } = await seededLog();
    await writeFile(file, `${await readFile(file, 'utf8')}{"garbled\n`);
    const run = await audit(['show', '-o', 'json'], file);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveLength(11);
    expect(run.stderr).toContain(`warning: ${file}:12 is not shown: not JSON (garbled or cut short)`);
  });
});

describe('todoctl audit verify (in-process)', () => {
  it('exits 0 for an intact chain, with the count of records', async () => {
    const { file } = await seededLog();
    const run = await audit(['verify'], file);
    expect(run).toMatchObject({ exitCode: 0, stdout: `11 record(s) in 2 run(s), chain intact: ${file}\n`, stderr: '' });
    const json = await audit(['verify', '-o', 'json'], file);
    expect(JSON.parse(json.stdout)).toEqual({ path: file, exists: true, ok: true, records: 11, runs: 2, warnings: [] });
  });

  it('exits 1 naming the first broken record: line, seq and what is wrong', async () => {
    const { file } = await seededLog();
    const lines = (await readFile(file, 'utf8')).split('\n');
    await writeFile(file, lines.filter((_, i) => i !== 3).join('\n'));
    const run = await audit(['verify'], file);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe(
      `${file}: broken at line 4 (seq 5): seq 4 is missing (deleted) before it\n3 record(s) before it are intact.\n`,
    );
    expect(run.stderr).toContain(`Error: the audit log ${file} is broken at line 4 (seq 5)`);

    const json = await audit(['verify', '-o', 'json'], file);
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      path: file,
      exists: true,
      ok: false,
      line: 4,
      seq: 5,
      problem: 'seq 4 is missing (deleted) before it',
      intactRecords: 3,
      warnings: [],
    });
  });

  it('says there is no log yet, and exits 0: a fresh install has nothing to verify', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'todoctl-audit-cmd-')), 'none.jsonl');
    const run = await audit(['verify'], file);
    expect(run).toMatchObject({ exitCode: 0, stdout: `No audit log yet at ${file}: nothing to verify.\n` });
    const json = await audit(['verify', '-o', 'json'], file);
    expect(JSON.parse(json.stdout)).toMatchObject({ exists: false, ok: true, records: 0 });
  });

  it('exits 2 for an unknown action, --run with verify, and an unknown -o', async () => {
    const { file } = await seededLog();
    const unknown = await audit(['prune'], file);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('Use todoctl audit show [--run ID] or todoctl audit verify.');
    expect((await audit(['verify', '--run', 'a1b2'], file)).exitCode).toBe(2);
    const sarif = await audit(['verify', '-o', 'sarif'], file);
    expect(sarif.exitCode).toBe(2);
    expect(sarif.stderr).toContain('Use -o text|json|yaml');
  });
});

describe('todoctl audit: which log', () => {
  it("reads todoctl.yaml's ai.auditLog, relative to the project, when TODOCTL_AUDIT_FILE is not set", async () => {
    const project = await mkdtemp(path.join(tmpdir(), 'todoctl-audit-project-'));
    await writeFile(
      path.join(project, 'todoctl.yaml'),
      'apiVersion: todoctl/v1alpha1\nkind: Project\nname: shop\nai:\n  auditLog: logs/ai-audit.jsonl\n',
    );
    await mkdir(path.join(project, 'apps'));
    const run = await runTodoctl(['audit', 'verify'], { cwd: path.join(project, 'apps'), env: { HOME: '/nonexistent-home' } });
    expect(run.stdout).toBe(`No audit log yet at ${path.join(project, 'logs', 'ai-audit.jsonl')}: nothing to verify.\n`);
  });

  it('defaults to $XDG_STATE_HOME/todoctl/audit.jsonl', async () => {
    const state = await mkdtemp(path.join(tmpdir(), 'todoctl-audit-state-'));
    const run = await runTodoctl(['audit', 'show'], { env: { XDG_STATE_HOME: state, HOME: '/nonexistent-home' } });
    expect(run.stdout).toBe(`No audit records yet in ${path.join(state, 'todoctl', 'audit.jsonl')}.\n`);
  });
});
