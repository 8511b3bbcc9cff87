/**
 * The workflows `init` writes, from the project's answers: the pull-request check, the release
 * with `staging` and `production`, the poster of comments for pull requests from forks, and
 * (with serving data) the daily monitor of the model in production. They
 * are examples/workflows/ made for one project (same jobs, same token split, same dry-run checks
 * before each approval), so the README's "Security model" holds for them as for the examples.
 */
import { stringify } from 'yaml';
import type { Task } from '../metrics/compute.js';

export interface InitPlan {
  modelName: string;
  /** The training command: a bash script, run by train-model from the repository's root. */
  trainCommand: string;
  language: 'python' | 'node' | 'other';
  config?: string;
  /** Training and evaluation data, validated and fingerprinted. */
  data: string[];
  /** The Table Schema the data is validated against (written by init), when there is data. */
  schema?: string;
  /** What training writes; the first is the model. */
  outputs: string[];
  /** The predictions file training writes, which evaluate-model reads. */
  predictions: string;
  task: Task;
  labelColumn?: string;
  predictionColumn?: string;
  /** evaluate-model's score-columns lines. */
  scoreColumns: string[];
  slices: string[];
  /** The gate policy file, relative to the repository. */
  gates: string;
  requirements?: string;
  nodeLock?: string;
  pythonVersion: string;
  /**
   * Call the suite's reusable workflows (.github/workflows/model-*.yml of mlops-actions) in
   * about ten lines each, instead of writing every step out.
   */
  reusable?: boolean;
  /** Where the serving system's export lands (a path or glob): monitor-model's `data`. */
  servingData?: string;
  /** A shell command that downloads the serving data first (run with bash, from env:). */
  servingFetch?: string;
  /** The workflow monitor-model dispatches to retrain (its `retrain` input). */
  retrainWorkflow?: string;
}

/** Where each workflow goes; post-comment.yml follows the check by its `name:`. */
export const WORKFLOW_PATHS = {
  pullRequest: '.github/workflows/model-check.yml',
  release: '.github/workflows/model-release.yml',
  postComment: '.github/workflows/model-comment.yml',
} as const;

/**
 * The monitoring workflow, written only with --serving-data: not in WORKFLOW_PATHS, which lists
 * the workflows init always writes (and --reusable writes as callers of reusable workflows).
 */
export const MONITOR_WORKFLOW_PATH = '.github/workflows/model-monitor.yml';

const ACTIONS = 'mlops-actions/mlops-actions/actions';

/**
 * Where the release's build job writes the training data profile, and where the promoting jobs
 * download it: promote-model publishes it with the model, as monitor-model's drift reference.
 * Not a hidden folder: upload-artifact leaves hidden files out.
 */
const PROFILE_FOLDER = 'training-profile';
const PROFILE_PATH = `${PROFILE_FOLDER}/data-profile.json`;

/** The name, triggers, permissions and concurrency of the pull-request check, full or calling the reusable one. */
const PULL_REQUEST_TRIGGER = [
  'name: Model check',
  '',
  'on:',
  '  pull_request:',
  '',
  'permissions: {}',
  '',
  'concurrency:',
  '  group: model-check-${{ github.event.pull_request.number }}',
  '  cancel-in-progress: true',
  '',
];

/** The same for the release workflow: a published release, or a version run by hand; one at a time. */
function releaseTrigger(plan: InitPlan): string[] {
  return [
    'name: Release model',
    '',
    'on:',
    '  release:',
    '    types: [published]',
    '  workflow_dispatch:',
    '    inputs:',
    '      version:',
    '        description: Release tag to train and promote, e.g. v1.2.0',
    '        required: true',
    '        type: string',
    '',
    'permissions: {}',
    '',
    'concurrency:',
    `  group: release-model-${plan.modelName}`,
    '  cancel-in-progress: false',
    '',
  ];
}

/** The same for the fork comment poster: after "Model check" completes. */
const POST_COMMENT_TRIGGER = [
  'name: Post model comparison',
  '',
  'on:',
  '  workflow_run:',
  '    workflows: [Model check]',
  '    types: [completed]',
  '',
];

/** A YAML scalar for one line (quoted when YAML needs it). */
function scalar(value: string): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

/** `key: value` for one line, or a literal block for a list of lines, at `indent` spaces. */
function entry(indent: number, key: string, value: string | readonly string[]): string[] {
  const pad = ' '.repeat(indent);
  if (typeof value === 'string') return [`${pad}${key}: ${scalar(value)}`];
  return [`${pad}${key}: |`, ...value.map((line) => `${pad}  ${line}`)];
}

/** The steps that give the runner the project's language and its pinned dependencies. */
function setupSteps(plan: InitPlan): string[] {
  if (plan.language === 'python')
    return [
      '      - name: Set up Python',
      '        uses: actions/setup-python@v5',
      '        with:',
      ...entry(10, 'python-version', plan.pythonVersion),
      ...(plan.requirements
        ? [
            '',
            '      - name: Install the training dependencies',
            `        run: python -m pip install -r ${scalar(plan.requirements)}`,
          ]
        : []),
      '',
    ];
  if (plan.language === 'node')
    return [
      '      - name: Set up Node.js',
      '        uses: actions/setup-node@v5',
      '        with:',
      '          node-version: 24',
      ...(plan.nodeLock
        ? ['', '      - name: Install the training dependencies', '        run: npm ci']
        : []),
      '',
    ];
  return [];
}

/** The release validates data, so its promotions can publish the training data profile. */
function profiled(plan: InitPlan): boolean {
  return Boolean(plan.schema && plan.data.length);
}

function validateStep(plan: InitPlan, id: boolean, profile?: string): string[] {
  if (!profiled(plan)) return [];
  return [
    '      # Fails the job when a file breaks the schema, with file, row and field of every problem.',
    '      - name: Validate the data',
    ...(id ? ['        id: validate'] : []),
    `        uses: ${ACTIONS}/validate-data@v1`,
    '        with:',
    ...entry(10, 'data', plan.data),
    ...entry(10, 'schema', plan.schema!),
    ...(profile ? entry(10, 'profile', profile) : []),
    '',
  ];
}

const profileArtifact = (plan: InitPlan) => `training-profile-${plan.modelName}`;

/** The build job hands the training data profile to the promoting jobs. */
function uploadProfileStep(plan: InitPlan): string[] {
  if (!profiled(plan)) return [];
  return [
    '      - name: Hand the training data profile over to the promoting jobs',
    '        uses: actions/upload-artifact@v4',
    '        with:',
    `          name: ${profileArtifact(plan)}`,
    `          path: ${PROFILE_PATH}`,
    '          if-no-files-found: error',
    '          retention-days: 7',
    '',
  ];
}

function downloadProfileStep(plan: InitPlan): string[] {
  if (!profiled(plan)) return [];
  return [
    '      - name: Take the training data profile',
    '        uses: actions/download-artifact@v4',
    '        with:',
    `          name: ${profileArtifact(plan)}`,
    `          path: ${PROFILE_FOLDER}`,
    '',
  ];
}

function trainStep(plan: InitPlan, cache: boolean): string[] {
  return [
    '      # Runs the training command with the config path in MLOPS_CONFIG and the seed in',
    '      # MLOPS_SEED, and writes a lineage manifest whose fingerprint is the model version.',
    '      - name: Train the model',
    '        id: train',
    `        uses: ${ACTIONS}/train-model@v1`,
    '        with:',
    ...entry(10, 'model-name', plan.modelName),
    ...(plan.config ? entry(10, 'config', plan.config) : []),
    "          seed: '0'",
    ...(cache ? ["          cache: 'true'"] : []),
    ...(plan.data.length ? entry(10, 'data', plan.data) : []),
    ...entry(10, 'run', plan.trainCommand),
    '          # The first file listed is the model.',
    ...entry(10, 'outputs', plan.outputs),
    '',
  ];
}

function evaluateStep(plan: InitPlan): string[] {
  return [
    '      - name: Evaluate the model',
    '        id: evaluate',
    `        uses: ${ACTIONS}/evaluate-model@v1`,
    '        with:',
    ...entry(10, 'model-name', plan.modelName),
    ...entry(10, 'predictions', plan.predictions),
    ...entry(10, 'task', plan.task),
    ...(plan.labelColumn ? entry(10, 'label-column', plan.labelColumn) : []),
    ...(plan.predictionColumn ? entry(10, 'prediction-column', plan.predictionColumn) : []),
    ...(plan.scoreColumns.length ? entry(10, 'score-columns', plan.scoreColumns) : []),
    ...(plan.slices.length ? entry(10, 'slices', plan.slices) : []),
    '          manifest: ${{ steps.train.outputs.manifest }}',
    '',
  ];
}

export function pullRequestWorkflow(plan: InitPlan): string {
  const artifact = `model-check-${plan.modelName}`;
  return [
    `# Pull-request check for the model ${plan.modelName}, written by \`mlops-actions init\`.`,
    '#',
    '# On every pull request it validates the data, trains the model under its pinned config and',
    '# seed, evaluates it, and compares its metrics with the model in production under the gate',
    `# policy ${plan.gates} as the base branch holds it. The verdict is one comment on the pull`,
    '# request (updated in place) and the job summary; a failed gate fails the check "Compare with',
    '# production", which branch protection can require.',
    '#',
    '# Two jobs, because the pull request\'s code is not trusted ("Security model" in the README of',
    '# mlops-actions): `model` runs it with a read-only token and hands its metrics report and',
    '# lineage manifest over as an artifact; `compare` holds the token that may comment and never',
    '# checks out or runs anything from the pull request.',
    ...PULL_REQUEST_TRIGGER,
    'jobs:',
    '  model:',
    '    name: Validate, train, evaluate',
    '    runs-on: ubuntu-24.04',
    '    timeout-minutes: 30',
    '    permissions:',
    '      contents: read   # check out the pull request; nothing else, and no write',
    '    steps:',
    '      - name: Check out the repository',
    '        uses: actions/checkout@v5',
    '        with:',
    '          persist-credentials: false',
    '',
    ...setupSteps(plan),
    ...validateStep(plan, true),
    ...trainStep(plan, true),
    ...evaluateStep(plan),
    '      # What the compare job judges, under fixed names. (Step outputs go through env:.)',
    '      - name: Collect the results',
    '        env:',
    '          METRICS: ${{ steps.evaluate.outputs.metrics }}',
    '          MANIFEST: ${{ steps.train.outputs.manifest }}',
    '        run: |',
    '          mkdir -p handover',
    '          cp "$METRICS" handover/metrics.json',
    '          cp "$MANIFEST" handover/model-manifest.json',
    '',
    '      - name: Hand the results over to the compare job',
    '        uses: actions/upload-artifact@v4',
    '        with:',
    `          name: ${artifact}`,
    '          path: handover/',
    '          if-no-files-found: error',
    '          retention-days: 7',
    '',
    '  compare:',
    '    name: Compare with production',
    '    needs: model',
    '    runs-on: ubuntu-24.04',
    '    timeout-minutes: 10',
    '    permissions:',
    "      contents: read         # read the base branch's gate policy through the API",
    '      deployments: read      # find the model in production, the baseline',
    '      pull-requests: write   # write the one comment',
    '    steps:',
    '      # No actions/checkout: nothing from the pull request runs in this job.',
    "      - name: Take the model job's results",
    '        uses: actions/download-artifact@v4',
    '        with:',
    `          name: ${artifact}`,
    '          path: candidate',
    '',
    '      - name: Compare with production',
    '        id: compare',
    `        uses: ${ACTIONS}/compare-metrics@v1`,
    '        with:',
    ...entry(10, 'model-name', plan.modelName),
    '          metrics: candidate/metrics.json',
    ...entry(10, 'gates', plan.gates),
    '          manifest: candidate/model-manifest.json',
    '',
  ].join('\n');
}

/** A sparse checkout of the gate policy alone, for the jobs that promote. */
function gatesCheckout(plan: InitPlan): string[] {
  return [
    '      - name: Check out the gate policy',
    '        uses: actions/checkout@v5',
    '        with:',
    '          ref: ${{ inputs.version }}',
    '          persist-credentials: false',
    ...entry(10, 'sparse-checkout', plan.gates),
    '          sparse-checkout-cone-mode: false',
    '',
  ];
}

/** promote-model's `profile`: published with the model, monitor-model's drift reference. */
function profileInput(plan: InitPlan): string[] {
  return profiled(plan) ? [`profile: ${PROFILE_PATH}`] : [];
}

function promoteStep(
  plan: InitPlan,
  name: string,
  environment: 'staging' | 'production',
  extra: string[],
): string[] {
  return [
    `      - name: ${name}`,
    ...(extra[0]?.startsWith('id:') ? [`        ${extra.shift()}`] : []),
    `        uses: ${ACTIONS}/promote-model@v1`,
    '        with:',
    ...entry(10, 'model-name', plan.modelName),
    `          environment: ${environment}`,
    ...extra.map((line) => `          ${line}`),
    ...entry(10, 'gates', plan.gates),
    '',
  ];
}

export function releaseWorkflow(plan: InitPlan): string {
  return [
    `# Release of the model ${plan.modelName}, written by \`mlops-actions init\`.`,
    '#',
    '# When a release is published (or when run by hand with a version), it trains the model from',
    '# the released code, evaluates it, and promotes it to staging and then to production. Each',
    '# promoting job names its environment, so GitHub pauses it until a required reviewer approves',
    '# (create the environments `staging` and `production` first: docs/settings.md). Before each',
    '# approval a read-only job checks the promotion (`dry-run: true`, recording nothing) and writes',
    '# the verdict and the comparison digest to its summary; the approved job passes that digest',
    '# and promote-model refuses if the comparison changed since.',
    ...(profiled(plan)
      ? [
          '#',
          '# Each promotion publishes the profile of the validated training data with the model',
          "# (production: in the model's Release), the reference monitor-model measures drift against.",
        ]
      : []),
    ...releaseTrigger(plan),
    'jobs:',
    '  build:',
    '    name: Train, and check for staging',
    '    runs-on: ubuntu-24.04',
    '    timeout-minutes: 30',
    '    permissions:',
    '      contents: read       # check out the release',
    '      deployments: read    # read the model in staging, to judge the candidate against it',
    '    outputs:',
    '      version: ${{ steps.train.outputs.version }}',
    '      artifact: ${{ steps.train.outputs.artifact-name }}',
    '      comparison-digest: ${{ steps.check.outputs.comparison-digest }}',
    '    steps:',
    '      - name: Check out the release',
    '        uses: actions/checkout@v5',
    '        with:',
    '          ref: ${{ inputs.version }}',
    '          persist-credentials: false',
    '',
    ...setupSteps(plan),
    ...validateStep(plan, false, PROFILE_PATH),
    ...uploadProfileStep(plan),
    ...trainStep(plan, false),
    ...evaluateStep(plan),
    '      # The check before the staging approval: records nothing.',
    ...promoteStep(plan, 'Check the promotion to staging', 'staging', [
      'id: check',
      'artifact: ${{ steps.train.outputs.artifact-name }}',
      'dry-run: true',
    ]),
    '  staging:',
    '    name: Promote to staging',
    '    needs: build',
    '    runs-on: ubuntu-24.04',
    '    timeout-minutes: 20',
    '    environment: staging',
    '    permissions:',
    '      contents: read       # check out the gate policy',
    '      deployments: write   # read the model in staging, record the promotion',
    "      actions: read        # read who approved this job (the run's review log)",
    '    outputs:',
    '      version: ${{ steps.promote.outputs.version }}',
    '    steps:',
    ...gatesCheckout(plan),
    ...downloadProfileStep(plan),
    ...promoteStep(plan, 'Promote to staging', 'staging', [
      'id: promote',
      'artifact: ${{ needs.build.outputs.artifact }}',
      'version: ${{ needs.build.outputs.version }}',
      'approved-digest: ${{ needs.build.outputs.comparison-digest }}',
      ...profileInput(plan),
    ]),
    '  check-production:',
    '    name: Check for production',
    '    needs: [build, staging]',
    '    runs-on: ubuntu-24.04',
    '    timeout-minutes: 10',
    '    permissions:',
    '      contents: read       # check out the gate policy',
    '      deployments: read    # read the model in production, to judge the candidate against it',
    '    outputs:',
    '      comparison-digest: ${{ steps.check.outputs.comparison-digest }}',
    '    steps:',
    ...gatesCheckout(plan),
    ...promoteStep(plan, 'Check the promotion to production', 'production', [
      'id: check',
      'artifact: ${{ needs.build.outputs.artifact }}',
      'version: ${{ needs.staging.outputs.version }}',
      'dry-run: true',
    ]),
    '  production:',
    '    name: Promote to production',
    '    needs: [build, staging, check-production]',
    '    runs-on: ubuntu-24.04',
    '    timeout-minutes: 20',
    '    environment: production',
    '    permissions:',
    `      contents: write      # publish the Release ${plan.modelName}@<version> that keeps the model`,
    '      deployments: write   # read the model in production, record the promotion',
    "      actions: read        # read who approved this job (the run's review log)",
    '    steps:',
    ...gatesCheckout(plan),
    ...downloadProfileStep(plan),
    ...promoteStep(plan, 'Promote to production', 'production', [
      'artifact: ${{ needs.build.outputs.artifact }}',
      'version: ${{ needs.staging.outputs.version }}',
      'approved-digest: ${{ needs.check-production.outputs.comparison-digest }}',
      ...profileInput(plan),
    ]),
  ]
    .join('\n')
    .replace(/\n+$/, '\n');
}

export function postCommentWorkflow(plan: InitPlan): string {
  return [
    '# Posts the model comparison on pull requests whose own run could not (from forks, or from',
    '# Dependabot, whose token is read-only), written by `mlops-actions init`. It runs after',
    '# "Model check" completes, never checks out or runs anything from the pull request, and posts',
    '# the handed-over comparison only on the pull request and head commit the run belonged to.',
    '# GitHub runs workflow_run workflows from the default branch only.',
    ...POST_COMMENT_TRIGGER,
    'permissions: {}',
    '',
    'jobs:',
    '  post-comment:',
    '    name: Post the comparison comment',
    "    if: github.event.workflow_run.event == 'pull_request'",
    '    runs-on: ubuntu-24.04',
    '    timeout-minutes: 5',
    '    permissions:',
    '      actions: read          # download the artifact of the triggering run',
    '      pull-requests: write   # read the pull request, and write the one comment',
    '    steps:',
    `      - name: Post the comparison of ${plan.modelName}`,
    `        uses: ${ACTIONS}/compare-metrics@v1`,
    '        with:',
    ...entry(10, 'model-name', plan.modelName),
    '          comment-from-run: ${{ github.event.workflow_run.id }}',
    '',
  ].join('\n');
}

const REUSABLE = 'mlops-actions/mlops-actions/.github/workflows';

/** The `with:` both reusable workflows take from the plan (their inputs of the same names). */
function reusableInputs(plan: InitPlan): string[] {
  const install =
    plan.language === 'python' && plan.requirements
      ? `python -m pip install -r ${plan.requirements}`
      : plan.language === 'node' && plan.nodeLock
        ? 'npm ci'
        : undefined;
  return [
    ...entry(6, 'model-name', plan.modelName),
    ...entry(6, 'config', plan.config!),
    ...entry(6, 'run', plan.trainCommand),
    ...entry(6, 'outputs', plan.outputs),
    ...entry(6, 'predictions', plan.predictions),
    ...entry(6, 'task', plan.task),
    ...(plan.scoreColumns.length ? entry(6, 'score-columns', plan.scoreColumns) : []),
    ...(plan.slices.length ? entry(6, 'slices', plan.slices) : []),
    ...entry(6, 'gates', plan.gates),
    ...(plan.schema && plan.data.length
      ? [...entry(6, 'data', plan.data), ...entry(6, 'schema', plan.schema)]
      : []),
    ...(plan.language === 'python' ? entry(6, 'python-version', plan.pythonVersion) : []),
    ...(plan.language === 'node' ? ["      node-version: '24'"] : []),
    ...(install ? entry(6, 'setup', install) : []),
  ];
}

/**
 * Why the plan cannot use the reusable workflows, or undefined when it can: they need a config
 * and read the predictions' columns by their default names.
 */
export function reusableProblem(plan: InitPlan): string | undefined {
  if (!plan.config) return 'the reusable workflows need a training config (--config)';
  if (plan.labelColumn || plan.predictionColumn)
    return 'the reusable workflows read the columns `label` and `prediction` only';
  return undefined;
}

export function reusableWorkflows(plan: InitPlan): Record<keyof typeof WORKFLOW_PATHS, string> {
  const head = (what: string) => [
    `# ${what} for the model ${plan.modelName}, written by \`mlops-actions init --reusable\`:`,
    '# it calls the reusable workflow of mlops-actions, whose header explains every job and input.',
  ];
  return {
    pullRequest: [
      ...head('Pull-request check'),
      '# The required check is "check / Compare with production".',
      ...PULL_REQUEST_TRIGGER,
      'jobs:',
      '  check:',
      '    permissions: { contents: read, deployments: read, pull-requests: write }',
      `    uses: ${REUSABLE}/model-check.yml@v1`,
      '    with:',
      ...reusableInputs(plan),
      // Spelled out, so the caller shows what unpinned dependencies do (the reusable default too).
      '      strict-pins: warn',
      '',
    ].join('\n'),
    release: [
      ...head('Release through staging and production'),
      ...releaseTrigger(plan),
      'jobs:',
      '  release:',
      '    permissions: { contents: write, deployments: write, actions: read }',
      `    uses: ${REUSABLE}/model-release.yml@v1`,
      '    with:',
      ...reusableInputs(plan),
      '      ref: ${{ inputs.version }}',
      '',
    ].join('\n'),
    postComment: [
      ...head('Comments for pull requests from forks'),
      '# GitHub runs workflow_run workflows from the default branch only.',
      ...POST_COMMENT_TRIGGER,
      'permissions: {}',
      '',
      'jobs:',
      '  comment:',
      '    permissions: { actions: read, pull-requests: write }',
      `    uses: ${REUSABLE}/model-comment.yml@v1`,
      '    with:',
      ...entry(6, 'model-name', plan.modelName),
      '',
    ].join('\n'),
  };
}

/**
 * Why init cannot write an honest monitoring workflow, or undefined when it can: monitor-model
 * measures drift against the training data's profile, which only validated data gives.
 */
export function monitorProblem(plan: InitPlan): string | undefined {
  if (!profiled(plan))
    return 'monitor-model measures drift against the profile of the training data, which validate-data writes from the data files the workflows validate, and there are none (--data)';
  return undefined;
}

/**
 * The daily watch over the model in production (examples/workflows/monitor.yml made for one
 * project). Full: the reference is the profile the release published with the model. With
 * --reusable the suite's reusable release publishes none, so the job profiles the training data
 * as its branch holds it; either way it calls monitor-model itself (there is no reusable one).
 */
export function monitorWorkflow(plan: InitPlan): string {
  const data = plan.servingData!;
  const binaryScores = plan.task === 'binary' && plan.scoreColumns.length > 0;
  return [
    `# Daily watch over the model ${plan.modelName} in production, written by \`mlops-actions init\`.`,
    '#',
    `# Every morning it takes the serving data at ${data}${plan.servingFetch ? ',' : ''}`,
    ...(plan.servingFetch ? ['# once the fetch step has downloaded it,'] : []),
    '# and monitor-model compares it with the training data for drift of the inputs and of the',
    '# predictions, checks its quality, and measures the performance when labels are there,',
    `# judged by the gate policy ${plan.gates} (a \`monitor:\` section there sets the drift and`,
    '# quality thresholds; without one, the defaults of docs/monitoring.md in mlops-actions).',
    '# It keeps ONE issue for the model: opened when it is drifting or degraded, updated while it',
    '# stays so, closed with a comment when it is healthy again.',
    ...(plan.reusable
      ? [
          '#',
          '# Written with --reusable, it still calls the monitor-model action itself: there is no',
          '# reusable monitoring workflow. The reusable release workflow publishes no training data',
          '# profile, so this job profiles the training data as this branch holds it and measures',
          '# drift against that (it follows the branch, not the model in production).',
        ]
      : [
          '#',
          '# The reference is the training data profile model-release.yml published with the model',
          '# now in production: until a release has put one there, the run fails and says so.',
        ]),
    ...(plan.retrainWorkflow
      ? [
          `# When the status asks for it, it dispatches ${plan.retrainWorkflow} (at most once per cool-down).`,
        ]
      : []),
    'name: Monitor model',
    '',
    'on:',
    '  schedule:',
    "    - cron: '17 6 * * *'   # daily, off the hour (GitHub delays runs at :00)",
    '  workflow_dispatch:',
    '',
    '# Least privilege: nothing at the top; the job asks for what it uses.',
    'permissions: {}',
    '',
    '# One monitor run at a time: two at once could both open the issue.',
    'concurrency:',
    `  group: monitor-model-${plan.modelName}`,
    '  cancel-in-progress: false',
    '',
    'jobs:',
    '  monitor:',
    `    name: Watch ${plan.modelName} in production`,
    '    runs-on: ubuntu-24.04',
    '    timeout-minutes: 30',
    '    permissions:',
    "      contents: read       # check out the policy; read the profile in the model's Release",
    '      deployments: read    # find the model in production',
    "      issues: write        # the model's monitor issue",
    ...(plan.retrainWorkflow
      ? [`      actions: write       # dispatch ${plan.retrainWorkflow}`]
      : []),
    '    steps:',
    '      - name: Check out the repository',
    '        uses: actions/checkout@v5',
    '        with:',
    '          persist-credentials: false',
    '',
    ...(plan.servingFetch
      ? [
          ...setupSteps(plan),
          // The command is data: through env:, never spliced into the script.
          '      - name: Fetch the serving data',
          '        env:',
          ...entry(10, 'FETCH', plan.servingFetch),
          '        run: bash -euo pipefail -c "$FETCH"',
          '',
        ]
      : []),
    ...(plan.reusable ? validateStep(plan, true) : []),
    '      - name: Monitor the model',
    '        id: monitor',
    `        uses: ${ACTIONS}/monitor-model@v1`,
    '        with:',
    ...entry(10, 'model-name', plan.modelName),
    '          environment: production',
    ...entry(10, 'data', data),
    ...(plan.reusable ? ['          reference: ${{ steps.validate.outputs.profile }}'] : []),
    ...entry(10, 'policy', plan.gates),
    ...entry(10, 'task', plan.task),
    ...(plan.labelColumn ? entry(10, 'label-column', plan.labelColumn) : []),
    ...(plan.predictionColumn ? entry(10, 'prediction-column', plan.predictionColumn) : []),
    ...(binaryScores ? entry(10, 'score-columns', plan.scoreColumns) : []),
    ...(plan.retrainWorkflow ? entry(10, 'retrain', plan.retrainWorkflow) : []),
    '',
  ].join('\n');
}
