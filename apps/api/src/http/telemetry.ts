import { SpanKind, SpanStatusCode, context, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { requestContext, traceIdFrom } from '../observability/context.js';
import type { Metrics } from '../observability/metrics.js';
import { extractContext, validTraceId } from '../observability/tracing.js';
import type { AppState, Ctx } from '../routes/context.js';

export interface TelemetryOptions {
  logger: Logger;
  metrics: Metrics;
  /** Server spans per request; the no-op tracer when tracing is off. */
  tracer: Tracer;
  /** False when `tracer` is the no-op tracer. */
  tracingEnabled: boolean;
}

const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/startupz']);

/** Per request: trace context and the `x-trace-id` header, a server span, HTTP metrics and the request log line. */
export function requestTelemetry({ logger, metrics, tracer, tracingEnabled }: TelemetryOptions): Middleware<AppState> {
  // one child per (method, route, status): prom-client otherwise hashes the label object twice per request
  const httpMetrics = new Map<string, { count: { inc(): void }; duration: { observe(v: number): void } }>();
  const finish = (ctx: Ctx, started: number, span: Span | undefined) => {
    const seconds = (performance.now() - started) / 1000;
    const route = String((ctx as Ctx & { _matchedRoute?: string })._matchedRoute ?? 'unmatched');
    const status = ctx.status;
    const key = `${ctx.method} ${route} ${status}`;
    let m = httpMetrics.get(key);
    if (!m) {
      const labels = { method: ctx.method, route, status: String(status) };
      m = { count: metrics.httpRequests.labels(labels), duration: metrics.httpDuration.labels(labels) };
      httpMetrics.set(key, m);
    }
    m.count.inc();
    m.duration.observe(seconds);
    if (span) {
      span.updateName(`${ctx.method} ${route}`);
      span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    const quiet = QUIET_ROUTES.has(ctx.path);
    if (quiet ? logger.isLevelEnabled('debug') : logger.isLevelEnabled('info')) {
      const entry = { method: ctx.method, path: ctx.path, route, status, duration_ms: Math.round(seconds * 1e4) / 10 };
      if (quiet) logger.debug(entry, 'request');
      else logger.info(entry, 'request');
    }
  };
  const observe = async (ctx: Ctx, next: () => Promise<unknown>, span: Span | undefined) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      finish(ctx, started, span);
    }
  };
  return async (ctx, next) => {
    const traceparent = ctx.get('traceparent');
    if (!tracingEnabled && !traceparent) {
      // Tracing off and no incoming trace: there is no span to make or context to carry (the
      // no-op tracer would return an invalid span), only a fresh trace id for logs and the header.
      const traceId = traceIdFrom(undefined);
      ctx.set('x-trace-id', traceId);
      return requestContext.run({ traceId }, () => observe(ctx, next, undefined));
    }
    const parent = extractContext(ctx.headers);
    const span = tracer.startSpan(
      ctx.method,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': ctx.method, 'url.path': ctx.path, 'url.scheme': ctx.protocol },
      },
      parent,
    );
    const traceId = validTraceId(span) ?? traceIdFrom(traceparent || undefined);
    ctx.set('x-trace-id', traceId);
    await context.with(trace.setSpan(parent, span), () => requestContext.run({ traceId }, () => observe(ctx, next, span)));
  };
}
