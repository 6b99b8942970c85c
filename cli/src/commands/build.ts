import { runBuild, type BuiltImage } from '../actions/build/build.js';
import { CONTAINER_TOOLS } from '../clients/container-tool.js';
import type { Deps } from '../deps.js';
import { FORMATS } from '../runtime/formats.js';
import { chooseFormat, printResult, renderTable, type View } from '../runtime/output.js';
import { z } from '../runtime/schema.js';

const optionsSchema = z.object({ builder: z.optional(z.enum(CONTAINER_TOOLS)) });

export const buildView: View<BuiltImage[]> = {
  formats: FORMATS.build,
  text: (images) =>
    renderTable(images, [
      { header: 'image', value: (i) => `${i.image}:${i.tag}` },
      { header: 'built', value: (i) => (i.skipped ? 'no (exists)' : 'yes') },
      { header: 'minikube', value: (i) => i.minikube?.action },
      { header: 'seconds', value: (i) => (i.durationMs / 1000).toFixed(1) },
    ]),
};

export default async function build(deps: Deps, rawOptions: Record<string, unknown>): Promise<void> {
  const parsed = optionsSchema.safeParse(rawOptions);
  if (!parsed.success) {
    const { UsageError } = await import('../runtime/errors.js');
    throw new UsageError(`--builder ${JSON.stringify(rawOptions.builder)} is not a container tool todoctl uses`, {
      hint: `Use --builder ${CONTAINER_TOOLS.join('|')}.`,
    });
  }
  const format = chooseFormat(deps.globals.output, buildView.formats);
  await printResult(deps.io.stdout, buildView, format, await runBuild(deps, parsed.data), { color: deps.io.color });
}
