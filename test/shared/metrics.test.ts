import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { prepareMetrics, type Task } from '../../shared/metrics/compute.js';
import { evaluatePredictions } from '../../shared/metrics/evaluate-predictions.js';
import { writeCsv, writeJsonl, writeParquet } from '../helpers/data-files.js';
import { tempDir } from '../helpers/temp-dir.js';
import {
  Cell,
  PredictionSetBuilder,
  readPredictions,
  subsetPredictions,
} from '../../shared/metrics/predictions.js';
import { flattenMetrics } from '../../shared/metrics/report.js';
import { descendingOrder } from '../../shared/metrics/sort.js';
import { Xoshiro128 } from '../../shared/metrics/random.js';

interface Case {
  name: string;
  task: Task;
  labels: string[];
  predictions: string[];
  positive?: string;
  scores?: number[] | number[][];
  scoreClasses?: string[];
  weights?: number[];
  expected: Record<string, number>;
  /** Metrics scikit-learn refuses (or returns as NaN) on these rows, with its message. */
  refused?: Record<string, string>;
  missingLabels?: 'drop';
  confusion?: { classes: string[]; matrix: number[][] };
  /** Quantiles of prediction − label (regression). */
  residuals?: Record<string, number>;
  slices?: string[];
  expectedSlices?: Record<string, Record<string, number>>;
}

// Values computed by scikit-learn: test/fixtures/metrics/make_fixtures.py writes this file.
const fixtures = JSON.parse(
  readFileSync(new URL('../fixtures/metrics/sklearn-values.json', import.meta.url), 'utf8'),
) as { sklearn: string; cases: Case[] };

/** The fixture's rows through the same builder the predictions reader uses. */
function buildSet(fixture: Case) {
  const scoreColumns =
    fixture.task === 'binary'
      ? [{ class: fixture.positive!, column: 'score' }]
      : (fixture.scoreClasses ?? []).map((c) => ({ class: c, column: `p_${c}` }));
  const builder = new PredictionSetBuilder(
    {
      task: fixture.task,
      label: 'label',
      prediction: 'prediction',
      positive: fixture.positive,
      scores: fixture.scores ? scoreColumns : undefined,
      weight: fixture.weights ? 'weight' : undefined,
      missingLabels: fixture.missingLabels,
    },
    'fixture.csv',
  );
  fixture.labels.forEach((label, index) => {
    const where = `line ${index + 2}`;
    const row = fixture.scores?.[index];
    const scores =
      row === undefined
        ? []
        : (Array.isArray(row) ? row : [row]).map(
            (p, c) => new Cell('fixture.csv', where, scoreColumns[c]!.column, String(p)),
          );
    const weight = fixture.weights
      ? new Cell('fixture.csv', where, 'weight', String(fixture.weights[index]))
      : undefined;
    builder.add({ where, label, prediction: fixture.predictions[index]! }, scores, weight);
  });
  return builder.build();
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function expectClose(actual: Record<string, number>, expected: Record<string, number>) {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, value] of Object.entries(expected)) {
    expect(
      Math.abs(actual[name]! - value),
      `${name}: ${actual[name]} vs scikit-learn's ${value}`,
    ).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(value)));
  }
}

describe(`metrics against scikit-learn ${fixtures.sklearn}`, () => {
  it('has fixtures for every task, with weights, ties and a single class', () => {
    expect(new Set(fixtures.cases.map((c) => c.task))).toEqual(
      new Set(['binary', 'multiclass', 'regression']),
    );
    expect(new Set(fixtures.cases.filter((c) => c.weights).map((c) => c.task))).toEqual(
      new Set(['binary', 'multiclass', 'regression']),
    );
    expect(fixtures.cases.some((c) => new Set(c.labels).size === 1 && c.scores)).toBe(true);
    // The label forms and probabilities of issue 15: pandas floats (`0.0`) beside integers,
    // missing labels, a scored class no label has, probabilities rounded to 4 decimals.
    expect(
      fixtures.cases.some((c) => c.predictions.includes('0.0') && c.labels.includes('0')),
    ).toBe(true);
    expect(fixtures.cases.some((c) => c.missingLabels && c.labels.includes('NaN'))).toBe(true);
    expect(fixtures.cases.some((c) => c.refused?.roc_auc_ovr && !c.slices)).toBe(true);
    expect(
      fixtures.cases.some((c) =>
        (c.scores as number[][] | undefined)?.some?.(
          (row) => Array.isArray(row) && Math.abs(row.reduce((a, b) => a + b, 0) - 1) > 1e-5,
        ),
      ),
    ).toBe(true);
    // A slice whose rows hold a single class, where ROC AUC is undefined.
    const sliced = fixtures.cases.find((c) => c.task === 'binary' && c.expectedSlices)!;
    expect(
      Object.values(sliced.expectedSlices!).some((expected) => expected.roc_auc === undefined),
    ).toBe(true);
  });

  it.each(fixtures.cases.map((c) => [c.name, c] as const))('%s', (_name, fixture) => {
    const set = buildSet(fixture);
    const prepared = prepareMetrics(set);
    expectClose(prepared.evaluate(set.weights ?? null), fixture.expected);
    // What is left out is left out for scikit-learn's reason, in its words.
    for (const [name, message] of Object.entries(fixture.refused ?? {}))
      expect(prepared.why(name), name).toMatch(new RegExp(`^${escapeRegExp(message)}`));
    if (fixture.confusion) {
      const asMap = (c: { classes: string[]; matrix: number[][] }) =>
        Object.fromEntries(
          c.classes.flatMap((t, i) => c.classes.map((p, j) => [`${t}→${p}`, c.matrix[i]![j]!])),
        );
      const actual = asMap(prepared.confusion!);
      for (const [cell, value] of Object.entries(asMap(fixture.confusion)))
        expect(actual[cell], cell).toBeCloseTo(value, 9);
    }
    if (fixture.task === 'regression') {
      expect(fixture.residuals).toBeDefined();
      expectClose({ ...prepared.residuals }, fixture.residuals!);
    }
  });

  it.each(fixtures.cases.filter((c) => c.slices).map((c) => [c.name, c] as const))(
    '%s: read from a CSV file, per slice',
    async (_name, fixture) => {
      const dir = await tempDir();
      const scoreColumns =
        fixture.task === 'binary'
          ? [{ class: fixture.positive!, column: 'score' }]
          : fixture.scoreClasses!.map((c) => ({ class: c, column: `p_${c}` }));
      const header = [
        'label',
        'prediction',
        ...scoreColumns.map((c) => c.column),
        'weight',
        'slice',
      ];
      const lines = fixture.labels.map((label, i) => {
        const row = fixture.scores![i]!;
        return [
          label,
          fixture.predictions[i]!,
          ...(Array.isArray(row) ? row : [row]).map(String),
          String(fixture.weights?.[i] ?? 1),
          fixture.slices![i]!,
        ].join(',');
      });
      const path = join(dir, 'predictions.csv');
      await writeFile(path, [header.join(','), ...lines].join('\n') + '\n');
      const spec = {
        task: fixture.task,
        label: 'label',
        prediction: 'prediction',
        positive: fixture.positive,
        scores: scoreColumns,
        weight: 'weight',
        slices: ['slice'],
      };
      const evaluation = await evaluatePredictions(path, 'csv', spec, { minSliceSize: 30 });
      const values = (metrics: Record<string, { value: number }>) =>
        Object.fromEntries(Object.entries(metrics).map(([name, m]) => [name, m.value]));
      expectClose(values(evaluation.metrics), fixture.expected);
      expect(Object.keys(evaluation.slices).sort()).toEqual(
        Object.keys(fixture.expectedSlices!)
          .map((v) => `slice=${v}`)
          .sort(),
      );
      for (const [value, expected] of Object.entries(fixture.expectedSlices!)) {
        expectClose(values(evaluation.slices[`slice=${value}`]!), expected);
        const rows = fixture.slices!.filter((s) => s === value).length;
        expect(evaluation.sliceSummary!.slices[`slice=${value}`]).toEqual({
          column: 'slice',
          value,
          rows,
          small: rows < 30,
        });
      }
    },
  );

  it('gives the same values on a subset of rows as on those rows alone (slices)', () => {
    const fixture = fixtures.cases.find(
      (c) => c.name === 'multiclass, text labels, tied probabilities',
    )!;
    const set = buildSet(fixture);
    const rows = Uint32Array.from(fixture.labels.keys()).filter((i) => i % 3 === 0);
    const alone = buildSet({
      ...fixture,
      labels: [...rows].map((i) => fixture.labels[i]!),
      predictions: [...rows].map((i) => fixture.predictions[i]!),
      scores: [...rows].map((i) => (fixture.scores as number[][])[i]!),
    });
    expectClose(
      prepareMetrics(subsetPredictions(set, rows)).evaluate(null),
      prepareMetrics(alone).evaluate(null),
    );
  });

  it('treats bootstrap counts as repeated rows', () => {
    const fixture = fixtures.cases.find(
      (c) => c.name === 'regression, tied integer errors, even rows',
    )!;
    const counts = Float64Array.from([2, 0, 1, 3, 0, 1]);
    const repeated = { ...fixture, labels: [] as string[], predictions: [] as string[] };
    counts.forEach((count, i) => {
      for (let r = 0; r < count; r++) {
        repeated.labels.push(fixture.labels[i]!);
        repeated.predictions.push(fixture.predictions[i]!);
      }
    });
    expectClose(
      prepareMetrics(buildSet(fixture)).evaluate(counts),
      prepareMetrics(buildSet(repeated)).evaluate(null),
    );
  });
});

describe('flattenMetrics', () => {
  it('joins nested keys with dots and keeps only numbers, as DVC does', () => {
    expect(
      flattenMetrics(
        { train: { loss: 0.1, epochs: { best: 3 } }, acc: 0.9, name: 'x', ok: true, list: [1] },
        'm.json',
        'metrics file',
      ),
    ).toEqual({
      'train.loss': { value: 0.1 },
      'train.epochs.best': { value: 3 },
      acc: { value: 0.9 },
    });
  });
});

describe('predictions in every format validate-data reads', () => {
  it("gives scikit-learn's values, and the same evaluation hash, from CSV, JSON Lines and Parquet", async () => {
    const fixture = fixtures.cases.find((c) => c.slices && c.task === 'binary')!;
    const dir = await tempDir();
    const table = {
      columns: ['label', 'prediction', 'score', 'weight', 'slice'],
      // Labels stay text in every format: a numeric label column would read back as numbers in
      // JSON Lines and Parquet, which is what the per-format readers are for; here the point is
      // that the same table gives the same evaluation.
      rows: fixture.labels.map((label, i) => [
        label,
        fixture.predictions[i]!,
        fixture.scores![i] as number,
        fixture.weights?.[i] ?? 1,
        fixture.slices![i]!,
      ]),
      parquetTypes: {
        label: 'STRING',
        prediction: 'STRING',
        score: 'DOUBLE',
        weight: 'DOUBLE',
        slice: 'STRING',
      } as const,
    };
    const spec = {
      task: fixture.task,
      label: 'label',
      prediction: 'prediction',
      positive: fixture.positive,
      scores: [{ class: fixture.positive!, column: 'score' }],
      weight: 'weight',
      slices: ['slice'],
    };
    const results = [];
    for (const [format, write] of [
      ['csv', writeCsv],
      ['jsonl', writeJsonl],
      ['parquet', writeParquet],
    ] as const) {
      const path = await write(join(dir, `predictions.${format}`), table);
      results.push(await evaluatePredictions(path, format, spec, { minSliceSize: 30 }));
    }
    const values = (metrics: Record<string, { value: number }>) =>
      Object.fromEntries(Object.entries(metrics).map(([name, m]) => [name, m.value]));
    for (const result of results) {
      expectClose(values(result.metrics), fixture.expected);
      expect(result.labelsSha256).toBe(results[0]!.labelsSha256);
      expect(Object.keys(result.slices).sort()).toEqual(Object.keys(results[0]!.slices).sort());
    }
  });

  it('places a bad value at its file line in text formats and at its data row in Parquet, which has no lines', async () => {
    const dir = await tempDir();
    const table = {
      columns: ['label', 'prediction'],
      rows: [
        ['1', '1'],
        ['0', ''],
        ['1', '0'],
      ],
      parquetTypes: { label: 'STRING', prediction: 'STRING' } as const,
    };
    const spec = {
      task: 'binary' as const,
      label: 'label',
      prediction: 'prediction',
      positive: '1',
    };
    const failure = async (format: 'csv' | 'parquet', path: string) =>
      (await readPredictions(path, format, spec).catch((error: unknown) => error)) as Error;
    expect((await failure('csv', await writeCsv(join(dir, 'p.csv'), table))).message).toMatch(
      /"[^"]*p\.csv", line 3, column "prediction": the value is empty/,
    );
    expect(
      (await failure('parquet', await writeParquet(join(dir, 'p.parquet'), table))).message,
    ).toMatch(/"[^"]*p\.parquet", data row 2, column "prediction": the value is empty/);
  });

  // A plain CSV file is split a block at a time (delimited-shards); a gzip-compressed one is
  // streamed by the one-pass reader: the same text must give the same set, hash and messages.
  it('reads a CSV file in blocks as the one-pass reader reads it gzipped, quotes and line ends included', async () => {
    const dir = await tempDir();
    const spec = {
      task: 'multiclass' as const,
      label: 'label',
      prediction: 'prediction',
      scores: ['a', 'b', 'c'].map((c) => ({ class: c, column: `p_${c}` })),
      weight: 'weight',
      slices: ['note'],
      missingLabels: 'drop' as const,
    };
    const random = new Xoshiro128(4);
    const lines = ['\ufefflabel,prediction,p_a,p_b,p_c,weight,note'];
    for (let i = 0; i < 3000; i++) {
      const label = 'abc'[random.nextUint32() % 3]!;
      const a = (random.nextUint32() % 1000) / 1000;
      const b = Math.round((1 - a) * 500) / 1000;
      const cells = [label, 'abc'[random.nextUint32() % 3]!, a, b, 1 - a - b, i % 7, `n${i % 5}`];
      // Quoted cells (one with a line break), CRLF and blank lines, a dropped missing label.
      if (i % 97 === 0) cells[6] = `"n${i % 5}\nsecond line"`;
      if (i % 89 === 0) cells[0] = '"NA"';
      if (i % 53 === 0) cells[1] = `"${cells[1]}"`;
      lines.push(cells.join(',') + (i % 11 === 0 ? '\r' : ''));
      if (i % 401 === 0) lines.push('');
    }
    const text = `${lines.join('\n')}\n`;
    await writeFile(join(dir, 'p.csv'), text);
    await writeFile(join(dir, 'p.csv.gz'), gzipSync(text));
    const [blocks, stream] = await Promise.all(
      ['p.csv', 'p.csv.gz'].map((name) => readPredictions(join(dir, name), 'csv', spec)),
    );
    expect(blocks!.rows).toBeGreaterThan(2900);
    expect(blocks!.dropped.rows).toBeGreaterThan(30);
    expect(blocks!.slices[0]!.values.length).toBe(10);
    expect(blocks).toEqual(stream);
    // A bad value after the quoted line breaks: both name the same line.
    const bad = text.replace(/\n(a|b|c),(a|b|c),0\.5,/, '\n$1,$2,x,');
    await writeFile(join(dir, 'bad.csv'), bad);
    await writeFile(join(dir, 'bad.csv.gz'), gzipSync(bad));
    const messages = await Promise.all(
      ['bad.csv', 'bad.csv.gz'].map((name) =>
        readPredictions(join(dir, name), 'csv', spec).then(
          () => 'read',
          (error: Error) => error.message.replace('.csv.gz', '.csv'),
        ),
      ),
    );
    expect(messages[0]).toMatch(/bad\.csv", line \d+, column "p_a": the probability "x" is not/);
    expect(messages[0]).toBe(messages[1]);
  });

  // The evaluation hash compares two models' evaluation sets: it must stay the sha256 of the
  // labels as written, each followed by a newline, whatever their length or script.
  it('hashes the labels as written, each with a newline, long and non-ASCII ones too', async () => {
    const dir = await tempDir();
    const labels = ['0', 'chat', 'Ärger', '猫', 'x'.repeat(30_000), '1.0', '🐈', '1'];
    const rows = Array.from({ length: 5000 }, (_, i) => labels[(i * 7) % labels.length]!);
    await writeFile(
      join(dir, 'p.csv'),
      `label,prediction\n${rows.map((label) => `${label},${label}`).join('\n')}\n`,
    );
    const read = await readPredictions(join(dir, 'p.csv'), 'csv', {
      task: 'multiclass',
      label: 'label',
      prediction: 'prediction',
    });
    expect(read.labelsSha256).toBe(
      createHash('sha256')
        .update(rows.map((label) => `${label}\n`).join(''))
        .digest('hex'),
    );
  });
});

describe('descendingOrder', () => {
  // Both the radix sort (2,048 rows or more) and the comparison sort (fewer) against a plain sort.
  it.each([100, 1000, 5000, 70_000])(
    'orders %i scores from highest to lowest, ties (0 and -0 too) in row order',
    (n) => {
      let seed = n;
      const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      const values = Float64Array.from({ length: n }, (_, i) =>
        i % 11 === 0 ? (i % 2 ? -0 : 0) : Math.round((next() - 0.3) * 200) / 100,
      );
      const expected = Array.from(values.keys()).sort((a, b) => values[b]! - values[a]! || a - b);
      const { order, groupEnds } = descendingOrder(values);
      expect(Array.from(order)).toEqual(expected);
      const distinct = new Set(Array.from(values, (v) => (v === 0 ? 0 : v))).size;
      expect(groupEnds).toHaveLength(distinct);
      expect(groupEnds.at(-1)).toBe(n);
    },
  );
  // Few distinct scores take the counting sort, more than 65,536 the radix sort: both against a
  // plain sort, on one column of a row-major table (as multiclass scores are held).
  it.each([
    ['few distinct values (counting sort)', 1000],
    ['more distinct values than the counting sort takes (radix sort)', 0],
  ])('orders a strided column with %s', (_, levels) => {
    const n = 90_000;
    const width = 3;
    const random = new Xoshiro128(levels + 7);
    const next = () => random.nextUint32() / 4294967296;
    const table = Float64Array.from({ length: n * width }, (_, i) => {
      const v = next() - 0.5;
      if (i % 13 === 0) return i % 2 ? -0 : 0;
      return levels ? Math.round(v * levels) / levels : v * 1e6 * next();
    });
    const column = Float64Array.from({ length: n }, (_, i) => table[i * width + 1]!);
    const expected = Array.from(column.keys()).sort((a, b) => column[b]! - column[a]! || a - b);
    const { order, groupEnds } = descendingOrder(table, width, 1);
    expect(Array.from(order)).toEqual(expected);
    const distinct = new Set(Array.from(column, (v) => (v === 0 ? 0 : v))).size;
    expect(distinct > 65_536).toBe(levels === 0);
    expect(groupEnds).toHaveLength(distinct);
    expect(
      Array.from(
        groupEnds.subarray(0, -1),
        (end) => column[order[end - 1]!]! > column[order[end]!]!,
      ),
    ).not.toContain(false);
  });
});
