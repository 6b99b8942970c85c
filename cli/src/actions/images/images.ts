/**
 * The built images of the releases, looked at for real: what `todoctl validate --images` judges
 * (user, layers, labels, size, command, vulnerabilities) and the vulnerability gate `build`
 * and `up` apply (a CRITICAL finding stops the image unless policies/exemptions.yaml covers it).
 * Images are read through the container tool that holds them (docker or podman) and scanned
 * with trivy from a saved archive, so no daemon socket is needed.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ContainerToolClient, ContainerToolName } from '../../clients/container-tool.js';
import type { ScanReport } from '../../clients/trivy.js';
import type { Environment, TodoctlConfig } from '../../config.js';
import type { Deps } from '../../deps.js';
import { catalogPathOf, loadCatalog, loadExemptions } from '../../policy/catalog.js';
import { applyExemptions } from '../../policy/exemptions.js';
import { checkImages, parseSize, vulnerabilityFindings, type ImageObservation } from '../../policy/images.js';
import type { Finding } from '../../policy/types.js';
import { chartValues } from '../../project.js';
import { MissingToolError, PolicyError, UsageError } from '../../runtime/errors.js';
import { readImage } from './snapshot.js';

/** The file beside each Dockerfile that holds its image's size budget. */
export const BUDGET_FILE = 'image-budget.yaml';

type BuildRelease = TodoctlConfig['releases'][number];

/** The releases todoctl builds images for, each with its image reference at `tags`. */
function builtReleases(config: TodoctlConfig, tags: ReadonlyMap<string, string>) {
  return config.releases
    .filter((r): r is BuildRelease & { image: string; build: NonNullable<BuildRelease['build']> } => Boolean(r.build && r.image))
    .map((r) => ({ release: r, ref: `${r.image}:${tags.get(r.name)}` }));
}

/** The container tool that has the images: --builder, else the first on PATH that works. */
export async function imageTool(deps: Deps, builder?: ContainerToolName): Promise<ContainerToolClient> {
  const { pickBuilder } = await import('../build/build.js');
  return deps.containerTool(builder ?? (await pickBuilder(deps, 'read the images from')));
}

/** Trivy's report on an image archive, or why there is none (a missing scanner fails, never passes). */
async function scan(deps: Deps, archive: string): Promise<ScanReport | { error: string; fix: string }> {
  try {
    return await (await deps.trivy()).scanArchive(archive);
  } catch (error) {
    if (error instanceof MissingToolError) {
      return { error: 'trivy is not installed', fix: error.hint ?? 'Install trivy and put it on PATH.' };
    }
    throw error;
  }
}

/**
 * Everything the image rules judge, for each release's image at `tags`. An image the tool does
 * not have is reported in `missing` (build it first).
 */
export async function observeImages(
  deps: Deps,
  o: { tags: ReadonlyMap<string, string>; builder?: ContainerToolName | undefined; env: Environment },
): Promise<{ observations: ImageObservation[]; missing: string[] }> {
  const [{ config }, root] = await Promise.all([deps.config(), deps.root()]);
  const tool = await imageTool(deps, o.builder);
  const lockPackages = await lockPackagesOf(root);
  const observations: ImageObservation[] = [];
  const missing: string[] = [];
  for (const { release, ref } of builtReleases(config, o.tags)) {
    const scratch = await mkdtemp(path.join(tmpdir(), 'todoctl-image-'));
    try {
      const contents = await readImage(tool, ref, scratch);
      if (!contents) {
        missing.push(ref);
        continue;
      }
      const context = path.resolve(root, release.build.context);
      const dockerfile = path.resolve(context, release.build.dockerfile);
      const [dockerfileText, values, budget, report] = await Promise.all([
        readFile(dockerfile, 'utf8'),
        chartValues(root, release.chart, o.env),
        readBudget(root, path.dirname(dockerfile)),
        scan(deps, path.join(scratch, 'image.tar')),
      ]);
      observations.push({
        release: release.name,
        ref,
        dockerfile: path.relative(root, dockerfile),
        dockerfileText,
        runAsUser: runAsUserOf(values),
        user: contents.info.user,
        labels: contents.info.labels,
        argv: [...contents.info.entrypoint, ...contents.info.cmd],
        sizeBytes: contents.info.size,
        budget,
        files: contents.files,
        secrets: contents.secrets,
        lockPackages,
        vulnerabilities: 'error' in report ? report : { findings: report.vulnerabilities, scanner: 'trivy' },
      });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  return { observations, missing };
}

/** Findings of the image rules for the observed images (catalog: the repository's, else todoctl's). */
export async function imageFindings(root: string, observations: readonly ImageObservation[]): Promise<Finding[]> {
  const catalogPath = catalogPathOf(root);
  return checkImages(observations, await loadCatalog(catalogPath));
}

export interface ScanResult {
  ref: string;
  release: string;
  /** Vulnerability counts by severity, as trivy reported them. */
  bySeverity: Record<string, number>;
  /** CRITICAL vulnerabilities no live exemption covers: each stops the image at deploy. */
  blocking: string[];
  /** CRITICAL vulnerabilities an exemption covers (reason and expiry in policies/exemptions.yaml). */
  exempt: string[];
}

/**
 * Scans each release's image at `tags` (vulnerabilities and secrets) and judges its CRITICAL
 * vulnerabilities against policies/exemptions.yaml. An image the tool does not have, or a
 * missing scanner, is an error: nothing passes unscanned.
 */
export async function scanImages(
  deps: Deps,
  o: {
    images: readonly { release: string; ref: string }[];
    builder?: ContainerToolName | undefined;
    tool?: ContainerToolClient | undefined;
  },
): Promise<ScanResult[]> {
  const root = await deps.root();
  const tool = o.tool ?? (await imageTool(deps, o.builder));
  const catalogPath = catalogPathOf(root);
  const [catalog, exemptions] = await Promise.all([
    loadCatalog(catalogPath),
    loadExemptions(path.join(root, 'policies/exemptions.yaml'), 'policies/exemptions.yaml'),
  ]);
  const vulnerabilityRule = catalog.rules.find((r) => r.id === 'TODO-IMG-007');
  const results: ScanResult[] = [];
  for (const { release, ref } of o.images) {
    const scratch = await mkdtemp(path.join(tmpdir(), 'todoctl-scan-'));
    try {
      if (!(await tool.inspect(ref))) {
        throw new UsageError(`${ref} is not among the images of this machine, so it cannot be scanned`, {
          hint: 'Build it (todoctl build), or pass the tag of an image you have: images are scanned before they are deployed.',
        });
      }
      await tool.save(ref, path.join(scratch, 'image.tar'));
      const report = await scan(deps, path.join(scratch, 'image.tar'));
      if ('error' in report) throw new PolicyError(`${ref} was not scanned: ${report.error}`, { hint: report.fix });
      const findings = vulnerabilityFindings(
        { release, ref, dockerfile: '', vulnerabilities: { findings: report.vulnerabilities, scanner: 'trivy' } },
        vulnerabilityRule,
      );
      const exempted = applyExemptions(findings, exemptions, new Set(catalog.rules.map((r) => r.id)), deps.clock());
      for (const warning of exempted.warnings) deps.warn(warning);
      const bySeverity: Record<string, number> = {};
      for (const v of report.vulnerabilities) bySeverity[v.severity] = (bySeverity[v.severity] ?? 0) + 1;
      results.push({
        ref,
        release,
        bySeverity,
        blocking: exempted.findings.filter((f) => f.status === 'fail').map((f) => f.message),
        exempt: exempted.findings.filter((f) => f.status === 'exempt').map((f) => f.message),
      });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  return results;
}

/** Stops a deployment of images with a CRITICAL vulnerability no exemption covers. */
export function assertDeployable(results: readonly ScanResult[]): void {
  const blocking = results.flatMap((r) => r.blocking);
  if (blocking.length === 0) return;
  throw new PolicyError(`images with CRITICAL vulnerabilities are not deployed:\n  ${blocking.join('\n  ')}`, {
    hint: 'Upgrade the package (rebuild with the fix), or add an exemption with a reason and an expiry to policies/exemptions.yaml: rule TODO-IMG-007, target Image/<release>/<vulnerability id>.',
  });
}

/** package-lock.json's `packages`: each key, and whether only development needs it. */
async function lockPackagesOf(root: string): Promise<Map<string, boolean>> {
  try {
    const lock = JSON.parse(await readFile(path.join(root, 'package-lock.json'), 'utf8')) as {
      packages?: Record<string, { dev?: boolean }>;
    };
    return new Map(Object.entries(lock.packages ?? {}).map(([key, p]) => [key, p.dev === true]));
  } catch {
    return new Map();
  }
}

/** The size budget written beside a Dockerfile (`maxSize: 400MiB`). */
async function readBudget(root: string, dir: string): Promise<{ file: string; bytes: number } | { file: string; error: string }> {
  const file = path.relative(root, path.join(dir, BUDGET_FILE));
  let text: string;
  try {
    text = await readFile(path.join(dir, BUDGET_FILE), 'utf8');
  } catch {
    return { file, error: `no size budget: write ${file} with maxSize: <size>, e.g. maxSize: 400MiB` };
  }
  const { parse } = await import('../../runtime/yaml.js');
  const value = (parse(text) as { maxSize?: unknown } | null)?.maxSize;
  const bytes = typeof value === 'string' || typeof value === 'number' ? parseSize(String(value)) : null;
  if (bytes === null) return { file, error: `${file} has no maxSize like 400MiB` };
  return { file, bytes };
}

/** The UID the chart runs the pod as (container securityContext first, then the pod's). */
function runAsUserOf(values: Record<string, unknown>): number | undefined {
  for (const key of ['securityContext', 'podSecurityContext']) {
    const uid = (values[key] as { runAsUser?: unknown } | undefined)?.runAsUser;
    if (typeof uid === 'number') return uid;
  }
  return undefined;
}
