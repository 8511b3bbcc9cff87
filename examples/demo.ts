/**
 * `npm run demo`: the example project's whole CI/CD, offline, with the built action bundles
 * run as the GitHub runner runs them, against loopback stand-ins for the GitHub API and the
 * Actions artifact and cache services. Prints what each step did and where to look.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PipelineStepError, runExamplePipeline, type StepRecord } from './pipeline.js';
import { REPOSITORY_ROOT } from '../harness/runner/run-bundle.js';
import { StandIns } from '../harness/stand-ins/index.js';

const root = join(REPOSITORY_ROOT, '.tmp', 'demo');
const show = (path: string | undefined) => (path ? relative(process.cwd(), path) || path : '');

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
    'Pull request, model job (read-only token): a contributor changes the training config, and loosens a gate',
  compare:
    "Pull request, compare job (no checkout): judged by the base branch's gate policy, read through the API",
  'pull-request (re-run)': 'A reviewer re-runs the pull-request workflow',
  'compare (re-run)': 'Its compare job',
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

/** A few headline metrics of evaluate-model's summary; the job summary has them all, with intervals. */
function headline(summary: string): string {
  const values = JSON.parse(summary) as Record<string, number>;
  const shown = ['accuracy', 'f1', 'roc_auc', 'log_loss'].filter((name) => name in values);
  return `${shown.map((name) => `${name}=${values[name]!.toFixed(4)}`).join(', ')} (+${Object.keys(values).length - shown.length} more)`;
}

function describeStep({ result }: StepRecord): string {
  const o = result.outputs;
  if (o.fingerprint)
    return `version ${o.version}${o['cache-hit'] === 'true' ? ', restored from the run cache' : ''}; artifact ${o['artifact-name']}`;
  if (o.summary) return `metrics ${headline(o.summary)}`;
  if (o.record !== undefined && o.version)
    return `deployment ${o['deployment-id']} records version ${o.version}${o['previous-version'] ? ` (was ${o['previous-version']})` : ''}`;
  if (o.valid)
    return `${o.rows} rows, ${o.errors} errors, ${o.warnings} warnings → valid=${o.valid}`;
  if (o.verdict)
    return `verdict ${o.verdict.toUpperCase()} against production ${o['baseline-version']}; comment ${o['comment-url'] ? 'posted' : 'not posted'}`;
  return '';
}

let currentJob = '';
const onStep = (record: StepRecord) => {
  if (record.job !== currentJob) {
    currentJob = record.job;
    console.log(`\n${JOB_TITLES[record.job] ?? record.job}`);
  }
  const mark = record.result.exitCode === 0 ? '✔' : '✘';
  console.log(
    `  ${mark} ${record.step.padEnd(40)} ${describeStep(record)}  (${Math.round(record.result.durationMs)} ms)`,
  );
};

console.log(
  'mlops-actions demo: the five actions on examples/churn, as a GitHub runner runs them.',
);
const standIns = await StandIns.start();
console.log(
  `GitHub API and Actions artifact/cache stand-ins on loopback (started in ${Math.round(standIns.startupMs)} ms); no network is used.`,
);
try {
  const run = await runExamplePipeline({ root, standIns, onStep, prepare: changeTheGates });
  const summaryPath = join(root, 'job-summaries.md');
  await writeFile(
    summaryPath,
    run.steps.map((s) => `<!-- ${s.job}: ${s.step} -->\n${s.result.summary}`).join('\n---\n\n'),
  );
  const compare = run.comparison.outputs;
  const comment = await readFile(compare['comment-file']!, 'utf8');
  const comments = [...standIns.github.comments.values()].flat();
  const calls = standIns.github.log.reduce<Record<string, number>>(
    (count, entry) => ({
      ...count,
      [`${entry.method} ${entry.operation ?? entry.path}`]:
        (count[`${entry.method} ${entry.operation ?? entry.path}`] ?? 0) + 1,
    }),
    {},
  );
  console.log(`
What a reviewer sees on the pull request, the comment body (Markdown):
${comment.replace(/^<!--.*-->\n+/, '').replace(/^/gm, '  │ ')}
The pull request has ${comments.length} comment from mlops-actions (${compare['comment-url']}); the re-run found it again and left it, as nothing had changed.
The gate policy that judged it: examples/churn/gates.yaml as the base branch holds it (commit ${run.commits.base.slice(0, 12)}), read through the API; the pull request's own version (at its merge commit ${run.commits.merge.slice(0, 12)}) is only shown as a change.
GitHub API calls made: ${Object.entries(calls)
    .map(([call, n]) => `${n}× ${call}`)
    .join(', ')}.
Artifacts uploaded: ${standIns.results.artifacts.length}; cache entries: ${standIns.results.caches.filter((c) => c.finalized).length}.
The registry (deployments of task model:churn): ${standIns.github.deployments.map((d) => `${d.environment} = ${d.payload.version} (deployment ${d.id}, ${standIns.github.statuses.get(d.id)?.[0]?.state})`).join('; ')}.

The comment body:         ${show(compare['comment-file'])}
The comparison as JSON:   ${show(compare.report)}
Every step's job summary: ${show(summaryPath)}
Everything else (workspaces, manifests, metrics, promotion records): ${show(root)}
`);
} catch (error) {
  if (error instanceof PipelineStepError) {
    console.error(`\n${error.message}\n\nThe step's log:\n${error.record.result.stdout}`);
    process.exitCode = 1;
  } else throw error;
} finally {
  await standIns.stop();
}
