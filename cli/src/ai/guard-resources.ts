/**
 * Resource types as kubectl accepts them, reduced to one name the guard's rules speak of:
 * plural, singular, short name, Kind, any case, with a version and group or not
 * (`secret`, `Secrets`, `secrets.v1`, `secret.v1.`, `sa`, `netpol`,
 * `rolebindings.rbac.authorization.k8s.io`). The name before the first dot decides, whatever the
 * group: a custom resource that calls itself `secrets` is treated as Secrets (the stricter reading).
 */

/** Why a resource type matters to the guard. */
export type Sensitivity =
  /** Reading puts credentials in the model's context; changing them is forbidden. */
  | 'secret'
  /** Who may do what: reading is allowed, changing is not. */
  | 'rbac'
  /** Which traffic may flow: reading is allowed, changing is not. */
  | 'network-policy'
  /** Admission control sees and can rewrite every object, Secrets too: reading is allowed, changing is not. */
  | 'admission'
  /** Deleting one takes everything in or on it (namespaces, nodes, CRDs, volumes): too broad for an AI. */
  | 'broad';

export interface ResourceInfo {
  name: string;
  sensitivity?: Sensitivity;
  /** Workloads whose replica count can be set to 0. */
  scalable?: boolean;
}

/** [plural, other names (singular, short names), info]. */
const TABLE: readonly [string, readonly string[], Omit<ResourceInfo, 'name'>?][] = [
  ['secrets', ['secret']],
  ['roles', ['role']],
  ['rolebindings', ['rolebinding']],
  ['clusterroles', ['clusterrole']],
  ['clusterrolebindings', ['clusterrolebinding']],
  ['serviceaccounts', ['serviceaccount', 'sa']],
  ['tokenrequests', ['tokenrequest']],
  ['networkpolicies', ['networkpolicy', 'netpol']],
  // the network policy APIs of SIG Network, Cilium and Calico
  ['adminnetworkpolicies', ['adminnetworkpolicy', 'anp']],
  ['baselineadminnetworkpolicies', ['baselineadminnetworkpolicy', 'banp']],
  ['clusternetworkpolicies', ['clusternetworkpolicy']],
  ['ciliumnetworkpolicies', ['ciliumnetworkpolicy', 'cnp', 'ciliumnp']],
  ['ciliumclusterwidenetworkpolicies', ['ciliumclusterwidenetworkpolicy', 'ccnp', 'ciliumclusterwidenp']],
  ['globalnetworkpolicies', ['globalnetworkpolicy']],
  ['mutatingwebhookconfigurations', ['mutatingwebhookconfiguration']],
  ['validatingwebhookconfigurations', ['validatingwebhookconfiguration']],
  ['validatingadmissionpolicies', ['validatingadmissionpolicy']],
  ['validatingadmissionpolicybindings', ['validatingadmissionpolicybinding']],
  ['mutatingadmissionpolicies', ['mutatingadmissionpolicy']],
  ['mutatingadmissionpolicybindings', ['mutatingadmissionpolicybinding']],
  ['namespaces', ['namespace', 'ns']],
  ['nodes', ['node', 'no']],
  ['customresourcedefinitions', ['customresourcedefinition', 'crd', 'crds']],
  ['persistentvolumes', ['persistentvolume', 'pv']],
  ['deployments', ['deployment', 'deploy'], { scalable: true }],
  ['replicasets', ['replicaset', 'rs'], { scalable: true }],
  ['statefulsets', ['statefulset', 'sts'], { scalable: true }],
  ['replicationcontrollers', ['replicationcontroller', 'rc'], { scalable: true }],
  ['daemonsets', ['daemonset', 'ds']],
  ['pods', ['pod', 'po']],
  ['services', ['service', 'svc']],
  ['jobs', ['job']],
  ['cronjobs', ['cronjob', 'cj']],
  ['configmaps', ['configmap', 'cm']],
  ['persistentvolumeclaims', ['persistentvolumeclaim', 'pvc']],
  ['events', ['event', 'ev']],
  ['endpoints', []],
  ['endpointslices', ['endpointslice']],
  ['ingresses', ['ingress', 'ing']],
  ['horizontalpodautoscalers', ['horizontalpodautoscaler', 'hpa']],
  ['poddisruptionbudgets', ['poddisruptionbudget', 'pdb']],
  ['limitranges', ['limitrange', 'limits']],
  ['resourcequotas', ['resourcequota', 'quota']],
  ['storageclasses', ['storageclass', 'sc']],
  ['priorityclasses', ['priorityclass', 'pc']],
  ['certificatesigningrequests', ['certificatesigningrequest', 'csr']],
  ['all', []],
];

const SENSITIVITY: Readonly<Record<string, Sensitivity>> = {
  secrets: 'secret',
  roles: 'rbac',
  rolebindings: 'rbac',
  clusterroles: 'rbac',
  clusterrolebindings: 'rbac',
  serviceaccounts: 'rbac',
  tokenrequests: 'rbac',
  networkpolicies: 'network-policy',
  adminnetworkpolicies: 'network-policy',
  baselineadminnetworkpolicies: 'network-policy',
  clusternetworkpolicies: 'network-policy',
  ciliumnetworkpolicies: 'network-policy',
  ciliumclusterwidenetworkpolicies: 'network-policy',
  globalnetworkpolicies: 'network-policy',
  mutatingwebhookconfigurations: 'admission',
  validatingwebhookconfigurations: 'admission',
  validatingadmissionpolicies: 'admission',
  validatingadmissionpolicybindings: 'admission',
  mutatingadmissionpolicies: 'admission',
  mutatingadmissionpolicybindings: 'admission',
  namespaces: 'broad',
  nodes: 'broad',
  customresourcedefinitions: 'broad',
  persistentvolumes: 'broad',
};

const BY_NAME = new Map<string, ResourceInfo>();
for (const [plural, others, info] of TABLE) {
  const entry: ResourceInfo = { name: plural, ...info };
  const sensitivity = SENSITIVITY[plural];
  if (sensitivity) entry.sensitivity = sensitivity;
  for (const name of [plural, ...others]) BY_NAME.set(name, entry);
}

/**
 * The resource a type argument names. A name the table does not know (a custom resource) keeps
 * its first segment, lowercased, and has no sensitivity.
 */
export function resolveResource(type: string): ResourceInfo {
  // `{secrets` from an unexpanded brace, `secrets.v1.`, ` Secret`: the letters are what kubectl would look up
  const first = type
    .trim()
    .toLowerCase()
    .split('.')[0]!
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return BY_NAME.get(first) ?? { name: first };
}

/** The resource of a manifest's `kind` (Kind names are the singular, any case). */
export function resourceOfKind(kind: string): ResourceInfo {
  return resolveResource(kind);
}

/** Human names of the sensitivities, for reasons. */
export const SENSITIVITY_NOUN: Readonly<Record<Sensitivity, string>> = {
  secret: 'Secrets',
  rbac: 'RBAC objects (Roles, RoleBindings, ClusterRoles, ClusterRoleBindings, ServiceAccounts)',
  'network-policy': 'NetworkPolicies',
  admission: 'admission control (webhook configurations, admission policies)',
  broad: 'namespaces, nodes, CustomResourceDefinitions and PersistentVolumes',
};
