#!/usr/bin/env node
// Benchmark of `todoctl validate` on this repository: the time of a full chart validation
// (3 charts x 3 environments: helm lint + helm template + every manifest rule) as a ratio to
// the bare `helm template` calls it needs, both measured in this run. Target: <= 1.5x.
//
// validate runs helm through the product's own runner (execa) with the environment it sets
// for its helm batch (batchHelmEnv: Go GC off under a memory cap). The baseline is the nine
// `helm template` calls run one after another with the inherited environment, as a person or
// a script would. For transparency the same nine calls are also timed with validate's helm
// environment (`helmTemplateTunedMs`), so the share of the gain that comes from the GC
// setting alone is visible.
// Needs a build (npm run build); helm comes from TODOCTL_HELM or PATH.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const helm = process.env.TODOCTL_HELM || 'helm';
const rounds = Number(process.env.BENCH_ROUNDS ?? 9);
const execFileP = promisify(execFile);
const { validateRepository, batchHelmEnv } = await import(join(root, 'cli/dist/policy/index.js'));
const { templateArgs } = await import(join(root, 'cli/dist/policy/helm.js'));
const { ExecaRunner } = await import(join(root, 'cli/dist/runtime/runner.js'));
const runner = new ExecaRunner(process.env.PATH ?? '');
const helmEnv = batchHelmEnv(process.env);

const run = async (cmd, args, opts) => {
  try {
    const { stdout, stderr } = await execFileP(cmd, args, {
      cwd: opts?.cwd,
      env: opts?.env ? { ...process.env, ...opts.env } : process.env,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    if (error.code === 'ENOENT') throw error;
    return { exitCode: typeof error.code === 'number' ? error.code : 1, stdout: error.stdout ?? '', stderr: error.stderr ?? '' };
  }
};

const charts = readdirSync(join(root, 'charts')).filter((c) => existsSync(join(root, 'charts', c, 'Chart.yaml')));
const envs = ['dev', 'staging', 'prod'];

async function bare(env0) {
  const t = performance.now();
  for (const chart of charts) {
    for (const env of envs) {
      const dir = join(root, 'charts', chart);
      const result = await run(
        helm,
        templateArgs(dir, chart, env, join(dir, `values-${env}.yaml`)),
        env0 ? { env: env0 } : undefined,
      );
      if (result.exitCode !== 0) throw new Error(`helm template ${chart} ${env} failed: ${result.stderr}`);
    }
  }
  return performance.now() - t;
}

async function full() {
  const t = performance.now();
  const report = await validateRepository({ run: runner, helm, helmEnv }, { root, scopes: ['chart', 'manifest'] });
  if (report.toolErrors.length > 0) throw new Error(report.toolErrors.map((e) => e.message).join('\n'));
  return performance.now() - t;
}

const samples = [];
for (let i = 0; i < rounds; i++) samples.push({ bare: await bare(), tuned: await bare(helmEnv), validate: await full() });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const b = median(samples.map((s) => s.bare));
const v = median(samples.map((s) => s.validate));
const tuned = median(samples.map((s) => s.tuned));
console.log(
  JSON.stringify(
    {
      charts: charts.length,
      envs: envs.length,
      helmTemplateMs: Math.round(b),
      validateMs: Math.round(v),
      ratio: Number((v / b).toFixed(2)),
      target: 1.5,
      helmEnv,
      helmTemplateTunedMs: Math.round(tuned),
      ratioToTunedBaseline: Number((v / tuned).toFixed(2)),
      rounds,
    },
    null,
    2,
  ),
);
