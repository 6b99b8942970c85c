import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Knex } from 'knex';

export type { Tracer, Span };

export interface Tracing {
  enabled: boolean;
  tracer: Tracer;
  shutdown(): Promise<void>;
}

const propagator = new W3CTraceContextPropagator();
let contextManagerInstalled = false;

/**
 * OTLP/HTTP tracing, off unless an endpoint is configured. Spans are made by hand at the
 * boundaries we own (HTTP server, knex queries, LLM calls): monkey-patching instrumentations
 * need loader hooks under ESM, and these three boundaries are the ones worth seeing.
 */
export function setupTracing(opts: { endpoint?: string | undefined; serviceName: string; sampleRatio: number }): Tracing {
  if (!opts.endpoint) return { enabled: false, tracer: trace.getTracer('noop'), shutdown: async () => undefined };
  if (!contextManagerInstalled) {
    // one per process; every app instance in it shares the async context propagation
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    contextManagerInstalled = true;
  }
  const url = `${opts.endpoint.replace(/\/+$/, '')}/v1/traces`;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': opts.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(opts.sampleRatio) }),
    spanProcessors: [
      new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url, timeoutMillis: 5_000 }), scheduledDelayMillis: 1_000 }),
    ],
  });
  return { enabled: true, tracer: provider.getTracer('todo-api'), shutdown: () => provider.shutdown() };
}

/** The parent context carried by an incoming `traceparent` header, if any. */
export function extractContext(headers: Record<string, string | string[] | undefined>): Context {
  return propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

/** Adds `traceparent` for the active span to outgoing headers. */
export function injectHeaders(headers: Record<string, string> = {}): Record<string, string> {
  propagator.inject(context.active(), headers, defaultTextMapSetter);
  return headers;
}

export function validTraceId(span: Span | undefined): string | undefined {
  const sc = span?.spanContext();
  return sc && trace.isSpanContextValid(sc) ? sc.traceId : undefined;
}

/** One CLIENT span per knex query, parented to whatever span is active when the query starts. */
export function instrumentKnex(knex: Knex, tracer: Tracer, system: string) {
  const open = new Map<string, Span>();
  knex.on('query', (q: { __knexQueryUid?: string; sql?: string; method?: string }) => {
    if (!q.__knexQueryUid) return;
    const operation = (q.method ?? q.sql?.split(/\s+/, 1)[0] ?? 'query').toLowerCase();
    const span = tracer.startSpan(`db ${operation}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': system, 'db.operation.name': operation, 'db.query.text': (q.sql ?? '').slice(0, 2_000) },
    });
    open.set(q.__knexQueryUid, span);
  });
  const finish = (q: { __knexQueryUid?: string }, err?: unknown) => {
    const span = q.__knexQueryUid ? open.get(q.__knexQueryUid) : undefined;
    if (!span || !q.__knexQueryUid) return;
    open.delete(q.__knexQueryUid);
    if (err) span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    span.end();
  };
  knex.on('query-response', (_response: unknown, q: { __knexQueryUid?: string }) => finish(q));
  knex.on('query-error', (err: unknown, q: { __knexQueryUid?: string }) => finish(q, err ?? 'query failed'));
}
