/**
 * The promotion record: what was promoted where, on which evidence. Its fields are what the
 * deployment payload carries, so the record and the registry tell the same story.
 */
import type { RunContext } from '../action/context.js';
import { canonicalJson, sha256Text } from '../files/hash.js';
import type { GateResult } from '../gates/judge.js';
import type { Manifest } from '../lineage/manifest.js';
import type { Approval } from './approvals.js';
import type { FairnessRecord } from './fairness-record.js';

const PROMOTION_FORMAT = 'mlops-actions/promotion@1';

/**
 * The comparison the environment's reviewers approved (promote-model's `approved-digest`, from
 * the dry run before the approval gate), which this promotion recomputed and found unchanged.
 */
export interface BoundApproval {
  /** The approved comparison digest: equal to `comparisonDigest`, or nothing was recorded. */
  digest: string;
  /** The reviewers who approved this run's job for the environment (GitHub's review log). */
  by: string[];
  /** When the promotion checked the digest, after the approval (GitHub's review log has no time). */
  at: string;
}

export interface PromotionRecord {
  format: typeof PROMOTION_FORMAT;
  model: string;
  version: string;
  environment: string;
  fingerprint: string;
  /** sha256 of the canonical metric values the gates judged. */
  metricsDigest: string;
  metrics: Record<string, number>;
  verdict: GateResult['verdict'];
  outputs: Manifest['outputs'];
  commit?: string;
  ref?: string;
  runUrl?: string;
  actor?: string;
  /** Environment reviewers who approved this run's job, from GitHub's review log. */
  approvals: Approval[];
  /** sha256 of the comparison against the model that was in the environment. */
  comparisonDigest: string;
  /** Set when the promotion was bound to the comparison its reviewers approved. */
  approval?: BoundApproval;
  rollback?: { from?: string; reason: string };
  overrideReason?: string;
  /** The bias check of the metrics report promoted (fairness-record.ts); absent: never checked. */
  fairness?: FairnessRecord;
  promotedAt: string;
}

export function buildPromotionRecord(args: {
  manifest: Manifest;
  environment: string;
  version: string;
  metrics: Record<string, number>;
  gates: GateResult;
  context: RunContext;
  now: Date;
  approvals: Approval[];
  comparisonDigest: string;
  approval?: BoundApproval;
  rollback?: { from?: string; reason: string };
  overrideReason?: string;
  fairness?: FairnessRecord;
}): PromotionRecord {
  const { manifest, context } = args;
  return {
    format: PROMOTION_FORMAT,
    model: manifest.model.name,
    version: args.version,
    environment: args.environment,
    fingerprint: manifest.fingerprint,
    metricsDigest: sha256Text(canonicalJson(args.metrics)),
    metrics: args.metrics,
    verdict: args.gates.verdict,
    outputs: manifest.outputs,
    commit: manifest.git.sha ?? context.sha,
    ref: context.ref,
    runUrl: context.runUrl,
    actor: context.actor,
    approvals: args.approvals,
    comparisonDigest: args.comparisonDigest,
    ...(args.approval ? { approval: args.approval } : {}),
    ...(args.rollback ? { rollback: args.rollback } : {}),
    ...(args.overrideReason ? { overrideReason: args.overrideReason } : {}),
    ...(args.fairness ? { fairness: args.fairness } : {}),
    promotedAt: args.now.toISOString(),
  };
}
