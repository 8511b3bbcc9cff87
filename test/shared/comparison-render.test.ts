/**
 * The comment as reviewers read it: the golden comments under examples/comments/ (regenerate
 * with `npm run golden` and read the diff), the size limit, sections of several models, and
 * hostile text in every place it can reach (metric and slice names, versions, chart labels).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART_THEME_DIRECTIVE, metricChart } from '../../shared/comparison/chart.js';
import {
  COMMENT_MARKER,
  composeComment,
  holdsSection,
  mergeSection,
  parseSections,
  sectionBudget,
} from '../../shared/comparison/comment.js';
import type { ComparisonDocument } from '../../shared/comparison/document.js';
import { renderSection } from '../../shared/comparison/post.js';
import { evaluateGates } from '../../shared/gates/judge.js';
import { gatePolicySchema } from '../../shared/gates/policy.js';
import { COMMENT_BODY_LIMIT } from '../../shared/github/sticky-comment.js';
import { markdownLink, mermaidLabel } from '../../shared/markdown/escape.js';
import { REPOSITORY_ROOT } from '../../harness/runner/run-bundle.js';
import {
  GOLDEN_LINKS,
  goldenComment,
  goldenDocument,
  goldenTwoModelComment,
} from '../fixtures/comparison/golden-comparison.js';

async function expectGolden(file: string, actual: string) {
  const path = join(REPOSITORY_ROOT, 'examples', 'comments', file);
  if (process.env.UPDATE_GOLDEN) await writeFile(path, actual);
  expect(actual, `${file} is stale: run "npm run golden" and review the diff`).toBe(
    await readFile(path, 'utf8'),
  );
}

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

const plainDocument = (
  metrics: Record<string, number>,
  policy = gatePolicySchema.parse({}),
  baseline?: Record<string, number>,
): ComparisonDocument => {
  const result = evaluateGates(metrics, baseline, policy);
  return {
    format: 'mlops-actions/comparison@1',
    model: 'churn',
    verdict: result.verdict,
    candidate: { source: 'm.json' },
    baseline: baseline ? { source: 'b.json' } : null,
    baselineSource: baseline
      ? { kind: 'file', path: 'b.json' }
      : { kind: 'none', reason: 'none given' },
    notLikeForLike: false,
    gates: null,
    metrics: result.metrics,
    slices: result.slices,
  };
};

describe('the rendered comment', () => {
  it('matches the golden comment of one model', async () => {
    const comment = goldenComment();
    expect(comment.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    expectIntactTables(comment);
    await expectGolden('compare-metrics.md', comment);
  });

  it('matches the golden comment of two models, with the status table on top', async () => {
    const comment = goldenTwoModelComment();
    expect(comment.indexOf('| Model | Verdict |')).toBeLessThan(comment.indexOf('### churn'));
    expect(parseSections(comment).map((s) => [s.model, s.meta.verdict])).toEqual([
      ['churn', 'fail'],
      ['fraud', 'pass'],
    ]);
    await expectGolden('compare-metrics-two-models.md', comment);
  });

  it.each([
    ['5,000 ungated metrics', false],
    ['5,000 gated metrics', true],
  ])(
    "keeps %s under GitHub's limit, cut at rows, naming the artifact with everything",
    (_case, gated) => {
      const names = Array.from({ length: 5000 }, (_, i) => `metric_with_a_rather_long_name_${i}`);
      const values = Object.fromEntries(names.map((name, i) => [name, i / 5000]));
      const policy = gatePolicySchema.parse({
        metrics: gated
          ? Object.fromEntries(
              names.map((name) => [name, { direction: 'higher', 'max-regression': 0.5 }]),
            )
          : {},
      });
      const document = plainDocument(values, policy, values);
      const budget = sectionBudget(undefined, 'churn', COMMENT_BODY_LIMIT);
      const comment = composeComment([renderSection(document, GOLDEN_LINKS, budget)]);
      expect(comment.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
      expect(comment.length).toBeGreaterThan(COMMENT_BODY_LIMIT * 0.8); // the room is used, not thrown away
      expect(comment).toMatch(
        /_\d+ more metrics not shown here: the full report is in the artifact `comparison-churn-attempt-1` of this run\._/,
      );
      expect(comment).toContain('<!-- /mlops-actions:compare-metrics:section model=churn -->');
      expectIntactTables(comment);
      expect(holdsSection(comment, parseSections(comment)[0]!)).toBe(true);
    },
  );

  it('renders hostile names inert everywhere: headings, tables, reasons, slices, lineage and charts', () => {
    const hostile = [
      '<img src=x onerror=alert(1)>',
      '@everyone',
      'a|b',
      '[x](javascript:alert(1))',
      '<!-- /mlops-actions:compare-metrics:section model=churn -->',
      '```mermaid',
    ];
    const metrics = Object.fromEntries(hostile.map((name, i) => [name, i]));
    const policy = gatePolicySchema.parse({
      metrics: Object.fromEntries(hostile.map((name) => [name, { direction: 'higher', min: 10 }])),
    });
    const document: ComparisonDocument = {
      ...plainDocument(metrics, policy),
      candidate: { source: 'm.json', version: '<b>v1</b> @org/team' },
      history: [{ version: '"]; %%{init}%% <img src=x> `', metrics }],
    };
    const section = renderSection(document, GOLDEN_LINKS);
    const comment = composeComment([section]);
    const outsideCode = comment
      .replace(/^```mermaid\n[\s\S]*?^```$/gm, '')
      .replace(/(`+)[^`\n]*?\1/g, '');
    expect(outsideCode).not.toMatch(/<img|<b>|\]\(javascript/);
    expect(comment).not.toMatch(/@everyone|@org/);
    expectIntactTables(comment);
    // The forged end marker stays inside a code span: the section still parses whole.
    expect(parseSections(comment)).toHaveLength(1);
    expect(holdsSection(comment, section)).toBe(true);
    const charts = [...comment.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
    expect(charts.length).toBeGreaterThan(0);
    for (const drawn of charts) {
      // The colour directive is a constant (chart.ts); what comes from names must stay plain.
      expect(drawn.startsWith(`${CHART_THEME_DIRECTIVE}\n`)).toBe(true);
      const chart = drawn.slice(CHART_THEME_DIRECTIVE.length);
      for (const quoted of chart.match(/"[^"\n]*"/g) ?? [])
        expect(quoted.slice(1, -1)).toMatch(/^[A-Za-z0-9 ._:=+\-/()…]*$/);
      expect(chart.replace(/ --> /g, ' ')).not.toMatch(/[<>`%{}]/);
    }
  });
});

describe('sections of one comment', () => {
  const section = (model: string, verdict: 'pass' | 'fail', body: string) => ({
    model,
    meta: { verdict, candidate: 'v1' },
    body,
  });

  it('replaces only its own section and rebuilds the status table', () => {
    const first = mergeSection(undefined, section('churn', 'pass', 'churn body'));
    expect(first).not.toContain('models compared');
    const both = mergeSection(first, section('fraud', 'fail', 'fraud body'));
    expect(both).toMatch(/## ❌ 2 models compared/);
    const again = mergeSection(both, section('churn', 'fail', 'churn body 2'));
    expect(parseSections(again).map((s) => [s.model, s.body])).toEqual([
      ['churn', 'churn body 2'],
      ['fraud', 'fraud body'],
    ]);
    expect(holdsSection(again, section('churn', 'fail', 'churn body 2'))).toBe(true);
    expect(holdsSection(again, section('churn', 'fail', 'churn body'))).toBe(false);
  });

  it('ignores markers that do not stand on their own line or whose metadata is not ours', () => {
    const forged = `${COMMENT_MARKER}\n\n| \`<!-- mlops-actions:compare-metrics:section model=x meta= -->\` |\n<!-- mlops-actions:compare-metrics:section model=y meta=bm90LWpzb24 -->\nbody\n<!-- /mlops-actions:compare-metrics:section model=y -->\n`;
    expect(parseSections(forged)).toEqual([]);
  });
});

describe('chart and link escaping', () => {
  it('keeps Mermaid labels to a plain alphabet', () => {
    expect(mermaidLabel('v1"]`<b>%%{x}#;')).toBe('v1____b____x___');
    expect(mermaidLabel('a'.repeat(30))).toBe(`${'a'.repeat(23)}…`);
    expect(mermaidLabel('release-1.2.0+build:7')).toBe('release-1.2.0+build:7');
  });

  it('draws a metric over the versions and the candidate, numbering repeated versions', () => {
    const chart = metricChart(
      'acc',
      [
        { version: 'v1', metrics: { acc: 0.8 } },
        { version: 'v1', metrics: { acc: 0.82 } },
      ],
      0.9,
    )!;
    expect(chart).toContain('x-axis ["v1", "v1 (2)", "this PR"]');
    expect(chart).toContain('line [0.8, 0.82, 0.9]');
    expect(chart).toMatch(/y-axis "acc" 0\.775 --> 0\.925/);
    // Colours that read on GitHub's light and dark themes, and the values in words under it.
    expect(chart).toContain('"plotColorPalette":"#0969da"');
    expect(chart).toContain('<sub>`acc`: `v1` 0.8 → `v1` 0.82 → this PR **0.9**</sub>');
    expect(metricChart('acc', [], 0.9)).toBeUndefined();
  });

  it('links only to http(s) URLs, encoding what could end the link', () => {
    expect(markdownLink('run', 'javascript:alert(1)')).toBe('run');
    expect(markdownLink('run', 'https://e.x/a)b(c')).toBe('[run](https://e.x/a%29b%28c)');
    expect(markdownLink('run', undefined)).toBe('run');
    // Escapes already in the URL stay as they are (a release tag's "@" is %40, not %2540);
    // what a link target may not hold is encoded once.
    expect(markdownLink('v', 'https://e.x/releases/tag/churn%40abc')).toBe(
      '[v](https://e.x/releases/tag/churn%40abc)',
    );
    expect(markdownLink('v', 'https://e.x/a/<é>`"\'[x]\\%zz')).toBe(
      '[v](https://e.x/a/%3C%C3%A9%3E%60%22%27%5Bx%5D%5C%25zz)',
    );
  });
});

export { goldenDocument };

describe('the size limit, with whatever the report holds', () => {
  it('stays within the room for thousands of sliced metrics and absurdly long names, markers intact', () => {
    const long = 'n'.repeat(100_000);
    const metrics: Record<string, number> = { [long]: 1 };
    const candidateSlices: Record<string, Record<string, number>> = {};
    for (let i = 0; i < 3000; i++) metrics[`m${i}`] = i;
    for (let s = 0; s < 10; s++)
      candidateSlices[`slice ${s} ${long.slice(0, 500)}`] = Object.fromEntries(
        Object.entries(metrics).map(([k, v]) => [k, v + s]),
      );
    const policy = gatePolicySchema.parse({
      metrics: {
        [long]: { direction: 'higher', min: 5, slices: { min: 100 } },
        m1: { direction: 'higher', slices: { 'max-gap': 1 } },
      },
    });
    const result = evaluateGates(metrics, undefined, policy, { candidateSlices });
    const document: ComparisonDocument = {
      ...plainDocument({}),
      candidate: { source: 'm.json', version: long },
      verdict: result.verdict,
      metrics: result.metrics,
      slices: result.slices,
    };
    for (const budget of [COMMENT_BODY_LIMIT - 2000, 20_000, 3_000, 500]) {
      const section = renderSection(document, GOLDEN_LINKS, budget);
      expect(section.body.length, `budget ${budget}`).toBeLessThanOrEqual(budget);
      const comment = composeComment([section]);
      expect(parseSections(comment)).toHaveLength(1);
      expectIntactTables(comment);
    }
    const roomy = renderSection(document, GOLDEN_LINKS, COMMENT_BODY_LIMIT - 2000).body;
    expect(roomy).toContain(`${'n'.repeat(119)}…`);
    expect(roomy).not.toContain('n'.repeat(400)); // names are cut at 120, reasons (which quote slice names) at 400
    expect(roomy).toMatch(/… and \d+ more metrics by slice/);
    expect(renderSection(document, GOLDEN_LINKS, 500).body).toMatch(
      /This section was shortened to fit GitHub's comment size limit/,
    );
  });
});
