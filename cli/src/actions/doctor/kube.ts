/**
 * The Kubernetes objects doctor reads, as zod schemas of the fields it looks at (core/v1 and
 * apps/v1 as `kubectl get -o json` prints them); everything else in the JSON is dropped. A list
 * that does not match is an error naming the field, never a half-read cluster.
 */
import { z } from '../../runtime/schema.js';
import { ToolError } from '../../runtime/errors.js';

const text = z.optional(z.string());
/** Kubernetes omits empty lists and maps, and some clients write them as null: all three read as empty. */
const orEmpty = <T extends z.ZodMiniType, E>(schema: T, empty: () => E) =>
  z.pipe(
    z.optional(z.nullable(schema)),
    z.transform((v) => (v ?? empty()) as z.infer<T>),
  );
const list = <T extends z.ZodMiniType>(item: T) => orEmpty(z.array(item), () => []);
const stringMap = orEmpty(z.record(z.string(), z.string()), () => ({}));
const quantityMap = orEmpty(z.record(z.string(), z.union([z.string(), z.number()])), () => ({}));

const metadata = z.object({
  name: z.string(),
  namespace: z._default(z.string(), ''),
  labels: stringMap,
  annotations: stringMap,
  ownerReferences: list(z.object({ kind: z.string(), name: z.string() })),
  deletionTimestamp: z.optional(z.nullable(z.string())),
  creationTimestamp: z.optional(z.nullable(z.string())),
});

const optionalRef = z.object({ name: z._default(z.string(), ''), optional: z.optional(z.boolean()) });
const keyRef = z.object({ name: z._default(z.string(), ''), key: z.string(), optional: z.optional(z.boolean()) });
const keyItems = list(z.object({ key: z.string() }));

const container = z.object({
  name: z.string(),
  image: z._default(z.string(), ''),
  ports: list(z.object({ name: text, containerPort: z.number() })),
  env: list(
    z.object({
      name: z.string(),
      valueFrom: z.optional(z.object({ secretKeyRef: z.optional(keyRef), configMapKeyRef: z.optional(keyRef) })),
    }),
  ),
  envFrom: list(z.object({ secretRef: z.optional(optionalRef), configMapRef: z.optional(optionalRef) })),
  resources: z._default(z.object({ limits: quantityMap, requests: quantityMap }), { limits: {}, requests: {} }),
  command: list(z.string()),
  args: list(z.string()),
  // probe settings, as the cluster holds them (todoctl ai's digest quotes them)
  livenessProbe: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  readinessProbe: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  startupProbe: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
});
export type Container = z.infer<typeof container>;

const volume = z.object({
  name: z.string(),
  secret: z.optional(z.object({ secretName: z._default(z.string(), ''), optional: z.optional(z.boolean()), items: keyItems })),
  configMap: z.optional(z.object({ name: z._default(z.string(), ''), optional: z.optional(z.boolean()), items: keyItems })),
  projected: z.optional(
    z.object({
      sources: list(
        z.object({
          secret: z.optional(z.object({ name: z._default(z.string(), ''), optional: z.optional(z.boolean()), items: keyItems })),
          configMap: z.optional(
            z.object({ name: z._default(z.string(), ''), optional: z.optional(z.boolean()), items: keyItems }),
          ),
        }),
      ),
    }),
  ),
});
export type Volume = z.infer<typeof volume>;

const containerState = z._default(
  z.object({
    waiting: z.optional(z.object({ reason: text, message: text })),
    running: z.optional(z.object({ startedAt: z.optional(z.nullable(z.string())) })),
    terminated: z.optional(
      z.object({ reason: text, message: text, exitCode: z.number(), finishedAt: z.optional(z.nullable(z.string())) }),
    ),
  }),
  {},
);

const containerStatus = z.object({
  name: z.string(),
  image: z._default(z.string(), ''),
  ready: z._default(z.boolean(), false),
  restartCount: z._default(z.number(), 0),
  state: containerState,
  lastState: containerState,
});
export type ContainerStatus = z.infer<typeof containerStatus>;

const condition = z.object({
  type: z.string(),
  status: z.string(),
  reason: text,
  message: text,
  lastTransitionTime: z.optional(z.nullable(z.string())),
});

export const podSchema = z.object({
  metadata,
  spec: z.object({
    nodeName: text,
    containers: list(container),
    initContainers: list(container),
    volumes: list(volume),
    imagePullSecrets: list(z.object({ name: z._default(z.string(), '') })),
  }),
  status: z._default(
    z.object({
      phase: z._default(z.string(), 'Unknown'),
      reason: text,
      message: text,
      conditions: list(condition),
      containerStatuses: list(containerStatus),
      initContainerStatuses: list(containerStatus),
    }),
    { phase: 'Unknown', conditions: [], containerStatuses: [], initContainerStatuses: [] },
  ),
});
export type Pod = z.infer<typeof podSchema>;

export const eventSchema = z.object({
  metadata: z.object({ creationTimestamp: z.optional(z.nullable(z.string())) }),
  involvedObject: z.object({ kind: z._default(z.string(), ''), name: z._default(z.string(), '') }),
  reason: z._default(z.string(), ''),
  message: z._default(z.string(), ''),
  type: z._default(z.string(), 'Normal'),
  count: z.optional(z.nullable(z.number())),
  lastTimestamp: z.optional(z.nullable(z.string())),
  eventTime: z.optional(z.nullable(z.string())),
  series: z.optional(z.nullable(z.object({ count: z.optional(z.number()), lastObservedTime: z.optional(z.string()) }))),
});
export type KubeEvent = z.infer<typeof eventSchema>;

export const nodeSchema = z.object({
  metadata: z.object({ name: z.string() }),
  status: z._default(z.object({ capacity: quantityMap, allocatable: quantityMap }), { capacity: {}, allocatable: {} }),
});
export type Node = z.infer<typeof nodeSchema>;

export const quotaSchema = z.object({
  metadata: z.object({ name: z.string() }),
  status: z._default(z.object({ hard: quantityMap, used: quantityMap }), { hard: {}, used: {} }),
});
export type ResourceQuota = z.infer<typeof quotaSchema>;

export const namespaceSchema = z.object({
  metadata: z.object({ name: z.string() }),
  status: z._default(z.object({ phase: z._default(z.string(), '') }), { phase: '' }),
});
export type Namespace = z.infer<typeof namespaceSchema>;

/** ReplicaSets and StatefulSets: the controllers whose FailedCreate events say why pods are missing. */
export const controllerSchema = z.object({
  kind: z.string(),
  metadata,
  spec: z._default(z.object({ replicas: z._default(z.number(), 1) }), { replicas: 1 }),
  status: z._default(z.object({ replicas: z._default(z.number(), 0) }), { replicas: 0 }),
});
export type Controller = z.infer<typeof controllerSchema>;

/** The items of a `kubectl get -o json` list, checked against `schema`. */
export function parseItems<T>(data: unknown, schema: z.ZodMiniType<T>, what: string): T[] {
  const parsed = z.object({ items: list(schema) }).safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ToolError(
      'kubectl',
      ['get', what],
      0,
      `unexpected ${what} JSON at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`,
    );
  }
  return (parsed.data.items ?? []) as T[];
}

const SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A Kubernetes quantity ("3800m", "8025304Ki", "16Gi", "1e3") as a number of base units; NaN when it is not one. */
export function parseQuantity(quantity: string | number): number {
  if (typeof quantity === 'number') return quantity;
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+))?(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(quantity.trim());
  if (!match) return NaN;
  const exponent = match[2] ? 10 ** Number(match[2]) : 1;
  return Number(match[1]) * exponent * (SUFFIXES[match[3] ?? ''] ?? NaN);
}

export const GIB = 2 ** 30;

/** Bytes as GiB with at most one decimal: 7.6 GiB. */
export function formatGiB(bytes: number): string {
  return `${Math.round((bytes / GIB) * 10) / 10} GiB`;
}
