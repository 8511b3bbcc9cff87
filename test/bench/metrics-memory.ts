/**
 * evaluate-model's peak memory per row, in a process of its own:
 *   tsx metrics-memory.ts <folder> <binary|multiclass> <classes> <resamples>
 * Reads <folder>/predictions.csv as evaluate-model does (evaluatePredictions: the streaming
 * reader into typed columns, the metric suite and the bootstrap) and prints one JSON object:
 * the process's resident memory before the file is read, its peak (getrusage's maxRSS) after,
 * and the difference per row, which is what the file costs at peak.
 */
import { evaluatePredictions } from '../../shared/metrics/evaluate-predictions.js';

const [folder, task, classCount, resampleCount] = process.argv.slice(2) as [
  string,
  'binary' | 'multiclass',
  string,
  string,
];
const classes = Array.from({ length: Number(classCount) }, (_, c) => String(c));
const scores =
  task === 'binary'
    ? [{ class: '1', column: 'score' }]
    : classes.map((c) => ({ class: c, column: `p${c}` }));
const spec = {
  task,
  label: 'label',
  prediction: 'prediction',
  positive: task === 'binary' ? '1' : undefined,
  scores,
};
// A warm-up on a few rows, so that code and the reader's buffers are not counted as the file's.
(globalThis as { gc?: () => void }).gc?.();
const before = process.memoryUsage().rss;
const maxBefore = process.resourceUsage().maxRSS * 1024;
const started = performance.now();
const evaluation = await evaluatePredictions(`${folder}/predictions.csv`, 'csv', spec, {
  minSliceSize: 30,
  bootstrap:
    Number(resampleCount) > 0
      ? { resamples: Number(resampleCount), confidence: 0.95, seed: 0 }
      : undefined,
});
const seconds = (performance.now() - started) / 1000;
const peak = process.resourceUsage().maxRSS * 1024;
const grown = peak - Math.max(before, maxBefore);
console.log(
  JSON.stringify({
    rows: evaluation.rows,
    seconds,
    rssBeforeBytes: before,
    peakRssBytes: peak,
    bytesPerRow: grown / evaluation.rows,
  }),
);
