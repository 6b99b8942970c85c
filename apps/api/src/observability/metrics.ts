import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface PoolStats {
  used: number;
  free: number;
  pending: number;
  max: number;
}

/** One registry per app instance, so tests can run several apps in one process. */
export function createMetrics(opts: { service: string; poolStats?: () => PoolStats | undefined }) {
  const registry = new Registry();
  registry.setDefaultLabels({ service: opts.service });
  collectDefaultMetrics({ register: registry });

  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const poolGauge = (name: string, help: string, key: keyof PoolStats) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const stats = opts.poolStats?.();
        if (stats) this.set(stats[key]);
      },
    });
  poolGauge('db_pool_connections_used', 'Database connections checked out of the pool', 'used');
  poolGauge('db_pool_connections_free', 'Idle database connections in the pool', 'free');
  poolGauge('db_pool_pending_acquires', 'Requests waiting for a database connection', 'pending');
  poolGauge('db_pool_connections_max', 'Configured maximum pool size', 'max');

  const assistantRounds = new Histogram({
    name: 'assistant_rounds',
    help: 'Model/tool rounds per chat turn',
    labelNames: ['assistant'] as const,
    buckets: [1, 2, 3, 4, 5, 8, 12, 20],
    registers: [registry],
  });
  const assistantToolCalls = new Counter({
    name: 'assistant_tool_calls_total',
    help: 'Tool calls made by the assistant, by tool and outcome',
    labelNames: ['tool', 'outcome'] as const,
    registers: [registry],
  });
  const llmDuration = new Histogram({
    name: 'llm_request_duration_seconds',
    help: 'LLM provider request latency by model and outcome',
    labelNames: ['model', 'outcome'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60],
    registers: [registry],
  });
  const llmTokens = new Counter({
    name: 'llm_tokens_total',
    help: 'LLM tokens by model and kind (prompt, completion)',
    labelNames: ['model', 'kind'] as const,
    registers: [registry],
  });

  return { registry, httpRequests, httpDuration, assistantRounds, assistantToolCalls, llmDuration, llmTokens };
}

export type Metrics = ReturnType<typeof createMetrics>;
