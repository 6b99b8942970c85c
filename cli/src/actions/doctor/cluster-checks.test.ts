import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HelmRelease, HelmRevision } from '../../clients/helm.js';
import type { MinikubeProfile } from '../../clients/minikube.js';
import { ownerOf } from './analyzers.js';
import * as checks from './cluster-checks.js';
import type { ExpectedRelease } from './cluster-checks.js';
import { namespaceSchema, nodeSchema, parseItems, podSchema, quotaSchema } from './kube.js';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/doctor/${name}`, import.meta.url), 'utf8');
const list = JSON.parse(fixture('namespace-objects.json')) as { items: { kind: string }[] };
const ofKind = (kind: string) => ({ items: list.items.filter((i) => i.kind === kind) });
const nodes = parseItems(ofKind('Node'), nodeSchema, 'nodes');
const pods = parseItems(ofKind('Pod'), podSchema, 'pods');
const backend: ExpectedRelease = {
  name: 'todo-backend',
  chart: 'charts/todo-backend',
  valuesFile: 'charts/todo-backend/values-dev.yaml',
};

describe('cluster version and resources', () => {
  it('needs Kubernetes 1.28 or later', () => {
    expect(checks.clusterVersionCheck('v1.36.3', 'kwok')).toEqual({
      name: 'cluster',
      status: 'ok',
      detail: 'server v1.36.3 (context kwok)',
    });
    expect(checks.clusterVersionCheck('v1.27.16', undefined, 'minikube')).toEqual({
      name: 'cluster',
      status: 'fail',
      detail: 'server v1.27.16; todoctl needs Kubernetes >= 1.28',
      fix: 'minikube start -p minikube --kubernetes-version=stable',
    });
  });

  it("sums the nodes' capacity (the test cluster's two fake nodes)", () => {
    expect(checks.resourcesCheck(nodes)).toEqual({
      name: 'cluster-resources',
      status: 'ok',
      detail: '2 node(s) with 64 CPUs and 512 GiB of memory',
    });
    const small = nodeSchema.parse({ metadata: { name: 'laptop' }, status: { capacity: { cpu: '2', memory: '8025304Ki' } } });
    const check = checks.resourcesCheck([small]);
    expect(check.status).toBe('fail');
    expect(check.detail).toBe('1 node(s) with 2 CPUs and 7.7 GiB of memory; the constitution asks for >= 4 CPUs and >= 8 GiB');
  });

  it('on minikube, judges what the profile was given and names the command that gives more', () => {
    const profile = (CPUs: number, Memory: number) =>
      ({
        Name: 'minikube',
        Status: 'Skipped',
        Config: {
          Driver: 'docker',
          CPUs,
          Memory,
          KubernetesConfig: { KubernetesVersion: 'v1.31.0', ContainerRuntime: 'docker' },
        },
      }) as MinikubeProfile;
    const small = checks.resourcesCheck(nodes, { profile: 'minikube', config: profile(2, 3900) });
    expect(small.status).toBe('fail');
    expect(small.detail).toMatch(/^minikube profile minikube has 2 CPUs and 3900 MiB \(2 node\(s\) with/);
    expect(small.fix).toBe('minikube delete -p minikube && minikube start -p minikube --cpus=4 --memory=8192');
    expect(checks.resourcesCheck(nodes, { profile: 'minikube', config: profile(4, 8192) }).status).toBe('ok');
  });
});

describe('namespace and quota', () => {
  const infra = { release: 'todo-infrastructure', command: 'helm upgrade --install todo-infrastructure ...' };

  it('a missing namespace is a warning with what creates it', () => {
    expect(checks.namespaceCheck('todo-dev', null, infra)).toMatchObject({
      status: 'warn',
      detail: 'namespace todo-dev does not exist',
      fix: 'helm upgrade --install todo-infrastructure ... (release todo-infrastructure creates todo-dev, its quota and policies)',
    });
    expect(checks.namespaceCheck('scratch', null, undefined).fix).toBe('kubectl create namespace scratch');
    const terminating = namespaceSchema.parse({ metadata: { name: 'todo-dev' }, status: { phase: 'Terminating' } });
    expect(checks.namespaceCheck('todo-dev', terminating, infra)).toMatchObject({
      status: 'warn',
      detail: 'namespace todo-dev is Terminating',
    });
  });

  it('no ResourceQuota fails (the constitution requires one); a used-up one warns with the numbers', () => {
    expect(checks.quotaCheck('scratch', [], undefined)).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/^kubectl create quota scratch-quota -n scratch --hard=/),
    });
    const quotas = parseItems(ofKind('ResourceQuota'), quotaSchema, 'resourcequotas');
    expect(checks.quotaCheck('todo-fixture', quotas, undefined)).toMatchObject({
      status: 'warn',
      detail: 'used up in todo-fixture: todo-quota: pods 10/10',
    });
    const roomy = quotaSchema.parse({
      metadata: { name: 'q' },
      status: { hard: { pods: '50', 'requests.cpu': '4' }, used: { pods: '3', 'requests.cpu': '300m' } },
    });
    expect(checks.quotaCheck('todo-dev', [roomy], undefined)).toEqual({
      name: 'quota',
      status: 'ok',
      detail: 'q (2 limit(s)) in todo-dev, none used up',
    });
  });
});

describe('required Secrets: names and keys only', () => {
  const required = [
    { name: 'todo-backend-secrets', keys: ['database-url', 'jwt-secret', 'openai-api-key'], releases: ['todo-backend'] },
  ];

  it('names a missing Secret and the command that creates it with every key', () => {
    expect(checks.secretsCheck('todo-dev', required, new Map())).toEqual({
      name: 'secrets',
      status: 'fail',
      detail: 'secret todo-backend-secrets (todo-backend) not found in todo-dev',
      fix: "kubectl create secret generic todo-backend-secrets -n todo-dev --from-literal=database-url='<value>' --from-literal=jwt-secret='<value>' --from-literal=openai-api-key='<value>'",
    });
  });

  it('names missing keys of a present Secret, and passes when all are there', () => {
    const partial = checks.secretsCheck('todo-dev', required, new Map([['todo-backend-secrets', ['database-url']]]));
    expect(partial).toMatchObject({
      status: 'fail',
      detail: 'secret todo-backend-secrets (todo-backend) lacks key(s) jwt-secret, openai-api-key',
    });
    expect(partial.fix).toBe(
      `kubectl patch secret todo-backend-secrets -n todo-dev --type merge -p '{"stringData":{"jwt-secret":"<value>","openai-api-key":"<value>"}}'`,
    );
    const all = checks.secretsCheck(
      'todo-dev',
      required,
      new Map([['todo-backend-secrets', ['database-url', 'jwt-secret', 'openai-api-key']]]),
    );
    expect(all).toEqual({
      name: 'secrets',
      status: 'ok',
      detail: 'present in todo-dev: todo-backend-secrets (database-url, jwt-secret, openai-api-key)',
    });
    expect(checks.secretsCheck('todo-dev', [], new Map()).status).toBe('ok');
  });
});

describe('releases', () => {
  // as `helm list -o json` and `helm history -o json` print them (helm pkg/cmd/list.go, history.go)
  const release = (status: string, revision: number): HelmRelease => ({
    name: 'todo-backend',
    namespace: 'todo-dev',
    revision,
    updated: '2026-12-01 10:00:00.123456789 +0000 UTC',
    status,
    chart: 'todo-backend-0.2.0',
    app_version: '1.0.0',
  });
  const revision = (n: number, status: string, description: string): HelmRevision => ({
    revision: n,
    updated: `2026-12-01T0${n}:00:00.000000000Z`,
    status,
    chart: 'todo-backend-0.2.0',
    app_version: '1.0.0',
    description,
  });

  it('a release stuck in pending-upgrade: roll back to the last revision that was deployed', () => {
    const history = JSON.parse(fixture('helm-history-pending-upgrade.json')) as HelmRevision[];
    const check = checks.releasesCheck(
      'todo-dev',
      [backend],
      [release('pending-upgrade', 3)],
      new Map([['todo-backend', history]]),
    );
    expect(check.status).toBe('fail');
    expect(check.detail).toBe(
      'todo-backend revision 3 pending-upgrade (todo-backend-0.2.0) since 2026-12-01 10:00:00.123456789 +0000 UTC: "Preparing upgrade"',
    );
    expect(check.fix).toMatch(/^helm rollback todo-backend 2 -n todo-dev \(revision 2 is the last that was deployed/);
  });

  it('a first install stuck in pending-install: uninstall it', () => {
    const check = checks.releasesCheck(
      'todo-dev',
      [backend],
      [release('pending-install', 1)],
      new Map([['todo-backend', [revision(1, 'pending-install', 'Initial install underway')]]]),
    );
    expect(check.fix).toBe('helm uninstall todo-backend -n todo-dev (no revision was ever deployed), then install it again');
  });

  it('a failed upgrade rolls back past the failed revisions to a superseded one', () => {
    const history = [
      revision(1, 'superseded', 'Install complete'),
      revision(2, 'failed', 'Upgrade "todo-backend" failed'),
      revision(3, 'failed', 'Upgrade "todo-backend" failed'),
    ];
    const check = checks.releasesCheck('todo-dev', [], [release('failed', 3)], new Map([['todo-backend', history]]));
    expect(check).toMatchObject({ status: 'fail', fix: 'helm rollback todo-backend 1 -n todo-dev' });
  });

  it('a release todoctl.yaml deploys here that is not installed: the install command', () => {
    expect(checks.releasesCheck('todo-dev', [backend], [], new Map())).toEqual({
      name: 'releases',
      status: 'warn',
      detail: 'todo-backend is not installed',
      fix: 'helm dependency build charts/todo-backend && helm upgrade --install todo-backend charts/todo-backend --namespace todo-dev --values charts/todo-backend/values-dev.yaml',
    });
    expect(checks.releasesCheck('todo-dev', [backend], [release('deployed', 4)], new Map())).toEqual({
      name: 'releases',
      status: 'ok',
      detail: 'todo-backend revision 4 deployed (todo-backend-0.2.0)',
    });
  });
});

describe("the API server's flags", () => {
  // what kubectl prints for minikube's API server (cli/test/fixtures/doctor/README.md), with `extra` flags
  const apiServerPod = (extra: string[]) => {
    const [pod] = parseItems(JSON.parse(fixture('kube-apiserver-minikube.json')), podSchema, 'pods');
    pod!.spec.containers[0]!.command.push(...extra);
    return pod!;
  };

  it("minikube's defaults: neither encryption at rest nor audit logging, with minikube's recipes", () => {
    const flags = checks.apiServerFlags([apiServerPod([])]);
    expect(flags?.flags.get('secure-port')).toBe('8443');
    const encryption = checks.encryptionCheck(flags, 'minikube');
    expect(encryption).toMatchObject({
      status: 'fail',
      detail: 'kube-apiserver-minikube runs without --encryption-provider-config: Secrets are stored unencrypted in etcd',
    });
    expect(encryption.fix).toContain('mkdir -p ~/.minikube/files/etc/ssl/certs');
    expect(encryption.fix).toContain(
      'minikube start -p minikube --extra-config=apiserver.encryption-provider-config=/etc/ssl/certs/encryption-config.yaml',
    );
    expect(encryption.fix).toContain('kubectl get secrets --all-namespaces -o json | kubectl replace -f -');
    const audit = checks.auditCheck(flags, 'minikube');
    expect(audit.status).toBe('fail');
    expect(audit.detail).toBe(
      'kube-apiserver-minikube runs without --audit-policy-file and --audit-log-path (or --audit-webhook-config-file): API requests (Secret reads included) are not audited',
    );
    expect(audit.fix).toContain(
      'minikube start -p minikube --extra-config=apiserver.audit-policy-file=/etc/ssl/certs/audit-policy.yaml --extra-config=apiserver.audit-log-path=-',
    );
  });

  it('passes when the flags are there, quoting them', () => {
    const flags = checks.apiServerFlags([
      apiServerPod([
        '--encryption-provider-config=/etc/ssl/certs/encryption-config.yaml',
        '--audit-policy-file=/etc/ssl/certs/audit-policy.yaml',
        '--audit-log-path=-',
      ]),
    ]);
    expect(checks.encryptionCheck(flags)).toEqual({
      name: 'encryption-at-rest',
      status: 'ok',
      detail: 'kube-apiserver-minikube runs with --encryption-provider-config=/etc/ssl/certs/encryption-config.yaml',
    });
    expect(checks.auditCheck(flags).detail).toBe(
      'kube-apiserver-minikube runs with --audit-policy-file=/etc/ssl/certs/audit-policy.yaml --audit-log-path=-',
    );
  });

  it('says when the flags cannot be read, and guesses nothing', () => {
    expect(checks.apiServerFlags([])).toBeUndefined();
    for (const check of [checks.encryptionCheck(undefined), checks.auditCheck(undefined)]) {
      expect(check.status).toBe('warn');
      expect(check.detail).toMatch(/flags cannot be read here: no pod labelled component=kube-apiserver in kube-system/);
    }
  });
});

describe('metrics endpoints', () => {
  it('probes one Ready pod per workload that asks to be scraped', () => {
    const targets = checks.metricsTargets(pods, ownerOf);
    expect(targets).toEqual([
      { pod: pods.find((p) => p.metadata.name.startsWith('healthy-'))!.metadata.name, port: 9090, path: '/metrics' },
    ]);
  });

  it('fails with a finding for an endpoint that does not answer 200', () => {
    const target = { pod: 'todo-backend-6d4c9-x2x7q', port: 9090, path: '/metrics' };
    expect(checks.metricsCheck('todo-dev', [{ target, outcome: { status: 200, bytes: 5120 } }])).toEqual({
      name: 'metrics',
      status: 'ok',
      detail: 'pod/todo-backend-6d4c9-x2x7q :9090/metrics answered 200 (5120 bytes)',
    });
    const failed = checks.metricsCheck('todo-dev', [{ target, outcome: { error: 'fetch failed' } }]);
    expect(failed.status).toBe('fail');
    expect(failed.findings).toEqual([
      expect.objectContaining({
        reason: 'MetricsUnanswered',
        object: 'pod/todo-backend-6d4c9-x2x7q',
        message: 'GET /metrics on port 9090: fetch failed',
      }),
    ]);
    expect(checks.metricsCheck('todo-dev', []).detail).toBe('no Ready pod in todo-dev asks to be scraped (prometheus.io/scrape)');
  });
});
