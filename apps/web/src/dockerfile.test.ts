import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The image cannot be built in every environment; these checks hold the Dockerfile to the
// constitution's containerization rules so a regression shows up in the unit tier.
const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
const instructions = dockerfile
  .split('\n')
  .filter((l) => !l.trimStart().startsWith('#'))
  .join('\n');
const final = instructions.slice(instructions.lastIndexOf('FROM '));

describe('apps/web/Dockerfile', () => {
  it('pins every base image by digest and is multi-stage', () => {
    expect(/ARG NODE_IMAGE=(\S+)/.exec(instructions)?.[1]).toMatch(/^node:24-bookworm-slim@sha256:[0-9a-f]{64}$/);
    const froms = instructions.match(/^FROM .*/gm) ?? [];
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from).toMatch(/^FROM \$\{NODE_IMAGE\} AS \w+$/);
  });

  it('runs the standalone server as a non-root numeric user with a healthcheck on /api/healthz', () => {
    expect(final).toMatch(/^USER 10001(:10001)?$/m);
    expect(final).toMatch(/^HEALTHCHECK [^\n]*\\\n[^\n]*fetch\([^\n]*\/api\/healthz/m);
    expect(final).toMatch(/^EXPOSE 3000 9090$/m);
    expect(final).toContain('/repo/apps/web/.next/standalone');
    expect(final).not.toMatch(/npm (ci|install)/);
  });

  it('has dockerignore files that allow-list the context', () => {
    for (const name of ['../.dockerignore', '../Dockerfile.dockerignore']) {
      const ignore = readFileSync(new URL(name, import.meta.url), 'utf8');
      expect(ignore).toMatch(/^\*$/m);
      expect(ignore).toMatch(/^\*\*\/\.env$/m);
      expect(ignore).toMatch(/^\*\*\/node_modules$/m);
      expect(ignore).toMatch(/^\*\*\/\.next$/m);
    }
  });

  it('next.config builds a standalone server', () => {
    expect(readFileSync(new URL('../next.config.ts', import.meta.url), 'utf8')).toMatch(/output: 'standalone'/);
  });
});
