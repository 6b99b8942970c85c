import { runRollback, type RollbackOutcome } from '../actions/rollback/rollback.js';
import type { Deps } from '../deps.js';
import { FORMATS } from '../runtime/formats.js';
import { chooseFormat, fieldColumns, printResult, renderTable, type View } from '../runtime/output.js';
import { z } from '../runtime/schema.js';
import { parseDuration } from '../runtime/duration.js';
import { UsageError } from '../runtime/errors.js';

const optionsSchema = z.object({
  all: z._default(z.boolean(), false),
  to: z.optional(z.string()),
  timeout: z._default(z.string(), '5m'),
});

export const rollbackView: View<RollbackOutcome[]> = {
  formats: FORMATS.rollback,
  text: (outcomes) =>
    renderTable(
      outcomes.map((o) => ({ ...o, healthy: o.health.healthy, image: o.images.after.join(', ') })),
      fieldColumns({
        release: 'release',
        from: 'from',
        to: 'to',
        'new revision': 'revision',
        healthy: 'healthy',
        images: 'image',
      }),
    ),
};

export default async function rollback(deps: Deps, rawOptions: Record<string, unknown>, args: string[]): Promise<void> {
  const options = optionsSchema.parse(rawOptions);
  const format = chooseFormat(deps.globals.output, rollbackView.formats);
  parseDuration(options.timeout, '--timeout');
  const to = options.to === undefined ? undefined : Number(options.to);
  if (to !== undefined && (!Number.isInteger(to) || to < 1)) {
    throw new UsageError(`--to ${JSON.stringify(options.to)} is not a revision`, {
      hint: 'Pass a revision number from helm history.',
    });
  }
  if (options.all && args.length > 0) throw new UsageError('pass release names or --all, not both');
  const outcomes = await runRollback(deps, { releases: args, all: options.all, to, timeout: options.timeout });
  await printResult(deps.io.stdout, rollbackView, format, outcomes, { color: deps.io.color });
}
