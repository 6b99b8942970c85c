import { z } from '../runtime/schema.js';
import { ToolError } from '../runtime/errors.js';
import type { RunResult } from '../runtime/runner.js';
import { ToolClient } from './tool.js';

/*
 * The JSON minikube prints, as its source defines it (kubernetes/minikube, cmd/minikube/cmd):
 *   version --output json        version.go: {"minikubeVersion": "v1.34.0", "commit": "..."}
 *   status --output json         status.go statusJSON: one cluster.Status {Name, Host, Kubelet, APIServer,
 *                                Kubeconfig, Worker} per node (an object for one node, an array for more);
 *                                the exit code is a bitmask (1 host, 2 cluster, 4 kubeconfig not OK) and
 *                                the JSON is printed either way
 *   profile list --output json   config/profile_list.go printProfilesJSON: {"valid": [Profile], "invalid": [...]},
 *                                Profile {Name, Status, Config: ClusterConfig} (pkg/minikube/config/types.go)
 *   addons list --output json    config/addons_list.go printAddonsJSON: {"<addon>": {"Profile", "Status": "enabled"|"disabled"}}
 *   ip                           ip.go: the node's IP on one line
 * Only the fields todoctl reads are declared; the rest is ignored.
 */
const versionSchema = z.object({ minikubeVersion: z.string() });

const nodeStatusSchema = z.object({
  Name: z._default(z.string(), ''),
  Host: z._default(z.string(), ''),
  Kubelet: z._default(z.string(), ''),
  APIServer: z._default(z.string(), ''),
  Kubeconfig: z._default(z.string(), ''),
  Worker: z._default(z.boolean(), false),
});
export type MinikubeNodeStatus = z.infer<typeof nodeStatusSchema>;

const profileSchema = z.object({
  Name: z.string(),
  Status: z._default(z.string(), ''),
  Config: z.object({
    Driver: z._default(z.string(), ''),
    CPUs: z._default(z.number(), 0),
    /** MiB, as `minikube start --memory` takes it. */
    Memory: z._default(z.number(), 0),
    KubernetesConfig: z._default(
      z.object({
        KubernetesVersion: z._default(z.string(), ''),
        ContainerRuntime: z._default(z.string(), ''),
      }),
      { KubernetesVersion: '', ContainerRuntime: '' },
    ),
  }),
});
export type MinikubeProfile = z.infer<typeof profileSchema>;

const profileListSchema = z.object({
  valid: z._default(z.nullable(z.array(profileSchema)), []),
});

const addonsSchema = z.record(z.string(), z.object({ Status: z._default(z.string(), '') }));

// `minikube image ls --format json` (cmd/minikube/cmd/image.go, pkg/minikube/machine: an array of
// the runtime's images with id, repoDigests, repoTags and size)
const imageSchema = z.object({ id: z.string(), repoTags: z._default(z.nullable(z.array(z.string())), []) });
export type MinikubeImage = z.infer<typeof imageSchema>;

/** Typed wrapper around the minikube binary, and the only module that starts it. It takes no kube target: each call names its profile. */
export class MinikubeClient extends ToolClient {
  protected readonly installHint =
    'Install minikube >= 1.32 (https://minikube.sigs.k8s.io/docs/start/) and make sure it is on PATH, or set TODOCTL_MINIKUBE to its path.';

  /** `minikube version`, e.g. v1.34.0. */
  async version(): Promise<string> {
    const result = await this.start(['version', '--output', 'json']);
    return this.parse(result, versionSchema, 'minikube version').minikubeVersion;
  }

  /** The state of each node of `profile`; a stopped cluster is a result (its exit code only says which part is down). */
  async status(profile: string): Promise<MinikubeNodeStatus[]> {
    const argv = ['status', '--profile', profile, '--output', 'json'];
    const result = await this.start(argv, { check: false });
    if (!result.stdout.trim().startsWith('{') && !result.stdout.trim().startsWith('[')) {
      throw new ToolError(this.binary, argv, result.exitCode, result.stderr || result.stdout);
    }
    return this.parse(result, z.union([z.array(nodeStatusSchema), nodeStatusSchema]), 'minikube status', (data) =>
      Array.isArray(data) ? data : [data],
    );
  }

  /** The valid profiles and their configuration; `--light` skips minikube's own status probe (status() asks). */
  async profiles(): Promise<MinikubeProfile[]> {
    const result = await this.start(['profile', 'list', '--output', 'json', '--light']);
    return this.parse(result, profileListSchema, 'minikube profile list').valid ?? [];
  }

  /** Every addon of `profile` and whether it is enabled. */
  async addons(profile: string): Promise<Map<string, boolean>> {
    const result = await this.start(['addons', 'list', '--profile', profile, '--output', 'json']);
    const addons = this.parse(result, addonsSchema, 'minikube addons list');
    return new Map(Object.entries(addons).map(([name, a]) => [name, a.Status === 'enabled']));
  }

  /** Copies a local image into the cluster's runtime. minikube keeps an image it already has by the same tag. */
  async imageLoad(profile: string, ref: string): Promise<void> {
    await this.start(['image', 'load', ref, '--profile', profile]);
  }

  /** Removes an image from the cluster's runtime. */
  async imageRemove(profile: string, ref: string): Promise<void> {
    await this.start(['image', 'rm', ref, '--profile', profile]);
  }

  /** The images the cluster's runtime has: ID and tags. */
  async images(profile: string): Promise<MinikubeImage[]> {
    const result = await this.start(['image', 'ls', '--format', 'json', '--profile', profile]);
    return this.parse(result, z.array(imageSchema), 'minikube image ls');
  }

  /** The environment that points docker at the Docker daemon inside the profile's node. */
  async dockerEnv(profile: string): Promise<Record<string, string>> {
    const result = await this.start(['docker-env', '--shell', 'none', '--profile', profile]);
    return Object.fromEntries(
      result.stdout
        .split('\n')
        .map((line) => /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim()))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1]!, m[2]!]),
    );
  }

  /** The IP of the profile's control-plane node. */
  async ip(profile: string): Promise<string> {
    const result = await this.start(['ip', '--profile', profile]);
    return result.stdout.trim();
  }

  private parse<S, T = S>(result: RunResult, schema: z.ZodMiniType<S>, what: string, map?: (data: S) => T): T {
    let data: unknown;
    try {
      data = JSON.parse(result.stdout);
    } catch (cause) {
      throw new ToolError(this.binary, [what], result.exitCode, `${what} printed invalid JSON: ${String(cause)}`);
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success)
      throw new ToolError(this.binary, [what], result.exitCode, `${what} printed unexpected JSON: ${parsed.error.message}`);
    return map ? map(parsed.data) : (parsed.data as unknown as T);
  }
}
