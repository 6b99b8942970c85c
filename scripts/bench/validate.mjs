#!/usr/bin/env node
// Benchmark of `todoctl validate` on this repository: the time of a full chart validation
// (every application chart x dev, staging, prod: helm lint + helm template + every manifest
// rule, after `helm dependency build`) as a ratio to the bare helm calls it needs, both
// measured in this run. Target: <= 1.5x.
//
// validate runs helm through the product's own runner and helm client with the environment it
// sets for its helm batch (shortRunGoEnv: Go GC off under a memory cap). The baseline is the
// bare calls a person or a script would make, one after another, with the inherited
// environment: one `helm dependency build` per chart with dependencies, then one
// `helm template` per chart and environment. For transparency the same calls are also timed
// with validate's helm environment (`helmTemplateTunedMs`), so the share of the gain that
// comes from the GC setting alone is visible. Both use the same compiled helm client, so the
// argv is the product's.
// It runs twice: on this repository, and on a generated repository of five values.yaml-only
// charts (the layout most user charts have).
// Needs a build (npm run build); helm comes from TODOCTL_HELM or PATH.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (file) => import(join(root, 'cli/dist', file));
const [{ shortRunGoEnv }, { HelmClient }, { GitClient }, { loadConfig }, project, policy, { ExecaRunner }] = await Promise.all([
  dist('clients/go-env.js'),
  dist('clients/helm.js'),
  dist('clients/git.js'),
  dist('config.js'),
  dist('project.js'),
  dist('policy/index.js'),
  dist('runtime/runner.js'),
]);
const rounds = Number(process.env.BENCH_ROUNDS ?? 9);
const runner = new ExecaRunner(process.env.PATH ?? '');
const helm = new HelmClient(runner, {}, process.env.TODOCTL_HELM || 'helm');
const helmEnv = shortRunGoEnv(process.env);
const { config } = await loadConfig({ cwd: root });
const envs = [...project.environmentsOf(config).keys()];

/**
 * A repository laid out like most charts users bring: five application charts with values.yaml
 * only (no values-<env>.yaml), copies of this repository's charts and their library.
 */
function valuesOnlyRepository() {
  const dir = join(mkdtempSync(join(tmpdir(), 'todoctl-bench-')), 'repo');
  const copies = [
    ['todo-backend', 'api'],
    ['todo-backend', 'worker'],
    ['todo-frontend', 'web'],
    ['todo-frontend', 'admin'],
    ['todo-infrastructure', 'platform'],
    ['todo-common', 'todo-common'],
  ];
  for (const [chart, name] of copies) {
    const target = join(dir, 'helm', name);
    cpSync(join(root, 'charts', chart), target, {
      recursive: true,
      filter: (src) => !/values-(dev|staging|prod)\.yaml$/.test(src) && !src.includes('/ci') && !src.endsWith('.tgz'),
    });
  }
  execFileSync('git', ['init', '-q'], { cwd: dir });
  execFileSync('git', ['add', '-A'], { cwd: dir });
  return dir;
}

/** Bare helm against full validation of the repository at `repo`, medians of `rounds`. */
async function measure(repo) {
  const renderTarget = project.renderTargetOf(config, repo);
  const charts = policy.discoverCharts(repo, await policy.repositoryFiles(repo));
  const apps = charts.filter((c) => !c.library);
  // The baseline renders what validate renders: each environment and each ci/*-values.yaml.
  const jobs = apps.flatMap((chart) =>
    policy.renderJobs(repo, chart, envs, (env) => `values-${env}.yaml`).map((job) => ({ chart, job })),
  );

  async function bare(client) {
    const t = performance.now();
    for (const chart of charts.filter((c) => c.hasDependencies)) {
      const result = await client.dependencyBuild(join(repo, chart.dir));
      if (result.exitCode !== 0) throw new Error(`helm dependency build ${chart.dir} failed: ${result.stderr}`);
    }
    const deps = { helm: client, kubeVersion: project.RENDER_KUBE_VERSION };
    for (const { chart, job } of jobs) {
      const result = await policy.renderChart(deps, repo, chart, job.valuesFiles, renderTarget(chart, job.env ?? envs[0]));
      if (result.exitCode !== 0) throw new Error(`helm template ${chart.name} ${job.label} failed: ${result.stderr}`);
    }
    return performance.now() - t;
  }

  async function full() {
    const t = performance.now();
    const report = await policy.validateRepository(
      { helm: helm.withEnv(helmEnv), git: new GitClient(runner) },
      { root: repo, envs, renderTarget, kubeVersion: project.RENDER_KUBE_VERSION, scopes: ['chart', 'manifest'] },
    );
    if (report.toolErrors.length > 0) throw new Error(report.toolErrors.map((e) => e.message).join('\n'));
    return performance.now() - t;
  }

  const samples = [];
  for (let i = 0; i < rounds; i++)
    samples.push({ bare: await bare(helm), tuned: await bare(helm.withEnv(helmEnv)), validate: await full() });
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const b = median(samples.map((s) => s.bare));
  const v = median(samples.map((s) => s.validate));
  const tuned = median(samples.map((s) => s.tuned));
  return {
    charts: apps.length,
    libraries: charts.length - apps.length,
    envs: envs.length,
    renders: jobs.length,
    helmTemplateMs: Math.round(b),
    validateMs: Math.round(v),
    ratio: Number((v / b).toFixed(2)),
    target: 1.5,
    helmTemplateTunedMs: Math.round(tuned),
    ratioToTunedBaseline: Number((v / tuned).toFixed(2)),
  };
}

console.log(
  JSON.stringify(
    {
      bench: 'validate',
      thisRepository: await measure(root),
      fiveValuesOnlyCharts: await measure(valuesOnlyRepository()),
      helmEnv,
      rounds,
    },
    null,
    2,
  ),
);
