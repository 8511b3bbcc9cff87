/**
 * What every command shares: the exit statuses, the usage mistake, flags parsed with Node's
 * parseArgs, and the workspace that confines every path a command reads or writes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closest, distance } from 'fastest-levenshtein';
import { stepEnvironment, type StepEnvironment } from '../../shared/action/context.js';
import { confinePaths, stepConfinement } from '../../shared/files/confine.js';
import { expandPathsAsWritten } from '../../shared/files/expand.js';

/** The exit statuses, listed in `mlops-actions --help` and the README. */
export const EXIT = {
  ok: 0,
  /** A check or gate failed, or a file or setting the message names is wrong. */
  failed: 1,
  /** The command line itself: an unknown command or flag, a missing or malformed flag. */
  usage: 2,
  /** A server (GitHub) could not be reached. */
  network: 3,
  /** A bug in mlops-actions. */
  bug: 70,
} as const;

export const EXIT_CODES_HELP = `Exit status:
  0   success (for validate: the data passed by --fail-on; for compare: the gates passed)
  1   a check or gate failed, or a file or value the message names is wrong
  2   a usage mistake: unknown command or flag, a missing or malformed flag
  3   a server (GitHub) could not be reached: the network, a proxy or GITHUB_API_URL
  70  a bug in mlops-actions (please report it with the output)
  Writing into a closed pipe (mlops-actions ... | head -1) ends quietly with status 0.
`;

/** A mistake on the command line: the message, then the command's usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Command {
  name: string;
  /** One line for `mlops-actions --help`. */
  summary: string;
  /** `mlops-actions <name> --help`; a function when it is built from an action.yml. */
  help: string | (() => Promise<string>);
  run(args: string[]): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs, with its mistakes (unknown flag, missing value) as usage errors. */
export function parseFlags<O extends Options>(args: string[], options: O, positionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals: positionals, strict: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code?.startsWith('ERR_PARSE_ARGS'))
      throw new UsageError(withSuggestion((error as Error).message, Object.keys(options)));
    throw error;
  }
}

/** "Unknown option '--predicitons'" gets "; did you mean --predictions?" when one is close. */
function withSuggestion(message: string, flags: readonly string[]): string {
  const unknown = /^Unknown option '--([^']+)'/.exec(message)?.[1];
  if (!unknown || flags.length === 0) return message;
  const near = closest(unknown, flags as string[]);
  return distance(unknown, near) <= Math.max(2, Math.floor(unknown.length / 4))
    ? `${message}; did you mean --${near}?`
    : message;
}

/**
 * The folder whose files the command may read and write: as on a runner, every path must lead
 * inside it (files/confine.ts). The current folder, unless `--workspace` (or GITHUB_WORKSPACE,
 * inside a workflow step) names another.
 */
export function stepIn(
  folder: string | undefined,
  extra: Record<string, string | undefined> = {},
): StepEnvironment {
  const env = { ...process.env, ...extra };
  if (folder !== undefined) env.GITHUB_WORKSPACE = resolve(folder);
  return stepEnvironment(env);
}

export async function confined(
  step: StepEnvironment,
  paths: readonly string[],
  what: string,
  kind?: 'any',
): Promise<void> {
  await confinePaths(paths, await stepConfinement(step.workspace, step.tempDir), {
    what,
    baseDir: process.cwd(),
    kind,
  });
}

/** Writes `text` to `path` inside the workspace, or to standard output without a path. */
export async function output(
  step: StepEnvironment,
  path: string | undefined,
  text: string,
): Promise<void> {
  if (!path) {
    process.stdout.write(text);
    return;
  }
  await confined(step, [path], 'output file', 'any');
  await mkdir(dirname(resolve(path)), { recursive: true });
  await writeFile(path, text);
  process.stderr.write(`Wrote ${path}\n`);
}

/** Paths as the CLI's reports show them: as written, or relative to the current folder. */
export function expandFrom(entries: readonly string[], what: string): Promise<string[]> {
  return expandPathsAsWritten(entries, process.cwd(), what);
}

export function count(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(
      `${name} takes a whole number of 1 or more; got ${JSON.stringify(value)}.`,
    );
  return Number(value);
}

/** The GitHub token: --token, else GITHUB_TOKEN or GH_TOKEN. */
export function gitHubToken(flag: string | undefined): string | undefined {
  return flag || process.env.GITHUB_TOKEN || process.env.GH_TOKEN || undefined;
}

/** parseArgs options for action inputs given as flags: each a string, a list input repeatable. */
export function inputFlags<const N extends string>(
  inputs: readonly N[],
  lists: readonly string[] = [],
): Record<N, { type: 'string'; multiple: boolean }> {
  return Object.fromEntries(
    inputs.map((name) => [name, { type: 'string', multiple: lists.includes(name) }]),
  ) as Record<N, { type: 'string'; multiple: boolean }>;
}

/** The flags given for action inputs, by input name; a repeated list flag as one line each. */
export function inputValues(
  values: Record<string, string | boolean | (string | boolean)[] | undefined>,
  inputs: readonly string[],
): Record<string, string | undefined> {
  return Object.fromEntries(
    inputs.map((name) => {
      const value = values[name];
      return [name, Array.isArray(value) ? value.join('\n') : (value as string | undefined)];
    }),
  );
}

/** Copies a file the action wrote (in its temp folder) to where the user asked, inside the workspace. */
export async function copyOut(
  step: StepEnvironment,
  from: string,
  to: string | undefined,
): Promise<void> {
  if (!to || !from) return;
  const { readFile } = await import('node:fs/promises');
  await output(step, to, await readFile(from, 'utf8'));
}
