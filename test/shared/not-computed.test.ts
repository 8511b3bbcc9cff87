/**
 * A gated metric the candidate's report lists under `skipped` is judged "not computed: <reason>"
 * (scikit-learn's words), not "missing", in the gate result and the pull-request comment.
 */
import { describe, expect, it } from 'vitest';
import type { ComparisonDocument } from '../../shared/comparison/document.js';
import { renderSection } from '../../shared/comparison/post.js';
import { evaluateGates } from '../../shared/gates/judge.js';
import { gatePolicySchema } from '../../shared/gates/policy.js';
import { GOLDEN_LINKS } from '../fixtures/comparison/golden-comparison.js';

const REASON = 'Only one class present in y_true. ROC AUC score is not defined in that case.';
const policy = gatePolicySchema.parse({
  metrics: { roc_auc: { direction: 'higher', min: 0.7 }, accuracy: { direction: 'higher' } },
});

function document(skipped: Record<string, string> | undefined): ComparisonDocument {
  const result = evaluateGates({ accuracy: 0.9 }, undefined, policy, {
    candidateSkipped: skipped,
  });
  return {
    format: 'mlops-actions/comparison@1',
    model: 'churn',
    verdict: result.verdict,
    candidate: { source: 'm.json' },
    baseline: null,
    baselineSource: { kind: 'none', reason: 'none given' },
    notLikeForLike: false,
    gates: null,
    metrics: result.metrics,
    slices: result.slices,
  };
}

describe('a gated metric the candidate could not compute', () => {
  it("is judged with the report's reason, not as missing", () => {
    const result = evaluateGates({ accuracy: 0.9 }, undefined, policy, {
      candidateSkipped: { roc_auc: REASON },
    });
    const rocAuc = result.metrics.find((m) => m.name === 'roc_auc')!;
    expect(rocAuc.status).toBe('fail');
    expect(rocAuc.reasons).toEqual([`not computed: ${REASON}`]);
    expect(rocAuc.notComputed).toBe(REASON);
    // Without a reason it stays what it was.
    const bare = evaluateGates({ accuracy: 0.9 }, undefined, policy).metrics.find(
      (m) => m.name === 'roc_auc',
    )!;
    expect(bare.reasons).toEqual(['the candidate does not report this gated metric']);
  });

  it('shows "not computed" and the reason in the pull-request comment', () => {
    const body = renderSection(document({ roc_auc: REASON }), GOLDEN_LINKS).body;
    expect(body).toMatch(/\| `roc_auc` \|[^\n]*\| not computed \|/);
    expect(body).toContain('roc_auc`: not computed: Only one class present in y\\_true.');
    const bare = renderSection(document(undefined), GOLDEN_LINKS).body;
    expect(bare).not.toContain('not computed');
  });
});
