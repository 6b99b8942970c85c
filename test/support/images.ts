/**
 * What the image tests run with: podman with the test storage (test/images/storage.sh: overlay
 * when this machine can mount it, else vfs; builds isolated with chroot, as no container can
 * run here), the stand-in for the Dockerfiles' pinned base (test/images/base.sh: Docker Hub
 * cannot be reached, so Debian bookworm from apt plus Node from npm, built once and cached),
 * and trivy, crane and trivy-db built from Go modules by test/images/build-tools.sh (.ci/run
 * builds them; a missing one fails here, naming the command).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './cluster.js';

const lastLine = (text: string) => text.trim().split('\n').pop()!.trim();

export interface ImageTestEnv {
  /** Environment for podman and todoctl: storage, isolation, the machine's CA for npm in builds. */
  env: Record<string, string>;
  /** The local base image, for --build-arg NODE_IMAGE. */
  base: string;
  /** trivy, crane, trivy-db. */
  toolsBin: string;
}

export function imageTestEnv(): ImageTestEnv {
  const exports = execFileSync('bash', [path.join(repoRoot, 'test/images/storage.sh')], { encoding: 'utf8' });
  const env: Record<string, string> = {};
  for (const m of exports.matchAll(/^export ([A-Z_]+)=(.*)$/gm)) env[m[1]!] = m[2]!;
  // npm in the build reaches the registry through this machine's CA bundle (a build secret)
  if (existsSync('/etc/ssl/certs/ca-certificates.crt')) env.NODE_EXTRA_CA_CERTS = '/etc/ssl/certs/ca-certificates.crt';
  const base = lastLine(
    execFileSync('bash', [path.join(repoRoot, 'test/images/base.sh')], { encoding: 'utf8', env: { ...process.env, ...env } }),
  );
  let toolsBin: string;
  try {
    toolsBin = lastLine(
      execFileSync('bash', [path.join(repoRoot, 'test/images/build-tools.sh'), '--bin-dir'], { encoding: 'utf8' }),
    );
  } catch (error) {
    throw new Error(`the image tools are not built: run bash test/images/build-tools.sh (${(error as Error).message})`);
  }
  return {
    env: { ...env, TRIVY_SKIP_DB_UPDATE: 'true', TRIVY_SKIP_JAVA_DB_UPDATE: 'true', TRIVY_NO_PROGRESS: 'true' },
    base,
    toolsBin,
  };
}

/** A real local OCI registry (`crane registry serve`, in memory) on a free loopback port. */
export async function startRegistry(toolsBin: string): Promise<{ host: string; stop(): void }> {
  const { spawn } = await import('node:child_process');
  const net = await import('node:net');
  const port = await new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as { port: number };
      server.close(() => resolve(free));
    });
    server.on('error', reject);
  });
  const registry = spawn(path.join(toolsBin, 'crane'), ['registry', 'serve', '--address', `127.0.0.1:${port}`], {
    stdio: 'ignore',
  });
  for (
    let i = 0;
    !(await fetch(`http://127.0.0.1:${port}/v2/`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  ) {
    if (i > 100) {
      registry.kill();
      throw new Error('crane registry serve did not answer on its /v2/ endpoint');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { host: `localhost:${port}`, stop: () => registry.kill() };
}
