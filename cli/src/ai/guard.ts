/**
 * The command guard of `todoctl ai`: every command the AI wants to run is classified before
 * anything executes, into exactly one decision.
 *
 *   allow          read-only, or a dry run (`--dry-run=client|server`)
 *   confirm        a reversible change: the user says yes
 *   typed-confirm  destructive (delete, scale to zero, rollout undo, drain, NoExecute taint,
 *                  force replace): the user types the object's name
 *   deny           never, whatever the user says: Secrets, changes to RBAC, NetworkPolicies and
 *                  admission control, interactive or tunnelling verbs, kubeconfig changes,
 *                  impersonation and connection overrides, manifests that cannot be inspected,
 *                  raw API paths, deletes too broad for an AI, shell constructs, other programs
 *
 * The constitution's floor (AI DevOps Policy, V. AI-Assisted DevOps): AI cannot modify RBAC,
 * NetworkPolicies or Secrets; a human approves every destructive operation. Where kubectl's
 * meaning is unclear the stricter class wins. The guard parses the argv as kubectl does
 * (guard-argv.ts), so flag order, aliases and spelling do not change the decision.
 */
import { parse as parseYaml } from 'yaml';
import { parseGoBool, parseGoInt, parseKubectlArgv, type FlagValue, type ParsedKubectl } from './guard-argv.js';
import { readManifests, type ManifestContext, type ManifestObject } from './guard-manifests.js';
import { resolveResource, SENSITIVITY_NOUN, type ResourceInfo, type Sensitivity } from './guard-resources.js';
import { shellWords } from './guard-shell.js';

export type GuardDecision = 'allow' | 'confirm' | 'typed-confirm' | 'deny';

export interface GuardResult {
  decision: GuardDecision;
  /** What was found and why it decides: one sentence for a person. */
  reason: string;
  /** A stable id from GUARD_RULES. */
  rule: GuardRuleId;
}

export interface GuardContext extends ManifestContext {
  /** The kubeconfig context the AI session is pinned to: `--context` naming any other is denied. */
  pinnedContext?: string | undefined;
}

/** Every rule: its decision and what it covers. The ids are stable; scripts and audit logs use them. */
export const GUARD_RULES = {
  'GUARD-DENY-SHELL': [
    'deny',
    'shell constructs: operators, pipes, redirections, substitutions, variables, globs, brace and tilde expansion, comments, line breaks',
  ],
  'GUARD-DENY-ENV-ASSIGNMENT': ['deny', 'environment assignments before the command (KUBECONFIG=... kubectl)'],
  'GUARD-DENY-PROGRAM': [
    'deny',
    'any program other than kubectl, called by that bare name (no sudo, bash -c, env, paths such as /usr/bin/kubectl)',
  ],
  'GUARD-DENY-UNKNOWN-COMMAND': [
    'deny',
    'a word where kubectl expects a command that is none of its commands: kubectl would run a plugin',
  ],
  'GUARD-DENY-VERB': [
    'deny',
    'exec, attach, cp, port-forward, proxy, debug, edit (and create --edit, apply edit-last-applied), run, plugin, kustomize, kuberc set',
  ],
  'GUARD-DENY-CONFIG': ['deny', 'kubectl config changes, and config view --raw (it prints credentials)'],
  'GUARD-DENY-CERTIFICATE': ['deny', 'certificate approve and deny (issuing cluster credentials)'],
  'GUARD-DENY-FLAG': [
    'deny',
    'a flag kubectl v1.36 does not have for that command, or a malformed one: what it does cannot be told',
  ],
  'GUARD-DENY-IMPERSONATION': ['deny', '--as, --as-group, --as-uid, --as-user-extra'],
  'GUARD-DENY-CONNECTION': [
    'deny',
    'connection and credential overrides: --server/-s, --kubeconfig, --context other than the pinned one, --cluster, --user, --token, --username, --password, TLS flags, --kuberc, --cache-dir',
  ],
  'GUARD-DENY-LOCAL-FILE': [
    'deny',
    'reading or writing local files the guard cannot inspect: -o *-file templates, --from-file, --from-env-file, --output-directory, --profile',
  ],
  'GUARD-DENY-RAW': ['deny', '--raw API paths'],
  'GUARD-DENY-SECRETS': [
    'deny',
    'anything that reads or changes Secrets, however named (types, manifests, create secret, set env --from=secret/…, --resolve, diff --show-secrets)',
  ],
  'GUARD-DENY-RBAC': [
    'deny',
    'changes to Roles, RoleBindings, ClusterRoles, ClusterRoleBindings and ServiceAccounts, create token, auth reconcile, set subject, set serviceaccount (reading them is allowed)',
  ],
  'GUARD-DENY-NETWORK-POLICY': [
    'deny',
    'changes to NetworkPolicies and the Cilium, Calico and admin network policy kinds (reading them is allowed)',
  ],
  'GUARD-DENY-ADMISSION': [
    'deny',
    'changes to admission webhooks and admission policies, which see and rewrite every object, Secrets included (reading them is allowed)',
  ],
  'GUARD-DENY-MANIFEST': [
    'deny',
    '-f/-k content that cannot be inspected: URLs, directories, kustomizations, -f - without the stdin, unreadable or invalid files, unreadable patches',
  ],
  'GUARD-DENY-BROAD-DELETE': [
    'deny',
    'deletes too broad for an AI: namespaces, nodes, CRDs, PersistentVolumes, `all`, --all, --all-namespaces, label or field selectors, apply --prune',
  ],
  'GUARD-TYPED-DELETE': ['typed-confirm', 'deleting named objects'],
  'GUARD-TYPED-SCALE-TO-ZERO': [
    'typed-confirm',
    'scaling a workload to zero (scale --replicas=0, a patch or manifest with replicas: 0), or to a count the guard cannot read',
  ],
  'GUARD-TYPED-ROLLOUT-UNDO': ['typed-confirm', 'rollout undo'],
  'GUARD-TYPED-DRAIN': ['typed-confirm', 'drain (evicts every pod of the node)'],
  'GUARD-TYPED-TAINT-NOEXECUTE': ['typed-confirm', 'a NoExecute taint (evicts the pods that do not tolerate it)'],
  'GUARD-TYPED-FORCE': ['typed-confirm', 'replace --force and apply --force (delete and re-create)'],
  'GUARD-CONFIRM-CHANGE': [
    'confirm',
    'reversible changes: apply, patch, replace, create, expose, scale to a non-zero count, rollout restart/pause/resume, set image/env/resources/selector, label, annotate, cordon, uncordon, taint, autoscale',
  ],
  'GUARD-ALLOW-DRY-RUN': ['allow', 'a change run with --dry-run=client or --dry-run=server: nothing is persisted'],
  'GUARD-ALLOW-READ': [
    'allow',
    'read-only commands: get, describe, logs, top, events, explain, api-resources, api-versions, version, cluster-info, rollout status/history, auth can-i/whoami, diff, wait, config view (without --raw)',
  ],
} as const satisfies Record<string, readonly [GuardDecision, string]>;

export type GuardRuleId = keyof typeof GUARD_RULES;

const result = (rule: GuardRuleId, reason: string): GuardResult => ({ decision: GUARD_RULES[rule][0], reason, rule });

/** Classifies a kubectl command line: tokenised with shell-quote, refused unless it is plain words starting with `kubectl`. */
export function classifyShell(line: string, ctx: GuardContext = {}): GuardResult {
  const split = shellWords(line);
  if ('problem' in split)
    return result(
      'GUARD-DENY-SHELL',
      `The command line contains ${split.problem}; only a plain kubectl command is run, never through a shell.`,
    );
  return classifyArgv(split.words, ctx);
}

/** Classifies a full argv whose first word must be the program, `kubectl`. */
export function classifyArgv(argv: readonly string[], ctx: GuardContext = {}): GuardResult {
  const [program, ...args] = argv;
  if (program === undefined || program === '') return result('GUARD-DENY-PROGRAM', 'There is no command to run.');
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(program)) {
    return result(
      'GUARD-DENY-ENV-ASSIGNMENT',
      `The command starts with the environment assignment ${program.split('=')[0]}=…, which could change what kubectl connects to or runs; only a bare kubectl command is run.`,
    );
  }
  if (program !== 'kubectl') {
    const what =
      program.includes('/') || program.startsWith('kubectl')
        ? `${JSON.stringify(program)} is not the bare name kubectl (a path or look-alike could be any program)`
        : `${JSON.stringify(program)} is not kubectl`;
    return result('GUARD-DENY-PROGRAM', `${what}; the AI may only run kubectl.`);
  }
  return classifyKubectl(args, ctx);
}

/** Classifies kubectl's arguments (the argv without `kubectl`). */
export function classifyKubectl(args: readonly string[], ctx: GuardContext = {}): GuardResult {
  const read = parseKubectlArgv(args);
  const path = 'parsed' in read ? read.parsed.path : read.problem.path;
  const unknown = 'parsed' in read ? read.parsed.unknownCommand : undefined;
  const verbDenial = commandDenial(path, unknown);
  if (verbDenial) return verbDenial;
  if ('problem' in read) {
    const { kind, flag } = read.problem;
    const what =
      kind === 'unknown-flag'
        ? `the flag ${flag}, which ${commandName(path)} does not have in kubectl v1.36`
        : kind === 'missing-value'
          ? `the flag ${flag} without its value`
          : `the malformed flag ${flag}`;
    return result('GUARD-DENY-FLAG', `The command has ${what}, so what it would do cannot be told.`);
  }
  const effect = COMMAND_EFFECTS[path.join(' ')];
  // a command in the tree without a policy here (a newer kubectl's) is not guessed at
  if (!effect) return result('GUARD-DENY-UNKNOWN-COMMAND', `The guard has no policy for ${commandName(path)}.`);
  return new Judgement(read.parsed, effect, ctx).decide();
}

const commandName = (path: readonly string[]) => (path.length ? `kubectl ${path.join(' ')}` : 'kubectl');

/** Commands denied whatever their arguments. */
const DENIED_COMMANDS: Readonly<Record<string, readonly [GuardRuleId, string]>> = {
  exec: ['GUARD-DENY-VERB', 'runs a command inside a container'],
  attach: ['GUARD-DENY-VERB', "attaches to a running container's input and output"],
  cp: ['GUARD-DENY-VERB', 'copies files into or out of a container'],
  'port-forward': ['GUARD-DENY-VERB', 'opens a tunnel from this machine into the cluster'],
  proxy: ['GUARD-DENY-VERB', "serves the API server locally with the user's credentials"],
  debug: ['GUARD-DENY-VERB', 'starts a debugging container or a copy of a pod with a shell'],
  edit: ['GUARD-DENY-VERB', 'opens an editor on live objects'],
  'apply edit-last-applied': ['GUARD-DENY-VERB', 'opens an editor on live objects'],
  run: ['GUARD-DENY-VERB', 'starts a pod with any image and command'],
  plugin: ['GUARD-DENY-VERB', 'deals with kubectl plugins, programs outside kubectl'],
  'plugin list': ['GUARD-DENY-VERB', 'deals with kubectl plugins, programs outside kubectl'],
  kustomize: ['GUARD-DENY-VERB', 'builds a kustomization directory, which the guard cannot inspect'],
  'kuberc set': ['GUARD-DENY-VERB', "changes kubectl's preferences (aliases and default flags) for every later command"],
  'certificate approve': ['GUARD-DENY-CERTIFICATE', 'approves a certificate signing request, issuing cluster credentials'],
  'certificate deny': ['GUARD-DENY-CERTIFICATE', 'decides a certificate signing request'],
  'auth reconcile': ['GUARD-DENY-RBAC', 'creates or updates RBAC roles and bindings'],
  'create role': ['GUARD-DENY-RBAC', 'creates an RBAC Role'],
  'create rolebinding': ['GUARD-DENY-RBAC', 'creates an RBAC RoleBinding'],
  'create clusterrole': ['GUARD-DENY-RBAC', 'creates an RBAC ClusterRole'],
  'create clusterrolebinding': ['GUARD-DENY-RBAC', 'creates an RBAC ClusterRoleBinding'],
  'create serviceaccount': ['GUARD-DENY-RBAC', 'creates a ServiceAccount, an identity RBAC grants rights to'],
  'create token': ['GUARD-DENY-RBAC', 'issues a ServiceAccount token, a credential'],
  'set subject': ['GUARD-DENY-RBAC', 'changes who a RoleBinding or ClusterRoleBinding grants rights to'],
  'set serviceaccount': ['GUARD-DENY-RBAC', 'changes the identity, and so the RBAC rights, a workload runs with'],
  'create secret': ['GUARD-DENY-SECRETS', 'creates a Secret'],
  'create secret generic': ['GUARD-DENY-SECRETS', 'creates a Secret'],
  'create secret tls': ['GUARD-DENY-SECRETS', 'creates a Secret'],
  'create secret docker-registry': ['GUARD-DENY-SECRETS', 'creates a Secret'],
};

/** Subcommands of `kubectl config` that only read; every other one changes a kubeconfig. */
const CONFIG_READS = new Set(['view', 'get-contexts', 'get-clusters', 'get-users', 'current-context']);

function commandDenial(path: readonly string[], unknown: string | undefined): GuardResult | undefined {
  const key = path.join(' ');
  const denied = DENIED_COMMANDS[key];
  if (denied) return result(denied[0], `${commandName(path)} ${denied[1]}; the AI may not do that.`);
  if (path[0] === 'config' && path[1] !== undefined && !CONFIG_READS.has(path[1])) {
    return result(
      'GUARD-DENY-CONFIG',
      `${commandName(path)} changes a kubeconfig (contexts, clusters, credentials); the AI may not.`,
    );
  }
  if (unknown !== undefined) {
    return result(
      'GUARD-DENY-UNKNOWN-COMMAND',
      path.length === 0
        ? `${JSON.stringify(unknown)} is not a kubectl command: kubectl would look for a plugin program named kubectl-${unknown}.`
        : `${commandName(path)} has no subcommand ${JSON.stringify(unknown)}.`,
    );
  }
  return undefined;
}

type Effect = 'read' | 'change' | 'destructive';

/**
 * The commands that run, by what they do and how their positional arguments name resources:
 * `types` (TYPE[,TYPE] NAME... or TYPE/NAME...), `slash` (only TYPE/NAME names a type: logs' first
 * argument is a pod), `none`. `assignments`: arguments from the first key=value, key- or
 * key:Effect on are not resources (label, annotate, set env/image/selector, taint).
 */
type CommandEffect = readonly [Effect, 'types' | 'slash' | 'none', boolean?];
const COMMAND_EFFECTS: Readonly<Record<string, CommandEffect | undefined>> = {
  '': ['read', 'none'],
  get: ['read', 'types'],
  describe: ['read', 'types'],
  explain: ['read', 'none'],
  logs: ['read', 'slash'],
  events: ['read', 'none'],
  top: ['read', 'none'],
  'top node': ['read', 'none'],
  'top pod': ['read', 'none'],
  'api-resources': ['read', 'none'],
  'api-versions': ['read', 'none'],
  version: ['read', 'none'],
  'cluster-info': ['read', 'none'],
  'cluster-info dump': ['read', 'none'],
  auth: ['read', 'none'],
  'auth can-i': ['read', 'none'],
  'auth whoami': ['read', 'none'],
  rollout: ['read', 'none'],
  'rollout status': ['read', 'types'],
  'rollout history': ['read', 'types'],
  diff: ['read', 'none'],
  wait: ['read', 'types'],
  completion: ['read', 'none'],
  help: ['read', 'none'],
  options: ['read', 'none'],
  config: ['read', 'none'],
  'config view': ['read', 'none'],
  'config get-contexts': ['read', 'none'],
  'config get-clusters': ['read', 'none'],
  'config get-users': ['read', 'none'],
  'config current-context': ['read', 'none'],
  kuberc: ['read', 'none'],
  'kuberc view': ['read', 'none'],
  certificate: ['read', 'none'],
  set: ['read', 'none'],
  'create service': ['read', 'none'],
  'apply view-last-applied': ['read', 'types'],
  create: ['change', 'none'],
  'create configmap': ['change', 'none'],
  'create cronjob': ['change', 'none'],
  'create deployment': ['change', 'none'],
  'create ingress': ['change', 'none'],
  'create job': ['change', 'none'],
  'create namespace': ['change', 'none'],
  'create poddisruptionbudget': ['change', 'none'],
  'create priorityclass': ['change', 'none'],
  'create quota': ['change', 'none'],
  'create service clusterip': ['change', 'none'],
  'create service externalname': ['change', 'none'],
  'create service loadbalancer': ['change', 'none'],
  'create service nodeport': ['change', 'none'],
  expose: ['change', 'types'],
  'set env': ['change', 'types', true],
  'set image': ['change', 'types', true],
  'set resources': ['change', 'types', true],
  'set selector': ['change', 'types', true],
  apply: ['change', 'none'],
  'apply set-last-applied': ['change', 'none'],
  patch: ['change', 'types'],
  replace: ['change', 'none'],
  scale: ['change', 'types'],
  autoscale: ['change', 'types'],
  'rollout pause': ['change', 'types'],
  'rollout restart': ['change', 'types'],
  'rollout resume': ['change', 'types'],
  cordon: ['change', 'none'],
  uncordon: ['change', 'none'],
  taint: ['change', 'types', true],
  label: ['change', 'types', true],
  annotate: ['change', 'types', true],
  delete: ['destructive', 'types'],
  'rollout undo': ['destructive', 'types'],
  drain: ['destructive', 'none'],
};

/** Commands whose output is only usage text: `kubectl set`, `kubectl rollout` without a subcommand. */
const USAGE_ONLY = new Set(['', 'top', 'auth', 'rollout', 'config', 'kuberc', 'certificate', 'set', 'create service']);

const IMPERSONATION = new Set(['as', 'as-group', 'as-uid', 'as-user-extra']);
const CONNECTION = new Set([
  'server',
  'kubeconfig',
  'cluster',
  'user',
  'token',
  'username',
  'password',
  'insecure-skip-tls-verify',
  'insecure-skip-tls-verify-backend',
  'certificate-authority',
  'client-key',
  'client-certificate',
  'tls-server-name',
  'kuberc',
  'cache-dir',
]);
/** What deleting one of the `broad` resources takes with it. */
const BROAD_NOUN: Readonly<Record<string, string>> = {
  namespaces: 'a namespace and everything in it',
  nodes: 'a node, evicting its pods',
  customresourcedefinitions: 'a CustomResourceDefinition and every object of its kind',
  persistentvolumes: 'a PersistentVolume and, with it, its data',
};
const CHANGE_PROTECTED: Readonly<Partial<Record<Sensitivity, GuardRuleId>>> = {
  rbac: 'GUARD-DENY-RBAC',
  'network-policy': 'GUARD-DENY-NETWORK-POLICY',
  admission: 'GUARD-DENY-ADMISSION',
};

/** One command, parsed: the checks run in order, the first deny wins, then the strictest other class. */
class Judgement {
  private readonly key: string;
  private readonly name: string;
  private readonly effect: Effect;
  private readonly shape: 'types' | 'slash' | 'none';
  private readonly assignments: boolean;

  constructor(
    private readonly cmd: ParsedKubectl,
    [effect, shape, assignments]: CommandEffect,
    private readonly ctx: GuardContext,
  ) {
    this.key = cmd.path.join(' ');
    this.name = commandName(cmd.path);
    this.effect = effect;
    this.shape = shape;
    this.assignments = assignments ?? false;
  }

  decide(): GuardResult {
    const denial = this.flagDenial() ?? this.resourceDenial();
    if (denial) return denial;
    if (this.effect !== 'read') {
      const dryRun = this.dryRun();
      if (dryRun) return result('GUARD-ALLOW-DRY-RUN', `${this.name} runs with --dry-run=${dryRun}: nothing is persisted.`);
    }
    return this.broadDeletion() ?? this.destructive() ?? this.change() ?? this.read();
  }

  private values(name: string): string[] {
    return this.cmd.flags.filter((f) => f.name === name).map((f) => f.value);
  }

  private last(name: string): FlagValue | undefined {
    return this.cmd.flags.filter((f) => f.name === name).at(-1);
  }

  /** A boolean flag in effect; an unreadable value counts as set (pflag would refuse the command). */
  private isSet(name: string): boolean {
    const flag = this.last(name);
    return flag !== undefined && parseGoBool(flag.value) !== false;
  }

  private flagDenial(): GuardResult | undefined {
    for (const flag of this.cmd.flags) {
      if (IMPERSONATION.has(flag.name)) {
        return result(
          'GUARD-DENY-IMPERSONATION',
          `${flag.written} impersonates another user or group; the AI acts only as the user running it.`,
        );
      }
      if (flag.name === 'context' && (this.ctx.pinnedContext === undefined || flag.value !== this.ctx.pinnedContext)) {
        const pinned =
          this.ctx.pinnedContext === undefined
            ? 'no context is pinned, so none may be named'
            : `the session is pinned to ${JSON.stringify(this.ctx.pinnedContext)}`;
        return result(
          'GUARD-DENY-CONNECTION',
          `--context ${JSON.stringify(flag.value)} switches the kubeconfig context, and ${pinned}.`,
        );
      }
      if (CONNECTION.has(flag.name)) {
        return result(
          'GUARD-DENY-CONNECTION',
          `--${flag.name} overrides which cluster kubectl talks to or which credentials and TLS checks it uses; the AI may not.`,
        );
      }
    }
    if (this.cmd.path[0] === 'config' && this.cmd.path[1] === 'view' && this.isSet('raw')) {
      return result('GUARD-DENY-CONFIG', 'kubectl config view --raw prints the kubeconfig with its credentials.');
    }
    if (this.cmd.path[0] === 'create' && this.isSet('edit')) {
      return result('GUARD-DENY-VERB', `${this.name} --edit opens an editor; the AI may not.`);
    }
    for (const output of this.values('output')) {
      const format = output.split('=')[0]!.toLowerCase();
      if (format.endsWith('-file') || format === 'templatefile') {
        return result(
          'GUARD-DENY-LOCAL-FILE',
          `-o ${format} reads a template from a local file and prints it with the output; the guard cannot inspect it.`,
        );
      }
    }
    for (const name of ['from-file', 'from-env-file', 'output-directory', 'profile-output']) {
      if (this.last(name))
        return result('GUARD-DENY-LOCAL-FILE', `--${name} reads or writes local files, outside what the guard can inspect.`);
    }
    const profile = this.last('profile');
    if (profile && profile.value !== 'none')
      return result('GUARD-DENY-LOCAL-FILE', `--profile=${profile.value} writes a profile file on this machine.`);
    const raw = this.last('raw');
    if (raw && this.cmd.path[0] !== 'config') {
      return result('GUARD-DENY-RAW', `--raw ${raw.value} sends a request to a raw API path, which the guard does not judge.`);
    }
    if (this.last('kustomize')) {
      return result(
        'GUARD-DENY-MANIFEST',
        `-k ${this.last('kustomize')!.value} builds a kustomization directory, whose output the guard cannot inspect.`,
      );
    }
    if (this.isSet('show-secrets'))
      return result('GUARD-DENY-SECRETS', 'kubectl diff --show-secrets prints the values of Secrets.');
    if (this.key === 'set env' && this.isSet('resolve')) {
      return result(
        'GUARD-DENY-SECRETS',
        'kubectl set env --resolve prints the values the environment takes from Secrets and ConfigMaps.',
      );
    }
    return undefined;
  }

  /** The resource types the positional arguments and --from/--for name. */
  private namedTypes(): string[] {
    const types: string[] = [];
    if (this.shape !== 'none') {
      const args = [...this.cmd.args];
      const end = this.assignments ? args.findIndex(isAssignment) : -1;
      const resources = end === -1 ? args : args.slice(0, end);
      resources.forEach((arg, i) => {
        const slash = arg.indexOf('/');
        if (slash !== -1) types.push(...arg.slice(0, slash).split(','));
        else if (i === 0 && this.shape === 'types') types.push(...arg.split(','));
      });
    }
    // set env --from=secret/x, create job --from=cronjob/x, events --for=pod/x
    for (const value of [...this.values('from'), ...(this.key === 'events' ? this.values('for') : [])]) {
      const slash = value.indexOf('/');
      if (slash !== -1) types.push(...value.slice(0, slash).split(','));
    }
    return types.filter((t) => t.trim() !== '');
  }

  private manifestCache: { objects: ManifestObject[] } | { problem: string } | undefined;

  private manifests(): { objects: ManifestObject[] } | { problem: string } {
    this.manifestCache ??= readManifests(this.values('filename'), this.ctx);
    return this.manifestCache;
  }

  private resourceDenial(): GuardResult | undefined {
    const named = this.namedTypes().map((type) => ({
      what: `the type ${JSON.stringify(type.trim())}`,
      resource: resolveResource(type),
    }));
    const manifests = this.manifests();
    if ('problem' in manifests) return result('GUARD-DENY-MANIFEST', `${manifests.problem}.`);
    const found: { what: string; resource: ResourceInfo }[] = [
      ...named,
      ...manifests.objects.map((o) => ({ what: `the ${o.kind} of ${o.where}`, resource: o.resource })),
    ];
    for (const { what, resource } of found) {
      if (resource.sensitivity === 'secret') {
        const does = this.effect === 'read' ? 'reads' : 'changes';
        return result(
          'GUARD-DENY-SECRETS',
          `${this.name} ${does} Secrets (${what}); the AI may neither read Secrets, whose values would enter the model's context, nor change them.`,
        );
      }
    }
    if (this.effect === 'read') return undefined;
    for (const { what, resource } of found) {
      const rule = resource.sensitivity && CHANGE_PROTECTED[resource.sensitivity];
      if (rule) {
        return result(
          rule,
          `${this.name} would change ${SENSITIVITY_NOUN[resource.sensitivity!]} (${what}); the AI may read them but never change them.`,
        );
      }
    }
    return undefined;
  }

  /** The dry-run strategy kubectl would use, or undefined for a real run. */
  private dryRun(): 'client' | 'server' | undefined {
    const flag = this.last('dry-run');
    if (!flag) return undefined;
    // kubectl's GetDryRunStrategy: `--dry-run` alone and booleans are deprecated spellings
    if (flag.value === 'unchanged' || flag.value === 'client' || parseGoBool(flag.value) === true) return 'client';
    if (flag.value === 'server') return 'server';
    return undefined;
  }

  private broadDeletion(): GuardResult | undefined {
    const deletes = this.key === 'delete';
    const forced = (this.key === 'replace' || this.key === 'apply') && this.isSet('force');
    if (this.key === 'apply' && this.isSet('prune')) {
      return result(
        'GUARD-DENY-BROAD-DELETE',
        'kubectl apply --prune deletes every object of the selector or apply set that the manifests leave out: too broad for an AI.',
      );
    }
    if (!deletes && !forced) return undefined;
    const types = this.namedTypes();
    for (const type of types) {
      const resource = resolveResource(type);
      if (resource.name === 'all')
        return result('GUARD-DENY-BROAD-DELETE', `${this.name} all deletes every workload kind at once: too broad for an AI.`);
      if (resource.sensitivity === 'broad') {
        return result(
          'GUARD-DENY-BROAD-DELETE',
          `${this.name} ${type.trim()} deletes ${BROAD_NOUN[resource.name] ?? resource.name}: too broad for an AI; a person does that.`,
        );
      }
    }
    const manifests = this.manifests();
    if ('objects' in manifests) {
      const broad = manifests.objects.find((o) => o.resource.sensitivity === 'broad');
      if (broad) {
        return result(
          'GUARD-DENY-BROAD-DELETE',
          `${this.name}${forced ? ' --force' : ''} would delete ${BROAD_NOUN[broad.resource.name] ?? broad.kind} (${broad.kind}, ${broad.where}): too broad for an AI.`,
        );
      }
    }
    if (!deletes) return undefined;
    for (const [flag, what] of [
      ['all', '--all deletes every object of the type'],
      ['all-namespaces', '--all-namespaces deletes across every namespace'],
    ] as const) {
      if (this.isSet(flag)) return result('GUARD-DENY-BROAD-DELETE', `kubectl delete ${what}: too broad for an AI.`);
    }
    for (const flag of ['selector', 'field-selector']) {
      const value = this.last(flag);
      if (value)
        return result(
          'GUARD-DENY-BROAD-DELETE',
          `kubectl delete --${flag}=${value.value} deletes whatever matches, now or later: too broad for an AI; name the objects.`,
        );
    }
    return undefined;
  }

  private destructive(): GuardResult | undefined {
    const target = this.targetText();
    switch (this.key) {
      case 'delete':
        return result('GUARD-TYPED-DELETE', `kubectl delete removes ${target}; type its name to confirm.`);
      case 'rollout undo':
        return result(
          'GUARD-TYPED-ROLLOUT-UNDO',
          `kubectl rollout undo rolls ${target} back to an earlier revision; type its name to confirm.`,
        );
      case 'drain':
        return result('GUARD-TYPED-DRAIN', `kubectl drain evicts every pod of ${target}; type its name to confirm.`);
      case 'scale': {
        const replicas = this.last('replicas');
        const count = replicas ? parseGoInt(replicas.value) : undefined;
        if (count === 0)
          return result(
            'GUARD-TYPED-SCALE-TO-ZERO',
            `kubectl scale --replicas=${replicas!.value} stops every pod of ${target}; type its name to confirm.`,
          );
        if (count === undefined || count < 0) {
          return result(
            'GUARD-TYPED-SCALE-TO-ZERO',
            `kubectl scale has no replica count the guard can read (${replicas ? JSON.stringify(replicas.value) : 'none given'}), so it is treated as scaling to zero.`,
          );
        }
        return undefined;
      }
      case 'taint': {
        const noExecute = this.cmd.args.filter(isAssignment).find((t) => !t.endsWith('-') && /(^|:)noexecute$/i.test(t));
        if (noExecute)
          return result(
            'GUARD-TYPED-TAINT-NOEXECUTE',
            `The taint ${noExecute} evicts the pods of ${target} that do not tolerate it; type its name to confirm.`,
          );
        return undefined;
      }
      case 'patch':
        return this.patchToZero();
      case 'apply':
      case 'replace': {
        if (this.isSet('force'))
          return result(
            'GUARD-TYPED-FORCE',
            `${this.name} --force deletes and re-creates the objects; type their name to confirm.`,
          );
        return this.manifestToZero();
      }
      default:
        return undefined;
    }
  }

  private manifestToZero(): GuardResult | undefined {
    const manifests = this.manifests();
    if (!('objects' in manifests)) return undefined;
    const zero = manifests.objects.find((o) => o.resource.scalable && isZero(o.replicas));
    if (zero)
      return result(
        'GUARD-TYPED-SCALE-TO-ZERO',
        `${this.name} sets replicas: 0 on the ${zero.kind} of ${zero.where}, stopping its pods; type its name to confirm.`,
      );
    return undefined;
  }

  private patchToZero(): GuardResult | undefined {
    const patches = this.values('patch').map((text) => ({ text: text as string | null | undefined, label: 'the --patch' }));
    for (const file of this.values('patch-file')) {
      const text =
        file === '-' ? this.ctx.stdin : /^\/(dev|proc|sys)(\/|$)/.test(file) ? null : (this.ctx.readFile?.(file) ?? null);
      patches.push({ text, label: `--patch-file ${file}` });
    }
    for (const { text, label } of patches) {
      const doc = text === null || text === undefined ? undefined : parsePatch(text);
      if (doc === undefined)
        return result('GUARD-DENY-MANIFEST', `${label} cannot be read as JSON or YAML, so the patch cannot be inspected.`);
      if (setsZeroReplicas(doc)) {
        return result(
          'GUARD-TYPED-SCALE-TO-ZERO',
          `${label} sets replicas to 0, stopping every pod of ${this.targetText()}; type its name to confirm.`,
        );
      }
    }
    return undefined;
  }

  private change(): GuardResult | undefined {
    if (this.effect === 'read') return undefined;
    return result('GUARD-CONFIRM-CHANGE', `${this.name} changes ${this.targetText()}; it can be undone, so a yes is enough.`);
  }

  private read(): GuardResult {
    if (USAGE_ONLY.has(this.key))
      return result('GUARD-ALLOW-READ', `${this.name} names no command to run; it only prints usage.`);
    return result('GUARD-ALLOW-READ', `${this.name} only reads.`);
  }

  /** What the command names, for reasons: `deployment/web`, `pods web-1`, `the objects of x.yaml`. */
  private targetText(): string {
    const end = this.assignments ? this.cmd.args.findIndex(isAssignment) : -1;
    const resources = end === -1 ? this.cmd.args : this.cmd.args.slice(0, end);
    const files = this.values('filename').map((f) => `the objects of ${f === '-' ? 'stdin' : f}`);
    const parts = [...resources, ...files];
    return parts.length ? parts.join(' ') : 'the selected objects';
  }
}

/** key=value, key- and key:Effect arguments of label, annotate, set and taint. */
function isAssignment(arg: string): boolean {
  return arg.includes('=') || arg.includes(':') || arg.endsWith('-');
}

function isZero(value: unknown): boolean {
  return value === 0 || value === '0' || (typeof value === 'string' && parseGoInt(value) === 0);
}

/** A patch's content (JSON is YAML too); undefined when it is neither. */
function parsePatch(text: string): unknown {
  try {
    return parseYaml(text, { uniqueKeys: true }) ?? null;
  } catch {
    return undefined;
  }
}

/** Whether a patch (merge, strategic merge or JSON patch) sets a replica count to 0. */
function setsZeroReplicas(doc: unknown): boolean {
  if (Array.isArray(doc)) {
    return doc.some(
      (op) =>
        (typeof op === 'object' &&
          op !== null &&
          typeof (op as { path?: unknown }).path === 'string' &&
          /\/replicas$/.test((op as { path: string }).path) &&
          isZero((op as { value?: unknown }).value)) ||
        setsZeroReplicas(op),
    );
  }
  if (typeof doc !== 'object' || doc === null) return false;
  return Object.entries(doc).some(([key, value]) => (key === 'replicas' && isZero(value)) || setsZeroReplicas(value));
}
