import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../test/helpers/fake-runner.js';
import { runTodoctl } from '../../test/helpers/run-todoctl.js';

const versionCall = ['version', '--template', '{{.Version}}'];
const serverVersion = JSON.stringify({ clientVersion: { gitVersion: 'v1.36.3' }, serverVersion: { gitVersion: 'v1.36.3' } });

describe('todoctl doctor', () => {
  it('passes when node, helm, kubectl and the cluster answer, and reports JSON on stdout', async () => {
    // helm and the cluster are asked side by side, so in any order
    const runner = new FakeRunner({ kubectl: '/usr/bin/kubectl' })
      .on('helm', versionCall, { stdout: 'v4.3.1' })
      .on('kubectl', ['version', '--output', 'json', '--context', 'kwok'], { stdout: serverVersion });
    const run = await runTodoctl(['doctor', '-o', 'json', '--context', 'kwok'], { runner });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.stdout) as { ok: boolean; checks: { name: string; status: string; detail: string }[] };
    expect(report.ok).toBe(true);
    expect(Object.fromEntries(report.checks.map((c) => [c.name, c.status]))).toEqual({
      node: 'ok',
      config: 'ok',
      helm: 'ok',
      kubectl: 'ok',
      cluster: 'ok',
      'kubectl-ai': 'warn',
    });
    expect(report.checks.find((c) => c.name === 'helm')?.detail).toBe('v4.3.1 (Helm 4)');
    // one `helm version` serves both the version and the major version
    expect(runner.calls.filter((c) => c.cmd === 'helm')).toHaveLength(1);
  });

  it('fails with exit 1 and a fix for each missing piece', async () => {
    const runner = new FakeRunner()
      .on('helm', versionCall, { exitCode: 127 })
      .on('kubectl', ['version', '--output', 'json'], { exitCode: 127 });
    const run = await runTodoctl(['doctor'], { runner, nodeVersion: 'v20.20.2' });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/^node\s+fail\s+v20\.20\.2\s+Install Node\.js >= 22\.12/m);
    expect(run.stdout).toMatch(/^helm\s+fail\s+helm was not found on PATH/m);
    expect(run.stdout).toMatch(/^kubectl\s+fail/m);
    expect(run.stderr).toContain('4 check(s) failed: node, helm, kubectl, cluster');
  });
});
