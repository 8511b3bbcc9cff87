import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAccumulator, type Task } from '../../shared/metrics/compute.js';
import { flattenMetrics } from '../../shared/metrics/report.js';

interface Case {
  name: string;
  task: Task;
  labels: string[];
  predictions: string[];
  expected: Record<string, number>;
}

// Values computed by scikit-learn: test/fixtures/metrics/make_fixtures.py writes this file.
const fixtures = JSON.parse(readFileSync(new URL('../fixtures/metrics/sklearn-values.json', import.meta.url), 'utf8')) as { sklearn: string; cases: Case[] };

describe(`metrics against scikit-learn ${fixtures.sklearn}`, () => {
  it('has fixtures for every task', () => {
    expect(new Set(fixtures.cases.map((c) => c.task))).toEqual(new Set(['binary', 'multiclass', 'regression']));
  });

  it.each(fixtures.cases.map((c) => [c.name, c] as const))('%s', (_name, fixture) => {
    const accumulator = createAccumulator(fixture.task);
    fixture.labels.forEach((label, index) => accumulator.add(label, fixture.predictions[index]!, index + 1));
    const result = accumulator.result();
    expect(Object.keys(result).sort()).toEqual(Object.keys(fixture.expected).sort());
    for (const [name, expected] of Object.entries(fixture.expected)) {
      const actual = result[name]!.value;
      expect(Math.abs(actual - expected), `${name}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
      expect(result[name]!.n).toBe(fixture.labels.length);
    }
  });

  it('rejects a non-numeric regression value, naming the row', () => {
    const accumulator = createAccumulator('regression');
    expect(() => accumulator.add('1', 'abc', 5)).toThrow('row 5: the prediction "abc" is not a finite number');
    expect(() => accumulator.add('Infinity', '1', 6)).toThrow('row 6: the label "Infinity" is not a finite number');
  });
});

describe('flattenMetrics', () => {
  it('joins nested keys with dots and keeps only numbers, as DVC does', () => {
    expect(flattenMetrics({ train: { loss: 0.1, epochs: { best: 3 } }, acc: 0.9, name: 'x', ok: true, list: [1] }, 'm.json', 'metrics file')).toEqual({
      'train.loss': { value: 0.1 },
      'train.epochs.best': { value: 3 },
      acc: { value: 0.9 },
    });
  });
});
