import type { Exemption } from './catalog.js';
import type { Finding } from './types.js';

/** Glob to RegExp: `**` crosses path segments, `*` and `?` stay within one. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export interface ExemptionResult {
  findings: Finding[];
  warnings: string[];
}

/**
 * Marks failing findings covered by a live exemption as `exempt` (never hides them).
 * Expired exemptions stop applying and produce a warning; so do exemptions for unknown rules.
 */
export function applyExemptions(findings: Finding[], exemptions: Exemption[], ruleIds: Set<string>, now: Date): ExemptionResult {
  const today = now.toISOString().slice(0, 10);
  const warnings: string[] = [];
  const live: (Exemption & { re: RegExp })[] = [];
  for (const e of exemptions) {
    if (!ruleIds.has(e.rule)) warnings.push(`exemption for unknown rule ${e.rule} (target ${e.target}) is ignored`);
    else if (e.expires < today)
      warnings.push(`exemption for ${e.rule} on ${e.target} expired on ${e.expires} and no longer applies`);
    else live.push({ ...e, re: globToRegExp(e.target) });
  }
  const out = findings.map((f) => {
    if (f.status !== 'fail') return f;
    const match = live.find(
      (e) => e.rule === f.rule && (e.re.test(f.file) || e.re.test(f.resource) || (f.chart !== undefined && e.re.test(f.chart))),
    );
    if (!match) return f;
    return { ...f, status: 'exempt' as const, exemption: { reason: match.reason, expires: match.expires, target: match.target } };
  });
  return { findings: out, warnings };
}
