import { ConfirmationError } from './errors.js';

export interface Prompts {
  /**
   * Asks a yes/no question. With --yes it answers yes without asking; with no
   * TTY it refuses, naming the flag that would proceed.
   */
  confirm(message: string, o?: { default?: boolean }): Promise<boolean>;
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
  };
}
