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
import { W3CTraceContextPropagator } from '@opentelemetry/core';
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
export async function setupTracing(opts: {
  endpoint?: string | undefined;
  serviceName: string;
  sampleRatio: number;
}): Promise<Tracing> {
  if (!opts.endpoint) return { enabled: false, tracer: trace.getTracer('noop'), shutdown: async () => undefined };
  // loaded on demand: the SDK and the OTLP exporter cost memory and start-up time that a
  // process without an endpoint does not need
  const [{ AsyncLocalStorageContextManager }, { OTLPTraceExporter }, { resourceFromAttributes }, sdk] = await Promise.all([
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace'),
  ]);
  const { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider } = sdk;
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
    // knex.raw() reports method 'raw': name the span after the statement's verb instead
    const verb = () => q.sql?.trimStart().split(/\s+/, 1)[0] || undefined;
    const operation = ((q.method === 'raw' ? verb() : q.method) ?? verb() ?? 'query').toLowerCase();
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
