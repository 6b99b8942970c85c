import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_CATALOG, loadCatalog, type Catalog } from './catalog.js';
import {
  checkDotenv,
  checkManualYaml,
  checkSecrets,
  checkServiceEnv,
  documentedEnvNames,
  listRepoFiles,
  readEnvNames,
  type RepoFiles,
} from './repo.js';
import { entropy, scanText } from './secrets.js';
import { FakeRunner } from '../../test/helpers/fake-runner.js';
import { GitClient } from '../clients/git.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/policy/', import.meta.url));
let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog(BUNDLED_CATALOG);
});

function walk(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel)).flatMap((name) => {
    const path = rel ? `${rel}/${name}` : name;
    return statSync(join(dir, path)).isDirectory() ? walk(dir, path) : [path];
  });
}

function repoFiles(name: string, tracked: string[] | null, envIgnored: boolean | null): { root: string; files: RepoFiles } {
  const root = join(FIXTURES, 'repo', name);
  return { root, files: { tracked: tracked === null ? null : new Set(tracked), scan: walk(root), envIgnored } };
}

const statuses = (findings: { rule: string; status: string }[], rule: string) =>
  findings.filter((f) => f.rule === rule).map((f) => f.status);

describe('repository rules', () => {
  it('TODO-REPO-001 passes when .env is ignored and untracked', () => {
    const { files } = repoFiles('good', ['apps/api/env.example', '.gitignore'], true);
    expect(statuses(checkDotenv(files, catalog), 'TODO-REPO-001')).toEqual(['pass']);
  });

  it('TODO-REPO-001 fails for a tracked .env and a .gitignore that misses it', () => {
    const { files } = repoFiles('bad', ['.env', 'apps/api/.env.local', 'apps/api/.env.example'], false);
    const findings = checkDotenv(files, catalog);
    expect(findings.map((f) => [f.status, f.file])).toEqual([
      ['fail', '.env'],
      ['fail', 'apps/api/.env.local'],
      ['fail', '.gitignore'],
    ]);
  });

  it('TODO-REPO-001 treats .env templates as documentation, not leaks', () => {
    const templates = [
      '.env.example',
      'frontend/.env.local.example',
      'backend/.env.phase3.example',
      '.env.sample',
      'apps/web/.env.template',
      'backend/prod.env.example',
      'env.example',
    ];
    const { files } = repoFiles('good', [...templates, '.gitignore'], true);
    expect(statuses(checkDotenv(files, catalog), 'TODO-REPO-001')).toEqual(['pass']);
    const leaked = repoFiles('good', [...templates, '.env.local', 'apps/api/.env.production', 'backend/.env'], true);
    expect(checkDotenv(leaked.files, catalog).map((f) => [f.status, f.file])).toEqual([
      ['fail', '.env.local'],
      ['fail', 'apps/api/.env.production'],
      ['fail', 'backend/.env'],
    ]);
  });

  it('TODO-REPO-001 is not evaluated without git', () => {
    const { files } = repoFiles('good', null, null);
    expect(statuses(checkDotenv(files, catalog), 'TODO-REPO-001')).toEqual(['not-evaluated']);
  });

  it('TODO-REPO-002 and TODO-REPO-003 pass when env.example documents every prefixed variable', () => {
    const { root, files } = repoFiles('good', [], true);
    const findings = checkServiceEnv(root, files, catalog);
    expect(statuses(findings, 'TODO-REPO-002')).toEqual(['pass']);
    expect(statuses(findings, 'TODO-REPO-003')).toEqual(['pass']);
  });

  it('TODO-REPO-002 and TODO-REPO-003 name the undocumented and misnamed variables', () => {
    const { root, files } = repoFiles('bad', [], true);
    const findings = checkServiceEnv(root, files, catalog).filter((f) => f.status === 'fail');
    const missing = findings.filter((f) => f.rule === 'TODO-REPO-002').map((f) => f.message);
    expect(missing).toEqual([expect.stringContaining('BACKEND_OPENAI_MODEL is read by apps/api/src/env.ts:6')]);
    const naming = findings.filter((f) => f.rule === 'TODO-REPO-003');
    expect(naming.map((f) => `${f.file}:${f.line}`).sort()).toEqual([
      'apps/api/env.example:3',
      'apps/api/env.example:4',
      'apps/api/src/env.ts:4',
    ]);
  });

  it('TODO-REPO-004 flags Kubernetes objects outside charts but not other YAML', () => {
    const good = repoFiles('good', [], true);
    expect(statuses(checkManualYaml(good.root, good.files, catalog), 'TODO-REPO-004')).toEqual(['pass']);
    const bad = repoFiles('bad', [], true);
    const findings = checkManualYaml(bad.root, bad.files, catalog);
    expect(findings).toEqual([
      expect.objectContaining({ rule: 'TODO-REPO-004', status: 'fail', file: 'deploy/deployment.yaml', line: 4 }),
    ]);
  });

  it('reads env names from code and env.example', () => {
    expect(
      [...readEnvNames("process.env.NODE_ENV; process.env['BACKEND_X']; const s = { BACKEND_Y: 1 }", 'BACKEND')].sort(),
    ).toEqual(['BACKEND_X', 'BACKEND_Y', 'NODE_ENV']);
    expect([...documentedEnvNames('# BACKEND_A=1\nexport BACKEND_B=2\nnot a var\n').keys()]).toEqual(['BACKEND_A', 'BACKEND_B']);
  });

  it('lists files through git, dropping ignorePaths', async () => {
    const runner = new FakeRunner()
      .on('git', ['ls-files', '-z', '--cached'], { stdout: 'apps/api/env.example\0test/fixtures/policy/x.env\0' })
      .on('git', ['ls-files', '-z', '--others', '--exclude-standard'], { stdout: 'apps/api/src/env.ts\0' })
      .on('git', ['check-ignore'], { exitCode: 0 });
    const files = await listRepoFiles(new GitClient(runner), join(FIXTURES, 'repo', 'good'), catalog);
    expect(files.scan).toEqual(['apps/api/env.example', 'apps/api/src/env.ts']);
    expect(files.envIgnored).toBe(true);
    expect([...files.tracked!]).toContain('test/fixtures/policy/x.env');
  });
});

/** Deterministic fake secrets of each shape, built at test time so none is committed. */
function fake(kind: string): string {
  const stream = (seed: string, n: number, alphabet: string) => {
    let out = '';
    let block = Buffer.alloc(0);
    let i = 0;
    while (out.length < n) {
      if (block.length === 0) block = createHash('sha256').update(`${seed}:${i++}`).digest();
      out += alphabet[block[0]! % alphabet.length];
      block = block.subarray(1);
    }
    return out;
  };
  const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const b64 = `${alnum}+/`;
  const url = `${alnum}-_`;
  switch (kind) {
    case 'openai-proj':
      return `sk-proj-${stream(kind, 74, url)}${'T3Blbk'}FJ${stream(`${kind}2`, 74, url)}`;
    case 'openai-legacy':
      return `sk-${stream(kind, 20, alnum)}${'T3Blbk'}FJ${stream(`${kind}2`, 20, alnum)}`;
    case 'openai-unmarked':
      return `sk-proj-${stream(kind, 120, url)}`;
    case 'password':
      return stream(kind, 24, alnum);
    case 'jwt-secret':
      return stream(kind, 48, b64);
    case 'jwt-token':
      return `eyJ${stream('h', 30, url)}.eyJ${stream('p', 60, url)}.${stream('s', 43, url)}`;
    case 'pk-header':
      return 'RSA PRIVATE KEY';
    case 'base64-64':
      return stream(kind, 64, b64);
    case 'aws-id':
      return `AKIA${stream(kind, 16, upper)}`;
    case 'aws-secret':
      return stream(kind, 40, b64);
    case 'github':
      return `ghp_${stream(kind, 36, alnum)}`;
    case 'anthropic':
      return `sk-ant-api03-${stream(kind, 93, url)}AA`;
    case 'stripe-live':
      return `sk_live_${stream(kind, 32, alnum)}`;
    case 'stripe-restricted':
      return `rk_live_${stream(kind, 32, alnum)}`;
    case 'huggingface':
      return `hf_${stream(kind, 34, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz')}`;
    case 'slack-webhook':
      return `https://hooks.slack.com/services/T${stream(kind, 10, upper)}/B${stream(`${kind}2`, 10, upper)}/${stream(`${kind}3`, 24, alnum)}`;
    case 'sendgrid':
      return `SG.${stream(kind, 22, url)}.${stream(`${kind}2`, 43, url)}`;
    case 'npm':
      return `npm_${stream(kind, 36, alnum)}`;
    case 'gitlab':
      return `glpat-${stream(kind, 20, url)}`;
    case 'google-oauth':
      return `GOCSPX-${stream(kind, 28, url)}`;
    case 'better-auth':
      return stream(kind, 43, url);
    case 'django':
      return stream(kind, 50, `${alnum}!@#%^&*(-_=+)`);
    case 'api-key':
      return stream(kind, 40, alnum);
    default:
      throw new Error(`unknown fake secret kind ${kind}`);
  }
}

const materialize = (text: string) => text.replace(/\{\{fake:([a-z0-9-]+)\}\}/g, (_m, kind: string) => fake(kind));

describe('secret rules', () => {
  const dir = join(FIXTURES, 'secrets');
  const failFiles = readdirSync(join(dir, 'fail'));

  it('has a failing fixture for every secret rule', async () => {
    const ids = (await loadCatalog(BUNDLED_CATALOG)).rules.filter((r) => r.id.startsWith('TODO-SEC-')).map((r) => r.id);
    expect(ids.filter((id) => !failFiles.some((f) => f.startsWith(id)))).toEqual([]);
  });

  it.each(failFiles)('fail/%s is reported under its rule, and only that rule', (file) => {
    const rule = /^(TODO-SEC-\d{3})/.exec(file)![1];
    const hits = scanText(materialize(readFileSync(join(dir, 'fail', file), 'utf8')), file);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.filter((h) => h.rule !== rule)).toEqual([]);
    expect(hits.every((h) => h.line >= 1)).toBe(true);
    // The report never repeats the secret itself.
    for (const h of hits) expect(h.description).not.toMatch(/[A-Za-z0-9+/]{30,}/);
  });

  it.each(walk(join(dir, 'pass')))('pass/%s reports nothing', (file) => {
    expect(scanText(materialize(readFileSync(join(dir, 'pass', file), 'utf8')), file)).toEqual([]);
  });

  it('checkSecrets turns hits into findings with file and line, and passes per rule otherwise', () => {
    const root = join(dir, 'pass');
    const findings = checkSecrets(root, { tracked: null, scan: walk(root), envIgnored: null }, catalog);
    expect(findings.every((f) => f.status === 'pass')).toBe(true);
    expect(findings.map((f) => f.rule)).toEqual([
      'TODO-SEC-001',
      'TODO-SEC-002',
      'TODO-SEC-003',
      'TODO-SEC-004',
      'TODO-SEC-005',
      'TODO-SEC-006',
    ]);
    // Tracked templates (.env.*.example) are scanned like any other file.
    expect(walk(root)).toEqual(expect.arrayContaining(['.env.local.example', '.env.phase3.example']));
    const failing = checkSecrets(
      join(dir, 'fail'),
      { tracked: null, scan: ['TODO-SEC-002-localhost-weak.yaml'], envIgnored: null },
      catalog,
    );
    expect(failing.find((f) => f.status === 'fail')).toMatchObject({
      rule: 'TODO-SEC-002',
      file: 'TODO-SEC-002-localhost-weak.yaml',
      line: 2,
    });
  });

  it('reports each case of the fail fixtures on its line', () => {
    const lines = (file: string) =>
      scanText(materialize(readFileSync(join(dir, 'fail', file), 'utf8')), file).map((h) => `${h.rule}:${h.line}`);
    expect(lines('TODO-SEC-006-helm-values.yaml')).toEqual(['TODO-SEC-006:6']);
    expect(lines('TODO-SEC-006-settings.py')).toEqual(['TODO-SEC-006:4', 'TODO-SEC-006:12']);
    expect(lines('TODO-SEC-006-config.py')).toEqual(['TODO-SEC-006:6', 'TODO-SEC-006:7', 'TODO-SEC-006:10']);
    expect(lines('TODO-SEC-006-docker-compose.yml')).toEqual(['TODO-SEC-006:6', 'TODO-SEC-006:10']);
    expect(lines('TODO-SEC-006-code.ts.txt')).toEqual(['TODO-SEC-006:2', 'TODO-SEC-006:3', 'TODO-SEC-006:4', 'TODO-SEC-006:5']);
    expect(lines('TODO-SEC-006-deployment-env.yaml')).toEqual(['TODO-SEC-006:6']);
    expect(lines('TODO-SEC-006-appsettings.json')).toEqual(['TODO-SEC-006:2', 'TODO-SEC-006:3']);
    expect(lines('TODO-SEC-005-providers.env')).toEqual([2, 3, 4, 5, 6, 7, 8, 9].map((n) => `TODO-SEC-005:${n}`));
    const checked = checkSecrets(
      join(dir, 'fail'),
      { tracked: null, scan: ['TODO-SEC-006-leaked.env.example'], envIgnored: null },
      catalog,
    );
    expect(checked.filter((f) => f.status === 'fail')).toEqual([
      expect.objectContaining({ rule: 'TODO-SEC-006', file: 'TODO-SEC-006-leaked.env.example', line: 3 }),
    ]);
  });

  it('entropy separates generated values from words', () => {
    expect(entropy('aaaaaaaa')).toBe(0);
    expect(entropy(fake('jwt-secret'))).toBeGreaterThan(4);
  });
});
