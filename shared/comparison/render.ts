/**
 * The comparison as reviewers read it: a headline verdict, then one row per metric. The same
 * Markdown is the job summary and the pull-request comment body. Everything that came from a
 * file (metric names, versions, paths) is escaped.
 */
import type { RunContext } from '../action/context.js';
import { format, percent, type GateResult, type MetricComparison, type MetricStatus, type Verdict } from '../gates/evaluate.js';
import { escapeMarkdown, inlineCode, markdownTable } from '../markdown/escape.js';
import type { LoadedMetrics } from '../metrics/report.js';
import type { BaselineSource } from './baseline.js';

/** Finds this model's comment again on later runs; the model name is restricted to [A-Za-z0-9._-]. */
export function commentMarker(model: string): string {
  return `<!-- mlops-actions:compare-metrics model=${model} -->`;
}

export interface ComparisonView {
  model: string;
  result: GateResult;
  candidate: LoadedMetrics;
  baseline?: LoadedMetrics;
  baselineSource: BaselineSource;
  context: RunContext;
  /** Set when baseline and candidate were evaluated on different data. */
  notLikeForLike: boolean;
}

const HEADLINE: Record<Verdict, string> = {
  pass: '✅ passes its gates',
  warn: '⚠️ passes with warnings',
  fail: '❌ fails its gates',
};

const STATUS: Record<MetricStatus, string> = { pass: '✅ pass', warn: '⚠️ warn', fail: '❌ fail', info: 'ℹ️ info', added: '🆕 added', removed: '➖ removed' };

export function renderComparison(view: ComparisonView): string {
  const { model, result, candidate, baseline } = view;
  const version = (metrics: LoadedMetrics | undefined) => (metrics?.version ? ` ${inlineCode(metrics.version)}` : '');
  const lines = [commentMarker(model), `### ${escapeMarkdown(model)}${version(candidate)} ${HEADLINE[result.verdict]}`];
  lines.push(describeBaseline(view.baselineSource, baseline));
  if (view.notLikeForLike) {
    lines.push('> [!WARNING]\n> The baseline and the candidate were evaluated on different data (their evaluation hashes differ), so the deltas do not compare like with like.');
  }
  const failing = result.metrics.filter((m) => m.status === 'fail' || m.status === 'warn');
  if (failing.length) lines.push(failing.map((m) => `- ${STATUS[m.status]} ${inlineCode(m.name)}: ${m.reasons.map(escapeMarkdown).join('; ')}`).join('\n'));
  lines.push(metricTable(result.metrics, baseline));
  lines.push(footer(view));
  return lines.join('\n\n') + '\n';
}

function describeBaseline(source: BaselineSource, baseline: LoadedMetrics | undefined): string {
  switch (source.kind) {
    case 'file':
      return `Compared with the baseline${baseline?.version ? ` ${inlineCode(baseline.version)}` : ''} from ${inlineCode(source.path)}.`;
    case 'registry': {
      const { deployment } = source;
      const since = deployment.createdAt.slice(0, 10);
      return `Compared with ${inlineCode(deployment.payload.version)}, the model in ${inlineCode(source.environment)} since ${since} (commit ${inlineCode(deployment.sha.slice(0, 12))}, [deployment ${deployment.deploymentId}](${encodeURI(source.environmentUrl)})).`;
    }
    case 'none':
      return `No baseline: ${escapeMarkdown(source.reason)}. Only absolute bounds were checked; rules that compare with a baseline followed \`on-missing-baseline\`.`;
  }
}

function metricTable(metrics: readonly MetricComparison[], baseline: LoadedMetrics | undefined): string {
  const baselineHeader = baseline?.version ? `Baseline (${escapeMarkdown(baseline.version)})` : 'Baseline';
  const rows = metrics.map((m) => [
    inlineCode(m.name),
    m.baseline === undefined ? '—' : format(m.baseline),
    m.candidate === undefined ? '—' : format(m.candidate),
    m.delta === undefined ? '—' : signed(m.delta),
    m.deltaRelative === undefined ? '—' : (m.deltaRelative >= 0 ? '+' : '') + percent(m.deltaRelative),
    m.rule ? escapeMarkdown(m.rule) : '',
    STATUS[m.status],
  ]);
  return markdownTable(['Metric', baselineHeader, 'Candidate', 'Δ', 'Δ%', 'Rule', 'Status'], rows);
}

function signed(value: number): string {
  return (value >= 0 ? '+' : '') + format(value);
}

function footer(view: ComparisonView): string {
  const parts: string[] = [];
  const { context, candidate } = view;
  if (candidate.fingerprint) parts.push(`fingerprint ${inlineCode(candidate.fingerprint.slice(0, 16))}`);
  if (candidate.evaluationSha256) parts.push(`evaluation data ${inlineCode(candidate.evaluationSha256.slice(0, 16))}`);
  if (context.sha) parts.push(`commit ${inlineCode(context.sha.slice(0, 12))}`);
  if (context.runUrl) parts.push(`[workflow run](${encodeURI(context.runUrl)})`);
  return parts.length ? `<sub>${parts.join(' · ')}</sub>` : '';
}
