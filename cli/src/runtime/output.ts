/**
 * The one output module. Each result type has a View that names the formats it supports (from
 * formats.ts); a command picks its format before doing any work, so `-o xml` fails fast with
 * exit 2 and the list of formats, and prints the result once the action returns. Results go to
 * stdout; everything else goes to stderr.
 */
import { UsageError } from './errors.js';
import type { Format } from './formats.js';
import type { Stream } from './io.js';

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | undefined;
}

export interface View<T> {
  /** The formats this result prints in; the first is the default. */
  formats: readonly Format[];
  /** The human format. */
  text(result: T, o: { color: boolean }): string;
  /** What json and yaml print; default: the result as it is, so scripts get every field. */
  data?(result: T): unknown;
  sarif?(result: T): string | Promise<string>;
  junit?(result: T): string;
}

/** The format -o asks for, if the view supports it; otherwise a UsageError naming the supported ones. */
export function chooseFormat(value: string | undefined, formats: readonly Format[]): Format {
  const format = value ?? formats[0] ?? 'text';
  if (!(formats as readonly string[]).includes(format)) {
    throw new UsageError(`unknown output format ${JSON.stringify(format)}`, { hint: `Use -o ${formats.join('|')}.` });
  }
  return format as Format;
}

/** Renders a result in a format the view supports. */
export async function render<T>(view: View<T>, format: Format, result: T, o: { color: boolean }): Promise<string> {
  switch (format) {
    case 'text':
      return view.text(result, o);
    case 'json':
      return `${JSON.stringify(view.data ? view.data(result) : result, null, 2)}\n`;
    case 'yaml': {
      const { stringify } = await import('./yaml.js');
      return stringify(view.data ? view.data(result) : result);
    }
    case 'sarif':
    case 'junit': {
      const serialise = view[format];
      if (!serialise) throw new UsageError(`this result has no ${format} form`, { hint: `Use -o ${view.formats.join('|')}.` });
      return serialise(result);
    }
  }
}

/** Prints a result on stdout. */
export async function printResult<T>(
  out: Stream,
  view: View<T>,
  format: Format,
  result: T,
  o: { color: boolean },
): Promise<void> {
  out.write(await render(view, format, result, o));
}

/** Columns that show a field each: `{ header: field }`, in order. */
export function fieldColumns<T>(spec: Record<string, keyof T & string>): Column<T>[] {
  return Object.entries(spec).map(([header, field]) => ({
    header,
    value: (row) => row[field] as ReturnType<Column<T>['value']>,
  }));
}

export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => formatCell(c.value(r))));
  const headers = columns.map((c) => c.header.toUpperCase());
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n') + '\n';
}

function formatCell(v: string | number | boolean | undefined): string {
  if (v === undefined || v === '') return '-';
  return String(v);
}
