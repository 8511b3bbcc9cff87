/**
 * The first lines of a model's section tell the truth: the notable changes (gated or not) under
 * the headline, the slice tables judged by change, and the confusion matrix or residual summary
 * next to production's. Each within the section's size budget, every name escaped.
 */
import { describe, expect, it } from 'vitest';
import { composeComment, parseSections } from '../../shared/comparison/comment.js';
import type { ComparisonDocument } from '../../shared/comparison/document.js';
import { renderSection } from '../../shared/comparison/post.js';
import { evaluateGates, type MetricInput } from '../../shared/gates/judge.js';
import { gatePolicySchema } from '../../shared/gates/policy.js';
import { COMMENT_BODY_LIMIT } from '../../shared/github/sticky-comment.js';
import { GOLDEN_LINKS } from '../fixtures/comparison/golden-comparison.js';

type Slices = Record<string, Record<string, MetricInput>>;

function document(
  candidate: Record<string, MetricInput>,
  baseline: Record<string, MetricInput> | undefined,
  rules: Record<string, unknown> = {},
  slices: { candidate?: Slices; baseline?: Slices } = {},
  extra: Partial<ComparisonDocument> = {},
): ComparisonDocument {
  const policy = gatePolicySchema.parse({ metrics: rules });
  const result = evaluateGates(candidate, baseline, policy, {
    candidateSlices: slices.candidate ?? {},
    baselineSlices: slices.baseline,
  });
  return {
    format: 'mlops-actions/comparison@1',
    model: 'churn',
    verdict: result.verdict,
    candidate: { source: 'm.json', version: 'cand01' },
    baseline: baseline ? { source: 'b.json', version: 'prod01' } : null,
    baselineSource: baseline
      ? { kind: 'file', path: 'b.json' }
      : { kind: 'none', reason: 'none given' },
    notLikeForLike: false,
    gates: null,
    metrics: result.metrics,
    slices: result.slices,
    notable: result.notable,
    ...extra,
  };
}

const ci = (value: number, half: number, n = 400) => ({
  value,
  ci: [value - half, value + half] as [number, number],
  n,
});

/** Each row of every GFM table in `markdown` has as many cells as its header. */
function expectIntactTables(markdown: string) {
  const cells = (line: string) => line.split(/(?<!\\)\|/).length;
  let header: number | undefined;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      header = undefined;
      continue;
    }
    header ??= cells(line);
    expect(cells(line), line).toBe(header);
  }
}

/** The rows of the first table after `heading` in `markdown`, as cells. */
function tableAfter(markdown: string, heading: string): string[][] {
  const lines = markdown.slice(markdown.indexOf(heading)).split('\n');
  const start = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

const churnLike = () =>
  document(
    { accuracy: ci(0.81, 0.02), recall: ci(0.6, 0.03) },
    { accuracy: 0.815, recall: 0.61 },
    { accuracy: { direction: 'higher', 'max-regression': 0.02 } },
    {
      candidate: {
        'contract=two-year': { recall: ci(0.37, 0.07, 120), accuracy: ci(0.9, 0.03, 120) },
        'contract=monthly': { recall: ci(0.74, 0.04, 800), accuracy: ci(0.74, 0.02, 800) },
        'contract=one-year': { recall: ci(0.66, 0.05, 300), accuracy: ci(0.85, 0.03, 300) },
      },
      baseline: {
        'contract=two-year': { recall: 0.84, accuracy: 0.9 },
        'contract=monthly': { recall: 0.6, accuracy: 0.74 },
        'contract=one-year': { recall: 0.65, accuracy: 0.85 },
      },
    },
  );

describe('notable changes under the headline', () => {
  it("names an ungated slice's drop in the first lines of a passing section", () => {
    const body = renderSection(churnLike(), GOLDEN_LINKS).body;
    const lines = body.split('\n');
    expect(lines[0]).toBe(
      '### churn `cand01` ✅ passes its gates · ⚠️ 1 notable regression without a gate',
    );
    const firstLines = lines.slice(0, 8).join('\n');
    expect(firstLines).toMatch(/`recall` on `contract=two-year`: 0\.84 → 0\.37 \(-0\.47/);
    expect(firstLines).toContain('no gate');
    // The improvement of the monthly slice is listed after the regression.
    expect(firstLines.indexOf('contract=two-year')).toBeLessThan(
      firstLines.indexOf('contract=monthly'),
    );
  });

  it('does not count a gated regression as one without a gate', () => {
    const body = renderSection(
      document(
        { accuracy: ci(0.7, 0.01) },
        { accuracy: 0.8 },
        { accuracy: { direction: 'higher', 'max-regression': 0.02 } },
      ),
      GOLDEN_LINKS,
    ).body;
    expect(body.split('\n')[0]).toBe('### churn `cand01` ❌ fails its gates');
    expect(body).toMatch(/`accuracy`: 0\.8 → 0\.7 .*gated: ❌ fail/);
  });

  it('lists at most five, worst first, and says how many more', () => {
    const names = Array.from({ length: 8 }, (_, i) => `recall_${i}`);
    const body = renderSection(
      document(
        Object.fromEntries(names.map((name, i) => [name, 0.5 - i * 0.02])),
        Object.fromEntries(names.map((name) => [name, 0.8])),
      ),
      GOLDEN_LINKS,
    ).body;
    expect(body.split('\n')[0]).toContain('⚠️ 8 notable regressions without a gate');
    const listed = [...body.matchAll(/^- ⚠️ worse: `(recall_\d)`/gm)].map((m) => m[1]);
    expect(listed).toEqual(['recall_7', 'recall_6', 'recall_5', 'recall_4', 'recall_3']);
    expect(body).toContain('- +3 more regressions');
  });

  it('turns the list into warnings with notable-regressions: warn', () => {
    const doc = churnLike();
    const policy = gatePolicySchema.parse({
      'notable-regressions': 'warn',
      metrics: { accuracy: { direction: 'higher', 'max-regression': 0.02 } },
    });
    const result = evaluateGates(
      { accuracy: ci(0.81, 0.02), recall: ci(0.6, 0.03) },
      { accuracy: 0.815, recall: 0.61 },
      policy,
      {
        candidateSlices: { 'contract=two-year': { recall: ci(0.37, 0.07, 120) } },
        baselineSlices: { 'contract=two-year': { recall: 0.84 } },
      },
    );
    const body = renderSection(
      { ...doc, verdict: result.verdict, slices: result.slices, notable: result.notable },
      GOLDEN_LINKS,
    ).body;
    expect(body.split('\n')[0]).toContain('⚠️ passes with warnings');
    expect(body).toMatch(/^- ⚠️ worse: `recall` on `contract=two-year`.*no gate \(warn\)/m);
  });

  it('lists one number under several names once (recall and recall.1 of a binary task)', () => {
    const body = renderSection(
      document(
        { accuracy: ci(0.8, 0.02) },
        { accuracy: 0.8 },
        {},
        {
          candidate: {
            'contract=two-year': { recall: ci(0.37, 0.07), 'recall.1': ci(0.37, 0.07) },
          },
          baseline: { 'contract=two-year': { recall: 0.84, 'recall.1': 0.84 } },
        },
      ),
      GOLDEN_LINKS,
    ).body;
    expect(body.split('\n')[0]).toContain('⚠️ 1 notable regression without a gate');
    expect(body).toContain('`recall` on `contract=two-year` (the same as `recall.1`): 0.84 → 0.37');
    expect(body).not.toMatch(/^- .*`recall\.1` on/m);
  });

  it('says so when nothing moved beyond the noise', () => {
    const body = renderSection(
      document({ accuracy: ci(0.8, 0.02) }, { accuracy: 0.805 }),
      GOLDEN_LINKS,
    ).body;
    expect(body).toContain('No change beyond the noise');
    expect(body.split('\n')[0]).toBe('### churn `cand01` ✅ passes its gates');
  });
});

describe('hostile names in the notable changes and slice tables', () => {
  it('renders metric and slice names from a pull request inert', () => {
    const metric = '<img src=x onerror=alert(1)> @everyone a|b';
    const slice = 'plan=[x](javascript:alert(1)) `code` <b>';
    const body = renderSection(
      document(
        { [metric]: ci(0.3, 0.02) },
        { [metric]: 0.8 },
        {},
        {
          candidate: { [slice]: { [metric]: ci(0.2, 0.02) } },
          baseline: { [slice]: { [metric]: 0.9 } },
        },
      ),
      GOLDEN_LINKS,
    ).body;
    expect(body).toContain('Notable changes');
    expectIntactTables(body);
    // Code spans, whose closing run of backticks is as long as the opening one.
    const outsideCode = body.replace(/(`+)(.*?[^`])\1(?!`)/g, '');
    expect(outsideCode).not.toContain('`');
    expect(outsideCode).not.toMatch(/<img|<b>|\]\(javascript/);
    expect(body).not.toMatch(/@everyone/);
  });
});

describe('slices judged by change', () => {
  it('names its columns and marks the slices that moved most, not the worst by value', () => {
    const body = renderSection(churnLike(), GOLDEN_LINKS).body;
    const table = tableAfter(body, '| `recall` by slice');
    expect(table[0]).toEqual([
      '`recall` by slice',
      'Baseline (`prod01`)',
      'Candidate',
      'Δ',
      'Beyond the noise',
    ]);
    const bySlice = Object.fromEntries(table.slice(2).map((row) => [row[0], row]));
    expect(bySlice['`contract=two-year`']![4]).toBe('⚠️ largest regression');
    expect(bySlice['`contract=monthly`']![3]).toBe('+0.14');
    expect(bySlice['`contract=monthly`']![4]).toBe('✅ largest improvement');
    expect(bySlice['`contract=one-year`']![4]).toBe('');
    // Largest regression first.
    expect(table[2]![0]).toBe('`contract=two-year`');
    expect(body).not.toMatch(/\| worst \|/);
  });

  it('keeps the worst and best by value where a gap rule uses them, labelled as such', () => {
    const doc = document(
      { accuracy: ci(0.81, 0.02) },
      { accuracy: 0.815 },
      { accuracy: { direction: 'higher', slices: { 'max-gap': 0.5 } } },
      {
        candidate: {
          'plan=a': { accuracy: ci(0.7, 0.03) },
          'plan=b': { accuracy: ci(0.9, 0.03) },
          'plan=c': { accuracy: ci(0.8, 0.03) },
        },
        baseline: {
          'plan=a': { accuracy: 0.7 },
          'plan=b': { accuracy: 0.9 },
          'plan=c': { accuracy: 0.8 },
        },
      },
    );
    const body = renderSection(doc, GOLDEN_LINKS).body;
    const table = tableAfter(body, '| `accuracy` by slice');
    expect(table[0]).toContain('By value (gap rule)');
    const column = table[0]!.indexOf('By value (gap rule)');
    const bySlice = Object.fromEntries(table.slice(2).map((row) => [row[0], row[column]]));
    expect(bySlice).toEqual({ '`plan=a`': 'worst', '`plan=b`': 'best', '`plan=c`': '' });
  });
});

describe('confusion matrix and residuals', () => {
  const binary = (candidate: number[][], baseline?: number[][]) =>
    document(
      { accuracy: 0.8 },
      { accuracy: 0.8 },
      {},
      {},
      {
        confusion: {
          candidate: { classes: ['no', 'yes'], matrix: candidate },
          ...(baseline ? { baseline: { classes: ['no', 'yes'], matrix: baseline } } : {}),
        },
      },
    );

  it('shows the candidate next to production, the cell that changed most in bold with an arrow', () => {
    const body = renderSection(
      binary(
        [
          [700, 50],
          [120, 130],
        ],
        [
          [690, 60],
          [60, 190],
        ],
      ),
      GOLDEN_LINKS,
    ).body;
    expectIntactTables(body);
    const table = tableAfter(body, 'Confusion matrix');
    expect(table[0]).toEqual(['True ╲ predicted', '`no`', '`yes`', 'Total']);
    // yes→no rose by 60 (the largest change), yes→yes fell by 60.
    expect(table[3]).toEqual([
      '`yes`',
      '**120 ↑** <sub>60</sub>',
      '**130 ↓** <sub>190</sub>',
      '250',
    ]);
    expect(table[2]).toEqual(['`no`', '700 <sub>690</sub>', '50 <sub>60</sub>', '750']);
  });

  it('shows the candidate alone when production has no matrix', () => {
    const body = renderSection(
      binary([
        [3, 1],
        [2, 4],
      ]),
      GOLDEN_LINKS,
    ).body;
    const table = tableAfter(body, 'Confusion matrix');
    expect(table[2]).toEqual(['`no`', '3', '1', '4']);
  });

  it('keeps the ten most frequent classes and sums the rest into "other"', () => {
    const k = 14;
    const classes = Array.from({ length: k }, (_, i) => `c${i}`);
    // Class i has i + 1 rows' worth of weight: c13 is the most frequent.
    const matrix = classes.map((_, i) => classes.map((_, j) => (i === j ? (i + 1) * 10 : i + 1)));
    const body = renderSection(
      document(
        { accuracy: 0.8 },
        undefined,
        {},
        {},
        {
          confusion: { candidate: { classes, matrix } },
        },
      ),
      GOLDEN_LINKS,
    ).body;
    const table = tableAfter(body, 'Confusion matrix');
    // The ten most frequent (c4..c13), in the report's order.
    expect(table[0]!.slice(1, 3)).toEqual(['`c4`', '`c5`']);
    expect(table[0]![10]).toBe('`c13`');
    expect(table[0]!.at(-2)).toBe('other (4 classes)');
    expect(table).toHaveLength(2 + 11);
    const total = (row: string[]) => Number(row.at(-1));
    const all = matrix.flat().reduce((a, b) => a + b, 0);
    expect(table.slice(2).reduce((sum, row) => sum + total(row), 0)).toBe(all);
    // The "other" row: classes c0..c3, (i + 1) * (10 + 13) each.
    expect(total(table.at(-1)!)).toBe([1, 2, 3, 4].reduce((sum, v) => sum + v * 23, 0));
    expect(table.at(-1)!.at(-2)).toBe(String([1, 2, 3, 4].reduce((s, v) => s + v * 10 + v * 3, 0)));
  });

  it('escapes hostile class names', () => {
    const classes = ['<img src=x onerror=alert(1)>', '@everyone', 'a|b'];
    const matrix = [
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ];
    const body = renderSection(
      document(
        { accuracy: 0.8 },
        undefined,
        {},
        {},
        { confusion: { candidate: { classes, matrix } } },
      ),
      GOLDEN_LINKS,
    ).body;
    expectIntactTables(body);
    expect(body.replace(/(`+)[^`\n]*?\1/g, '')).not.toMatch(/<img/);
    expect(body).not.toMatch(/@everyone/);
  });

  it('summarises the residuals of a regression, candidate and production', () => {
    const body = renderSection(
      document(
        { rmse: 2.1 },
        { rmse: 2.3 },
        {},
        {},
        {
          residuals: {
            candidate: { p5: -3.2, p25: -1.1, p50: 0.05, p75: 1.2, p95: 3.4 },
            baseline: { p5: -3.9, p25: -1.4, p50: 0.4, p75: 1.5, p95: 4.1 },
          },
        },
      ),
      GOLDEN_LINKS,
    ).body;
    const table = tableAfter(body, 'Residuals');
    expect(table[0]).toEqual(['prediction − label', 'p5', 'p25', 'p50', 'p75', 'p95']);
    expect(table[2]).toEqual(['Candidate', '-3.2', '-1.1', '0.05', '1.2', '3.4']);
    expect(table[3]).toEqual(['Baseline (`prod01`)', '-3.9', '-1.4', '0.4', '1.5', '4.1']);
  });
});

describe('the size budget with every section', () => {
  it('keeps a comment of three models with 50-class matrices, many notable changes and slices under the limit', () => {
    const classes = Array.from({ length: 50 }, (_, i) => `class_${'x'.repeat(100)}_${i}`);
    const matrix = classes.map((_, i) => classes.map((_, j) => (i * 7 + j * 3) % 97));
    const names = Array.from({ length: 400 }, (_, i) => `recall_${'y'.repeat(60)}_${i}`);
    const candidateSlices: Slices = {};
    const baselineSlices: Slices = {};
    for (let s = 0; s < 30; s++) {
      candidateSlices[`slice_${s}`] = Object.fromEntries(names.map((n) => [n, ci(0.5, 0.01)]));
      baselineSlices[`slice_${s}`] = Object.fromEntries(names.map((n) => [n, 0.6 + s / 100]));
    }
    const sections = ['churn', 'fraud', 'upsell'].map((model) =>
      renderSection(
        {
          ...document(
            Object.fromEntries(names.map((n) => [n, ci(0.5, 0.01)])),
            Object.fromEntries(names.map((n) => [n, 0.7])),
            {},
            { candidate: candidateSlices, baseline: baselineSlices },
            { confusion: { candidate: { classes, matrix }, baseline: { classes, matrix } } },
          ),
          model,
        },
        GOLDEN_LINKS,
        Math.floor(COMMENT_BODY_LIMIT / 3) - 400,
      ),
    );
    const comment = composeComment(sections);
    expect(comment.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
    expect(parseSections(comment)).toHaveLength(3);
    expectIntactTables(comment);
    // The notable changes and the matrix are there in each section, cut to fit.
    expect(comment.match(/notable regressions without a gate/g)).toHaveLength(3);
    expect(comment.match(/Confusion matrix/g)?.length).toBeGreaterThanOrEqual(3);
  });
});
