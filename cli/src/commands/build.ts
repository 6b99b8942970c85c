import { runBuild, type BuiltImage } from '../actions/build/build.js';
import { CONTAINER_TOOLS } from '../clients/container-tool.js';
import type { Deps } from '../deps.js';
import { FORMATS } from '../runtime/formats.js';
import { chooseFormat, printResult, renderTable, type View } from '../runtime/output.js';
import { z } from '../runtime/schema.js';

const optionsSchema = z.object({
  builder: z.optional(z.enum(CONTAINER_TOOLS)),
  // commander's --no-cache sets cache: false
  cache: z._default(z.boolean(), true),
  push: z.optional(z.string()),
  buildArg: z.optional(z.array(z.string())),
  // commander's --no-scan sets scan: false
  scan: z._default(z.boolean(), true),
});

export const buildView: View<BuiltImage[]> = {
  formats: FORMATS.build,
  text: (images) =>
    renderTable(images, [
      { header: 'image', value: (i) => `${i.image}:${i.tag}` },
      { header: 'built', value: (i) => (i.skipped ? 'no (exists)' : 'yes') },
      { header: 'size', value: (i) => `${(i.sizeBytes / 1024 / 1024).toFixed(0)} MiB` },
      { header: 'pushed', value: (i) => (i.pushed ? `${i.pushed.ref}@${i.pushed.digest}` : undefined) },
      { header: 'minikube', value: (i) => i.minikube?.action },
      {
        header: 'vulnerabilities',
        value: (i) =>
          i.scan
            ? Object.entries(i.scan.bySeverity)
                .map(([severity, n]) => `${n} ${severity.toLowerCase()}`)
                .join(', ') || 'none'
            : 'not scanned (--no-scan)',
      },
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
  const { builder, cache, push, scan, buildArg = [] } = parsed.data;
  const buildArgs: Record<string, string> = {};
  for (const pair of buildArg) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
    if (!match) {
      const { UsageError } = await import('../runtime/errors.js');
      throw new UsageError(`--build-arg ${JSON.stringify(pair)} is not NAME=VALUE`, {
        hint: 'Write it as docker build does, e.g. --build-arg NODE_IMAGE=node:24-bookworm-slim@sha256:<digest>.',
      });
    }
    buildArgs[match[1]!] = match[2]!;
  }
  const images = await runBuild(deps, { builder, noCache: !cache, push, buildArgs, scan });
  await printResult(deps.io.stdout, buildView, format, images, { color: deps.io.color });
}
