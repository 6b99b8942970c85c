/**
 * `todoctl validate` as a user runs it: the built binary, real helm, real files.
 * helm comes from the pinned test tools (built on first use); nothing is skipped.
 */
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cluster.js';
import { todoctlBin } from '../support/todoctl.js';

const todoctl = (args: string[], env: Record<string, string> = {}) => todoctlBin(args, { env });

interface JsonReport {
  summary: { fail: number; pass: number; notEvaluated: number; envs: string[]; charts: string[] };
  findings: { rule: string; status: string; file: string; line: number; env: string | null; message: string; fix: string }[];
}

describe('todoctl validate', () => {
  it('passes on this repository for dev, staging and prod', async () => {
    const result = await todoctl(['validate', '-o', 'json']);
    const report = JSON.parse(result.stdout) as JsonReport;
    const failures = report.findings.filter((f) => f.status === 'fail').map((f) => `${f.file}:${f.line} ${f.rule} ${f.message}`);
    expect(failures).toEqual([]);
    expect(result.code).toBe(0);
    expect(report.summary.envs).toEqual(['dev', 'staging', 'prod']);
    expect(report.summary.charts).toEqual(['todo-backend', 'todo-common', 'todo-frontend', 'todo-infrastructure']);
    expect(report.summary.pass).toBeGreaterThan(100);
  });

  it('fails with exit 1 and names the file, line and rule of a chart that does not render', async () => {
    const result = await todoctl(['validate', '--root', 'test/fixtures/policy/render-fail', '--env', 'staging', '-o', 'json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('constitution check(s) failed');
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        rule: 'TODO-HELM-002',
        status: 'fail',
        file: 'charts/render-error/values-staging.yaml',
        line: 2,
        env: 'staging',
      }),
    );
  });

  it('prints SARIF 2.1.0 with the catalog as rules and the failures as results', async () => {
    const result = await todoctl(['validate', '--root', 'test/fixtures/policy/render-fail', '--env', 'staging', '-o', 'sarif']);
    expect(result.code).toBe(1);
    const sarif = JSON.parse(result.stdout) as {
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string }[] } };
        results: { ruleId: string; level: string; locations: unknown[] }[];
      }[];
    };
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0]!;
    expect(run.tool.driver.name).toBe('todoctl');
    expect(run.tool.driver.rules.map((r) => r.id)).toContain('TODO-HELM-002');
    const helm002 = run.results.find((r) => r.ruleId === 'TODO-HELM-002');
    expect(helm002).toMatchObject({ level: 'error' });
    expect(helm002!.locations).toHaveLength(1);
  });

  it('prints JUnit XML with a failure per failing check', async () => {
    const result = await todoctl(['validate', '--root', 'test/fixtures/policy/render-fail', '--env', 'staging', '-o', 'junit']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(result.stdout).toContain('<testsuites');
    expect(result.stdout).toMatch(/<failure[^>]*TODO-HELM-002|TODO-HELM-002[\s\S]*<failure/);
  });

  it('exits 2 and reports not-evaluated, never a pass, when helm is missing', async () => {
    const result = await todoctl(['validate', '--env', 'dev', '-o', 'json'], { TODOCTL_HELM: '/nonexistent/helm' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('validation is incomplete');
    const report = JSON.parse(result.stdout) as JsonReport;
    const helmRules = report.findings.filter((f) => f.rule === 'TODO-HELM-001' || f.rule === 'TODO-HELM-002');
    expect(helmRules.length).toBeGreaterThan(0);
    expect(helmRules.every((f) => f.status === 'not-evaluated')).toBe(true);
  });

  it('rejects an unknown environment and output format with exit 2', async () => {
    expect((await todoctl(['validate', '--env', 'dev,qa'])).code).toBe(2);
    const badFormat = await todoctl(['validate', '-o', 'table']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('Use -o text|json|yaml|sarif|junit');
  });

  it('lists the rule catalog as JSON', async () => {
    const result = await todoctl(['validate', '--list-rules', '-o', 'json']);
    expect(result.code).toBe(0);
    const rules = JSON.parse(result.stdout) as { id: string; severity: string; scope: string; fix: string }[];
    expect(rules.length).toBeGreaterThanOrEqual(50);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    expect(rules.every((r) => r.fix.length > 0)).toBe(true);
  });

  it('exits 2 with a usage error, not a crash, for a --root that does not exist', async () => {
    const missing = join(tmpdir(), `todoctl-no-such-folder-${process.pid}`);
    const result = await todoctl(['validate', '--root', missing]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--root ${missing} does not exist`);
    expect(result.stderr).not.toMatch(/unexpected|this is a bug/);
  });

  it('exits 2 for a folder with nothing to check instead of passing it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'todoctl-empty-'));
    const result = await todoctl(['validate', '--root', empty]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nothing to check');
    expect(result.stdout).not.toContain('PASSED');
  });

  it('prints a warning once in text mode, and on stderr only for machine formats', async () => {
    // outside git: the scan falls back to the working tree, and says so
    const dir = mkdtempSync(join(tmpdir(), 'todoctl-nogit-'));
    cpSync(join(repoRoot, 'test/fixtures/repos/values-only'), dir, { recursive: true });
    const text = await todoctl(['validate', '--root', dir]);
    const warning = 'scanned the working tree instead of tracked files';
    expect(`${text.stdout}${text.stderr}`.split(warning).length - 1).toBe(1);
    const json = await todoctl(['validate', '--root', dir, '-o', 'json']);
    expect(json.stderr.split(warning).length - 1).toBe(1);
    expect((JSON.parse(json.stdout) as { warnings: string[] }).warnings).toEqual([expect.stringContaining(warning)]);
  });

  it('reports a key repeated in todoctl.yaml or the catalog as a failing finding with both lines', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'todoctl-dup-')), 'repo');
    cpSync(join(repoRoot, 'test/fixtures/repos/mapped-envs'), dir, { recursive: true });
    appendFileSync(join(dir, 'todoctl.yaml'), 'name: todo-api-2\n');
    mkdirSync(join(dir, 'policies'));
    writeFileSync(
      join(dir, 'policies/rules.yaml'),
      `${readFileSync(join(repoRoot, 'policies/rules.yaml'), 'utf8')}kind: RuleCatalog\n`,
    );
    const catalogLines = readFileSync(join(dir, 'policies/rules.yaml'), 'utf8').split('\n').length - 1;
    const result = await todoctl(['validate', '--root', dir, '-o', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as JsonReport;
    const duplicates = report.findings.filter((f) => f.rule === 'TODO-REPO-005' && f.status === 'fail');
    expect(duplicates.map((f) => [f.file, f.line])).toEqual([
      ['policies/rules.yaml', catalogLines],
      ['todoctl.yaml', 15],
    ]);
    expect(duplicates[1]!.message).toContain('at lines 3 and 15');
    // every other command refuses the file, naming both lines
    const status = await todoctl(['status', '--config', join(dir, 'todoctl.yaml')]);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('key "name" appears twice, at lines 3 and 15');
  });
});

