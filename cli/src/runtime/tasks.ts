import { TodoctlError } from './errors.js';
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

export interface StepTiming {
  title: string;
  status: 'done' | 'skipped';
  durationMs: number;
  /** The skip reason, or the step's last report. */
  detail?: string;
}

/** One time budget for a whole pipeline: each step shows its time and the time left. */
export interface Budget {
  /** When the budget runs out (ms on `now`'s clock). */
  deadline: number;
  now: () => number;
}

/** The budget ran out before a step could start. */
export class BudgetExceededError extends TodoctlError {}

/**
 * Runs steps in order with listr2 on stderr; the first failure stops the list and is rethrown.
 * With a budget, a step that would start after the deadline fails instead, and each title ends
 * with the step's time and the time left.
 */
export async function runSteps<C extends object>(
  steps: readonly Step<C>[],
  ctx: C,
  o: { renderer: RendererName; stderr: Stream; budget?: Budget },
): Promise<{ ctx: C; timings: StepTiming[] }> {
  const { Listr, ListrLogger, ProcessOutput } = await import('listr2');
  // Progress is not a result: every renderer writes to stderr, so stdout stays parseable.
  const stream = o.stderr as NodeJS.WriteStream;
  const logger = new ListrLogger({ processOutput: new ProcessOutput(stream, stream) });
  const now = o.budget?.now ?? (() => Date.now());
  const timings: StepTiming[] = [];
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
  const list = new Listr<C>(
    steps.map((s) => ({
      title: s.title,
      task: async (c: C, task) => {
        const reason = s.skip?.(c);
        if (reason) {
          timings.push({ title: s.title, status: 'skipped', durationMs: 0, detail: reason });
          task.skip(reason);
          return;
        }
        if (o.budget && now() >= o.budget.deadline) {
          throw new BudgetExceededError(`the time budget ran out before "${s.title}"`, {
            hint: 'Raise it with --timeout, or run todoctl doctor to see what is slow.',
          });
        }
        const started = now();
        let last: string | undefined;
        await s.run(c, (message) => {
          last = message;
          task.output = message;
        });
        const durationMs = now() - started;
        timings.push({ title: s.title, status: 'done', durationMs, ...(last ? { detail: last } : {}) });
        const left = o.budget ? `, ${seconds(Math.max(0, o.budget.deadline - now()))} left` : '';
        task.title = `${s.title} (${seconds(durationMs)}${left})`;
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
  return { ctx: await list.run(ctx), timings };
}
