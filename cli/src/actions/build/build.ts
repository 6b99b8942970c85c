/**
 * `todoctl build`: the images of the releases todoctl.yaml builds (`releases[].build`), through
 * the container tool's CLI (docker or podman). Tags follow the commit, `dev-<short-sha>`, and
 * when what an image is made from (its Dockerfile and what that copies) differs from the commit,
 * `dev-<short-sha><content hash>`: never `latest`, and a tag always names one content. A service whose image with that tag exists is
 * not built again. On minikube the image goes where the cluster's runtime sees it, and is
 * checked there by ID: `minikube image load` keeps an old image that has the same tag.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CONTAINER_TOOLS, findContainerTools, type ContainerToolName } from '../../clients/container-tool.js';
import type { Deps } from '../../deps.js';
import { contextSources } from '../../policy/dockerfile.js';
import { ClusterError, UsageError } from '../../runtime/errors.js';
import { minikubeProfileOf } from '../doctor/minikube-checks.js';
import type { ScanResult } from '../images/images.js';

export interface BuildOptions {
  builder?: ContainerToolName | undefined;
  /** Build every layer again (the container tool's --no-cache); an image with the tag is rebuilt too. */
  noCache?: boolean | undefined;
  /** Push each image to this registry (host[:port][/path]) and report its digest. */
  push?: string | undefined;
  /** Scan each image (trivy) after building; false only when asked (--no-scan). */
  scan?: boolean | undefined;
  /** Dockerfile ARGs (e.g. NODE_IMAGE, the base); they take precedence over the labels' own. */
  buildArgs?: Readonly<Record<string, string>> | undefined;
}

export interface BuiltImage {
  release: string;
  image: string;
  tag: string;
  /** Not built: an image with this tag (so this content) exists. */
  skipped: boolean;
  durationMs: number;
  /** The local image ID and its size in bytes (uncompressed). */
  id: string;
  sizeBytes: number;
  /** With --push: where it went and the manifest digest the registry stores (deploy by it). */
  pushed?: { ref: string; digest: string };
  /** On minikube: how the image got into the cluster's runtime. */
  minikube?: { profile: string; action: 'present' | 'built-inside' | 'loaded' | 'replaced-stale' };
  /** What trivy found (counts by severity) and which CRITICAL findings would stop a deployment. */
  scan?: Omit<ScanResult, 'ref' | 'release'>;
}

export async function runBuild(deps: Deps, o: BuildOptions): Promise<BuiltImage[]> {
  const [{ config }, root] = await Promise.all([deps.config(), deps.root()]);
  const services = config.releases.filter((r) => r.build && r.image);
  if (services.length === 0) {
    throw new UsageError('todoctl.yaml names no release to build', {
      hint: 'Give a release an image and build: { context, dockerfile }.',
    });
  }
  if (o.push !== undefined && !REGISTRY.test(o.push)) {
    throw new UsageError(`--push ${JSON.stringify(o.push)} is not a registry`, {
      hint: 'Give host[:port][/path], e.g. --push localhost:5000 or --push ghcr.io/acme.',
    });
  }
  const git = await deps.git();
  const [tags, revision, origin] = await Promise.all([imageTags(deps), git.revision(root), git.originUrl(root)]);
  const builder = o.builder ?? (await pickBuilder(deps));
  const kubectl = await deps.kubectl();
  const profile = minikubeProfileOf(await kubectl.currentContext().catch(() => undefined))?.profile;
  const minikube = profile ? await deps.minikube() : undefined;
  // a minikube whose runtime is Docker builds with docker pointed inside it: nothing to load
  const runtime =
    minikube && profile
      ? (await minikube.profiles()).find((p) => p.Name === profile)?.Config.KubernetesConfig.ContainerRuntime
      : undefined;
  const inside = builder === 'docker' && runtime === 'docker';
  const tool = inside
    ? (await deps.containerTool(builder)).withEnv(await minikube!.dockerEnv(profile!))
    : await deps.containerTool(builder);
  const secrets = buildSecrets(deps.env);

  const built: BuiltImage[] = [];
  for (const release of services) {
    const started = Date.now();
    const context = path.resolve(root, release.build!.context);
    const dockerfile = path.resolve(context, release.build!.dockerfile);
    const tag = tags.get(release.name)!;
    const ref = `${release.image}:${tag}`;
    const existing = o.noCache ? null : await tool.inspect(ref);
    if (existing === null) {
      await tool.build({
        ref,
        context,
        dockerfile,
        // the OCI labels the Dockerfiles declare (image checks require them)
        buildArgs: { SOURCE_URL: origin ?? '', REVISION: revision ?? '', VERSION: tag, ...o.buildArgs },
        labels: {
          'org.opencontainers.image.source': origin ?? '',
          'org.opencontainers.image.revision': revision ?? '',
          'org.opencontainers.image.version': tag,
        },
        secrets,
        noCache: o.noCache === true,
      });
    }
    const image = existing ?? (await tool.inspect(ref));
    if (!image) throw new ClusterError(`${ref} was built but the container tool does not list it`);
    const result: BuiltImage = {
      release: release.name,
      image: release.image!,
      tag,
      skipped: existing !== null,
      durationMs: 0,
      id: image.id,
      sizeBytes: image.size,
    };
    if (o.push !== undefined) {
      const target = `${o.push.replace(/\/$/, '')}/${release.image!}:${tag}`;
      const scratch = await mkdtemp(path.join(tmpdir(), 'todoctl-push-'));
      try {
        result.pushed = { ref: target, digest: await tool.push(ref, target, path.join(scratch, 'digest')) };
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    }
    if (minikube && profile) {
      const action = inside
        ? existing === null
          ? 'built-inside'
          : 'present'
        : await placeInMinikube(minikube, profile, ref, image.id);
      if (inside) await checkInMinikube(minikube, profile, ref, image.id);
      result.minikube = { profile, action };
    }
    result.durationMs = Date.now() - started;
    built.push(result);
  }
  if (o.scan !== false) {
    const { scanImages } = await import('../images/images.js');
    const scans = await scanImages(deps, {
      images: built.map((i) => ({ release: i.release, ref: `${i.image}:${i.tag}` })),
      tool,
    });
    for (const image of built) {
      const found = scans.find((s) => s.release === image.release);
      if (found) image.scan = { bySeverity: found.bySeverity, blocking: found.blocking, exempt: found.exempt };
    }
  }
  return built;
}

/** host[:port] with an optional path: where --push sends images. */
const REGISTRY = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9._-]+)*\/?$/;

/**
 * The registry settings a build's `npm ci` needs, as build secrets the Dockerfiles mount into
 * that one step: the user's npmrc (registry, token) and the extra CA bundle Node is told of
 * (NODE_EXTRA_CA_CERTS), for a registry behind a private CA. Neither reaches a layer.
 */
export function buildSecrets(env: Readonly<Record<string, string | undefined>>): { id: string; src: string }[] {
  const secrets: { id: string; src: string }[] = [];
  const npmrc = env.NPM_CONFIG_USERCONFIG ?? env.npm_config_userconfig ?? (env.HOME ? path.join(env.HOME, '.npmrc') : undefined);
  if (npmrc && existsSync(npmrc)) secrets.push({ id: 'npmrc', src: npmrc });
  const ca = env.NODE_EXTRA_CA_CERTS;
  if (ca && existsSync(ca)) secrets.push({ id: 'npm-ca', src: ca });
  return secrets;
}

/**
 * The tag each release's image gets: `dev-<short-sha>` after HEAD, with 8 hex characters of the
 * content of its inputs appended when any input differs from HEAD. The inputs are what the
 * image is made from (`buildInputs`), so a change elsewhere in the repository changes no tag.
 */
export async function imageTags(deps: Deps): Promise<Map<string, string>> {
  const [{ config }, root] = await Promise.all([deps.config(), deps.root()]);
  const git = await deps.git();
  const sha = await git.head(root);
  if (!sha) {
    throw new UsageError(`${root} has no commit to tag images after`, {
      hint: 'Commit first (git init, git commit): tags are dev-<short-sha>.',
    });
  }
  const tags = new Map<string, string>();
  let listed: Awaited<ReturnType<typeof git.listFiles>> | undefined;
  for (const release of config.releases.filter((r) => r.build && r.image)) {
    const inputs = await buildInputs(root, release.build!);
    if (!(await git.isDirty(root, inputs))) {
      tags.set(release.name, `dev-${sha}`);
      continue;
    }
    listed ??= await git.listFiles(root);
    tags.set(release.name, `dev-${sha}${await contentHash(root, inputs, listed)}`);
  }
  return tags;
}

/**
 * What a release's image is made from, as paths relative to the root: its Dockerfile, the
 * .dockerignore that applies to it (`<Dockerfile>.dockerignore`, else the context's), and every
 * context path its COPY and ADD instructions take.
 */
export async function buildInputs(root: string, build: { context: string; dockerfile: string }): Promise<string[]> {
  const context = path.resolve(root, build.context);
  const dockerfile = path.resolve(context, build.dockerfile);
  let text: string;
  try {
    text = await readFile(dockerfile, 'utf8');
  } catch {
    throw new UsageError(`cannot read the Dockerfile ${path.relative(root, dockerfile)}`, {
      hint: 'Fix releases[].build (context, dockerfile) in todoctl.yaml; dockerfile is relative to context.',
    });
  }
  const relative = (p: string) => path.relative(root, p).split(path.sep).join('/') || '.';
  const ignore = [`${dockerfile}.dockerignore`, path.join(context, '.dockerignore')].find((f) => existsSync(f));
  return [
    ...new Set([
      relative(dockerfile),
      ...(ignore ? [relative(ignore)] : []),
      ...contextSources(text).map((s) => relative(path.resolve(context, s))),
    ]),
  ].filter((p) => !p.startsWith('../'));
}

/**
 * The first container tool on PATH that can work, docker before podman: a docker client whose
 * daemon does not answer is passed over (podman needs no daemon). None: an error naming why.
 */
export async function pickBuilder(deps: Deps, purpose = 'build images with'): Promise<ContainerToolName> {
  const found = await findContainerTools(deps.runner);
  const refused: string[] = [];
  for (const { name } of found) {
    const version = await (await deps.containerTool(name)).version().catch((error: Error) => ({ serverError: error.message }));
    if (!version.serverError || name === 'podman') return name;
    refused.push(`${name}: ${version.serverError}`);
  }
  throw new UsageError(`no container tool to ${purpose}${refused.length > 0 ? ` (${refused.join('; ')})` : ''}`, {
    hint: `Install ${CONTAINER_TOOLS.join(' or ')} (or start the Docker engine), or deploy images you built elsewhere with todoctl up --no-build --tag <tag>.`,
  });
}

/**
 * Loads the image into minikube and checks the cluster's runtime has this content under the tag:
 * when it kept an older image of the same tag, that one is removed and the image loaded again.
 */
async function placeInMinikube(
  minikube: Awaited<ReturnType<Deps['minikube']>>,
  profile: string,
  ref: string,
  id: string,
): Promise<'present' | 'loaded' | 'replaced-stale'> {
  const before = await imageInMinikube(minikube, profile, ref);
  if (before !== undefined && sameId(before, id)) return 'present';
  if (before !== undefined) await minikube.imageRemove(profile, ref);
  await minikube.imageLoad(profile, ref);
  await checkInMinikube(minikube, profile, ref, id);
  return before === undefined ? 'loaded' : 'replaced-stale';
}

/** The ID of the image the cluster's runtime has under `ref`, if any. */
async function imageInMinikube(minikube: Awaited<ReturnType<Deps['minikube']>>, profile: string, ref: string) {
  return (await minikube.images(profile)).find((i) => i.repoTags?.some((t) => sameRef(t, ref)))?.id;
}

/** Fails unless the cluster's runtime has this content (`id`) under `ref`. */
async function checkInMinikube(minikube: Awaited<ReturnType<Deps['minikube']>>, profile: string, ref: string, id: string) {
  const found = await imageInMinikube(minikube, profile, ref);
  if (found === undefined || !sameId(found, id)) {
    throw new ClusterError(
      `minikube ${profile} does not have ${ref} as built (${found ? `it has ${found}` : 'it has none'}; built ${id})`,
      {
        hint: `Run minikube image rm ${ref} -p ${profile}, then todoctl build again.`,
      },
    );
  }
}

/** docker.io/library/x:t and x:t are the same image reference. */
function sameRef(a: string, b: string): boolean {
  const bare = (r: string) => r.replace(/^(docker\.io\/)?(library\/)?/, '').replace(/^localhost\//, '');
  return bare(a) === bare(b);
}

/** IDs with or without the `sha256:` prefix, full or short. */
function sameId(a: string, b: string): boolean {
  const bare = (id: string) => id.replace(/^sha256:/, '');
  const [x, y] = [bare(a), bare(b)];
  return x.startsWith(y) || y.startsWith(x);
}

/** 8 hex characters of the content of the files git would commit under the inputs (paths or globs). */
async function contentHash(
  root: string,
  inputs: readonly string[],
  listed: { tracked: string[]; untracked: string[] } | null,
): Promise<string> {
  const inside = (f: string) =>
    inputs.some((i) => i === '.' || f === i || f.startsWith(`${i}/`) || (/[*?[]/.test(i) && path.posix.matchesGlob(f, i)));
  const files = [...new Set([...(listed?.tracked ?? []), ...(listed?.untracked ?? [])])].filter(inside).sort();
  const hash = createHash('sha256');
  for (const file of files) {
    const content = await readFile(path.join(root, file)).catch(() => Buffer.from('(deleted)'));
    hash.update(`${file}\0`).update(content).update('\0');
  }
  return hash.digest('hex').slice(0, 8);
}
