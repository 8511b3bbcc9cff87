import { describe, expect, it } from 'vitest';
import {
  changeLine,
  policyAnnotation,
  renderPolicyNote,
} from '../../shared/comparison/policy-note.js';
import { describeChange, diffPolicies, loosens } from '../../shared/gates/policy-diff.js';
import type { PolicySource } from '../../shared/gates/policy-source.js';
import { gatePolicySchema, type GatePolicy } from '../../shared/gates/policy.js';

const policy = (value: Record<string, unknown>): GatePolicy => gatePolicySchema.parse(value);
const accuracy = (rule: Record<string, unknown>) =>
  policy({ metrics: { accuracy: { direction: 'higher', ...rule } } });
const plain = { name: (text: string) => `\`${text}\``, value: (text: string) => text };
const sentences = (base: GatePolicy | undefined, proposed: GatePolicy | undefined) =>
  diffPolicies(base, proposed).map((change) => describeChange(change, plain));

describe('diffPolicies', () => {
  it('finds nothing between equal policies', () => {
    expect(diffPolicies(accuracy({ min: 0.7 }), accuracy({ min: 0.7 }))).toEqual([]);
  });

  it.each([
    [
      'a larger tolerated drop loosens',
      { 'max-regression': 0.01 },
      { 'max-regression': 0.2 },
      'loosens `accuracy` max-regression from 0.01 to 0.2',
    ],
    [
      'a smaller one tightens',
      { 'max-regression': 0.2 },
      { 'max-regression': 0.01 },
      'tightens `accuracy` max-regression from 0.2 to 0.01',
    ],
    [
      'a lower minimum loosens',
      { min: 0.7 },
      { min: 0.5 },
      'loosens `accuracy` min from 0.7 to 0.5',
    ],
    [
      'a lower maximum tightens',
      { max: 0.9 },
      { max: 0.8 },
      'tightens `accuracy` max from 0.9 to 0.8',
    ],
    [
      'a lower required improvement loosens',
      { 'min-improvement': 0.02 },
      { 'min-improvement': 0 },
      'loosens `accuracy` min-improvement from 0.02 to 0',
    ],
    [
      'fail to warn loosens',
      { level: 'fail' },
      { level: 'warn' },
      'loosens `accuracy` level from fail to warn',
    ],
    [
      'info to fail tightens',
      { level: 'info' },
      { level: 'fail' },
      'tightens `accuracy` level from info to fail',
    ],
    [
      'dropping a bound removes it (looser)',
      { min: 0.7 },
      {},
      'removes `accuracy` min 0.7 (looser)',
    ],
    [
      'a new bound adds it (stricter)',
      {},
      { 'max-regression-relative': 0.05 },
      'adds `accuracy` max-regression-relative 0.05 (stricter)',
    ],
    [
      'softening regressions inside the CI is looser',
      {},
      { 'inconclusive-within-ci': true },
      'adds `accuracy` inconclusive-within-ci true (looser)',
    ],
    [
      'a larger slice min-n judges fewer slices',
      { slices: { min: 0.6 } },
      { slices: { min: 0.6, 'min-n': 500 } },
      'loosens `accuracy` slices.min-n from 0 to 500',
    ],
    [
      'a wider slice gap loosens',
      { slices: { 'max-gap': 0.1 } },
      { slices: { 'max-gap': 0.3 } },
      'loosens `accuracy` slices.max-gap from 0.1 to 0.3',
    ],
    [
      'a slice level of its own',
      { slices: { min: 0.6 } },
      { slices: { min: 0.6, level: 'info' } },
      'loosens `accuracy` slices.level from fail to info',
    ],
    [
      'a flipped direction is a change, neither looser nor stricter',
      {},
      { direction: 'lower' },
      'changes `accuracy` direction from higher to lower',
    ],
  ])('%s', (_case, from, to, sentence) => {
    expect(sentences(accuracy(from), accuracy(to))).toEqual([sentence]);
  });

  it('adds and removes whole gates, and policy-wide settings', () => {
    const base = policy({
      'on-missing-baseline': 'fail',
      metrics: { accuracy: { direction: 'higher', min: 0.7 } },
    });
    const proposed = policy({
      'on-missing-baseline': 'pass',
      'inconclusive-within-ci': true,
      'notable-regressions': 'warn',
      metrics: { f1: { direction: 'higher', min: 0.5 } },
    });
    expect(sentences(base, proposed)).toEqual([
      'loosens on-missing-baseline from fail to pass',
      'loosens inconclusive-within-ci from false to true',
      'tightens notable-regressions from info to warn',
      'removes the gate on `accuracy` (higher is better; ≥ 0.7) (looser)',
      'adds a gate on `f1` (higher is better; ≥ 0.5)',
    ]);
    expect(loosens(diffPolicies(base, proposed))).toBe(true);
  });

  it('compares with no policy at all: a new file adds, a deleted file removes every gate', () => {
    expect(sentences(undefined, accuracy({ min: 0.7 }))).toEqual([
      'adds a gate on `accuracy` (higher is better; ≥ 0.7)',
    ]);
    expect(sentences(accuracy({ min: 0.7 }), undefined)).toEqual([
      'removes the gate on `accuracy` (higher is better; ≥ 0.7) (looser)',
    ]);
    expect(loosens(diffPolicies(undefined, accuracy({ min: 0.7 })))).toBe(false);
  });

  it('does not take a metric named like an Object property for an existing gate', () => {
    expect(
      sentences(
        accuracy({}),
        policy({
          metrics: {
            accuracy: { direction: 'higher' },
            constructor: { direction: 'higher', min: 1 },
          },
        }),
      ),
    ).toEqual(['adds a gate on `constructor` (higher is better; ≥ 1)']);
  });
});

describe('the policy note in the comment', () => {
  const source = (
    changes: ReturnType<typeof diffPolicies>,
    proposed: 'changed' | 'added' | 'same' = 'changed',
  ): Extract<PolicySource, { kind: 'base' }> => ({
    kind: 'base',
    path: 'examples/churn/gates.yaml',
    baseRef: 'main',
    baseSha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
    found: proposed !== 'added',
    proposed,
    changes,
    more: 0,
  });

  it('says the pull request loosens a gate, judged by the base policy, not applied until merged', () => {
    const note = renderPolicyNote(
      source(
        diffPolicies(accuracy({ 'max-regression': 0.01 }), accuracy({ 'max-regression': 0.2 })),
      ),
    )!;
    expect(note).toContain(
      "**This pull request changes the gate policy `examples/churn/gates.yaml`.** It is judged by the base branch's policy (`main` at `f95f852bd8fc`); these changes are not applied until merged:",
    );
    expect(note).toContain('> - ⚠️ this PR loosens `accuracy` max-regression from 0.01 to 0.2');
    expect(
      policyAnnotation(
        source(
          diffPolicies(accuracy({ 'max-regression': 0.01 }), accuracy({ 'max-regression': 0.2 })),
        ),
      ),
    ).toEqual({
      level: 'warning',
      text: 'The pull request changes the gate policy "examples/churn/gates.yaml"; it was judged by the base branch\'s policy (main at f95f852bd8fc), and the changes are not applied until merged: this PR loosens "accuracy" max-regression from 0.01 to 0.2.',
    });
  });

  it('says a run is judged without gates when the base branch has none', () => {
    const note = renderPolicyNote(
      source(diffPolicies(undefined, accuracy({ min: 0.7 })), 'added'),
    )!;
    expect(note).toContain(
      '**The base branch (`main` at `f95f852bd8fc`) has no gate policy `examples/churn/gates.yaml`**, so this run is judged without gates. This pull request adds one; it is not applied until merged:',
    );
    expect(note).toContain('> - this PR adds a gate on `accuracy` (higher is better; ≥ 0.7)');
  });

  it('names the base policy in one line when the pull request leaves it alone', () => {
    expect(renderPolicyNote(source([], 'same'))).toBe(
      'Judged by the gate policy `examples/churn/gates.yaml` of the base branch (`main` at `f95f852bd8fc`).',
    );
    expect(policyAnnotation(source([], 'same'))).toBeUndefined();
  });

  it('escapes hostile metric names and values, on one line', () => {
    const hostile = '<img src=x onerror=alert(1)>\n- [x](javascript:alert(1)) @octocat |';
    const [change] = diffPolicies(
      undefined,
      policy({ metrics: { [hostile]: { direction: 'higher', min: 0.5 } } }),
    );
    const line = changeLine(change!);
    expect(line).not.toContain('\n');
    expect(line).toContain(
      '`<img src=x onerror=alert(1)> - [x](javascript:alert(1)) @\u200Boctocat |`',
    );
    const forged = changeLine({
      metric: 'a',
      rule: '<script>',
      kind: 'adds',
      effect: 'other',
      to: '**bold**',
    });
    expect(forged).toBe('this PR adds `a` &lt;script&gt; \\*\\*bold\\*\\*');
  });

  it('lists at most 15 changes and counts the rest', () => {
    const many = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`m${i}`, { direction: 'higher', min: 0.5 }]),
    );
    const changes = diffPolicies(undefined, policy({ metrics: many }));
    const note = renderPolicyNote({ ...source(changes.slice(0, 20), 'added'), more: 10 })!;
    expect(note.match(/^> - this PR adds/gm)).toHaveLength(15);
    expect(note).toContain("> - … and 15 more changes, in the step's `report` output.");
  });
});
