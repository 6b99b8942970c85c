import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../test/helpers/fake-runner.js';
import { ToolError } from '../runtime/errors.js';
import { KubectlClient } from './kubectl.js';

describe('KubectlClient', () => {
  it('adds kubeconfig, context and namespace to every call and forces JSON', async () => {
    const runner = new FakeRunner().expect(
      'kubectl',
      ['get', 'pods', '--selector', 'app=x', '--output', 'json', '--kubeconfig', '/k', '--context', 'c', '--namespace', 'ns'],
      { stdout: '{"items":[]}' },
    );
    const result = await new KubectlClient(runner, { kubeconfig: '/k', context: 'c', namespace: 'ns' }).getJson(
      'pods',
      undefined,
      {
        selector: 'app=x',
      },
    );
    expect(result).toEqual({ items: [] });
    runner.assertDone();
  });

  it('drops the namespace for --all-namespaces and for version', async () => {
    const runner = new FakeRunner()
      .expect('kubectl', ['get', 'pods', '--all-namespaces', '--output', 'json', '--context', 'c'], { stdout: '{}' })
      .expect('kubectl', ['version', '--output', 'json', '--context', 'c'], {
        stdout: JSON.stringify({ clientVersion: { gitVersion: 'v1.36.3' }, serverVersion: { gitVersion: 'v1.36.3' } }),
      });
    const kubectl = new KubectlClient(runner, { context: 'c', namespace: 'ns' });
    await kubectl.getJson('pods', undefined, { allNamespaces: true });
    await expect(kubectl.version()).resolves.toEqual({ clientVersion: 'v1.36.3', serverVersion: 'v1.36.3' });
    runner.assertDone();
  });

  it("raises ToolError with kubectl's reason", async () => {
    const runner = new FakeRunner().expect('kubectl', ['get', 'deploy', 'x', '--output', 'json'], {
      exitCode: 1,
      stderr: 'Error from server (NotFound): deployments.apps "x" not found',
    });
    await expect(new KubectlClient(runner).getJson('deploy', 'x')).rejects.toThrow(ToolError);
  });
});
