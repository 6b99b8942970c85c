import { runUp, type UpResult } from '../actions/up/up.js';
import type { Deps } from '../deps.js';
import { FORMATS } from '../runtime/formats.js';
import { chooseFormat, fieldColumns, printResult, renderTable, type View } from '../runtime/output.js';
import { z } from '../runtime/schema.js';
import { parseDuration } from '../runtime/duration.js';

const optionsSchema = z.object({
  build: z._default(z.boolean(), true),
  tag: z.optional(z.string().check(z.minLength(1))),
  timeout: z._default(z.string(), '5m'),
  dryRun: z._default(z.boolean(), false),
  scan: z._default(z.boolean(), true),
  push: z.optional(z.string().check(z.minLength(1))),
});

export const upView: View<UpResult> = {
  formats: FORMATS.up,
  text: (r) =>
    r.diffs
      ? [
          renderTable(
            r.releases,
            fieldColumns({ release: 'name', namespace: 'namespace', revision: 'revision', action: 'action' }),
          ),
          ...r.diffs.map((d) => d.diff),
          `${r.env}: dry run, nothing was changed\n`,
        ].join('\n')
      : [
          renderTable(
            r.releases,
            fieldColumns({ release: 'name', namespace: 'namespace', revision: 'revision', action: 'action' }),
          ),
          renderTable(r.urls, fieldColumns({ release: 'release', url: 'url', how: 'how' })),
          `${r.env}: healthy in ${(r.durationMs / 1000).toFixed(1)}s, images ${r.tag}\n`,
        ].join('\n'),
};

export default async function up(deps: Deps, rawOptions: Record<string, unknown>): Promise<void> {
  const options = optionsSchema.parse(rawOptions);
  const format = chooseFormat(deps.globals.output, upView.formats);
  const result = await runUp(deps, {
    build: options.build,
    tag: options.tag,
    timeoutMs: parseDuration(options.timeout, '--timeout'),
    dryRun: options.dryRun,
    scan: options.scan,
    push: options.push,
  });
  await printResult(deps.io.stdout, upView, format, result, { color: deps.io.color });
}
