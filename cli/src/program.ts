import { Command, Option } from 'commander';
import type { Deps } from './deps.js';
import { FORMATS, formatsHelp, type Format } from './runtime/formats.js';
import { VERSION } from './version.js';

export interface ProgramContext {
  /**
   * Builds Deps from the raw global flags, checking them first; called once, by the command
   * that runs. `envList`: the command takes a comma-separated --env list.
   */
  deps(
    globals: Record<string, unknown>,
    o: { envList: boolean; configFrom?: string | undefined; allowDuplicateKeys?: boolean },
  ): Promise<Deps>;
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

/**
 * The command tree. Each command's module is imported only when that command
 * runs, so `todoctl --version` and `--help` load nothing but commander.
 */
export function buildProgram(ctx: ProgramContext): Command {
  const program = new Command('todoctl')
    .description('Deploy, validate and debug the AI-native todo chatbot on Kubernetes.')
    .version(VERSION, '-v, --version', 'print the todoctl version')
    .addOption(new Option('--context <name>', 'kubeconfig context to use'))
    .addOption(new Option('-n, --namespace <name>', 'Kubernetes namespace'))
    .addOption(new Option('--kubeconfig <file>', 'path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)'))
    .addOption(
      new Option(
        '--env <name>',
        "target environment, one of todoctl.yaml's (default: dev, staging, prod; validate: a comma-separated list)",
      ),
    )
    .addOption(new Option('--config <file>', 'path to todoctl.yaml (default: found by walking up from the current folder)'))
    .addOption(
      new Option('-o, --output <format>', "output format: text (default), json or yaml; see a command's --help for its others"),
    )
    .addOption(new Option('-y, --yes', 'answer yes to confirmations (required to proceed without a terminal)').default(false))
    .addOption(new Option('--no-color', 'disable colour (also honours NO_COLOR)'))
    .addOption(new Option('--verbose', 'print every step and tool call on stderr').default(false))
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
      outputError: () => {
        /* main.ts prints errors in one format */
      },
    });

  const run =
    (
      load: () => Promise<{ default: (deps: Deps, options: Record<string, unknown>, args: string[]) => Promise<void> }>,
      o: {
        envList?: boolean;
        configFrom?: (options: Record<string, unknown>) => string | undefined;
        allowDuplicateKeys?: boolean;
      } = {},
    ) =>
    async (...params: unknown[]) => {
      const cmd = params[params.length - 1] as Command;
      const options = params[params.length - 2] as Record<string, unknown>;
      const args = params
        .slice(0, -2)
        .flat()
        .filter((a): a is string => typeof a === 'string');
      const deps = await ctx.deps(cmd.optsWithGlobals(), {
        envList: o.envList ?? false,
        configFrom: o.configFrom?.(options),
        allowDuplicateKeys: o.allowDuplicateKeys ?? false,
      });
      const handler = (await load()).default;
      await handler(deps, options, args);
    };

  /** A command: its help lists its output formats; its module loads only when it runs. */
  const command = (
    spec: string,
    description: string,
    o: {
      formats: readonly Format[];
      load: Parameters<typeof run>[0];
      help?: string;
      /** [flags, description] of each option. */
      flags?: readonly (readonly [string, string])[];
      /** What --timeout bounds, for a command that waits on the cluster. */
      timeout?: string;
      run?: Parameters<typeof run>[1];
    },
  ) => {
    const c = program.command(spec).description(description);
    for (const [flags, what] of o.flags ?? []) c.option(flags, what);
    if (o.timeout) c.addOption(new Option('--timeout <duration>', `${o.timeout} (90s, 5m, 1m30s)`).default('5m'));
    c.addHelpText('after', `\n${formatsHelp(o.formats)}${o.help ? `\n${o.help}` : ''}`).action(run(o.load, o.run));
  };

  // `todoctl guard check`, a command with a subcommand, which command() does not make
  const guardCheck = program
    .command('guard')
    .description('the command guard of todoctl ai: how it treats a command the AI proposes')
    .command('check [command...]')
    .description('classify one kubectl command as allow, confirm, typed-confirm or deny, with the reason and the rule')
    .option('--shell <line>', 'the command as one shell line; anything but plain words (pipes, ;, $(...), globs...) is denied')
    .option('--stdin <file>', 'the content the command would read on stdin, for -f -')
    .addHelpText(
      'after',
      [
        '',
        formatsHelp(FORMATS.guard),
        'Give the command after --, where todoctl reads no flag: todoctl guard check -- kubectl delete pod web-1',
        "or as one line: todoctl guard check --shell 'kubectl get pods | sh'.",
        'Pinned context: the global --context; kubectl --context naming any other is denied. Files named by -f are read from the current folder.',
        'Exit status: 0 whenever the command was classified, whatever the decision (read it from the output); 2 for a usage error (no command, both forms, no --, an unreadable --stdin file, an unknown -o).',
      ].join('\n'),
    );
  guardCheck.action((...params: unknown[]) => {
    // commander drops `--`: tell the command whether its words came after it, where no todoctl flag was taken
    const words = (params[0] as string[] | undefined) ?? [];
    // the argv commander parsed, which it keeps untyped
    const { rawArgs } = program as Command & { rawArgs: string[] };
    const dash = rawArgs.indexOf('--');
    const after = dash === -1 ? [] : rawArgs.slice(dash + 1);
    const afterDashDash = dash !== -1 && after.length === words.length && after.every((w, i) => w === words[i]);
    const next = [...params];
    next[next.length - 2] = { ...(params[params.length - 2] as Record<string, unknown>), afterDashDash };
    return run(() => import('./commands/guard.js'))(...next);
  });

  command('doctor', 'check the tools, the cluster and todoctl.yaml, and say how to fix what is missing', {
    formats: FORMATS.doctor,
    load: () => import('./commands/doctor.js'),
  });

  command('validate', 'check the charts, Dockerfiles and repository against the constitution (exit 1 when a rule fails)', {
    formats: FORMATS.validate,
    load: () => import('./commands/validate.js'),
    help: `sarif is for GitHub code scanning. With --list-rules: ${formatsHelp(FORMATS.rules).replace('Output (-o): ', '')}\nEnvironments (--env): every environment of todoctl.yaml by default.`,
    flags: [
      ['--root <dir>', 'repository to validate (default: the project root, else the current folder)'],
      ['--base <ref>', 'git ref to compare chart versions and CHANGELOG against (e.g. origin/main)'],
      ['--list-rules', 'print the rule catalog instead of validating'],
      ['--images', 'also judge the built images of this commit (user, layers, labels, size, command, vulnerabilities)'],
      ['--builder <tool>', 'with --images: docker or podman, the tool holding the images (default: the first on PATH)'],
    ],
    run: {
      envList: true,
      // the repository validate checks has its own todoctl.yaml
      configFrom: (options) => (typeof options.root === 'string' ? options.root : undefined),
      // a key repeated in todoctl.yaml is validate's to report (TODO-REPO-005, both lines)
      allowDuplicateKeys: true,
    },
  });

  command('audit <action>', 'show or verify the audit log of todoctl ai: what the AI was asked, proposed, ran and verified', {
    formats: FORMATS.audit,
    load: () => import('./commands/audit.js'),
    help: [
      'Actions: show [--run ID] (a timeline per run; json and yaml: the records); verify (checks the hash chain; exit 1 naming the first broken record).',
      'Log: $TODOCTL_AUDIT_FILE, else ai.auditLog in todoctl.yaml, else $XDG_STATE_HOME/todoctl/audit.jsonl (~/.local/state).',
    ].join('\n'),
    flags: [['--run <id>', 'show: only this run (its id, or a prefix of it)']],
  });

  command(
    'up',
    'deploy the environment: validate, secrets, helm upgrade --install with automatic rollback, health through the cluster',
    {
      formats: FORMATS.up,
      load: () => import('./commands/up.js'),
      help: "Environment (--env): todoctl.yaml's defaultEnv by default.",
      flags: [
        ['--no-build', 'do not build images; deploy --tag, already in the cluster'],
        ['--tag <tag>', 'image tag to deploy: dev-<short-sha> or v<semver>, never latest'],
        ['--dry-run', 'render and show what would change as a diff; change nothing'],
        ['--no-scan', 'dev only: deploy images without the vulnerability scan (said in the output)'],
        ['--push <registry>', 'push the built images to host[:port][/path] and deploy them by digest'],
      ],
      timeout: 'time budget for the whole run',
    },
  );

  command('build', "build the releases' images with docker or podman, tagged dev-<short-sha>; on minikube, load and check them", {
    formats: FORMATS.build,
    load: () => import('./commands/build.js'),
    flags: [
      ['--builder <tool>', 'docker or podman (default: the first on PATH)'],
      ['--no-cache', 'build every layer again, and images whose tag exists too'],
      ['--push <registry>', 'push each image to host[:port][/path] and report its digest'],
      ['--build-arg <name=value...>', "set a Dockerfile ARG (e.g. NODE_IMAGE=<base>), as docker build's flag"],
      ['--no-scan', 'do not scan the images with trivy (they cannot be deployed to staging or prod unscanned)'],
    ],
  });

  command(
    'rollback [releases...]',
    'roll releases back to their last revision verified healthy, after showing what changes and asking',
    {
      formats: FORMATS.rollback,
      load: () => import('./commands/rollback.js'),
      flags: [
        ['--all', 'every app release of the environment'],
        ['--to <revision>', 'this revision instead of the last verified one (one release)'],
      ],
      timeout: 'how long to wait for the rolled-back pods',
    },
  );

  command('down', "uninstall the environment's app releases after confirmation; namespace and volumes stay", {
    formats: FORMATS.down,
    load: () => import('./commands/down.js'),
    flags: [['--purge', "also delete the namespace and its volumes (asks you to type the environment's name)"]],
    timeout: 'how long to wait for the uninstall',
  });

  command(
    'secrets <action> [variable]',
    'list the Secrets the releases read (names and keys only), or set/rotate one variable and restart its workloads',
    {
      formats: FORMATS.secrets,
      load: () => import('./commands/secrets.js'),
      help: 'Actions: list; set <VARIABLE>; rotate <VARIABLE>. Values come from the environment, the project .env or a prompt, never the command line.',
      timeout: 'how long to wait for the restarted workloads',
    },
  );

  command('ai <question...>', 'ask about the cluster (e.g. "why is backend crashing"): answered from its real state, every command guarded and audited', {
    formats: FORMATS.ai,
    load: () => import('./commands/ai.js'),
    help: 'Provider: TODOCTL_AI_BASE_URL, TODOCTL_AI_API_KEY, TODOCTL_AI_MODEL (or OPENAI_BASE_URL, OPENAI_API_KEY, or ai: in todoctl.yaml); without one, the analyzers\' digest is the answer.\nOnly read-only commands run; changes are proposed (exit 2), policy-denied commands are blocked (exit 3); provider error 4, timeout 5.',
    flags: [
      ['--engine <engine>', 'builtin (todoctl\'s own agent)'],
      ['--model <model>', 'the model (default: TODOCTL_AI_MODEL, else ai.model of todoctl.yaml)'],
      ['--max-iterations <n>', 'at most this many model calls (default 8)'],
      ['--timeout <duration>', 'the whole run\'s time limit (default 2m)'],
    ],
  });

  command('status', 'show the releases in the target namespace and the state of their pods', {
    formats: FORMATS.status,
    load: () => import('./commands/status.js'),
  });

  return program;
}
