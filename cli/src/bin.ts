// The only module that touches process.argv, process.env and the exit code.
import { main } from './main.js';

// `todoctl ... | head` closes the pipe early: stop quietly with the SIGPIPE status (128 + 13), as kubectl does.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(141);
  throw error;
});

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  nodeVersion: process.version,
  stdout: process.stdout,
  stderr: process.stderr,
  stdinIsTTY: Boolean(process.stdin.isTTY),
});
