import { runStatus } from '../actions/status/status.js';
import type { Deps } from '../deps.js';
import { parseOutputFormat, printResult, renderTable } from '../runtime/output.js';

export default async function status(deps: Deps): Promise<void> {
  const format = parseOutputFormat(deps.globals.output);
  const report = await runStatus(deps);
  if (format === 'table') {
    deps.io.stdout.write(
      renderTable(report.releases, [
        { header: 'release', value: (r) => r.name },
        { header: 'revision', value: (r) => r.revision },
        { header: 'status', value: (r) => r.status },
        { header: 'chart', value: (r) => r.chart },
        { header: 'app version', value: (r) => r.app_version },
      ]) + '\n',
    );
  }
  await printResult(deps.io.stdout, format, report, {
    rows: report.pods,
    columns: [
      { header: 'pod', value: (p) => p.name },
      { header: 'ready', value: (p) => p.readyContainers },
      { header: 'status', value: (p) => p.status },
      { header: 'restarts', value: (p) => p.restarts },
      { header: 'last exit', value: (p) => p.lastExitCode },
      { header: 'node', value: (p) => p.node },
    ],
  });
}
