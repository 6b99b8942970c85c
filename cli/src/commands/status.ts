import { runStatus, type StatusReport } from '../actions/status/status.js';
import type { Deps } from '../deps.js';
import { FORMATS } from '../runtime/formats.js';
import { chooseFormat, fieldColumns, printResult, renderTable, type View } from '../runtime/output.js';

export const statusView: View<StatusReport> = {
  formats: FORMATS.status,
  text: (report) =>
    renderTable(
      report.releases,
      fieldColumns({ release: 'name', revision: 'revision', status: 'status', chart: 'chart', 'app version': 'app_version' }),
    ) +
    '\n' +
    renderTable(
      report.pods,
      fieldColumns({
        pod: 'name',
        ready: 'readyContainers',
        status: 'status',
        restarts: 'restarts',
        'last exit': 'lastExitCode',
        images: 'images',
        node: 'node',
      }),
    ) +
    (report.urls.length > 0 ? '\n' + renderTable(report.urls, fieldColumns({ release: 'release', url: 'url', how: 'how' })) : ''),
};

export default async function status(deps: Deps): Promise<void> {
  const format = chooseFormat(deps.globals.output, statusView.formats);
  await printResult(deps.io.stdout, statusView, format, await runStatus(deps), { color: deps.io.color });
}
