// `output: 'standalone'` leaves static assets out of the server folder; copy them in so
// `npm start` and the Docker image serve the same tree.
import { cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const server = path.join(app, '.next/standalone/apps/web');
if (!existsSync(path.join(server, 'server.js'))) {
  console.error(`copy-static: ${server}/server.js is missing; did next build run with output: 'standalone'?`);
  process.exit(1);
}
rmSync(path.join(server, '.next/static'), { recursive: true, force: true });
cpSync(path.join(app, '.next/static'), path.join(server, '.next/static'), { recursive: true });
if (existsSync(path.join(app, 'public'))) cpSync(path.join(app, 'public'), path.join(server, 'public'), { recursive: true });
