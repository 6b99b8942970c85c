/**
 * Reads a kubectl argv the way kubectl does, so the guard judges the command kubectl would run:
 * cobra finds the (sub)command among the words that are not flags or flag values (`stripFlags`),
 * then pflag parses every flag of that command, before or after the verb (interspersed), with
 * `--flag=value`, `--flag value`, `-n ns`, `-nns`, `-n=ns`, grouped booleans (`-Aw`), `--` ending
 * the flags, and `_` read as `-` in flag names (kubectl's WordSepNormalizeFunc).
 */
import { COMMANDS, GLOBAL_FLAGS, NO_OPT_DEFAULTS, type CommandSpec } from './guard-kubectl-commands.js';

interface FlagDef {
  long: string;
  short: string | undefined;
  /** The value the flag takes when written without one; undefined when it needs a value. */
  noOpt: string | undefined;
}

interface FlagSet {
  byLong: ReadonlyMap<string, FlagDef>;
  byShort: ReadonlyMap<string, FlagDef>;
}

export interface FlagValue {
  /** The flag's long name, normalised (`dry-run`, `namespace`). */
  name: string;
  value: string;
  /** As written: `-nfoo`, `--dry-run`. */
  written: string;
}

export interface ParsedKubectl {
  /** The command's names, aliases resolved: `['rollout', 'undo']`; empty for `kubectl` alone. */
  path: string[];
  /** A word where a (sub)command was expected that is none: kubectl would look for a plugin. */
  unknownCommand: string | undefined;
  /** Every flag, in order; the last of a repeated flag is the one kubectl uses. */
  flags: FlagValue[];
  /** Positional arguments, `--` and what follows it included (without the `--`). */
  args: string[];
}

export type ArgvProblem =
  | { kind: 'unknown-flag'; flag: string; path: string[] }
  | { kind: 'flag-syntax'; flag: string; path: string[] }
  | { kind: 'missing-value'; flag: string; path: string[] };

const ROOT: CommandSpec = { flags: '', commands: COMMANDS };
const HELP = 'h|help!';
const flagSets = new Map<string, FlagSet>();

/** `_` in a long flag name reads as `-`, as kubectl's flag normaliser does. */
const normalise = (name: string) => name.replaceAll('_', '-');

function decodeFlags(spec: string): FlagDef[] {
  return spec
    .split(' ')
    .filter(Boolean)
    .map((token) => {
      const bar = token.indexOf('|');
      const short = bar === -1 ? undefined : token.slice(0, bar);
      let long = token.slice(bar + 1);
      let noOpt: string | undefined;
      if (long.endsWith('!')) {
        long = long.slice(0, -1);
        noOpt = 'true';
      } else if (long.endsWith('?')) {
        long = long.slice(0, -1);
        noOpt = NO_OPT_DEFAULTS[long] ?? 'true';
      }
      return { long, short, noOpt };
    });
}

/**
 * The flags a command accepts: its own and the root's persistent ones; `--help` only once the
 * command runs (cobra adds it after finding the command, so `stripFlags` does not know it).
 */
function flagSetOf(path: readonly string[], spec: CommandSpec, withHelp: boolean): FlagSet {
  const key = `${path.join(' ')}|${withHelp}`;
  let set = flagSets.get(key);
  if (!set) {
    const byLong = new Map<string, FlagDef>();
    const byShort = new Map<string, FlagDef>();
    const specs = [GLOBAL_FLAGS, path.length > 0 ? spec.flags : '', withHelp ? HELP : ''];
    for (const def of specs.flatMap(decodeFlags)) {
      byLong.set(def.long, def);
      if (def.short) byShort.set(def.short, def);
    }
    set = { byLong, byShort };
    flagSets.set(key, set);
  }
  return set;
}

/** Whether a flag written without `=` takes the next word as its value, as cobra's Find decides. */
function consumesNext(word: string, flags: FlagSet): boolean {
  if (word.includes('=')) return false;
  if (word.startsWith('--')) return flags.byLong.get(normalise(word.slice(2)))?.noOpt === undefined;
  if (word.startsWith('-') && word.length === 2) return flags.byShort.get(word.slice(1))?.noOpt === undefined;
  return false;
}

/** cobra's stripFlags: the words that are neither flags nor the values of flags. */
function commandWords(args: readonly string[], flags: FlagSet): string[] {
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--') break;
    if (consumesNext(word, flags)) {
      if (args.length - (i + 1) <= 1) break;
      i++;
      continue;
    }
    if (word !== '' && !word.startsWith('-')) words.push(word);
  }
  return words;
}

/** cobra's argsMinusFirstX: the argv without the first command word `x`. */
function withoutFirst(args: readonly string[], x: string, flags: FlagSet): string[] {
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--') break;
    if (consumesNext(word, flags)) {
      i++;
      continue;
    }
    if (!word.startsWith('-') && word === x) return [...args.slice(0, i), ...args.slice(i + 1)];
  }
  return [...args];
}

function findChild(spec: CommandSpec, word: string): [string, CommandSpec] | undefined {
  for (const [name, child] of Object.entries(spec.commands ?? {})) {
    if (name === word || child.aliases?.includes(word)) return [name, child];
  }
  return undefined;
}

/** Parses kubectl's arguments (without the program name). */
export function parseKubectlArgv(argv: readonly string[]): { parsed: ParsedKubectl } | { problem: ArgvProblem } {
  const path: string[] = [];
  let spec = ROOT;
  let rest = [...argv];
  let unknownCommand: string | undefined;
  while (spec.commands) {
    const flags = flagSetOf(path, spec, false);
    const next = commandWords(rest, flags)[0];
    if (next === undefined) break;
    const child = findChild(spec, next);
    if (!child) {
      unknownCommand = next;
      break;
    }
    rest = withoutFirst(rest, next, flags);
    path.push(child[0]);
    spec = child[1];
  }

  const flagSet = flagSetOf(path, spec, true);
  const flags: FlagValue[] = [];
  const args: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (word.length < 2 || !word.startsWith('-')) {
      args.push(word);
      continue;
    }
    if (word === '--') {
      args.push(...rest.slice(i + 1));
      break;
    }
    if (word.startsWith('--')) {
      const body = word.slice(2);
      if (body.startsWith('-') || body.startsWith('=')) return { problem: { kind: 'flag-syntax', flag: word, path } };
      const eq = body.indexOf('=');
      const def = flagSet.byLong.get(normalise(eq === -1 ? body : body.slice(0, eq)));
      if (!def) return { problem: { kind: 'unknown-flag', flag: word, path } };
      let value: string;
      if (eq !== -1) value = body.slice(eq + 1);
      else if (def.noOpt !== undefined) value = def.noOpt;
      else if (i + 1 < rest.length) value = rest[++i]!;
      else return { problem: { kind: 'missing-value', flag: word, path } };
      flags.push({ name: def.long, value, written: word });
      continue;
    }
    // -abc: grouped shorthands; the first that takes a value takes the rest of the word, or the next word
    let shorthands = word.slice(1);
    while (shorthands.length > 0) {
      const def = flagSet.byShort.get(shorthands[0]!);
      if (!def) return { problem: { kind: 'unknown-flag', flag: `-${shorthands[0]!}`, path } };
      let value: string;
      let after = shorthands.slice(1);
      if (shorthands.length > 2 && shorthands[1] === '=') {
        value = shorthands.slice(2);
        after = '';
      } else if (def.noOpt !== undefined) value = def.noOpt;
      else if (shorthands.length > 1) {
        value = shorthands.slice(1);
        after = '';
      } else if (i + 1 < rest.length) value = rest[++i]!;
      else return { problem: { kind: 'missing-value', flag: word, path } };
      flags.push({ name: def.long, value, written: word });
      shorthands = after;
    }
  }
  return { parsed: { path, unknownCommand, flags, args } };
}

/** Whether the command has subcommands (a word after it that is none is an unknown command). */
export function hasSubcommands(path: readonly string[]): boolean {
  let spec: CommandSpec | undefined = ROOT;
  for (const name of path) spec = spec?.commands?.[name];
  return Boolean(spec?.commands);
}

/** Go's strconv.ParseBool, which pflag uses for boolean flags; undefined for anything else. */
export function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** Go's strconv.ParseInt(s, 0, 64), which pflag uses for int flags; undefined when it fails. */
export function parseGoInt(value: string): number | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(value);
  if (!m || m[2]!.includes('__') || m[2]!.endsWith('_')) return undefined;
  const digits = m[2]!.replaceAll('_', '');
  const n = /^0[0-7]+$/.test(digits) ? parseInt(digits.slice(1), 8) : Number(digits.replace(/^0[oO]/, '0o'));
  return Number.isFinite(n) ? (m[1] === '-' ? -n : n) : undefined;
}
