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
