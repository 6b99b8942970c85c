import type { Context, Next } from 'koa';
import { HttpError } from './errors.js';

declare module 'koa' {
  interface Request {
    body?: unknown;
  }
}

/** JSON body reader with a hard byte limit; anything else is a 4xx, never a 500. */
export function jsonBody(limitBytes: number) {
  return async (ctx: Context, next: Next) => {
    if (!['POST', 'PUT', 'PATCH'].includes(ctx.method)) return next();
    const declared = ctx.get('content-length');
    if (declared && Number(declared) > limitBytes) {
      throw new HttpError(413, 'payload_too_large', `request body exceeds ${limitBytes} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limitBytes) throw new HttpError(413, 'payload_too_large', `request body exceeds ${limitBytes} bytes`);
      chunks.push(chunk);
    }
    if (size > 0) {
      if (!ctx.is('application/json', '+json')) {
        throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
      }
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        ctx.request.body = JSON.parse(text);
      } catch {
        throw new HttpError(400, 'invalid_json', 'request body is not valid JSON');
      }
    }
    return next();
  };
}
