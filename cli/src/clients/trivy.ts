import { ToolError } from '../runtime/errors.js';
import { z } from '../runtime/schema.js';
import type { Vulnerability } from '../policy/images.js';
import { ToolClient } from './tool.js';

/*
 * `trivy image --format json` (trivy docs, "Report formats: JSON"; pkg/types/report.go):
 * {Results: [{Target, Vulnerabilities: [{VulnerabilityID, PkgName, InstalledVersion,
 * FixedVersion, Severity, Title}], Secrets: [{RuleID, Severity, Title, StartLine}]}]}.
 * Its database and cache are the user's (TRIVY_CACHE_DIR, TRIVY_SKIP_DB_UPDATE and the other
 * TRIVY_* variables reach it unchanged).
 */
const reportSchema = z.object({
  Results: z._default(
    z.nullable(
      z.array(
        z.object({
          Target: z._default(z.string(), ''),
          Vulnerabilities: z._default(
            z.nullable(
              z.array(
                z.object({
                  VulnerabilityID: z.string(),
                  PkgName: z._default(z.string(), ''),
                  InstalledVersion: z._default(z.string(), ''),
                  FixedVersion: z.optional(z.string()),
                  Severity: z._default(z.string(), 'UNKNOWN'),
                  Title: z.optional(z.string()),
                }),
              ),
            ),
            [],
          ),
          Secrets: z._default(
            z.nullable(
              z.array(z.object({ RuleID: z.string(), Severity: z._default(z.string(), ''), Title: z._default(z.string(), '') })),
            ),
            [],
          ),
        }),
      ),
    ),
    [],
  ),
});

export interface ScanReport {
  vulnerabilities: Vulnerability[];
  /** Trivy's own secret findings: rule and where. */
  secrets: { rule: string; target: string; title: string }[];
}

/** Typed wrapper around trivy, and the only module that starts it. */
export class TrivyClient extends ToolClient {
  protected readonly installHint =
    'Install trivy >= 0.74 (https://trivy.dev/latest/getting-started/installation/) and put it on PATH, or set TODOCTL_TRIVY to its path.';

  /** `trivy --version`'s first line. */
  async version(): Promise<string> {
    const result = await this.start(['--version']);
    return result.stdout.split('\n')[0]!.trim();
  }

  /** Scans an image archive (docker save) for vulnerabilities and secrets. */
  async scanArchive(file: string): Promise<ScanReport> {
    const argv = ['image', '--input', file, '--scanners', 'vuln,secret', '--format', 'json', '--quiet'];
    const result = await this.start(argv);
    let data: unknown;
    try {
      data = JSON.parse(result.stdout);
    } catch {
      throw new ToolError(this.binary, argv, result.exitCode, `trivy printed no JSON report: ${result.stderr.slice(0, 300)}`);
    }
    const parsed = reportSchema.safeParse(data);
    if (!parsed.success)
      throw new ToolError(this.binary, argv, result.exitCode, `unexpected trivy report: ${parsed.error.message}`);
    const results = parsed.data.Results ?? [];
    return {
      vulnerabilities: results.flatMap((r) =>
        (r.Vulnerabilities ?? []).map((v) => ({
          id: v.VulnerabilityID,
          pkg: v.PkgName,
          version: v.InstalledVersion,
          fixedVersion: v.FixedVersion || undefined,
          severity: v.Severity,
          title: v.Title,
        })),
      ),
      secrets: results.flatMap((r) => (r.Secrets ?? []).map((s) => ({ rule: s.RuleID, target: r.Target, title: s.Title }))),
    };
  }
}
