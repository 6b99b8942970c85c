import { pino, type DestinationStream, type Logger } from 'pino';
import { requestContext } from './context.js';

export type { Logger };

/** Paths whose values never reach the logs. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'env.BACKEND_JWT_SECRET',
  'env.BACKEND_OPENAI_API_KEY',
  'env.BACKEND_DATABASE_URL',
];

/** JSON logs with the constitution's field names: timestamp, level, service, message, trace_id. */
export function createLogger(opts: { service: string; level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: opts.level,
      messageKey: 'message',
      base: { service: opts.service },
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const ctx = requestContext.getStore();
        return ctx ? { trace_id: ctx.traceId } : {};
      },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    },
    opts.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
