import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTodoctl } from '../test/helpers/run-todoctl.js';
import { defaultConfig, loadConfig, parseConfig } from './config.js';
import { ConfigError } from './runtime/errors.js';

const valid = `apiVersion: todoctl/v1alpha1
kind: Project
name: todo-chatbot
environments:
  dev:
    namespace: todo-dev
    context: minikube
releases:
  - name: todo-backend
    chart: charts/todo-backend
`;

async function configError(text: string): Promise<ConfigError> {
  try {
    await parseConfig(text, 'todoctl.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('todoctl.yaml', () => {
  it('parses a valid file and fills defaults', async () => {
    const config = await parseConfig(valid, 'todoctl.yaml');
    expect(config.environments.dev).toEqual({ namespace: 'todo-dev', context: 'minikube' });
    expect(config.defaultEnv).toBe('dev');
    expect(config.ai.apiKeyEnv).toBe('TODOCTL_AI_API_KEY');
  });

  it('names the field and line of a wrong value', async () => {
    const error = await configError(valid.replace('namespace: todo-dev', 'namespace: Todo_Dev'));
    expect(error.message).toContain('todoctl.yaml:6');
    expect(error.message).toContain('field "environments.dev.namespace"');
    expect(error.message).toContain('RFC 1123');
    expect(error.exitCode).toBe(2);
  });

  it('names an unknown field instead of ignoring it', async () => {
    const error = await configError(valid.replace('    context: minikube', '    contxt: minikube'));
    expect(error.message).toContain('field "environments.dev"');
    expect(error.message).toContain('unknown field(s) "contxt"');
  });

  it('names a missing required field', async () => {
    const error = await configError(valid.replace('name: todo-chatbot\n', ''));
    expect(error.message).toContain('field "name"');
  });

  it('refuses an API key in place of the name of its variable', async () => {
    const error = await configError(`${valid}ai:\n  apiKeyEnv: sk-abc123\n`);
    expect(error.message).toContain('field "ai.apiKeyEnv"');
  });

  it('gives the position of a YAML syntax error', async () => {
    const error = await configError('apiVersion: todoctl/v1alpha1\nkind: [Project\n');
    expect(error.message).toMatch(/todoctl\.yaml:\d+:\d+: invalid YAML/);
  });

  it('is found by walking up from a subfolder, like git', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'todoctl-config-'));
    await writeFile(path.join(root, 'todoctl.yaml'), valid);
    const deep = path.join(root, 'apps', 'api', 'src');
    await mkdir(deep, { recursive: true });
    const loaded = await loadConfig({ cwd: deep });
    expect(loaded.file).toBe(path.join(root, 'todoctl.yaml'));
    expect(loaded.root).toBe(root);
  });

  it('falls back to the embedded defaults when there is no file', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'todoctl-noconfig-'));
    const loaded = await loadConfig({ cwd: empty });
    expect(loaded.file).toBeUndefined();
    expect(loaded.config).toEqual(defaultConfig());
  });

  it('makes the CLI exit 2 with the message on stderr', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'todoctl-badconfig-'));
    await writeFile(path.join(root, 'todoctl.yaml'), valid.replace('kind: Project', 'kind: Projekt'));
    const run = await runTodoctl(['status'], { cwd: root });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('field "kind"');
    run.runner.assertDone();
  });
});
