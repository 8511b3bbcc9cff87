/**
 * `mlops-actions init`: sets the suite up in an existing repository. Finds what it can (data
 * files, the training entry point, its config and pins), asks for the rest on a terminal or takes
 * it from flags (in CI it never asks: it names the flags it is missing), and writes the schema,
 * a starting gate policy and the workflows, then prints the GitHub settings to make. Wiring only:
 * the domain is shared/init/.
 */
import { createInterface } from 'node:readline/promises';
import { basename, resolve } from 'node:path';
import { discover, parentName, type Discovery } from '../../shared/init/discover.js';
import { planInit, TASKS, writeInitFiles, type InitAnswers } from '../../shared/init/plan.js';
import type { Task } from '../../shared/metrics/compute.js';
import { UserError } from '../../shared/action/errors.js';
import { parseFlags, UsageError, type Command } from './usage.js';

const INIT_USAGE = `Usage: mlops-actions init [options]

Sets mlops-actions up in the repository at --dir (default: the current folder): infers the data's
schema, writes a starting gate policy and the workflows (pull-request check, release through
staging and production, comments for forks, and with --serving-data the daily monitor), and
prints the GitHub settings to make.
On a terminal it asks for what it cannot find; elsewhere (CI set, or no terminal) it needs flags.

  --model-name <name>        the model's name (default: the training script's folder)
  --train-command <command>  how to train, run from the repository root (default: python train.py,
                             node train.mjs or npm run train, whichever is found)
  --outputs <path>           what training writes, once per file; the model first (required)
  --predictions <path>       the predictions file training writes (default: the output named
                             *predictions*); if it exists now, the gates start from its metrics
  --task <task>              binary, multiclass or regression (required)
  --config <path>            the training config (default: config.json or params.yaml beside the script)
  --data <path>              training data, once per file (default: every CSV, TSV, JSON Lines
                             and Parquet file outside node_modules, .git and virtual environments)
  --eval-data <path>         evaluation data, once per file
  --label-column <name>      the predictions' label column (default: label)
  --prediction-column <name> the predictions' prediction column (default: prediction)
  --score-columns <line>     evaluate-model's score-columns, once per line (class=column)
  --slices <column>          a column to slice the metrics by, once per column
  --python-version <v>       for actions/setup-python (default: .python-version, else 3.12)
  --folder <path>            where schema.yaml and gates.yaml go (default: mlops)
  --serving-data <path>      where the serving system's export lands (a path or glob, e.g.
                             serving/*.csv): init then writes the monitoring workflow too, a
                             daily monitor-model run (needs data files to profile; default: none)
  --serving-fetch <command>  a shell command the monitoring workflow runs first, to download it
  --retrain-workflow <file>  a workflow the monitor dispatches to retrain (e.g. retrain.yml;
                             it needs on: workflow_dispatch with model-name, environment, reason)
  --reusable                 call the suite's reusable workflows (about ten lines each) instead
                             of writing every step out (needs a --config)
  --dry-run                  print the files it would write, write nothing
  --force                    overwrite files that differ from what init writes
  --yes                      take what was found without asking
  --dir <path>               the repository (default: the current folder)
  -h, --help                 this help

Writes nothing over a file that differs without --force; a file that is already as init would
write it is left alone, so init can run again. Exit status 2 when a flag it needs is missing.
`;

export const initCommand: Command = {
  name: 'init',
  summary: 'sets mlops-actions up in an existing repository: schema, gates, workflows, settings',
  help: INIT_USAGE,
  run: init,
};

type Ask = (question: string, found: string | undefined) => Promise<string | undefined>;

/** Asks on a terminal; elsewhere returns what was found, so that missing values can be named. */
function asker(interactive: boolean): { ask: Ask; close: () => void } {
  if (!interactive) return { ask: async (_q, found) => found, close: () => {} };
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // Lines read as an iterator are kept until asked for: answers typed (or pasted) ahead of their
  // question are not lost, as they would be with rl.question.
  const lines = rl[Symbol.asyncIterator]();
  return {
    ask: async (question, found) => {
      process.stderr.write(`${question}${found ? ` [${found}]` : ''}: `);
      const line = await lines.next();
      if (line.done)
        throw new UserError(
          `init stopped: the input ended before "${question}" was answered. Answer every question, or give the answers as flags (mlops-actions init -h).`,
        );
      return (line.value as string).trim() || found;
    },
    close: () => rl.close(),
  };
}

const list = (text: string | undefined) =>
  (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

async function init(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    dir: { type: 'string' },
    'model-name': { type: 'string' },
    'train-command': { type: 'string' },
    outputs: { type: 'string', multiple: true },
    predictions: { type: 'string' },
    task: { type: 'string' },
    config: { type: 'string' },
    data: { type: 'string', multiple: true },
    'eval-data': { type: 'string', multiple: true },
    'label-column': { type: 'string' },
    'prediction-column': { type: 'string' },
    'score-columns': { type: 'string', multiple: true },
    slices: { type: 'string', multiple: true },
    'python-version': { type: 'string' },
    folder: { type: 'string' },
    'serving-data': { type: 'string' },
    'serving-fetch': { type: 'string' },
    'retrain-workflow': { type: 'string' },
    'dry-run': { type: 'boolean' },
    reusable: { type: 'boolean' },
    force: { type: 'boolean' },
    yes: { type: 'boolean' },
  });
  const root = resolve(values.dir ?? '.');
  const found = await discover(root);
  const interactive =
    !values.yes && Boolean(process.stdin.isTTY && process.stdout.isTTY) && !process.env.CI;
  const { ask, close } = asker(interactive);
  let answers: InitAnswers;
  try {
    answers = await answer(values, found, root, ask);
  } finally {
    close();
  }
  const result = await planInit(root, answers);
  const dryRun = values['dry-run'] ?? false;
  const outcomes = await writeInitFiles(root, result.files, {
    force: values.force ?? false,
    dryRun,
  });
  for (const { path, outcome } of outcomes) {
    if (dryRun && outcome !== 'unchanged') {
      const file = result.files.find((f) => f.path === path)!;
      process.stdout.write(`--- ${path} (${outcome})\n${file.text}\n`);
    } else process.stdout.write(`${outcome.padEnd(12)} ${path}\n`);
  }
  process.stdout.write(`\n${result.checklist}`);
  return 0;
}

type Values = Record<string, string | string[] | boolean | undefined>;

/** Flags first, then (on a terminal) a question with what was found, else what was found. */
async function answer(
  values: Values,
  found: Discovery,
  root: string,
  ask: Ask,
): Promise<InitAnswers> {
  const flag = (name: string) => values[name] as string | undefined;
  const flags = (name: string) => values[name] as string[] | undefined;
  const one = async (name: string, question: string, fallback?: string) =>
    flag(name) ?? (await ask(question, fallback));
  const many = async (name: string, question: string, fallback: readonly string[]) =>
    flags(name) ??
    list(await ask(`${question} (comma-separated)`, fallback.join(', ') || undefined));

  const trainCommand = await one('train-command', 'Training command', found.training?.command);
  const outputs = await many('outputs', 'Files the training writes, the model first', []);
  const predictions = await one(
    'predictions',
    'Predictions file the training writes',
    outputs.find((path) => /predictions?/i.test(path)),
  );
  const task = await one('task', `Task (${TASKS.join(', ')})`);
  const missing = [
    ...(trainCommand ? [] : ['--train-command']),
    ...(outputs.length ? [] : ['--outputs']),
    ...(predictions ? [] : ['--predictions']),
    ...(task ? [] : ['--task']),
  ];
  if (missing.length)
    throw new UsageError(
      `init needs ${missing.join(', ')}: it could not find them in ${root}${process.stdin.isTTY ? '' : ' and cannot ask without a terminal'}. Give them as flags (mlops-actions init -h lists them).`,
    );
  const defaultName = (found.training && parentName(found.training.entry)) ?? basename(root);
  const data = [
    ...(flags('data') ?? (await many('data', 'Data files to validate', found.data))),
    ...(flags('eval-data') ?? []),
  ];
  const modelName = (await one('model-name', 'Model name', defaultName))!;
  const config = await one('config', 'Training config', found.config);
  // Nothing to propose: where serving data lands is outside the repository's files.
  const servingData = await one(
    'serving-data',
    'Serving data to monitor, a path or glob (empty: no monitoring workflow)',
  );
  const servingFetch = servingData
    ? await one('serving-fetch', 'Command that downloads it first (empty: none)')
    : flag('serving-fetch');
  return {
    modelName,
    trainCommand: trainCommand!,
    language: languageOf(trainCommand!, found),
    config,
    data,
    outputs,
    predictions: predictions!,
    task: task as Task,
    labelColumn: flag('label-column'),
    predictionColumn: flag('prediction-column'),
    scoreColumns: flags('score-columns') ?? [],
    slices: flags('slices') ?? [],
    requirements: found.requirements,
    nodeLock: found.nodeLock,
    pythonVersion: flag('python-version') ?? found.pythonVersion ?? '3.12',
    folder: flag('folder') ?? 'mlops',
    reusable: values.reusable === true,
    servingData,
    servingFetch,
    retrainWorkflow: flag('retrain-workflow'),
  };
}

function languageOf(command: string, found: Discovery): InitAnswers['language'] {
  if (/^python3?\s/.test(command)) return 'python';
  if (/^(node|npm|npx)\s/.test(command)) return 'node';
  return found.training?.language ?? 'other';
}
