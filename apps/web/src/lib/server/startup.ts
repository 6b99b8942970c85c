import http from 'node:http';
import { EnvError, env } from '../env';
import { logger } from '../logger';
import { metrics } from '../metrics';

const KEY = Symbol.for('todo-web.metrics-server');
type Holder = { [KEY]?: http.Server };

/** Validates the environment (fail fast, naming the variable) and serves /metrics on its own port. */
export async function startNodeServices(): Promise<void> {
  let config;
  try {
    config = env();
  } catch (err) {
    if (err instanceof EnvError) {
      process.stderr.write(`${err.message}\nSee apps/web/env.example for every variable.\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = logger();
  const holder = globalThis as Holder;
  if (holder[KEY]) return;
  const registry = metrics().registry;
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (err: unknown) => {
          log.error({ err }, 'metrics collection failed');
          res.writeHead(500).end();
        },
      );
      return;
    }
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end('{"error":{"code":"not_found","message":"only /metrics is served here"}}');
  });
  holder[KEY] = server;
  await new Promise<void>((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      // in production a taken metrics port is a deployment error; in development, say so and go on
      log[config.NODE_ENV === 'production' ? 'fatal' : 'warn'](
        { err, port: config.FRONTEND_METRICS_PORT },
        'metrics port unavailable',
      );
      if (config.NODE_ENV === 'production') process.exit(1);
      resolve();
    });
    server.listen(config.FRONTEND_METRICS_PORT, () => {
      server.unref();
      resolve();
    });
  });
  const address = server.address();
  log.info(
    { api_url: config.FRONTEND_API_URL, metrics_port: typeof address === 'object' && address ? address.port : null },
    'web started',
  );
  const close = () => server.close();
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}
