/**
 * What a monitor run shows people: the body of the model's monitor issue and the job summary,
 * the same text. Status and why first, then the drifted features worst first with a table per
 * kind of column, the performance, and charts of the key numbers across recent runs. Every
 * name and value here came from data files, profiles or a payload: all of it is escaped.
 */
import { lineChart } from '../comparison/chart.js';
import { format } from '../gates/judge.js';
import {
  escapeMarkdown,
  inlineCode,
  markdownLink,
  markdownTable,
  mermaidLabel,
} from '../markdown/escape.js';
import { publishableGroups } from '../metrics/fairness-report.js';
import { driftedWorstFirst, percent } from './assess.js';
import type { MonitorHistoryEntry } from './monitor-issue.js';
import type { JudgedMetric, MonitorReport, MonitorStatus } from './monitor-report.js';
import type { DriftReport, FeatureDrift } from './report.js';

const HEADLINE: Record<MonitorStatus, string> = {
  healthy: '🟢 healthy',
  drifting: '🟠 drifting',
  degraded: '🔴 degraded',
};

/** Most feature rows per table: a wide data set still reads in one screen, and stays far below GitHub's 65,536 characters. */
const MAX_FEATURE_ROWS = 40;
const MAX_FINDINGS = 15;

/** `2026-12-07 06:17 UTC` from an ISO time: what a reader scans for, not milliseconds. */
function readableTime(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match ? `at ${match[1]} ${match[2]} UTC` : `at ${iso}`;
}

export function monitorTitle(model: string, environment: string, status: MonitorStatus): string {
  return `Model ${model} in ${environment}: ${status}`;
}

export function renderMonitorReport(
  report: MonitorReport,
  history: readonly MonitorHistoryEntry[],
  reportPath?: string,
): string {
  const deployed = report.deployed ? ` · version ${inlineCode(report.deployed.version)}` : '';
  const lines = [
    `## ${inlineCode(report.model)} in ${inlineCode(report.environment)}: ${HEADLINE[report.status]}`,
    '',
    `${report.drift.current.rows.toLocaleString('en-US')} rows checked ${escapeMarkdown(readableTime(report.generatedAt))}${deployed}${report.runUrl ? ` · ${markdownLink('the run', report.runUrl)}` : ''}${reportPath ? ` · report ${inlineCode(reportPath)}` : ''}`,
    '',
    ...findingsSection(report),
    ...driftSection('Drift of the inputs, worst first', report.drift),
    ...(report.predictionDrift
      ? driftSection("Drift of the model's outputs", report.predictionDrift)
      : []),
    ...performanceSection(report),
    ...fairnessSection(report),
    ...actionsSection(report),
    ...historySection(history),
  ];
  return lines.join('\n').trimEnd() + '\n';
}

function findingsSection(report: MonitorReport): string[] {
  if (!report.findings.length) return ['Nothing drifts, and the performance holds.', ''];
  const icon = { fail: '❌', warn: '⚠️', info: 'ℹ️' } as const;
  const shown = report.findings.slice(0, MAX_FINDINGS);
  return [
    ...shown.map((f) => `- ${icon[f.level]} ${escapeMarkdown(f.message)}`),
    ...(report.findings.length > shown.length
      ? [`- … and ${report.findings.length - shown.length} more in the report`]
      : []),
    '',
  ];
}

function driftSection(title: string, drift: DriftReport): string[] {
  if (!drift.features.length) return [];
  const drifted = driftedWorstFirst(drift);
  const steady = drift.features.filter((f) => !f.test.drifted);
  const rows = [...drifted, ...steady].slice(0, MAX_FEATURE_ROWS).map(featureRow);
  const hidden = drift.features.length - rows.length;
  return [
    `### ${title}`,
    '',
    `${drift.dataset.driftedFeatures.length} of ${drift.dataset.compared} drift (${(drift.dataset.share * 100).toFixed(0)}%; the data set drifts at ${(drift.dataset.driftShare * 100).toFixed(0)}%).`,
    '',
    markdownTable(
      ['', 'column', 'test', 'value', 'threshold', 'missing (training → now)', 'outside training'],
      rows,
    ),
    ...(hidden > 0 ? ['', `… ${hidden} more steady columns in the report.`] : []),
    ...(drift.skipped.length
      ? [
          '',
          `Not compared: ${drift.skipped
            .slice(0, 10)
            .map((s) => `${inlineCode(s.name)}: ${escapeMarkdown(s.reason)}`)
            .join('; ')}${drift.skipped.length > 10 ? '; …' : ''}.`,
        ]
      : []),
    '',
  ];
}

function featureRow(f: FeatureDrift): string[] {
  return [
    f.test.drifted ? '❌' : '✅',
    inlineCode(f.name),
    `${f.test.name}${f.test.chosen === 'override' ? ' (policy)' : ''}`,
    `${f.test.measures === 'p-value' ? 'p = ' : ''}${format(f.test.value)}`,
    `${f.test.measures === 'p-value' ? '≤ ' : '≥ '}${format(f.test.threshold)}`,
    `${percent(f.missing.reference)} → ${percent(f.missing.current)}`,
    percent(f.outsideRange.share),
  ];
}

function performanceSection(report: MonitorReport): string[] {
  const performance = report.performance;
  if (performance.source === 'none')
    return ['### Performance', '', `Not measured: ${escapeMarkdown(performance.reason)}`, ''];
  const heading =
    performance.source === 'labels'
      ? `### Performance, measured on ${performance.rows.toLocaleString('en-US')} labelled rows`
      : `### Performance, estimated from the scores of ${performance.rows.toLocaleString('en-US')} rows (no labels yet)`;
  const note =
    performance.source === 'estimate'
      ? [
          `Confidence-based performance estimation: the expected metrics if the scores are ${performance.calibrated ? 'calibrated as on the evaluation set' : 'taken as calibrated probabilities (no calibration set was given)'}, with ${Math.round(performance.confidence * 100)}% intervals. It sees covariate shift, not a change in what the labels mean.`,
          '',
        ]
      : [];
  const icon: Record<string, string> = {
    pass: '✅',
    fail: '❌',
    warn: '⚠️',
    inconclusive: '❔',
    info: 'ℹ️',
  };
  const shown = metricsToShow(performance.metrics);
  const hidden = performance.metrics.length - shown.length;
  return [
    heading,
    '',
    ...note,
    markdownTable(
      ['', 'metric', 'now', 'at release', 'rule'],
      shown.map((m) => [
        icon[m.status] ?? '',
        inlineCode(m.name),
        m.value === undefined
          ? '—'
          : `${format(m.value)}${m.ci ? ` (${format(m.ci[0])}–${format(m.ci[1])})` : ''}`,
        m.baseline === undefined ? '—' : format(m.baseline),
        m.rule ? escapeMarkdown(m.rule) : 'not gated',
      ]),
    ),
    ...(hidden > 0 ? ['', `… ${hidden} more metrics (per class, and ungated) in the report.`] : []),
    '',
  ];
}

/** Most group lines per attribute: the report has them all. */
const MAX_GROUP_ROWS = 20;
/** Longest a group name is shown: a value from the serving data. */
const MAX_GROUP_NAME = 60;

/**
 * Selection-rate parity per attribute: the measures against the policy, and the groups' counts
 * and selection rates as anything published shows them (publishableGroups: the groups under
 * min-group-size merged into one line, without a rate). Group names and rates, never rows.
 */
function fairnessSection(report: MonitorReport): string[] {
  const fairness = report.fairness;
  if (!fairness) return [];
  const heading = '### Selection-rate parity';
  if (fairness.reason) return [heading, '', `Not tracked: ${escapeMarkdown(fairness.reason)}`, ''];
  const rule = `min-ratio ${format(fairness.minRatio)}${fairness.maxDifference !== undefined ? `, max-difference ${format(fairness.maxDifference)}` : ''}; groups under ${fairness.minGroupSize} rows left out`;
  const name = (text: string) =>
    escapeMarkdown(
      [...text].length > MAX_GROUP_NAME
        ? `${[...text].slice(0, MAX_GROUP_NAME - 1).join('')}…`
        : text,
    );
  const measure = (value: number | null | undefined) =>
    value === null || value === undefined ? 'undefined' : format(value);
  const lines = [
    heading,
    '',
    `The share of each group's rows predicted positive (policy: ${rule}).`,
    '',
  ];
  for (const [attribute, section] of Object.entries(fairness.attributes)) {
    const breached = report.findings.some(
      (f) => f.kind === 'fairness' && f.feature === attribute && f.level !== 'info',
    );
    const groups = publishableGroups(section);
    const shown = groups.slice(0, MAX_GROUP_ROWS);
    lines.push(
      `${breached ? '❌' : '✅'} **${name(attribute)}**${section.columns.length > 1 ? ' (intersection)' : ''}: demographic_parity_ratio ${measure(section.measures.demographic_parity_ratio?.value)}, demographic_parity_difference ${measure(section.measures.demographic_parity_difference?.value)}`,
      '',
      markdownTable(
        ['group', 'rows', 'selection rate'],
        shown.map((g) => [
          g.merged ? escapeMarkdown(g.name) : name(g.name),
          g.rows.toLocaleString('en-US'),
          g.selectionRate === undefined || g.selectionRate === null ? '' : format(g.selectionRate),
        ]),
      ),
      ...(groups.length > shown.length
        ? ['', `… ${groups.length - shown.length} more groups in the report.`]
        : []),
      '',
    );
  }
  return lines;
}

/** Most metric rows: the gated ones and what went wrong first, then headline metrics. */
const MAX_METRIC_ROWS = 10;

function metricsToShow(metrics: readonly JudgedMetric[]): JudgedMetric[] {
  const judged = metrics.filter((m) => m.rule || (m.status !== 'pass' && m.status !== 'info'));
  const headline = metrics.filter((m) => !judged.includes(m) && !m.name.includes('.'));
  return [...judged, ...headline].slice(0, Math.max(MAX_METRIC_ROWS, judged.length));
}

function actionsSection(report: MonitorReport): string[] {
  const retrain = report.retrain;
  if (!retrain) return [];
  return [
    retrain.dispatched
      ? `**Retraining**: ${inlineCode(retrain.workflow)} dispatched with the reasons above.`
      : `**Retraining** (${inlineCode(retrain.workflow)}): not dispatched; ${escapeMarkdown(retrain.reason)}.`,
    '',
  ];
}

/** A run on a chart's axis: its month, day and time, `12-07 06:17`. */
const runLabel = (entry: MonitorHistoryEntry) =>
  mermaidLabel(entry.at.slice(5, 16).replace('T', ' '), 14);

/** Charts of the share of drifting features and of the key metric over the runs kept, oldest first. */
function historySection(history: readonly MonitorHistoryEntry[]): string[] {
  if (history.length < 2) return [];
  const labels = history.map(runLabel);
  const charts = [
    lineChart(
      'share of inputs drifting',
      labels,
      history.map((h) => h.driftShare),
      [0, 1],
    ),
  ];
  const metric = history.at(-1)?.metric?.name;
  const points = metric ? history.filter((h) => h.metric?.name === metric) : [];
  if (metric && points.length >= 2)
    charts.push(
      lineChart(
        metric,
        points.map(runLabel),
        points.map((h) => h.metric!.value),
      ),
    );
  return [`### Across the last ${history.length} runs`, '', ...charts.flatMap((c) => [c, ''])];
}
