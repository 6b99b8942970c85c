/**
 * `todoctl build`: the images of the releases todoctl.yaml builds (`releases[].build`), through
 * the container tool's CLI (docker or podman). Tags follow the commit, `dev-<short-sha>`, and
 * when a service's build context differs from the commit, `dev-<short-sha><content hash>`: never
 * `latest`, and a tag always names one content. A service whose image with that tag exists is
 * not built again. On minikube the image goes where the cluster's runtime sees it, and is
 * checked there by ID: `minikube image load` keeps an old image that has the same tag.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CONTAINER_TOOLS, findContainerTools, type ContainerToolName } from '../../clients/container-tool.js';
import type { Deps } from '../../deps.js';
import { ClusterError, UsageError } from '../../runtime/errors.js';
import { minikubeProfileOf } from '../doctor/minikube-checks.js';

export interface BuildOptions {
  builder?: ContainerToolName | undefined;
}

export interface BuiltImage {
  release: string;
  image: string;
  tag: string;
  /** Not built: an image with this tag (so this content) exists. */
  skipped: boolean;
  durationMs: number;
  /** On minikube: how the image got into the cluster's runtime. */
  minikube?: { profile: string; action: 'present' | 'built-inside' | 'loaded' | 'replaced-stale' };
}

export async function runBuild(deps: Deps, o: BuildOptions): Promise<BuiltImage[]> {
  const [{ config }, root] = await Promise.all([deps.config(), deps.root()]);
  const services = config.releases.filter((r) => r.build && r.image);
  if (services.length === 0) {
    throw new UsageError('todoctl.yaml names no release to build', {
      hint: 'Give a release an image and build: { context, dockerfile }.',
    });
  }
  const tags = await imageTags(deps);
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

  const built: BuiltImage[] = [];
  for (const release of services) {
    const started = Date.now();
    const context = path.resolve(root, release.build!.context);
    const dockerfile = path.resolve(context, release.build!.dockerfile);
    const tag = tags.get(release.name)!;
    const ref = `${release.image}:${tag}`;
    const localId = await tool.imageId(ref);
    if (localId === null) await tool.build({ ref, context, dockerfile });
    const id = localId ?? (await tool.imageId(ref));
    if (!id) throw new ClusterError(`${ref} was built but the container tool does not list it`);
    const result: BuiltImage = { release: release.name, image: release.image!, tag, skipped: localId !== null, durationMs: 0 };
    if (minikube && profile) {
      const action = inside ? (localId === null ? 'built-inside' : 'present') : await placeInMinikube(minikube, profile, ref, id);
      if (inside) await checkInMinikube(minikube, profile, ref, id);
      result.minikube = { profile, action };
    }
    result.durationMs = Date.now() - started;
    built.push(result);
  }
  return built;
}

/**
 * The tag each release's image gets: `dev-<short-sha>` after HEAD, with 8 hex characters of its
 * build context's content appended when that context differs from HEAD.
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
    const context = path.relative(root, path.resolve(root, release.build!.context)) || '.';
    if (!(await git.isDirty(root, context))) {
      tags.set(release.name, `dev-${sha}`);
      continue;
    }
    listed ??= await git.listFiles(root);
    tags.set(release.name, `dev-${sha}${await contentHash(root, context, listed)}`);
  }
  return tags;
}

/** The first container tool on PATH, docker before podman. */
async function pickBuilder(deps: Deps): Promise<ContainerToolName> {
  const found = await findContainerTools(deps.runner);
  if (!found[0]) {
    throw new UsageError('no container tool to build images with', {
      hint: `Install ${CONTAINER_TOOLS.join(' or ')}, or deploy images you built elsewhere with todoctl up --no-build --tag <tag>.`,
    });
  }
  return found[0].name;
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

/** 8 hex characters of the content of the files git would commit under `context`. */
async function contentHash(
  root: string,
  context: string,
  listed: { tracked: string[]; untracked: string[] } | null,
): Promise<string> {
  const inside = (f: string) => context === '.' || f === context || f.startsWith(`${context}/`);
  const files = [...new Set([...(listed?.tracked ?? []), ...(listed?.untracked ?? [])])].filter(inside).sort();
  const hash = createHash('sha256');
  for (const file of files) {
    const content = await readFile(path.join(root, file)).catch(() => Buffer.from('(deleted)'));
    hash.update(`${file}\0`).update(content).update('\0');
  }
  return hash.digest('hex').slice(0, 8);
}
