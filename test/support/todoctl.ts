import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, toolsBin } from './cluster.js';

const exec = promisify(execFile);

/**
 * Runs the built todoctl (bin/todoctl, the bundle `npm run build` makes) as a user would: a
 * separate process, the pinned test tools first on PATH, no colour. Never throws for a
 * non-zero exit: the code, stdout and stderr are the result.
 */
export async function todoctlBin(
  args: string[],
  o: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [path.join(repoRoot, 'bin/todoctl'), ...args], {
      cwd: o.cwd ?? repoRoot,
      env: { ...process.env, PATH: `${toolsBin()}${path.delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1', ...o.env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * Runs the built todoctl at a real terminal: a pseudo-terminal from util-linux `script` (a
 * Debian essential package), so stdin and stdout are TTYs and prompts appear as a person sees
 * them. Each answer is typed once its prompt has been printed. The output keeps the terminal's
 * escape sequences; `screen` is the same text without them.
 */
export async function todoctlAtTerminal(
  args: string[],
  answers: { when: RegExp; type: string }[],
  o: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ code: number; output: string; screen: string }> {
  const { spawn } = await import('node:child_process');
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  // a terminal of a usual size: script's pseudo-terminal has none, and renderers wrap to it
  const command = `stty cols 120 rows 40 2>/dev/null; exec ${[process.execPath, path.join(repoRoot, 'bin/todoctl'), ...args].map(quote).join(' ')}`;
  const child = spawn('script', ['--quiet', '--flush', '--return', '--command', command, '/dev/null'], {
    cwd: o.cwd ?? repoRoot,
    env: { ...process.env, PATH: `${toolsBin()}${path.delimiter}${process.env.PATH ?? ''}`, TERM: 'xterm', ...o.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const { stripVTControlCharacters: strip } = await import('node:util');
  let output = '';
  const pending = [...answers];
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const next = pending[0];
    // prompts wrap at the terminal's width: matched as one line
    if (next && next.when.test(strip(output).replace(/\r?\n/g, ''))) {
      pending.shift();
      // typed as keys, then Enter (a terminal sends CR)
      setTimeout(() => child.stdin.write(`${next.type}\r`), 50);
    }
  });
  const code = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`todoctl ${args.join(' ')} at a terminal did not finish; it printed:\n${strip(output)}`));
    }, o.timeoutMs ?? 60_000);
    child.on('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode ?? 1);
    });
  });
  if (pending.length > 0) throw new Error(`todoctl never asked ${pending[0]!.when}; it printed:\n${strip(output)}`);
  return { code, output, screen: strip(output) };
}
