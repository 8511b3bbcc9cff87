/**
 * The Fairness part of evaluate-model's job summary: per attribute, the groups' rows and rates
 * and the measures with their intervals. Groups are data about people and a summary is public
 * in a public repository: it shows group names, counts and rates, never rows, and the groups
 * under min-group-size are merged into one line (publishableGroups). The full table stays in
 * the report.
 */
import { escapeMarkdown, markdownTable } from '../markdown/escape.js';
import {
  publishableGroups,
  type FairnessReport,
  type PublishableGroup,
} from './fairness-report.js';

const format = (value: number) => (Number.isInteger(value) ? String(value) : value.toPrecision(4));
const rate = (value: number | null | undefined) =>
  value === undefined ? '' : value === null ? 'undefined' : format(value);

/** Longest a group name is shown: a value from the predictions file. */
const MAX_NAME = 60;
const shown = (name: string) =>
  escapeMarkdown(
    [...name].length > MAX_NAME ? `${[...name].slice(0, MAX_NAME - 1).join('')}…` : name,
  );

/** Most measure lines per attribute (multiclass has six per class); the rest are in the report. */
const MAX_MEASURE_LINES = 18;
/** Most notes per attribute. */
const MAX_NOTES = 5;

export function renderFairnessSummary(fairness: FairnessReport, level: string | undefined): string {
  const parts: string[] = ['#### Fairness'];
  for (const [attribute, section] of Object.entries(fairness)) {
    const lines = publishableGroups(section);
    const sample = Object.values(section.groups)[0];
    const task =
      sample?.selectionRate !== undefined
        ? 'binary'
        : sample?.meanPrediction !== undefined
          ? 'regression'
          : 'multiclass';
    const metricNames =
      task === 'multiclass'
        ? ['accuracy', 'f1_macro']
        : task === 'regression'
          ? ['mae', 'rmse']
          : [];
    const header = [
      'Group',
      'Rows',
      ...(task === 'binary' ? ['Selection rate', 'TPR', 'FPR'] : []),
      ...(task === 'regression' ? ['Mean prediction'] : []),
      ...metricNames,
    ];
    const row = (line: PublishableGroup) => {
      const group = line.merged ? undefined : section.groups[line.name];
      return [
        line.merged ? escapeMarkdown(line.name) : shown(line.name),
        String(line.rows),
        ...(task === 'binary'
          ? [rate(line.selectionRate), rate(line.truePositiveRate), rate(line.falsePositiveRate)]
          : []),
        ...(task === 'regression' ? [rate(line.meanPrediction)] : []),
        ...metricNames.map((m) => {
          const metric = group?.metrics[m];
          return metric ? format(metric.value) : '';
        }),
      ];
    };
    parts.push(
      `**${shown(attribute)}**${section.columns.length > 1 ? ' (intersection)' : ''}`,
      markdownTable(header, lines.map(row)),
    );
    const measures = Object.entries(section.measures);
    if (measures.length) {
      const measureRows = measures
        .slice(0, MAX_MEASURE_LINES)
        .map(([name, m]) => [
          escapeMarkdown(name),
          m.value === null ? 'undefined' : format(m.value),
          ...(level ? [m.ci ? `${format(m.ci[0])} – ${format(m.ci[1])}` : ''] : []),
          m.worstGroup === undefined ? '' : shown(m.worstGroup),
        ]);
      parts.push(
        markdownTable(['Measure', 'Value', ...(level ? [level] : []), 'Worst group'], measureRows),
      );
      if (measures.length > MAX_MEASURE_LINES)
        parts.push(
          `${measures.length - MAX_MEASURE_LINES} more measures are in the metrics report.`,
        );
    }
    const notes = section.notes.slice(0, MAX_NOTES).map((note) => `- ${escapeMarkdown(note)}`);
    if (section.notes.length > MAX_NOTES)
      notes.push(`- ${section.notes.length - MAX_NOTES} more notes are in the metrics report.`);
    if (notes.length) parts.push(notes.join('\n'));
  }
  return parts.join('\n\n');
}
