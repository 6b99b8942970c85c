import { DockerfileParser, type Instruction, type ModifiableInstruction } from 'dockerfile-ast';
import type { Catalog, Rule } from './catalog.js';
import type { Finding } from './types.js';

interface Stage {
  from: Instruction;
  image: string;
  alias: string | null;
  instructions: Instruction[];
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

function resolveArgs(text: string, args: Map<string, string>): string {
  return text.replace(
    /\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}?/g,
    (_m, name: string, fallback?: string) => args.get(name) ?? fallback ?? '',
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
      const image = resolveArgs(parts[0] ?? '', args);
      const asIndex = parts.findIndex((p) => p.toUpperCase() === 'AS');
      stages.push({ from: instruction, image, alias: asIndex >= 0 ? (parts[asIndex + 1] ?? null) : null, instructions: [] });
    } else if (stages.length === 0 && keyword === 'ARG') {
      const [name, value] = (instruction.getArgumentsContent() ?? '').split('=', 2);
      if (name) args.set(name.trim(), (value ?? '').trim().replace(/^["']|["']$/g, ''));
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { stages, args };
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

/** Whether a RUN command installs packages including dev dependencies. */
export function installsDevDependencies(command: string): boolean {
  for (const part of command.split(/&&|\|\||;|\n/)) {
    const cmd = part.trim();
    if (/\bnpm\s+(ci|install|i)\b/.test(cmd) && !/--omit[= ]dev|--production|--only[= ]prod(uction)?|-g\b|--global\b/.test(cmd))
      return true;
    if (
      /\byarn(\s+install)?\s*$|\byarn\s+install\b/.test(cmd) &&
      !/--production|--prod\b|workspaces focus.*--production/.test(cmd)
    )
      return true;
    if (/\bpnpm\s+(install|i)\b/.test(cmd) && !/--prod\b|-P\b|--production/.test(cmd)) return true;
  }
  return false;
}

function prunesDevDependencies(command: string): boolean {
  return /\bnpm\s+prune\b.*(--omit[= ]dev|--production)|\bpnpm\s+prune\s+--prod/.test(command);
}

export interface DockerfileInput {
  /** Repository-relative path. */
  path: string;
  content: string;
  /** Whether a .dockerignore exists next to it (or <name>.dockerignore). */
  hasDockerignore: boolean;
}

/** TODO-DKR-001..006 on one Dockerfile. */
export function checkDockerfile(input: DockerfileInput, catalog: Catalog): Finding[] {
  const rule = (id: string): Rule => {
    const r = catalog.rules.find((x) => x.id === id);
    if (!r) throw new Error(`rule ${id} is missing from the catalog`);
    return r;
  };
  const findings: Finding[] = [];
  const add = (id: string, ok: boolean, lineNo: number, message: string) => {
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
      fix: r.fix,
    });
  };
  let parsed: ReturnType<typeof parseStages>;
  try {
    parsed = parseStages(input.content);
  } catch (error) {
    add('TODO-DKR-001', false, 1, `${input.path} cannot be parsed: ${(error as Error).message}`);
    return findings;
  }
  const { stages } = parsed;
  const final = stages.at(-1);
  if (!final) {
    add('TODO-DKR-001', false, 1, `${input.path} has no FROM instruction.`);
    return findings;
  }
  const finalLine = line(final.from);
  add(
    'TODO-DKR-001',
    stages.length >= 2,
    finalLine,
    stages.length >= 2 ? `${input.path} has ${stages.length} stages.` : `${input.path} is a single-stage build.`,
  );

  const users = final.instructions.filter((i) => i.getKeyword() === 'USER');
  const lastUser = users.at(-1);
  if (!lastUser) {
    add(
      'TODO-DKR-002',
      false,
      finalLine,
      `The final stage of ${input.path} sets no USER, so it runs as the base image's user (often root).`,
    );
  } else {
    const user = (lastUser.getArgumentsContent() ?? '').trim().split(':')[0] ?? '';
    const uid = /^\d+$/.test(user) ? Number(user) : NaN;
    const ok = Number.isInteger(uid) && uid >= 1000;
    add(
      'TODO-DKR-002',
      ok,
      line(lastUser),
      ok
        ? `The final stage runs as UID ${uid}.`
        : Number.isNaN(uid)
          ? `USER ${user} is not numeric: Kubernetes cannot verify runAsNonRoot for a user name; use a UID >= 1000.`
          : `USER ${uid} is below 1000.`,
    );
  }

  const healthchecks = final.instructions.filter((i) => i.getKeyword() === 'HEALTHCHECK');
  const lastHealthcheck = healthchecks.at(-1);
  const healthOk = lastHealthcheck !== undefined && !/^NONE\b/i.test((lastHealthcheck.getArgumentsContent() ?? '').trim());
  add(
    'TODO-DKR-003',
    healthOk,
    lastHealthcheck ? line(lastHealthcheck) : finalLine,
    healthOk ? 'The final stage defines a HEALTHCHECK.' : `The final stage of ${input.path} has no HEALTHCHECK.`,
  );

  const aliases = new Set<string>();
  for (const stage of stages) {
    const image = stage.image;
    const fromStage = aliases.has(image.toLowerCase()) || image === 'scratch';
    if (!fromStage) {
      const ok = DIGEST.test(image);
      add(
        'TODO-DKR-004',
        ok,
        line(stage.from),
        ok ? `FROM ${image.split('@')[0]} is pinned by digest.` : `FROM ${image} is not pinned by a sha256 digest.`,
      );
    }
    if (stage.alias) aliases.add(stage.alias.toLowerCase());
  }

  add(
    'TODO-DKR-005',
    input.hasDockerignore,
    1,
    input.hasDockerignore ? `${input.path} has a .dockerignore.` : `No .dockerignore next to ${input.path}.`,
  );

  // Stages whose node_modules still hold dev dependencies.
  const devStages = new Set<string>();
  stages.forEach((stage, index) => {
    let dev = false;
    for (const i of stage.instructions) {
      if (i.getKeyword() !== 'RUN') continue;
      const command = i.getArgumentsContent() ?? '';
      if (installsDevDependencies(command)) dev = true;
      if (prunesDevDependencies(command)) dev = false;
    }
    if (dev) {
      devStages.add(String(index));
      if (stage.alias) devStages.add(stage.alias.toLowerCase());
    }
  });
  let devProblem: { line: number; message: string } | null = null;
  for (const i of final.instructions) {
    const keyword = i.getKeyword();
    const content = i.getArgumentsContent() ?? '';
    if (keyword === 'RUN' && installsDevDependencies(content)) {
      devProblem = { line: line(i), message: `The final stage installs dev dependencies: RUN ${content.trim().slice(0, 80)}` };
      break;
    }
    if (keyword === 'RUN' && prunesDevDependencies(content)) devProblem = null;
    if (keyword === 'COPY') {
      const from = /--from=(\S+)/.exec(i.getTextContent())?.[1]?.toLowerCase();
      if (from && devStages.has(from) && /node_modules/.test(content)) {
        devProblem = {
          line: line(i),
          message: `The final stage copies node_modules from stage "${from}", which installed dev dependencies.`,
        };
      }
    }
  }
  add(
    'TODO-DKR-006',
    devProblem === null,
    devProblem?.line ?? finalLine,
    devProblem?.message ?? 'The final stage installs production dependencies only.',
  );
  return findings;
}
