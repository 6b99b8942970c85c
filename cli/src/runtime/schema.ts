/**
 * zod for the CLI, in its light form (`zod/mini`: the same validator, with functions instead
 * of methods) and with its English messages. Every command loads schemas before it starts a
 * tool, so their load time is on every command's path: bundled, the classic API costs about
 * 17 ms of start-up, this about 4 ms (measured with the status benchmark).
 */
import en from 'zod/v4/locales/en.js';
import * as z from 'zod/mini';

z.config(en());

export { z };
