/**
 * `npm run demo`: the example project's whole CI/CD, offline, with the built action bundles
 * run as the GitHub runner runs them, against loopback stand-ins for the GitHub API and the
 * Actions artifact and cache services. Prints, in about one screen, what each step decided, the
 * head of the pull request's comment, and where the full comment and job summaries are
 * (.tmp/demo/; examples/demo-report.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reportRun, stepLine } from './demo-report.js';
import { PipelineStepError, runExamplePipeline, type StepRecord } from './pipeline.js';
import { REPOSITORY_ROOT } from '../harness/runner/run-bundle.js';
import { StandIns } from '../harness/stand-ins/index.js';

const root = join(REPOSITORY_ROOT, '.tmp', 'demo');

const JOB_TITLES: Record<string, string> = {
  'release-build':
    'Release run, build job: the model that is in production today is trained, evaluated, and checked against staging',
  'release-staging':
    'Release run, staging job (after approval): the artifact promoted, bound to the checked digest',
  'release-check-production':
    'Release run, check job: the promotion to production judged before its approval',
  'release-production':
    'Release run, production job (after approval): the same artifact, no retraining, bound to the checked digest',
  'pull-request':
    'Pull request, model job (read-only token): a contributor changes the training config (a higher threshold for customers 55+), and loosens a gate',
  compare:
    "Pull request, compare job (no checkout): judged by the base branch's gate policy, read through the API",
  'pull-request (re-run)': 'A reviewer re-runs the pull-request workflow (both jobs)',
  'monitor (weeks later)':
    "Weeks later, the daily monitor run: customers' charges have crept up, and more of them are new",
  'registry (nightly)':
    'The nightly registry page: every model in production, its owner, health and lineage, for GitHub Pages',
};

/**
 * The pull request also edits the gate policy: it tolerates a larger accuracy drop and adds a
 * gate on ROC AUC. It is still judged by the base branch's policy, and the comment shows the
 * change, not applied until merged.
 */
async function changeTheGates(write: (path: string, text: string) => Promise<void>): Promise<void> {
  const gates = await readFile(join(REPOSITORY_ROOT, 'examples', 'churn', 'gates.yaml'), 'utf8');
  const loosened = gates
    .replace(/max-regression: 0\.02/, 'max-regression: 0.05')
    .replace(/(\n {4}level: fail[^\n]*\n)/, '$1  roc_auc:\n    direction: higher\n    min: 0.75\n');
  if (loosened === gates)
    throw new Error('examples/churn/gates.yaml no longer has the rule the demo changes');
  await write('examples/churn/gates.yaml', loosened);
}

/**
 * The disparity planted in the pull request: its config raises the decision threshold for the
 * customers aged 55+ to 0.75 ("they rarely leave: fewer retention offers for them"), so that
 * far fewer of them are selected. Accuracy barely moves; the four-fifths rule on age_band in
 * gates.yaml catches it, and the comment's Fairness section shows the groups' selection rates.
 */
async function plantTheBias(write: (path: string, text: string) => Promise<void>): Promise<void> {
  const path = join(REPOSITORY_ROOT, 'examples', 'churn', 'config.json');
  const config = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  const biased = { ...config, group_thresholds: { age_band: { '55+': 0.75 } } };
  await write('examples/churn/config.json', `${JSON.stringify(biased, null, 2)}\n`);
}

let currentJob = '';
const onStep = (record: StepRecord) => {
  if (record.job !== currentJob) {
    currentJob = record.job;
    console.log(JOB_TITLES[record.job] ?? record.job);
  }
  console.log(stepLine(record));
};

console.log(
  'mlops-actions demo: the seven actions on examples/churn, as a GitHub runner runs them.',
);
const standIns = await StandIns.start();
console.log(
  `GitHub API and Actions artifact/cache stand-ins on loopback (started in ${Math.round(standIns.startupMs)} ms); no network is used.`,
);
try {
  const run = await runExamplePipeline({
    root,
    standIns,
    onStep,
    prepare: async (write) => {
      await changeTheGates(write);
      await plantTheBias(write);
    },
    // The biased candidate fails its fairness gate: the pull request's check fails, on purpose.
    gatesMayFail: true,
  });
  const comment = await readFile(run.comparison.outputs['comment-file']!, 'utf8');
  console.log(`\n${(await reportRun(run, comment, standIns, root)).join('\n')}`);
  // The planted bias, caught: why the pull request's check failed (its error annotations).
  const caught = run.comparison.annotations.filter((a) => a.command === 'error');
  if (caught.length)
    console.log(
      `\nThe pull request's check failed, as planted:\n${caught.map((a) => `  ✘ ${a.message}`).join('\n')}`,
    );
} catch (error) {
  if (error instanceof PipelineStepError) {
    console.error(`\n${error.message}\n\nThe step's log:\n${error.record.result.stdout}`);
    process.exitCode = 1;
  } else throw error;
} finally {
  await standIns.stop();
}
