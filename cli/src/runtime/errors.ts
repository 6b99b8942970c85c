/**
 * Typed errors and the exit codes they map to. Only bin.ts turns these into a
 * process exit; everything else throws.
 *
 *   0  success
 *   1  failure: a tool, the cluster or a policy said no
 *   2  usage: bad flags, bad configuration, a missing prerequisite
 *      (todoctl ai: proposals await a human)
 *   3  todoctl ai: the guard blocked a command the AI wanted
 *   4  todoctl ai: the AI provider failed
 *   5  todoctl ai: no answer within the timeout
 */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  Blocked: 3,
  ProviderError: 4,
  Timeout: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class TodoctlError extends Error {
  readonly exitCode: ExitCode = ExitCode.Failure;
  /** What the user can do about it, printed under the message. */
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** Bad flags or arguments. */
export class UsageError extends TodoctlError {
  override readonly exitCode = ExitCode.Usage;
}

/** A todoctl.yaml that does not parse or does not match the schema. */
export class ConfigError extends TodoctlError {
  override readonly exitCode = ExitCode.Usage;
  constructor(
    message: string,
    readonly file: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** A required external program is not installed or not on PATH. */
export class MissingToolError extends TodoctlError {
  override readonly exitCode = ExitCode.Usage;
  constructor(
    readonly tool: string,
    hint: string,
  ) {
    super(`${tool} was not found on PATH`, { hint });
  }
}

/** An external program ran and failed. Carries what a human needs to see. */
export class ToolError extends TodoctlError {
  constructor(
    readonly tool: string,
    readonly argv: readonly string[],
    readonly toolExitCode: number,
    readonly stderr: string,
    hint?: string,
  ) {
    // The tool's own last words are usually the reason ("Error: ..."); the full
    // stderr stays on the error for --verbose.
    const reason = stderr.trim().split('\n').filter(Boolean).pop();
    super(`${tool} ${argv[0] ?? ''} failed (exit code ${toolExitCode})${reason ? `: ${reason}` : ''}`, {
      ...(hint === undefined ? {} : { hint }),
    });
  }
}

/** The cluster refused or could not be reached. */
export class ClusterError extends TodoctlError {}

/** A constitution rule failed. */
export class PolicyError extends TodoctlError {}

/** A confirmation was needed but could not be asked (no TTY) or was declined. */
export class ConfirmationError extends TodoctlError {
  override readonly exitCode = ExitCode.Usage;
}

export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof TodoctlError) return error.exitCode;
  // commander's own parse errors carry a code like 'commander.unknownOption'
  if (isCommanderError(error)) return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  return ExitCode.Failure;
}

export function isCommanderError(error: unknown): error is { code: string; exitCode: number; message: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    (error as { code: string }).code.startsWith('commander.')
  );
}
