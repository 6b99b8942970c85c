import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_CATALOG, loadCatalog, type Catalog } from './catalog.js';
import { checkDockerfile, contextSources, installsDevDependencies, isDockerfile } from './dockerfile.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/policy/dockerfile/', import.meta.url));
let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog(BUNDLED_CATALOG);
});

function check(name: string) {
  const path = `${FIXTURES}${name}/Dockerfile`;
  return checkDockerfile(
    {
      path: `fixtures/${name}/Dockerfile`,
      content: readFileSync(path, 'utf8'),
      hasDockerignore: existsSync(`${FIXTURES}${name}/.dockerignore`),
    },
    catalog,
  );
}
const failing = (name: string) =>
  [
    ...new Set(
      check(name)
        .filter((f) => f.status === 'fail')
        .map((f) => f.rule),
    ),
  ].sort();

describe('Dockerfile rules', () => {
  it.each([
    ['good', []],
    ['dev-deps-pruned', []],
    ['single-stage', ['TODO-DKR-001']],
    ['root-user', ['TODO-DKR-002']],
    ['low-uid', ['TODO-DKR-002']],
    ['no-healthcheck', ['TODO-DKR-003']],
    ['unpinned', ['TODO-DKR-004']],
    ['no-dockerignore', ['TODO-DKR-005']],
    ['dev-deps-install', ['TODO-DKR-006']],
    ['dev-deps-copied', ['TODO-DKR-006']],
  ])('%s fails exactly %j', (name, expected) => {
    expect(failing(name)).toEqual(expected);
  });

  it('reports every rule as pass for the good Dockerfile, with lines', () => {
    const findings = check('good');
    expect([...new Set(findings.map((f) => f.rule))].sort()).toEqual([
      'TODO-DKR-001',
      'TODO-DKR-002',
      'TODO-DKR-003',
      'TODO-DKR-004',
      'TODO-DKR-005',
      'TODO-DKR-006',
    ]);
    expect(findings.every((f) => f.status === 'pass' && f.line >= 1)).toBe(true);
  });

  it('points at the offending instruction', () => {
    const unpinned = check('unpinned').find((f) => f.rule === 'TODO-DKR-004' && f.status === 'fail')!;
    expect(unpinned.line).toBe(4);
    const user = check('low-uid').find((f) => f.rule === 'TODO-DKR-002')!;
    expect(user.line).toBe(6);
    expect(user.message).toMatch(/below 1000/);
  });

  it('recognises dev installs and Dockerfile names', () => {
    expect(installsDevDependencies('npm ci')).toBe(true);
    expect(installsDevDependencies('npm ci --omit=dev')).toBe(false);
    expect(installsDevDependencies('npm install --production')).toBe(false);
    expect(installsDevDependencies('yarn install --frozen-lockfile')).toBe(true);
    expect(installsDevDependencies('pnpm install --prod')).toBe(false);
    expect(installsDevDependencies('npm install -g npm@11')).toBe(false);
    expect(isDockerfile('apps/api/Dockerfile')).toBe(true);
    expect(isDockerfile('apps/api/Dockerfile.dockerignore')).toBe(false);
    expect(isDockerfile('build/web.Dockerfile')).toBe(true);
    expect(isDockerfile('docs/Dockerfiles.md')).toBe(false);
  });

  it('reports an empty Dockerfile as a finding, not an exception', () => {
    const findings = checkDockerfile({ path: 'Dockerfile', content: '# nothing\n', hasDockerignore: true }, catalog);
    expect(findings).toEqual([expect.objectContaining({ rule: 'TODO-DKR-001', status: 'fail', line: 1 })]);
  });
});

describe('contextSources', () => {
  it('lists what COPY and ADD take from the context, never what they take from a stage or a URL', () => {
    const text = [
      'ARG BASE=node:24',
      'FROM ${BASE} AS build',
      'COPY package.json package-lock.json ./',
      'COPY --chown=1000:1000 apps/api/src apps/api/src',
      'ADD https://example.test/file.tgz /tmp/',
      'FROM ${BASE}',
      'COPY --from=build /repo/dist ./dist',
      'COPY ./apps/api/package.json apps/api/',
      'COPY package.json ./again',
    ].join('\n');
    expect(contextSources(text)).toEqual(['package.json', 'package-lock.json', 'apps/api/src', 'apps/api/package.json']);
  });
});
