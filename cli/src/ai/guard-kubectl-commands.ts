/**
 * kubectl's command tree and flags, as the guard parses them (cobra and pflag rules, guard-argv.ts).
 * Taken from `kubectl <command> --help` and `kubectl options` of kubectl v1.36.3, the version
 * test/cluster pins. Hidden and newer flags are absent on purpose: the guard denies a flag it
 * does not know, as it cannot tell whether that flag takes a value or what it does.
 *
 * A flag is `[short|]long` followed by `!` for a boolean, `?` for a value that is optional
 * (pflag's NoOptDefVal: `--dry-run` alone means `--dry-run=unchanged`), nothing for a value.
 */

export interface CommandSpec {
  flags: string;
  aliases?: readonly string[];
  commands?: Readonly<Record<string, CommandSpec>>;
}

/** The value pflag gives a flag that is written without one (`--dry-run`, `--validate`, `--cascade`). */
export const NO_OPT_DEFAULTS: Readonly<Record<string, string>> = {
  'dry-run': 'unchanged',
  validate: 'strict',
  cascade: 'background',
};

/** The persistent flags of the root command, accepted by every command, before or after the verb. */
export const GLOBAL_FLAGS =
  'as as-group as-uid as-user-extra cache-dir certificate-authority client-certificate client-key cluster context disable-compression! insecure-skip-tls-verify! kubeconfig kuberc log-flush-frequency match-server-version! n|namespace password profile profile-output request-timeout s|server tls-server-name token user username v|v vmodule warnings-as-errors!';
export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  create: {
    flags:
      'allow-missing-template-keys! dry-run? edit! field-manager f|filename k|kustomize o|output raw R|recursive! save-config! l|selector show-managed-fields! template validate? windows-line-endings!',
    commands: {
      clusterrole: {
        flags:
          'aggregation-rule allow-missing-template-keys! dry-run? field-manager non-resource-url o|output resource resource-name save-config! show-managed-fields! template validate? verb',
      },
      clusterrolebinding: {
        flags:
          'allow-missing-template-keys! clusterrole dry-run? field-manager group o|output save-config! serviceaccount show-managed-fields! template user validate?',
      },
      configmap: {
        flags:
          'allow-missing-template-keys! append-hash! dry-run? field-manager from-env-file from-file from-literal o|output save-config! show-managed-fields! template validate?',
        aliases: ['cm'],
      },
      cronjob: {
        flags:
          'allow-missing-template-keys! dry-run? field-manager image o|output restart save-config! schedule show-managed-fields! template validate?',
        aliases: ['cj'],
      },
      deployment: {
        flags:
          'allow-missing-template-keys! dry-run? field-manager image o|output port r|replicas save-config! show-managed-fields! template validate?',
        aliases: ['deploy'],
      },
      ingress: {
        flags:
          'allow-missing-template-keys! annotation class default-backend dry-run? field-manager o|output rule save-config! show-managed-fields! template validate?',
        aliases: ['ing'],
      },
      job: {
        flags:
          'allow-missing-template-keys! dry-run? field-manager from image o|output save-config! show-managed-fields! template validate?',
      },
      namespace: {
        flags:
          'allow-missing-template-keys! dry-run? field-manager o|output save-config! show-managed-fields! template validate?',
        aliases: ['ns'],
      },
      poddisruptionbudget: {
        flags:
          'allow-missing-template-keys! dry-run? field-manager max-unavailable min-available o|output save-config! selector show-managed-fields! template validate?',
        aliases: ['pdb'],
      },
      priorityclass: {
        flags:
          'allow-missing-template-keys! description dry-run? field-manager global-default! o|output preemption-policy save-config! show-managed-fields! template validate? value',
        aliases: ['pc'],
      },
      quota: {
        flags:
          'allow-missing-template-keys! dry-run? field-manager hard o|output save-config! scopes show-managed-fields! template validate?',
        aliases: ['resourcequota'],
      },
      role: {
        flags:
          'allow-missing-template-keys! dry-run? field-manager o|output resource resource-name save-config! show-managed-fields! template validate? verb',
      },
      rolebinding: {
        flags:
          'allow-missing-template-keys! clusterrole dry-run? field-manager group o|output role save-config! serviceaccount show-managed-fields! template user validate?',
      },
      secret: {
        flags: '',
        commands: {
          'docker-registry': {
            flags:
              'allow-missing-template-keys! append-hash! docker-email docker-password docker-server docker-username dry-run? field-manager from-file o|output save-config! show-managed-fields! template validate?',
          },
          generic: {
            flags:
              'allow-missing-template-keys! append-hash! dry-run? field-manager from-env-file from-file from-literal o|output save-config! show-managed-fields! template type validate?',
          },
          tls: {
            flags:
              'allow-missing-template-keys! append-hash! cert dry-run? field-manager key o|output save-config! show-managed-fields! template validate?',
          },
        },
      },
      service: {
        flags: '',
        aliases: ['svc'],
        commands: {
          clusterip: {
            flags:
              'allow-missing-template-keys! clusterip dry-run? field-manager o|output save-config! show-managed-fields! tcp template validate?',
          },
          externalname: {
            flags:
              'allow-missing-template-keys! dry-run? external-name field-manager o|output save-config! show-managed-fields! tcp template validate?',
          },
          loadbalancer: {
            flags:
              'allow-missing-template-keys! dry-run? field-manager o|output save-config! show-managed-fields! tcp template validate?',
          },
          nodeport: {
            flags:
              'allow-missing-template-keys! dry-run? field-manager node-port o|output save-config! show-managed-fields! tcp template validate?',
          },
        },
      },
      serviceaccount: {
        flags:
          'allow-missing-template-keys! dry-run? field-manager o|output save-config! show-managed-fields! template validate?',
        aliases: ['sa'],
      },
      token: {
        flags:
          'allow-missing-template-keys! audience bound-object-kind bound-object-name bound-object-uid duration o|output show-managed-fields! template',
      },
    },
  },
  expose: {
    flags:
      'allow-missing-template-keys! cluster-ip dry-run? external-ip field-manager f|filename k|kustomize l|labels load-balancer-ip name o|output override-type overrides port protocol R|recursive! save-config! selector session-affinity show-managed-fields! target-port template type',
  },
  run: {
    flags:
      'allow-missing-template-keys! annotations attach! cascade? command! detach-keys dry-run? env expose! field-manager f|filename force! grace-period image image-pull-policy k|kustomize l|labels leave-stdin-open! o|output override-type overrides pod-running-timeout port privileged! q|quiet! R|recursive! restart rm! save-config! show-managed-fields! i|stdin! template timeout t|tty! wait!',
  },
  set: {
    flags: '',
    commands: {
      env: {
        flags:
          'all! allow-missing-template-keys! c|containers dry-run? e|env field-manager f|filename from keys k|kustomize list! local! o|output overwrite! prefix R|recursive! resolve! l|selector show-managed-fields! template',
      },
      image: {
        flags:
          'all! allow-missing-template-keys! dry-run? field-manager f|filename k|kustomize local! o|output R|recursive! l|selector show-managed-fields! template',
      },
      resources: {
        flags:
          'all! allow-missing-template-keys! c|containers dry-run? field-manager f|filename k|kustomize limits local! o|output R|recursive! requests l|selector show-managed-fields! template',
      },
      selector: {
        flags:
          'all! allow-missing-template-keys! dry-run? field-manager f|filename local! o|output R|recursive! resource-version show-managed-fields! template',
      },
      serviceaccount: {
        flags:
          'all! allow-missing-template-keys! dry-run? field-manager f|filename k|kustomize local! o|output R|recursive! show-managed-fields! template',
        aliases: ['sa'],
      },
      subject: {
        flags:
          'all! allow-missing-template-keys! dry-run? field-manager f|filename group k|kustomize local! o|output R|recursive! l|selector serviceaccount show-managed-fields! template user',
      },
    },
  },
  explain: { flags: 'api-version o|output R|recursive!' },
  get: {
    flags:
      'A|all-namespaces! allow-missing-template-keys! chunk-size field-selector f|filename ignore-not-found! k|kustomize L|label-columns no-headers! o|output output-watch-events! raw R|recursive! l|selector server-print! show-kind! show-labels! show-managed-fields! sort-by subresource template w|watch! watch-only!',
  },
  edit: {
    flags:
      'allow-missing-template-keys! field-manager f|filename k|kustomize o|output output-patch! R|recursive! save-config! show-managed-fields! subresource template validate? windows-line-endings!',
  },
  delete: {
    flags:
      'all! A|all-namespaces! cascade? dry-run? field-selector f|filename force! grace-period ignore-not-found! i|interactive! k|kustomize now! o|output raw R|recursive! l|selector timeout wait!',
  },
  rollout: {
    flags: '',
    commands: {
      history: {
        flags:
          'allow-missing-template-keys! f|filename k|kustomize o|output R|recursive! revision l|selector show-managed-fields! template',
      },
      pause: {
        flags:
          'allow-missing-template-keys! field-manager f|filename k|kustomize o|output R|recursive! l|selector show-managed-fields! template',
      },
      restart: {
        flags:
          'allow-missing-template-keys! field-manager f|filename k|kustomize o|output R|recursive! l|selector show-managed-fields! template',
      },
      resume: {
        flags:
          'allow-missing-template-keys! field-manager f|filename k|kustomize o|output R|recursive! l|selector show-managed-fields! template',
      },
      status: { flags: 'f|filename k|kustomize R|recursive! revision l|selector timeout w|watch!' },
      undo: {
        flags:
          'allow-missing-template-keys! dry-run? f|filename k|kustomize o|output R|recursive! l|selector show-managed-fields! template to-revision',
      },
    },
  },
  scale: {
    flags:
      'all! allow-missing-template-keys! current-replicas dry-run? f|filename k|kustomize o|output R|recursive! replicas resource-version l|selector show-managed-fields! template timeout',
  },
  autoscale: {
    flags:
      'allow-missing-template-keys! cpu dry-run? field-manager f|filename k|kustomize max memory min name o|output R|recursive! save-config! show-managed-fields! template',
  },
  certificate: {
    flags: '',
    commands: {
      approve: {
        flags: 'allow-missing-template-keys! f|filename force! k|kustomize o|output R|recursive! show-managed-fields! template',
      },
      deny: {
        flags: 'allow-missing-template-keys! f|filename force! k|kustomize o|output R|recursive! show-managed-fields! template',
      },
    },
  },
  'cluster-info': {
    flags: '',
    commands: {
      dump: {
        flags:
          'A|all-namespaces! allow-missing-template-keys! namespaces o|output output-directory pod-running-timeout show-managed-fields! template',
      },
    },
  },
  top: {
    flags: '',
    commands: {
      node: { flags: 'no-headers! l|selector show-capacity! show-swap! sort-by use-protocol-buffers!', aliases: ['nodes', 'no'] },
      pod: {
        flags:
          'A|all-namespaces! containers! field-selector no-headers! l|selector show-swap! sort-by sum! use-protocol-buffers!',
        aliases: ['pods', 'po'],
      },
    },
  },
  cordon: { flags: 'dry-run? l|selector' },
  uncordon: { flags: 'dry-run? l|selector' },
  drain: {
    flags:
      'chunk-size delete-emptydir-data! disable-eviction! dry-run? force! grace-period ignore-daemonsets! pod-selector l|selector skip-wait-for-delete-timeout timeout',
  },
  taint: {
    flags:
      'all! allow-missing-template-keys! dry-run? field-manager o|output overwrite! l|selector show-managed-fields! template validate?',
  },
  describe: { flags: 'A|all-namespaces! chunk-size f|filename k|kustomize R|recursive! l|selector show-events!' },
  logs: {
    flags:
      'all-containers! all-pods! c|container f|follow! ignore-errors! insecure-skip-tls-verify-backend! limit-bytes max-log-requests pod-running-timeout prefix! p|previous! l|selector since since-time tail timestamps!',
  },
  attach: { flags: 'c|container detach-keys pod-running-timeout q|quiet! i|stdin! t|tty!' },
  exec: { flags: 'c|container f|filename pod-running-timeout q|quiet! i|stdin! t|tty!' },
  'port-forward': { flags: 'address pod-running-timeout' },
  proxy: {
    flags:
      'accept-hosts accept-paths address api-prefix append-server-path! disable-filter! keepalive p|port reject-methods reject-paths u|unix-socket w|www P|www-prefix',
  },
  cp: { flags: 'c|container no-preserve! retries' },
  auth: {
    flags: '',
    commands: {
      'can-i': { flags: 'A|all-namespaces! list! no-headers! q|quiet! subresource' },
      reconcile: {
        flags:
          'allow-missing-template-keys! dry-run? f|filename k|kustomize o|output R|recursive! remove-extra-permissions! remove-extra-subjects! show-managed-fields! template',
      },
      whoami: { flags: 'allow-missing-template-keys! o|output show-managed-fields! template' },
    },
  },
  debug: {
    flags:
      'arguments-only! attach! c|container copy-to custom env f|filename image image-pull-policy keep-annotations! keep-init-containers! keep-labels! keep-liveness! keep-readiness! keep-startup! profile q|quiet! replace! same-node! set-image share-processes! i|stdin! target t|tty!',
  },
  events: {
    flags:
      'A|all-namespaces! allow-missing-template-keys! chunk-size for no-headers! o|output show-managed-fields! template types w|watch!',
  },
  diff: {
    flags:
      'concurrency field-manager f|filename force-conflicts! k|kustomize prune! prune-allowlist R|recursive! l|selector server-side! show-managed-fields! show-secrets!',
  },
  apply: {
    flags:
      'all! allow-missing-template-keys! cascade? dry-run? field-manager f|filename force! force-conflicts! grace-period k|kustomize openapi-patch! o|output overwrite! prune! prune-allowlist R|recursive! l|selector server-side! show-managed-fields! subresource template timeout validate? wait!',
    commands: {
      'edit-last-applied': {
        flags:
          'allow-missing-template-keys! field-manager f|filename k|kustomize o|output R|recursive! show-managed-fields! template validate? windows-line-endings!',
      },
      'set-last-applied': {
        flags: 'allow-missing-template-keys! create-annotation! dry-run? f|filename o|output show-managed-fields! template',
      },
      'view-last-applied': { flags: 'all! f|filename k|kustomize o|output R|recursive! l|selector' },
    },
  },
  patch: {
    flags:
      'allow-missing-template-keys! dry-run? field-manager f|filename k|kustomize local! o|output p|patch patch-file R|recursive! show-managed-fields! subresource template type',
  },
  replace: {
    flags:
      'allow-missing-template-keys! cascade? dry-run? field-manager f|filename force! grace-period k|kustomize o|output raw R|recursive! save-config! show-managed-fields! subresource template timeout validate? wait!',
  },
  wait: {
    flags:
      'all! A|all-namespaces! allow-missing-template-keys! field-selector f|filename for local! o|output R|recursive! l|selector show-managed-fields! template timeout',
  },
  kustomize: {
    flags:
      'as-current-user! enable-alpha-plugins! enable-helm! e|env helm-api-versions helm-command helm-debug! helm-kube-version load-restrictor mount network! network-name o|output',
  },
  label: {
    flags:
      'all! A|all-namespaces! allow-missing-template-keys! dry-run? field-manager field-selector f|filename k|kustomize list! local! o|output overwrite! R|recursive! resource-version l|selector show-managed-fields! template',
  },
  annotate: {
    flags:
      'all! A|all-namespaces! allow-missing-template-keys! dry-run? field-manager field-selector f|filename k|kustomize list! local! o|output overwrite! R|recursive! resource-version l|selector show-managed-fields! template',
  },
  completion: { flags: '' },
  'api-resources': { flags: 'api-group cached! categories namespaced! no-headers! o|output show-managed-fields! sort-by verbs' },
  'api-versions': { flags: '' },
  config: {
    flags: '',
    commands: {
      'current-context': { flags: '' },
      'delete-cluster': { flags: '' },
      'delete-context': { flags: '' },
      'delete-user': { flags: '' },
      'get-clusters': { flags: '' },
      'get-contexts': { flags: 'no-headers! o|output' },
      'get-users': { flags: '' },
      'rename-context': { flags: '' },
      set: { flags: 'set-raw-bytes!' },
      'set-cluster': { flags: 'certificate-authority embed-certs! insecure-skip-tls-verify! proxy-url server tls-server-name' },
      'set-context': { flags: 'cluster current! n|namespace user' },
      'set-credentials': {
        flags:
          'auth-provider auth-provider-arg client-certificate client-key embed-certs! exec-api-version exec-arg exec-command exec-env exec-interactive-mode exec-provide-cluster-info! password token username',
      },
      unset: { flags: '' },
      'use-context': { flags: '', aliases: ['use'] },
      view: { flags: 'allow-missing-template-keys! flatten! merge! minify! o|output raw! show-managed-fields! template' },
    },
  },
  kuberc: {
    flags: '',
    commands: {
      set: { flags: 'allowlist-entry appendarg command kuberc name option overwrite! policy prependarg section' },
      view: { flags: 'allow-missing-template-keys! kuberc o|output show-managed-fields! template' },
    },
  },
  plugin: {
    flags: '',
    commands: {
      list: { flags: 'name-only!' },
    },
  },
  version: { flags: 'client! o|output' },
  // added by cobra and kubectl at run time, absent from `kubectl --help`
  help: { flags: '' },
  options: { flags: '' },
};
