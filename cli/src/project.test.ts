import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HelmClient } from './clients/helm.js';
import { FakeRunner } from '../test/helpers/fake-runner.js';
import { runTodoctl } from '../test/helpers/run-todoctl.js';
import { defaultConfig, parseConfig } from './config.js';
import { environmentsOf, parseEnvFlag, renderTargetOf } from './project.js';
import { UsageError } from './runtime/errors.js';

const teamConfig = await parseConfig(
  [
    'apiVersion: todoctl/v1alpha1',
    'kind: Project',
    'name: team-a',
    'environments:',
    '  dev: { namespace: team-a }',
    '  prod: { namespace: team-a-prod, context: prod-cluster }',
    'releases:',
    '  - { name: api, chart: charts/todo-backend }',
    '  - { name: infra, chart: ./charts/todo-infrastructure, namespace: platform }',
  ].join('\n'),
  'todoctl.yaml',
);

describe('project facts', () => {
  it('defaults to dev, staging and prod in todo-<env>', () => {
    expect(Object.fromEntries(environmentsOf(defaultConfig()))).toEqual({
      dev: { namespace: 'todo-dev' },
      staging: { namespace: 'todo-staging' },
      prod: { namespace: 'todo-prod' },
    });
  });

  it("takes exactly todoctl.yaml's environments when it lists some", () => {
    expect([...environmentsOf(teamConfig).keys()]).toEqual(['dev', 'prod']);
    expect(environmentsOf(teamConfig).get('prod')).toEqual({ namespace: 'team-a-prod', context: 'prod-cluster' });
  });

  it('parses --env against them, as one or (where allowed) a list', () => {
    expect(parseEnvFlag(teamConfig, 'prod', { list: false })).toEqual(['prod']);
    expect(parseEnvFlag(teamConfig, 'dev, prod,dev', { list: true })).toEqual(['dev', 'prod']);
    expect(() => parseEnvFlag(teamConfig, 'staging', { list: false })).toThrow(UsageError);
    const error = (() => {
      try {
        parseEnvFlag(teamConfig, 'staging', { list: true });
      } catch (e) {
        return e as UsageError;
      }
    })();
    expect(error?.hint).toContain('dev, prod (the environments of todoctl.yaml)');
    expect(() => parseEnvFlag(teamConfig, 'dev,prod', { list: false })).toThrow(/one environment/);
  });

  it("renders a chart with its release's name and namespace, else the chart's name in the environment's namespace", () => {
    const target = renderTargetOf(teamConfig, '/repo');
    expect(target({ name: 'todo-backend', dir: 'charts/todo-backend' }, 'prod')).toEqual({
      release: 'api',
      namespace: 'team-a-prod',
    });
    expect(target({ name: 'todo-infrastructure', dir: 'charts/todo-infrastructure' }, 'dev')).toEqual({
      release: 'infra',
      namespace: 'platform',
    });
    expect(target({ name: 'todo-frontend', dir: 'charts/todo-frontend' }, 'dev')).toEqual({
      release: 'todo-frontend',
      namespace: 'team-a',
    });
  });

  it('lets status and validate agree on the namespace of todoctl.yaml', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'todoctl-project-'));
    writeFileSync(
      path.join(dir, 'todoctl.yaml'),
      'apiVersion: todoctl/v1alpha1\nkind: Project\nname: team-a\nenvironments:\n  dev: { namespace: team-a }\n',
    );
    const runner = new FakeRunner()
      .on('helm', [...HelmClient.listArgs(), '--namespace', 'team-a'], { stdout: '[]' })
      .on('kubectl', ['get', 'pods', '--output', 'json', '--namespace', 'team-a'], { stdout: '{"items":[]}' })
      .on('kubectl', ['get', 'ingresses,services', '--output', 'json', '--namespace', 'team-a'], { stdout: '{"items":[]}' })
      .on('kubectl', ['config', 'view', '--minify', '--output', 'json'], { stdout: '{}' });
    const status = await runTodoctl(['status', '-o', 'json'], { runner, cwd: dir });
    expect(JSON.parse(status.stdout)).toMatchObject({ namespace: 'team-a' });
    const unknown = await runTodoctl(['--env', 'staging', 'doctor'], { cwd: dir });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('Use --env dev (the environments of todoctl.yaml)');
  });
});
