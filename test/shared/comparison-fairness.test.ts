/**
 * The comment's Fairness section: per attribute the measures now and in production with their
 * intervals, the worst group and the rule, and the groups' rows and rates with the groups under
 * min-group-size merged (never their rates); a disparity that grew beyond its interval among
 * the notable changes at the top; hostile group names escaped; within the size budget.
 */
import { describe, expect, it } from 'vitest';
import type { ComparisonDocument } from '../../shared/comparison/document.js';
import { renderComparison } from '../../shared/comparison/render.js';
import { evaluateGates } from '../../shared/gates/judge.js';
import { gatePolicySchema } from '../../shared/gates/policy.js';
import {
  publishableGroups,
  type FairnessAttribute,
  type FairnessReport,
} from '../../shared/metrics/fairness-report.js';
import { GOLDEN_LINKS } from '../fixtures/comparison/golden-comparison.js';

type Group = { rows: number; selection: number; tpr: number | null; fpr: number | null };

/** A binary attribute from its groups, the measures computed as fairlearn defines them. */
function attribute(
  groups: Record<string, Group>,
  ci: (value: number) => [number, number],
  minGroupSize = 30,
): FairnessAttribute {
  const judged = Object.entries(groups).filter(([, g]) => g.rows >= minGroupSize);
  const rates = judged.map(([name, g]) => [name, g.selection] as const);
  const sorted = [...rates].sort((a, b) => a[1] - b[1]);
  const [worst, low] = sorted[0]!;
  const [best, high] = sorted.at(-1)!;
  const measure = (value: number) => ({
    value,
    ci: ci(value),
    worstGroup: worst,
    bestGroup: best,
    groups: judged.map(([name]) => name),
  });
  return {
    columns: ['sex'],
    minGroupSize,
    dataSha256: 'ab'.repeat(32),
    groups: Object.fromEntries(
      Object.entries(groups).map(([name, g]) => [
        name,
        {
          rows: g.rows,
          weight: g.rows,
          small: g.rows < minGroupSize,
          selectionRate: g.selection,
          truePositiveRate: g.tpr,
          falsePositiveRate: g.fpr,
          metrics: {},
        },
      ]),
    ),
    measures: {
      demographic_parity_ratio: measure(low / high),
      demographic_parity_difference: measure(high - low),
    },
    notes: [],
  };
}

const HOSTILE = '</summary><img src=x onerror=alert(1)> | `@everyone`';

function document(
  candidate: FairnessReport,
  baseline: FairnessReport | undefined,
  fairness: Record<string, unknown>,
): ComparisonDocument {
  const policy = gatePolicySchema.parse({ fairness });
  const result = evaluateGates({ accuracy: 0.8 }, baseline && { accuracy: 0.8 }, policy, {
    candidateSlices: {},
    candidateFairness: candidate,
    ...(baseline ? { baselineFairness: baseline } : {}),
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
    gates: 'gates.yaml',
    metrics: result.metrics,
    slices: result.slices,
    fairness: result.fairness,
    fairnessGroups: Object.fromEntries(
      Object.entries(candidate).map(([name, section]) => [
        name,
        {
          columns: section.columns,
          minGroupSize: section.minGroupSize,
          groups: publishableGroups(section),
        },
      ]),
    ),
    notable: result.notable,
  };
}

const narrow = (v: number): [number, number] => [v - 0.05, v + 0.05];
const production = {
  sex: attribute(
    {
      F: { rows: 480, selection: 0.38, tpr: 0.7, fpr: 0.2 },
      M: { rows: 500, selection: 0.4, tpr: 0.72, fpr: 0.21 },
    },
    narrow,
  ),
};
const biased = {
  sex: attribute(
    {
      F: { rows: 480, selection: 0.2, tpr: 0.41, fpr: 0.08 },
      M: { rows: 500, selection: 0.4, tpr: 0.72, fpr: 0.21 },
      [HOSTILE]: { rows: 12, selection: 0.9, tpr: 1, fpr: 0.5 },
      X: { rows: 8, selection: 0.05, tpr: null, fpr: 0 },
    },
    narrow,
  ),
};

describe('the Fairness section of the comment', () => {
  const rule = { sex: { demographic_parity_ratio: { 'min-ratio': 0.8 } } };
  const view = document(biased, production, rule);
  const comment = renderComparison(view, GOLDEN_LINKS);

  it('fails the biased candidate and says so before any table', () => {
    expect(view.verdict).toBe('fail');
    const head = comment.split('<details')[0]!;
    expect(head).toContain('❌ fails its gates');
    expect(head).toMatch(
      /❌ fail `demographic_parity_ratio` for `sex`: 0\.5 \\\[0\.45, 0\.55\\\] is below the minimum ratio 0\.8 \(the four-fifths rule\)/,
    );
    // The ungated difference grew beyond its interval: a notable change at the top.
    expect(head).toMatch(
      /- ⚠️ worse: disparity `demographic_parity_difference` for `sex`: 0\.02 → 0\.2 \(\+0\.18, outside the candidate's interval \[0\.15, 0\.25\]\) · no gate/,
    );
  });

  it('shows each measure now and in production, the worst group and the rule', () => {
    const section = comment.slice(comment.indexOf('<summary>Fairness'));
    expect(section).toMatch(/^<summary>Fairness \(1 sensitive attribute, 1 gate, 1 not passing\)/);
    expect(comment).toContain('<details open><summary>Fairness');
    expect(section).toContain(
      '| `demographic_parity_ratio` | 0.95 <sub>[0.9, 1]</sub> | 0.5 <sub>[0.45, 0.55]</sub> | `F` | ratio ≥ 0.8 (four-fifths rule); judged on the interval | ❌ fail |',
    );
  });

  it('lists the groups with rows and rates, the small ones merged without their rates', () => {
    expect(comment).toContain('| Group | Rows | Selection rate | TPR | FPR |');
    expect(comment).toContain('| `M` | 500 | 0.4 | 0.72 | 0.21 |');
    expect(comment).toContain('| `F` | 480 | 0.2 | 0.41 | 0.08 |');
    expect(comment).toContain('| other (fewer than 30 rows each) | 20 | — | — | — |');
    // The small groups' names and rates appear nowhere: they could point at a few people.
    expect(comment).not.toContain('onerror');
    expect(comment).not.toContain('0.9 |');
    expect(comment).not.toMatch(/\| `X` \|/);
  });

  it('escapes a hostile group name that is large enough to be shown', () => {
    const hostile = {
      sex: attribute(
        {
          [HOSTILE]: { rows: 300, selection: 0.2, tpr: 0.4, fpr: 0.1 },
          M: { rows: 500, selection: 0.4, tpr: 0.72, fpr: 0.21 },
        },
        narrow,
      ),
    };
    const text = renderComparison(document(hostile, production, rule), GOLDEN_LINKS);
    // Inside a code span (inert in GitHub's Markdown), its pipe escaped and its mention broken.
    expect(text).toContain('`` </summary><img src=x onerror=alert(1)> \\| `@\u200beveryone` ``');
    expect(text.replaceAll(/``.*?``/g, '')).not.toContain('<img');
    const row = text.split('\n').find((line) => line.includes('| 300 |'))!;
    expect(row.split(/(?<!\\)\|/).length).toBe(7); // five cells
    expect(text).not.toMatch(/@everyone/);
  });

  it('says inconclusive when the interval straddles 0.8, and passes a fair candidate', () => {
    const straddling = document(
      {
        sex: attribute(
          {
            F: { rows: 480, selection: 0.34, tpr: 0.7, fpr: 0.2 },
            M: { rows: 500, selection: 0.4, tpr: 0.72, fpr: 0.21 },
          },
          (v) => [v - 0.1, v + 0.1],
        ),
      },
      production,
      rule,
    );
    expect(straddling.verdict).toBe('inconclusive');
    expect(renderComparison(straddling, GOLDEN_LINKS)).toContain('straddles the minimum ratio 0.8');
    expect(document(production, production, rule).verdict).toBe('pass');
  });

  it('an undefined measure and a missing rate read "undefined", never 0', () => {
    const oneGroup = {
      sex: {
        ...production.sex,
        groups: {
          ...production.sex.groups,
          F: { ...production.sex.groups.F!, truePositiveRate: null },
        },
        measures: {
          demographic_parity_ratio: { value: null, groups: [] },
        },
      },
    };
    const text = renderComparison(document(oneGroup, production, rule), GOLDEN_LINKS);
    expect(text).toContain('| `F` | 480 | 0.38 | undefined | 0.2 |');
    expect(text).toMatch(
      /\| `demographic_parity_ratio` \| 0\.95 <sub>\[0\.9, 1\]<\/sub> \| undefined \|/,
    );
    expect(text).toMatch(
      /❌ fail `demographic_parity_ratio` for `sex`: undefined: fewer than two groups/,
    );
  });

  it('stays within the budget with many attributes and groups, naming the artifact', () => {
    const many: FairnessReport = {};
    for (let a = 0; a < 40; a++) {
      const groups: Record<string, Group> = {};
      for (let g = 0; g < 60; g++)
        groups[`group ${g} ${'x'.repeat(80)}`] = {
          rows: 40 + g,
          selection: 0.2 + g / 200,
          tpr: 0.5,
          fpr: 0.1,
        };
      many[`attribute_${a}`] = { ...attribute(groups, narrow), columns: [`attribute_${a}`] };
    }
    const view = document(many, undefined, rule);
    const budget = 20_000;
    const text = renderComparison(
      view,
      { ...GOLDEN_LINKS, reportArtifact: 'comparison-churn' },
      budget,
    );
    expect(text.length).toBeLessThanOrEqual(budget);
    expect(text).toContain('<summary>Fairness (41 sensitive attributes');
    expect(text).toMatch(
      /more sensitive attributes: the full report is in the artifact `comparison-churn`/,
    );
  });
});

describe('a candidate never checked for bias', () => {
  it('says so at the top of the comment when the policy has fairness rules', () => {
    const view = document({}, undefined, {
      age_band: { demographic_parity_ratio: { 'min-ratio': 0.8 } },
    });
    expect(view.verdict).toBe('pass');
    const head = renderComparison(view, GOLDEN_LINKS).split('<details')[0]!;
    expect(head).toContain(
      "> Not checked for bias: the gate policy has fairness rules for `age_band`, but the candidate's metrics report has no fairness section.",
    );
  });
});
