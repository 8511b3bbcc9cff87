/**
 * The example ML project's CI/CD, run as GitHub would run it, offline: every mlops-actions step
 * is the built bundle run through the test harness, in the order of the example workflows,
 * against loopback stand-ins for the GitHub API and the Actions artifact and cache services.
 *
 *   release run (earlier):  build job: train the production model → evaluate → check the promotion
 *                           to staging (a dry run that records nothing: its digest is approved)
 *                           staging job: promote that artifact to staging, bound to the digest
 *                           check job: check the promotion to production (a dry run)
 *                           production job: promote the same artifact to production, bound to it
 *   pull-request run:       model job (read-only token): validate data → train the candidate → evaluate,
 *                           handing the metrics report and manifest over as an artifact
 *                           compare job (comment token, no checkout): compare with production under
 *                           the base branch's gate policy, read through the API; the comparison is
 *                           posted as the pull request's comment
 *   re-run of that run:     training restored from the run cache; the comment updated in place
 *   weeks later:            monitor job (schedule): the serving data has shifted; monitor-model
 *                           judges it against the profile published with the production model,
 *                           opens the model's issue and dispatches retraining
 *
 * Each job gets its own workspace and RUNNER_TEMP, as on real runners. The repository as GitHub
 * holds it (the base branch's commit, and the pull request's test merge commit) is recorded in the
 * API stand-in, which is where compare-metrics reads the gate policy that judges the pull request.
 */
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { commitCheckout } from '../harness/runner/checkout.js';
import { pullRequestEvent } from '../harness/runner/events.js';
import {
  REPOSITORY_ROOT,
  runBundle,
  type RunOptions,
  type RunResult,
} from '../harness/runner/run-bundle.js';
import type { StandIns } from '../harness/stand-ins/index.js';
import { runExampleScript, serveCustomers, TRAIN_ARGS, trainChurn } from './serving.js';

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
  /** The re-run of the pull-request workflow. */
  rerun: { train: RunResult; comparison: RunResult };
  /** monitor-model's scheduled run, weeks after the release. */
  monitor: RunResult;
  /** publish-registry's nightly run: the fleet view, after the monitor's. */
  registry: RunResult;
  /** The commits of the pull request: its base, and the test merge commit GitHub made for it. */
  commits: { base: string; merge: string };
}

export interface PipelineOptions {
  /** Folder to run in; emptied first. */
  root: string;
  standIns: StandIns;
  /** Called after every step, e.g. to print progress. */
  onStep?: (step: StepRecord) => void;
  /** Candidate config, relative to the workspace (default: the example's config.json). */
  candidateConfig?: string;
  /** Changes the pull request makes to the checkout before the pipeline runs (tests and the demo use it). */
  prepare?: (write: (path: string, text: string) => Promise<void>) => Promise<void>;
  /**
   * Runs one step (default: the built bundle, as the runner does). A test may run the actions'
   * sources in process instead, to check what they write without a build.
   */
  runStep?: (action: string, options: RunOptions) => Promise<RunResult>;
  /**
   * The pull request's comparisons may fail their gates (exit 1 with verdict `fail`): the run
   * records them and goes on, as a reviewer would see a failed check. The demo's biased
   * candidate does; any other failure still stops the run.
   */
  gatesMayFail?: boolean;
}

/** The commit the pull request is based on, as its event payload names it. */
const BASE_SHA = (pullRequestEvent() as { pull_request: { base: { sha: string } } }).pull_request
  .base.sha;
/** The test merge commit of the pull request: the harness's GITHUB_SHA on a pull_request event. */
const MERGE_SHA = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';

/**
 * The customers file (generate-data.mjs --customers: customer_id, age_band) carries who each
 * customer is into the predictions, for evaluate-model's sensitive-features; no model reads it.
 */
const CUSTOMERS = 'data/customers.csv';
const TRAIN_COMMAND = `node ${TRAIN_ARGS.join(' ')} --customers ${CUSTOMERS}`;
const GATES = 'examples/churn/gates.yaml';

export async function runExamplePipeline(options: PipelineOptions): Promise<PipelineRun> {
  await rm(options.root, { recursive: true, force: true });
  const { standIns } = options;
  const steps: StepRecord[] = [];
  const step = async (
    job: string,
    name: string,
    action: string,
    run: Omit<RunOptions, 'standIns' | 'job'>,
  ) => {
    const result = await (options.runStep ?? runBundle)(action, { ...run, standIns, job });
    const record = { job, step: name, result };
    steps.push(record);
    options.onStep?.(record);
    const gateFailed =
      options.gatesMayFail && action === 'compare-metrics' && result.outputs.verdict === 'fail';
    if (result.exitCode !== 0 && !gateFailed) throw new PipelineStepError(record);
    return result;
  };

  // The release run that put today's production model in place.
  standIns.newRun();
  const build = await newJob(options.root, 'release-build');
  // As release.yml: the data validated, and its profile handed to the promotions, which publish
  // it with the model as the reference monitor-model measures drift against.
  const validated = await step('release-build', 'Validate and profile the data', 'validate-data', {
    ...build,
    inputs: { data: 'data/train.csv\ndata/eval.csv', schema: 'examples/churn/schema.yaml' },
  });
  const trainedProduction = await step(
    'release-build',
    'Train the release candidate',
    'train-model',
    { ...build, inputs: trainInputs('examples/churn/config.production.json') },
  );
  await step('release-build', 'Evaluate it', 'evaluate-model', {
    ...build,
    inputs: evaluateInputs(trainedProduction),
  });
  // Each gated job is preceded by a check (a dry run, recording nothing) whose digest it must match.
  const release = {
    'model-name': 'churn',
    artifact: trainedProduction.outputs['artifact-name']!,
    version: trainedProduction.outputs.version!,
    gates: GATES,
  };
  const checkStaging = await step(
    'release-build',
    'Check the promotion to staging',
    'promote-model',
    {
      ...build,
      // The check before the approval writes nothing: a token that cannot write proves it.
      token: 'read-only',
      inputs: { ...release, environment: 'staging', 'dry-run': 'true' },
    },
  );
  const staging = await newJob(options.root, 'release-staging', { withData: false });
  await step('release-staging', 'Promote it to staging', 'promote-model', {
    ...staging,
    inputs: {
      ...release,
      profile: await carry(validated.outputs.profile!, staging.workspace),
      environment: 'staging',
      'approved-digest': checkStaging.outputs['comparison-digest']!,
    },
  });
  const check = await newJob(options.root, 'release-check-production', { withData: false });
  const checkProduction = await step(
    'release-check-production',
    'Check the promotion to production',
    'promote-model',
    {
      ...check,
      token: 'read-only',
      inputs: { ...release, environment: 'production', 'dry-run': 'true' },
    },
  );
  const production = await newJob(options.root, 'release-production', { withData: false });
  await step('release-production', 'Promote the same artifact to production', 'promote-model', {
    ...production,
    inputs: {
      ...release,
      profile: await carry(validated.outputs.profile!, production.workspace),
      environment: 'production',
      'approved-digest': checkProduction.outputs['comparison-digest']!,
    },
  });

  // The repository on GitHub: the base branch holds the example project as it is here.
  const project = await projectFiles();
  standIns.github.commitFiles(BASE_SHA, project);

  // A pull request that changes the training config (and whatever `prepare` changes).
  standIns.newRun();
  const changed: Record<string, string> = {};
  const prepareCheckout = async (workspace: string) =>
    options.prepare?.(async (path, text) => {
      changed[path] = text;
      await mkdir(dirname(join(workspace, path)), { recursive: true });
      await writeFile(join(workspace, path), text);
    });
  const pr = await newJob(options.root, 'pull-request');
  await prepareCheckout(pr.workspace);
  standIns.github.commitFiles(MERGE_SHA, { ...project, ...changed });
  const candidate = trainInputs(options.candidateConfig ?? 'examples/churn/config.json', {
    cache: 'true',
  });
  // The model job runs the pull request's code: a read-only token, and nothing it writes is trusted later.
  const model = { ...pr, token: 'read-only' as const };
  await step('pull-request', 'Validate the data', 'validate-data', {
    ...model,
    inputs: { data: 'data/train.csv\ndata/eval.csv', schema: 'examples/churn/schema.yaml' },
  });
  const trained = await step('pull-request', 'Train the candidate', 'train-model', {
    ...model,
    inputs: candidate,
  });
  const evaluated = await step('pull-request', 'Evaluate the candidate', 'evaluate-model', {
    ...model,
    inputs: evaluateInputs(trained),
  });
  // The compare job: no checkout, only the model job's artifact. No baseline file: compare-metrics
  // finds the model in production in the registry; the gate policy is the base branch's.
  const compareJob = await handOver(options.root, 'compare', evaluated, trained);
  const comparison = await step('compare', 'Compare with production', 'compare-metrics', {
    ...compareJob,
    inputs: compareInputs(),
  });

  // The reviewer re-runs the workflow: same fingerprint, so training comes from the cache.
  standIns.newRun();
  const rerunJob = await newJob(options.root, 'pull-request-rerun');
  await prepareCheckout(rerunJob.workspace);
  const rerunModel = { ...rerunJob, token: 'read-only' as const };
  const retrained = await step('pull-request (re-run)', 'Train the candidate', 'train-model', {
    ...rerunModel,
    inputs: candidate,
  });
  const reevaluated = await step(
    'pull-request (re-run)',
    'Evaluate the candidate',
    'evaluate-model',
    { ...rerunModel, inputs: evaluateInputs(retrained) },
  );
  const recompareJob = await handOver(options.root, 'compare-rerun', reevaluated, retrained);
  const recompared = await step(
    'pull-request (re-run)',
    'Compare with production',
    'compare-metrics',
    { ...recompareJob, inputs: compareInputs() },
  );

  // Weeks later, monitor.yml's daily run: customers' charges have crept up and more of them are
  // new, on monthly contracts. The serving system's export (here: scored by the production model,
  // trained again from its release, byte for byte) is judged against the profile published with it.
  standIns.newRun();
  standIns.github.seedWorkflow({
    path: '.github/workflows/retrain.yml',
    dispatchInputs: ['model-name', 'environment', 'reason'],
  });
  const watch = await newJob(options.root, 'monitor');
  trainChurn(watch.workspace, 'examples/churn/config.production.json');
  serveCustomers(watch.workspace, { name: 'predictions', rows: 3000, shift: 0.6 });
  const monitor = await step('monitor (weeks later)', 'Monitor production', 'monitor-model', {
    ...watch,
    event: { name: 'schedule', payload: { schedule: '17 6 * * *' } },
    inputs: {
      'model-name': 'churn',
      data: 'serving/predictions.csv',
      'reference-predictions': 'model/predictions.csv',
      policy: GATES,
      task: 'binary',
      'score-columns': 'score',
      retrain: 'retrain.yml',
    },
  });
  // The nightly registry page (registry-pages.yml): the fleet view of the repository, with the
  // model the release put in production, its lineage, its owner and the monitor's status.
  standIns.newRun();
  // The checkout's CODEOWNERS names @octo-org/ml-platform: on this GitHub, the team exists.
  if (!standIns.github.hasAccount('octo-org')) {
    standIns.github.addOrganization('octo-org', { members: ['octocat'] });
    standIns.github.addTeam('octo-org', 'ml-platform', { members: ['octocat'] });
  }
  const pages = await newJob(options.root, 'registry');
  const registry = await step('registry (nightly)', 'Build the fleet view', 'publish-registry', {
    ...pages,
    event: { name: 'schedule', payload: { schedule: '43 4 * * *' } },
    inputs: {},
  });
  return {
    root: options.root,
    steps,
    comparison,
    rerun: { train: retrained, comparison: recompared },
    monitor,
    registry,
    commits: { base: BASE_SHA, merge: MERGE_SHA },
  };
}

/** A file one job hands to another (upload-artifact, then download-artifact): its path in `workspace`. */
async function carry(file: string, workspace: string): Promise<string> {
  const path = join('handover', basename(file));
  await mkdir(join(workspace, 'handover'), { recursive: true });
  await cp(file, join(workspace, path));
  return path;
}

/** The compare job's inputs: the handed-over files, and the gate policy's path in the repository. */
function compareInputs(): Record<string, string> {
  return {
    'model-name': 'churn',
    metrics: 'candidate/metrics.json',
    manifest: 'candidate/model-manifest.json',
    gates: GATES,
  };
}

function trainInputs(config: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'model-name': 'churn',
    config,
    run: TRAIN_COMMAND,
    data: `data/train.csv\ndata/eval.csv\n${CUSTOMERS}`,
    outputs: 'model/model.json\nmodel/predictions.csv',
    ...extra,
  };
}

function evaluateInputs(trained: RunResult): Record<string, string> {
  return {
    'model-name': 'churn',
    predictions: 'model/predictions.csv',
    task: 'binary',
    'score-columns': 'score',
    slices: 'contract',
    'sensitive-features': 'age_band',
    manifest: trained.outputs.manifest!,
  };
}

/** The example repository's CODEOWNERS: the ML platform team owns everything. */
const CODEOWNERS =
  '# Owners of the example repository (see GitHub\'s "About code owners").\n* @octo-org/ml-platform\n';

/**
 * A job's workspace: a git checkout of the example project with its data generated, as the
 * workflow's first steps do. The workspace path is the same for every run of a job, as on
 * GitHub's runners, which is what lets the run cache match.
 */
async function newJob(
  root: string,
  name: string,
  options: { withData?: boolean } = {},
): Promise<{ workspace: string; runnerTemp: string }> {
  const workspace = join(root, 'workspace');
  const runnerTemp = join(root, name, 'runner-temp');
  await rm(workspace, { recursive: true, force: true });
  await mkdir(runnerTemp, { recursive: true });
  await cp(join(REPOSITORY_ROOT, 'examples', 'churn'), join(workspace, 'examples', 'churn'), {
    recursive: true,
  });
  // The repository's CODEOWNERS: train-model records its owner of the training code as the
  // model's owner, and promote-model carries it into the deployment for the fleet view.
  await mkdir(join(workspace, '.github'), { recursive: true });
  await writeFile(join(workspace, '.github', 'CODEOWNERS'), CODEOWNERS);
  commitCheckout(workspace);
  if (options.withData !== false)
    runExampleScript(workspace, [
      'examples/churn/generate-data.mjs',
      '--out',
      'data',
      '--customers',
    ]);
  return { workspace, runnerTemp };
}

/**
 * The compare job of a pull-request run: an empty workspace (it never checks out the pull
 * request's code) holding what the model job handed over, as actions/upload-artifact and
 * download-artifact would: the metrics report and the lineage manifest.
 */
async function handOver(
  root: string,
  name: string,
  evaluated: RunResult,
  trained: RunResult,
): Promise<{ workspace: string; runnerTemp: string }> {
  const workspace = join(root, name, 'workspace');
  const runnerTemp = join(root, name, 'runner-temp');
  await rm(join(root, name), { recursive: true, force: true });
  await mkdir(join(workspace, 'candidate'), { recursive: true });
  await mkdir(runnerTemp, { recursive: true });
  await cp(evaluated.outputs.metrics!, join(workspace, 'candidate', 'metrics.json'));
  await cp(trained.outputs.manifest!, join(workspace, 'candidate', 'model-manifest.json'));
  return { workspace, runnerTemp };
}

/** The example project's files by their path in the repository, as the base branch holds them. */
async function projectFiles(): Promise<Record<string, string>> {
  const folder = join(REPOSITORY_ROOT, 'examples', 'churn');
  const files: Record<string, string> = {};
  for (const name of await readdir(folder))
    files[`examples/churn/${basename(name)}`] = await readFile(join(folder, name), 'utf8');
  return files;
}

export class PipelineStepError extends Error {
  constructor(readonly record: StepRecord) {
    const errors = record.result.annotations
      .filter((a) => a.command === 'error')
      .map((a) => a.message);
    super(
      `Step "${record.step}" (${record.job}) failed with exit code ${record.result.exitCode}: ${errors.join(' | ') || record.result.stderr.trim()}`,
    );
  }
}
