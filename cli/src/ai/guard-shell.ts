/**
 * A shell command line to argv, with shell-quote, refusing everything that is not plain words:
 * the guard classifies an argv and the runner executes that argv without a shell, so anything a
 * shell would do beyond splitting and unquoting (operators, redirections, substitutions,
 * variables, globs, brace and tilde expansion, comments, several lines) is refused, not modelled.
 */
// the module itself: the package's index.d.ts also retypes Array#join for the whole program
import parse from 'shell-quote/parse.js';

export type ShellWords = { words: string[] } | { problem: string };

/** Every variable becomes an object entry, so an expansion can never pass as a word. */
const asEntry = (name: string) => ({ op: 'variable', name });

export function shellWords(line: string): ShellWords {
  // printable ASCII and tabs only: a newline runs a second command, and shell-quote splits on
  // Unicode spaces where a shell does not
  const odd = /[^\t\x20-\x7e]/.exec(line);
  if (odd) {
    const c = odd[0];
    return {
      problem:
        c === '\n' || c === '\r'
          ? 'a line break (the shell would run what follows as another command)'
          : `the character U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}, which is not printable ASCII`,
    };
  }
  if (line.includes('`')) return { problem: 'a backtick command substitution' };
  if (line.includes('$')) return { problem: "a `$` (a variable, $(...) command substitution or $'...' quoting)" };

  let entries: ReturnType<typeof parse<object>>;
  try {
    entries = parse<object>(line, asEntry);
  } catch (cause) {
    return { problem: `a line the shell parser rejects (${cause instanceof Error ? cause.message : String(cause)})` };
  }
  const words: string[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') {
      words.push(entry);
      continue;
    }
    return { problem: describe(entry) };
  }
  // shell-quote drops a quote it cannot close and a trailing backslash, where a shell refuses
  // the line: a quoted word appended after them is then no longer a word of its own
  for (const q of ["'", '"']) {
    const probe = parse<object>(`${line} ${q}#${q}`, asEntry);
    if (probe.length !== words.length + 1 || probe.some((e, i) => e !== (i < words.length ? words[i] : '#'))) {
      return { problem: 'an unterminated quote or a trailing backslash' };
    }
  }
  // shell-quote returns [ ] { } ~ as text whether quoted or not, but a shell expands them when
  // unquoted: as `*`, they make shell-quote report a glob exactly where they are unquoted
  const probe = parse<object>(line.replace(/[[\]{}~]/g, '*'), asEntry);
  if (probe.some((e) => typeof e === 'object' && 'op' in e && e.op === 'glob')) {
    return { problem: 'an unquoted [ ], { } or ~ (the shell would expand it as a pattern, a brace list or a home folder)' };
  }
  return { words };
}

function describe(entry: object): string {
  if ('comment' in entry) return 'a # comment (the shell would drop the rest of the line)';
  const op = 'op' in entry ? String(entry.op) : '';
  if (op === 'glob')
    return `the glob ${JSON.stringify((entry as { pattern?: string }).pattern ?? '')} (the shell would expand it to file names)`;
  if (op === 'variable') return 'a variable expansion';
  if (['|', '|&'].includes(op)) return `a pipe (${op})`;
  if ([';', '&&', '||', '&', ';;', ';&', ';;&'].includes(op)) return `the command separator ${op}`;
  if (['(', ')'].includes(op)) return `a subshell or command substitution (${op})`;
  if (['<(', '>('].includes(op)) return `a process substitution (${op})`;
  return `the redirection ${op}`;
}
