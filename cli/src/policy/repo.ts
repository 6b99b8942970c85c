import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Catalog, Rule } from './catalog.js';
import { checkDockerfile, isDockerfile, readDockerignore } from './dockerfile.js';
import { globToRegExp } from './exemptions.js';
import { scanText, SECRET_RULES } from './secrets.js';
import type { GitClient } from '../clients/git.js';
import type { Finding } from './types.js';

export interface RepoFiles {
  /** Files git tracks (index). Null when git is unavailable. */
  tracked: Set<string> | null;
  /** Files that are or would be tracked (tracked + untracked, not ignored), minus ignorePaths. */
  scan: string[];
  /** Whether `.env` is ignored by git (null when git is unavailable). */
  envIgnored: boolean | null;
}

const SKIP_DIRS = new Set(['.git', 'node_modules', 'dist', '.next', 'coverage']);

function walk(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
    if (SKIP_DIRS.has(entry.name)) continue;
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...walk(root, path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** Lists repository files through git (falls back to a directory walk without git). */
export async function listRepoFiles(git: GitClient, root: string, catalog: Catalog): Promise<RepoFiles> {
  const ignore = catalog.ignorePaths.map(globToRegExp);
  const keep = (p: string) => !ignore.some((re) => re.test(p));
  const listed = await git.listFiles(root);
  if (!listed) return { tracked: null, scan: walk(root).filter(keep).sort(), envIgnored: null };
  const tracked = new Set(listed.tracked);
  const scan = [...new Set([...tracked, ...listed.untracked])].filter((p) => keep(p) && existsSync(join(root, p))).sort();
  return { tracked, scan, envIgnored: await git.isIgnored(root, '.env') };
}

function ruleOf(catalog: Catalog, id: string): Rule {
  const rule = catalog.rules.find((r) => r.id === id);
  if (!rule) throw new Error(`rule ${id} is missing from the catalog`);
  return rule;
}

function make(rule: Rule, status: Finding['status'], file: string, line: number, resource: string, message: string): Finding {
  return { rule: rule.id, status, severity: rule.severity, file, line, resource, env: null, message, fix: rule.fix };
}

const ENV_FILE = /(^|\/)\.env(\.[^/]*)?$/;
/**
 * Templates meant to be tracked: .env.example, .env.<name>.example (.env.local.example,
 * .env.phase3.example), .env.sample, .env.template, .env.dist and <name>.env.example. They hold
 * placeholders; the TODO-SEC rules scan them like any tracked file for real values.
 */
const ENV_TEMPLATE = /(^|\/)[^/]*\.env(\.[^/]+)*\.(example|sample|template|dist)$/;

/** TODO-REPO-001: .env ignored and no .env file (other than a template) tracked. */
export function checkDotenv(files: RepoFiles, catalog: Catalog): Finding[] {
  const rule = ruleOf(catalog, 'TODO-REPO-001');
  if (files.tracked === null)
    return [
      make(
        rule,
        'not-evaluated',
        '.gitignore',
        1,
        '.env',
        'git is not available or this is not a git repository; .env tracking not checked.',
      ),
    ];
  const findings: Finding[] = [];
  const trackedEnv = [...files.tracked].filter((p) => ENV_FILE.test(p) && !ENV_TEMPLATE.test(p));
  for (const p of trackedEnv)
    findings.push(make(rule, 'fail', p, 1, p, `${p} is tracked by git; .env files are for local development only.`));
  if (files.envIgnored === false)
    findings.push(make(rule, 'fail', '.gitignore', 1, '.env', '.env is not ignored by .gitignore.'));
  if (findings.length === 0)
    findings.push(
      make(rule, 'pass', '.gitignore', 1, '.env', '.env is gitignored and no .env file (other than a template) is tracked.'),
    );
  return findings;
}

const ALLOWED_UNPREFIXED = new Set([
  'NODE_ENV',
  'NODE_OPTIONS',
  'TZ',
  'CI',
  'HOSTNAME',
  'PORT',
  'NEXT_RUNTIME',
  'NEXT_PHASE',
  'NEXT_TELEMETRY_DISABLED',
]);
/** Set by the platform or the runtime, not by whoever configures the service: no env.example entry needed. */
const PLATFORM_PROVIDED = new Set(['CI', 'NEXT_RUNTIME', 'NEXT_PHASE', 'HOSTNAME', 'PORT']);
const SOURCE = /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/;
// Tests and benchmarks configure themselves; only what the running service reads must be documented.
const TEST_SOURCE = /(\.test\.|\.spec\.|(^|\/)(test|tests|e2e|__tests__|bench|benchmarks)\/)/;

/** Environment variables a service's source reads: process.env.X, process.env['X'], and prefixed names in env schemas. */
export function readEnvNames(source: string, prefix: string): Set<string> {
  const names = new Set<string>();
  for (const m of source.matchAll(
    /process\.env\.([A-Za-z_][A-Za-z0-9_]*)|process\.env\[\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*\]/g,
  ))
    names.add((m[1] ?? m[2])!);
  for (const m of source.matchAll(new RegExp(`\\b${prefix}_[A-Z0-9_]*[A-Z0-9]\\b`, 'g'))) names.add(m[0]);
  return names;
}

/** Variable names documented in an env.example (`NAME=` lines, commented out or not). */
export function documentedEnvNames(text: string): Map<string, number> {
  const names = new Map<string, number>();
  text.split('\n').forEach((line, i) => {
    const m = /^\s*#?\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line);
    if (m && !names.has(m[1]!)) names.set(m[1]!, i + 1);
  });
  return names;
}

/** TODO-REPO-002 (env.example covers what the service reads) and TODO-REPO-003 (naming). */
export function checkServiceEnv(root: string, files: RepoFiles, catalog: Catalog): Finding[] {
  const example = ruleOf(catalog, 'TODO-REPO-002');
  const naming = ruleOf(catalog, 'TODO-REPO-003');
  const findings: Finding[] = [];
  for (const service of catalog.services) {
    // A service exists once it has a package.json (an empty placeholder directory is not one yet).
    if (!existsSync(join(root, service.path, 'package.json'))) continue;
    const sources = files.scan.filter(
      (p) => p.startsWith(`${service.path}/`) && SOURCE.test(p) && !TEST_SOURCE.test(p.slice(service.path.length + 1)),
    );
    const read = new Map<string, { file: string; line: number }>();
    for (const file of sources) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const name of readEnvNames(text, service.prefix)) {
        if (!read.has(name)) {
          const index = text.indexOf(name);
          read.set(name, { file, line: text.slice(0, index).split('\n').length });
        }
      }
    }
    const examplePath = [`${service.path}/env.example`, `${service.path}/.env.example`].find((p) => existsSync(join(root, p)));
    if (!examplePath) {
      findings.push(
        make(
          example,
          'fail',
          `${service.path}/env.example`,
          1,
          service.path,
          `${service.path} has no env.example (it reads ${read.size} variable(s)).`,
        ),
      );
    } else {
      const documented = documentedEnvNames(readFileSync(join(root, examplePath), 'utf8'));
      const missing = [...read.keys()].filter((n) => !documented.has(n) && !PLATFORM_PROVIDED.has(n)).sort();
      for (const name of missing) {
        const where = read.get(name)!;
        findings.push(
          make(
            example,
            'fail',
            examplePath,
            1,
            service.path,
            `${name} is read by ${where.file}:${where.line} but not documented in ${examplePath}.`,
          ),
        );
      }
      if (missing.length === 0)
        findings.push(
          make(
            example,
            'pass',
            examplePath,
            1,
            service.path,
            `${examplePath} documents all ${read.size} variable(s) ${service.path} reads.`,
          ),
        );
      for (const [name, line] of documented) {
        const ok = ALLOWED_UNPREFIXED.has(name) || new RegExp(`^${service.prefix}_[A-Z0-9]+(_[A-Z0-9]+)*$`).test(name);
        if (!ok)
          findings.push(
            make(
              naming,
              'fail',
              examplePath,
              line,
              service.path,
              `${name} in ${examplePath} is not ${service.prefix}_* SCREAMING_SNAKE_CASE.`,
            ),
          );
      }
    }
    const badRead = [...read.entries()].filter(
      ([name]) => !ALLOWED_UNPREFIXED.has(name) && !new RegExp(`^${service.prefix}_[A-Z0-9]+(_[A-Z0-9]+)*$`).test(name),
    );
    for (const [name, where] of badRead)
      findings.push(
        make(
          naming,
          'fail',
          where.file,
          where.line,
          service.path,
          `${service.path} reads ${name}, which is not ${service.prefix}_* SCREAMING_SNAKE_CASE.`,
        ),
      );
    if (!findings.some((f) => f.rule === naming.id && f.resource === service.path)) {
      findings.push(
        make(
          naming,
          'pass',
          examplePath ?? service.path,
          1,
          service.path,
          `${service.path} env vars use the ${service.prefix}_ prefix.`,
        ),
      );
    }
  }
  return findings;
}

const K8S_API =
  /^(v1|apps\/v1|batch\/v1|policy\/v1|autoscaling\/v[12]|(networking|rbac\.authorization|admissionregistration|storage|scheduling|coordination|discovery|apiextensions|certificates)\.k8s\.io\/v[0-9a-z]+|monitoring\.coreos\.com\/v1)$/;

/** A repository file's text; null when it is larger than `maxBytes`, gone or unreadable (nothing to scan). */
function readSmallText(root: string, file: string, maxBytes: number): string | null {
  try {
    if (statSync(join(root, file)).size > maxBytes) return null;
    return readFileSync(join(root, file), 'utf8');
  } catch {
    return null;
  }
}

/**
 * TODO-REPO-004: Kubernetes objects in YAML files outside the charts. Manifests helm generated
 * (committed renders, whose documents carry helm's `# Source:` comment) are not hand-written.
 */
export function checkManualYaml(root: string, files: RepoFiles, catalog: Catalog, chartDirs: string[] = ['charts']): Finding[] {
  const rule = ruleOf(catalog, 'TODO-REPO-004');
  const findings: Finding[] = [];
  const inChart = (file: string) => chartDirs.some((dir) => dir === '.' || file.startsWith(`${dir}/`));
  for (const file of files.scan) {
    if (!/\.ya?ml$/.test(file) || inChart(file) || file.startsWith('policies/')) continue;
    const text = readSmallText(root, file, 1_000_000);
    if (text === null || !/^\s*kind:/m.test(text)) continue;
    const docs = parseAllDocuments(text);
    const list = Array.isArray(docs) ? docs : [];
    for (const doc of list) {
      if (doc.errors.length > 0) continue;
      if (/^# Source: \S+\/templates\//m.test(text.slice(doc.range[0], doc.range[1]))) continue;
      const value = doc.toJS() as { apiVersion?: unknown; kind?: unknown } | null;
      if (
        value &&
        typeof value.apiVersion === 'string' &&
        typeof value.kind === 'string' &&
        K8S_API.test(value.apiVersion) &&
        value.kind !== 'Config'
      ) {
        const start = doc.range[0];
        const kindAt = text.slice(start).search(/^kind:/m);
        const line = text.slice(0, kindAt >= 0 ? start + kindAt : start).split('\n').length;
        findings.push(
          make(
            rule,
            'fail',
            file,
            line,
            `${value.kind}`,
            `${file} contains a hand-written ${value.kind} (${value.apiVersion}); Kubernetes objects come from Helm templates.`,
          ),
        );
        break;
      }
    }
  }
  if (findings.length === 0)
    findings.push(make(rule, 'pass', '.', 1, 'repository', 'No hand-written Kubernetes YAML outside the charts.'));
  return findings;
}

const BINARY = /\.(png|jpe?g|gif|ico|webp|woff2?|ttf|eot|pdf|zip|gz|tgz|wasm|lock)$/i;

/** TODO-SEC-001..006 over every scanned file. */
export function checkSecrets(root: string, files: RepoFiles, catalog: Catalog): Finding[] {
  const findings: Finding[] = [];
  const failed = new Set<string>();
  for (const file of files.scan) {
    if (BINARY.test(file)) continue;
    const text = readSmallText(root, file, 2_000_000);
    if (text === null || text.includes('\0')) continue;
    for (const hit of scanText(text, file)) {
      const rule = ruleOf(catalog, hit.rule);
      failed.add(hit.rule);
      findings.push(make(rule, 'fail', file, hit.line, file, `${hit.description} in ${file}:${hit.line}.`));
    }
  }
  for (const id of SECRET_RULES) {
    if (!failed.has(id))
      findings.push(make(ruleOf(catalog, id), 'pass', '.', 1, 'repository', `No match in ${files.scan.length} scanned files.`));
  }
  return findings;
}

/** TODO-DKR-* for every Dockerfile in the scan list. */
export function checkDockerfiles(root: string, files: RepoFiles, catalog: Catalog): Finding[] {
  const findings: Finding[] = [];
  for (const file of files.scan.filter(isDockerfile)) {
    const ignore = readDockerignore(root, file);
    findings.push(
      ...checkDockerfile(
        {
          path: file,
          content: readFileSync(join(root, file), 'utf8'),
          hasDockerignore: ignore !== null,
          dockerignore: ignore?.content ?? null,
        },
        catalog,
      ),
    );
  }
  return findings;
}
