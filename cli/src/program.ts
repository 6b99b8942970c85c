import { Command, Option } from 'commander';
import type { Deps } from './deps.js';
import { FORMATS, formatsHelp } from './runtime/formats.js';
import { VERSION } from './version.js';

export interface ProgramContext {
  /**
   * Builds Deps from the raw global flags, checking them first; called once, by the command
   * that runs. `envList`: the command takes a comma-separated --env list.
   */
  deps(globals: Record<string, unknown>, o: { envList: boolean; configFrom?: string | undefined }): Promise<Deps>;
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
      o: { envList?: boolean; configFrom?: (options: Record<string, unknown>) => string | undefined } = {},
    ) =>
    async (...params: unknown[]) => {
      const cmd = params[params.length - 1] as Command;
      const options = params[params.length - 2] as Record<string, unknown>;
      const args = params.slice(0, -2).filter((a): a is string => typeof a === 'string');
      const deps = await ctx.deps(cmd.optsWithGlobals(), { envList: o.envList ?? false, configFrom: o.configFrom?.(options) });
      const handler = (await load()).default;
      await handler(deps, options, args);
    };

  program
    .command('doctor')
    .description('check the tools, the cluster and todoctl.yaml, and say how to fix what is missing')
    .addHelpText('after', `\n${formatsHelp(FORMATS.doctor)}`)
    .action(run(() => import('./commands/doctor.js')));

  program
    .command('validate')
    .description('check the charts, Dockerfiles and repository against the constitution (exit 1 when a rule fails)')
    .option('--root <dir>', 'repository to validate (default: the project root, else the current folder)')
    .option('--base <ref>', 'git ref to compare chart versions and CHANGELOG against (e.g. origin/main)')
    .option('--list-rules', 'print the rule catalog instead of validating')
    .addHelpText(
      'after',
      `\n${formatsHelp(FORMATS.validate)} sarif is for GitHub code scanning.\nWith --list-rules: ${formatsHelp(FORMATS.rules).replace('Output (-o): ', '')}\nEnvironments (--env): every environment of todoctl.yaml by default.`,
    )
    .action(
      run(() => import('./commands/validate.js'), {
        envList: true,
        // the repository validate checks has its own todoctl.yaml
        configFrom: (options) => (typeof options.root === 'string' ? options.root : undefined),
      }),
    );

  program
    .command('status')
    .description('show the releases in the target namespace and the state of their pods')
    .addHelpText('after', `\n${formatsHelp(FORMATS.status)}`)
    .action(run(() => import('./commands/status.js')));

  return program;
}
