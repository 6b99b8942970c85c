/**
 * The output formats of each result type, the first being the default. `text` is the human
 * format of every command. Kept apart from output.ts, which loads yaml, so that building the
 * command tree (and `--help`) costs nothing.
 */
export const FORMATS = {
  doctor: ['text', 'json', 'yaml'],
  status: ['text', 'json', 'yaml'],
  validate: ['text', 'json', 'yaml', 'sarif', 'junit'],
  rules: ['text', 'json', 'yaml'],
  up: ['text', 'json', 'yaml'],
  build: ['text', 'json', 'yaml'],
  rollback: ['text', 'json', 'yaml'],
  down: ['text', 'json', 'yaml'],
  secrets: ['text', 'json', 'yaml'],
  guard: ['text', 'json', 'yaml'],
  audit: ['text', 'json', 'yaml'],
  ai: ['text', 'json', 'yaml'],
} as const;

export type Format = (typeof FORMATS)[keyof typeof FORMATS][number];

/** The line `--help` shows for a command's -o. */
export function formatsHelp(formats: readonly Format[]): string {
  return `Output (-o): ${formats.map((f, i) => (i === 0 ? `${f} (default)` : f)).join(', ')}.`;
}
