/**
 * evaluate-model's side of the metrics bench, in a process of its own so that its peak memory
 * is its own:  tsx metrics-worker.ts <folder> <binary|multiclass> <classes> <resamples>
 * Prints one JSON object: seconds per part, peak RSS and the point values.
 */
import { readFileSync } from 'node:fs';
import { bootstrapIntervals } from '../../shared/metrics/bootstrap.js';
import { prepareMetrics, type ClassificationSet } from '../../shared/metrics/compute.js';
import { readPredictions } from '../../shared/metrics/predictions.js';

const [folder, task, classCount, resampleCount] = process.argv.slice(2) as [
  string,
  'binary' | 'multiclass',
  string,
  string,
];
const k = Number(classCount);
const typed = <T>(file: string, make: (buffer: ArrayBuffer) => T): T => {
  const bytes = readFileSync(`${folder}/${file}`);
  return make(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};
const labels = typed('labels.i32', (b) => new Int32Array(b));
const predictions = typed('predictions.i32', (b) => new Int32Array(b));
const scores = typed('scores.f64', (b) => new Float64Array(b));
const classes = Array.from({ length: k }, (_, c) => String(c));
const set: ClassificationSet =
  task === 'binary'
    ? { task, classes, labels, predictions, positive: '1', scores }
    : { task, classes, labels, predictions, scores, scoreClasses: classes };

let started = performance.now();
const prepared = prepareMetrics(set);
const values = prepared.evaluate(null);
const pointSeconds = (performance.now() - started) / 1000;

started = performance.now();
bootstrapIntervals(prepared, Object.keys(values), {
  resamples: Number(resampleCount),
  confidence: 0.95,
  seed: 0,
});
const bootstrapSeconds = (performance.now() - started) / 1000;
const maxRssBytes = process.resourceUsage().maxRSS * 1024;

// Reading the same predictions from CSV, as evaluate-model does, with every value checked.
started = performance.now();
const scoreColumns =
  task === 'binary'
    ? [{ class: '1', column: 'score' }]
    : classes.map((c) => ({ class: c, column: `p${c}` }));
const read = await readPredictions(`${folder}/predictions.csv`, 'csv', {
  task,
  label: 'label',
  prediction: 'prediction',
  positive: task === 'binary' ? '1' : undefined,
  scores: scoreColumns,
});
const readCsvSeconds = (performance.now() - started) / 1000;
if (read.rows !== labels.length) throw new Error(`read ${read.rows} rows of ${labels.length}`);

console.log(
  JSON.stringify({ pointSeconds, bootstrapSeconds, readCsvSeconds, maxRssBytes, values }),
);
