/**
 * The audit log of `todoctl ai`: what was asked, answered, proposed, decided, confirmed, run and
 * verified, one JSON record a line, appended, never rewritten. Each record carries the SHA-256 of
 * the line before it (`prev`) and of its own content (`hash`), so an edited, deleted, inserted or
 * reordered record breaks the chain where it happened and `todoctl audit verify` names the line.
 * A chain shows tampering; it cannot prevent it, and the removal of the last records (or of the
 * whole file) leaves no trace in what remains.
 *
 * Appends are safe against concurrent writers: an exclusive lock (audit-lock.ts) covers reading
 * the last record and writing the next, which is one write(2) of a whole line on an O_APPEND
 * descriptor, followed by fdatasync. Every string is redacted (audit-redact.ts) before it is written.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import { TodoctlError } from '../runtime/errors.js';
import { z } from '../runtime/schema.js';
import { withFileLock, type LockOptions } from './audit-lock.js';
import { redactDeep } from './audit-redact.js';

/** The version of the record schema, `v` in every record. */
export const AUDIT_SCHEMA_VERSION = 1;
export const AUDIT_KINDS = [
  'run-start',
  'prompt',
  'response',
  'proposal',
  'decision',
  'confirmation',
  'execution',
  'verification',
  'run-end',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];
/** The `prev` of the first record. */
export const GENESIS = '0'.repeat(64);

/** Token counts as OpenAI-compatible APIs report them (`usage`). */
export interface Tokens {
  prompt?: number;
  completion?: number;
  total?: number;
}

/** The `data` of each kind of record. */
export interface AuditData {
  'run-start': { argv: string[]; question?: string; todoctlVersion?: string };
  prompt: { text: string; messages?: number };
  response: { text: string; finishReason?: string; toolCalls?: number };
  /** A command the AI wants to run. */
  proposal: { argv: string[]; reason?: string; risk?: string };
  /** The guard's verdict on a proposal: the rule that decided and why. */
  decision: { argv: string[]; verdict: string; rule: string; reason: string; tier?: string };
  /** What the human was asked, and answered (typed or chosen), accepted or not. */
  confirmation: { question: string; answer: string; accepted: boolean };
  execution: { argv: string[]; exitCode: number; durationMs: number; stderr?: string };
  /** The check after a change (a rollout's health, say). */
  verification: { check: string; ok: boolean; detail?: string };
  'run-end': { outcome: string; exitCode?: number; durationMs?: number };
}

export interface AuditRecord<K extends AuditKind = AuditKind> {
  v: typeof AUDIT_SCHEMA_VERSION;
  /** 1, 2, 3… over the whole file, whatever the run. */
  seq: number;
  runId: string;
  /** ISO 8601, UTC. */
  time: string;
  kind: K;
  /** The OS user running todoctl. */
  user: string;
  /** The kube context and namespace the run targets, the model it asks; null when not known. */
  context: string | null;
  namespace: string | null;
  model: string | null;
  /** Only when known (a response, a run's total). */
  tokens?: Tokens;
  data: AuditData[K];
  /** The SHA-256 (hex) of the previous line's bytes, without its newline; GENESIS for the first record. */
  prev: string;
  /** The SHA-256 (hex) of this record's canonical JSON without `hash`. */
  hash: string;
}

/** What a caller gives for one record; context, namespace and model default to openAuditLog's. */
export interface AuditFields<K extends AuditKind> {
  data: AuditData[K];
  tokens?: Tokens;
  context?: string | null;
  namespace?: string | null;
  model?: string | null;
}

export interface AuditLog {
  readonly path: string;
  readonly runId: string;
  /** Appends one record of this run, redacted and chained; resolves once it is on disk. */
  append<K extends AuditKind>(kind: K, fields: AuditFields<K>): Promise<AuditRecord<K>>;
}

export interface OpenOptions {
  user: string;
  clock?: () => Date;
  /** Default: a random UUID. */
  runId?: string;
  context?: string | null;
  namespace?: string | null;
  model?: string | null;
  lock?: LockOptions;
}

/** The audit log cannot be written, or is not an audit log. */
export class AuditLogError extends TodoctlError {}

/**
 * Opens the log for one run: creates its folder (0700) and checks that an existing file is an
 * audit log, so that a run fails before it starts rather than after the AI has acted.
 */
export async function openAuditLog(file: string, o: OpenOptions): Promise<AuditLog> {
  const clock = o.clock ?? (() => new Date());
  const runId = o.runId ?? randomUUID();
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 }).catch(ioError(file, 'create the folder of'));
  await withFileLock(file, () => withLog(file, () => Promise.resolve()), o.lock).catch(ioError(file, 'open'));

  return {
    path: file,
    runId,
    async append<K extends AuditKind>(kind: K, fields: AuditFields<K>): Promise<AuditRecord<K>> {
      const body = jsonCopy(
        redactDeep({
          user: o.user,
          context: fields.context !== undefined ? fields.context : (o.context ?? null),
          namespace: fields.namespace !== undefined ? fields.namespace : (o.namespace ?? null),
          model: fields.model !== undefined ? fields.model : (o.model ?? null),
          ...(fields.tokens ? { tokens: fields.tokens } : {}),
          data: fields.data,
        }),
      ) as Pick<AuditRecord<K>, 'user' | 'context' | 'namespace' | 'model' | 'tokens' | 'data'>;
      return withFileLock(
        file,
        () =>
          withLog(file, async (handle, last) => {
            const unsigned: Omit<AuditRecord<K>, 'hash'> = {
              v: AUDIT_SCHEMA_VERSION,
              seq: (last?.record.seq ?? 0) + 1,
              runId,
              time: clock().toISOString(),
              kind,
              user: body.user,
              context: body.context,
              namespace: body.namespace,
              model: body.model,
              ...(body.tokens ? { tokens: body.tokens } : {}),
              data: body.data,
              prev: last ? sha256(last.bytes) : GENESIS,
            };
            const record = { ...unsigned, hash: sha256(canonicalJson(unsigned)) } as AuditRecord<K>;
            const line = Buffer.from(`${JSON.stringify(record)}\n`);
            const { bytesWritten } = await handle.write(line, 0, line.length);
            if (bytesWritten !== line.length)
              throw new AuditLogError(`${file}: short write (${bytesWritten} of ${line.length} bytes)`);
            await handle.datasync();
            return record;
          }),
        o.lock,
      ).catch(ioError(file, 'append to'));
    },
  };
}

/** Opens the file for appending (0600) and reads its last record; the caller holds the lock. */
async function withLog<T>(file: string, fn: (handle: FileHandle, last: LastLine | undefined) => Promise<T>): Promise<T> {
  const handle = await open(file, 'a+', 0o600);
  try {
    const bytes = await lastLine(handle, file);
    let last: LastLine | undefined;
    if (bytes) {
      const parsed = parseLine(bytes.toString('utf8'));
      if ('problem' in parsed) {
        throw new AuditLogError(`${file} does not end with an audit record: ${parsed.problem}`, {
          hint: `Run todoctl audit verify to see where it breaks; to start a new log, move the file aside and keep it as evidence.`,
        });
      }
      last = { bytes, record: parsed.record };
    }
    return await fn(handle, last);
  } finally {
    await handle.close();
  }
}

interface LastLine {
  bytes: Buffer;
  record: AuditRecord;
}

/** The bytes of the file's last line, without its newline; undefined for an empty file. */
async function lastLine(handle: FileHandle, file: string): Promise<Buffer | undefined> {
  const { size } = await handle.stat();
  if (size === 0) return undefined;
  for (let chunk = 4096; ; chunk *= 4) {
    const start = Math.max(0, size - chunk);
    const buffer = Buffer.alloc(size - start);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    if (bytesRead !== buffer.length) throw new AuditLogError(`${file} changed while it was read`);
    if (buffer.at(-1) !== 0x0a) {
      throw new AuditLogError(`${file} ends with an incomplete line (no newline)`, {
        hint: 'A write was cut short, or this is not an audit log. Run todoctl audit verify; to start a new log, move the file aside.',
      });
    }
    const newline = buffer.length >= 2 ? buffer.lastIndexOf(0x0a, buffer.length - 2) : -1;
    if (newline !== -1) return buffer.subarray(newline + 1, buffer.length - 1);
    if (start === 0) return buffer.subarray(0, buffer.length - 1);
  }
}

// ---------------------------------------------------------------- reading and verifying

const hex64 = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'));
const nullableText = z.nullable(z.string());
const count = z.number().check(z.int(), z.nonnegative());
const recordSchema = z.strictObject({
  v: z.literal(AUDIT_SCHEMA_VERSION),
  seq: z.number().check(z.int(), z.positive()),
  runId: z.string().check(z.minLength(1)),
  time: z.iso.datetime(),
  kind: z.enum(AUDIT_KINDS),
  user: z.string(),
  context: nullableText,
  namespace: nullableText,
  model: nullableText,
  tokens: z.optional(z.strictObject({ prompt: z.optional(count), completion: z.optional(count), total: z.optional(count) })),
  data: z.record(z.string(), z.unknown()),
  prev: hex64,
  hash: hex64,
});

type Parsed = { record: AuditRecord; raw: unknown } | { problem: string; seq: number | null };

/** One line: JSON, then the record schema; the hash and the chain are verify's. */
function parseLine(text: string): Parsed {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { problem: text.trim() === '' ? 'an empty line' : 'not JSON (garbled or cut short)', seq: null };
  }
  const seq = typeof (raw as { seq?: unknown } | null)?.seq === 'number' ? (raw as { seq: number }).seq : null;
  const v = (raw as { v?: unknown } | null)?.v;
  if (v !== undefined && v !== AUDIT_SCHEMA_VERSION)
    return { problem: `schema version ${JSON.stringify(v)}, not ${AUDIT_SCHEMA_VERSION}`, seq };
  const parsed = recordSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { problem: `not an audit record: field "${issue.path.join('.') || '(top level)'}": ${issue.message}`, seq };
  }
  return { record: raw as AuditRecord, raw };
}

export interface AuditLogContents {
  path: string;
  exists: boolean;
  /** The records that parse, in file order. */
  records: AuditRecord[];
  /** Lines that are not records (verify says more). */
  unreadable: { line: number; problem: string }[];
}

/** Reads the records of the log; a missing file has none. The chain is verifyAuditLog's. */
export async function readAuditLog(file: string): Promise<AuditLogContents> {
  const content = await readIfExists(file);
  if (content === undefined) return { path: file, exists: false, records: [], unreadable: [] };
  const records: AuditRecord[] = [];
  const unreadable: AuditLogContents['unreadable'] = [];
  splitLines(content).forEach((line, i) => {
    const parsed = parseLine(line.bytes.toString('utf8'));
    if ('problem' in parsed)
      unreadable.push({ line: i + 1, problem: line.complete ? parsed.problem : 'an incomplete last line' });
    else records.push(parsed.record);
  });
  return { path: file, exists: true, records, unreadable };
}

export type AuditVerification =
  | { ok: true; path: string; exists: boolean; records: AuditRecord[]; warnings: string[] }
  | {
      ok: false;
      path: string;
      exists: true;
      /** The first broken line (1-based) and its seq when it has one. */
      line: number;
      seq: number | null;
      problem: string;
      /** The intact records before it. */
      records: AuditRecord[];
      warnings: string[];
    };

/**
 * Checks every line: a record (JSON, schema), its hash, its bytes as todoctl writes them, its seq
 * (1, 2, 3…) and its link to the line before. Stops at the first broken line. A file mode wider
 * than 0600 and a log that ends inside a run are warnings: neither breaks the chain.
 */
export async function verifyAuditLog(file: string): Promise<AuditVerification> {
  const content = await readIfExists(file);
  if (content === undefined) return { ok: true, path: file, exists: false, records: [], warnings: [] };
  const warnings: string[] = [];
  const mode = (await stat(file)).mode & 0o777;
  if (mode & 0o077) {
    warnings.push(
      `${file} has mode ${mode.toString(8).padStart(4, '0')}: others can read what the AI was told; run chmod 600 ${file}`,
    );
  }

  const lines = splitLines(content);
  const parsed = lines.map((l) => parseLine(l.bytes.toString('utf8')));
  const lineOfSeq = new Map<number, number>();
  parsed.forEach((p, i) => {
    if ('record' in p && !lineOfSeq.has(p.record.seq)) lineOfSeq.set(p.record.seq, i + 1);
  });
  const records: AuditRecord[] = [];
  for (const [i, line] of lines.entries()) {
    const p = parsed[i]!;
    const broken = (problem: string, seq: number | null): AuditVerification => ({
      ok: false,
      path: file,
      exists: true,
      line: i + 1,
      seq,
      problem,
      records,
      warnings,
    });
    if (!line.complete)
      return broken(
        'incomplete: the file ends without a newline (a write was cut short, or the file was cut)',
        'seq' in p ? p.seq : p.record.seq,
      );
    if ('problem' in p) return broken(p.problem, p.seq);
    const { record } = p;
    const { hash, ...unsigned } = record;
    if (sha256(canonicalJson(unsigned)) !== hash) return broken('edited: its content does not match its hash', record.seq);
    if (JSON.stringify(p.raw) !== line.bytes.toString('utf8')) {
      return broken('rewritten: its content matches its hash but the line is not as todoctl wrote it', record.seq);
    }
    const expected = (records.at(-1)?.seq ?? 0) + 1;
    if (record.seq !== expected) {
      const later = lineOfSeq.get(expected);
      if (record.seq < expected) return broken(`out of order: seq ${record.seq} comes after seq ${expected - 1}`, record.seq);
      if (later !== undefined && later > i + 1)
        return broken(`out of order: seq ${expected} should be here but is at line ${later}`, record.seq);
      const missing = record.seq - 1 === expected ? `seq ${expected} is` : `seq ${expected} to ${record.seq - 1} are`;
      return broken(`${missing} missing (deleted) before it`, record.seq);
    }
    const prev = i === 0 ? GENESIS : sha256(lines[i - 1]!.bytes);
    if (record.prev !== prev) {
      return broken(
        i === 0
          ? 'its prev is not the genesis hash: records before it were deleted'
          : `its prev does not match the hash of line ${i}: a record was changed, deleted or inserted between them`,
        record.seq,
      );
    }
    records.push(record);
  }
  const last = records.at(-1);
  if (last && last.kind !== 'run-end') {
    warnings.push(
      `the log ends inside run ${last.runId} (seq ${last.seq}, a ${last.kind} record): that run is still going, was interrupted, or its last records were deleted`,
    );
  }
  return { ok: true, path: file, exists: true, records, warnings };
}

// ---------------------------------------------------------------- where, who, hashing

/**
 * Where the log is: TODOCTL_AUDIT_FILE, else todoctl.yaml's ai.auditLog (relative to the project
 * root, `~/` for the home folder), else $XDG_STATE_HOME/todoctl/audit.jsonl (~/.local/state).
 */
export function auditLogPath(o: {
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  cwd: string;
  /** ai.auditLog and the folder of the todoctl.yaml that sets it. */
  configured?: { file: string; root: string } | undefined;
}): string {
  const expand = (p: string) => (p === '~' || p.startsWith('~/') ? path.join(o.home, p.slice(1)) : p);
  if (o.env.TODOCTL_AUDIT_FILE) return path.resolve(o.cwd, expand(o.env.TODOCTL_AUDIT_FILE));
  if (o.configured) return path.resolve(o.configured.root, expand(o.configured.file));
  // The XDG spec ignores a relative XDG_STATE_HOME.
  const xdg = o.env.XDG_STATE_HOME;
  const state = xdg && path.isAbsolute(xdg) ? xdg : path.join(o.home, '.local', 'state');
  return path.join(state, 'todoctl', 'audit.jsonl');
}

/** The OS user running todoctl (`user` in every record). */
export function osUser(env: Readonly<Record<string, string | undefined>>): string {
  try {
    return userInfo().username;
  } catch {
    // no passwd entry (a container's arbitrary uid)
    return env.USER ?? env.LOGNAME ?? `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}

/** JSON with object keys sorted (by UTF-16 code unit, as RFC 8785) and no whitespace: what `hash` covers. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function jsonCopy(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return ioError(file, 'read')(error);
  }
}

/** A failure of the file system (permissions, a folder in the way) as an error naming the log; todoctl's own errors pass. */
function ioError(file: string, action: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof TodoctlError) throw error;
    throw new AuditLogError(`cannot ${action} the audit log ${file}: ${(error as Error).message}`, {
      hint: 'Point TODOCTL_AUDIT_FILE (or ai.auditLog in todoctl.yaml) at a file you can write.',
      cause: error,
    });
  };
}

/** The lines of the file; the last is incomplete when the file does not end with a newline. */
function splitLines(content: Buffer): { bytes: Buffer; complete: boolean }[] {
  const lines: { bytes: Buffer; complete: boolean }[] = [];
  let start = 0;
  while (start < content.length) {
    const end = content.indexOf(0x0a, start);
    if (end === -1) {
      lines.push({ bytes: content.subarray(start), complete: false });
      break;
    }
    lines.push({ bytes: content.subarray(start, end), complete: true });
    start = end + 1;
  }
  return lines;
}
