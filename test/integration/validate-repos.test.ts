/**
 * `todoctl validate` on repositories laid out like the public AI todo chatbots users point it
 * at (test/fixtures/repos/*: charts under helm/ or deploy/, values.yaml-only charts, Python
 * Dockerfiles, .env templates, todoctl.yaml mapping environment files). Each repository is
 * copied to a fresh git repository, as a user's clone is, and validated by the built binary
 * with real helm. Its expected.yaml lists every failing finding (rule, file and line): a
 * missed defect and a false alarm (a placeholder flagged as a secret) both fail the test.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { todoctlBin } from '../support/todoctl.js';

const REPOS = fileURLToPath(new URL('../fixtures/repos/', import.meta.url));

interface Expected {
  exitCode: number;
  /** `<rule> <file>:<line>` of every failing finding, in any environment. */
  failures: string[];
  /** Files that hold placeholders or templates: no finding of any rule may point at them. */
  clean?: string[];
  /** Failures only some renders have, with exactly those renders (environment or ci values file). */
  renders?: Record<string, string[]>;
}

interface JsonReport {
  summary: { charts: string[] };
  findings: {
    rule: string;
    status: string;
    file: string;
    line: number;
    message: string;
    fix: string;
    env: string | null;
    values?: string;
  }[];
}

/** A git repository holding a copy of the fixture, every file staged (tracked), as a clone has them. */
function cloneOf(name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'todoctl-repo-')), name);
  cpSync(join(REPOS, name), dir, { recursive: true, filter: (src) => !src.endsWith('expected.yaml') });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  git('add', '-A');
  return dir;
}

const repos = readdirSync(REPOS, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe('todoctl validate on realistic repositories', () => {
  it('has repositories to check', () => {
    expect(repos).toEqual(expect.arrayContaining(['helm-layout', 'mapped-envs', 'values-only']));
  });

  for (const name of repos) {
    it(`${name}: every defect with its file and line, no false alarm`, { timeout: 120_000 }, async () => {
      const expected = parse(readFileSync(join(REPOS, name, 'expected.yaml'), 'utf8')) as Expected;
      const root = cloneOf(name);
      const result = await todoctlBin(['validate', '--root', root, '-o', 'json']);
      const report = JSON.parse(result.stdout) as JsonReport;
      const failing = report.findings.filter((f) => f.status === 'fail');
      const actual = [...new Set(failing.map((f) => `${f.rule} ${f.file}:${f.line}`))].sort();
      expect(actual).toEqual([...expected.failures].sort());
      expect(result.code, result.stderr).toBe(expected.exitCode);
      for (const file of expected.clean ?? []) {
        expect(
          report.findings.filter((f) => f.file === file && f.status !== 'pass').map((f) => `${f.rule}: ${f.message}`),
          file,
        ).toEqual([]);
      }
      for (const [failure, renders] of Object.entries(expected.renders ?? {})) {
        const seen = failing.filter((f) => `${f.rule} ${f.file}:${f.line}` === failure).map((f) => f.env ?? f.values);
        expect([...new Set(seen)].sort(), failure).toEqual([...renders].sort());
      }
      // fix texts speak the language of the image: no Node advice for a Python Dockerfile
      for (const f of failing.filter((x) => x.rule.startsWith('TODO-DKR-'))) {
        if (!readFileSync(join(root, f.file), 'utf8').includes('FROM python')) continue;
        expect(f.fix, `${f.rule} ${f.file}`).not.toMatch(/\bnode\b|\bnpm\b/i);
      }
      // nothing was left unevaluated except the version bump, which needs --base
      expect(
        report.findings.filter((f) => f.status === 'not-evaluated' && f.rule !== 'TODO-HELM-004').map((f) => f.message),
      ).toEqual([]);
    });
  }
});
