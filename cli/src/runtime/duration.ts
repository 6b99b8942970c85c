import { UsageError } from './errors.js';

/** Milliseconds of a duration as helm and kubectl write them: 90s, 5m, 1m30s, 1h. */
export function parseDuration(text: string, flag: string): number {
  const parts = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  if (!parts || text.trim() === '' || parts.slice(1).every((p) => p === undefined)) {
    throw new UsageError(`${flag} ${JSON.stringify(text)} is not a duration`, { hint: `Write it as helm does: 90s, 5m, 1m30s.` });
  }
  const [h = 0, m = 0, s = 0] = parts.slice(1).map((p) => Number(p ?? 0));
  const ms = ((h * 60 + m) * 60 + s) * 1000;
  if (ms <= 0) throw new UsageError(`${flag} must be longer than 0s`);
  return ms;
}
