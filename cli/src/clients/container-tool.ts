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

  /** Builds an image from a Dockerfile (docker and podman spell it the same). */
  async build(o: ImageBuild): Promise<void> {
    await this.start(['build', '--tag', o.ref, '--file', o.dockerfile, o.context]);
  }

  /** The ID of a local image, or null when there is none by that reference. */
  async imageId(ref: string): Promise<string | null> {
    const result = await this.start(['image', 'inspect', '--format', '{{.Id}}', ref], { check: false });
    if (result.exitCode !== 0) {
      if (/no such (object|image)|image not known/i.test(result.stderr)) return null;
      throw new ToolError(this.binary, ['image', 'inspect', ref], result.exitCode, result.stderr);
    }
    return result.stdout.trim();
  }
}

export interface ImageBuild {
  /** name:tag */
  ref: string;
  context: string;
  dockerfile: string;
}

/** The container tools on PATH, docker first: name and path. */
export async function findContainerTools(runner: Runner): Promise<{ name: ContainerToolName; path: string }[]> {
  const found = await Promise.all(CONTAINER_TOOLS.map(async (name) => ({ name, path: await runner.which(name) })));
  return found.filter((t): t is { name: ContainerToolName; path: string } => t.path !== undefined);
}
