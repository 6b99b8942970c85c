/**
 * The flags every command accepts, checked once with zod before any command runs, so a bad
 * value is the same usage error (exit 2) whichever command it is given to.
 */
import { z } from './runtime/schema.js';
import { UsageError } from './runtime/errors.js';

const nonEmpty = z.string().check(z.trim(), z.minLength(1, 'must not be empty'));

export const globalsSchema = z.object({
  context: z.optional(nonEmpty),
  namespace: z.optional(
    z
      .string()
      .check(
        z.regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lowercase RFC 1123 name (letters, digits, "-")'),
        z.maxLength(63),
      ),
  ),
  kubeconfig: z.optional(nonEmpty),
  /** One environment; validate accepts a comma-separated list. Checked against todoctl.yaml in deps. */
  env: z.optional(nonEmpty),
  config: z.optional(nonEmpty),
  /** Checked against the formats of the command's result (runtime/output.ts). */
  output: z.optional(nonEmpty),
  yes: z._default(z.boolean(), false),
  color: z._default(z.boolean(), true),
  verbose: z._default(z.boolean(), false),
});
export type GlobalOptions = z.infer<typeof globalsSchema>;

const FLAG: Record<string, string> = {
  context: '--context',
  namespace: '--namespace',
  kubeconfig: '--kubeconfig',
  env: '--env',
  config: '--config',
  output: '--output',
};

/** Parses commander's global options; a bad value is a UsageError naming the flag. */
export function parseGlobals(raw: Record<string, unknown>): GlobalOptions {
  const parsed = globalsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const key = String(issue.path[0] ?? '');
  throw new UsageError(`invalid ${FLAG[key] ?? `--${key}`} ${JSON.stringify(raw[key])}: ${issue.message}`, {
    hint: 'See todoctl --help for the global flags.',
  });
}
