import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/action/errors.js';
import {
  BOOTSTRAP_WORK_BUDGET,
  boundedResamples,
  MIN_BOOTSTRAP_RESAMPLES,
} from '../../shared/metrics/bootstrap.js';
import { cappedConfusion, shownClasses } from '../../shared/metrics/classification.js';
import { MAX_REPORTED_CLASSES, prepareMetrics } from '../../shared/metrics/compute.js';
import { evaluatePredictions } from '../../shared/metrics/evaluate-predictions.js';
import { Cell, PredictionSetBuilder } from '../../shared/metrics/predictions.js';
import { METRICS_REPORT_FORMAT, type MetricsReport } from '../../shared/metrics/report.js';
import { renderEvaluationSummary } from '../../shared/metrics/summary.js';
import { writeCsv } from '../helpers/data-files.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = await tempDir();

/** Rows over `k` classes: class c is the true label of about rows/k rows, predicted right two times in three. */
function manyClasses(rows: number, k: number) {
  const label = (i: number) => `class-${(i * 7919) % k}`;
  return {
    columns: ['label', 'prediction'],
    rows: Array.from({ length: rows }, (_, i) => [label(i), i % 3 === 0 ? label(i + 1) : label(i)]),
  };
}

describe('many classes: the report stays readable and the work stays linear', () => {
  it('keeps the per-class values and the matrix of the 50 classes with the most rows, in class order', () => {
    const support = Float64Array.from([5, 1, 9, 9, 0, 3]);
    expect(shownClasses(support, 3)).toEqual([0, 2, 3]);
    expect(shownClasses(support, 10)).toEqual([0, 1, 2, 3, 4, 5]);
    // Ties go to the earlier class.
    expect(shownClasses(Float64Array.from([2, 2, 2]), 2)).toEqual([0, 1]);
    const capped = cappedConfusion(
      ['a', 'b', 'c'],
      Int32Array.from([0, 0, 1, 2, 2, 2]),
      Int32Array.from([0, 2, 1, 2, 0, 1]),
      null,
      2,
    );
    // a and c shown; the rows a→c, c→a and c→c count, c→b (b not shown) and b→b are left out.
    expect(capped).toEqual({
      shown: [0, 2],
      matrix: [
        [1, 1],
        [1, 1],
      ],
    });
  });

  it('evaluates 10,000 classes with a bootstrap in seconds, with every class in the averages', async () => {
    const rows = 20_000;
    const k = 10_000;
    const path = await writeCsv(join(dir, 'many.csv'), manyClasses(rows, k));
    const started = performance.now();
    const evaluation = await evaluatePredictions(
      path,
      'csv',
      { task: 'multiclass', label: 'label', prediction: 'prediction' },
      { minSliceSize: 30, bootstrap: { resamples: 200, confidence: 0.95, seed: 1 } },
    );
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(evaluation.confusion!.classes).toHaveLength(MAX_REPORTED_CLASSES);
    expect(evaluation.confusion!.totalClasses).toBe(k);
    expect(evaluation.confusion!.matrix).toHaveLength(MAX_REPORTED_CLASSES);
    const perClass = Object.keys(evaluation.metrics).filter((name) =>
      /^(precision|recall|f1)\./.test(name),
    );
    expect(perClass).toHaveLength(3 * MAX_REPORTED_CLASSES);
    expect(evaluation.metrics.accuracy!.value).toBeCloseTo(2 / 3, 3);
    expect(evaluation.metrics.accuracy!.ci).toHaveLength(2);
    expect(evaluation.warnings).toEqual([]);
    expect(JSON.stringify(evaluation).length).toBeLessThan(200_000);
  });

  it('leaves per-class values and the matrix unchanged at 50 classes or fewer', () => {
    const classes = Array.from({ length: 50 }, (_, c) => `c${c}`);
    const labels = Int32Array.from({ length: 500 }, (_, i) => i % 50);
    const predictions = Int32Array.from({ length: 500 }, (_, i) => (i * 3) % 50);
    const prepared = prepareMetrics({ task: 'multiclass', classes, labels, predictions });
    expect(prepared.confusion!.classes).toEqual(classes);
    expect(prepared.confusion!.totalClasses).toBeUndefined();
    expect(
      Object.keys(prepared.evaluate(null)).filter((name) => name.startsWith('f1.')),
    ).toHaveLength(50);
  });

  it('runs fewer resamples with a warning past the work budget, and refuses below the floor', () => {
    const shape = { rows: 1_000_000, classes: 2, scoreColumns: 1, sliceColumns: 2 };
    expect(boundedResamples(1000, { ...shape, sliceColumns: 0 }, 'p.csv')).toEqual({
      resamples: 1000,
    });
    const reduced = boundedResamples(5000, shape, 'p.csv');
    expect(reduced.resamples).toBe(Math.floor(BOOTSTRAP_WORK_BUDGET / (3 * (2_000_000 + 20))));
    expect(reduced.warning).toMatch(
      /Input "bootstrap" asks for 5000 resamples, but the predictions file "p.csv" \(1000000 rows, 2 classes, 1 score columns and 2 slice columns\) affords \d+/,
    );
    const refused = (() => {
      try {
        boundedResamples(
          1000,
          { rows: 20_000, classes: 10_000, scoreColumns: 10_000, sliceColumns: 0 },
          'p.csv',
        );
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(UserError);
    expect((refused as Error).message).toMatch(
      new RegExp(`not even ${MIN_BOOTSTRAP_RESAMPLES} resamples fit .*Set "bootstrap: 0"`),
    );
  });

  it('evaluates with the resamples the budget affords, and says so', async () => {
    const path = await writeCsv(join(dir, 'budget.csv'), {
      ...manyClasses(100, 4),
      columns: ['label', 'prediction'],
    });
    const spec = {
      task: 'multiclass' as const,
      label: 'label',
      prediction: 'prediction',
      slices: [],
    };
    const options = { minSliceSize: 30, bootstrap: { resamples: 1000, confidence: 0.95, seed: 1 } };
    // A resample costs 100 rows + 10 × 4 classes = 140 units: 300 fit in 42,000.
    const reduced = await evaluatePredictions(path, 'csv', spec, {
      ...options,
      workBudget: 42_000,
    });
    expect(reduced.bootstrap?.resamples).toBe(300);
    expect(reduced.warnings).toEqual([
      expect.stringMatching(
        /asks for 1000 resamples, .* affords 300 within the bootstrap's work budget/,
      ),
    ]);
    expect(reduced.metrics.accuracy!.ci).toHaveLength(2);
    await expect(
      evaluatePredictions(path, 'csv', spec, { ...options, workBudget: 140 * 199 }),
    ).rejects.toThrow(/not even 200 resamples fit the budget of 3e\+4/);
    expect((await evaluatePredictions(path, 'csv', spec, options)).bootstrap?.resamples).toBe(1000);
  });

  it('refuses more probabilities than it holds in memory, at the row that brings one too many', () => {
    const scores = [
      { class: 'a', column: 'p_a' },
      { class: 'b', column: 'p_b' },
    ];
    const builder = new PredictionSetBuilder(
      { task: 'multiclass', label: 'label', prediction: 'prediction', scores },
      'p.csv',
      5,
    );
    const add = (line: number) =>
      builder.add(
        { where: `line ${line}`, label: 'a', prediction: 'a' },
        scores.map((s) => new Cell('p.csv', `line ${line}`, s.column, '0.5')),
        undefined,
      );
    add(2);
    add(3);
    expect(() => add(4)).toThrow(
      /^The predictions file "p.csv", line 4: more than 5 probabilities \(rows × 2 score columns\), more than evaluate-model holds in memory\. Evaluate a sample of the rows, or fewer score columns\.$/,
    );
  });

  it('says in the summary that classes were left out, with hostile class names escaped and cut', () => {
    const hostile = `<img src=x onerror=alert(1)>|**bold**|@org/team ${'x'.repeat(500)}`;
    const report: MetricsReport = {
      format: METRICS_REPORT_FORMAT,
      model: 'm',
      task: 'multiclass',
      metrics: { accuracy: { value: 0.5, n: 4 }, [`f1.${hostile}`]: { value: 0.5, n: 4 } },
      slices: {},
      confusionMatrix: {
        classes: [hostile, 'b'],
        matrix: [
          [1, 1],
          [0, 2],
        ],
        totalClasses: 9000,
      },
      bootstrap: {
        method: 'poisson-bootstrap, percentile interval',
        resamples: 300,
        requested: 1000,
        confidence: 0.95,
        seed: 0,
      },
    };
    const summary = renderEvaluationSummary(report);
    expect(summary).toContain(
      '9000 classes: per-class values and the confusion matrix show the 2 with the most rows; the other 8998 are left out',
    );
    expect(summary).toContain('300 bootstrap resamples (1000 were asked for');
    expect(summary).not.toMatch(/<img|\*\*bold|x{100}/);
    expect(summary).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
