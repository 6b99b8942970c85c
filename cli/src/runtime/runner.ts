/**
 * The seam between todoctl and every external program. Production uses execa;
 * unit tests use a scripted FakeRunner; integration tests use the real binaries.
 */
export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Text written to the program's stdin. */
  input?: string;
  /** Milliseconds before the program is killed. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Runner {
  /** Runs a program to completion. A non-zero exit is a result, not a throw. */
  run(cmd: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Resolves a program on PATH, or undefined when it is not installed. */
  which(cmd: string): Promise<string | undefined>;
}

export class ExecaRunner implements Runner {
  /** @param searchPath the PATH to resolve programs on (bin.ts passes process.env.PATH). */
  constructor(private readonly searchPath: string) {}

  async run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const { execa } = await import('execa');
    const result = await execa(cmd, args, {
      reject: false,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.input === undefined ? {} : { input: options.input }),
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
      ...(options.signal === undefined ? {} : { cancelSignal: options.signal }),
      stripFinalNewline: false,
    });
    if (result.failed && result.exitCode === undefined) {
      // The program never ran: not found, not executable, killed by timeout.
      const code = (result as { code?: string }).code;
      if (code === 'ENOENT') return { exitCode: 127, stdout: '', stderr: `${cmd}: command not found` };
      return { exitCode: 128, stdout: String(result.stdout ?? ''), stderr: String(result.message ?? '') };
    }
    return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
  }

  async which(cmd: string): Promise<string | undefined> {
    const { access, constants } = await import('node:fs/promises');
    const path = await import('node:path');
    if (cmd.includes('/')) {
      return (await isExecutable(cmd)) ? cmd : undefined;
    }
    for (const dir of this.searchPath.split(path.delimiter)) {
      if (!dir) continue;
      const candidate = path.join(dir, cmd);
      if (await isExecutable(candidate)) return candidate;
    }
    return undefined;

    async function isExecutable(file: string): Promise<boolean> {
      try {
        await access(file, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    }
  }
}
