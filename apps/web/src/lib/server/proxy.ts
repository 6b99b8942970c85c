import { NextResponse, type NextRequest } from 'next/server';
import { env } from '../env';
import { logger } from '../logger';
import { metrics } from '../metrics';
import { SESSION_COOKIE, clearSession } from './session';

const MAX_BODY_BYTES = 256 * 1024;

export const jsonError = (status: number, code: string, message: string, init?: ResponseInit) =>
  NextResponse.json({ error: { code, message } }, { ...init, status });

/**
 * Mutations must come from this origin. SameSite=Lax already keeps the cookie off cross-site
 * POSTs; this also stops same-site (sibling subdomain) forgeries.
 */
function crossOrigin(req: NextRequest): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return false;
  const origin = req.headers.get('origin');
  if (!origin) return false;
  const host = req.headers.get('x-forwarded-host') ?? req.headers.get('host');
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

export interface ProxyOptions {
  /** Route label for metrics and logs, e.g. `/api/todos/:id`. */
  route: string;
  /** Send the session's JWT; answer 401 without calling the API when there is none. */
  auth?: boolean;
  /** Stream the response body through as it arrives, with no timeout (chat SSE). */
  stream?: boolean;
  /** Replaces the upstream JSON body before it reaches the browser (e.g. to keep the token server-side). */
  transform?: (status: number, body: unknown) => { response: NextResponse };
}

/** Forwards one request to the API at FRONTEND_API_URL. The browser never talks to the API itself. */
export async function proxy(req: NextRequest, upstreamPath: string, opts: ProxyOptions): Promise<Response> {
  const m = metrics();
  const started = performance.now();
  const labels = (status: number) => ({ route: opts.route, method: req.method, status: String(status) });
  const finish = <T extends Response>(res: T): T => {
    const seconds = (performance.now() - started) / 1000;
    m.requests.inc(labels(res.status));
    m.duration.observe(labels(res.status), seconds);
    logger().info(
      { method: req.method, route: opts.route, status: res.status, duration_ms: Math.round(seconds * 1e4) / 10 },
      'proxy',
    );
    return res;
  };

  if (crossOrigin(req)) return finish(jsonError(403, 'cross_origin', 'cross-origin requests are not allowed'));
  const token = req.cookies.get(SESSION_COOKIE)?.value;
  if (opts.auth && !token) return finish(jsonError(401, 'unauthorized', 'log in first'));

  const headers = new Headers({ accept: req.headers.get('accept') ?? 'application/json' });
  const contentType = req.headers.get('content-type');
  if (contentType) headers.set('content-type', contentType);
  const traceparent = req.headers.get('traceparent');
  if (traceparent) headers.set('traceparent', traceparent);
  if (opts.auth && token) headers.set('authorization', `Bearer ${token}`);

  let body: ArrayBuffer | undefined;
  if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'DELETE') {
    const declared = Number(req.headers.get('content-length') ?? 0);
    if (declared > MAX_BODY_BYTES) return finish(jsonError(413, 'payload_too_large', 'request body is too large'));
    body = await req.arrayBuffer();
    if (body.byteLength > MAX_BODY_BYTES) return finish(jsonError(413, 'payload_too_large', 'request body is too large'));
  }

  const config = env();
  const signal = opts.stream ? req.signal : AbortSignal.any([req.signal, AbortSignal.timeout(config.FRONTEND_API_TIMEOUT_MS)]);
  const url = new URL(upstreamPath, config.FRONTEND_API_URL);
  const search = req.nextUrl.search;
  if (search) url.search = search;

  let upstream: Response;
  try {
    upstream = await fetch(url, { method: req.method, headers, body, signal, redirect: 'manual', cache: 'no-store' });
  } catch (err) {
    if (req.signal.aborted) return finish(new NextResponse(null, { status: 499 }));
    m.upstreamErrors.inc({ route: opts.route });
    const timedOut = err instanceof DOMException && err.name === 'TimeoutError';
    logger().warn(
      { err: { message: (err as Error)?.message, name: (err as Error)?.name }, route: opts.route },
      'api unreachable',
    );
    return finish(
      timedOut
        ? jsonError(504, 'api_timeout', 'The todo service did not answer in time. Try again.')
        : jsonError(502, 'api_unreachable', 'The todo service is unreachable. Try again shortly.'),
    );
  }

  const outHeaders = new Headers();
  for (const name of ['content-type', 'retry-after', 'x-trace-id']) {
    const value = upstream.headers.get(name);
    if (value) outHeaders.set(name, value);
  }

  if (opts.stream && upstream.ok && upstream.body) {
    m.chatFirstByte.observe((performance.now() - started) / 1000);
    outHeaders.set('cache-control', 'no-cache, no-transform');
    outHeaders.set('x-accel-buffering', 'no');
    // the body is passed through untouched: each chunk reaches the browser as the API writes it
    return finish(new NextResponse(upstream.body, { status: upstream.status, headers: outHeaders }));
  }

  outHeaders.set('cache-control', 'no-store');
  if (opts.transform && upstream.headers.get('content-type')?.includes('application/json')) {
    const parsed: unknown = await upstream.json().catch(() => undefined);
    return finish(opts.transform(upstream.status, parsed).response);
  }
  const res = new NextResponse(upstream.status === 204 ? null : upstream.body, { status: upstream.status, headers: outHeaders });
  // the API no longer accepts this token (expired, user gone): end the web session too
  if (upstream.status === 401 && token) clearSession(res);
  return finish(res);
}
