/** The streams and terminal facts a command may use. Built once in bin.ts. */
export interface Stream {
  write(chunk: string): unknown;
  isTTY?: boolean | undefined;
}

export interface IO {
  /** Results only: tables, JSON, YAML. */
  stdout: Stream;
  /** Progress, warnings, prompts, errors. */
  stderr: Stream;
  /** Whether a person can answer a prompt. */
  interactive: boolean;
  color: boolean;
}

/**
 * Colour follows the no-color.org convention: NO_COLOR (any non-empty value)
 * or --no-color turn it off; FORCE_COLOR turns it on; otherwise a TTY decides.
 */
export function wantsColor(o: { flag: boolean; env: Readonly<Record<string, string | undefined>>; isTTY: boolean }): boolean {
  if (!o.flag) return false;
  if (o.env.NO_COLOR) return false;
  if (o.env.FORCE_COLOR && o.env.FORCE_COLOR !== '0') return true;
  return o.isTTY && o.env.TERM !== 'dumb';
}

/** A tiny ANSI styler; chalk is used where richer styling is needed. */
export function styler(color: boolean) {
  const wrap = (open: number, close: number) => (s: string) => (color ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return {
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}
