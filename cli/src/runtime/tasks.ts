import type { Stream } from './io.js';

export type RendererName = 'default' | 'simple' | 'verbose' | 'silent';

/**
 * Picks the listr2 renderer the way CI-aware CLIs do: the animated renderer
 * only for a person at a terminal, line-by-line output for logs and --verbose,
 * nothing at all when output is JSON/YAML for a script.
 */
export function chooseRenderer(o: { isTTY: boolean; ci: boolean; verbose: boolean; quiet: boolean }): RendererName {
  if (o.quiet) return 'silent';
  if (o.verbose) return 'verbose';
  if (!o.isTTY || o.ci) return 'simple';
  return 'default';
}

export interface Step<C> {
  title: string;
  run: (ctx: C, report: (message: string) => void) => Promise<void>;
  /** Return a reason to skip the step (shown to the user), or false to run it. */
  skip?: (ctx: C) => string | false;
}

/** Runs steps in order with listr2 on stderr; the first failure stops the list and is rethrown. */
export async function runSteps<C extends object>(
  steps: readonly Step<C>[],
  ctx: C,
  o: { renderer: RendererName; stderr: Stream },
): Promise<C> {
  const { Listr, ListrLogger, ProcessOutput } = await import('listr2');
  // Progress is not a result: every renderer writes to stderr, so stdout stays parseable.
  const stream = o.stderr as NodeJS.WriteStream;
  const logger = new ListrLogger({ processOutput: new ProcessOutput(stream, stream) });
  const list = new Listr<C>(
    steps.map((s) => ({
      title: s.title,
      ...(s.skip ? { skip: (c: C) => (s.skip ? s.skip(c) : false) } : {}),
      task: async (c: C, task) => {
        await s.run(c, (message) => {
          task.output = message;
        });
      },
    })),
    // listr2 types its options per renderer; the renderer is chosen at run time.
    {
      renderer: o.renderer,
      fallbackRenderer: 'simple',
      exitOnError: true,
      rendererOptions: { logger },
      fallbackRendererOptions: { logger },
      collectErrors: false,
    } as never,
  );
  return list.run(ctx);
}
