import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../test/helpers/fake-runner.js';
import { ToolError } from '../runtime/errors.js';
import { KubectlClient } from './kubectl.js';

const target = { context: 'minikube', namespace: 'todo-dev' };
const targetArgs = ['--context', 'minikube', '--namespace', 'todo-dev'];

describe('KubectlClient reads for doctor', () => {
  it('lists the names and keys of Secrets with a template that prints no value', async () => {
    const runner = new FakeRunner().on('kubectl', ['get', 'secrets'], (args) => {
      const template = args[3]!.replace(/^go-template=/, '');
      // the template names keys only: it ranges over .data binding the value to $_, never printed
      expect(template).toBe('{{range .items}}{{.metadata.name}}{{range $key, $_ := .data}} {{$key}}{{end}}{{"\\n"}}{{end}}');
      expect(template).not.toMatch(/\{\{\s*\$_\s*\}\}|\{\{\s*\.\s*\}\}|index/);
      expect(args).toEqual(['get', 'secrets', '--output', `go-template=${template}`, ...targetArgs]);
      return { stdout: 'todo-backend-secrets database-url jwt-secret openai-api-key\nempty\n' };
    });
    const keys = await new KubectlClient(runner, target).dataKeys('secrets');
    expect(keys).toEqual(
      new Map([
        ['todo-backend-secrets', ['database-url', 'jwt-secret', 'openai-api-key']],
        ['empty', []],
      ]),
    );
  });

  it('lists ConfigMaps with their data and binaryData keys', async () => {
    const runner = new FakeRunner().on('kubectl', ['get', 'configmaps'], (args) => {
      expect(args[3]).toBe(
        'go-template={{range .items}}{{.metadata.name}}{{range $key, $_ := .data}} {{$key}}{{end}}{{range $key, $_ := .binaryData}} {{$key}}{{end}}{{"\\n"}}{{end}}',
      );
      return { stdout: 'kube-root-ca.crt ca.crt\n' };
    });
    await expect(new KubectlClient(runner, target).dataKeys('configmaps')).resolves.toEqual(
      new Map([['kube-root-ca.crt', ['ca.crt']]]),
    );
  });

  it("reads the previous container's last lines", async () => {
    const runner = new FakeRunner().expect(
      'kubectl',
      ['logs', 'api-7d9c-x2x7q', '--container', 'api', '--previous', '--tail', '10', ...targetArgs],
      { stdout: '{"level":"info","message":"starting"}\n{"level":"fatal","message":"invalid environment"}\n' },
    );
    await expect(new KubectlClient(runner, target).logs('api-7d9c-x2x7q', 'api', { previous: true, tail: 10 })).resolves.toEqual([
      '{"level":"info","message":"starting"}',
      '{"level":"fatal","message":"invalid environment"}',
    ]);
  });

  it("reads the context and its cluster from the kubeconfig, minikube's extension included", async () => {
    // minikube's context as kubectl config view prints it (cli/test/fixtures/doctor/README.md)
    const view = readFileSync(new URL('../../test/fixtures/doctor/kubeconfig-minikube.json', import.meta.url), 'utf8');
    const runner = new FakeRunner().expect(
      'kubectl',
      ['config', 'view', '--minify', '--output', 'json', '--context', 'minikube'],
      {
        stdout: view,
      },
    );
    await expect(new KubectlClient(runner, target).currentContext()).resolves.toEqual({
      context: 'minikube',
      cluster: 'minikube',
      server: 'https://192.168.49.2:8443',
      certificateAuthority: '/home/dev/.minikube/ca.crt',
      providers: ['minikube.sigs.k8s.io'],
    });
  });

  it('no current context is undefined; another failure is a ToolError', async () => {
    const runner = new FakeRunner()
      .expect('kubectl', ['config', 'view', '--minify', '--output', 'json'], {
        exitCode: 1,
        stderr: 'error: current-context must exist in order to minify\n',
      })
      .expect('kubectl', ['config', 'view', '--minify', '--output', 'json'], {
        exitCode: 1,
        stderr: 'error: open /nope: permission denied\n',
      });
    const kubectl = new KubectlClient(runner);
    await expect(kubectl.currentContext()).resolves.toBeUndefined();
    await expect(kubectl.currentContext()).rejects.toThrow(ToolError);
  });
});
