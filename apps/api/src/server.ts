import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { createDatabase, type Database } from './db/knex.js';
import { runMigrations } from './db/migrations.js';
import { EnvError, loadEnv, type Env } from './env.js';
import { createLogger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { OfflineAssistant } from './ai/offline.js';
import type { Assistant } from './ai/types.js';
import { instrumentKnex, setupTracing } from './observability/tracing.js';
import type { Tracer } from '@opentelemetry/api';

export interface StartOptions {
  env?: Env;
  logger?: Logger;
  /** Overrides the assistant chosen from the environment (tests). */
  assistant?: (metrics: Metrics, logger: Logger) => Assistant;
}

export interface RunningServer {
  url: string;
  metricsUrl: string;
  db: Database;
  logger: Logger;
  stop(): Promise<void>;
}

function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

const urlOf = (host: string, port: number) => `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;

export async function chooseAssistant(env: Env, metrics: Metrics, logger: Logger, tracer?: Tracer): Promise<Assistant> {
  if (!env.BACKEND_OPENAI_API_KEY) return new OfflineAssistant();
  // loaded on demand: the SDK costs ~35 MB of memory that the offline mode does not need
  const { OpenAIAssistant } = await import('./ai/openai.js');
  return new OpenAIAssistant(
    {
      apiKey: env.BACKEND_OPENAI_API_KEY,
      baseURL: env.BACKEND_OPENAI_BASE_URL,
      model: env.BACKEND_OPENAI_MODEL,
      timeoutMs: env.BACKEND_OPENAI_TIMEOUT_MS,
      maxRetries: env.BACKEND_OPENAI_MAX_RETRIES,
      maxToolRounds: env.BACKEND_ASSISTANT_MAX_TOOL_ROUNDS,
      ...(tracer ? { tracer } : {}),
    },
    metrics,
    logger,
  );
}

/**
 * Starts the API and metrics servers. The API port listens first so /healthz and /startupz
 * answer while migrations run; /api routes answer 503 until start-up is complete.
 */
export async function start(opts: StartOptions = {}): Promise<RunningServer> {
  const env = opts.env ?? loadEnv();
  const logger = opts.logger ?? createLogger({ service: env.BACKEND_SERVICE_NAME, level: env.BACKEND_LOG_LEVEL });
  let jwtSecret = env.BACKEND_JWT_SECRET;
  if (!jwtSecret) {
    jwtSecret = randomBytes(32).toString('base64url');
    logger.warn('BACKEND_JWT_SECRET is not set: using a random secret for this process; sessions end when it restarts');
  }
  const db = await createDatabase({
    databaseUrl: env.BACKEND_DATABASE_URL,
    dataDir: env.BACKEND_DATA_DIR,
    poolMin: env.BACKEND_DB_POOL_MIN,
    poolMax: env.BACKEND_DB_POOL_MAX,
    connectTimeoutMs: env.BACKEND_DB_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: env.BACKEND_DB_STATEMENT_TIMEOUT_MS,
    log: {
      warn: (m) => logger.warn({ component: 'knex' }, m),
      error: (m) => logger.error({ component: 'knex' }, m),
      debug: (m) => logger.debug({ component: 'knex' }, m),
    },
  });
  const metrics = createMetrics({ service: env.BACKEND_SERVICE_NAME, poolStats: db.poolStats });
  const tracing = await setupTracing({
    endpoint: env.BACKEND_OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: env.BACKEND_SERVICE_NAME,
    sampleRatio: env.BACKEND_OTEL_SAMPLE_RATIO,
  });
  if (tracing.enabled) instrumentKnex(db.knex, tracing.tracer, db.kind === 'postgres' ? 'postgresql' : 'pglite');
  const assistant = opts.assistant?.(metrics, logger) ?? (await chooseAssistant(env, metrics, logger, tracing.tracer));
  let started = false;
  let stopping: Promise<void> | undefined;
  const app = createApp({
    db,
    logger,
    metrics,
    assistant,
    jwtSecret,
    jwtTtlSeconds: env.BACKEND_JWT_TTL_SECONDS,
    bodyLimitBytes: env.BACKEND_BODY_LIMIT_BYTES,
    chatRateLimit: { limit: env.BACKEND_CHAT_RATE_LIMIT, windowMs: env.BACKEND_CHAT_RATE_WINDOW_MS },
    isStarted: () => started,
    tracer: tracing.tracer,
    tracingEnabled: tracing.enabled,
  });

  const handler = app.callback();
  const server = http.createServer((req, res) => {
    if (stopping) res.setHeader('connection', 'close');
    void handler(req, res);
  });
  server.requestTimeout = 5 * 60_000; // chat streams may be long; bounded anyway
  server.headersTimeout = 30_000;
  const metricsServer = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') {
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (err: unknown) => {
          logger.error({ err }, 'metrics collection failed');
          res.writeHead(500).end();
        },
      );
      return;
    }
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end('{"error":{"code":"not_found","message":"only /metrics is served here"}}');
  });

  const closeServer = (s: http.Server, timeoutMs: number) =>
    new Promise<void>((resolve) => {
      if (!s.listening) return resolve();
      const timer = setTimeout(() => s.closeAllConnections(), timeoutMs).unref();
      // keep-alive sockets become idle as their in-flight responses finish; close them as they do
      const sweep = setInterval(() => s.closeIdleConnections(), 50).unref();
      s.close(() => {
        clearTimeout(timer);
        clearInterval(sweep);
        resolve();
      });
      s.closeIdleConnections();
    });

  const stop = () =>
    (stopping ??= (async () => {
      logger.info('shutting down: draining requests');
      started = false;
      await Promise.all([closeServer(server, env.BACKEND_SHUTDOWN_TIMEOUT_MS), closeServer(metricsServer, 1_000)]);
      await db.close();
      await tracing.shutdown().catch((err: unknown) => logger.warn({ err }, 'flushing traces failed'));
      logger.info('shutdown complete');
    })());

  try {
    const address = await listen(server, env.BACKEND_PORT, env.BACKEND_HOST);
    const metricsAddress = await listen(metricsServer, env.BACKEND_METRICS_PORT, env.BACKEND_HOST);
    if (env.BACKEND_MIGRATE_ON_START) {
      const applied = await runMigrations(db.knex);
      if (applied.length) logger.info({ applied }, 'migrations applied');
    }
    started = true;
    const url = urlOf(env.BACKEND_HOST, address.port);
    logger.info({ url, metrics_port: metricsAddress.port, database: db.kind, assistant: assistant.kind }, 'api started');
    return { url, metricsUrl: `${urlOf(env.BACKEND_HOST, metricsAddress.port)}/metrics`, db, logger, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

async function main() {
  let env: Env;
  try {
    env = loadEnv();
  } catch (err) {
    if (err instanceof EnvError) {
      process.stderr.write(`${err.message}\nSee apps/api/env.example for every variable.\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ service: env.BACKEND_SERVICE_NAME, level: env.BACKEND_LOG_LEVEL });
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  let running: RunningServer;
  try {
    running = await start({ env, logger });
  } catch (err) {
    logger.fatal({ err }, 'start-up failed');
    logger.flush();
    process.exit(1);
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'signal received');
    running.stop().then(
      () => {
        logger.flush();
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
