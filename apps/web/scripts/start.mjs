// Starts the production (standalone) server. FRONTEND_PORT / FRONTEND_HOST map onto the
// PORT / HOSTNAME variables that Next's standalone server reads.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// in the repository: the build output; in the image: the standalone tree is the app folder itself
const server = [path.join(app, '.next/standalone/apps/web/server.js'), path.join(app, 'server.js')].find((p) => existsSync(p));
if (!server) {
  console.error(
    `start: ${path.join(app, '.next/standalone/apps/web/server.js')} is missing. Build first: npm run build -w apps/web`,
  );
  process.exit(1);
}
process.env.NODE_ENV ??= 'production';
process.env.PORT = process.env.FRONTEND_PORT || process.env.PORT || '3000';
process.env.HOSTNAME = process.env.FRONTEND_HOST || process.env.HOSTNAME || '0.0.0.0';
await import(pathToFileURL(server).href);
