import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import dockerignoreModule, { type Ignore } from '@balena/dockerignore';
import { DockerfileParser, type Instruction, type ModifiableInstruction } from 'dockerfile-ast';
import type { Catalog, Rule } from './catalog.js';
import type { Finding } from './types.js';

interface Stage {
  index: number;
  from: Instruction;
  /** The FROM image as written, before ARG substitution. */
  raw: string;
  /** The FROM image with the global ARGs substituted. */
  image: string;
  /** Global ARGs the FROM image uses that have no value (no default). */
  missing: string[];
  alias: string | null;
  instructions: Instruction[];
  /** The earlier stage this one is built FROM (`FROM <alias>`), if any. */
  parent: Stage | null;
}

const DIGEST = /@sha256:[0-9a-f]{64}$/;

/** Whether a path names a Dockerfile. */
export function isDockerfile(path: string): boolean {
  const base = path.split('/').pop() ?? '';
  return (/^(Dockerfile|Containerfile)(\..+)?$/.test(base) && !base.endsWith('.dockerignore')) || /\.Dockerfile$/.test(base);
}

function line(instruction: Instruction): number {
  return instruction.getRange().start.line + 1;
}

/**
 * Substitutes `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME:+alt}` from vars. An unset or
 * empty NAME without a default is reported in `missing`.
 */
function resolveVars(text: string, vars: ReadonlyMap<string, string>): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_m, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare)!;
      const v = vars.get(name);
      if (op === '-') return v ? v : (word ?? '');
      if (op === '+') return v ? (word ?? '') : '';
      if (!v) missing.push(name);
      return v ?? '';
    },
  );
  return { value, missing };
}

function unquote(value: string): string {
  return value.replace(/^"(.*)"$/s, '$1').replace(/^'(.*)'$/s, '$1');
}

/** `ARG A=1 B` -> [[A, '1'], [B, undefined]]. */
function parseArg(content: string): [string, string | undefined][] {
  return (content.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? []).map((token) => {
    const eq = token.indexOf('=');
    return eq < 0 ? [token, undefined] : [token.slice(0, eq), unquote(token.slice(eq + 1))];
  });
}

/** `ENV A=1 B="x y"` or the legacy `ENV A value with spaces`. */
function parseEnv(content: string): [string, string][] {
  const text = content.trim();
  if (!/^[A-Za-z_][\w.-]*=/.test(text)) {
    const m = /^(\S+)\s+(.*)$/s.exec(text);
    return m ? [[m[1]!, m[2]!.trim()]] : [];
  }
  return [...text.matchAll(/([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|(?:[^\s\\]|\\.)*)/g)].map(
    (m) => [m[1]!, unquote(m[2]!)] as [string, string],
  );
}

function parseStages(content: string): { stages: Stage[]; args: Map<string, string> } {
  const dockerfile = DockerfileParser.parse(content);
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      const parts = (instruction.getArguments() ?? []).map((a) => a.getValue()).filter((v) => !v.startsWith('--'));
      const raw = parts[0] ?? '';
      const { value: image, missing } = resolveVars(raw, args);
      const asIndex = parts.findIndex((p) => p.toUpperCase() === 'AS');
      const parent = [...stages].reverse().find((s) => s.alias !== null && s.alias.toLowerCase() === image.toLowerCase()) ?? null;
      stages.push({
        index: stages.length,
        from: instruction,
        raw,
        image,
        missing,
        alias: asIndex >= 0 ? (parts[asIndex + 1] ?? null) : null,
        instructions: [],
        parent,
      });
    } else if (stages.length === 0 && keyword === 'ARG') {
      for (const [name, value] of parseArg(instruction.getArgumentsContent() ?? '')) args.set(name, value ?? '');
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { stages, args };
}

function flagsOf(instruction: Instruction): { name: string; value: string }[] {
  if (!('getFlags' in instruction)) return [];
  return (instruction as ModifiableInstruction)
    .getFlags()
    .map((f) => ({ name: f.getName().toLowerCase(), value: f.getValue() ?? '' }));
}

/** What an instruction reads from another stage or image: COPY --from and RUN --mount=...,from=... */
function fromRefs(instruction: Instruction): string[] {
  const keyword = instruction.getKeyword();
  const refs: string[] = [];
  for (const flag of flagsOf(instruction)) {
    if ((keyword === 'COPY' || keyword === 'ADD') && flag.name === 'from') refs.push(flag.value);
    if (keyword === 'RUN' && flag.name === 'mount') {
      const from = /(?:^|,)from=([^,]+)/.exec(flag.value)?.[1];
      if (from) refs.push(from);
    }
  }
  return refs;
}

/** The earlier stage a `--from` value names (alias or index), or null for an image. */
function stageByRef(stages: Stage[], ref: string, before: number): Stage | null {
  const name = ref.toLowerCase();
  if (/^\d+$/.test(name)) return Number(name) < before ? (stages[Number(name)] ?? null) : null;
  for (let k = before - 1; k >= 0; k--) if (stages[k]!.alias?.toLowerCase() === name) return stages[k]!;
  return null;
}

/** The stage and the stages it is built FROM, nearest first. */
function chainOf(stage: Stage): Stage[] {
  const chain: Stage[] = [];
  for (let s: Stage | null = stage; s && !chain.includes(s); s = s.parent) chain.push(s);
  return chain;
}

/** Instructions that shape a stage's file system and config: its ancestors' first. */
function chainInstructions(stage: Stage): Instruction[] {
  return chainOf(stage)
    .reverse()
    .flatMap((s) => s.instructions);
}

/**
 * What a build takes from its context: the sources of every COPY and ADD that does not copy
 * from a stage or an image (`--from`), in order, without duplicates. Remote ADD sources
 * (URLs) are not context files and are left out.
 */
export function contextSources(content: string): string[] {
  const { stages } = parseStages(content);
  const sources = new Set<string>();
  for (const stage of stages) {
    for (const instruction of stage.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword !== 'COPY' && keyword !== 'ADD') continue;
      // flags (--from, --chown, --link) are not arguments in dockerfile-ast
      const flags = 'getFlags' in instruction ? (instruction as ModifiableInstruction).getFlags() : [];
      if (flags.some((f) => f.getName().toLowerCase() === 'from')) continue;
      const paths = (instruction.getArguments() ?? []).map((a) => a.getValue()).filter((p) => !p.startsWith('--'));
      for (const source of paths.slice(0, -1)) {
        if (!/^[a-z]+:\/\//i.test(source)) sources.add(source.replace(/^\.\//, '').replace(/\/$/, ''));
      }
    }
  }
  return [...sources];
}

// ------------------------------------------------------------------ dependency installs (DKR-006)

type PythonTool = 'pip' | 'poetry' | 'uv' | 'pipenv' | 'pdm';
type NodeTool = 'npm' | 'yarn' | 'pnpm';
type Tool = PythonTool | NodeTool;

/**
 * What one shell command does to the installed dependencies: `dev` installs development
 * dependencies, `reset` leaves exactly the production ones (npm ci --omit=dev, uv sync --no-dev,
 * npm prune --omit=dev ...), `prod` adds production dependencies only.
 */
interface DependencyAction {
  kind: 'dev' | 'prod' | 'reset';
  tool: Tool;
  command: string;
}

/** Requirement files and extras named after development work. */
const DEV_NAME = /(^|[/_.\-[,\s])(dev|devel|develop|development|test|tests|testing|lint|linting|ci|docs|typing)([/_.\-\],\s]|$)/i;
/** Packages that only development needs. */
const DEV_PACKAGES =
  /^(pytest(-[\w-]+)?|mypy|ruff|black|flake8|pylint|isort|ipython|ipdb|debugpy|pre-commit|coverage|tox|nox|bandit|pyright|pip-tools|types-[\w-]+)$/i;

function truthy(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value);
}

function pipAction(args: string, tool: Tool, command: string): DependencyAction {
  const tokens = (args.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? []).map(unquote);
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k]!;
    let file: string | undefined;
    if (token === '-r' || token === '--requirement') file = tokens[++k];
    else if (/^(-r|--requirement=)/.test(token)) file = token.replace(/^(-r|--requirement=)/, '');
    else if (token.startsWith('-')) {
      if (
        /^(-c|--constraint|-e|--editable|-i|--index-url|--extra-index-url|-f|--find-links|--target|-t|--prefix|--root)$/.test(
          token,
        )
      )
        k++;
      continue;
    }
    if (file !== undefined) {
      if (DEV_NAME.test(file.split('/').slice(-2).join('/'))) return { kind: 'dev', tool, command };
      continue;
    }
    const extras = /\[([^\]]+)\]/.exec(token)?.[1];
    if (extras && extras.split(',').some((e) => DEV_NAME.test(e.trim()))) return { kind: 'dev', tool, command };
    if (DEV_PACKAGES.test(token.split(/[<>=!~;[@\s]/)[0] ?? '')) return { kind: 'dev', tool, command };
  }
  // an editable install (-e .[dev]) is read above; the editable token itself is skipped
  for (const m of args.matchAll(/(?:-e|--editable)[= ]\s*("[^"]*"|'[^']*'|\S+)/g)) {
    const extras = /\[([^\]]+)\]/.exec(unquote(m[1]!))?.[1];
    if (extras && extras.split(',').some((e) => DEV_NAME.test(e.trim()))) return { kind: 'dev', tool, command };
  }
  return { kind: 'prod', tool, command };
}

/** What a RUN command does to the dependencies, in order. */
function dependencyActions(command: string, env: ReadonlyMap<string, string> = new Map()): DependencyAction[] {
  const actions: DependencyAction[] = [];
  for (const part of command.split(/&&|\|\||;|\n|\|/)) {
    let cmd = part.trim();
    const local = new Map(env);
    // inline assignments: NODE_ENV=production npm ci
    for (
      let m = /^([A-Za-z_]\w*)=("[^"]*"|'[^']*'|\S*)\s+/.exec(cmd);
      m;
      m = /^([A-Za-z_]\w*)=("[^"]*"|'[^']*'|\S*)\s+/.exec(cmd)
    ) {
      local.set(m[1]!, unquote(m[2]!));
      cmd = cmd.slice(m[0].length);
    }
    const nodeProduction = local.get('NODE_ENV') === 'production';
    const act = (kind: DependencyAction['kind'], tool: Tool) => actions.push({ kind, tool, command: part.trim() });

    // ---- Node
    if (/\bnpm\s+prune\b/.test(cmd)) {
      if (/--omit[= ]dev|--production|--only[= ]prod/.test(cmd) || nodeProduction) act('reset', 'npm');
      continue;
    }
    if (/\bnpm\s+(ci|install|i|add|clean-install|install-clean|isntall)\b/.test(cmd)) {
      if (/(^|\s)(-g|--global)\b|--location[= ]global/.test(cmd)) continue;
      const prod =
        /--omit[= ]dev|--production(?!=false)|--only[= ]prod(uction)?/.test(cmd) ||
        (nodeProduction && !/--include[= ]dev|--production=false/.test(cmd));
      act(prod ? 'reset' : 'dev', 'npm');
      continue;
    }
    if (/\byarn\s+workspaces\s+focus\b/.test(cmd) || /\byarn(\s+install)?(\s+--?[\w-]+(=\S+)?)*\s*$/.test(cmd)) {
      if (/\byarn\s+global\b/.test(cmd)) continue;
      act(/--production(?!=false)|--prod\b/.test(cmd) || nodeProduction ? 'reset' : 'dev', 'yarn');
      continue;
    }
    if (/\bpnpm\s+prune\b/.test(cmd)) {
      if (/--prod\b/.test(cmd)) act('reset', 'pnpm');
      continue;
    }
    if (/\bpnpm\s+(install|i)\b/.test(cmd)) {
      if (/(^|\s)(-g|--global)\b/.test(cmd)) continue;
      act(/--prod\b|(^|\s)-P\b|--production/.test(cmd) || nodeProduction ? 'reset' : 'dev', 'pnpm');
      continue;
    }

    // ---- Python
    const pip = /\b(?:(uv)\s+)?(?:pip3?(?:\.\d+)?|python3?(?:\.\d+)?\s+-m\s+pip)\s+(install|sync)\b(.*)$/s.exec(cmd);
    if (pip) {
      const tool = pip[1] ? 'uv' : 'pip';
      const action = pipAction(pip[3] ?? '', tool, part.trim());
      if (pip[2] === 'sync' && action.kind === 'prod') action.kind = 'reset';
      actions.push(action);
      continue;
    }
    const pipSync = /\bpip-sync\b(.*)$/s.exec(cmd);
    if (pipSync) {
      act(DEV_NAME.test(pipSync[1] ?? '') ? 'dev' : 'reset', 'pip');
      continue;
    }
    const poetry = /\bpoetry\s+(install|sync|export)\b/.exec(cmd);
    if (poetry) {
      const only = /--only[= ](\S+)/.exec(cmd)?.[1];
      const withDev =
        /--with[= ]\S*\b(dev|test|lint)\b|--all-groups\b|(^|\s)--dev\b/.test(cmd) || (only !== undefined && DEV_NAME.test(only));
      if (poetry[1] === 'export') {
        if (withDev) act('dev', 'poetry');
        continue;
      }
      const mainOnly =
        !withDev &&
        ((only !== undefined && !DEV_NAME.test(only)) || /--without[= ]\S*\bdev\b|--no-dev\b|--only-root\b/.test(cmd));
      act(mainOnly ? (poetry[1] === 'sync' || /--sync\b/.test(cmd) ? 'reset' : 'prod') : 'dev', 'poetry');
      continue;
    }
    if (/\buv\s+sync\b/.test(cmd)) {
      const dev =
        /--all-groups\b|--only-dev\b|--group[= ](dev|test|lint)\b|--extra[= ](dev|test|lint)\b/.test(cmd) ||
        !(/--no-dev\b|--no-default-groups\b|--only-group\b|--no-group[= ]dev\b/.test(cmd) || truthy(local.get('UV_NO_DEV')));
      act(dev ? 'dev' : /--inexact\b/.test(cmd) ? 'prod' : 'reset', 'uv');
      continue;
    }
    if (/\bpipenv\s+(install|sync)\b/.test(cmd)) {
      act(/(^|\s)(--dev|-d)\b|--categories[= ]\S*dev/.test(cmd) || truthy(local.get('PIPENV_DEV')) ? 'dev' : 'prod', 'pipenv');
      continue;
    }
    if (/\bpdm\s+(install|sync)\b/.test(cmd)) {
      const prod = /--prod\b|--production\b/.test(cmd);
      act(prod ? (/\bsync\b.*--clean\b/.test(cmd) ? 'reset' : 'prod') : 'dev', 'pdm');
      continue;
    }
  }
  return actions;
}

/**
 * Whether a RUN command installs development dependencies (npm/yarn/pnpm without their
 * production flag, pip with dev requirement files, dev extras or dev tools, poetry without
 * --only main, uv sync without --no-dev, pipenv --dev, pdm without --prod). `env` holds the
 * ENV/ARG values in effect (NODE_ENV=production, UV_NO_DEV=1).
 */
export function installsDevDependencies(command: string, env?: ReadonlyMap<string, string>): boolean {
  let dev = false;
  for (const action of dependencyActions(command, env)) {
    if (action.kind === 'dev') dev = true;
    if (action.kind === 'reset') dev = false;
  }
  return dev;
}

/** Paths where installed dependencies live. */
const DEPENDENCY_PATH =
  /(^|\/)(node_modules|\.?venv|site-packages|dist-packages|\.local|wheels?|__pypackages__)(\/|$)|^\/usr\/local(\/lib(\/python[^/]*)?)?\/?$|^\/install(\/|$)/;

function normalisePath(path: string, workdir = '/'): string {
  let p = path.startsWith('/') ? path : `${workdir.replace(/\/$/, '')}/${path}`;
  const glob = p.search(/[*?[]/);
  if (glob >= 0) p = p.slice(0, p.lastIndexOf('/', glob));
  const parts: string[] = [];
  for (const segment of p.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') parts.pop();
    else parts.push(segment);
  }
  return `/${parts.join('/')}`;
}

// ------------------------------------------------------------------ .dockerignore (DKR-005)

/** @balena/dockerignore is CommonJS (`module.exports = factory`); its typings describe an ES default export. */
const dockerignoreMatcher = dockerignoreModule as unknown as (options?: { ignorecase?: boolean }) => Ignore;

/**
 * Whether a .dockerignore keeps a context path out of the build (the rules of Docker's
 * patternmatcher: the last matching line wins, `!` re-includes, a pattern matching a parent
 * directory matches everything under it), and the 1-based line that decides it (0: none).
 */
export function dockerignoreDecision(dockerignore: string, path: string): { excluded: boolean; line: number; pattern: string } {
  // The matching is @balena/dockerignore's (Docker's rules, as dockerode applies them); each
  // line is tried alone so the verdict can name the line that decided it.
  let decision = { excluded: false, line: 0, pattern: '' };
  dockerignore.split(/\r?\n/).forEach((rawLine, index) => {
    const text = rawLine.trim();
    if (text === '' || text.startsWith('#')) return;
    const negate = text.startsWith('!');
    const pattern = negate ? text.slice(1).trim() : text;
    if (pattern.replace(/^[./]+|\/+$/g, '') === '') return;
    if (dockerignoreMatcher({ ignorecase: false }).add(pattern).ignores(path)) decision = { excluded: !negate, line: index + 1, pattern: text };
  });
  return decision;
}

/** Whether a .dockerignore keeps a context path out of the build. */
export function dockerignoreExcludes(dockerignore: string, path: string): boolean {
  return dockerignoreDecision(dockerignore, path).excluded;
}

/** What every .dockerignore must keep out of the context, as a path probe and the name shown. */
const MUST_IGNORE: { probe: string; pattern: string }[] = [
  { probe: '.env', pattern: '.env' },
  { probe: '.env.local', pattern: '.env.*' },
  { probe: '.git', pattern: '.git' },
];

/**
 * The .dockerignore BuildKit applies to a Dockerfile (repository-relative path): `<Dockerfile>.dockerignore`
 * first, else `.dockerignore` next to it. Null when there is none.
 */
export function readDockerignore(root: string, file: string): { path: string; content: string } | null {
  const dir = dirname(file) === '.' ? '' : `${dirname(file)}/`;
  for (const candidate of [`${file}.dockerignore`, `${dir}.dockerignore`]) {
    const full = join(root, candidate);
    if (existsSync(full)) return { path: candidate, content: readFileSync(full, 'utf8') };
  }
  return null;
}

// ------------------------------------------------------------------ language of the final image

type Language = 'python' | 'node' | 'go' | 'other';

function splitImage(ref: string): { name: string; tag: string } {
  const base = ref.split('@')[0] ?? '';
  const slash = base.lastIndexOf('/');
  const colon = base.lastIndexOf(':');
  return colon > slash ? { name: base.slice(0, colon), tag: base.slice(colon + 1) } : { name: base, tag: '' };
}

function shortImage(ref: string): string {
  const { name, tag } = splitImage(ref);
  return tag ? `${name}:${tag}` : name;
}

function imageLanguage(ref: string): Language | null {
  const { name, tag } = splitImage(ref.toLowerCase());
  const last = name.split('/').pop() ?? '';
  if (/python|pypy|uvicorn|gunicorn|fastapi|django|flask|conda|mamba/.test(last) || /(^|-)python/.test(tag)) return 'python';
  if (/(^|-)node(js)?\d*(-|$)/.test(last)) return 'node';
  if (/^(golang|go)$/.test(last)) return 'go';
  return null;
}

const PYTHON_WORDS =
  /\b(pip3?|pipenv|poetry|uv|uvx|pdm|python3?|uvicorn|gunicorn|hypercorn|daphne|celery|django-admin)\b|\.py\b|\bPYTHON[A-Z_]*=|\b(PIP|UV|POETRY)_[A-Z_]+=/;
const NODE_WORDS = /\b(npm|npx|pnpm|yarn|node|corepack)\b|\.[cm]?js\b|\bNODE_(ENV|OPTIONS)=|\bNPM_[A-Z_]+=/;

function languageSignals(instructions: Instruction[]): Language | null {
  let python = 0;
  let node = 0;
  for (const i of instructions) {
    if (!['RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'ENV', 'COPY'].includes(i.getKeyword())) continue;
    const text = i.getArgumentsContent() ?? '';
    if (PYTHON_WORDS.test(text)) python++;
    if (NODE_WORDS.test(text)) node++;
  }
  return python > node ? 'python' : node > python ? 'node' : null;
}

/** Where a tool (curl, wget, sh) stands in an image: known present, known absent, or unknown. */
function imageHas(root: string, tool: 'curl' | 'wget' | 'sh'): boolean | null {
  const { name, tag } = splitImage(root.toLowerCase());
  const last = name.split('/').pop() ?? '';
  if (root === 'scratch') return false;
  if (/(^|\/)distroless\//.test(name)) return tool !== 'curl' && /debug/.test(tag) ? true : false;
  if (/^cgr\.dev\//.test(name)) return /-dev$/.test(tag) ? (tool === 'curl' ? null : true) : false;
  if (tool === 'sh') return true;
  if (last === 'busybox' || /alpine/.test(`${last}:${tag}`)) return tool === 'wget';
  if (/curl/.test(last)) return tool === 'curl' ? true : null;
  if (/slim/.test(tag) || /^(debian|ubuntu)$/.test(last)) return false;
  // the full official language images are built on buildpack-deps: curl and wget included
  if (/^(python|node|golang|ruby|openjdk|php)$/.test(last)) return true;
  return null;
}

interface Profile {
  lang: Language;
  /** The image the final stage finally rests on (through FROM <stage>). */
  root: string;
  python: PythonTool;
  node: NodeTool;
  port: string;
  has: (tool: 'curl' | 'wget' | 'sh') => boolean | null;
}

function profileOf(stages: Stage[], final: Stage): Profile {
  const chain = chainOf(final);
  const root = chain.at(-1)!.image;
  const instructions = chainInstructions(final);
  const all = stages.flatMap((s) => s.instructions);
  const lang =
    imageLanguage(root) ??
    languageSignals(instructions) ??
    languageSignals(all) ??
    (stages.some((s) => imageLanguage(s.image) === 'go')
      ? 'go'
      : (stages.map((s) => imageLanguage(s.image)).find((l) => l) ?? 'other'));
  const runs = all.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent() ?? '');
  const uses = (re: RegExp) => runs.some((r) => re.test(r));
  const python: PythonTool = uses(/\buv\s+(sync|pip)\b/)
    ? 'uv'
    : uses(/\bpoetry\b/)
      ? 'poetry'
      : uses(/\bpipenv\b/)
        ? 'pipenv'
        : uses(/\bpdm\b/)
          ? 'pdm'
          : 'pip';
  const node: NodeTool = uses(/\bpnpm\b/) ? 'pnpm' : uses(/\byarn\b/) ? 'yarn' : 'npm';
  const exposed = instructions
    .filter((i) => i.getKeyword() === 'EXPOSE')
    .flatMap((i) => (i.getArgumentsContent() ?? '').split(/\s+/))
    .map((p) => p.split('/')[0] ?? '')
    .find((p) => /^\d+$/.test(p));
  const port = exposed ?? (lang === 'python' ? '8000' : '8080');
  const has = (tool: 'curl' | 'wget' | 'sh'): boolean | null => {
    if (tool !== 'sh') {
      const installs = new RegExp(
        `\\b(apt-get|apt|apk|yum|dnf|microdnf|tdnf|zypper)\\b[^;&|]*\\b(install|add)\\b[^;&|]*\\b${tool}\\b`,
      );
      for (const i of instructions) {
        const text = i.getArgumentsContent() ?? '';
        if (i.getKeyword() === 'RUN' && installs.test(text)) return true;
        if ((i.getKeyword() === 'COPY' || i.getKeyword() === 'ADD') && new RegExp(`/${tool}\\b`).test(text)) return true;
      }
    }
    return imageHas(root, tool);
  };
  return { lang, root, python, node, port, has };
}

// ------------------------------------------------------------------ fix texts

const PY_IMAGE = 'python:3.12-slim';
const NODE_IMAGE = 'node:24-bookworm-slim';

function pinExample(ref: string, p: Profile): string {
  const { name, tag } = splitImage(ref);
  if (name && !name.includes('$')) return `${name}${tag ? `:${tag}` : ''}`;
  return p.lang === 'python'
    ? PY_IMAGE
    : p.lang === 'node'
      ? NODE_IMAGE
      : p.lang === 'go'
        ? 'golang:1.24-bookworm'
        : '<image>:<tag>';
}

function pythonBuild(p: Profile): { install: string; venv: string } {
  switch (p.python) {
    case 'uv':
      return { install: 'uv sync --frozen --no-dev (WORKDIR /app)', venv: '/app/.venv' };
    case 'poetry':
      return {
        install: 'POETRY_VIRTUALENVS_IN_PROJECT=true poetry install --only main --no-root (WORKDIR /app)',
        venv: '/app/.venv',
      };
    case 'pipenv':
      return { install: 'PIPENV_VENV_IN_PROJECT=1 pipenv install --deploy (WORKDIR /app)', venv: '/app/.venv' };
    case 'pdm':
      return { install: 'pdm install --prod (WORKDIR /app)', venv: '/app/.venv' };
    default:
      return {
        install: 'python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir -r requirements.txt',
        venv: '/opt/venv',
      };
  }
}

function pythonProdInstall(tool: PythonTool): string {
  switch (tool) {
    case 'uv':
      return 'uv sync --frozen --no-dev';
    case 'poetry':
      return 'poetry install --only main --no-root (or --without dev)';
    case 'pipenv':
      return 'pipenv install --deploy (never --dev)';
    case 'pdm':
      return 'pdm install --prod';
    default:
      return 'pip install --no-cache-dir -r requirements.txt';
  }
}

function nodeProdInstall(tool: NodeTool): string {
  return tool === 'pnpm'
    ? 'pnpm install --frozen-lockfile --prod'
    : tool === 'yarn'
      ? 'yarn install --frozen-lockfile --production'
      : 'npm ci --omit=dev';
}

function nodeHealthcheck(port: string): string {
  return `HEALTHCHECK CMD ["node", "-e", "fetch('http://127.0.0.1:${port}/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]`;
}

function pythonHealthcheck(port: string): string {
  return `HEALTHCHECK CMD ["python3", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:${port}/health', timeout=3).status < 400 else 1)"]`;
}

interface FixDetail {
  /** DKR-004: the image reference and the instruction naming it (`FROM `, `COPY --from=`). */
  image?: string;
  what?: string;
  /** DKR-004: the ARG without a default. */
  arg?: string;
  /** DKR-006: the package manager that installed dev dependencies. */
  tool?: Tool;
  /** DKR-002: the UID of the user name in USER, when this Dockerfile creates it. */
  uid?: number;
  name?: string;
  /** DKR-005: the patterns the .dockerignore misses. */
  missing?: string[];
}

function fixFor(id: string, p: Profile, rule: Rule, detail: FixDetail = {}): string {
  const py = p.lang === 'python';
  const node = p.lang === 'node';
  switch (id) {
    case 'TODO-DKR-001': {
      if (py) {
        const b = pythonBuild(p);
        return `Install the Python dependencies in a build stage and copy only the result into the runtime stage: FROM ${PY_IMAGE}@sha256:<digest> AS build, RUN ${b.install}; then FROM ${PY_IMAGE}@sha256:<digest>, COPY --from=build ${b.venv} ${b.venv}, ENV PATH=${b.venv}/bin:$PATH and COPY only the application code.`;
      }
      if (node) {
        const build = p.node === 'npm' ? 'npm ci && npm run build' : `${p.node} install --frozen-lockfile && ${p.node} run build`;
        return `Split the Dockerfile into a build stage (FROM ${NODE_IMAGE}@sha256:<digest> AS build; RUN ${build}) and a runtime stage that takes only the build output and production node_modules with COPY --from=build.`;
      }
      if (p.lang === 'go')
        return 'Build in a golang stage (FROM golang:<version>@sha256:<digest> AS build; RUN CGO_ENABLED=0 go build -o /out/app .) and copy only the binary into the runtime stage: FROM gcr.io/distroless/static-debian12@sha256:<digest>, COPY --from=build /out/app /app.';
      return rule.fix;
    }
    case 'TODO-DKR-002': {
      const uid = detail.uid !== undefined && detail.uid >= 1000 ? detail.uid : 10001;
      const user = `USER ${uid}:${uid}`;
      if (detail.name && detail.uid !== undefined && detail.uid >= 1000 && detail.name !== 'root')
        return `Write ${user}, the UID this Dockerfile gives ${detail.name}, instead of USER ${detail.name}: a name cannot be checked against runAsNonRoot${
          py
            ? ' (a Python server runs as that UID just the same, on a port >= 1024)'
            : node
              ? ' (Node.js runs as that UID just the same, on a port >= 1024)'
              : ''
        }.`;
      if (/distroless\//.test(p.root))
        return `Write ${user} as the last USER of the final stage (distroless images ship the numeric nonroot user: USER 65532:65532).`;
      const create = /alpine/.test(p.root)
        ? `adduser -D -H -u ${uid} app`
        : `useradd --uid ${uid} --no-create-home --shell /usr/sbin/nologin app`;
      if (py)
        return `Create the user with a fixed UID and switch to it by number as the last USER of the final stage: RUN ${create}, then ${user} (a name cannot be checked against runAsNonRoot). A Python server needs no root: let uvicorn/gunicorn listen on a port >= 1024 such as 8000.`;
      if (node)
        return `Write ${user} as the last USER of the final stage (create it with RUN ${create} if files must belong to it), or USER 1000:1000, the UID of the node user of node images; never the name node.`;
      return `Write ${user} (numeric, >= 1000) as the last USER of the final stage; create it with RUN ${create}.`;
    }
    case 'TODO-DKR-003': {
      if (py)
        return `Probe the app with the image's own Python (python:*-slim has no curl): ${pythonHealthcheck(p.port)}, pointed at the app's health endpoint, in the final stage.`;
      if (node)
        return `Probe the app with the image's own Node.js (no curl needed): ${nodeHealthcheck(p.port)} in the final stage.`;
      if (p.has('curl')) return `HEALTHCHECK CMD curl -fsS http://127.0.0.1:${p.port}/healthz || exit 1 in the final stage.`;
      if (p.has('wget'))
        return `HEALTHCHECK CMD wget -q -O /dev/null http://127.0.0.1:${p.port}/healthz || exit 1 in the final stage.`;
      if (p.lang === 'go' || p.has('sh') === false)
        return `This image has no shell, curl or wget: let the application binary probe itself, e.g. HEALTHCHECK CMD ["/app", "healthcheck"] with a subcommand or flag that GETs http://127.0.0.1:${p.port}/healthz and exits 1 on failure (exec form: there is no /bin/sh).`;
      return `Add HEALTHCHECK CMD to the final stage that probes the app with a program the image really has: curl/wget only if the image ships them (slim and distroless images do not), else the application's own runtime or binary.`;
    }
    case 'TODO-DKR-004': {
      if (detail.arg)
        return `Give ARG ${detail.arg} a default pinned by digest: ARG ${detail.arg}=${pinExample(detail.image ?? '', p)}@sha256:<64 hex digest> (docker buildx imagetools inspect prints it).`;
      const example = pinExample(detail.image ?? '', p);
      return `Write ${detail.what ?? 'FROM '}${example}@sha256:<64 hex digest> (docker buildx imagetools inspect ${example} prints it; Renovate or Dependabot keep the digest current).`;
    }
    case 'TODO-DKR-005': {
      const add = detail.missing?.length ? `Add ${detail.missing.join(', ')} to the .dockerignore. ` : '';
      if (py)
        return `${add}A Python .dockerignore lists at least .env, .env.* and .git (re-include a template with !.env.example) plus .venv, __pycache__, *.pyc, .pytest_cache and .mypy_cache.`;
      if (node)
        return `${add}A Node.js .dockerignore lists at least .env, .env.* and .git (re-include a template with !.env.example) plus node_modules, .next and dist.`;
      return `${add}The .dockerignore lists at least .env, .env.* and .git (re-include a template with !.env.example) plus build outputs and local caches.`;
    }
    case 'TODO-DKR-006': {
      const tool = detail.tool;
      if (py || (tool && ['pip', 'poetry', 'uv', 'pipenv', 'pdm'].includes(tool))) {
        const t = (tool as PythonTool | undefined) ?? p.python;
        return `Install only the runtime Python dependencies in the final stage: ${pythonProdInstall(t)}; requirements-dev.txt, [dev]/[test] extras and tools such as pytest or ruff belong in a build or test stage, and a virtualenv copied with COPY --from must come from a stage that installed runtime dependencies only.`;
      }
      if (node || (tool && ['npm', 'yarn', 'pnpm'].includes(tool))) {
        const t = (tool as NodeTool | undefined) ?? p.node;
        const prune = t === 'pnpm' ? 'pnpm prune --prod' : t === 'yarn' ? 'yarn install --production' : 'npm prune --omit=dev';
        return `In the final stage use ${nodeProdInstall(t)}, or copy node_modules from a stage that ran it (or ${prune} before the copy); never a plain ${t} install.`;
      }
      return rule.fix;
    }
    default:
      return rule.fix;
  }
}

// ------------------------------------------------------------------ the rules

export interface DockerfileInput {
  /** Repository-relative path. */
  path: string;
  content: string;
  /** Whether a .dockerignore exists next to it (or <name>.dockerignore). */
  hasDockerignore: boolean;
  /**
   * The text of that .dockerignore (readDockerignore). When given, TODO-DKR-005 also checks that
   * it keeps .env, .env.* and .git out of the build context; when omitted only its presence is checked.
   */
  dockerignore?: string | null;
}

/** A HEALTHCHECK command that cannot fail. */
function alwaysHealthy(command: string): boolean {
  const c = command
    .replace(/^(\/bin\/)?(ba)?sh\s+-c\s+/, '')
    .replace(/^["']|["']$/g, '')
    .trim();
  if (/(\|\||;)\s*(true|\/bin\/true|exit\s+0|:)\s*$/.test(c)) return true;
  return c
    .split(/&&|;/)
    .map((s) => s.trim())
    .every((s) => !s.includes('|') && /^((\/usr)?\/bin\/)?true$|^exit(\s+0)?$|^:$|^(echo|sleep|printf)\b/.test(s));
}

/**
 * TODO-DKR-001..006 on one Dockerfile. Each rule is judged on values, not on the presence of an
 * instruction: the final stage must copy from an earlier stage (001); the last USER in effect
 * must be a numeric UID >= 1000 (002); the HEALTHCHECK must be able to fail in this image (not
 * NONE, not `|| true`, not curl/wget/sh where the image has none) (003); every FROM, ARG default
 * used by a FROM and COPY --from=<image> needs a 64-hex sha256 digest (004); the .dockerignore,
 * when its text is given, must exclude .env, .env.* and .git (005); no dev dependencies may be
 * installed in, inherited by or copied into the final stage, for npm/yarn/pnpm and
 * pip/poetry/uv/pipenv/pdm (006). Each finding's `fix` speaks the language of the final image
 * (Python, Node.js, Go or other), detected from its base image and its instructions.
 */
export function checkDockerfile(input: DockerfileInput, catalog: Catalog): Finding[] {
  const rule = (id: string): Rule => {
    const r = catalog.rules.find((x) => x.id === id);
    if (!r) throw new Error(`rule ${id} is missing from the catalog`);
    return r;
  };
  const findings: Finding[] = [];
  const add = (id: string, ok: boolean, lineNo: number, message: string, fix?: string) => {
    const r = rule(id);
    findings.push({
      rule: id,
      status: ok ? 'pass' : 'fail',
      severity: r.severity,
      file: input.path,
      line: Math.max(1, lineNo),
      resource: input.path,
      env: null,
      message,
      fix: fix ?? r.fix,
    });
  };
  let parsed: ReturnType<typeof parseStages>;
  try {
    parsed = parseStages(input.content);
  } catch (error) {
    add('TODO-DKR-001', false, 1, `${input.path} cannot be parsed: ${(error as Error).message}`);
    return findings;
  }
  const { stages, args } = parsed;
  const final = stages.at(-1);
  if (!final) {
    add('TODO-DKR-001', false, 1, `${input.path} has no FROM instruction.`);
    return findings;
  }
  const profile = profileOf(stages, final);
  const fix = (id: string, detail?: FixDetail) => fixFor(id, profile, rule(id), detail);
  const finalLine = line(final.from);
  const chain = chainOf(final);
  const inChain = chainInstructions(final);
  const stageName = (s: Stage) => (s.alias ? `"${s.alias}"` : `#${s.index}`);

  // ---- DKR-001: multi-stage, and the final stage really takes its files from an earlier one
  if (stages.length < 2) {
    add('TODO-DKR-001', false, finalLine, `${input.path} is a single-stage build.`, fix('TODO-DKR-001'));
  } else {
    const used = new Set<Stage>();
    for (const s of chain)
      for (const i of s.instructions)
        for (const ref of fromRefs(i)) {
          const from = stageByRef(stages, resolveVars(ref, args).value, s.index);
          if (from && !chain.includes(from)) used.add(from);
        }
    if (used.size > 0) {
      add(
        'TODO-DKR-001',
        true,
        finalLine,
        `${input.path} has ${stages.length} stages; the final stage copies from ${[...used].map(stageName).join(', ')}.`,
        fix('TODO-DKR-001'),
      );
    } else {
      const parent = final.parent;
      add(
        'TODO-DKR-001',
        false,
        finalLine,
        parent
          ? `The final stage of ${input.path} is built FROM stage ${stageName(parent)} and copies nothing from another stage (no COPY --from=<stage>), so it carries everything that stage installed: a single-stage build in disguise.`
          : `The final stage of ${input.path} copies nothing from an earlier stage (no COPY --from=<stage>): ${
              stages.length > 2
                ? `stages ${stages.slice(0, -1).map(stageName).join(', ')} are`
                : `stage ${stageName(stages[0]!)} is`
            } built and thrown away, and the final image is a single-stage build.`,
        fix('TODO-DKR-001'),
      );
    }
  }

  // ---- DKR-002: the last USER in effect (final stage, or the stage it is built FROM) is a numeric
  // UID >= 1000. A user name fails even when this Dockerfile creates it with a high UID
  // (useradd -u 10001 app): the kubelet refuses runAsNonRoot for a non-numeric image user, so
  // the name is resolved only to say which UID to write instead.
  {
    const vars = new Map<string, string>();
    const users: { i: Instruction; raw: string; value: string; missing: string[] }[] = [];
    const created = new Map<string, number>();
    for (const i of inChain) {
      const keyword = i.getKeyword();
      const content = i.getArgumentsContent() ?? '';
      if (keyword === 'ARG') for (const [name, value] of parseArg(content)) vars.set(name, value ?? args.get(name) ?? '');
      if (keyword === 'ENV') for (const [name, value] of parseEnv(content)) vars.set(name, resolveVars(value, vars).value);
      if (keyword === 'RUN') {
        for (const part of content.split(/&&|\|\||;|\n/)) {
          if (!/\b(useradd|adduser)\b/.test(part)) continue;
          const uid = /(?:^|\s)(?:-u|--uid)(?:=|\s+)(\d+)/.exec(part)?.[1];
          if (!uid) continue;
          // useradd -u 10001 app, adduser -D -u 10001 app [group], adduser --uid 10001 app: every bare word
          // may be the login (flag values are numbers, paths or quoted)
          for (const t of part.trim().split(/\s+/))
            if (/^[a-z_][a-z0-9_.-]*$/i.test(t) && !/^(useradd|adduser|sudo|exec)$/.test(t) && !created.has(t))
              created.set(t, Number(uid));
        }
      }
      if (keyword === 'USER') {
        const raw = content.trim();
        const { value, missing } = resolveVars(raw, vars);
        users.push({ i, raw, value, missing });
      }
    }
    const last = users.at(-1);
    if (!last) {
      const elsewhere = stages
        .filter((s) => !chain.includes(s))
        .find((s) => s.instructions.some((i) => i.getKeyword() === 'USER'));
      add(
        'TODO-DKR-002',
        false,
        finalLine,
        `The final stage of ${input.path} sets no USER, so it runs as the base image's user (often root)${
          elsewhere ? `; the USER of stage ${stageName(elsewhere)} does not carry over to it` : ''
        }.`,
        fix('TODO-DKR-002'),
      );
    } else {
      const [user = '', group] = last.value.split(':');
      const numeric = /^\d+$/.test(user);
      const uid = numeric ? Number(user) : user === 'root' ? 0 : created.get(user);
      const earlierOk = users
        .slice(0, -1)
        .reverse()
        .find((u) => /^\d+$/.test(u.value.split(':')[0] ?? '') && Number(u.value.split(':')[0]) >= 1000);
      const after = earlierOk ? ` It comes after USER ${earlierOk.raw} (line ${line(earlierOk.i)}), which it overrides.` : '';
      let ok = false;
      let message: string;
      if (last.missing.length > 0 || user === '') {
        message = `USER ${last.raw} uses ${last.missing.join(', ') || 'a variable'} without a value: the UID cannot be verified.`;
      } else if (uid === 0) {
        message = `USER ${last.raw} runs the final image as root (UID 0).${after}`;
      } else if (!numeric) {
        message =
          uid !== undefined
            ? `USER ${last.raw} is a name (created with UID ${uid} in this Dockerfile): Kubernetes cannot verify runAsNonRoot for a name, write the UID${uid < 1000 ? ' (and make it >= 1000)' : ''} instead.${after}`
            : `USER ${last.raw} is not numeric: Kubernetes cannot verify runAsNonRoot for a user name; use a UID >= 1000.${after}`;
      } else if (uid! < 1000) {
        message = `USER ${last.raw}: UID ${uid} is below 1000.${after}`;
      } else {
        ok = true;
        message = `The final stage runs as UID ${uid}${group ? ` (group ${group})` : ''}.`;
      }
      add(
        'TODO-DKR-002',
        ok,
        line(last.i),
        message,
        fix('TODO-DKR-002', uid !== undefined ? { uid, ...(numeric ? {} : { name: user }) } : {}),
      );
    }
  }

  // ---- DKR-003: a HEALTHCHECK that can both succeed and fail in this image
  {
    const checks = inChain.filter((i) => i.getKeyword() === 'HEALTHCHECK');
    const last = checks.at(-1);
    const content = (last?.getArgumentsContent() ?? '').trim();
    let problem: string | null = null;
    if (!last) {
      const elsewhere = stages
        .filter((s) => !chain.includes(s))
        .find((s) => s.instructions.some((i) => i.getKeyword() === 'HEALTHCHECK'));
      problem = `The final stage of ${input.path} has no HEALTHCHECK${elsewhere ? ` (the one of stage ${stageName(elsewhere)} does not carry over)` : ''}.`;
    } else if (/^NONE\b/i.test(content)) {
      problem = `HEALTHCHECK NONE switches the health check of the final stage off.`;
    } else {
      const cmd = /^CMD\s+(.*)$/is.exec(content)?.[1]?.trim() ?? '';
      let argv: string[] | null = null;
      if (cmd.startsWith('[')) {
        try {
          const parsedArgv: unknown = JSON.parse(cmd);
          if (Array.isArray(parsedArgv)) argv = parsedArgv.map(String);
        } catch {
          argv = null;
        }
      }
      const commandLine = argv ? argv.join(' ') : cmd;
      const program = (argv ? argv[0] : cmd.split(/\s+/)[0]) ?? '';
      const usesShell = !argv || /(^|\/)(ba)?sh$/.test(program);
      const tool = /(^|[\s/])(curl|wget)\b/.exec(commandLine)?.[2] as 'curl' | 'wget' | undefined;
      if (cmd === '') problem = `HEALTHCHECK ${content} has no CMD.`;
      else if (alwaysHealthy(commandLine)) problem = `HEALTHCHECK CMD ${cmd} always reports healthy: it checks nothing.`;
      else if (usesShell && profile.has('sh') === false)
        problem = `HEALTHCHECK CMD ${cmd} needs /bin/sh (shell form), which ${shortImage(profile.root)} does not have: the check always fails.`;
      else if (tool && profile.has(tool) === false)
        problem = `HEALTHCHECK runs ${tool}, which ${shortImage(profile.root)} does not ship and this Dockerfile does not install: the check always fails.`;
    }
    add(
      'TODO-DKR-003',
      problem === null,
      last ? line(last) : finalLine,
      problem ?? 'The final stage defines a HEALTHCHECK.',
      fix('TODO-DKR-003'),
    );
  }

  // ---- DKR-004: every base image (and image copied from) pinned by a sha256 digest
  {
    let checked = 0;
    const pinned = (ref: string) => DIGEST.test(ref);
    // what: `FROM ` or `COPY --from=`, followed by the image
    const describe = (
      what: string,
      ref: string,
      raw: string,
      missing: string[],
    ): { ok: boolean; message: string; detail: FixDetail } => {
      if (missing.length > 0 && !pinned(ref))
        return {
          ok: false,
          message: `${what}${raw}: ARG ${missing.join(', ')} has no default, so the image is whatever --build-arg passes and cannot be verified.`,
          detail: { arg: missing[0]!, image: ref, what },
        };
      if (pinned(ref))
        return { ok: true, message: `${what}${ref.split('@')[0]} is pinned by digest.`, detail: { image: ref, what } };
      const via = raw !== ref ? ` (${raw} through its ARG default)` : '';
      const at = ref.indexOf('@');
      if (at >= 0)
        return {
          ok: false,
          message: `${what}${ref}${via}: "${ref.slice(at + 1)}" is not a sha256 digest of 64 lowercase hex digits.`,
          detail: { image: ref.slice(0, at), what },
        };
      return {
        ok: false,
        message: `${what}${ref}${via} is not pinned by a sha256 digest; tags move.`,
        detail: { image: ref, what },
      };
    };
    for (const stage of stages) {
      if (!stage.parent && stage.image.toLowerCase() !== 'scratch') {
        checked++;
        const r = describe('FROM ', stage.image, stage.raw, stage.missing);
        add('TODO-DKR-004', r.ok, line(stage.from), r.message, fix('TODO-DKR-004', r.detail));
      }
      for (const i of stage.instructions)
        for (const ref of fromRefs(i)) {
          const { value, missing } = resolveVars(ref, args);
          if (stageByRef(stages, value, stage.index) || /^\d+$/.test(value)) continue;
          checked++;
          const r = describe(`${i.getKeyword()} --from=`, value, ref, missing);
          add('TODO-DKR-004', r.ok, line(i), r.message, fix('TODO-DKR-004', r.detail));
        }
    }
    if (checked === 0)
      add(
        'TODO-DKR-004',
        true,
        finalLine,
        `${input.path} builds FROM scratch or earlier stages only: nothing to pin.`,
        fix('TODO-DKR-004'),
      );
  }

  // ---- DKR-005: a .dockerignore that keeps secrets and history out of the context
  if (!input.hasDockerignore) {
    add(
      'TODO-DKR-005',
      false,
      1,
      `No .dockerignore next to ${input.path}.`,
      fix('TODO-DKR-005', { missing: MUST_IGNORE.map((m) => m.pattern) }),
    );
  } else if (input.dockerignore === undefined || input.dockerignore === null) {
    add('TODO-DKR-005', true, 1, `${input.path} has a .dockerignore.`, fix('TODO-DKR-005'));
  } else {
    const text = input.dockerignore;
    const missing = MUST_IGNORE.map((m) => ({ ...m, decision: dockerignoreDecision(text, m.probe) })).filter(
      (m) => !m.decision.excluded,
    );
    const reincluded = missing.filter((m) => m.decision.line > 0);
    const names = missing.map((m) => m.pattern);
    add(
      'TODO-DKR-005',
      missing.length === 0,
      reincluded[0]?.decision.line ?? 1,
      missing.length === 0
        ? `The .dockerignore of ${input.path} keeps ${MUST_IGNORE.map((m) => m.pattern).join(', ')} out of the build context.`
        : `The .dockerignore of ${input.path} does not exclude ${names.join(', ')}${
            reincluded.length > 0
              ? ` (${reincluded.map((m) => `${m.probe} is re-included by ${m.decision.pattern} on line ${m.decision.line}`).join('; ')})`
              : ''
          }: ${names.length > 1 ? 'they are' : 'it is'} sent to the build context, and a COPY . . puts ${names.length > 1 ? 'them' : 'it'} in the image.`,
      fix('TODO-DKR-005', { missing: names }),
    );
  }

  // ---- DKR-006: no development dependencies in the final stage (installed there, inherited
  // through FROM <stage>, or copied with COPY --from from a stage that installed them)
  interface DevState {
    /** Where dev dependencies came from (`RUN npm ci (line 3)`), null once none are left. */
    origin: { text: string; tool: Tool } | null;
    /** How they reached this stage, and the line to point at. */
    how: { line: number; text: string } | null;
    /** Directories (WORKDIR) where development dependencies were installed. */
    dirs: string[];
  }
  const states = new Map<Stage, DevState>();
  for (const stage of stages) {
    const chainHere = chainOf(stage);
    const inherited = stage.parent ? states.get(stage.parent) : undefined;
    const state: DevState = inherited?.origin
      ? {
          origin: inherited.origin,
          how: {
            line: line(stage.from),
            text: `it is built FROM stage ${stageName(stage.parent!)}, where ${inherited.origin.text}`,
          },
          dirs: [...inherited.dirs],
        }
      : { origin: null, how: null, dirs: [] };
    // ENV, ARG and WORKDIR of the stages this one is built on
    const env = new Map<string, string>();
    let workdir = '/';
    const track = (i: Instruction, own: boolean) => {
      const content = i.getArgumentsContent() ?? '';
      const keyword = i.getKeyword();
      if (keyword === 'ENV') for (const [k, v] of parseEnv(content)) env.set(k, v);
      if (keyword === 'ARG')
        for (const [k, v] of parseArg(content)) if (v !== undefined || own) env.set(k, v ?? args.get(k) ?? '');
      if (keyword === 'WORKDIR') workdir = normalisePath(resolveVars(content.trim(), env).value, workdir);
    };
    for (const s of chainHere.slice(1).reverse()) for (const i of s.instructions) track(i, false);
    for (const i of stage.instructions) {
      track(i, true);
      const keyword = i.getKeyword();
      if (keyword === 'RUN') {
        for (const action of dependencyActions(i.getArgumentsContent() ?? '', env)) {
          if (action.kind === 'dev') {
            const text = `${action.command.length > 100 ? `${action.command.slice(0, 100)}…` : action.command} (line ${line(i)}) installs dev dependencies`;
            state.origin = { text, tool: action.tool };
            state.how = { line: line(i), text };
            state.dirs.push(workdir);
          } else if (action.kind === 'reset') {
            state.origin = null;
            state.how = null;
            state.dirs = [];
          }
        }
      }
      if (keyword === 'COPY' || keyword === 'ADD') {
        const ref = fromRefs(i)[0];
        const source = ref ? stageByRef(stages, resolveVars(ref, args).value, stage.index) : null;
        const from = source ? states.get(source) : undefined;
        if (source && from?.origin) {
          const paths = (i.getArguments() ?? []).map((a) => a.getValue()).filter((p) => !p.startsWith('--'));
          const carried = paths
            .slice(0, -1)
            .map((p) => normalisePath(p))
            .find((p) => DEPENDENCY_PATH.test(p) || from.dirs.some((d) => p === '/' || d === p || d.startsWith(`${p}/`)));
          if (carried) {
            state.origin = from.origin;
            state.how = {
              line: line(i),
              text: `COPY --from=${ref} ${carried} (line ${line(i)}) copies the dependencies of stage ${stageName(source)}, where ${from.origin.text}`,
            };
            state.dirs.push(normalisePath(paths.at(-1) ?? '.', workdir));
          }
        }
      }
    }
    states.set(stage, state);
  }
  const finalState = states.get(final)!;
  add(
    'TODO-DKR-006',
    finalState.origin === null,
    finalState.how?.line ?? finalLine,
    finalState.how
      ? `The final stage of ${input.path} holds development dependencies: ${finalState.how.text}.`
      : 'The final stage installs production dependencies only.',
    fix('TODO-DKR-006', finalState.origin ? { tool: finalState.origin.tool } : {}),
  );
  return findings;
}
