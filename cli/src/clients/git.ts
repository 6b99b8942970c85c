import type { Runner, RunResult } from '../runtime/runner.js';

/**
 * Typed wrapper around git, the only module that starts it. todoctl reads repositories with
 * it and never writes: every method answers `null` (or an empty list) when git is missing or
 * the folder is not a repository, and the caller says what it could not check.
 */
export class GitClient {
  constructor(
    private readonly runner: Runner,
    private readonly binary = 'git',
  ) {}

  /** Files in the index (`tracked`) and untracked files that are not ignored (`untracked`); null without git. */
  async listFiles(root: string): Promise<{ tracked: string[]; untracked: string[] } | null> {
    const [cached, others] = await Promise.all([
      this.exec(root, ['ls-files', '-z', '--cached']),
      this.exec(root, ['ls-files', '-z', '--others', '--exclude-standard']),
    ]);
    if (cached?.exitCode !== 0 || others?.exitCode !== 0) return null;
    return { tracked: splitZ(cached.stdout), untracked: splitZ(others.stdout) };
  }

  /** Whether `.gitignore` rules ignore `file` (tracked or not); null without git. */
  async isIgnored(root: string, file: string): Promise<boolean | null> {
    const result = await this.exec(root, ['check-ignore', '-q', '--no-index', file]);
    if (!result || result.exitCode > 1) return null;
    return result.exitCode === 0;
  }

  /** The short hash (7 characters) of HEAD, or null without git or a commit. */
  async head(root: string): Promise<string | null> {
    const result = await this.exec(root, ['rev-parse', '--short=7', 'HEAD']);
    return result?.exitCode === 0 ? result.stdout.trim() : null;
  }

  /** The full commit id of HEAD, or null outside a repository or before the first commit. */
  async revision(root: string): Promise<string | null> {
    const result = await this.exec(root, ['rev-parse', 'HEAD']);
    return result?.exitCode === 0 ? result.stdout.trim() : null;
  }

  /** The URL of the `origin` remote, or null when there is none. */
  async originUrl(root: string): Promise<string | null> {
    const result = await this.exec(root, ['remote', 'get-url', 'origin']);
    return result?.exitCode === 0 ? result.stdout.trim() || null : null;
  }

  /** Whether anything under `paths` differs from HEAD (changed, added or untracked, not ignored). */
  async isDirty(root: string, paths: string | readonly string[]): Promise<boolean> {
    const result = await this.exec(root, ['status', '--porcelain', '--untracked-files=all', '--', ...[paths].flat()]);
    return result?.exitCode === 0 && result.stdout.trim() !== '';
  }

  /** Whether `ref` names a commit here. */
  async isCommit(root: string, ref: string): Promise<boolean> {
    const result = await this.exec(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    return result?.exitCode === 0;
  }

  /** Files under `path` that differ from `base` in the working tree, plus untracked ones. */
  async changedSince(root: string, base: string, path: string): Promise<string[]> {
    const [diff, untracked] = await Promise.all([
      this.exec(root, ['diff', '--name-only', base, '--', path]),
      this.exec(root, ['ls-files', '--others', '--exclude-standard', '--', path]),
    ]);
    const lines = (r: RunResult | null) => (r?.exitCode === 0 ? r.stdout.split('\n').filter(Boolean) : []);
    return [...lines(diff), ...lines(untracked)];
  }

  /** A file's text at `ref`, or null when it did not exist there. */
  async show(root: string, ref: string, file: string): Promise<string | null> {
    const result = await this.exec(root, ['show', `${ref}:${file}`]);
    return result?.exitCode === 0 ? result.stdout : null;
  }

  /** Runs git in `root`; null when git cannot start. */
  private async exec(root: string, args: string[]): Promise<RunResult | null> {
    try {
      const result = await this.runner.run(this.binary, args, { cwd: root });
      return result.exitCode === 127 ? null : result;
    } catch {
      return null;
    }
  }
}

function splitZ(s: string): string[] {
  return s.split('\0').filter(Boolean);
}
