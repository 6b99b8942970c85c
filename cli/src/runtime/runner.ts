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

/** A program left running in the background (a port-forward): read what it says, then stop it. */
export interface Background {
  /**
   * The first match of `pattern` in what the program has written to stdout so far or writes
   * next; rejects when the program exits first or `timeoutMs` passes, with its stderr.
   */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** Stops the program (SIGTERM) and waits until it has exited. */
  stop(): Promise<void>;
}

export interface Runner {
  /** Runs a program to completion. A non-zero exit is a result, not a throw. */
  run(cmd: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Starts a program that keeps running until stopped. */
  spawn(cmd: string, args: readonly string[], options?: Pick<RunOptions, 'cwd' | 'env'>): Promise<Background>;
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

  async spawn(cmd: string, args: readonly string[], options: Pick<RunOptions, 'cwd' | 'env'> = {}): Promise<Background> {
    const { execa } = await import('execa');
    const child = execa(cmd, args, {
      reject: false,
      buffer: false,
      stdin: 'ignore',
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.env === undefined ? {} : { env: options.env }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let exited = false;
    const done = child.then(() => void (exited = true));
    return {
      waitFor(pattern, timeoutMs) {
        return new Promise((resolve, reject) => {
          const settle = (error: Error | undefined, match?: RegExpExecArray) => {
            clearTimeout(timer);
            child.stdout?.off('data', check);
            if (error) reject(error);
            else resolve(match!);
          };
          const check = () => {
            const match = pattern.exec(stdout);
            if (match) settle(undefined, match);
            else if (exited) settle(new Error(`${cmd} exited: ${stderr.trim() || 'without output'}`));
          };
          const timer = setTimeout(
            () => settle(new Error(`${cmd} printed nothing matching ${pattern} in ${timeoutMs} ms ${stderr.trim()}`.trim())),
            timeoutMs,
          );
          child.stdout?.on('data', check);
          void done.then(check);
          check();
        });
      },
      async stop() {
        if (!exited) child.kill('SIGTERM');
        await done;
      },
    };
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
