/**
 * A Trivy vulnerability database for the tests, made the way Trivy's own integration tests make
 * theirs (bolt-fixtures YAML loaded into BoltDB, test/images/trivy-db), since the real one
 * cannot be downloaded here. It holds one planted advisory for a package and version the test
 * names, so the real trivy finds it in the real image.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { repoRoot } from './cluster.js';

export interface PlantedAdvisory {
  id: string;
  /** npm package name and the exact version to mark vulnerable. */
  pkg: string;
  version: string;
  severity: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';
  title: string;
}

/** Writes a Trivy cache folder holding a database with `advisories`; returns it (TRIVY_CACHE_DIR). */
export function trivyDatabase(bin: string, advisories: PlantedAdvisory[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'todoctl-trivy-'));
  const fixtures = path.join(dir, 'fixtures');
  execFileSync('mkdir', ['-p', fixtures]);
  const byPkg = new Map<string, PlantedAdvisory[]>();
  for (const a of advisories) byPkg.set(a.pkg, [...(byPkg.get(a.pkg) ?? []), a]);
  writeFileSync(
    path.join(fixtures, 'npm.yaml'),
    stringify([
      {
        bucket: 'npm::GitHub Security Advisory Npm',
        pairs: [...byPkg].map(([pkg, list]) => ({
          bucket: pkg,
          pairs: list.map((a) => ({ key: a.id, value: { VulnerableVersions: [`=${a.version}`], PatchedVersions: [] } })),
        })),
      },
    ]),
  );
  writeFileSync(
    path.join(fixtures, 'vulnerability.yaml'),
    stringify([
      {
        bucket: 'vulnerability',
        pairs: advisories.map((a) => ({
          key: a.id,
          value: { Title: a.title, Description: `${a.title} (planted by todoctl's tests)`, Severity: a.severity },
        })),
      },
    ]),
  );
  execFileSync(
    path.join(bin, 'trivy-db'),
    [
      '--cache-dir',
      dir,
      path.join(repoRoot, 'test/images/trivy-db/fixtures/data-source.yaml'),
      path.join(fixtures, 'npm.yaml'),
      path.join(fixtures, 'vulnerability.yaml'),
    ],
    { stdio: 'inherit' },
  );
  return dir;
}
