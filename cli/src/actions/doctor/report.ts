/** What doctor reports: checks in the order a person fixes them, and the findings behind a check. */

export type CheckStatus = 'ok' | 'warn' | 'fail';

/**
 * One thing an analyzer recognised in the cluster, with the cluster's own words as evidence.
 * It never says more than the objects, events and logs it quotes.
 */
export interface Finding {
  /** The cluster's word for it where it has one (CrashLoopBackOff, ImagePullBackOff, OOMKilled, Unschedulable, ...). */
  reason: string;
  status: Exclude<CheckStatus, 'ok'>;
  /** The object as kubectl names it: pod/todo-backend-6d4c9-x2x7q, replicaset/todo-backend-6d4c9. */
  object: string;
  /** The other pods with the very same finding (replicas of one workload). */
  alsoIn?: string[];
  container?: string;
  /** What the cluster says: a container state's or condition's message, an event's message. */
  message: string;
  exitCode?: number;
  restarts?: number;
  /** Recent Warning events of the object, as `<reason>: <message>` (with ` (xN)` when repeated). */
  events?: string[];
  /** The last lines the previous container wrote before it exited (`kubectl logs --previous --tail`). */
  previousLogs?: string[];
  /** Why the previous container's lines could not be read, in kubectl's words. */
  previousLogsError?: string;
  /** The exact command (or change) that fixes it. */
  fix: string;
}

export interface Check {
  name: string;
  status: CheckStatus;
  /** The evidence: what was asked and what the answer was. */
  detail: string;
  /** How to fix it, for warn and fail: the exact command where there is one. */
  fix?: string;
  /** Set when the check could not run because something it needs failed first (named in detail). */
  notRun?: true;
  findings?: Finding[];
}

export interface DoctorReport {
  ok: boolean;
  checks: Check[];
}

/**
 * A check that did not run because what it needs is missing (the cluster did not answer, the
 * namespace does not exist). It is a warning, not a failure: the failure is reported once, by
 * the check that found it, so exit codes and counts point at the cause.
 */
export function notRun(name: string, because: string): Check {
  return { name, status: 'warn', detail: `not run: ${because}`, notRun: true };
}

/** The worst of some statuses: fail over warn over ok. */
export function worst(statuses: readonly CheckStatus[]): CheckStatus {
  if (statuses.includes('fail')) return 'fail';
  return statuses.includes('warn') ? 'warn' : 'ok';
}

/** A check from its evidence: ok without a fix, else the status and the fix. */
export function check(name: string, status: CheckStatus, detail: string, fix?: string): Check {
  return status === 'ok' || fix === undefined ? { name, status, detail } : { name, status, detail, fix };
}
