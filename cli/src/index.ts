#!/usr/bin/env node
/**
 * `mlops-actions`: the command-line entry, so that a data scientist can run on a laptop what
 * the workflow runs on GitHub. Wiring only:
 *   validate        runs the validate-data action itself (same inputs, defaults from its action.yml)
 *   infer-schema    writes a Table Schema from sample data
 *   merge-profiles  merges data profiles of shards into one
 *   registry        lists every model and the version in each environment
 */
import { realpathSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { validateData } from '../../actions/validate-data/src/run.js';
import { createCliRunner } from '../../shared/action/cli-runner.js';
import { isUserError, UserError } from '../../shared/action/errors.js';
import { runAction } from '../../shared/action/run-action.js';
import { detectFormat, type DataFormat } from '../../shared/data/records.js';
import { actionDefaults } from '../../shared/action/action-defaults.js';
import { stepEnvironment, type StepEnvironment } from '../../shared/action/context.js';
import { confinePaths, stepConfinement } from '../../shared/files/confine.js';
import { expandPathsAsWritten } from '../../shared/files/expand.js';
import {
  isValidationWorker,
  offerValidationWorkers,
  serveValidationShards,
} from '../../shared/validation/shard-worker.js';
import { mergeProfiles, readProfile } from '../../shared/profile/profile.js';
import { inferSchema } from '../../shared/schema/infer.js';
import { parseRepository } from '../../shared/github/client.js';
import { createOctokitPort } from '../../shared/github/octokit-port.js';
import { readRegistry, renderRegistry } from '../../shared/registry/overview.js';

const USAGE = `Usage: mlops-actions <command> [options]

Commands:
  validate --data <path|glob> [--data ...] --schema <file> [--format auto|csv|tsv|jsonl|parquet]
           [--profile <file>] [--fail-on error|warning|never] [--max-errors <n>]
           [--delimiter <c>] [--quote-char <c>] [--escape-char <c>] [--summary <file.md>]
           [--workspace <dir>]
      Validates data files against a Table Schema, as the validate-data action does.
      Exit status 1 when validation fails (by --fail-on), 0 otherwise.

  infer-schema --data <path|glob> [--data ...] [--format ...] [--out <schema.yaml|.json>]
           [--sample-rows <n>] [--enum-limit <n>] [--delimiter <c>] [--workspace <dir>]
      Writes a schema from sample data, the first --sample-rows rows of every file (to standard
      output without --out): types, formats and missing values; unique and enum only with enough
      support; observed ranges as ml.stats warnings, not constraints.

  merge-profiles --out <merged.json> [--workspace <dir>] <profile.json|glob> ...
      Merges the data profiles of shards (e.g. a job matrix) into the profile of the whole.

  Every file read or written must lie inside the workspace: the current folder, or the
  folder --workspace names (GITHUB_WORKSPACE inside a workflow step). Symbolic links count
  by where they lead.

  registry --repo <owner/name> [--model <name>]
      Lists every model, the version in each environment, when and by whom it was promoted
      (read from GitHub's deployments; the token comes from GITHUB_TOKEN or GH_TOKEN).
`;

class UsageError extends Error {}

/** validate-data's action.yml, whose declared defaults the validate command starts from. */
const VALIDATE_DATA_METADATA = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'actions',
  'validate-data',
  'action.yml',
);

async function validate(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string', multiple: true },
      schema: { type: 'string' },
      format: { type: 'string' },
      profile: { type: 'string' },
      'fail-on': { type: 'string' },
      'max-errors': { type: 'string' },
      delimiter: { type: 'string' },
      'quote-char': { type: 'string' },
      'escape-char': { type: 'string' },
      summary: { type: 'string' },
      verbose: { type: 'boolean' },
      workspace: { type: 'string' },
    },
  });
  const { data, summary, verbose, workspace, ...rest } = values;
  const step = stepIn(workspace);
  if (summary) await confined(step, [summary], 'summary file', 'any');
  const inputs: Record<string, string> = { ...(await actionDefaults(VALIDATE_DATA_METADATA)) };
  for (const [name, value] of Object.entries(rest))
    if (typeof value === 'string') inputs[name] = value;
  if (data) inputs.data = data.join('\n');
  const runner = createCliRunner({ inputs, summaryPath: summary, verbose });
  return runAction(validateData, runner, step);
}

/**
 * The folder whose files the command may read and write: as on a runner, every path must lead
 * inside it (files/confine.ts). The current folder, unless `--workspace` (or GITHUB_WORKSPACE,
 * inside a workflow step) names another.
 */
function stepIn(folder: string | undefined): StepEnvironment {
  return stepEnvironment(
    folder === undefined ? process.env : { ...process.env, GITHUB_WORKSPACE: resolve(folder) },
  );
}

async function confined(
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

async function dataFiles(
  step: StepEnvironment,
  patterns: string[] | undefined,
  format: string | undefined,
): Promise<{ path: string; format: DataFormat }[]> {
  if (!patterns?.length)
    throw new UsageError('--data is required: give a data file or glob pattern.');
  const paths = await expandFrom(patterns, 'data file');
  await confined(step, paths, 'data file');
  const named = format && format !== 'auto' ? dataFormat(format) : undefined;
  return paths.map((path) => ({
    path,
    format: named ?? detectFormat(path, 'data file', 'Give --format csv, tsv, jsonl or parquet.'),
  }));
}

function count(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(
      `${name} takes a whole number of 1 or more; got ${JSON.stringify(value)}.`,
    );
  return Number(value);
}

async function output(
  step: StepEnvironment,
  path: string | undefined,
  text: string,
): Promise<void> {
  if (!path) {
    process.stdout.write(text);
    return;
  }
  await confined(step, [path], 'output file', 'any');
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  process.stderr.write(`Wrote ${path}\n`);
}

async function infer(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string', multiple: true },
      format: { type: 'string' },
      out: { type: 'string' },
      'sample-rows': { type: 'string' },
      'enum-limit': { type: 'string' },
      delimiter: { type: 'string' },
      workspace: { type: 'string' },
    },
  });
  const step = stepIn(values.workspace);
  const files = await dataFiles(step, values.data, values.format);
  const schema = await inferSchema(files, {
    sampleRows: count(values['sample-rows'], '--sample-rows', 10_000),
    enumLimit: count(values['enum-limit'], '--enum-limit', 10),
    dialect: { delimiter: values.delimiter },
  });
  const json = values.out !== undefined && /\.json$/i.test(values.out);
  const text = json
    ? `${JSON.stringify(schema, null, 2)}\n`
    : (await import('js-yaml')).dump(schema, { lineWidth: 120, noRefs: true });
  await output(step, values.out, text);
  return 0;
}

async function merge(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string' }, workspace: { type: 'string' } },
  });
  const step = stepIn(values.workspace);
  if (!values.out) throw new UsageError('--out is required: where to write the merged profile.');
  if (positionals.length === 0) throw new UsageError('Give the profile files to merge.');
  const paths = await expandFrom(positionals, 'profile file');
  await confined(step, paths, 'profile file');
  const merged = mergeProfiles(await Promise.all(paths.map(readProfile)));
  await output(step, values.out, `${JSON.stringify(merged)}\n`);
  process.stderr.write(
    `Merged ${paths.length} profile(s): ${merged.rows} rows, ${merged.columns.length} columns.\n`,
  );
  return 0;
}

async function registry(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { repo: { type: 'string' }, model: { type: 'string' } },
  });
  const repository = parseRepository(values.repo);
  if (!repository) throw new UsageError('--repo is required, as owner/name.');
  const token = process.env.GITHUB_TOKEN || process.env.GH_TOKEN;
  if (!token)
    throw new UserError(
      'Reading the registry needs a GitHub token with read access to deployments: set GITHUB_TOKEN (or GH_TOKEN), e.g. GITHUB_TOKEN=$(gh auth token).',
    );
  // Octokit's notices (rate-limit waits) go to standard error; the table alone to standard output.
  const log = createCliRunner({ inputs: {}, write: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(
    renderRegistry(
      await readRegistry(await createOctokitPort(token, repository, log), { model: values.model }),
    ),
  );
  return 0;
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  validate,
  'infer-schema': infer,
  'merge-profiles': merge,
  registry,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const handler = COMMANDS[command];
  try {
    if (!handler) throw new UsageError(`Unknown command "${command}".`);
    return await handler(args);
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (isUserError(error)) {
      process.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

// `validate` checks large files in shards on worker threads that run this same bundle.
if (isValidationWorker()) await serveValidationShards();
else {
  offerValidationWorkers(realpathSync(process.argv[1]!));
  process.exitCode = await main(process.argv.slice(2));
}

/** Paths as the CLI's reports show them: as written, or relative to the current folder. */
function expandFrom(entries: readonly string[], what: string): Promise<string[]> {
  return expandPathsAsWritten(entries, process.cwd(), what);
}

function dataFormat(format: string): DataFormat {
  if (format === 'csv' || format === 'tsv' || format === 'jsonl' || format === 'parquet')
    return format;
  throw new UsageError(`--format takes auto, csv, tsv, jsonl or parquet; got "${format}".`);
}
