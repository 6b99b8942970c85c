// Start-up benchmark: how long `todoctl --version` and `todoctl --help` take,
// as a ratio to a bare `node -e 0` measured in the same run on the same machine.
// Prints a table and, with --json, a JSON line for tooling.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const todoctl = path.join(root, 'bin/todoctl');
const runs = Number(process.env.BENCH_RUNS ?? 25);

function sample(args) {
  const times = [];
  for (let i = 0; i < runs + 3; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    if (i >= 3) times.push(ms); // the first runs warm the page cache
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], p90: times[Math.floor(times.length * 0.9)] };
}

// Interleave the cases so drift on a shared machine hits them alike.
const cases = [
  ['node -e 0 (baseline)', ['-e', '0']],
  ['todoctl --version', [todoctl, '--version']],
  ['todoctl --help', [todoctl, '--help']],
];
const results = cases.map(([name, args]) => ({ name, ...sample(args) }));
const base = results[0].median;
console.log(`start-up, ${runs} runs each, node ${process.version}`);
for (const r of results) {
  console.log(
    `${r.name.padEnd(24)} median ${r.median.toFixed(1).padStart(6)} ms   p90 ${r.p90.toFixed(1).padStart(6)} ms   ratio ${(r.median / base).toFixed(2)}x`,
  );
}
if (process.argv.includes('--json')) console.log(JSON.stringify({ bench: 'startup', runs, results, baselineMs: base }));
