import { runDown, type DownResult } from '../actions/down/down.js';
import type { Deps } from '../deps.js';
import { parseDuration } from '../runtime/duration.js';
import { FORMATS } from '../runtime/formats.js';
import { chooseFormat, printResult, type View } from '../runtime/output.js';
import { z } from '../runtime/schema.js';

const optionsSchema = z.object({ purge: z._default(z.boolean(), false), timeout: z._default(z.string(), '5m') });

export const downView: View<DownResult> = {
  formats: FORMATS.down,
  text: (r) =>
    `${r.uninstalled.length > 0 ? `uninstalled from ${r.namespace}: ${r.uninstalled.join(', ')}` : `nothing installed in ${r.namespace}`}\n` +
    (r.purged
      ? `deleted namespace ${r.namespace} and its volumes\n`
      : `kept namespace ${r.namespace} and its volumes (--purge deletes them)\n`),
};

export default async function down(deps: Deps, rawOptions: Record<string, unknown>): Promise<void> {
  const options = optionsSchema.parse(rawOptions);
  const format = chooseFormat(deps.globals.output, downView.formats);
  parseDuration(options.timeout, '--timeout');
  await printResult(deps.io.stdout, downView, format, await runDown(deps, options), { color: deps.io.color });
}
