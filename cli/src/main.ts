/**
 * The dispatcher: finds the command, prints the help and the version, and turns what a command
 * throws into one line and an exit status (usage.ts, EXIT): never a stack for a user's mistake
 * or an unreachable server.
 */
import { isUserError } from '../../shared/action/errors.js';
import { ACTION_VERSION } from '../../shared/action/version.js';
import { describeNetworkFailure, networkFailure } from '../../shared/action/network-error.js';
import { compare } from './commands/compare.js';
import { inferSchemaCommand, mergeProfilesCommand } from './commands/data.js';
import { evaluate } from './commands/evaluate.js';
import { initCommand } from './init.js';
import { monitor } from './commands/monitor.js';
import { promote } from './commands/promote.js';
import { registry } from './commands/registry.js';
import { train } from './commands/train.js';
import { validate } from './commands/validate.js';
import { EXIT, EXIT_CODES_HELP, UsageError, type Command } from './usage.js';

/** The commands, in the order of the help. A new command is one module and one line here. */
const COMMANDS: readonly Command[] = [
  validate,
  inferSchemaCommand,
  mergeProfilesCommand,
  evaluate,
  compare,
  train,
  promote,
  monitor,
  registry,
  initCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return `Usage: mlops-actions <command> [options]
       mlops-actions <command> --help
       mlops-actions --version

Runs on a laptop what the mlops-actions workflow steps run on GitHub, through the same code.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')}

Every file read or written must lie inside the workspace: the current folder, or the folder
--workspace names (GITHUB_WORKSPACE inside a workflow step). Symbolic links count by where
they lead.

${EXIT_CODES_HELP}`;
}

const HELP = new Set(['-h', '--help']);

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    process.stderr.write(usage());
    return EXIT.usage;
  }
  if (HELP.has(name) || (name === 'help' && args.length === 0)) {
    process.stdout.write(usage());
    return EXIT.ok;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`${ACTION_VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === (name === 'help' ? args[0] : name));
  if (!command) {
    process.stderr.write(
      `error: Unknown command "${name === 'help' ? args[0] : name}".\n\n${usage()}`,
    );
    return EXIT.usage;
  }
  if (name === 'help' || args.some((arg) => HELP.has(arg))) {
    process.stdout.write(typeof command.help === 'string' ? command.help : await command.help());
    return EXIT.ok;
  }
  try {
    return await command.run(args);
  } catch (error) {
    return reportFailure(command, error);
  }
}

function reportFailure(command: Command, error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(
      `error: ${error.message}\nRun "mlops-actions ${command.name} --help" for its flags.\n`,
    );
    return EXIT.usage;
  }
  if (isUserError(error)) {
    process.stderr.write(`error: ${error.message}\n`);
    return EXIT.failed;
  }
  const network = networkFailure(error);
  if (network) {
    process.stderr.write(`error: ${describeNetworkFailure(network)}\n`);
    return EXIT.network;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `error: mlops-actions ${command.name} stopped on an unexpected error: ${message}. This is a bug in mlops-actions; please report it with this output${process.env.MLOPS_ACTIONS_DEBUG ? '' : ' (set MLOPS_ACTIONS_DEBUG=1 for the stack trace)'}.\n`,
  );
  if (process.env.MLOPS_ACTIONS_DEBUG && error instanceof Error && error.stack)
    process.stderr.write(`${error.stack}\n`);
  return EXIT.bug;
}
