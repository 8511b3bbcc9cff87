/**
 * A key metric across the recent versions in production, and the candidate, as a Mermaid
 * xychart, which GitHub renders in comments without any image host. Labels come from
 * deployment payloads and reports, so they pass through mermaidLabel.
 */
import { format } from '../gates/judge.js';
import { mermaidLabel } from '../markdown/escape.js';

export interface HistoryPoint {
  version: string;
  metrics: Readonly<Record<string, number>>;
}

/** A line chart of `metric` over `history` (oldest first) and the candidate; undefined with fewer than two points. */
export function metricChart(
  metric: string,
  history: readonly HistoryPoint[],
  candidate: number | undefined,
): string | undefined {
  const points = history
    .filter((point) => Number.isFinite(point.metrics[metric]))
    .map((point) => ({ label: mermaidLabel(point.version, 14), value: point.metrics[metric]! }));
  if (candidate !== undefined && Number.isFinite(candidate))
    points.push({ label: 'this PR', value: candidate });
  if (points.length < 2) return undefined;
  const values = points.map((p) => p.value);
  const [low, high] = yRange(Math.min(...values), Math.max(...values));
  const labels = uniqueLabels(points.map((p) => p.label));
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${mermaidLabel(metric, 60)}"`,
    `  x-axis [${labels.map((label) => `"${label}"`).join(', ')}]`,
    `  y-axis "${mermaidLabel(metric, 30)}" ${format(low)} --> ${format(high)}`,
    `  line [${values.map((v) => format(v)).join(', ')}]`,
    '```',
  ].join('\n');
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
