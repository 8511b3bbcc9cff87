/**
 * The example ML project's CI/CD, run as GitHub would run it, offline: every mlops-actions step
 * is the built bundle run through the test harness, in the order of the example workflows.
 *
 *   release job (earlier):  train the production model → evaluate → promote to production
 *   pull-request job:       validate data → train the candidate → evaluate → compare with production
 *   release job (after merge): promote the candidate to staging
 *
 * Each job gets its own workspace and RUNNER_TEMP, as on real runners; the production metrics
 * reach the pull-request job as a file, the way the workflow downloads them.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { REPOSITORY_ROOT, runBundle, type RunOptions, type RunResult } from '../test/harness/run-bundle.js';

export interface StepRecord {
  job: string;
  step: string;
  result: RunResult;
}

export interface PipelineRun {
  root: string;
  steps: StepRecord[];
  /** The pull request's comparison: report, comment body and verdict. */
  comparison: RunResult;
}

export interface PipelineOptions {
  /** Folder to run in; emptied first. */
  root: string;
  /** Called after every step, e.g. to print progress. */
  onStep?: (step: StepRecord) => void;
  /** Candidate config, relative to the workspace (default: the example's config.json). */
  candidateConfig?: string;
  /** Changes the pull request makes to the checkout before the pipeline runs (tests use it). */
  prepare?: (write: (path: string, text: string) => Promise<void>) => Promise<void>;
}

const TRAIN_COMMAND = 'node examples/churn/train.mjs --train data/train.csv --eval data/eval.csv --model-out model/model.json --predictions-out model/predictions.csv';

export async function runExamplePipeline(options: PipelineOptions): Promise<PipelineRun> {
  await rm(options.root, { recursive: true, force: true });
  const steps: StepRecord[] = [];
  const step = async (job: string, name: string, action: string, run: RunOptions) => {
    const result = await runBundle(action, run);
    const record = { job, step: name, result };
    steps.push(record);
    options.onStep?.(record);
    if (result.exitCode !== 0) throw new PipelineStepError(record);
    return result;
  };

  // The release that put the current production model in place.
  const release = await newJob(options.root, 'release-production');
  const trainedProduction = await step('release-production', 'Train the production model', 'train-model', { ...release, inputs: trainInputs('examples/churn/config.production.json') });
  const productionMetrics = await step('release-production', 'Evaluate it', 'evaluate-model', {
    ...release,
    inputs: { 'model-name': 'churn', predictions: 'model/predictions.csv', task: 'binary', manifest: trainedProduction.outputs.manifest! },
  });
  await step('release-production', 'Promote it to production', 'promote-model', {
    ...release,
    inputs: { 'model-name': 'churn', environment: 'production', manifest: trainedProduction.outputs.manifest!, metrics: productionMetrics.outputs.metrics!, gates: 'examples/churn/gates.yaml' },
  });

  // A pull request that changes the training config.
  const pr = await newJob(options.root, 'pull-request');
  await options.prepare?.(async (path, text) => {
    await mkdir(dirname(join(pr.workspace, path)), { recursive: true });
    await writeFile(join(pr.workspace, path), text);
  });
  await cp(productionMetrics.outputs.metrics!, join(pr.workspace, 'baseline', 'metrics.json'));
  await step('pull-request', 'Validate the data', 'validate-data', { ...pr, inputs: { data: 'data/train.csv\ndata/eval.csv', schema: 'examples/churn/schema.yaml' } });
  const trained = await step('pull-request', 'Train the candidate', 'train-model', { ...pr, inputs: trainInputs(options.candidateConfig ?? 'examples/churn/config.json') });
  const evaluated = await step('pull-request', 'Evaluate the candidate', 'evaluate-model', {
    ...pr,
    inputs: { 'model-name': 'churn', predictions: 'model/predictions.csv', task: 'binary', manifest: trained.outputs.manifest! },
  });
  const comparison = await step('pull-request', 'Compare with production', 'compare-metrics', {
    ...pr,
    inputs: { 'model-name': 'churn', metrics: evaluated.outputs.metrics!, baseline: 'baseline/metrics.json', gates: 'examples/churn/gates.yaml' },
  });

  // After merge, the release pipeline promotes the candidate to staging (approved in GitHub's UI).
  await step('release-staging', 'Promote the candidate to staging', 'promote-model', {
    ...pr,
    inputs: { 'model-name': 'churn', environment: 'staging', manifest: trained.outputs.manifest!, metrics: evaluated.outputs.metrics!, gates: 'examples/churn/gates.yaml' },
  });
  return { root: options.root, steps, comparison };
}

function trainInputs(config: string): Record<string, string> {
  return { 'model-name': 'churn', config, run: TRAIN_COMMAND, data: 'data/train.csv\ndata/eval.csv', outputs: 'model/model.json\nmodel/predictions.csv' };
}

/** A job's workspace: a checkout of the example project with its data generated, as the workflow's first steps do. */
async function newJob(root: string, name: string): Promise<{ workspace: string; runnerTemp: string }> {
  const workspace = join(root, name, 'workspace');
  const runnerTemp = join(root, name, 'runner-temp');
  await mkdir(runnerTemp, { recursive: true });
  await cp(join(REPOSITORY_ROOT, 'examples', 'churn'), join(workspace, 'examples', 'churn'), { recursive: true });
  execFileSync(process.execPath, ['examples/churn/generate-data.mjs', '--out', 'data'], { cwd: workspace, stdio: 'ignore' });
  return { workspace, runnerTemp };
}

export class PipelineStepError extends Error {
  constructor(readonly record: StepRecord) {
    const errors = record.result.annotations.filter((a) => a.command === 'error').map((a) => a.message);
    super(`Step "${record.step}" (${record.job}) failed with exit code ${record.result.exitCode}: ${errors.join(' | ') || record.result.stderr.trim()}`);
  }
}
