/**
 * A key metric across the recent versions in production, and the candidate, as a Mermaid
 * xychart, which GitHub renders in comments without any image host, followed by the values in
 * one line of Markdown (a line chart shows the trend; the line says the numbers, and survives a
 * viewer that draws no charts). Labels come from deployment payloads and reports, so they pass
 * through mermaidLabel in the chart and inlineCode in the line.
 */
import { format } from '../gates/judge.js';
import { inlineCode, mermaidLabel } from '../markdown/escape.js';

export interface HistoryPoint {
  version: string;
  metrics: Readonly<Record<string, number>>;
}

/**
 * The chart's colours, fixed whatever colour mode the reader has. GitHub draws a chart with
 * mermaid's "default" theme in light mode (its line is #ECECFF, pale lavender, nearly invisible
 * on white) and "dark" in dark mode; a chart of its own colours reads the same in both: a white
 * card with GitHub's text colour (#1f2328, 16:1 on white) and its accent blue (#0969da, 5:1) for
 * the line. The directive's JSON holds no label, only these constants.
 */
const CHART_COLOURS = {
  backgroundColor: '#ffffff',
  titleColor: '#1f2328',
  xAxisLabelColor: '#1f2328',
  xAxisTitleColor: '#1f2328',
  xAxisTickColor: '#59636e',
  xAxisLineColor: '#59636e',
  yAxisLabelColor: '#1f2328',
  yAxisTitleColor: '#1f2328',
  yAxisTickColor: '#59636e',
  yAxisLineColor: '#59636e',
  plotColorPalette: '#0969da',
};
/** Mermaid's default xychart is 700 by 500 pixels: a lower one keeps a comment short. */
const CHART_SIZE = { width: 700, height: 320 };
export const CHART_THEME_DIRECTIVE = `%%{init: ${JSON.stringify({ theme: 'base', themeVariables: { xyChart: CHART_COLOURS }, xyChart: CHART_SIZE })}}%%`;

/** A line chart of `metric` over `history` (oldest first) and the candidate; undefined with fewer than two points. */
export function metricChart(
  metric: string,
  history: readonly HistoryPoint[],
  candidate: number | undefined,
): string | undefined {
  const points = history
    .filter((point) => Number.isFinite(point.metrics[metric]))
    .map((point) => ({ version: point.version, value: point.metrics[metric]! }));
  const hasCandidate = candidate !== undefined && Number.isFinite(candidate);
  if (points.length + (hasCandidate ? 1 : 0) < 2) return undefined;
  const values = points.map((p) => p.value);
  const labels = points.map((p) => mermaidLabel(p.version, 14));
  if (hasCandidate) {
    labels.push('this PR');
    values.push(candidate);
  }
  return [
    lineChart(metric, labels, values),
    '',
    valuesLine(metric, points, hasCandidate ? candidate : undefined),
  ].join('\n');
}

/**
 * A mermaid line chart of `values` over `labels` (already passed through mermaidLabel), titled
 * and with its y axis named `title` (hostile text: escaped here), in the fixed colours above.
 */
export function lineChart(
  title: string,
  labels: readonly string[],
  values: readonly number[],
  range?: readonly [number, number],
): string {
  const [low, high] = range ?? yRange(Math.min(...values), Math.max(...values));
  return [
    '```mermaid',
    CHART_THEME_DIRECTIVE,
    'xychart-beta',
    `  title "${mermaidLabel(title, 60)}"`,
    `  x-axis [${uniqueLabels(labels)
      .map((label) => `"${label}"`)
      .join(', ')}]`,
    `  y-axis "${mermaidLabel(title, 30)}" ${format(low)} --> ${format(high)}`,
    `  line [${values.map((v) => format(v)).join(', ')}]`,
    '```',
  ].join('\n');
}

/** The chart's numbers, oldest first, the candidate's in bold: readable at a glance and by a screen reader. */
function valuesLine(
  metric: string,
  points: readonly { version: string; value: number }[],
  candidate: number | undefined,
): string {
  const shown = points.map(
    (p) => `${inlineCode([...p.version].slice(0, 14).join(''))} ${format(p.value)}`,
  );
  if (candidate !== undefined) shown.push(`this PR **${format(candidate)}**`);
  return `<sub>${inlineCode(metric)}: ${shown.join(' → ')}</sub>`;
}

/** A range with some room around the values, so that a flat line is not drawn on the frame. */
function yRange(min: number, max: number): [number, number] {
  const pad = max > min ? (max - min) * 0.25 : Math.abs(max) * 0.05 || 1;
  return [min - pad, max + pad];
}

/** Mermaid merges equal category labels, so repeated versions (a re-deployment) are numbered. */
function uniqueLabels(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const count = (seen.get(label) ?? 0) + 1;
    seen.set(label, count);
    return count === 1 ? label : `${label} (${count})`;
  });
}
