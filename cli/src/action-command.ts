/**
 * A command that runs an action's own `run()`: its inputs are the command's flags (`--<input>`,
 * the action.yml names), its defaults come from its action.yml, and its messages are worded for
 * a terminal: inputs are named as flags, through readInputs' naming hook and, for the messages
 * that actions and shared/ phrase for a workflow (`input "x"`, `x: value`), by mapping the
 * action's input names, so that one message serves both without a second copy of its text.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { actionDefaults } from '../../shared/action/action-defaults.js';
import { createCliRunner } from '../../shared/action/cli-runner.js';
import type { StepEnvironment } from '../../shared/action/context.js';
import { InputError, isUserError } from '../../shared/action/errors.js';
import { readInputs, type InputNaming, type InputSchema } from '../../shared/action/inputs.js';
import type { ActionDefinition } from '../../shared/action/run-action.js';
import type { Logger, Runner } from '../../shared/action/runner.js';
import { EXIT, UsageError } from './usage.js';

/** The action folders ship beside the CLI: cli/dist/index.js (or cli/src/*.ts) → actions/<name>. */
function actionYml(action: string): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'actions', action, 'action.yml');
}

export const FLAG_NAMING: InputNaming = {
  name: (input) => `--${input}`,
  whereToSet: 'give it on the command line',
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Rewrites a message phrased for a workflow so that it names flags: `input "x"` (and
 * `input "x" to "v"`) becomes `--x` (`--x 'v'`), a quoted input name `"x"` becomes `--x`, and a
 * setting `x-y: v` becomes `--x-y v`. Only the action's own input names are touched.
 */
export function terminalWording(inputNames: readonly string[]): (text: string) => string {
  if (inputNames.length === 0) return (text) => text;
  const names = [...inputNames].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const alternatives = names.join('|');
  const named = new RegExp(
    `\\b[Ii]nput (?:"(${alternatives})"(?: to "([^"]*)")?|(${alternatives})\\b)`,
    'g',
  );
  const quoted = new RegExp(`"(${alternatives})"`, 'g');
  const setting = new RegExp(
    `(^|[\\s(])(${names.filter((n) => n.includes('-')).join('|') || '$^'}): (\\S+?)(?=[\\s),.;]|$)`,
    'g',
  );
  return (text) =>
    text
      .replace(named, (_, quotedName?: string, value?: string, bareName?: string) =>
        value === undefined ? `--${quotedName ?? bareName}` : `--${quotedName} '${value}'`,
      )
      .replace(quoted, (_, name: string) => `--${name}`)
      .replace(setting, (_, before: string, name: string, value: string) => {
        return `${before}--${name} ${value}`;
      });
}

/** The action's inputs: its action.yml defaults, then the flags given. */
export async function actionInputs(
  action: string,
  given: Record<string, string | undefined>,
): Promise<Record<string, string>> {
  const inputs = await actionDefaults(actionYml(action));
  // A default that is an expression (`${{ github.token }}`) means nothing outside a workflow.
  for (const [name, value] of Object.entries(inputs))
    if (value.includes('${{')) delete inputs[name];
  for (const [name, value] of Object.entries(given)) if (value !== undefined) inputs[name] = value;
  return inputs;
}

export interface ActionCommandRun<S extends InputSchema> {
  action: ActionDefinition<S>;
  /** The flags given, by input name (lists joined with line breaks). */
  inputs: Record<string, string | undefined>;
  step: StepEnvironment;
  summaryPath?: string;
  verbose?: boolean;
  /** Where the action's log lines go; standard output by default. */
  write?: (line: string) => void;
  /** A progress bar for long reads (progress.ts); plain log lines without it. */
  progress?: Logger['progress'];
}

export interface ActionCommandResult {
  status: number;
  outputs: Record<string, string>;
}

/**
 * Runs the action's `run()` as its entry does (shared/action/run-action.ts), with the exit
 * statuses of the command line: a missing or malformed flag is a usage mistake (2), a failed
 * check or a wrong file the action's error (1); a network failure or a bug goes up to the
 * dispatcher.
 */
export async function runActionCommand<S extends InputSchema>(
  run: ActionCommandRun<S>,
): Promise<ActionCommandResult> {
  const names = Object.keys(run.action.inputs.shape);
  const word = terminalWording(names);
  const write = run.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const runner: Runner & { outputs: Record<string, string> } = createCliRunner({
    inputs: await actionInputs(run.action.name, run.inputs),
    summaryPath: run.summaryPath,
    verbose: run.verbose,
    progress: run.progress,
    write: (line) => write(/^(error|warning|notice): /.test(line) ? word(line) : line),
  });
  let inputs: z.output<S>;
  try {
    inputs = readInputs(run.action.inputs, runner.getInput, FLAG_NAMING);
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(error.message);
    throw error;
  }
  try {
    await run.action.run(inputs, runner, run.step);
    return { status: EXIT.ok, outputs: runner.outputs };
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(word(error.message));
    if (!isUserError(error)) throw error;
    runner.error(error.message, { title: run.action.name });
    return { status: EXIT.failed, outputs: runner.outputs };
  }
}

/**
 * The flags of an action's inputs for a command's help: each with the first sentence of its
 * action.yml description and its default, so the help never drifts from the action.
 */
export async function inputFlagsHelp(action: string, inputs: readonly string[]): Promise<string> {
  const { load } = await import('js-yaml');
  const metadata = load(await readFile(actionYml(action), 'utf8')) as {
    inputs?: Record<string, { description?: string; default?: string; required?: boolean }>;
  };
  const lines = inputs.map((name) => {
    const input = metadata.inputs?.[name];
    const description = (input?.description ?? '').replace(/\s+/g, ' ').trim();
    const first = /^.*?\.(?=\s|$)/.exec(description)?.[0] ?? description;
    const sentence = first.length > 110 ? `${first.slice(0, 110).replace(/\s+\S*$/, '')} …` : first;
    const fallback =
      input?.default !== undefined && !input.default.includes('${{')
        ? ` (default: ${input.default || '""'})`
        : input?.required
          ? ' (required)'
          : '';
    return `  --${name}\n      ${sentence}${fallback}`;
  });
  return lines.join('\n');
}
