/**
 * The checks of the `ml` extensions that judge a whole column or the whole dataset, run once
 * every file is read, from the profile's statistics. Column findings point at the field's line
 * in the schema file (or at the first failing cell, for `mostly`), dataset findings at the
 * schema's `ml` block (or at the first duplicate row).
 */
import type { DataProfile } from '../profile/profile.js';
import type { CompiledSchema } from '../schema/table-schema.js';
import type { Finding, FindingCode, Report } from './findings.js';
import type { FieldState } from './row-checks.js';

const show = (value: number) =>
  Number.isInteger(value) ? String(value) : value.toPrecision(6).replace(/\.?0+$/, '');
const percent = (value: number) => `${(value * 100).toFixed(2).replace(/\.?0+$/, '')}%`;

function outside(value: number, range: { min?: number; max?: number }): string | undefined {
  if (range.min !== undefined && value < range.min)
    return range.max !== undefined
      ? `between ${show(range.min)} and ${show(range.max)}`
      : `≥ ${show(range.min)}`;
  if (range.max !== undefined && value > range.max)
    return range.min !== undefined
      ? `between ${show(range.min)} and ${show(range.max)}`
      : `≤ ${show(range.max)}`;
  return undefined;
}

export function checkColumns(
  schema: CompiledSchema,
  states: readonly FieldState[],
  profile: DataProfile,
  report: Report,
): void {
  for (const state of states) {
    const f = state.field;
    const ml = f.ml;
    if (!ml) continue;
    const column = profile.columns[state.index]!;
    const at = { field: f.name, line: f.line, level: state.level };
    const flag = (
      code: FindingCode,
      constraint: string | undefined,
      observed: string,
      expected: string,
      message: string,
      count?: number,
    ) =>
      report({
        ...at,
        code,
        constraint,
        observed,
        expected,
        message: `Field "${f.name}": ${message}`,
        count,
      });
    const present = column.count - column.nulls;

    if (state.mostly && state.mostly.checked > 0 && ml.mostly !== undefined) {
      const { failures, checked, first } = state.mostly;
      const passing = 1 - failures / checked;
      if (passing < ml.mostly) {
        const where = first ? { file: first.file, row: first.row, line: first.line } : {};
        report({
          ...at,
          ...where,
          code: 'mostly-violated',
          constraint: first?.constraint ?? first?.code,
          count: failures,
          observed: percent(passing),
          expected: `≥ ${percent(ml.mostly)} (mostly)`,
          message: `Field "${f.name}": ${failures} of ${checked} values fail its checks, so only ${percent(passing)} pass where mostly: ${ml.mostly} asks for ${percent(ml.mostly)}. The first: ${first?.message ?? ''}`,
        });
      }
    }
    if (ml.nullFraction && column.count > 0) {
      const share = column.nulls / column.count;
      if (share > ml.nullFraction.max)
        flag(
          'null-fraction',
          'max',
          percent(share),
          `≤ ${percent(ml.nullFraction.max)}`,
          `${column.nulls} of ${column.count} values are missing (${percent(share)}), more than the ${percent(ml.nullFraction.max)} allowed.`,
          column.nulls,
        );
    }
    const approx = column.distinctExact ? '' : 'about ';
    if (ml.distinctCount) {
      const expected = outside(column.distinct, ml.distinctCount);
      if (expected)
        flag(
          'distinct-count',
          undefined,
          String(column.distinct),
          expected,
          `${approx}${column.distinct} distinct values, expected ${expected}.`,
        );
    }
    if (ml.distinctFraction && present > 0) {
      const share = Math.min(1, column.distinct / present);
      const expected = outside(share, ml.distinctFraction);
      if (expected)
        flag(
          'distinct-fraction',
          undefined,
          show(share),
          expected,
          `${approx}${column.distinct} distinct of ${present} values (${show(share)}), expected ${expected}.`,
        );
    }
    if (ml.stats) {
      // ml.stats.severity sets these findings' level alone: an observed range may warn while type errors still fail.
      const level = ml.stats.severity;
      const statFlag: Flag = level
        ? (code, constraint, observed, expected, message) =>
            report({
              ...at,
              level,
              code,
              constraint,
              observed,
              expected,
              message: `Field "${f.name}": ${message}`,
            })
        : flag;
      checkStats(state, column, ml.stats, statFlag);
    }
  }
}

type Flag = (
  code: FindingCode,
  constraint: string | undefined,
  observed: string,
  expected: string,
  message: string,
) => void;

function checkStats(
  state: FieldState,
  column: DataProfile['columns'][number],
  stats: NonNullable<NonNullable<FieldState['field']['ml']>['stats']>,
  flag: Flag,
): void {
  const quantile = (q: number) => state.stats.quantiles?.quantiles([q])?.[0] ?? null;
  const observed: [string, number | null, { min?: number; max?: number } | undefined][] = [
    ['mean', column.mean, stats.mean],
    ['median', stats.median ? quantile(0.5) : null, stats.median],
    ['stdev', column.stdev, stats.stdev],
    ['min', column.min, stats.min],
    ['max', column.max, stats.max],
    ...(stats.quantiles ?? []).map(
      (q) =>
        [`quantile ${q.q}`, quantile(q.q), q] as [
          string,
          number | null,
          { min?: number; max?: number },
        ],
    ),
  ];
  for (const [name, value, range] of observed) {
    if (!range) continue;
    if (value === null) {
      flag(
        'stat-out-of-range',
        name,
        'no value',
        `${name} within bounds`,
        `the ${name} cannot be computed: the column has no finite values.`,
      );
      continue;
    }
    const expected = outside(value, range);
    if (expected)
      flag(
        'stat-out-of-range',
        name,
        show(value),
        expected,
        `the ${name} is ${show(value)}, expected ${expected}.`,
      );
  }
}

export function checkDataset(
  schema: CompiledSchema,
  profile: DataProfile,
  duplicates: { count: number; first: Finding | undefined } | undefined,
  report: Report,
): void {
  const ml = schema.descriptor.ml;
  if (!ml) return;
  const at = { line: schema.mlLine, level: ml.severity ?? 'error' } as const;
  if (ml.rowCount) {
    const expected = outside(profile.rows, ml.rowCount);
    if (expected)
      report({
        ...at,
        code: 'row-count',
        observed: String(profile.rows),
        expected,
        message: `The data has ${profile.rows} rows, expected ${expected} (ml.rowCount).`,
      });
  }
  if (ml.duplicateRows && duplicates && duplicates.count > 0) {
    const share = duplicates.count / profile.rows;
    if (share > ml.duplicateRows.maxFraction) {
      const first = duplicates.first!;
      report({
        ...at,
        file: first.file,
        row: first.row,
        line: first.line,
        code: 'duplicate-row',
        count: duplicates.count,
        observed: percent(share),
        expected: `≤ ${percent(ml.duplicateRows.maxFraction)}`,
        message: `${duplicates.count} of ${profile.rows} rows repeat an earlier row (${percent(share)}), more than the ${percent(ml.duplicateRows.maxFraction)} allowed; the first is row ${first.row}${first.line ? ` (line ${first.line})` : ''} of ${first.file}.`,
      });
    }
  }
  if (ml.classBalance) {
    const index = schema.fields.findIndex((f) => f.ml?.role === 'target');
    const target = schema.fields[index]!;
    const column = profile.columns[index]!;
    const counts = new Map((column.topValues ?? []).map((v) => [v.value, v.count]));
    for (const category of target.categories ?? []) {
      const value = String(typeof category === 'object' ? category.value : category);
      if (!counts.has(value)) counts.set(value, 0);
    }
    if (counts.size >= 1 && column.topValuesExact) {
      const sorted = [...counts].sort((a, b) => a[1] - b[1]);
      const [rare, rareCount] = sorted[0]!;
      const [common, commonCount] = sorted[sorted.length - 1]!;
      const ratio = commonCount === 0 ? 0 : rareCount / commonCount;
      if (ratio < ml.classBalance.minRatio) {
        report({
          ...at,
          field: target.name,
          code: 'class-imbalance',
          observed: show(ratio),
          expected: `≥ ${show(ml.classBalance.minRatio)}`,
          message: `Target "${target.name}": the rarest class ${JSON.stringify(rare)} has ${rareCount} rows against ${commonCount} for ${JSON.stringify(common)} (ratio ${show(ratio)}, at least ${show(ml.classBalance.minRatio)} required).`,
        });
      }
    } else if (!column.topValuesExact) {
      report({
        ...at,
        level: 'warning',
        field: target.name,
        code: 'check-limit',
        constraint: 'classBalance',
        message: `Target "${target.name}" has too many distinct values to count every class exactly; class balance was not checked. Is it really a classification target?`,
      });
    }
  }
}
