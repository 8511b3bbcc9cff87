/**
 * What a production model's bias check says in one line, the same on the fleet page, in the
 * terminal table and in the job summary: "checked for bias on sex, age_band: demographic parity
 * ratio (sex) 0.93 [0.88, 0.97]", or "never checked for bias".
 */
import type { FleetVersion } from './fleet-document.js';
import { withInterval } from './site/format.js';

export const NEVER_CHECKED = 'never checked for bias';

export function biasCheckText(version: Pick<FleetVersion, 'fairness'>): string {
  const fairness = version.fairness;
  if (!fairness) return NEVER_CHECKED;
  const measures = fairness.measures.map(
    (m) =>
      `${m.measure.replace(/_/g, ' ')}${fairness.attributes.length > 1 ? ` (${m.attribute})` : ''} ${withInterval(m.value, m.ci)}`,
  );
  return `checked for bias on ${fairness.attributes.join(', ')}${measures.length ? `: ${measures.join('; ')}` : ''}`;
}
