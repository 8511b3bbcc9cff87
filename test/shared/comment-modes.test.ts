/**
 * When compare-metrics writes its section (holdBack, by mode and by what the comment shows
 * now), what on-change compares (the values digest in the section's marker), the mention line,
 * and "What changed" within GitHub's size limit with several models in one comment.
 */
import { describe, expect, it } from 'vitest';
import type { Changes } from '../../shared/comparison/changes.js';
import {
  composeComment,
  mergeSection,
  parseSections,
  sectionBudget,
} from '../../shared/comparison/comment.js';
import type { ComparisonDocument } from '../../shared/comparison/document.js';
import {
  holdBack,
  isAlarming,
  renderSection,
  type CommentMode,
} from '../../shared/comparison/post.js';
import { COMMENT_BODY_LIMIT } from '../../shared/github/sticky-comment.js';
import { GOLDEN_LINKS, goldenDocument } from '../fixtures/comparison/golden-comparison.js';

const passing = (): ComparisonDocument => ({
  ...goldenDocument(),
  verdict: 'pass',
  notable: [],
});

describe('holdBack', () => {
  const section = (verdict: 'pass' | 'fail', values = 'a'.repeat(16)) => ({
    model: 'churn',
    meta: { verdict, values },
    body: '',
  });
  const cases: [
    CommentMode,
    'pass' | 'fail',
    'none' | 'same' | 'other-values' | 'was-fail',
    boolean,
  ][] = [
    ['always', 'pass', 'none', true],
    ['always', 'pass', 'same', true],
    ['never', 'fail', 'none', false],
    ['on-change', 'pass', 'none', true],
    ['on-change', 'pass', 'same', false],
    ['on-change', 'pass', 'other-values', true],
    ['on-change', 'pass', 'was-fail', true],
    ['on-regression', 'pass', 'none', false],
    ['on-regression', 'fail', 'none', true],
    ['on-regression', 'pass', 'was-fail', true],
    ['on-regression', 'pass', 'other-values', true],
    ['on-regression', 'fail', 'same', false],
  ];
  it.each(cases)('%s, verdict %s, comment shows %s: writes %s', (mode, verdict, shown, writes) => {
    const existing =
      shown === 'none'
        ? undefined
        : shown === 'same'
          ? section(verdict)
          : shown === 'other-values'
            ? section(verdict, 'b'.repeat(16))
            : section('fail');
    const why = holdBack(mode, section(verdict), existing, verdict === 'fail');
    expect(why === undefined).toBe(writes);
    if (why) expect(why).toContain(mode);
  });

  it('counts a notable regression without a gate as alarming, an improvement not', () => {
    const document = goldenDocument();
    const regression = document.notable!.find((n) => n.kind === 'regression')!;
    const improvement = document.notable!.find((n) => n.kind === 'improvement')!;
    expect(isAlarming({ ...passing(), notable: [regression] })).toBe(true);
    expect(isAlarming({ ...passing(), notable: [improvement] })).toBe(false);
    expect(isAlarming(passing())).toBe(false);
    expect(isAlarming({ ...passing(), verdict: 'warn' })).toBe(true);
  });
});

describe('the values digest in the marker', () => {
  it('ignores the run and commit a comment links to, and changes with any metric or slice value', () => {
    const digest = (document: ComparisonDocument, links = GOLDEN_LINKS) =>
      renderSection(document, links).meta.values;
    const golden = goldenDocument();
    expect(digest(golden)).toMatch(/^[0-9a-f]{16}$/);
    expect(digest(golden, { ...GOLDEN_LINKS, sha: 'f'.repeat(40), runUrl: undefined! })).toBe(
      digest(golden),
    );
    const metric = structuredClone(golden);
    metric.metrics[0]!.candidate = 0.5;
    expect(digest(metric)).not.toBe(digest(golden));
    const slice = structuredClone(golden);
    slice.slices[0]!.rows[0]!.candidate!.value += 0.001;
    expect(digest(slice)).not.toBe(digest(golden));
    // It survives the round trip through the comment's marker.
    const section = renderSection(golden, GOLDEN_LINKS);
    expect(parseSections(composeComment([section]))[0]!.meta.values).toBe(section.meta.values);
  });
});

describe('the mention line', () => {
  const mentions = ['@octocat', '@Codertocat/reviewers'];
  it('mentions the handles under the headline on fail and warn only', () => {
    const failing = renderSection(goldenDocument(), { ...GOLDEN_LINKS, mentions }).body;
    expect(failing.split('\n')[2]).toBe('cc @octocat @Codertocat/reviewers');
    const warning = renderSection({ ...passing(), verdict: 'warn' }, { ...GOLDEN_LINKS, mentions });
    expect(warning.body).toContain('\ncc @octocat @Codertocat/reviewers\n');
    expect(renderSection(passing(), { ...GOLDEN_LINKS, mentions }).body).not.toContain('cc @');
  });

  it('never writes a handle that is not one, whatever reaches the renderer', () => {
    const body = renderSection(goldenDocument(), {
      ...GOLDEN_LINKS,
      mentions: ['@ok', '@x <img src=x>', 'everyone', '@a/b/c'],
    }).body;
    expect(body).toContain('\ncc @ok\n');
    expect(body).not.toMatch(/<img|@everyone|@a\/b/);
  });
});

describe('What changed within the size limit', () => {
  // Six full sections would not fit in one comment: the budgets must cut them.
  const MODELS = ['churn', 'fraud', 'pricing', 'ranker', 'upsell', 'winback'];
  const long = (i: number) => `${'k'.repeat(390)}${i}`;
  const many = <T>(make: (i: number) => T) => ({
    items: Array.from({ length: 50 }, (_, i) => make(i)),
    total: 5000,
  });
  const huge: Changes = {
    against: { version: '8b21e0c4f6a9', source: 'release' },
    config: {
      changed: many((i) => ({ key: long(i), from: long(i), to: long(i + 1) })),
      added: many((i) => ({ key: long(i), value: long(i) })),
      removed: many((i) => ({ key: long(i), value: long(i) })),
      hidden: 3,
      unchanged: 9,
      partial: true,
    },
    data: { changed: many(long), added: many(long), removed: many(long), unchanged: 2 },
    environment: {
      changed: [{ key: 'Python', from: long(0), to: long(1) }],
      packages: {
        changed: many((i) => ({ key: long(i), from: long(i), to: long(i) })),
        added: many((i) => ({ key: long(i), value: long(i) })),
        removed: many((i) => ({ key: long(i), value: long(i) })),
      },
    },
  };

  it('caps the config table at 20 rows, says how many more, and keeps each value short', () => {
    const body = renderSection({ ...goldenDocument(), changes: huge }, GOLDEN_LINKS).body;
    const rows = body.split('\n').filter((line) => /^\| `k+…`/.test(line));
    expect(rows).toHaveLength(20);
    expect(body).toContain('_+14980 more: the full report is in the artifact');
    expect(body).toContain('**Config:** 5000 changed, 5000 added, 5000 removed, 9 unchanged.');
    expect(body).toContain('Only part of a very large config was recorded.');
    expect(body).toMatch(/\*\*Data:\*\* 5000 changed \(.*\+4997 more\)/);
    expect(Math.max(...rows.map((row) => row.length))).toBeLessThan(400);
  });

  it('keeps a comment of six models, each with the largest What changed, under GitHub limit', () => {
    const unbudgeted = renderSection({ ...goldenDocument(), changes: huge }, GOLDEN_LINKS).body;
    expect(unbudgeted.length * MODELS.length).toBeGreaterThan(COMMENT_BODY_LIMIT);
    // As the steps write it: each model's section within the room the others leave.
    let comment: string | undefined;
    for (const model of MODELS) {
      const budget = sectionBudget(comment, model, COMMENT_BODY_LIMIT);
      const document = { ...goldenDocument(), model, changes: huge };
      comment = mergeSection(comment, renderSection(document, GOLDEN_LINKS, budget));
    }
    expect(comment!.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
    expect(parseSections(comment!).map((s) => s.model)).toEqual(MODELS);
    expect(comment).toContain('**What changed since');
  });

  it('leaves What changed out, with a note, when the room left is too small', () => {
    const full = renderSection({ ...goldenDocument(), changes: huge }, GOLDEN_LINKS).body;
    const tight = renderSection(
      { ...goldenDocument(), changes: huge },
      GOLDEN_LINKS,
      full.length - 3000,
    ).body;
    expect(tight.length).toBeLessThanOrEqual(full.length - 3000);
    expect(tight).toMatch(/What changed was left out to fit|_\d+ more not shown here/);
  });
});
