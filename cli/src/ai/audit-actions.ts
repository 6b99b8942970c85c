/** `todoctl audit show` and `todoctl audit verify`: the work, for commands/audit.ts to print. */
import { homedir } from 'node:os';
import type { Deps } from '../deps.js';
import { TodoctlError, UsageError } from '../runtime/errors.js';
import { auditLogPath, readAuditLog, verifyAuditLog, type AuditRecord, type AuditVerification } from './audit.js';

/** The log in effect: TODOCTL_AUDIT_FILE, ai.auditLog, the XDG state folder (todoctl.yaml is read only when needed). */
export async function resolveAuditLog(deps: Deps): Promise<string> {
  const env = deps.env;
  const home = env.HOME || homedir();
  if (env.TODOCTL_AUDIT_FILE) return auditLogPath({ env, home, cwd: deps.cwd });
  const { config, root } = await deps.config();
  const configured = config.ai.auditLog ? { file: config.ai.auditLog, root } : undefined;
  return auditLogPath({ env, home, cwd: deps.cwd, configured });
}

export interface AuditShow {
  path: string;
  exists: boolean;
  /** The records shown, in file order. */
  records: AuditRecord[];
}

/** The records of the log, or of one run (`run`: its id or a unique prefix of it). */
export async function showAudit(deps: Deps, o: { run?: string | undefined }): Promise<AuditShow> {
  const log = await readAuditLog(await resolveAuditLog(deps));
  for (const { line, problem } of log.unreadable) {
    deps.warn(`${log.path}:${line} is not shown: ${problem} (todoctl audit verify checks the whole log)`);
  }
  if (o.run === undefined || log.records.length === 0) return { path: log.path, exists: log.exists, records: log.records };
  const runs = [...new Set(log.records.map((r) => r.runId))];
  const matching = runs.includes(o.run) ? [o.run] : runs.filter((id) => id.startsWith(o.run!));
  if (matching.length > 1) {
    throw new UsageError(`--run ${o.run} matches ${matching.length} runs: ${matching.join(', ')}`, {
      hint: 'Give more of the run id.',
    });
  }
  if (matching.length === 0) {
    throw new TodoctlError(`no run ${o.run} in ${log.path}`, {
      hint: `It holds ${runs.length} run(s); todoctl audit show lists them.`,
    });
  }
  return { path: log.path, exists: true, records: log.records.filter((r) => r.runId === matching[0]) };
}

/** The chain check of the whole log. */
export async function verifyAudit(deps: Deps): Promise<AuditVerification> {
  const verification = await verifyAuditLog(await resolveAuditLog(deps));
  for (const warning of verification.warnings) deps.warn(warning);
  return verification;
}

/** A broken chain: exit 1, after the result is printed. */
export function assertIntact(v: AuditVerification): void {
  if (v.ok) return;
  throw new TodoctlError(`the audit log ${v.path} is broken at line ${v.line}${v.seq === null ? '' : ` (seq ${v.seq})`}`, {
    hint: 'Keep the file as evidence: the records from that line on cannot be trusted. To start a new log, move the file aside.',
  });
}
