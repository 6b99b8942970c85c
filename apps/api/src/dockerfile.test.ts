import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The image cannot be built in every environment; these checks hold the Dockerfile to the
// constitution's containerization rules so a regression shows up in the unit tier.
const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
const lines = dockerfile.split('\n').filter((l) => !l.trimStart().startsWith('#'));
const instructions = lines.join('\n');

describe('apps/api/Dockerfile', () => {
  it('pins every base image by digest', () => {
    const arg = /ARG NODE_IMAGE=(\S+)/.exec(instructions)?.[1];
    expect(arg).toMatch(/^node:24-bookworm-slim@sha256:[0-9a-f]{64}$/);
    const froms = instructions.match(/^FROM .*/gm) ?? [];
    expect(froms.length).toBeGreaterThanOrEqual(2); // multi-stage
    for (const from of froms) expect(from).toMatch(/^FROM \$\{NODE_IMAGE\} AS \w+$/);
  });

  it('runs the final stage as a non-root numeric user with a healthcheck on /healthz', () => {
    const final = instructions.slice(instructions.lastIndexOf('FROM '));
    expect(final).toMatch(/^USER 10001(:10001)?$/m);
    expect(final).toMatch(/^HEALTHCHECK .*\n?.*fetch\(.*\/healthz/m);
    expect(final).toMatch(/^EXPOSE 8080 9090$/m);
  });

  it('sizes the V8 heap for the service in NODE_OPTIONS (bench/api.mjs runs the API with it)', () => {
    const final = instructions.slice(instructions.lastIndexOf('FROM '));
    const options = /^ENV NODE_OPTIONS="([^"]*)"/m.exec(final)?.[1] ?? '';
    expect(options).toMatch(/--max-semi-space-size=\d+/);
    expect(options).toMatch(/--max-old-space-size=\d+/);
  });

  it('ships production dependencies only', () => {
    const deps = instructions.slice(instructions.indexOf('AS deps'), instructions.indexOf('AS runtime'));
    expect(deps).toContain('--omit=dev');
    const final = instructions.slice(instructions.lastIndexOf('FROM '));
    expect(final).not.toMatch(/COPY --from=build \/repo\/node_modules/);
  });

  it('has dockerignore files that allow-list the context', () => {
    for (const name of ['../.dockerignore', '../Dockerfile.dockerignore']) {
      const ignore = readFileSync(new URL(name, import.meta.url), 'utf8');
      expect(ignore).toMatch(/^\*$/m);
      expect(ignore).toMatch(/^\*\*\/\.env$/m);
      expect(ignore).toMatch(/^\*\*\/node_modules$/m);
    }
  });
});
