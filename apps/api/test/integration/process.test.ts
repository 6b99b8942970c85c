import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The real entry point as a process: what `npm run dev` and the container run.
const apiDir = fileURLToPath(new URL('../..', import.meta.url));

function launch(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: apiDir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const logs = () =>
    stdout
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { child, exited, logs, output: () => ({ stdout, stderr }) };
}

describe('server process', () => {
  it('refuses to start with a malformed variable, naming it', async () => {
    const proc = launch({ BACKEND_PORT: 'eighty', BACKEND_DB_POOL_MAX: '0' });
    expect(await proc.exited).toBe(1);
    const { stderr, stdout } = proc.output();
    expect(stderr).toContain('BACKEND_PORT');
    expect(stderr).toContain('BACKEND_DB_POOL_MAX');
    expect(stderr).toContain('env.example');
    expect(stdout).toBe('');
  });

  it('starts with the embedded database and offline assistant, logs JSON, and exits 0 on SIGTERM', async () => {
    const proc = launch({
      BACKEND_HOST: '127.0.0.1',
      BACKEND_PORT: '0',
      BACKEND_METRICS_PORT: '0',
      BACKEND_DATA_DIR: ':memory:',
      BACKEND_OPENAI_API_KEY: '',
    });
    try {
      const deadline = Date.now() + 60_000;
      let started: Record<string, unknown> | undefined;
      while (!started && Date.now() < deadline) {
        started = proc.logs().find((l) => l.message === 'api started');
        if (!started) await new Promise((r) => setTimeout(r, 200));
      }
      expect(started, proc.output().stderr).toMatchObject({
        database: 'pglite',
        assistant: 'offline',
        service: 'todo-api',
        level: 'info',
      });
      const url = String(started?.url);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      // no secret configured in development: warned about, never printed
      expect(proc.logs().some((l) => l.level === 'warn' && String(l.message).includes('BACKEND_JWT_SECRET'))).toBe(true);
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      expect(proc.logs().map((l) => l.message)).toContain('shutdown complete');
    } finally {
      proc.child.kill('SIGKILL');
    }
  });
});
