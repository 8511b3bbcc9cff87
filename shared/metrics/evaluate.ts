/** Metrics from a predictions file, streamed row by row. */
import { createHash } from 'node:crypto';
import { UserError } from '../action/errors.js';
import { readDelimited, type DelimitedFormat } from '../data/delimited.js';
import { createAccumulator, PredictionError, type MetricValue, type Task } from './compute.js';

export interface PredictionColumns {
  label: string;
  prediction: string;
}

export async function evaluatePredictions(path: string, format: DelimitedFormat, task: Task, columns: PredictionColumns): Promise<{ rows: number; labelsSha256: string; metrics: Record<string, MetricValue> }> {
  const accumulator = createAccumulator(task);
  // Identifies the evaluation set: two models scored on the same examples in the same order
  // share it, whatever they predicted.
  const labels = createHash('sha256');
  let labelIndex = -1;
  let predictionIndex = -1;
  let header: string[] | undefined;
  let rows = 0;
  await readDelimited(path, format, ({ fields, line, parseError, blank }) => {
    if (blank) return; // an empty line holds no example
    if (!header) {
      header = fields;
      labelIndex = fields.indexOf(columns.label);
      predictionIndex = fields.indexOf(columns.prediction);
      const missing = [['label-column', columns.label, labelIndex], ['prediction-column', columns.prediction, predictionIndex]].filter(([, , index]) => index === -1);
      if (missing.length) {
        const names = missing.map(([input, name]) => `"${name}" (input ${input})`).join(' and ');
        throw new UserError(`The predictions file "${path}" has no column ${names}. Its columns are: ${fields.map((f) => JSON.stringify(f)).join(', ')}.`);
      }
      return;
    }
    rows++;
    if (parseError) throw new UserError(`The predictions file "${path}" cannot be read at line ${line}: ${parseError}.`);
    const label = fields[labelIndex] ?? '';
    const prediction = fields[predictionIndex] ?? '';
    for (const [column, value] of [[columns.label, label], [columns.prediction, prediction]] as const) {
      if (value.trim() === '') throw new UserError(`The predictions file "${path}", line ${line}: column "${column}" is empty. Every row needs a label and a prediction; drop rows the model did not score.`);
    }
    labels.update(`${label}\n`);
    try {
      accumulator.add(label, prediction, rows);
    } catch (error) {
      if (error instanceof PredictionError) {
        const column = error.column === 'label' ? columns.label : columns.prediction;
        throw new UserError(`The predictions file "${path}", line ${line}, column "${column}": ${error.message}. A ${task} task needs numbers there.`);
      }
      throw error;
    }
  });
  if (!header) throw new UserError(`The predictions file "${path}" is empty: it needs a header row and one row per example.`);
  if (rows === 0) throw new UserError(`The predictions file "${path}" has a header but no rows: there is nothing to evaluate.`);
  return { rows, labelsSha256: labels.digest('hex'), metrics: accumulator.result() };
}
