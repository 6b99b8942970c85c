import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_CATALOG, loadCatalog, type Catalog } from './catalog.js';
import { checkImages, devPackagesIn, parseSize, type ImageObservation } from './images.js';

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog(BUNDLED_CATALOG);
});

const good = (): ImageObservation => ({
  release: 'todo-backend',
  ref: 'todo-backend:dev-1a2b3c4',
  dockerfile: 'apps/api/Dockerfile',
  dockerfileText:
    'FROM base AS runtime\nCOPY --from=build /repo/dist dist\nUSER 10001:10001\nLABEL org.opencontainers.image.revision=x\nCMD ["node", "dist/server.js"]\n',
  runAsUser: 10001,
  user: '10001:10001',
  labels: {
    'org.opencontainers.image.source': 'https://git.example.test/todo.git',
    'org.opencontainers.image.revision': 'a'.repeat(40),
    'org.opencontainers.image.version': 'dev-1a2b3c4',
  },
  argv: ['node', 'dist/server.js'],
  sizeBytes: 300 * 1024 * 1024,
  budget: { file: 'apps/api/image-budget.yaml', bytes: 400 * 1024 * 1024 },
  files: new Set(['app/dist/server.js', 'app/node_modules/koa/package.json', 'usr/local/bin/node']),
  secrets: [],
  lockPackages: new Map([
    ['node_modules/koa', false],
    ['node_modules/typescript', true],
  ]),
  vulnerabilities: { findings: [{ id: 'CVE-2000-0001', pkg: 'koa', version: '3.0.0', severity: 'HIGH' }], scanner: 'trivy' },
});

const failing = (o: ImageObservation) =>
  checkImages([o], catalog)
    .filter((f) => f.status === 'fail')
    .map((f) => `${f.rule} ${f.message} @${f.line}`);

describe('checkImages', () => {
  it('passes every image rule on a compliant image (a HIGH vulnerability does not block)', () => {
    const findings = checkImages([good()], catalog);
    expect(findings.map((f) => [f.rule, f.status])).toEqual([
      ['TODO-IMG-001', 'pass'],
      ['TODO-IMG-002', 'pass'],
      ['TODO-IMG-003', 'pass'],
      ['TODO-IMG-004', 'pass'],
      ['TODO-IMG-005', 'pass'],
      ['TODO-IMG-006', 'pass'],
      ['TODO-IMG-007', 'pass'],
    ]);
  });

  it('fails a root, a named or a mismatched user, pointing at the USER line', () => {
    expect(failing({ ...good(), user: '' })).toEqual([expect.stringMatching(/^TODO-IMG-001 .*runs as "root \(no USER\)".*@3$/)]);
    expect(failing({ ...good(), user: 'node' })).toEqual([expect.stringContaining('not a numeric UID')]);
    expect(failing({ ...good(), user: '0:0' })).toEqual([expect.stringContaining('UID 0; it must be 1000 or more')]);
    expect(failing({ ...good(), user: '1000:1000' })).toEqual([expect.stringContaining("the chart's runAsUser is 10001")]);
  });

  it('fails each secret in each layer, with a resource an exemption can name', () => {
    const hit = {
      rule: 'TODO-SEC-003' as const,
      line: 2,
      description: 'JWT_SECRET is assigned a literal secret abcd…yz (40 chars)',
    };
    const findings = checkImages([{ ...good(), secrets: [{ layer: 4, path: 'app/.env', hit }] }], catalog).filter(
      (f) => f.rule === 'TODO-IMG-002',
    );
    expect(findings).toMatchObject([
      {
        status: 'fail',
        resource: 'Image/todo-backend/app/.env',
        message: expect.stringContaining('layer 4: /app/.env:2 JWT_SECRET'),
      },
    ]);
  });

  it('fails development dependencies and source maps in the final file system', () => {
    const files = new Set([...good().files, 'app/node_modules/typescript/package.json', 'app/dist/server.js.map']);
    expect(failing({ ...good(), files })).toEqual([
      expect.stringMatching(/^TODO-IMG-003 .*development dependencies typescript and source maps \/app\/dist\/server.js.map @2$/),
    ]);
  });

  it('fails missing labels, a revision that is not a commit, a size over budget or without one, npm or a shell as the process', () => {
    expect(failing({ ...good(), labels: {} })).toEqual([
      expect.stringContaining('no value for org.opencontainers.image.source, org.opencontainers.image.revision'),
    ]);
    expect(failing({ ...good(), labels: { ...good().labels, 'org.opencontainers.image.revision': 'main' } })).toEqual([
      expect.stringContaining('"main" is not a commit id'),
    ]);
    expect(failing({ ...good(), sizeBytes: 500 * 1024 * 1024 })).toEqual([
      expect.stringContaining('is 500 MiB, over its budget of 400 MiB'),
    ]);
    expect(failing({ ...good(), budget: { file: 'apps/api/image-budget.yaml', error: 'no size budget' } })).toEqual([
      expect.stringContaining('no size budget'),
    ]);
    expect(failing({ ...good(), argv: ['npm', 'start'] })).toEqual([
      expect.stringContaining('npm does not pass SIGTERM on to node'),
    ]);
    expect(failing({ ...good(), argv: ['/bin/sh', '-c', 'node dist/server.js'] })).toEqual([
      expect.stringContaining('a shell in front of node'),
    ]);
  });

  it('fails each CRITICAL vulnerability on its own, and a scanner that did not run', () => {
    const critical = { id: 'CVE-2099-0001', pkg: 'koa', version: '3.0.0', fixedVersion: '3.0.9', severity: 'CRITICAL' };
    const findings = checkImages([{ ...good(), vulnerabilities: { findings: [critical], scanner: 'trivy' } }], catalog).filter(
      (f) => f.rule === 'TODO-IMG-007',
    );
    expect(findings).toMatchObject([{ status: 'fail', resource: 'Image/todo-backend/CVE-2099-0001' }]);
    expect(findings[0]!.message).toContain('CVE-2099-0001 (CRITICAL) in koa 3.0.0, fixed in 3.0.9');
    expect(failing({ ...good(), vulnerabilities: { error: 'trivy is not installed', fix: 'Install trivy' } })).toEqual([
      expect.stringContaining('was not scanned: trivy is not installed'),
    ]);
  });
});

describe('devPackagesIn', () => {
  it('judges a nested copy as itself, not as the hoisted package of the same name', () => {
    const lock = new Map([
      ['node_modules/chalk', true],
      ['node_modules/pino/node_modules/chalk', false],
      ['apps/api/node_modules/vitest', true],
    ]);
    expect(devPackagesIn(new Set(['app/node_modules/pino/node_modules/chalk/package.json']), lock)).toEqual([]);
    // npm's own packages in the base image are not the app's
    expect(devPackagesIn(new Set(['usr/local/lib/node_modules/npm/node_modules/chalk/package.json']), lock)).toEqual([]);
    expect(devPackagesIn(new Set(['app/node_modules/chalk/package.json']), lock)).toEqual(['chalk']);
    expect(devPackagesIn(new Set(['app/apps/api/node_modules/vitest/package.json']), lock)).toEqual(['vitest']);
  });
});

describe('parseSize', () => {
  it('reads binary and decimal units', () => {
    expect([parseSize('400MiB'), parseSize('1.5 GB'), parseSize('2048'), parseSize('lots')]).toEqual([
      400 * 1024 ** 2,
      1.5e9,
      2048,
      null,
    ]);
  });
});
