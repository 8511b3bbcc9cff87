/**
 * The `score-columns` input of evaluate-model and monitor-model: which column holds the
 * probability of which class.
 */
import { InputError } from '../action/errors.js';
import type { ScoreColumn } from './predictions.js';

/** `score-columns` lines: `<class>=<column>`, or a bare column named as its class (binary: the positive class). */
export function scoreColumns(
  lines: readonly string[],
  task: 'binary' | 'multiclass' | 'regression',
  positive: string,
): ScoreColumn[] {
  if (task === 'regression')
    throw new InputError(
      'Input "score-columns" holds class probabilities; a regression task has none. Leave it empty.',
    );
  const columns = lines.map((line) => {
    const split = line.indexOf('=');
    return split === -1
      ? { class: task === 'binary' ? positive : line, column: line }
      : { class: line.slice(0, split).trim(), column: line.slice(split + 1).trim() };
  });
  if (task === 'binary') {
    if (columns.length !== 1)
      throw new InputError(
        `For a binary task, input "score-columns" is one column, the probability of the positive class "${positive}"; got ${columns.length}.`,
      );
    if (columns[0]!.class !== positive)
      throw new InputError(
        `Input "score-columns" gives the probability of class "${columns[0]!.class}", but the positive class ("positive-label") is "${positive}". Give the positive class's probability.`,
      );
  }
  const repeated = columns.find((c, i) => columns.findIndex((d) => d.class === c.class) !== i);
  if (repeated)
    throw new InputError(`Input "score-columns" lists class "${repeated.class}" twice.`);
  return columns;
}
