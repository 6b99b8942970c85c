import { changeSecret, listSecrets, type SecretChange, type SecretListing } from '../actions/secrets/secrets.js';
import type { Deps } from '../deps.js';
import { parseDuration } from '../runtime/duration.js';
import { UsageError } from '../runtime/errors.js';
import { FORMATS } from '../runtime/formats.js';
import { chooseFormat, printResult, renderTable, type View } from '../runtime/output.js';
import { z } from '../runtime/schema.js';

const optionsSchema = z.object({ timeout: z._default(z.string(), '5m') });
const VARIABLE = /^[A-Z][A-Z0-9_]*$/;

export const listView: View<SecretListing[]> = {
  formats: FORMATS.secrets,
  text: (secrets) =>
    renderTable(
      secrets.flatMap((s) => s.keys.map((k) => ({ ...k, secret: `${s.namespace}/${s.name}`, exists: s.exists }))),
      [
        { header: 'secret', value: (r) => r.secret },
        { header: 'key', value: (r) => r.key },
        { header: 'variable', value: (r) => r.variable },
        { header: 'present', value: (r) => (r.exists ? r.present : 'secret missing') },
      ],
    ),
};

export const changeView: View<SecretChange> = {
  formats: FORMATS.secrets,
  text: (c) =>
    `${c.variable} written to ${c.namespace}/${c.secret} (from ${c.source}); restarted: ${c.restarted.join(', ') || 'nothing (value unchanged)'}\n`,
};

export default async function secrets(deps: Deps, rawOptions: Record<string, unknown>, args: string[]): Promise<void> {
  const options = optionsSchema.parse(rawOptions);
  const [action, variable, ...rest] = args;
  if (action === 'list' && !variable) {
    const format = chooseFormat(deps.globals.output, listView.formats);
    await printResult(deps.io.stdout, listView, format, await listSecrets(deps), { color: deps.io.color });
    return;
  }
  if ((action === 'set' || action === 'rotate') && variable && rest.length === 0) {
    if (!VARIABLE.test(variable)) {
      // not echoed: what was typed there may be the secret itself
      throw new UsageError('the argument after set/rotate is not a variable name (SCREAMING_SNAKE_CASE)', {
        hint: 'Name the variable (e.g. BACKEND_JWT_SECRET); its value comes from the environment, .env or a prompt, never the command line.',
      });
    }
    const format = chooseFormat(deps.globals.output, changeView.formats);
    parseDuration(options.timeout, '--timeout');
    await printResult(deps.io.stdout, changeView, format, await changeSecret(deps, variable, action, options.timeout), {
      color: deps.io.color,
    });
    return;
  }
  throw new UsageError(`unknown secrets command: ${args.join(' ') || '(none)'}`, {
    hint: 'Use todoctl secrets list, todoctl secrets set <VARIABLE> or todoctl secrets rotate <VARIABLE>.',
  });
}
