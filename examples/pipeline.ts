/**
 * The example ML project's CI/CD, run as GitHub would run it, offline: every mlops-actions step
 * is the built bundle run through the test harness, in the order of the example workflows,
 * against loopback stand-ins for the GitHub API and the Actions artifact and cache services.
 *
 *   release run (earlier):  staging job: train the production model → evaluate → promote to staging
 *                           production job: promote the staging job's artifact to production
 *   pull-request run:       validate data → train the candidate → evaluate → compare with production
 *                           (the comparison is posted as the pull request's comment)
 *   re-run of that job:     training restored from the run cache; the comment updated in place
 *
 * Each job gets its own workspace and RUNNER_TEMP, as on real runners.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { commitCheckout } from '../test/harness/checkout.js';
import { REPOSITORY_ROOT, runBundle, type RunOptions, type RunResult } from '../test/harness/run-bundle.js';
import type { StandIns } from '../test/stand-ins/index.js';

export interface StepRecord {
  job: string;
  step: string;
  result: RunResult;
}

export interface PipelineRun {
  root: string;
  steps: StepRecord[];
  /** The pull request's comparison (its first run). */
  comparison: RunResult;
  /** The re-run of the pull-request job. */
  rerun: { train: RunResult; comparison: RunResult };
}

export interface PipelineOptions {
  /** Folder to run in; emptied first. */
  root: string;
  standIns: StandIns;
  /** Called after every step, e.g. to print progress. */
  onStep?: (step: StepRecord) => void;
  /** Candidate config, relative to the workspace (default: the example's config.json). */
  candidateConfig?: string;
  /** Changes the pull request makes to the checkout before the pipeline runs (tests use it). */
  prepare?: (write: (path: string, text: string) => Promise<void>) => Promise<void>;
}

const TRAIN_COMMAND = 'node examples/churn/train.mjs --train data/train.csv --eval data/eval.csv --model-out model/model.json --predictions-out model/predictions.csv';
const GATES = 'examples/churn/gates.yaml';

export async function runExamplePipeline(options: PipelineOptions): Promise<PipelineRun> {
  await rm(options.root, { recursive: true, force: true });
  const { standIns } = options;
  const steps: StepRecord[] = [];
  const step = async (job: string, name: string, action: string, run: Omit<RunOptions, 'standIns' | 'job'>) => {
    const result = await runBundle(action, { ...run, standIns, job });
    const record = { job, step: name, result };
    steps.push(record);
    options.onStep?.(record);
    if (result.exitCode !== 0) throw new PipelineStepError(record);
    return result;
  };

  // The release run that put today's production model in place.
  standIns.newRun();
  const staging = await newJob(options.root, 'release-staging');
  const trainedProduction = await step('release-staging', 'Train the release candidate', 'train-model', { ...staging, inputs: trainInputs('examples/churn/config.production.json') });
  const productionMetrics = await step('release-staging', 'Evaluate it', 'evaluate-model', { ...staging, inputs: evaluateInputs(trainedProduction) });
  await step('release-staging', 'Promote it to staging', 'promote-model', {
    ...staging,
    inputs: { 'model-name': 'churn', environment: 'staging', manifest: trainedProduction.outputs.manifest!, metrics: productionMetrics.outputs.metrics!, gates: GATES },
  });
  const production = await newJob(options.root, 'release-production', { withData: false });
  await step('release-production', 'Promote the same artifact to production', 'promote-model', {
    ...production,
    inputs: { 'model-name': 'churn', environment: 'production', artifact: trainedProduction.outputs['artifact-name']!, version: trainedProduction.outputs.version!, gates: GATES },
  });

  // A pull request that changes the training config.
  standIns.newRun();
  const pr = await newJob(options.root, 'pull-request');
  await options.prepare?.(async (path, text) => {
    await mkdir(dirname(join(pr.workspace, path)), { recursive: true });
    await writeFile(join(pr.workspace, path), text);
  });
  const candidate = trainInputs(options.candidateConfig ?? 'examples/churn/config.json', { cache: 'true' });
  // No baseline file: compare-metrics finds the model in production in the registry.
  const compareInputs = (metrics: RunResult) => ({ 'model-name': 'churn', metrics: metrics.outputs.metrics!, gates: GATES });
  await step('pull-request', 'Validate the data', 'validate-data', { ...pr, inputs: { data: 'data/train.csv\ndata/eval.csv', schema: 'examples/churn/schema.yaml' } });
  const trained = await step('pull-request', 'Train the candidate', 'train-model', { ...pr, inputs: candidate });
  const evaluated = await step('pull-request', 'Evaluate the candidate', 'evaluate-model', { ...pr, inputs: evaluateInputs(trained) });
  const comparison = await step('pull-request', 'Compare with production', 'compare-metrics', { ...pr, inputs: compareInputs(evaluated) });

  // The reviewer re-runs the job: same fingerprint, so training comes from the cache.
  standIns.newRun();
  const rerunJob = await newJob(options.root, 'pull-request-rerun');
  await options.prepare?.(async (path, text) => writeFile(join(rerunJob.workspace, path), text));
  const retrained = await step('pull-request (re-run)', 'Train the candidate', 'train-model', { ...rerunJob, inputs: candidate });
  const reevaluated = await step('pull-request (re-run)', 'Evaluate the candidate', 'evaluate-model', { ...rerunJob, inputs: evaluateInputs(retrained) });
  const recompared = await step('pull-request (re-run)', 'Compare with production', 'compare-metrics', { ...rerunJob, inputs: compareInputs(reevaluated) });
  return { root: options.root, steps, comparison, rerun: { train: retrained, comparison: recompared } };
}

function trainInputs(config: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'model-name': 'churn', config, run: TRAIN_COMMAND, data: 'data/train.csv\ndata/eval.csv', outputs: 'model/model.json\nmodel/predictions.csv', ...extra };
}

function evaluateInputs(trained: RunResult): Record<string, string> {
  return { 'model-name': 'churn', predictions: 'model/predictions.csv', task: 'binary', 'score-columns': 'score', slices: 'contract', manifest: trained.outputs.manifest! };
}

/**
 * A job's workspace: a git checkout of the example project with its data generated, as the
 * workflow's first steps do. The workspace path is the same for every run of a job, as on
 * GitHub's runners, which is what lets the run cache match.
 */
async function newJob(root: string, name: string, options: { withData?: boolean } = {}): Promise<{ workspace: string; runnerTemp: string }> {
  const workspace = join(root, 'workspace');
  const runnerTemp = join(root, name, 'runner-temp');
  await rm(workspace, { recursive: true, force: true });
  await mkdir(runnerTemp, { recursive: true });
  await cp(join(REPOSITORY_ROOT, 'examples', 'churn'), join(workspace, 'examples', 'churn'), { recursive: true });
  commitCheckout(workspace);
  if (options.withData !== false) execFileSync(process.execPath, ['examples/churn/generate-data.mjs', '--out', 'data'], { cwd: workspace, stdio: 'ignore' });
  return { workspace, runnerTemp };
}

export class PipelineStepError extends Error {
  constructor(readonly record: StepRecord) {
    const errors = record.result.annotations.filter((a) => a.command === 'error').map((a) => a.message);
    super(`Step "${record.step}" (${record.job}) failed with exit code ${record.result.exitCode}: ${errors.join(' | ') || record.result.stderr.trim()}`);
  }
}
