/** How the guard reads the files a command names (`-f`, `--patch-file`), for callers on this machine. */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Larger than any manifest the AI should apply; bigger files are not read, so they are denied. */
const MAX_BYTES = 4 * 1024 * 1024;

/**
 * Reads regular files only, relative to `cwd`: a directory, a device, a FIFO, a missing or
 * unreadable file, or one over 4 MiB reads as null, which the guard denies as uninspectable.
 */
export function guardFileReader(cwd: string): (file: string) => string | null {
  return (file) => {
    try {
      const full = path.resolve(cwd, file);
      const stat = statSync(full);
      if (!stat.isFile() || stat.size > MAX_BYTES) return null;
      return readFileSync(full, 'utf8');
    } catch {
      return null;
    }
  };
}
