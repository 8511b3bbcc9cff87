/**
 * What `npm run demo` prints, in about one screen: a line per step with what it decided, the
 * first lines of the pull request's comment (its headline and notable changes, what a reviewer
 * reads before any table), and where the full comment, the job summaries and the rest are, at
 * fixed paths under the demo's folder. The whole Markdown is in those files, not on the terminal.
 */
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { PipelineRun, StepRecord } from './pipeline.js';
import type { StandIns } from '../harness/stand-ins/index.js';

/** The files the demo writes, relative to its folder. */
export const DEMO_FILES = {
  comment: 'comment.md',
  comparison: 'comparison.json',
  summaries: 'summaries',
  allSummaries: 'job-summaries.md',
  details: 'details.txt',
} as const;

/** How many lines of the comment's head the demo shows at most. */
const COMMENT_HEAD_LINES = 7;

/** A few headline metrics of evaluate-model's summary output; the job summary has them all, with intervals. */
function headline(summary: string): string {
  const values = JSON.parse(summary) as Record<string, number>;
  const shown = ['accuracy', 'f1', 'roc_auc'].filter((name) => name in values);
  return `${shown.map((name) => `${name} ${values[name]!.toFixed(4)}`).join(', ')} (+${Object.keys(values).length - shown.length} more)`;
}

/** What the step decided or produced, in a few words. */
export function describeStep({ result }: StepRecord): string {
  const o = result.outputs;
  if (o.status) {
    const drifted = JSON.parse(o['drifted-features'] ?? '[]') as string[];
    return `${o.status}${drifted.length ? ` (${drifted.slice(0, 3).join(', ')}${drifted.length > 3 ? ', …' : ''})` : ''}; issue ${o['issue-url'] ? `#${o['issue-url'].split('/').pop()}` : 'none'}; retraining ${o['retrain-dispatched'] === 'true' ? 'dispatched' : 'not dispatched'}`;
  }
  if (o.site) return `${o.models} model(s) in the site, ${o.stale} flagged stale`;
  if (o.fingerprint)
    return `version ${o.version}${o['cache-hit'] === 'true' ? ', restored from the run cache' : ''}`;
  if (o.summary) return headline(o.summary);
  if (o.verdict)
    return `${o.verdict.toUpperCase()} against production ${o['baseline-version'] ?? ''}; comment ${o['comment-url'] ? 'posted' : 'not posted'}`.replace(
      ' ;',
      ';',
    );
  if (o['deployment-id'] && o.version)
    return `deployment ${o['deployment-id']}: version ${o.version}${o['previous-version'] ? ` (was ${o['previous-version']})` : ''}`;
  if (o['comparison-digest'])
    return `dry run: judged, digest ${o['comparison-digest'].replace(/^sha256:/, '').slice(0, 12)} to approve`;
  if (o.valid)
    return `${o.rows} rows, ${o.errors} errors, ${o.warnings} warnings → valid=${o.valid}`;
  return '';
}

/** One line for a step: ✔ or ✘, its name, what it decided, how long it took. */
export function stepLine(record: StepRecord): string {
  const mark = record.result.exitCode === 0 ? '✔' : '✘';
  return `  ${mark} ${record.step.padEnd(40)} ${describeStep(record)}  (${Math.round(record.result.durationMs)} ms)`;
}

/**
 * The comment's head: its first section's lines above the first table or collapsed section,
 * without the markers, capped.
 */
export function commentHead(comment: string): string[] {
  const lines: string[] = [];
  for (const line of comment.split('\n')) {
    if (/^\s*(\||<details|<table|```)/.test(line)) break;
    if (/^\s*<!--.*-->\s*$/.test(line) || !line.trim()) continue;
    lines.push(line);
  }
  return lines.length > COMMENT_HEAD_LINES
    ? [
        ...lines.slice(0, COMMENT_HEAD_LINES - 1),
        `… (${lines.length - COMMENT_HEAD_LINES + 1} more lines)`,
      ]
    : lines;
}

/** A file name for a step's job summary: its order, job and step, in lower-case words. */
const summaryName = (index: number, record: StepRecord) =>
  `${String(index + 1).padStart(2, '0')}-${`${record.job}-${record.step}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}.md`;

/**
 * Writes the comment, the comparison, every job summary and the run's details under `root`, and
 * returns the lines to print after the step list.
 */
export async function reportRun(
  run: PipelineRun,
  comment: string,
  standIns: StandIns,
  root: string,
): Promise<string[]> {
  const at = (name: string) => join(root, name);
  const show = (name: string) => relative(process.cwd(), at(name)) || at(name);
  await mkdir(at(DEMO_FILES.summaries), { recursive: true });
  await writeFile(at(DEMO_FILES.comment), comment);
  await cp(run.comparison.outputs.report!, at(DEMO_FILES.comparison));
  await Promise.all(
    run.steps.map((record, index) =>
      writeFile(join(at(DEMO_FILES.summaries), summaryName(index, record)), record.result.summary),
    ),
  );
  await writeFile(
    at(DEMO_FILES.allSummaries),
    run.steps.map((s) => `<!-- ${s.job}: ${s.step} -->\n${s.result.summary}`).join('\n---\n\n'),
  );
  await writeFile(at(DEMO_FILES.details), details(run, standIns));
  return [
    'The comment on the pull request starts with:',
    ...commentHead(comment).map((line) => `  │ ${line}`),
    '',
    `Full comment ${show(DEMO_FILES.comment)} · comparison ${show(DEMO_FILES.comparison)} · job summaries ${show(DEMO_FILES.summaries)}/ (all in ${show(DEMO_FILES.allSummaries)})`,
    `The fleet view (open it in a browser): ${relative(process.cwd(), join(run.registry.outputs.site!, 'index.html'))} · API calls, artifacts, the registry: ${show(DEMO_FILES.details)} · rendered as on GitHub: npm run screenshots`,
  ];
}

/** What the stand-ins saw: the comment, the API calls, artifacts, caches, the registry. */
function details(run: PipelineRun, standIns: StandIns): string {
  const compare = run.comparison.outputs;
  const comments = [...standIns.github.comments.values()].flat();
  const calls = new Map<string, number>();
  for (const entry of standIns.github.log) {
    const call = `${entry.method} ${entry.operation ?? entry.path}`;
    calls.set(call, (calls.get(call) ?? 0) + 1);
  }
  return [
    `The pull request has ${comments.length} comment(s) from mlops-actions (${compare['comment-url']}); the re-run found it again and left it, as nothing had changed.`,
    `The gate policy that judged it: examples/churn/gates.yaml as the base branch holds it (commit ${run.commits.base.slice(0, 12)}), read through the API; the pull request's own version (at its merge commit ${run.commits.merge.slice(0, 12)}) is only shown as a change.`,
    `GitHub API calls made: ${[...calls].map(([call, n]) => `${n}× ${call}`).join(', ')}.`,
    `Artifacts uploaded: ${standIns.results.artifacts.length}; cache entries: ${standIns.results.caches.filter((c) => c.finalized).length}.`,
    `The registry (deployments of task model:churn): ${standIns.github.deployments.map((d) => `${d.environment} = ${d.payload.version} (deployment ${d.id}, ${standIns.github.statuses.get(d.id)?.[0]?.state})`).join('; ')}.`,
    '',
  ].join('\n');
}
