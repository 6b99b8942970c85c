// The framework ceiling: a bare Koa route answering a small JSON body, no middleware, no DB.
import http from 'node:http';
import Koa from 'koa';

const app = new Koa();
app.use((ctx) => {
  ctx.body = { items: [], total: 0 };
});
const server = http.createServer(app.callback());
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
