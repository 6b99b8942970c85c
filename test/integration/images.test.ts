/**
 * Images for real. Both Dockerfiles are built by `todoctl build` with the real podman (no
 * daemon: chroot isolation, as no container can run on this machine) from a clean clone, on the
 * stand-in for their pinned base (test/images/base.sh; Docker Hub cannot be reached). The
 * images are judged by `todoctl validate --images` from their config and layers, scanned by the
 * real trivy against a database made from fixtures (test/support/trivy.ts), and pushed to a real
 * local registry (`crane registry serve`). Nothing here runs a container.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, toolsBin } from '../support/cluster.js';
import { imageTestEnv, startRegistry, type ImageTestEnv } from '../support/images.js';
import { todoctlBin } from '../support/todoctl.js';
import { trivyDatabase } from '../support/trivy.js';

interface Built {
  release: string;
  image: string;
  tag: string;
  skipped: boolean;
  sizeBytes: number;
  pushed?: { ref: string; digest: string };
  scan?: { bySeverity: Record<string, number>; blocking: string[]; exempt: string[] };
}
interface Finding {
  rule: string;
  status: string;
  message: string;
  resource: string;
}

const BUILD = 15 * 60_000;
let setup: ImageTestEnv;
let clone: string;
let cleanDb: string;
let plantedDb: string;
let koa: string;

const git = (...args: string[]) => execFileSync('git', args, { cwd: clone, encoding: 'utf8' }).trim();
const podman = (...args: string[]) =>
  execFileSync('podman', args, { env: { ...process.env, ...setup.env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const run = (args: string[], env: Record<string, string> = {}) =>
  todoctlBin(args, {
    cwd: clone,
    env: {
      ...setup.env,
      // trivy and crane, then helm (validate renders the charts)
      PATH: [setup.toolsBin, toolsBin(), process.env.PATH].join(path.delimiter),
      // a cluster that is not minikube: images stay in podman
      KUBECONFIG: path.join(clone, '.kube-none'),
      TRIVY_CACHE_DIR: cleanDb,
      ...env,
    },
  });
const build = async (args: string[] = [], env: Record<string, string> = {}) => {
  const result = await run(
    ['build', '--builder', 'podman', '--build-arg', `NODE_IMAGE=${setup.base}`, '-o', 'json', ...args],
    env,
  );
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Built[];
};
const validateImages = async () => {
  const result = await run(['validate', '--images', '--builder', 'podman', '--env', 'dev', '-o', 'json']);
  return { code: result.code, stderr: result.stderr, findings: (JSON.parse(result.stdout) as { findings: Finding[] }).findings };
};

beforeAll(() => {
  setup = imageTestEnv();
  clone = mkdtempSync(path.join(os.tmpdir(), 'todoctl-images-'));
  execFileSync('git', ['clone', '-q', repoRoot, clone]);
  writeFileSync(path.join(clone, '.kube-none'), 'apiVersion: v1\nkind: Config\ncurrent-context: ""\n');
  appendFileSync(path.join(clone, '.git/info/exclude'), '.kube-none\n');
  koa = (
    JSON.parse(readFileSync(path.join(clone, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> }
  ).packages['node_modules/koa']!.version;
  cleanDb = trivyDatabase(setup.toolsBin, []);
  plantedDb = trivyDatabase(setup.toolsBin, [
    { id: 'CVE-2099-0001', pkg: 'koa', version: koa, severity: 'CRITICAL', title: 'planted by the todoctl image tests' },
  ]);
  // a clean clone builds: nothing of an earlier run stands in for these tags
  const sha = git('rev-parse', '--short=7', 'HEAD');
  for (const image of ['todo-backend', 'todo-frontend']) {
    try {
      podman('rmi', '--force', `${image}:dev-${sha}`);
    } catch {
      // not there: nothing to remove
    }
  }
}, BUILD);

describe('todoctl build with podman', () => {
  it(
    'builds both images from a clean clone, labelled, sized and scanned',
    async () => {
      const sha = git('rev-parse', '--short=7', 'HEAD');
      const images = await build();
      expect(images.map((i) => [i.image, i.tag, i.skipped])).toEqual([
        ['todo-backend', `dev-${sha}`, false],
        ['todo-frontend', `dev-${sha}`, false],
      ]);
      for (const image of images) {
        expect(image.sizeBytes).toBeGreaterThan(100 * 1024 * 1024);
        expect(image.scan).toMatchObject({ blocking: [], exempt: [] });
      }
      const labels = JSON.parse(
        podman('image', 'inspect', '--format', '{{json .Config.Labels}}', `todo-backend:dev-${sha}`),
      ) as Record<string, string>;
      expect(labels).toMatchObject({
        'org.opencontainers.image.revision': git('rev-parse', 'HEAD'),
        'org.opencontainers.image.version': `dev-${sha}`,
        'org.opencontainers.image.source': repoRoot,
      });
    },
    BUILD,
  );

  it(
    'builds nothing the second time when nothing changed',
    async () => {
      const images = await build();
      expect(images.map((i) => i.skipped)).toEqual([true, true]);
    },
    BUILD,
  );

  it(
    'passes every image check on our images (the keys next build generates are exempted, with their reason)',
    async () => {
      const { code, findings } = await validateImages();
      const images = findings.filter((f) => f.rule.startsWith('TODO-IMG-'));
      expect(images.filter((f) => f.status === 'fail').map((f) => `${f.rule} ${f.message}`)).toEqual([]);
      expect(new Set(images.filter((f) => f.status === 'pass').map((f) => f.rule)).size).toBe(7);
      // the keys next build generates: draft mode (signing and encryption) and Server Actions
      expect([...new Set(images.filter((f) => f.status === 'exempt').map((f) => f.resource))]).toEqual([
        'Image/todo-frontend/app/apps/web/.next/prerender-manifest.json',
        'Image/todo-frontend/app/apps/web/.next/server/preview-props.json',
        'Image/todo-frontend/app/apps/web/.next/server/server-reference-manifest.json',
      ]);
      expect(code).toBe(0);
    },
    BUILD,
  );

  it(
    'reports the planted CRITICAL advisory in the API image, found by the real trivy',
    async () => {
      const [api, web] = await build([], { TRIVY_CACHE_DIR: plantedDb });
      expect(api!.scan!.bySeverity).toMatchObject({ CRITICAL: 1 });
      expect(api!.scan!.blocking).toEqual([expect.stringContaining(`CVE-2099-0001 (CRITICAL) in koa ${koa}, no fix yet`)]);
      expect(web!.scan!.blocking).toEqual([]);
    },
    BUILD,
  );

  it(
    'fails, naming how to install it, when the scanner is missing: an image never passes unscanned',
    async () => {
      const result = await run(['build', '--builder', 'podman', '--build-arg', `NODE_IMAGE=${setup.base}`], {
        PATH: [toolsBin(), process.env.PATH].join(path.delimiter),
      });
      expect(result.stderr).toContain('was not scanned: trivy is not installed');
      expect(result.stderr).toContain('Install trivy >= 0.74');
      expect(result.code).toBe(1);
    },
    BUILD,
  );

  it(
    'rebuilds only the service whose input changed by one line',
    async () => {
      const sha = git('rev-parse', '--short=7', 'HEAD');
      await build(); // both images of this commit exist
      // a line no earlier run added, so no image of an earlier run has this content
      appendFileSync(path.join(clone, 'apps/web/src/app/layout.tsx'), `\n// one more line ${randomBytes(4).toString('hex')}\n`);
      const [api, web] = await build();
      expect(api).toMatchObject({ tag: `dev-${sha}`, skipped: true });
      expect(web!.tag).toMatch(new RegExp(`^dev-${sha}[0-9a-f]{8}$`));
      expect(web!.skipped).toBe(false);
      git('checkout', '--', 'apps/web/src/app/layout.tsx');
    },
    BUILD,
  );

  it(
    'fails the image checks on a mutated Dockerfile: root user, a secret copied in, dev dependencies kept',
    async () => {
      const dockerfile = readFileSync(path.join(clone, 'apps/api/Dockerfile'), 'utf8');
      const mutated = dockerfile
        .replace('COPY --from=deps /repo/node_modules ./node_modules', 'COPY --from=build /repo/node_modules ./node_modules')
        .replace('USER 10001:10001', 'COPY apps/api/leaked.env /app/.env\nUSER 0:0');
      expect(mutated).not.toBe(dockerfile);
      writeFileSync(path.join(clone, 'apps/api/Dockerfile.mutated'), mutated);
      // made at run time, so no literal secret sits in this repository
      writeFileSync(path.join(clone, 'apps/api/leaked.env'), `BACKEND_JWT_SECRET=${randomBytes(24).toString('hex')}\n`);
      writeFileSync(
        path.join(clone, 'todoctl.yaml'),
        [
          'apiVersion: todoctl/v1alpha1',
          'kind: Project',
          'name: todo-chatbot',
          'environments: { dev: { namespace: todo-dev } }',
          'releases:',
          '  - { name: todo-backend, chart: charts/todo-backend, image: todo-backend, build: { context: ., dockerfile: apps/api/Dockerfile.mutated } }',
        ].join('\n'),
      );
      try {
        const [api] = await build();
        expect(api!.skipped).toBe(false);
        const { code, findings } = await validateImages();
        const failed = findings.filter((f) => f.status === 'fail').map((f) => `${f.rule} ${f.message}`);
        expect(failed).toEqual(
          expect.arrayContaining([
            expect.stringMatching(/^TODO-IMG-001 .* runs as UID 0/),
            expect.stringMatching(/^TODO-IMG-002 .*\/app\/\.env:1 BACKEND_JWT_SECRET is assigned a literal secret/),
            expect.stringMatching(/^TODO-IMG-003 .* holds development dependencies /),
          ]),
        );
        expect(code).toBe(1);
      } finally {
        for (const f of ['todoctl.yaml', 'apps/api/Dockerfile.mutated', 'apps/api/leaked.env'])
          execFileSync('rm', ['-f', path.join(clone, f)]);
      }
    },
    BUILD,
  );
});

describe('todoctl build --push', () => {
  let registry: { host: string; stop(): void };
  beforeAll(async () => {
    registry = await startRegistry(setup.toolsBin);
  });
  afterAll(() => registry?.stop());

  it(
    'pushes each image and reports the digest the registry serves for it',
    async () => {
      const images = await build(['--push', registry.host]);
      for (const image of images) {
        expect(image.pushed!.ref).toBe(`${registry.host}/${image.image}:${image.tag}`);
        const served = execFileSync(path.join(setup.toolsBin, 'crane'), ['digest', '--insecure', image.pushed!.ref], {
          encoding: 'utf8',
        }).trim();
        expect(image.pushed!.digest).toBe(served);
      }
    },
    BUILD,
  );
});
