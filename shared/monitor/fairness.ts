/**
 * Selection-rate parity in production: per sensitive attribute of the policy's
 * `monitor.fairness` (a column, or `a,b` for the intersection of two), each group's share of
 * the window's rows predicted positive, and fairlearn's demographic_parity_ratio and
 * _difference between the groups of at least `min-group-size` rows. Serving data rarely has
 * labels yet, so the monitor tracks what needs none: the selection rate (demographic parity);
 * TPR and FPR wait for the labels, in evaluate-model.
 *
 * The groups are evaluate-model's (attributeGroups: intersections, a missing value as a group
 * of its own) and the measures its definitions (spread: max − min, min / max); the section is
 * written in the metrics report's shape (fairness-report.ts), so that anything published
 * merges the small groups the same way (publishableGroups).
 */
import { UserError } from '../action/errors.js';
import { detectFormat, readTable, type RawValue } from '../data/records.js';
import { quoteValue } from '../identifiers.js';
import { attributeGroups, type CodedColumn } from '../metrics/fairness-groups.js';
import { spread } from '../metrics/fairness-measures.js';
import {
  MISSING_GROUP,
  type FairnessAttribute,
  type FairnessReport,
} from '../metrics/fairness-report.js';
import { parseSensitiveFeatures } from '../metrics/fairness.js';
import { missingValueSet } from '../metrics/predictions.js';
import type { MonitorFairness, MonitorFinding } from './monitor-report.js';
import type { MonitorPolicy } from './policy.js';

/** Most distinct values a sensitive column may have (evaluate-model's limit): more is an identifier. */
const MAX_VALUES = 100;

export interface FairnessRequest {
  /** The window's data files (none when it came as profiles). */
  files: readonly string[];
  /** The window's columns. */
  columns: ReadonlySet<string>;
  prediction: string;
  /** The prediction that selects (binary: the positive class). */
  positive: string;
  label: string;
  scores: readonly string[];
}

/** The window's fairness section, or undefined when the policy tracks none. */
export async function windowFairness(
  request: FairnessRequest,
  policy: MonitorPolicy,
): Promise<MonitorFairness | undefined> {
  const rules = policy.fairness;
  if (!rules.attributes.length) return undefined;
  const attributes = parseSensitiveFeatures(
    rules.attributes,
    { label: request.label, prediction: request.prediction, scores: request.scores },
    'monitor.fairness.attributes',
  );
  const base = {
    minRatio: rules['min-ratio'],
    ...(rules['max-difference'] !== undefined ? { maxDifference: rules['max-difference'] } : {}),
    minGroupSize: rules['min-group-size'],
  };
  const notMeasured = (reason: string): MonitorFairness => ({ ...base, reason, attributes: {} });
  if (request.files.length === 0)
    return notMeasured(
      'the window came as profiles, which hold no rows; give the data files to track selection-rate parity.',
    );
  const wanted = [request.prediction, ...new Set(attributes.flatMap((a) => a.columns))];
  const absent = wanted.filter((column) => !request.columns.has(column));
  if (absent.length)
    return notMeasured(
      `the window has no column ${absent.map((c) => quoteValue(c)).join(', ')}: serve the sensitive columns (and the prediction) with the rows to track parity.`,
    );
  const window = await readSelections(request, wanted.slice(1));
  const byName = new Map(window.columns.map((c) => [c.column, c]));
  const report: FairnessReport = Object.fromEntries(
    attributes.map((attribute) => {
      const groups = attributeGroups(
        attribute.name,
        attribute.columns.map((c) => byName.get(c)!),
        window.rows,
        window.path,
      );
      return [attribute.name, parity(groups, window, base.minGroupSize, attribute.columns)];
    }),
  );
  return { ...base, rows: window.rows, attributes: report };
}

interface Selections {
  path: string;
  rows: number;
  /** Per row, 1 when predicted positive. */
  selected: Uint8Array;
  columns: CodedColumn[];
}

/**
 * The prediction and the sensitive columns of the window's rows, every file in turn. A row
 * without a prediction is left out (the model did not score it); a missing sensitive value is
 * the group MISSING_GROUP, as in evaluate-model.
 */
async function readSelections(
  request: FairnessRequest,
  sensitive: readonly string[],
): Promise<Selections> {
  const missing = missingValueSet({});
  const selected: number[] = [];
  const coded = sensitive.map((column) => ({
    column,
    values: [] as string[],
    lookup: new Map<string, number>(),
    index: [] as number[],
  }));
  const positive = request.positive;
  const isPositive = (text: string) =>
    text === positive ||
    (text.trim() !== '' && positive.trim() !== '' && Number(text) === Number(positive));
  for (const path of request.files) {
    const format = detectFormat(path, 'data file', '');
    let at: number[] = [];
    await readTable(path, format, {
      header(names) {
        at = [request.prediction, ...sensitive].map((c) => names.indexOf(c));
      },
      row(row) {
        if (row.blank || row.problem) return;
        const prediction = text(row.cells[at[0]!]);
        if (missing.has(prediction.trim())) return;
        selected.push(isPositive(prediction) ? 1 : 0);
        coded.forEach((column, s) => {
          const raw = text(row.cells[at[s + 1]!]);
          const value = missing.has(raw.trim()) ? MISSING_GROUP : raw;
          let index = column.lookup.get(value);
          if (index === undefined) {
            if (column.values.length === MAX_VALUES)
              throw new UserError(
                `The sensitive column ${quoteValue(column.column)} of the window "${path}" has more than ${MAX_VALUES} distinct values: it is likely an identifier, not a group of people. Bin it into a few groups (e.g. age into age bands) in a column of its own and name that one in the policy's monitor.fairness.attributes.`,
              );
            index = column.values.length;
            column.values.push(value);
            column.lookup.set(value, index);
          }
          column.index.push(index);
        });
      },
    });
  }
  return {
    path: request.files.join(', '),
    rows: selected.length,
    selected: Uint8Array.from(selected),
    columns: coded.map(({ column, values, index }) => ({
      column,
      values,
      index: Int32Array.from(index),
    })),
  };
}

const text = (value: RawValue | undefined): string =>
  value === null || value === undefined
    ? ''
    : typeof value === 'string'
      ? value
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);

/** One attribute's groups and selection rates, and the parity measures between the large ones. */
function parity(
  groups: ReturnType<typeof attributeGroups>,
  window: Selections,
  minGroupSize: number,
  columns: string[],
): FairnessAttribute {
  const g = groups.names.length;
  const positives = new Float64Array(g);
  for (let i = 0; i < window.rows; i++) positives[groups.index[i]!]! += window.selected[i]!;
  const rates = new Float64Array(g);
  const compared: number[] = [];
  for (let i = 0; i < g; i++) {
    rates[i] = positives[i]! / groups.rows[i]!;
    if (groups.rows[i]! >= minGroupSize) compared.push(i);
  }
  const { difference, ratio, worst, best } = spread(rates, compared, false);
  const names = groups.names;
  const measure = (value: number) => ({
    value: Number.isFinite(value) ? value : null,
    ...(worst >= 0 ? { worstGroup: names[worst]!, bestGroup: names[best]! } : {}),
    groups: compared.map((i) => names[i]!),
  });
  const small = g - compared.length;
  const notes = [
    ...(small
      ? [
          `${small} group${small === 1 ? ' has' : 's have'} fewer than ${minGroupSize} rows: reported, left out of the measures.`,
        ]
      : []),
    ...(compared.length < 2
      ? [`fewer than two groups have ${minGroupSize} rows or more: nothing to compare.`]
      : []),
  ];
  return {
    columns,
    minGroupSize,
    dataSha256: '',
    groups: Object.fromEntries(
      names.map((name, i) => [
        name,
        {
          rows: groups.rows[i]!,
          weight: groups.rows[i]!,
          small: groups.rows[i]! < minGroupSize,
          selectionRate: rates[i]!,
          metrics: {},
        },
      ]),
    ),
    measures: {
      demographic_parity_difference: measure(difference),
      demographic_parity_ratio: measure(ratio),
    },
    notes,
  };
}

const quote = (name: string) => JSON.stringify(name);
const rate = (value: number | null | undefined) => (value ?? Number.NaN).toPrecision(3);

/**
 * The breaches of the policy: a selection-rate ratio under min-ratio (0.8: the four-fifths
 * rule), or a difference over max-difference, per attribute, at the policy's level. Names
 * groups and their rates, never rows.
 */
export function fairnessFindings(
  fairness: MonitorFairness | undefined,
  policy: MonitorPolicy,
): MonitorFinding[] {
  if (!fairness) return [];
  const level = policy.fairness.level;
  if (fairness.reason)
    return [
      {
        kind: 'fairness',
        level: 'info',
        message: `Selection-rate parity is not tracked: ${fairness.reason}`,
      },
    ];
  const found: MonitorFinding[] = [];
  for (const [attribute, section] of Object.entries(fairness.attributes)) {
    const ratio = section.measures.demographic_parity_ratio;
    const difference = section.measures.demographic_parity_difference;
    const worst = ratio?.worstGroup;
    const best = ratio?.bestGroup;
    const between =
      worst !== undefined && best !== undefined
        ? ` (group ${quote(worst)} selected at ${rate(section.groups[worst]?.selectionRate)}, ${quote(best)} at ${rate(section.groups[best]?.selectionRate)})`
        : '';
    if (ratio && ratio.value !== null && ratio.value < fairness.minRatio)
      found.push({
        kind: 'fairness',
        level,
        feature: attribute,
        message: `Selection rates across ${quote(attribute)} differ: demographic_parity_ratio ${ratio.value.toPrecision(3)}${between} is under the policy's min-ratio ${fairness.minRatio}${fairness.minRatio === 0.8 ? ' (the four-fifths rule)' : ''}.`,
      });
    else if (
      fairness.maxDifference !== undefined &&
      difference &&
      difference.value !== null &&
      difference.value > fairness.maxDifference
    )
      found.push({
        kind: 'fairness',
        level,
        feature: attribute,
        message: `Selection rates across ${quote(attribute)} differ: demographic_parity_difference ${difference.value.toPrecision(3)}${between} is over the policy's max-difference ${fairness.maxDifference}.`,
      });
  }
  return found;
}
