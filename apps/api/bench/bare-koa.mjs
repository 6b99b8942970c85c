// The framework ceiling: a bare Koa route answering a small JSON body, no middleware, no DB.
// With BODY_FILE it answers that file's JSON instead (the bench passes a real list page, to
// show what the response size alone costs).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import Koa from 'koa';

const fixed = process.env.BODY_FILE ? readFileSync(process.env.BODY_FILE, 'utf8') : undefined;
const app = new Koa();
app.use((ctx) => {
  if (fixed === undefined) {
    ctx.body = { items: [], total: 0 };
  } else {
    ctx.type = 'application/json';
    ctx.body = fixed;
  }
});
const server = http.createServer(app.callback());
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
