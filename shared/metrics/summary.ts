/** The job summary of an evaluation: metrics with their intervals, per-class values, the confusion matrix and slices. */
import { escapeMarkdown, markdownTable } from '../markdown/escape.js';
import type { MetricsReport } from './report.js';

const format = (value: number) => (Number.isInteger(value) ? String(value) : value.toPrecision(4));

export function renderEvaluationSummary(report: MetricsReport): string {
  const heading = `### 📏 ${escapeMarkdown(report.model)}${report.version ? ` version \`${report.version}\`` : ''}${report.evaluation ? ` on ${report.evaluation.rows} examples` : ''}${report.task ? ` (${report.task})` : ''}`;
  const level = report.bootstrap ? `${Math.round(report.bootstrap.confidence * 1000) / 10}% CI` : undefined;
  const entries = Object.entries(report.metrics);
  // Per-class values (`precision.cat`) go in their own table; a metrics file's dotted names stay in the main one.
  const perClass = report.confusionMatrix ? entries.filter(([name]) => /^(precision|recall|f1)\./.test(name)) : [];
  const main = entries.filter((entry) => !perClass.includes(entry));
  const row = ([name, m]: (typeof entries)[number]) => [escapeMarkdown(name), format(m.value), ...(level ? [m.ci ? `${format(m.ci[0])} – ${format(m.ci[1])}` : ''] : []), m.n === undefined ? '' : String(m.n)];
  const parts = [heading, markdownTable(['Metric', 'Value', ...(level ? [level] : []), 'n'], main.map(row))];
  if (report.bootstrap) parts.push(`Intervals: ${report.bootstrap.resamples} bootstrap resamples (${report.bootstrap.method}), seed ${report.bootstrap.seed}.`);
  if (report.confusionMatrix) {
    const { classes, matrix } = report.confusionMatrix;
    const details = [markdownTable(['true ↓ / predicted →', ...classes.map(escapeMarkdown)], matrix.map((counts, t) => [escapeMarkdown(classes[t]!), ...counts.map(format)]))];
    if (perClass.length) {
      const byClass = classes.map((c) => [escapeMarkdown(c), ...['precision', 'recall', 'f1'].map((m) => (report.metrics[`${m}.${c}`] ? format(report.metrics[`${m}.${c}`]!.value) : ''))]);
      details.unshift(markdownTable(['Class', 'Precision', 'Recall', 'F1'], byClass));
    }
    parts.push(`<details><summary>Per class and confusion matrix</summary>\n\n${details.join('\n\n')}\n\n</details>`);
  }
  const summary = report.sliceSummary;
  if (summary) {
    const headline = summary.headline;
    const rows = Object.entries(summary.slices).map(([name, info]) => {
      const metric = report.slices[name]?.[headline];
      return [escapeMarkdown(name), String(info.rows), metric ? format(metric.value) : 'undefined', metric?.ci ? `${format(metric.ci[0])} – ${format(metric.ci[1])}` : '', info.small ? `⚠️ under ${summary.minSize} rows` : ''];
    });
    parts.push(`#### Slices by ${escapeMarkdown(headline)}`, markdownTable(['Slice', 'Rows', escapeMarkdown(headline), level ?? 'CI', 'Note'], rows));
    const gap = summary.gaps[headline];
    if (gap) parts.push(`Worst slice: ${escapeMarkdown(gap.worst)} (${escapeMarkdown(headline)} ${format(gap.worstValue)}); largest gap ${format(gap.gap)} against ${escapeMarkdown(gap.best)}. Slices under ${summary.minSize} rows are shown but not ranked.`);
  }
  return parts.join('\n\n');
}
