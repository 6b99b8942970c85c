import { ConfirmationError } from './errors.js';

export interface Prompts {
  /**
   * Asks a yes/no question. With --yes it answers yes without asking; with no
   * TTY it refuses, naming the flag that would proceed.
   */
  confirm(message: string, o?: { default?: boolean }): Promise<boolean>;
  /** Asks for a secret value without echoing it; with no TTY it refuses. */
  secret(message: string): Promise<string>;
  /**
   * Asks the person to type `expected` (a destructive action's target, as `down --purge` asks
   * for the environment's name); --yes does not answer it. False when they typed something else.
   */
  typed(message: string, expected: string): Promise<boolean>;
}

export function createPrompts(o: { yes: boolean; interactive: boolean }): Prompts {
  return {
    async confirm(message, opts = {}) {
      if (o.yes) return true;
      if (!o.interactive) {
        throw new ConfirmationError(`confirmation needed: ${message}`, {
          hint: 'No terminal to ask on. Re-run with --yes to proceed without asking.',
        });
      }
      const { confirm } = await import('@inquirer/prompts');
      return confirm({ message, default: opts.default ?? false });
    },
    async secret(message) {
      if (!o.interactive) {
        throw new ConfirmationError(`a value is needed: ${message}`, {
          hint: 'No terminal to ask on. Provide it in the environment or in the project .env.',
        });
      }
      const { password } = await import('@inquirer/prompts');
      return password({ message, mask: true });
    },
    async typed(message, expected) {
      if (!o.interactive) {
        throw new ConfirmationError(`confirmation needed: ${message}`, {
          hint: `No terminal to ask on. This needs a person to type ${JSON.stringify(expected)}; --yes does not answer it.`,
        });
      }
      const { input } = await import('@inquirer/prompts');
      return (await input({ message: `${message} Type ${JSON.stringify(expected)} to confirm:` })).trim() === expected;
    },
  };
}
