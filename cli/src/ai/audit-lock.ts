/**
 * An exclusive lock on a file, across processes and within one: `<file>.lock`, created with
 * O_EXCL (`wx`), holding the owner's pid, host and a random token. A lock is stale when its
 * holder on this host is no longer running, or when it is older than `staleMs` (a holder on
 * another host, or one that never wrote its content). Within the process, callers queue on a
 * promise first, so they never poll against each other.
 *
 * Written here rather than taken from proper-lockfile (the maintained choice) because the
 * package is not a dependency of todoctl; this is its protocol, in the small (no mtime refresh:
 * the audit log holds its lock for one read and one write, milliseconds).
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TodoctlError } from '../runtime/errors.js';

export interface LockOptions {
  /** Age after which a lock whose holder cannot be checked is broken. Default 30 s. */
  staleMs?: number;
  /** How long to wait for a live holder before giving up. Default 10 s. */
  timeoutMs?: number;
}

interface LockContent {
  pid: number;
  host: string;
  token: string;
  time: string;
}

/** The in-process queue of each locked file: the promise the next caller waits for. */
const queues = new Map<string, Promise<unknown>>();

/** Runs `fn` holding the lock of `file`, which no other caller (in this process or another) holds meanwhile. */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, o: LockOptions = {}): Promise<T> {
  const key = path.resolve(file);
  const before = queues.get(key) ?? Promise.resolve();
  const mine = before.catch(() => undefined).then(() => locked(key, fn, o));
  const tail = mine.catch(() => undefined);
  queues.set(key, tail);
  try {
    return await mine;
  } finally {
    if (queues.get(key) === tail) queues.delete(key);
  }
}

async function locked<T>(file: string, fn: () => Promise<T>, o: LockOptions): Promise<T> {
  const lockFile = `${file}.lock`;
  const token = randomBytes(8).toString('hex');
  await acquire(lockFile, token, o.staleMs ?? 30_000, o.timeoutMs ?? 10_000);
  try {
    return await fn();
  } finally {
    await release(lockFile, token);
  }
}

async function acquire(lockFile: string, token: string, staleMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      const content: LockContent = { pid: process.pid, host: hostname(), token, time: new Date().toISOString() };
      try {
        await handle.writeFile(JSON.stringify(content));
      } finally {
        await handle.close();
      }
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const held = await holder(lockFile);
    if (held === undefined) continue; // released meanwhile
    if (isStale(held, staleMs)) {
      await breakLock(lockFile, held.raw);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = held.content
        ? `process ${held.content.pid} on ${held.content.host} since ${held.content.time}`
        : 'another process';
      throw new TodoctlError(`${lockFile} is held by ${who}`, {
        hint: `Another todoctl is writing the audit log. If none is running, delete ${lockFile}.`,
      });
    }
    // Short, jittered waits: the holder keeps the lock for milliseconds.
    await sleep(Math.min(5 * 2 ** Math.min(attempt, 5), 100) + Math.random() * 10);
  }
}

interface Held {
  raw: string;
  content: LockContent | undefined;
  ageMs: number;
}

async function holder(lockFile: string): Promise<Held | undefined> {
  try {
    const [raw, info] = await Promise.all([readFile(lockFile, 'utf8'), stat(lockFile)]);
    let content: LockContent | undefined;
    try {
      const parsed = JSON.parse(raw) as Partial<LockContent>;
      if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') content = parsed as LockContent;
    } catch {
      // being written, or not ours: only its age can tell
    }
    return { raw, content, ageMs: Date.now() - info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isStale(held: Held, staleMs: number): boolean {
  if (held.ageMs >= staleMs) return true;
  if (!held.content || held.content.host !== hostname()) return false;
  return !isRunning(held.content.pid);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes a stale lock. Renaming is atomic, so of several processes breaking it one wins; the
 * winner checks it moved the lock it judged stale, and puts back one that a live process took
 * meanwhile (`link` fails rather than replace a newer lock).
 */
async function breakLock(lockFile: string, judged: string): Promise<void> {
  const aside = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(lockFile, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => judged);
  if (moved !== judged) await link(aside, lockFile).catch(() => undefined);
  await rm(aside, { force: true });
}

/** Deletes the lock if it is still this caller's (a holder judged stale may have lost it). */
async function release(lockFile: string, token: string): Promise<void> {
  const held = await holder(lockFile);
  if (held?.content?.token === token) await rm(lockFile, { force: true });
}
