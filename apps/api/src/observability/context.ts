import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface RequestContext {
  traceId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Reuses the W3C trace id of an incoming `traceparent` header, or mints a new one. */
export function traceIdFrom(traceparent: string | undefined): string {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim().toLowerCase()) : null;
  if (match?.[1] && !/^0+$/.test(match[1])) return match[1];
  // randomUUID draws from a cached entropy pool: far cheaper per request than randomBytes
  return randomUUID().replaceAll('-', '');
}
