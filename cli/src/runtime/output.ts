import { UsageError } from './errors.js';
import type { Stream } from './io.js';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | undefined;
}

export function parseOutputFormat(value: string | undefined, allowed: readonly string[] = OUTPUT_FORMATS): string {
  const format = value ?? allowed[0] ?? 'table';
  if (!allowed.includes(format)) {
    throw new UsageError(`unknown output format ${JSON.stringify(format)}`, { hint: `Use -o ${allowed.join('|')}.` });
  }
  return format;
}

/**
 * Prints a command's result on stdout. JSON and YAML print the data as it is,
 * so scripts get every field; the table shows the chosen columns.
 */
export async function printResult<T>(
  out: Stream,
  format: string,
  data: unknown,
  table: { rows: readonly T[]; columns: readonly Column<T>[] },
): Promise<void> {
  if (format === 'json') {
    out.write(`${JSON.stringify(data, null, 2)}\n`);
    return;
  }
  if (format === 'yaml') {
    const { stringify } = await import('yaml');
    out.write(stringify(data));
    return;
  }
  out.write(renderTable(table.rows, table.columns));
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
