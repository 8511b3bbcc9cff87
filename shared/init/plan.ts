/**
 * `init` from answers to files: checks the answers, infers the schema of the data, evaluates a
 * predictions file when one exists (for the starting gate policy), and renders the workflows.
 * Writing is separate (writeInitFiles): idempotent, and never over a different file without force.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { dump } from 'js-yaml';
import { UserError } from '../action/errors.js';
import { detectFormat } from '../data/records.js';
import { requireIdentifier } from '../identifiers.js';
import type { Task } from '../metrics/compute.js';
import { evaluatePredictions } from '../metrics/evaluate-predictions.js';
import { inferSchema } from '../schema/infer.js';
import { renderChecklist, settingsChecklist } from './checklist.js';
import { startingPolicy, type MeasuredPolicy } from './policy.js';
import {
  MONITOR_WORKFLOW_PATH,
  monitorProblem,
  monitorWorkflow,
  postCommentWorkflow,
  pullRequestWorkflow,
  releaseWorkflow,
  reusableProblem,
  reusableWorkflows,
  WORKFLOW_PATHS,
  type InitPlan,
} from './workflows.js';

export const TASKS: readonly Task[] = ['binary', 'multiclass', 'regression'];

export interface InitFile {
  path: string;
  text: string;
}

export interface InitResult {
  plan: InitPlan;
  files: InitFile[];
  /** What init did not do, or chose, that the user should know. */
  notes: string[];
  checklist: string;
}

/** The answers as flags or prompts gave them; `folder` is where schema.yaml and gates.yaml go. */
export type InitAnswers = Omit<InitPlan, 'schema' | 'gates'> & { folder: string };

/**
 * Every value goes into a workflow: one line each, and no `${{`, which GitHub would evaluate
 * (a path or command is data here, never an expression).
 */
function checkValue(flag: string, value: string): void {
  if (value.includes('${{'))
    throw new UserError(
      `${flag} ${JSON.stringify(value)} holds "\${{", which GitHub would evaluate as an expression in the workflow. Give the value without it.`,
    );
  if (/[\r\n]/.test(value))
    throw new UserError(`${flag} must be one line; got ${JSON.stringify(value)}.`);
}

function checkAnswers(answers: InitAnswers): void {
  requireIdentifier('model name', answers.modelName, 'The model name (--model-name)');
  if (!TASKS.includes(answers.task))
    throw new UserError(
      `--task takes binary, multiclass or regression; got ${JSON.stringify(answers.task)}.`,
    );
  if (answers.outputs.length === 0)
    throw new UserError(
      'Give what the training writes with --outputs (the model file first, then the predictions file).',
    );
  const single: [string, string | undefined][] = [
    ['--train-command', answers.trainCommand],
    ['--config', answers.config],
    ['--predictions', answers.predictions],
    ['--label-column', answers.labelColumn],
    ['--prediction-column', answers.predictionColumn],
    ['--python-version', answers.pythonVersion],
    ['--folder', answers.folder],
    ['--serving-data', answers.servingData],
    ['--serving-fetch', answers.servingFetch],
    ['--retrain-workflow', answers.retrainWorkflow],
  ];
  for (const [flag, value] of single) if (value !== undefined) checkValue(flag, value);
  const lists: [string, readonly string[]][] = [
    ['--data', answers.data],
    ['--outputs', answers.outputs],
    ['--score-columns', answers.scoreColumns],
    ['--slices', answers.slices],
  ];
  for (const [flag, values] of lists) for (const value of values) checkValue(flag, value);
}

export async function planInit(root: string, answers: InitAnswers): Promise<InitResult> {
  checkAnswers(answers);
  const notes: string[] = [];
  const { folder, ...rest } = answers;
  const schemaPath = `${folder}/schema.yaml`;
  const gates = `${folder}/gates.yaml`;
  const files: InitFile[] = [];
  const missing = answers.data.filter((path) => !existsSync(join(root, path)));
  if (missing.length)
    throw new UserError(
      `The data file(s) ${missing.join(', ')} do not exist under ${root}. Give files the repository holds with --data.`,
    );
  let schema: string | undefined;
  if (answers.data.length) {
    const inferred = await inferSchema(
      answers.data.map((path) => ({
        path: join(root, path),
        format: detectFormat(path, 'data file', 'Give a CSV, TSV, JSON Lines or Parquet file.'),
      })),
    );
    files.push({
      path: schemaPath,
      text: `# Table Schema inferred by \`mlops-actions init\` from ${answers.data.join(', ')}.\n# Review it: tighten constraints you know, loosen what the sample happened to show.\n${dump(inferred, { lineWidth: 120, noRefs: true })}`,
    });
    schema = schemaPath;
  } else
    notes.push(
      'No data files found or given (--data): the workflows have no validate-data step. Add one when the training reads files the repository (or a pinned download) holds.',
    );
  const measured = await firstEvaluation(root, answers, notes);
  files.push({ path: gates, text: startingPolicy(answers.task, measured) });
  const plan: InitPlan = { ...rest, schema, gates };
  const problem = plan.reusable ? reusableProblem(plan) : undefined;
  if (problem)
    throw new UserError(
      `--reusable cannot be used here: ${problem}. Run init without --reusable to write the workflows out in full.`,
    );
  const texts = plan.reusable
    ? reusableWorkflows(plan)
    : {
        pullRequest: pullRequestWorkflow(plan),
        release: releaseWorkflow(plan),
        postComment: postCommentWorkflow(plan),
      };
  files.push(
    { path: WORKFLOW_PATHS.pullRequest, text: texts.pullRequest },
    { path: WORKFLOW_PATHS.release, text: texts.release },
    { path: WORKFLOW_PATHS.postComment, text: texts.postComment },
  );
  const monitor = monitorFile(root, plan, notes);
  if (monitor) files.push(monitor);
  const checklist = renderChecklist(
    settingsChecklist(gates, {
      monitor: monitor !== undefined,
      retrain: monitor ? plan.retrainWorkflow : undefined,
    }),
    notes,
  );
  return { plan, files, notes, checklist };
}

/** The monitoring workflow when init can write it honestly; otherwise a note says what it needs. */
function monitorFile(root: string, plan: InitPlan, notes: string[]): InitFile | undefined {
  if (!plan.servingData) {
    notes.push(
      `No monitoring workflow: run init again with --serving-data <path or glob> (where the serving system's export lands, e.g. serving/*.csv; with --serving-fetch <command> when a command must download it first) and it writes ${MONITOR_WORKFLOW_PATH}, a daily monitor-model run (docs/monitoring.md).${plan.retrainWorkflow || plan.servingFetch ? ' --serving-fetch and --retrain-workflow do nothing without it.' : ''}`,
    );
    return undefined;
  }
  const problem = monitorProblem(plan);
  if (problem) {
    notes.push(
      `No monitoring workflow, although --serving-data was given: ${problem}. Run init again with --data, or write one by hand with monitor-model's \`reference\` input (docs/monitoring.md).`,
    );
    return undefined;
  }
  if (!plan.servingFetch)
    notes.push(
      `${MONITOR_WORKFLOW_PATH} reads the serving data at ${plan.servingData} from the checkout: the repository must hold it when the workflow runs, or give --serving-fetch <command> to download it first.`,
    );
  const retrain = plan.retrainWorkflow;
  if (retrain && !existsSync(join(root, '.github', 'workflows', retrain)))
    notes.push(
      `The monitor dispatches ${retrain}, which is not in .github/workflows/ yet: write it before the model drifts (examples/workflows/retrain.yml in mlops-actions is one).`,
    );
  return { path: MONITOR_WORKFLOW_PATH, text: monitorWorkflow(plan) };
}

/** The predictions file's metrics, when it exists now (e.g. from a local training run). */
async function firstEvaluation(
  root: string,
  answers: InitAnswers,
  notes: string[],
): Promise<MeasuredPolicy | undefined> {
  const path = join(root, answers.predictions);
  if (!existsSync(path)) {
    notes.push(
      `${answers.predictions} does not exist yet, so the gate policy has safe defaults (no absolute bounds). Train once locally and run init again with --force to start from measured values, or edit the policy.`,
    );
    return undefined;
  }
  const evaluation = await evaluatePredictions(
    path,
    detectFormat(path, 'predictions file', 'Give a CSV, TSV, JSON Lines or Parquet file.'),
    {
      task: answers.task,
      label: answers.labelColumn ?? 'label',
      prediction: answers.predictionColumn ?? 'prediction',
      // evaluate-model's default positive-label; the workflows leave it at that default too.
      positive: answers.task === 'binary' ? '1' : undefined,
    },
    { minSliceSize: 30 },
  );
  const metrics = Object.fromEntries(
    Object.entries(evaluation.metrics).map(([name, metric]) => [name, metric.value]),
  );
  notes.push(
    `The gate policy's bounds start a little below the values measured on ${answers.predictions} (${evaluation.rows} rows).`,
  );
  return { source: answers.predictions, metrics };
}

export type WriteOutcome =
  'created' | 'unchanged' | 'overwritten' | 'would create' | 'would overwrite';

/**
 * Writes the files: an identical file is left alone (so init runs again without --force); a
 * different one is refused, all of them before any is written, unless `force`.
 */
export async function writeInitFiles(
  root: string,
  files: readonly InitFile[],
  options: { force: boolean; dryRun: boolean },
): Promise<{ path: string; outcome: WriteOutcome }[]> {
  const current = await Promise.all(
    files.map(async (file) => {
      const path = join(root, file.path);
      return existsSync(path) ? readFile(path, 'utf8') : undefined;
    }),
  );
  const conflicts = files.filter((file, i) => current[i] !== undefined && current[i] !== file.text);
  if (conflicts.length && !options.force && !options.dryRun)
    throw new UserError(
      `init would overwrite ${conflicts.map((file) => file.path).join(', ')}, which differ from what it writes now. Run with --dry-run to see the new text, move your changes, or run again with --force to overwrite.`,
    );
  const outcomes: { path: string; outcome: WriteOutcome }[] = [];
  for (const [i, file] of files.entries()) {
    const before = current[i];
    if (before === file.text) {
      outcomes.push({ path: file.path, outcome: 'unchanged' });
      continue;
    }
    if (options.dryRun) {
      outcomes.push({
        path: file.path,
        outcome: before === undefined ? 'would create' : 'would overwrite',
      });
      continue;
    }
    await mkdir(dirname(join(root, file.path)), { recursive: true });
    await writeFile(join(root, file.path), file.text);
    outcomes.push({ path: file.path, outcome: before === undefined ? 'created' : 'overwritten' });
  }
  return outcomes;
}
