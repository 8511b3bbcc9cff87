/**
 * The starting gate policy `init` writes. From a first evaluation, when a predictions file exists:
 * the headline metrics get a bound a little below (above, when lower is better) the measured value,
 * so today's model passes and a clear regression does not. Without one: no absolute bounds, only
 * the tolerated regression against production, with comments saying what to add.
 */
import type { Task } from '../metrics/compute.js';

/** The metrics the starting policy gates, by task: the ones a reviewer reads first. */
const HEADLINE: Record<Task, readonly { metric: string; direction: 'higher' | 'lower' }[]> = {
  binary: [
    { metric: 'accuracy', direction: 'higher' },
    { metric: 'f1', direction: 'higher' },
  ],
  multiclass: [
    { metric: 'accuracy', direction: 'higher' },
    { metric: 'f1_macro', direction: 'higher' },
  ],
  regression: [
    { metric: 'rmse', direction: 'lower' },
    { metric: 'r2', direction: 'higher' },
  ],
};

/** How far below a measured score the starting minimum lies (absolute, for scores in 0..1). */
export const SCORE_MARGIN = 0.05;
/** How far above a measured error the starting maximum lies (relative). */
const ERROR_MARGIN = 0.1;

export interface MeasuredPolicy {
  /** The predictions file the values come from, as the comment names it. */
  source: string;
  metrics: Record<string, number>;
}

export function startingPolicy(task: Task, measured?: MeasuredPolicy): string {
  const lines = [
    '# Gate policy: how a candidate model is judged, alone and against the model in production.',
    '# Written by `mlops-actions init`; every key is described in action-catalog.md (input "gates").',
    '# Until the first release puts a model in production, there is no baseline: `warn` lets the',
    '# pull-request check pass with a warning (docs/seeding-production.md).',
    'on-missing-baseline: warn   # pass | warn | fail',
    'metrics:',
  ];
  for (const { metric, direction } of HEADLINE[task]) {
    const value = measured?.metrics[metric];
    lines.push(`  ${metric}:`, `    direction: ${direction}`);
    if (value !== undefined && Number.isFinite(value)) {
      const bound = startingBound(value, direction);
      lines.push(
        `    ${direction === 'higher' ? 'min' : 'max'}: ${bound}   # measured ${round(value, 4)} on ${measured!.source} at init`,
      );
    } else {
      lines.push(
        direction === 'higher'
          ? '    # min: 0.80              # an absolute floor, once you know what is good enough'
          : '    # max: 1.0               # an absolute ceiling, once you know what is good enough',
      );
    }
    lines.push(
      direction === 'higher' && metric !== 'r2'
        ? '    max-regression: 0.02     # tolerated drop against production, absolute'
        : '    max-regression-relative: 0.1   # tolerated change against production, relative',
      `    level: ${metric === HEADLINE[task][0]!.metric ? 'fail' : 'warn'}              # fail | warn | info`,
    );
  }
  lines.push(
    '# More the policy can say:',
    '# inconclusive-within-ci: true   # a regression inside the confidence interval is "inconclusive"',
    '# notable-regressions: warn      # what an ungated metric that got notably worse does',
    '#   <metric>:',
    '#     slices: { min: 0.6, max-gap: 0.15, min-n: 50 }   # judged on the slices of the report',
    '# monitor:                       # what monitor-model judges (docs/monitoring.md lists the defaults)',
    '#   drift: { share: 0.5, level: fail }',
    '#   quality: { max-missing-increase: 0.05, level: warn }',
    '#   retrain: { cooldown: 7d }',
    '',
  );
  return lines.join('\n');
}

/**
 * A little below (or above) the measured value, rounded outwards to two decimals; the product is
 * rounded to 6 places first, so that binary noise (2 × 1.1 × 100 = 220.00000000000003) does not
 * move the bound a whole step.
 */
function startingBound(value: number, direction: 'higher' | 'lower'): number {
  const cents = (x: number) => round(x * 100, 6);
  if (direction === 'higher') return Math.floor(cents(value - SCORE_MARGIN)) / 100;
  return Math.ceil(cents(value * (1 + ERROR_MARGIN))) / 100;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
