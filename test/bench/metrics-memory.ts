/**
 * evaluate-model's memory per row, in a process of its own (node --expose-gc):
 *   metrics-memory.ts <folder> <binary|multiclass> <classes> <resamples> <peak|live>
 * Reads <folder>/predictions.csv as evaluate-model does and prints one JSON object.
 *
 * - `peak`: evaluatePredictions as the action runs it (the reader into typed columns, the
 *   metric suite, the bootstrap); the process's peak resident memory (getrusage's maxRSS) less
 *   its resident memory before, after a warm-up on a small file and a forced collection.
 * - `live`: the same steps one at a time, with a forced collection after each, and the most
 *   that JavaScript holds after any of them (V8's heap plus typed arrays, less the same before):
 *   what the rows themselves cost, without garbage or the heap's spare room.
 *
 * The parent runs it with MALLOC_MMAP_THRESHOLD_ fixed: glibc otherwise raises its threshold
 * to the size of the last large block freed, after which freed typed arrays stay in its heap
 * and in the resident memory (the peak then varied by 40 bytes a row between runs).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bootstrapIntervals } from '../../shared/metrics/bootstrap.js';
import { prepareMetrics } from '../../shared/metrics/compute.js';
import { evaluatePredictions } from '../../shared/metrics/evaluate-predictions.js';
import { readPredictions, type PredictionSpec } from '../../shared/metrics/predictions.js';

const [folder, task, classCount, resampleCount, mode] = process.argv.slice(2) as [
  string,
  'binary' | 'multiclass',
  string,
  string,
  'peak' | 'live',
];
const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error('metrics-memory.ts needs node --expose-gc');
const classes = Array.from({ length: Number(classCount) }, (_, c) => String(c));
const spec: PredictionSpec = {
  task,
  label: 'label',
  prediction: 'prediction',
  positive: task === 'binary' ? '1' : undefined,
  scores:
    task === 'binary'
      ? [{ class: '1', column: 'score' }]
      : classes.map((c) => ({ class: c, column: `p${c}` })),
};
const bootstrap = { resamples: Number(resampleCount), confidence: 0.95, seed: 0 };
const path = join(folder, 'predictions.csv');

// A warm-up on a few rows, so that code and the reader's buffers are not counted as the file's.
const warmUp = join(folder, 'warm-up.csv');
await writeFile(
  warmUp,
  task === 'binary'
    ? 'label,prediction,score\n1,1,0.9\n0,0,0.2\n1,0,0.4\n0,1,0.6\n'
    : `label,prediction,${classes.map((c) => `p${c}`).join(',')}\n${classes
        .map((c) => `${c},${c},${classes.map((d) => (d === c ? 1 : 0)).join(',')}`)
        .join('\n')}\n`,
);
await evaluatePredictions(warmUp, 'csv', spec, { minSliceSize: 1, bootstrap });
collect();
await new Promise((resolve) => setTimeout(resolve, 50));
collect();
const held = () => {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};
const rssBefore = process.memoryUsage().rss;
const heldBefore = held();

if (mode === 'peak') {
  const started = performance.now();
  const evaluation = await evaluatePredictions(path, 'csv', spec, { minSliceSize: 30, bootstrap });
  const peakRss = process.resourceUsage().maxRSS * 1024;
  console.log(
    JSON.stringify({
      rows: evaluation.rows,
      seconds: (performance.now() - started) / 1000,
      rssBeforeBytes: rssBefore,
      peakRssBytes: peakRss,
      bytesPerRow: (peakRss - rssBefore) / evaluation.rows,
    }),
  );
} else {
  // The steps of evaluateSet, each followed by a collection: what is still held is what the step keeps.
  let most = 0;
  // Typed arrays' memory is freed by a task after the collection that finds them unreachable:
  // collect, let it run, collect again.
  const sample = async () => {
    collect();
    await new Promise((resolve) => setTimeout(resolve, 50));
    collect();
    most = Math.max(most, held() - heldBefore);
  };
  const read = await readPredictions(path, 'csv', spec);
  await sample();
  const prepared = prepareMetrics(read.set);
  await sample();
  const point = prepared.evaluate(null);
  await sample();
  bootstrapIntervals(prepared, Object.keys(point), bootstrap);
  await sample();
  console.log(JSON.stringify({ rows: read.rows, heldBytes: most, bytesPerRow: most / read.rows }));
}
