/**
 * The constitution's rules for built images (scope `image`), judged from what an image holds
 * (its config and its layers), not from the Dockerfile that claims to make it. The observations
 * are gathered by the caller (`actions/images`), so these checks are pure.
 */
import type { Catalog, Rule } from './catalog.js';
import type { Finding } from './types.js';
import type { SecretHit } from './secrets.js';

export interface Vulnerability {
  id: string;
  pkg: string;
  version: string;
  fixedVersion?: string | undefined;
  severity: string;
  title?: string | undefined;
}

export interface ImageObservation {
  release: string;
  /** name:tag as built. */
  ref: string;
  /** The Dockerfile that made it (repository-relative) and its text, to point at a line. */
  dockerfile: string;
  dockerfileText: string;
  /** The chart's runAsUser for this release, when it sets one. */
  runAsUser: number | undefined;
  user: string;
  labels: Record<string, string>;
  argv: string[];
  sizeBytes: number;
  /** The size budget written beside the Dockerfile, or why there is none. */
  budget: { file: string; bytes: number } | { file: string; error: string };
  /** Files of the final file system (no leading slash). */
  files: ReadonlySet<string>;
  /** Secret-shaped content in any layer. */
  secrets: readonly { layer: number; path: string; hit: SecretHit }[];
  /** package-lock.json's `packages`: each key and whether only development needs it (`dev: true`). */
  lockPackages: ReadonlyMap<string, boolean>;
  /** The scanner's CRITICAL findings, or why it did not run. */
  vulnerabilities: { findings: readonly Vulnerability[]; scanner: string } | { error: string; fix: string };
}

const LABELS = ['org.opencontainers.image.source', 'org.opencontainers.image.revision', 'org.opencontainers.image.version'];

/** Every image rule's findings for each observed image. */
export function checkImages(images: readonly ImageObservation[], catalog: Catalog): Finding[] {
  const rules = new Map(catalog.rules.filter((r) => r.scope === 'image').map((r) => [r.id, r]));
  const findings: Finding[] = [];
  for (const image of images) {
    const at = (pattern: RegExp) => lineOf(image.dockerfileText, pattern);
    const emit = (
      id: string,
      status: 'pass' | 'fail',
      message: string,
      o: { line?: number; resource?: string; fix?: string } = {},
    ) => {
      const rule = rules.get(id);
      if (!rule) return;
      findings.push(finding(rule, image, status, message, o));
    };

    // TODO-IMG-001: a numeric, non-root user, the one the chart runs the pod as
    const uid = /^(\d+)(?::(\d+))?$/.exec(image.user)?.[1];
    const userLine = at(/^\s*USER\s/i);
    if (uid === undefined) {
      emit('TODO-IMG-001', 'fail', `${image.ref} runs as ${JSON.stringify(image.user || 'root (no USER)')}, not a numeric UID`, {
        line: userLine,
      });
    } else if (Number(uid) < 1000) {
      emit('TODO-IMG-001', 'fail', `${image.ref} runs as UID ${uid}; it must be 1000 or more (0 is root)`, { line: userLine });
    } else if (image.runAsUser !== undefined && image.runAsUser !== Number(uid)) {
      emit(
        'TODO-IMG-001',
        'fail',
        `${image.ref} runs as UID ${uid} but the chart's runAsUser is ${image.runAsUser}: files the image owns may not be writable`,
        { line: userLine },
      );
    } else {
      emit(
        'TODO-IMG-001',
        'pass',
        `${image.ref} runs as ${image.user}${image.runAsUser !== undefined ? ', as the chart does' : ''}`,
        {
          line: userLine,
        },
      );
    }

    // TODO-IMG-002: no secret-shaped content in any layer
    if (image.secrets.length === 0) emit('TODO-IMG-002', 'pass', `no secret-shaped content in the layers of ${image.ref}`);
    for (const s of image.secrets) {
      emit('TODO-IMG-002', 'fail', `${image.ref} layer ${s.layer}: /${s.path}:${s.hit.line} ${s.hit.description}`, {
        resource: `Image/${image.release}/${s.path}`,
      });
    }

    // TODO-IMG-003: the final file system has no development dependencies and no source maps of the app
    const dev = devPackagesIn(image.files, image.lockPackages);
    const maps = [...image.files].filter((f) => f.endsWith('.map') && !/(^|\/)node_modules\//.test(f) && !f.startsWith('usr/'));
    if (dev.length === 0 && maps.length === 0) {
      emit('TODO-IMG-003', 'pass', `${image.ref} holds no development dependencies and no source maps`);
    } else {
      const said = [
        dev.length > 0 ? `development dependencies ${list(dev)}` : '',
        maps.length > 0 ? `source maps ${list(maps.map((m) => `/${m}`))}` : '',
      ].filter(Boolean);
      emit('TODO-IMG-003', 'fail', `${image.ref} holds ${said.join(' and ')}`, { line: at(/^\s*COPY\s/i) });
    }

    // TODO-IMG-004: it says what it is and where it comes from
    const missing = LABELS.filter((l) => !image.labels[l]);
    const revision = image.labels['org.opencontainers.image.revision'] ?? '';
    if (missing.length > 0) {
      emit('TODO-IMG-004', 'fail', `${image.ref} has no value for ${missing.join(', ')}`, {
        line: at(/org\.opencontainers\.image\./),
      });
    } else if (!/^[0-9a-f]{40}$/.test(revision)) {
      emit(
        'TODO-IMG-004',
        'fail',
        `${image.ref}: org.opencontainers.image.revision ${JSON.stringify(revision)} is not a commit id`,
        {
          line: at(/org\.opencontainers\.image\.revision/),
        },
      );
    } else {
      emit('TODO-IMG-004', 'pass', `${image.ref} is labelled with its source, revision ${revision.slice(0, 7)} and version`);
    }

    // TODO-IMG-005: under the size budget written beside the Dockerfile
    const size = mib(image.sizeBytes);
    if ('error' in image.budget) {
      emit('TODO-IMG-005', 'fail', `${image.ref} is ${size}; ${image.budget.error}`, { resource: image.budget.file });
    } else if (image.sizeBytes > image.budget.bytes) {
      emit(
        'TODO-IMG-005',
        'fail',
        `${image.ref} is ${size}, over its budget of ${mib(image.budget.bytes)} (${image.budget.file})`,
      );
    } else {
      emit('TODO-IMG-005', 'pass', `${image.ref} is ${size} of its ${mib(image.budget.bytes)} budget (${image.budget.file})`);
    }

    // TODO-IMG-006: node is the process (signals reach it), not npm or a shell
    const [first, ...rest] = image.argv;
    const runner = first && /(^|\/)(npm|npx|yarn|pnpm)$/.test(first) ? first : undefined;
    const shell = first && /(^|\/)(ba|da)?sh$/.test(first) ? first : undefined;
    const cmdLine = at(/^\s*(CMD|ENTRYPOINT)\s/i);
    if (first && /(^|\/)node$/.test(first) && rest.length > 0 && !rest.some((a) => /(^|\/)(npm|npx)(\s|$)/.test(a))) {
      emit('TODO-IMG-006', 'pass', `${image.ref} starts ${JSON.stringify(image.argv.join(' '))}`, { line: cmdLine });
    } else {
      emit(
        'TODO-IMG-006',
        'fail',
        `${image.ref} starts ${JSON.stringify(image.argv.join(' ') || '(nothing)')}${
          runner
            ? `: ${runner} does not pass SIGTERM on to node`
            : shell
              ? ': a shell in front of node does not pass SIGTERM on'
              : ''
        }`,
        { line: cmdLine },
      );
    }

    findings.push(...vulnerabilityFindings(image, rules.get('TODO-IMG-007')));
  }
  return findings;
}

/** TODO-IMG-007: no CRITICAL vulnerability, each one a finding of its own (so each is exemptable on its own). */
export function vulnerabilityFindings(
  image: Pick<ImageObservation, 'release' | 'ref' | 'dockerfile' | 'vulnerabilities'>,
  rule: Rule | undefined,
): Finding[] {
  if (!rule) return [];
  if ('error' in image.vulnerabilities) {
    return [
      finding(rule, image, 'fail', `${image.ref} was not scanned: ${image.vulnerabilities.error}`, {
        fix: image.vulnerabilities.fix,
      }),
    ];
  }
  const critical = image.vulnerabilities.findings.filter((v) => v.severity === 'CRITICAL');
  if (critical.length === 0) {
    return [finding(rule, image, 'pass', `${image.vulnerabilities.scanner} found no CRITICAL vulnerability in ${image.ref}`, {})];
  }
  return critical.map((v) =>
    finding(
      rule,
      image,
      'fail',
      `${image.ref}: ${v.id} (CRITICAL) in ${v.pkg} ${v.version}${v.fixedVersion ? `, fixed in ${v.fixedVersion}` : ', no fix yet'}${
        v.title ? `: ${v.title}` : ''
      }`,
      { resource: `Image/${image.release}/${v.id}` },
    ),
  );
}

function finding(
  rule: Rule,
  image: Pick<ImageObservation, 'release' | 'dockerfile'>,
  status: 'pass' | 'fail',
  message: string,
  o: { line?: number | undefined; resource?: string | undefined; fix?: string | undefined },
): Finding {
  return {
    rule: rule.id,
    status,
    severity: rule.severity,
    file: image.dockerfile,
    line: o.line ?? 1,
    resource: o.resource ?? `Image/${image.release}`,
    env: null,
    message,
    fix: o.fix ?? rule.fix,
  };
}

/**
 * The installed packages that package-lock.json marks development-only. The image puts the
 * repository somewhere (/app, /repo): each package folder is matched to the longest lock key
 * that ends it, so a nested copy (a/node_modules/b) is judged as itself, not as the hoisted b.
 */
export function devPackagesIn(files: ReadonlySet<string>, lockPackages: ReadonlyMap<string, boolean>): string[] {
  const found = new Set<string>();
  for (const file of files) {
    // the base image's global packages (npm's own, under usr/) are not the app's
    if (!file.endsWith('/package.json') || !file.includes('node_modules/') || file.startsWith('usr/')) continue;
    const segments = file.slice(0, -'/package.json'.length).split('/');
    for (let i = 0; i < segments.length; i++) {
      const key = segments.slice(i).join('/');
      if (!lockPackages.has(key)) continue;
      if (lockPackages.get(key)) found.add(key.replace(/^.*node_modules\//, ''));
      break;
    }
  }
  return [...found].sort();
}

/** Sizes as `400MiB`, `350MB`, `1.5GiB` or bytes. */
export function parseSize(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?\s*$/i.exec(text);
  if (!match) return null;
  const units: Record<string, number> = {
    b: 1,
    kb: 1e3,
    kib: 1024,
    mb: 1e6,
    mib: 1024 ** 2,
    gb: 1e9,
    gib: 1024 ** 3,
  };
  return Math.round(Number(match[1]) * units[(match[2] ?? 'b').toLowerCase()]!);
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const list = (items: string[]) =>
  items.length > 5 ? `${items.slice(0, 5).join(', ')} and ${items.length - 5} more` : items.join(', ');

function lineOf(text: string, pattern: RegExp): number {
  const lines = text.split('\n');
  // the last match: the final stage's instruction
  for (let i = lines.length - 1; i >= 0; i--) if (pattern.test(lines[i]!)) return i + 1;
  return 1;
}
