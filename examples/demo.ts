/**
 * `npm run demo`: the example project's whole CI/CD, offline, with the built action bundles
 * run as the GitHub runner runs them. Prints what each step did and where to look.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PipelineStepError, runExamplePipeline, type StepRecord } from './pipeline.js';
import { REPOSITORY_ROOT } from '../test/harness/run-bundle.js';

const root = join(REPOSITORY_ROOT, '.tmp', 'demo');
const show = (path: string | undefined) => (path ? relative(process.cwd(), path) || path : '');

const JOB_TITLES: Record<string, string> = {
  'release-production': 'Release job that put today\'s production model in place',
  'pull-request': 'Pull request: a contributor changes the training config',
  'release-staging': 'Release after merge: promote the candidate to staging (approved in GitHub)',
};

function describeStep({ step, result }: StepRecord): string {
  const o = result.outputs;
  const details: Record<string, string> = {
    'Validate the data': `${o.rows} rows, ${o.errors} errors, ${o.warnings} warnings → valid=${o.valid}`,
    'Compare with production': `verdict ${o.verdict?.toUpperCase()} against production ${o['baseline-version']}`,
  };
  if (o.fingerprint) return `version ${o.version} (fingerprint ${o.fingerprint.slice(0, 16)}…)`;
  if (o.summary) return `metrics ${o.summary}`;
  if (o.record) return `recorded version ${o.version}`;
  return details[step] ?? '';
}

let currentJob = '';
const onStep = (record: StepRecord) => {
  if (record.job !== currentJob) {
    currentJob = record.job;
    console.log(`\n${JOB_TITLES[record.job] ?? record.job}`);
  }
  const mark = record.result.exitCode === 0 ? '✔' : '✘';
  console.log(`  ${mark} ${record.step.padEnd(34)} ${describeStep(record)}  (${Math.round(record.result.durationMs)} ms)`);
};

console.log('mlops-actions demo: the five actions on examples/churn, as a GitHub runner runs them (offline).');
try {
  const run = await runExamplePipeline({ root, onStep });
  const summaryPath = join(root, 'job-summaries.md');
  await writeFile(summaryPath, run.steps.map((s) => `<!-- ${s.job}: ${s.step} -->\n${s.result.summary}`).join('\n---\n\n'));
  const compare = run.comparison.outputs;
  const comment = await readFile(compare['comment-file']!, 'utf8');
  console.log(`
What a reviewer sees on the pull request, the comment body (Markdown):
${comment.replace(/^<!--.*-->\n+/, '').replace(/^/gm, '  │ ')}
The comment body:         ${show(compare['comment-file'])}
The comparison as JSON:   ${show(compare.report)}
Every step's job summary: ${show(summaryPath)}
Everything else (workspaces, manifests, metrics, promotion records): ${show(root)}
`);
} catch (error) {
  if (error instanceof PipelineStepError) {
    console.error(`\n${error.message}\n\nThe step's log:\n${error.record.result.stdout}`);
    process.exit(1);
  }
  throw error;
}
