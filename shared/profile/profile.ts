/**
 * The data profile: per-column statistics of validated data, as a versioned JSON document
 * (`mlops-actions/profile@1`). Every statistic is either exact and mergeable (counts, min,
 * max, mean, variance) or comes from a mergeable sketch kept in the column's `state`
 * (quantiles and the reference-decile histogram from KLL, the distinct estimate from
 * HyperLogLog, top values from Misra–Gries). So the profiles of shards validated in a job
 * matrix merge into the profile of the whole data (`mergeProfiles`), and serve later as the
 * reference for drift.
 *
 * Document shape:
 *   { format: 'mlops-actions/profile@1', rows, sources: [{path, format, rows}],
 *     columns: [{ name, type, count, nulls, invalid, nan, inf, distinct, distinctExact,
 *                 min, max, mean, stdev, quantiles: {q, values},
 *                 histogram: {kind: 'reference-deciles', edges (11), counts (10)},
 *                 topValues: [{value, count}], topValuesExact, state: {...sketches} }] }
 * `count` is the rows that have the column; `nulls` the missing values among them; `invalid`
 * the values that do not cast to the type; numeric statistics cover the finite values of
 * number and integer columns; `nan` and `inf` count the rest.
 */
import { z } from 'zod';
import { UserError } from '../action/errors.js';
import { parseStructured, readStructuredFile, validateStructured } from '../files/structured.js';
import { DistinctCounter, type DistinctState } from './sketches/distinct.js';
import { Moments, type MomentsState } from './sketches/moments.js';
import { QuantileSketch, type QuantileState } from './sketches/quantiles.js';
import { TopValues, type TopValuesState } from './sketches/top-values.js';

export const PROFILE_FORMAT = 'mlops-actions/profile@1';
const PROFILE_QUANTILES = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1] as const;
const DECILES = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
const TOP_VALUES = 20;

interface ColumnState {
  moments?: MomentsState;
  quantiles?: QuantileState;
  distinct: DistinctState;
  top?: TopValuesState;
}

export interface ColumnProfile {
  name: string;
  type: string;
  count: number;
  nulls: number;
  invalid: number;
  nan: number;
  inf: number;
  distinct: number;
  distinctExact: boolean;
  min: number | null;
  max: number | null;
  mean: number | null;
  stdev: number | null;
  quantiles: { q: number[]; values: number[] } | null;
  histogram: { kind: 'reference-deciles'; edges: number[]; counts: number[] } | null;
  topValues: { value: string; count: number }[] | null;
  topValuesExact: boolean;
  state: ColumnState;
  /**
   * The column's `ml.role` in the schema it was validated against (id, target, timestamp,
   * prediction, …), when it has one: monitor-model measures drift of features only.
   */
  role?: string;
}

export type ColumnTally = Pick<
  ColumnProfile,
  'count' | 'nulls' | 'invalid' | 'nan' | 'inf' | 'state'
>;

export interface SourceProfile {
  path: string;
  format: string;
  rows: number;
}

export interface DataProfile {
  format: typeof PROFILE_FORMAT;
  rows: number;
  sources: SourceProfile[];
  columns: ColumnProfile[];
}

/** The running statistics of one column, fed value by value by the validator. */
export class ColumnStats {
  count = 0;
  nulls = 0;
  invalid = 0;
  nan = 0;
  inf = 0;
  readonly moments: Moments | undefined;
  readonly quantiles: QuantileSketch | undefined;
  readonly distinct = new DistinctCounter();
  /**
   * Top values are kept for categorical columns (text, booleans, fields with an enum or
   * categories, targets), not for measurements, where they mean little and cost time.
   */
  top: TopValues | undefined;

  constructor(
    readonly name: string,
    readonly type: string,
    topValues = type === 'string' || type === 'boolean',
  ) {
    const numeric = type === 'number' || type === 'integer';
    this.moments = numeric ? new Moments() : undefined;
    this.quantiles = numeric ? new QuantileSketch() : undefined;
    this.top = topValues ? new TopValues() : undefined;
  }

  /**
   * Stops counting top values: past 1,024 distinct values a column is not categorical, and
   * keeping heavy hitters of it would cost more time than the rest of its statistics.
   */
  dropTopValues(): void {
    this.top = undefined;
  }

  addNumber(x: number): void {
    if (Number.isNaN(x)) this.nan++;
    else if (!Number.isFinite(x)) this.inf++;
    else {
      this.moments?.add(x);
      this.quantiles?.add(x);
    }
  }

  static fromProfile(column: ColumnProfile): ColumnStats {
    const stats = new ColumnStats(column.name, column.type, column.state.top !== undefined);
    stats.mergeProfile(column);
    return stats;
  }

  /** The counts and sketch states: what another ColumnStats needs to merge this one in. */
  tally(): ColumnTally {
    return {
      count: this.count,
      nulls: this.nulls,
      invalid: this.invalid,
      nan: this.nan,
      inf: this.inf,
      state: {
        ...(this.moments && { moments: this.moments.toJSON() }),
        ...(this.quantiles && { quantiles: this.quantiles.toJSON() }),
        distinct: this.distinct.toJSON(),
        ...(this.top && { top: this.top.toJSON() }),
      },
    };
  }

  mergeProfile(column: ColumnTally): void {
    this.count += column.count;
    this.nulls += column.nulls;
    this.invalid += column.invalid;
    this.nan += column.nan;
    this.inf += column.inf;
    if (column.state.moments) this.moments?.merge(column.state.moments);
    if (column.state.quantiles) this.quantiles?.merge(column.state.quantiles);
    this.distinct.merge(column.state.distinct);
    if (column.state.top) this.top?.merge(column.state.top);
    else this.dropTopValues();
  }

  toProfile(): ColumnProfile {
    const moments = this.moments?.n ? this.moments : undefined;
    const quantileValues = this.exactEnds(this.quantiles?.quantiles(PROFILE_QUANTILES));
    return {
      name: this.name,
      type: this.type,
      count: this.count,
      nulls: this.nulls,
      invalid: this.invalid,
      nan: this.nan,
      inf: this.inf,
      distinct: this.distinct.estimate(),
      distinctExact: this.distinct.isExact(),
      min: moments ? moments.min : null,
      max: moments ? moments.max : null,
      mean: moments ? moments.mean : null,
      stdev: moments ? moments.stdev() : null,
      quantiles: quantileValues ? { q: [...PROFILE_QUANTILES], values: quantileValues } : null,
      histogram: this.histogram(),
      // Once counters were cut, only values that stand out above the cut are worth showing.
      topValues: this.top
        ? this.top.top(TOP_VALUES).filter((v) => v.count > this.top!.error)
        : null,
      topValuesExact: this.top ? this.top.error === 0 : false,
      state: this.tally().state,
    };
  }

  /**
   * Quantile estimates whose ends are the exact minimum and maximum (kept by the moments):
   * KLL may drop a lone outlier from its sample, and q0 and q1 are what drift and the reader
   * take as the range of the data. The inner estimates are kept inside that range.
   */
  private exactEnds(values: number[] | null | undefined): number[] | null {
    const moments = this.moments?.n ? this.moments : undefined;
    if (!values || !moments) return values ?? null;
    const { min, max } = moments;
    return values.map((v, i) =>
      i === 0 ? min : i === values.length - 1 ? max : Math.min(max, Math.max(min, v)),
    );
  }

  /** Ten bins between the deciles of this data: the reference bins of PSI-style drift checks; the outer edges are the exact minimum and maximum. */
  private histogram(): ColumnProfile['histogram'] {
    const edges = this.exactEnds(this.quantiles?.quantiles(DECILES));
    if (!edges || !this.quantiles) return null;
    const ranks = this.quantiles.ranks(edges);
    // Bin i holds (edges[i], edges[i + 1]]; the first also holds the minimum itself.
    const counts = edges.slice(1).map((_, i) => ranks[i + 1]! - (i === 0 ? 0 : ranks[i]!));
    return { kind: 'reference-deciles', edges, counts };
  }
}

export function buildProfile(
  columns: readonly ColumnStats[],
  sources: SourceProfile[],
): DataProfile {
  return {
    format: PROFILE_FORMAT,
    rows: sources.reduce((sum, s) => sum + s.rows, 0),
    sources,
    columns: columns.map((c) => c.toProfile()),
  };
}

/**
 * One profile of the union of the data behind several profiles. Columns are matched by name
 * (a column missing from a shard simply contributes nothing there); their types must agree.
 */
export function mergeProfiles(profiles: readonly DataProfile[]): DataProfile {
  if (profiles.length === 0)
    throw new UserError('There are no profiles to merge: give at least one profile file.');
  const merged = new Map<string, ColumnStats>();
  for (const profile of profiles) {
    for (const column of profile.columns) {
      const existing = merged.get(column.name);
      if (!existing) merged.set(column.name, ColumnStats.fromProfile(column));
      else if (existing.type !== column.type) {
        throw new UserError(
          `Cannot merge profiles: column "${column.name}" is ${existing.type} in one profile and ${column.type} in another. Profile every shard with the same schema.`,
        );
      } else existing.mergeProfile(column);
    }
  }
  const profile = buildProfile(
    [...merged.values()],
    profiles.flatMap((p) => p.sources),
  );
  const roles = new Map(
    profiles.flatMap((p) => p.columns.filter((c) => c.role).map((c) => [c.name, c.role!])),
  );
  for (const column of profile.columns) {
    const role = roles.get(column.name);
    if (role) column.role = role;
  }
  return profile;
}

const looseState = z
  .object({
    distinct: z.union([
      z.object({ p: z.number(), exact: z.array(z.number()) }),
      z.object({ p: z.number(), registers: z.string() }),
    ]),
  })
  .passthrough();
const profileFile = z.object({
  format: z.literal(PROFILE_FORMAT, {
    error: `not a profile: "format" must be "${PROFILE_FORMAT}"`,
  }),
  rows: z.number(),
  sources: z.array(z.object({ path: z.string(), format: z.string(), rows: z.number() })),
  columns: z.array(
    z
      .object({
        name: z.string(),
        type: z.string(),
        count: z.number(),
        nulls: z.number(),
        invalid: z.number(),
        nan: z.number(),
        inf: z.number(),
        state: looseState,
      })
      .passthrough(),
  ),
});

export async function readProfile(path: string): Promise<DataProfile> {
  return (await readStructuredFile(path, profileFile, 'profile file')) as unknown as DataProfile;
}

/**
 * A profile from its text, when the bytes are needed too (promote-model publishes the bytes it
 * checked) or come from elsewhere than a file (a release asset, an artifact): `source` names it
 * in errors, and a name ending in `.json` is parsed as JSON.
 */
export async function parseProfile(text: string, source: string): Promise<DataProfile> {
  const value = await parseStructured(text, source, 'profile file');
  return (await validateStructured(value, profileFile, {
    path: source,
    what: 'profile file',
    text,
  })) as unknown as DataProfile;
}
