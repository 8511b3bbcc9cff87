/** The job summary of an evaluation: metrics with their intervals, per-class values, the confusion matrix and slices. */
import { escapeMarkdown, markdownTable } from '../markdown/escape.js';
import { renderFairnessSummary } from './fairness-summary.js';
import type { MetricsReport } from './report.js';

const format = (value: number) => (Number.isInteger(value) ? String(value) : value.toPrecision(4));

/** Class names are labels from the predictions file: escaped, and cut so that one long label cannot fill the summary. */
const MAX_CLASS_NAME = 60;
const className = (name: string) =>
  escapeMarkdown(
    [...name].length > MAX_CLASS_NAME
      ? `${[...name].slice(0, MAX_CLASS_NAME - 1).join('')}…`
      : name,
  );

export function renderEvaluationSummary(report: MetricsReport): string {
  const heading = `### 📏 ${escapeMarkdown(report.model)}${report.version ? ` version \`${report.version}\`` : ''}${report.evaluation ? ` on ${report.evaluation.rows} examples` : ''}${report.task ? ` (${report.task})` : ''}`;
  const level = report.bootstrap
    ? `${Math.round(report.bootstrap.confidence * 1000) / 10}% CI`
    : undefined;
  const entries = Object.entries(report.metrics);
  // Per-class values (`precision.cat`) go in their own table; a metrics file's dotted names stay in the main one.
  const perClass = report.confusionMatrix
    ? entries.filter(([name]) => /^(precision|recall|f1)\./.test(name))
    : [];
  const main = entries.filter((entry) => !perClass.includes(entry));
  const row = ([name, m]: (typeof entries)[number]) => [
    escapeMarkdown(name),
    format(m.value),
    ...(level ? [m.ci ? `${format(m.ci[0])} – ${format(m.ci[1])}` : ''] : []),
    m.n === undefined ? '' : String(m.n),
  ];
  const parts = [
    heading,
    markdownTable(['Metric', 'Value', ...(level ? [level] : []), 'n'], main.map(row)),
  ];
  const skipped = Object.entries(report.skipped ?? {});
  if (skipped.length)
    parts.push(
      markdownTable(
        ['Not computed', 'Why'],
        skipped.map(([name, why]) => [escapeMarkdown(name), escapeMarkdown(why)]),
      ),
    );
  if (report.bootstrap) {
    const { resamples, requested, method, seed } = report.bootstrap;
    const reduced = requested
      ? ` (${requested} were asked for; the bootstrap's work budget allowed ${resamples} on this file)`
      : '';
    parts.push(
      `Intervals: ${resamples} bootstrap resamples${reduced} (${escapeMarkdown(method)}), seed ${seed}.`,
    );
  }
  if (report.confusionMatrix) {
    const { classes, matrix, totalClasses } = report.confusionMatrix;
    if (totalClasses !== undefined && totalClasses > classes.length) {
      parts.push(
        `${totalClasses} classes: per-class values and the confusion matrix show the ${classes.length} with the most rows; the other ${totalClasses - classes.length} are left out there (the averages cover every class).`,
      );
    }
    const details = [
      markdownTable(
        ['true ↓ / predicted →', ...classes.map(className)],
        matrix.map((counts, t) => [className(classes[t]!), ...counts.map(format)]),
      ),
    ];
    if (perClass.length) {
      const byClass = classes.map((c) => [
        className(c),
        ...['precision', 'recall', 'f1'].map((m) =>
          report.metrics[`${m}.${c}`] ? format(report.metrics[`${m}.${c}`]!.value) : '',
        ),
      ]);
      details.unshift(markdownTable(['Class', 'Precision', 'Recall', 'F1'], byClass));
    }
    parts.push(
      `<details><summary>Per class and confusion matrix</summary>\n\n${details.join('\n\n')}\n\n</details>`,
    );
  }
  const summary = report.sliceSummary;
  if (summary) {
    const headline = summary.headline;
    const rows = Object.entries(summary.slices).map(([name, info]) => {
      const metric = report.slices[name]?.[headline];
      return [
        escapeMarkdown(name),
        String(info.rows),
        metric ? format(metric.value) : 'undefined',
        metric?.ci ? `${format(metric.ci[0])} – ${format(metric.ci[1])}` : '',
        info.small ? `⚠️ under ${summary.minSize} rows` : '',
      ];
    });
    parts.push(
      `#### Slices by ${escapeMarkdown(headline)}`,
      markdownTable(['Slice', 'Rows', escapeMarkdown(headline), level ?? 'CI', 'Note'], rows),
    );
    const gap = summary.gaps[headline];
    if (gap)
      parts.push(
        `Worst slice: ${escapeMarkdown(gap.worst)} (${escapeMarkdown(headline)} ${format(gap.worstValue)}); largest gap ${format(gap.gap)} against ${escapeMarkdown(gap.best)}. Slices under ${summary.minSize} rows are shown but not ranked.`,
      );
  }
  if (report.fairness && Object.keys(report.fairness).length)
    parts.push(renderFairnessSummary(report.fairness, level));
  return parts.join('\n\n');
}
