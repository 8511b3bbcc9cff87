/**
 * One side of the fairness bench, in a process of its own:
 *   tsx metrics-fairness-worker.ts <predictions.csv> <with|without> <resamples>
 * evaluate-model's evaluation of the file (read, metrics, bootstrap), with its four sensitive
 * attributes or without them. Prints one JSON object: seconds, the fairness part's own seconds
 * and the peak RSS.
 */
import { evaluatePredictions } from '../../shared/metrics/evaluate-predictions.js';
import { parseSensitiveFeatures } from '../../shared/metrics/fairness.js';

const [path, mode, resamples] = process.argv.slice(2) as [string, 'with' | 'without', string];
const spec = {
  task: 'binary' as const,
  label: 'label',
  prediction: 'prediction',
  positive: '1',
  scores: [{ class: '1', column: 'score' }],
  weight: 'weight',
};
export const ATTRIBUTES = ['sex', 'age_band', 'region', 'sex,age_band'];
const attributes = parseSensitiveFeatures(ATTRIBUTES, {
  label: 'label',
  prediction: 'prediction',
  scores: ['score'],
  weight: 'weight',
});
const started = performance.now();
const evaluation = await evaluatePredictions(path, 'csv', spec, {
  minSliceSize: 30,
  bootstrap: { resamples: Number(resamples), confidence: 0.95, seed: 0 },
  workBudget: 1e12,
  ...(mode === 'with' ? { fairness: { attributes, minGroupSize: 30 } } : {}),
});
const seconds = (performance.now() - started) / 1000;
if (mode === 'with' && Object.keys(evaluation.fairness ?? {}).length !== ATTRIBUTES.length)
  throw new Error('the fairness section is missing an attribute');
console.log(
  JSON.stringify({
    seconds,
    resamples: evaluation.bootstrap?.resamples,
    measures: Object.values(evaluation.fairness ?? {}).reduce(
      (sum, a) => sum + Object.keys(a.measures).length,
      0,
    ),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
