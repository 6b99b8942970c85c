import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectGolden } from '../../test/helpers/golden.js';
import { FakeRunner } from '../../test/helpers/fake-runner.js';
import { runTodoctl } from '../../test/helpers/run-todoctl.js';

const ROOT = fileURLToPath(new URL('../../../test/fixtures/validate/', import.meta.url));

/** What `helm template` prints for the fixture chart: its Deployment, with the values' tag. */
const rendered = (tag: string) =>
  `---\n# Source: web/templates/deployment.yaml\n${readFileSync(`${ROOT}charts/web/templates/deployment.yaml`, 'utf8').replace('{{ .Values.image.tag }}', tag)}`;

/** helm answers lint and template in any order (validate runs them side by side); git is absent. */
function tools() {
  return new FakeRunner()
    .on('helm', ['lint'], { stdout: '1 chart(s) linted, 0 chart(s) failed' })
    .on('helm', ['template'], { stdout: rendered('latest') })
    .on('git', () => true, { exitCode: 128, stderr: 'fatal: not a git repository' });
}

/** The report's one moving part, its duration, made stable for the golden files. */
const stable = (s: string) => s.replace(/"durationMs": \d+/, '"durationMs": 0').replace(/, \d+ ms\)$/m, ', 0 ms)');

describe('todoctl validate (in-process)', () => {
  it('prints failing findings by file with their fix, and exits 1', async () => {
    const run = await runTodoctl(['validate', '--root', ROOT, '--env', 'dev'], { runner: tools() });
    expect(run.exitCode).toBe(1);
    expectGolden('validate.txt', stable(run.stdout));
    expect(run.stderr).toContain('constitution check(s) failed');
  });

  it('prints the report as JSON with the documented fields', async () => {
    const run = await runTodoctl(['validate', '--root', ROOT, '--env', 'dev,prod', '-o', 'json'], { runner: tools() });
    expect(run.exitCode).toBe(1);
    expectGolden('validate.json', stable(run.stdout));
    const report = JSON.parse(run.stdout) as { summary: { envs: string[] } };
    expect(report.summary.envs).toEqual(['dev', 'prod']);
  });

  it("renders every environment of the repository's todoctl.yaml with its release names and namespaces", async () => {
    const runner = tools();
    const run = await runTodoctl(['validate', '--root', ROOT, '-o', 'json'], { runner });
    expect((JSON.parse(run.stdout) as { summary: { envs: string[] } }).summary.envs).toEqual(['dev', 'prod']);
    const templates = runner.calls.filter((c) => c.args[0] === 'template').map((c) => [c.args[1], c.args[4]]);
    // dev, prod, and ci/default-values.yaml (rendered where the first environment is)
    expect(templates.sort()).toEqual([
      ['shop-web', 'shop-dev'],
      ['shop-web', 'shop-dev'],
      ['shop-web', 'shop-prod'],
    ]);
    const ci = runner.calls.find((c) => c.args[0] === 'template' && c.args.some((a) => a.endsWith('ci/default-values.yaml')));
    expect(ci?.args[4]).toBe('shop-dev');
  });

  it('exits 2 for an environment that todoctl.yaml does not define, naming the ones it does', async () => {
    const run = await runTodoctl(['validate', '--root', ROOT, '--env', 'staging'], { runner: new FakeRunner() });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('dev, prod (the environments of todoctl.yaml)');
  });

  it('exits 2 naming the formats it has for an unknown -o, before running anything', async () => {
    const runner = new FakeRunner();
    const run = await runTodoctl(['validate', '--root', ROOT, '-o', 'table'], { runner });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('Use -o text|json|yaml|sarif|junit');
    const rules = await runTodoctl(['validate', '--list-rules', '-o', 'sarif'], { runner });
    expect(rules.exitCode).toBe(2);
    expect(rules.stderr).toContain('Use -o text|json|yaml');
    expect(runner.calls).toEqual([]);
  });
});
