import { pino, type Logger } from 'pino';
import { env } from './env';

export type { Logger };

export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  '*.headers.cookie',
];

const KEY = Symbol.for('todo-web.logger');
type Holder = { [KEY]?: Logger };

/** JSON logs with the API's field names: timestamp, level, service, message, trace_id. One per process. */
export function logger(): Logger {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const e = env();
    holder[KEY] = pino({
      level: e.FRONTEND_LOG_LEVEL,
      messageKey: 'message',
      base: { service: e.FRONTEND_SERVICE_NAME },
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    });
  }
  return holder[KEY];
}
