/**
 * The drift tests a feature can be judged by, their defaults and Evidently's rule for choosing
 * one (evidently `stattests/registry.py` `_get_default_stattest`, reference size ≤ 1000 rows).
 */
export const DRIFT_TESTS = ['ks', 'wasserstein', 'psi', 'jensenshannon', 'chisquare'] as const;
export type DriftTest = (typeof DRIFT_TESTS)[number];

interface TestRule {
  /** What the value is: a p-value drifts when small, a distance when large. */
  measures: 'p-value' | 'distance';
  /** Evidently's default threshold. */
  threshold: number;
  /** Whether `value` against `threshold` means drift (Evidently's comparisons, kept exactly). */
  drifted: (value: number, threshold: number) => boolean;
  kinds: readonly ('numeric' | 'categorical')[];
}

export const TEST_RULES: Record<DriftTest, TestRule> = {
  ks: { measures: 'p-value', threshold: 0.05, drifted: (p, t) => p <= t, kinds: ['numeric'] },
  chisquare: {
    measures: 'p-value',
    threshold: 0.05,
    drifted: (p, t) => p < t,
    kinds: ['categorical'],
  },
  wasserstein: {
    measures: 'distance',
    threshold: 0.1,
    drifted: (d, t) => d >= t,
    kinds: ['numeric'],
  },
  jensenshannon: {
    measures: 'distance',
    threshold: 0.1,
    drifted: (d, t) => d >= t,
    kinds: ['categorical'],
  },
  psi: {
    measures: 'distance',
    threshold: 0.1,
    drifted: (d, t) => d >= t,
    kinds: ['numeric', 'categorical'],
  },
};

/** Above this many reference values a p-value flags everything: use a distance instead. */
const SMALL_REFERENCE = 1000;
/** Numeric columns with at most this many distinct values are compared as categories. */
export const FEW_DISTINCT = 5;

export function defaultTest(kind: 'numeric' | 'categorical', referenceCount: number): DriftTest {
  const small = referenceCount <= SMALL_REFERENCE;
  if (kind === 'numeric') return small ? 'ks' : 'wasserstein';
  return small ? 'chisquare' : 'jensenshannon';
}

/** Evidently `get_dataset_drift`: the data drifts when at least this share of features drift. */
export const DEFAULT_DRIFT_SHARE = 0.5;
