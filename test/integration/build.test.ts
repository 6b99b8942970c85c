/**
 * `todoctl build` as a user runs it, in a real git repository, with stand-ins for docker and
 * minikube (neither can run here) that keep their CLI contracts: test/fixtures/bin/docker and
 * test/fixtures/bin/minikube say which documented outputs they print. Their "images" are records
 * in a state folder, so the test can see what was built, what minikube holds, and make minikube
 * hold a stale image the way `minikube image load` does (it keeps an image it has by that tag).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cluster.js';
import { todoctlBin } from '../support/todoctl.js';

interface Built {
  release: string;
  image: string;
  tag: string;
  skipped: boolean;
  minikube?: { profile: string; action: string };
}

const state = mkdtempSync(path.join(os.tmpdir(), 'todoctl-build-state-'));
const repo = mkdtempSync(path.join(os.tmpdir(), 'todoctl-build-repo-'));
const key = (ref: string) => ref.replace(/[/:]/g, '_');

/** A kubeconfig whose context is minikube's (no cluster is asked: build reads the context only). */
function kubeconfig(context: string): string {
  const file = path.join(repo, `.kube-${context}`);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      `current-context: ${context}`,
      `clusters: [{ name: ${context}, cluster: { server: 'https://192.168.49.2:8443' } }]`,
      `contexts: [{ name: ${context}, context: { cluster: ${context}, user: ${context} } }]`,
      `users: [{ name: ${context}, user: {} }]`,
    ].join('\n'),
  );
  return file;
}

/** `todoctl build` against a minikube whose runtime is containerd (images are loaded) unless said. */
const build = async (context = 'minikube', o: { runtime?: 'containerd' | 'ready'; state?: string } = {}) => {
  const run = await todoctlBin(['build', '--no-scan', '-o', 'json'], {
    cwd: repo,
    env: {
      PATH: `${path.join(repoRoot, 'test/fixtures/bin')}${path.delimiter}${process.env.PATH}`,
      KUBECONFIG: kubeconfig(context),
      TODOCTL_STANDIN_STATE: o.state ?? state,
      TODOCTL_MINIKUBE_STANDIN: o.runtime ?? 'containerd',
    },
  });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Built[];
};
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();

beforeAll(() => {
  for (const [service, content] of [
    ['api', 'backend v1'],
    ['web', 'frontend v1'],
  ]) {
    mkdirSync(path.join(repo, service!));
    writeFileSync(path.join(repo, service!, 'Dockerfile'), 'FROM scratch\nCOPY . /app\n');
    writeFileSync(path.join(repo, service!, 'app.txt'), content!);
  }
  writeFileSync(
    path.join(repo, 'todoctl.yaml'),
    [
      'apiVersion: todoctl/v1alpha1',
      'kind: Project',
      'name: shop',
      'releases:',
      '  - { name: todo-backend, chart: charts/todo-backend, image: todo-backend, build: { context: api } }',
      '  - { name: todo-frontend, chart: charts/todo-frontend, image: todo-frontend, build: { context: web } }',
    ].join('\n'),
  );
  writeFileSync(path.join(repo, '.gitignore'), '.kube-*\n');
  git('init', '-q');
  git('-c', 'user.email=t@example.invalid', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'empty');
  git('add', '.');
  git('-c', 'user.email=t@example.invalid', '-c', 'user.name=t', 'commit', '-q', '-m', 'services');
});

describe('todoctl build', () => {
  it('tags images after the commit, builds them and loads them into minikube', async () => {
    const sha = git('rev-parse', '--short=7', 'HEAD');
    const images = await build();
    expect(images.map((i) => [i.image, i.tag, i.skipped, i.minikube?.action])).toEqual([
      ['todo-backend', `dev-${sha}`, false, 'loaded'],
      ['todo-frontend', `dev-${sha}`, false, 'loaded'],
    ]);
    // minikube holds what docker built
    expect(readFileSync(path.join(state, 'minikube', key(`todo-backend:dev-${sha}`)), 'utf8')).toBe(
      readFileSync(path.join(state, 'docker', key(`todo-backend:dev-${sha}`)), 'utf8'),
    );
  });

  it('builds nothing again when nothing changed', async () => {
    const images = await build();
    expect(images.map((i) => [i.skipped, i.minikube?.action])).toEqual([
      [true, 'present'],
      [true, 'present'],
    ]);
  });

  it('gives a changed service a tag with its content hash, and skips the one that did not change', async () => {
    const sha = git('rev-parse', '--short=7', 'HEAD');
    writeFileSync(path.join(repo, 'api', 'app.txt'), 'backend v2 (not committed)');
    const images = await build();
    const [api, web] = images;
    expect(api!.tag).toMatch(new RegExp(`^dev-${sha}[0-9a-f]{8}$`));
    expect(api).toMatchObject({ skipped: false, minikube: { action: 'loaded' } });
    expect(web).toMatchObject({ tag: `dev-${sha}`, skipped: true, minikube: { action: 'present' } });
    // the same content gives the same tag: nothing to build the second time
    expect((await build())[0]).toMatchObject({ tag: api!.tag, skipped: true });
  });

  it('replaces an image minikube kept under the same tag with other content', async () => {
    const sha = git('rev-parse', '--short=7', 'HEAD');
    const ref = `todo-frontend:dev-${sha}`;
    // docker now has other content under the tag minikube already holds (a rebuild of the same tag)
    writeFileSync(path.join(state, 'docker', key(ref)), `sha256:${'f'.repeat(64)}\n`);
    const [, web] = await build();
    expect(web).toMatchObject({ tag: `dev-${sha}`, skipped: true, minikube: { action: 'replaced-stale' } });
    expect(readFileSync(path.join(state, 'minikube', key(ref)), 'utf8').trim()).toBe(`sha256:${'f'.repeat(64)}`);
  });

  it('builds with docker pointed inside minikube when its runtime is Docker, so there is nothing to load', async () => {
    const fresh = mkdtempSync(path.join(os.tmpdir(), 'todoctl-build-state-'));
    const sha = git('rev-parse', '--short=7', 'HEAD');
    // `ready/` is a minikube with driver and runtime docker
    const [api, web] = await build('minikube', { runtime: 'ready', state: fresh });
    expect(web).toMatchObject({ tag: `dev-${sha}`, skipped: false, minikube: { action: 'built-inside' } });
    expect(api).toMatchObject({ skipped: false, minikube: { action: 'built-inside' } });
    // the image is in the cluster's runtime, and the host's docker never saw it
    expect(readFileSync(path.join(fresh, 'minikube', key(`todo-frontend:dev-${sha}`)), 'utf8')).toMatch(/^sha256:/);
    expect(() => readFileSync(path.join(fresh, 'docker', key(`todo-frontend:dev-${sha}`)))).toThrow();
    expect((await build('minikube', { runtime: 'ready', state: fresh }))[1]).toMatchObject({
      skipped: true,
      minikube: { action: 'present' },
    });
  });

  it('leaves minikube out when the cluster is not minikube', async () => {
    const images = await build('kind-dev');
    expect(images.every((i) => i.minikube === undefined)).toBe(true);
  });

  it('passes the OCI label values and the registry settings (as build secrets, never build args)', async () => {
    const fresh = mkdtempSync(path.join(os.tmpdir(), 'todoctl-build-state-'));
    const npmrc = path.join(fresh, 'npmrc');
    const ca = path.join(fresh, 'ca.pem');
    writeFileSync(npmrc, 'registry=https://registry.example.test/\n');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
    const run = await todoctlBin(['build', '--no-scan', '-o', 'json', '--build-arg', 'NODE_IMAGE=base.example.test/node:24'], {
      cwd: repo,
      env: {
        PATH: `${path.join(repoRoot, 'test/fixtures/bin')}${path.delimiter}${process.env.PATH}`,
        KUBECONFIG: kubeconfig('kind-dev'),
        TODOCTL_STANDIN_STATE: fresh,
        NPM_CONFIG_USERCONFIG: npmrc,
        NODE_EXTRA_CA_CERTS: ca,
      },
    });
    expect(run.stderr).toBe('');
    const [api] = JSON.parse(run.stdout) as (Built & { sizeBytes: number; id: string })[];
    expect(api!.sizeBytes).toBe(12345678);
    expect(api!.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    const recorded = (what: string) => readFileSync(path.join(fresh, 'docker', key(`todo-backend:${api!.tag}`) + what), 'utf8');
    expect(recorded('.args').trim().split('\n')).toEqual([
      `SOURCE_URL=`,
      `REVISION=${git('rev-parse', 'HEAD')}`,
      `VERSION=${api!.tag}`,
      'NODE_IMAGE=base.example.test/node:24',
    ]);
    expect(recorded('.secrets').trim().split('\n')).toEqual(['id=npmrc', 'id=npm-ca']);
  });

  it('refuses a --push that is not a registry, and a --build-arg that is not NAME=VALUE', async () => {
    const push = await todoctlBin(['build', '--push', 'https://registry.example.test'], { cwd: repo });
    expect(push.code).toBe(2);
    expect(push.stderr).toContain('Give host[:port][/path]');
    const arg = await todoctlBin(['build', '--build-arg', 'no-equals'], { cwd: repo });
    expect(arg.code).toBe(2);
    expect(arg.stderr).toContain('is not NAME=VALUE');
  });

  it('refuses a builder it does not know, naming the ones it does', async () => {
    const run = await todoctlBin(['build', '--builder', 'nerdctl'], { cwd: repo });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Use --builder docker|podman.');
  });
});
