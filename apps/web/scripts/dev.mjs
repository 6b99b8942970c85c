// `next dev` on FRONTEND_PORT (3000). The API's metrics port is 9090 too on a laptop, so in
// development the web metrics default to 9091 unless FRONTEND_METRICS_PORT says otherwise.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
const env = { ...process.env, FRONTEND_METRICS_PORT: process.env.FRONTEND_METRICS_PORT || '9091' };
const child = spawn(process.execPath, [nextBin, 'dev', '--port', process.env.FRONTEND_PORT || '3000', ...process.argv.slice(2)], {
  cwd: app,
  env,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
