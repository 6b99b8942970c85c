import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { env } from './env';

export interface Metrics {
  registry: Registry;
  requests: Counter<'route' | 'method' | 'status'>;
  duration: Histogram<'route' | 'method' | 'status'>;
  chatFirstByte: Histogram<never>;
  upstreamErrors: Counter<'route'>;
}

const KEY = Symbol.for('todo-web.metrics');
type Holder = { [KEY]?: Metrics };

/**
 * One registry per process. Next bundles instrumentation and route handlers separately, so the
 * instance lives on globalThis rather than in module state.
 */
export function metrics(): Metrics {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const registry = new Registry();
    registry.setDefaultLabels({ service: env().FRONTEND_SERVICE_NAME });
    collectDefaultMetrics({ register: registry });
    holder[KEY] = {
      registry,
      requests: new Counter({
        name: 'web_proxy_requests_total',
        help: 'Requests the web app proxied to the API, by route and status',
        labelNames: ['route', 'method', 'status'],
        registers: [registry],
      }),
      duration: new Histogram({
        name: 'web_proxy_request_duration_seconds',
        help: 'Time until the API answered a proxied request (headers), by route and status',
        labelNames: ['route', 'method', 'status'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
      chatFirstByte: new Histogram({
        name: 'web_chat_first_event_seconds',
        help: 'Time from a chat request to the first streamed byte from the API',
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
        registers: [registry],
      }),
      upstreamErrors: new Counter({
        name: 'web_proxy_upstream_errors_total',
        help: 'Proxied requests that failed because the API was unreachable or timed out',
        labelNames: ['route'],
        registers: [registry],
      }),
    };
  }
  return holder[KEY];
}
