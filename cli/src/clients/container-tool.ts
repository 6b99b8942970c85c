import { z } from '../runtime/schema.js';
import { ToolError } from '../runtime/errors.js';
import type { Runner } from '../runtime/runner.js';
import { ToolClient } from './tool.js';

export const CONTAINER_TOOLS = ['docker', 'podman'] as const;
export type ContainerToolName = (typeof CONTAINER_TOOLS)[number];

/*
 * `version` as JSON, as each tool documents it:
 *   docker version --format '{{json .}}'   docs/reference/commandline/version.md "Dump raw JSON data";
 *       cli/command/system/version.go versionInfo {Client, Server}: Server is null, and the exit code 1,
 *       when the daemon does not answer (the reason on stderr)
 *   podman version --format json           podman-version(1): {Client, Server}; a local podman prints
 *       only Client (there is no daemon), a remote one Server too
 */
const versionSchema = z.object({
  Client: z.object({ Version: z.string() }),
  Server: z.optional(z.nullable(z.object({ Version: z._default(z.string(), '') }))),
});

export interface ContainerToolVersion {
  client: string;
  /** The engine's version, when one answered (docker's daemon, podman's remote service). */
  server: string | undefined;
  /** Why the engine did not answer, in the tool's words (docker: the daemon is not running). */
  serverError: string | undefined;
}

/** Typed wrapper around docker or podman, and the only module that starts them. */
export class ContainerToolClient extends ToolClient {
  protected readonly installHint =
    'Install Docker (https://docs.docker.com/engine/install/) or Podman (https://podman.io/docs/installation) and make sure it is on PATH.';

  /** Client and engine versions; an engine that does not answer is a result, not a throw. */
  async version(): Promise<ContainerToolVersion> {
    const format = this.binary.endsWith('podman') ? 'json' : '{{json .}}';
    const argv = ['version', '--format', format];
    const result = await this.start(argv, { check: false });
    let data: unknown;
    try {
      data = JSON.parse(result.stdout);
    } catch {
      throw new ToolError(this.binary, argv, result.exitCode, result.stderr || result.stdout);
    }
    const parsed = versionSchema.safeParse(data);
    if (!parsed.success) {
      throw new ToolError(
        this.binary,
        argv,
        result.exitCode,
        `${this.binary} version printed unexpected JSON: ${parsed.error.message}`,
      );
    }
    const reason = result.stderr.trim().split('\n').filter(Boolean).pop();
    return {
      client: parsed.data.Client.Version,
      server: parsed.data.Server?.Version || undefined,
      serverError: result.exitCode === 0 ? undefined : (reason ?? `exit code ${result.exitCode}`),
    };
  }

  private get isPodman(): boolean {
    return this.binary.endsWith('podman');
  }

  /**
   * Builds an image from a Dockerfile. docker (BuildKit) and podman spell every flag used here
   * the same: build args, build secrets (mounted into a RUN step, never stored in a layer) and
   * --no-cache.
   */
  async build(o: ImageBuild): Promise<void> {
    const argv = ['build', '--tag', o.ref, '--file', o.dockerfile];
    for (const [name, value] of Object.entries(o.buildArgs ?? {})) argv.push('--build-arg', `${name}=${value}`);
    for (const secret of o.secrets ?? []) argv.push('--secret', `id=${secret.id},src=${secret.src}`);
    // set on the image itself: a cached LABEL layer may carry another build's values
    for (const [name, value] of Object.entries(o.labels ?? {})) argv.push('--label', `${name}=${value}`);
    if (o.noCache) argv.push('--no-cache');
    argv.push(o.context);
    await this.start(argv);
  }

  /** The ID of a local image, or null when there is none by that reference. */
  async imageId(ref: string): Promise<string | null> {
    return (await this.inspect(ref))?.id ?? null;
  }

  /**
   * What `image inspect` says of a local image (a JSON array with one object, for docker and
   * podman alike), or null when there is none by that reference.
   */
  async inspect(ref: string): Promise<ImageInfo | null> {
    const argv = ['image', 'inspect', ref];
    const result = await this.start(argv, { check: false });
    if (result.exitCode !== 0) {
      if (/no such (object|image)|image not known/i.test(result.stderr)) return null;
      throw new ToolError(this.binary, argv, result.exitCode, result.stderr);
    }
    let data: unknown;
    try {
      data = JSON.parse(result.stdout);
    } catch {
      throw new ToolError(this.binary, argv, result.exitCode, 'image inspect printed no JSON');
    }
    const parsed = z.array(inspectSchema).safeParse(data);
    const image = parsed.success ? parsed.data[0] : undefined;
    if (!image) throw new ToolError(this.binary, argv, result.exitCode, 'image inspect printed unexpected JSON');
    return {
      id: image.Id,
      size: image.Size,
      repoDigests: image.RepoDigests ?? [],
      user: image.Config?.User ?? '',
      labels: image.Config?.Labels ?? {},
      cmd: image.Config?.Cmd ?? [],
      entrypoint: image.Config?.Entrypoint ?? [],
    };
  }

  /** Writes the image as a docker-archive (manifest.json and one tar per layer), which both tools write. */
  async save(ref: string, file: string): Promise<void> {
    await this.start(['save', '--output', file, ...(this.isPodman ? ['--format', 'docker-archive'] : []), ref]);
  }

  /**
   * Pushes the image to `target` (registry/name:tag) and returns the manifest digest the
   * registry stores. A registry on the loopback is plain HTTP, as docker assumes for 127.0.0.0/8.
   */
  async push(ref: string, target: string, digestFile: string): Promise<string> {
    const loopback = /^(localhost|127\.\d+\.\d+\.\d+)(:\d+)?\//.test(target);
    if (this.isPodman) {
      await this.start(['push', ...(loopback ? ['--tls-verify=false'] : []), '--digestfile', digestFile, ref, target]);
      const { readFile } = await import('node:fs/promises');
      return (await readFile(digestFile, 'utf8')).trim();
    }
    await this.start(['tag', ref, target]);
    const result = await this.start(['push', target]);
    // docker push ends with "<tag>: digest: sha256:<hex> size: <n>"
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(result.stdout)?.[1];
    if (!digest) throw new ToolError(this.binary, ['push', target], result.exitCode, 'docker push printed no digest');
    return digest;
  }
}

/*
 * `image inspect` (docker docs image_inspect.md, podman-image-inspect(1)): Id, Size (bytes,
 * uncompressed), RepoDigests (after a push or a pull) and the config's User, Labels, Cmd and
 * Entrypoint.
 */
const inspectSchema = z.object({
  Id: z.string(),
  Size: z._default(z.number(), 0),
  RepoDigests: z.optional(z.nullable(z.array(z.string()))),
  Config: z.optional(
    z.nullable(
      z.object({
        User: z.optional(z.nullable(z.string())),
        Labels: z.optional(z.nullable(z.record(z.string(), z.string()))),
        Cmd: z.optional(z.nullable(z.array(z.string()))),
        Entrypoint: z.optional(z.nullable(z.array(z.string()))),
      }),
    ),
  ),
});

export interface ImageInfo {
  id: string;
  /** Bytes, uncompressed, as the tool reports it. */
  size: number;
  repoDigests: string[];
  user: string;
  labels: Record<string, string>;
  cmd: string[];
  entrypoint: string[];
}

export interface ImageBuild {
  /** name:tag */
  ref: string;
  context: string;
  dockerfile: string;
  buildArgs?: Readonly<Record<string, string>>;
  /** Build secrets: files mounted into the RUN steps that ask for them, never written to a layer. */
  secrets?: readonly { id: string; src: string }[];
  labels?: Readonly<Record<string, string>>;
  noCache?: boolean;
}

/** The container tools on PATH, docker first: name and path. */
export async function findContainerTools(runner: Runner): Promise<{ name: ContainerToolName; path: string }[]> {
  const found = await Promise.all(CONTAINER_TOOLS.map(async (name) => ({ name, path: await runner.which(name) })));
  return found.filter((t): t is { name: ContainerToolName; path: string } => t.path !== undefined);
}
