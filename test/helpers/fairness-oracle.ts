/**
 * Compares a fairness report with the numpy oracle's values (test/fixtures/fairness/
 * make_fairness.py, from fairlearn's definitions): every group's counts, rates and metrics and
 * every measure, within 1e-9; undefined (null) only where the oracle's is.
 */
import type { FairnessReport } from '../../shared/metrics/fairness-report.js';

interface OracleGroup {
  rows: number;
  weight: number;
  small: boolean;
  baseRate?: number;
  selectionRate?: number;
  truePositiveRate?: number | null;
  falsePositiveRate?: number | null;
  meanPrediction?: number;
  metrics: Record<string, number>;
}

export type OracleCase = Record<
  string,
  { groups: Record<string, OracleGroup>; measures: Record<string, number | null> }
>;

const TOLERANCE = 1e-9;

export function compareWithOracle(
  report: FairnessReport,
  expected: OracleCase,
): { problems: string[]; values: number } {
  const problems: string[] = [];
  let values = 0;
  const check = (where: string, want: number | null | boolean, got: unknown) => {
    values++;
    if (want === null || typeof want === 'boolean') {
      if (got !== want) problems.push(`${where}: expected ${String(want)}, got ${String(got)}`);
      return;
    }
    if (typeof got !== 'number' || !(Math.abs(got - want) <= TOLERANCE))
      problems.push(`${where}: expected ${want}, got ${String(got)}`);
  };
  for (const [attribute, want] of Object.entries(expected)) {
    const got = report[attribute];
    if (!got) {
      problems.push(`no attribute ${attribute}`);
      continue;
    }
    const names = (o: object) => Object.keys(o).sort();
    if (names(got.groups).join('|') !== names(want.groups).join('|'))
      problems.push(
        `${attribute}: groups ${names(got.groups).join('|')} ≠ ${names(want.groups).join('|')}`,
      );
    if (names(got.measures).join('|') !== names(want.measures).join('|'))
      problems.push(
        `${attribute}: measures ${names(got.measures).join('|')} ≠ ${names(want.measures).join('|')}`,
      );
    for (const [group, wantGroup] of Object.entries(want.groups)) {
      const gotGroup = got.groups[group];
      if (!gotGroup) continue;
      const { metrics, ...fields } = wantGroup;
      for (const [key, value] of Object.entries(fields))
        check(
          `${attribute} ${group} ${key}`,
          value as number | null | boolean,
          gotGroup[key as keyof typeof gotGroup],
        );
      for (const [metric, value] of Object.entries(metrics))
        check(`${attribute} ${group} ${metric}`, value, gotGroup.metrics[metric]?.value);
    }
    for (const [measure, value] of Object.entries(want.measures))
      check(`${attribute} ${measure}`, value, got.measures[measure]?.value);
  }
  return { problems, values };
}
