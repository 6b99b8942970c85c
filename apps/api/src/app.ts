import Koa from 'koa';
import type Router from '@koa/router';
import type { Logger } from 'pino';
import { trace, type Tracer } from '@opentelemetry/api';
import type { Database } from './db/knex.js';
import { databaseReadiness } from './db/readiness.js';
import { requireUser } from './http/auth.js';
import { jsonBody } from './http/body.js';
import { errorResponses } from './http/errors.js';
import { startupGate } from './http/startup.js';
import { requestTelemetry } from './http/telemetry.js';
import type { Metrics } from './observability/metrics.js';
import { ConversationsRepository } from './repositories/conversations.js';
import { TodosRepository } from './repositories/todos.js';
import { UsersRepository } from './repositories/users.js';
import { authRoutes } from './routes/auth.js';
import { chatRoutes } from './routes/chat.js';
import type { AppState } from './routes/context.js';
import { healthRoutes } from './routes/health.js';
import { todoRoutes } from './routes/todos.js';
import { AuthService } from './services/auth.js';
import { ChatService, RateLimiter } from './services/chat.js';
import { TodosService } from './services/todos.js';
import type { Assistant } from './ai/types.js';

export interface AppDeps {
  db: Database;
  logger: Logger;
  metrics: Metrics;
  assistant: Assistant;
  jwtSecret: string;
  jwtTtlSeconds: number;
  bodyLimitBytes: number;
  chatRateLimit: { limit: number; windowMs: number };
  /** False until start-up (migrations) has finished; /api answers 503 until then. */
  isStarted: () => boolean;
  readinessTimeoutMs?: number;
  /** Server spans per request; a no-op tracer when tracing is off. */
  tracer?: Tracer;
  /** False when `tracer` is the no-op tracer (defaults to whether a tracer was given). */
  tracingEnabled?: boolean;
}

function createServices(deps: AppDeps) {
  const todos = new TodosService(new TodosRepository(deps.db.knex));
  return {
    auth: new AuthService(new UsersRepository(deps.db.knex), deps.jwtSecret, deps.jwtTtlSeconds),
    todos,
    chat: new ChatService(
      new ConversationsRepository(deps.db.knex),
      todos,
      deps.assistant,
      new RateLimiter(deps.chatRateLimit.limit, deps.chatRateLimit.windowMs),
      deps.metrics,
      deps.logger,
    ),
  };
}

const mount = (app: Koa<AppState>, router: Router<AppState>) => app.use(router.routes()).use(router.allowedMethods());

/** The HTTP application: middleware in order, then the routes. The pieces live in http/ and routes/. */
export function createApp(deps: AppDeps): Koa<AppState> {
  const { db, logger, metrics } = deps;
  const { auth, todos, chat } = createServices(deps);

  const app = new Koa<AppState>({ proxy: true });
  app.silent = true;
  app.on('error', (err: unknown) => logger.debug({ err }, 'koa stream error'));

  const tracer = deps.tracer ?? trace.getTracer('todo-api');
  app.use(requestTelemetry({ logger, metrics, tracer, tracingEnabled: deps.tracingEnabled ?? deps.tracer !== undefined }));
  app.use(errorResponses(logger));
  mount(app, healthRoutes({ isStarted: deps.isStarted, checkDatabase: databaseReadiness(db, deps.readinessTimeoutMs ?? 2_000) }));
  app.use(startupGate(deps.isStarted));
  app.use(jsonBody(deps.bodyLimitBytes));

  const user = requireUser(auth);
  mount(app, authRoutes(auth, user, deps.assistant.kind));
  mount(app, todoRoutes(todos, user));
  mount(app, chatRoutes(chat, user, logger));
  return app;
}
