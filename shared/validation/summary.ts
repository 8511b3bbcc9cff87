/** How validation results reach people: annotations within GitHub's caps, and the job summary. */
import type { Logger } from '../action/runner.js';
import { escapeMarkdown, inlineCode, markdownTable } from '../markdown/escape.js';
import type { ColumnProfile } from '../profile/profile.js';
import { FINDING_CODES, type FindingLevel, type FindingScope } from './findings.js';
import type { FindingGroup } from './findings.js';
import type { ValidationResult } from './validate.js';

/** GitHub shows at most 10 annotations per level per step and drops the rest silently. */
const ANNOTATIONS_PER_LEVEL = 10;

/** Problems with the whole file or its header outrank the ones of a single cell. */
const SCOPE_RANK: Record<FindingScope, number> = {
  file: 0,
  header: 1,
  dataset: 2,
  column: 3,
  row: 4,
  cell: 5,
};

/** Worst first: by scope, then by how many rows a kind of problem touches, then where it is first. */
function rankGroups(groups: readonly FindingGroup[]): FindingGroup[] {
  return [...groups].sort(
    (a, b) =>
      SCOPE_RANK[FINDING_CODES[a.code]] - SCOPE_RANK[FINDING_CODES[b.code]] ||
      b.count - a.count ||
      (a.first.line ?? 0) - (b.first.line ?? 0),
  );
}

function groupTitle(group: FindingGroup): string {
  const what = group.constraint ? `${group.code} (${group.constraint})` : group.code;
  return group.field ? `${what}: ${group.field}` : what;
}

/**
 * One annotation per kind of problem (code, constraint, field, file), at its first location,
 * saying how many more of the kind there are; at most 10 per level, worst first. When there
 * are more kinds than that, the last annotation says how many kinds and findings are left and
 * where the full list is, so nothing is lost silently.
 */
export function annotate(result: ValidationResult, log: Logger, reportPath: string): void {
  for (const level of ['error', 'warning'] as const) {
    const groups = rankGroups(result.groups.filter((g) => g.level === level));
    const room =
      groups.length > ANNOTATIONS_PER_LEVEL ? ANNOTATIONS_PER_LEVEL - 1 : ANNOTATIONS_PER_LEVEL;
    for (const group of groups.slice(0, room)) {
      const more = group.count > 1 ? ` (+${group.count - 1} more like this)` : '';
      emit(log, level, `${group.first.message}${more}`, {
        file: group.file,
        line: group.first.line,
        title: groupTitle(group),
      });
    }
    const rest = groups.slice(room);
    if (rest.length) {
      const findings = rest.reduce((sum, g) => sum + g.count, 0);
      const first = rest[0]!;
      emit(
        log,
        level,
        `+${findings} more ${level === 'error' ? 'errors' : 'warnings'} of ${rest.length} other kinds (the first: ${first.first.message}); the full list is in the job summary and in ${reportPath}.`,
        {
          file: first.file,
          line: first.first.line,
          title: `+${rest.length} more kinds of ${level}`,
        },
      );
    }
  }
}

function emit(
  log: Logger,
  level: FindingLevel,
  message: string,
  where: { file: string; line?: number; title: string },
) {
  if (level === 'error') log.error(message, where);
  else log.warning(message, where);
}

const SUMMARY_GROUPS = 50;

const number = (value: number | null | undefined) => {
  if (value === null || value === undefined) return '';
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1000 ? value.toFixed(1) : Number(value.toPrecision(4)).toString();
};

export function renderValidationSummary(
  result: ValidationResult,
  schemaPath: string,
  reportPath: string,
  profilePath?: string,
): string {
  const valid = result.errors === 0;
  const headline = valid
    ? `### ✅ Data valid: ${result.rows} rows in ${result.files.length} file(s) match ${inlineCode(schemaPath)}`
    : `### ❌ Data invalid: ${result.errors} error(s) in ${result.rows} rows checked against ${inlineCode(schemaPath)}`;
  const counts = result.warnings ? `${result.errors} error(s), ${result.warnings} warning(s).` : '';
  const files = markdownTable(
    ['File', 'Format', 'Rows', 'Errors', 'Warnings'],
    result.files.map((f) => [
      inlineCode(f.path),
      f.format,
      String(f.rows),
      String(f.errors),
      String(f.warnings),
    ]),
  );
  const parts = [headline, ...(counts ? [counts] : []), files];
  if (result.groups.length) {
    const groups = [
      ...rankGroups(result.groups.filter((g) => g.level === 'error')),
      ...rankGroups(result.groups.filter((g) => g.level === 'warning')),
    ];
    const shown = groups.slice(0, SUMMARY_GROUPS);
    parts.push('#### Findings');
    parts.push(
      markdownTable(
        ['Level', 'Code', 'Field', 'Count', 'First at', 'Observed', 'Expected', 'First problem'],
        shown.map((g) => [
          g.level,
          g.constraint ? `${g.code} (${escapeMarkdown(g.constraint)})` : g.code,
          g.field ? inlineCode(g.field) : '',
          String(g.count),
          `${inlineCode(g.file)}${g.first.line ? `:${g.first.line}` : ''}`,
          g.first.observed !== undefined ? inlineCode(g.first.observed) : '',
          g.first.expected !== undefined ? escapeMarkdown(g.first.expected) : '',
          escapeMarkdown(g.first.message),
        ]),
      ),
    );
    if (groups.length > shown.length)
      parts.push(`_${groups.length - shown.length} more kinds of findings are not shown here._`);
    parts.push(
      `_The report ${inlineCode(reportPath)} lists ${result.findings.length} finding(s) in full${result.findingsDropped ? ` (${result.findingsDropped} more were counted but not kept: raise max-errors to keep them)` : ''}._`,
    );
  }
  const columns = result.profile.columns.filter((c) => c.count > 0);
  if (columns.length) {
    parts.push('#### Columns');
    parts.push(
      markdownTable(
        [
          'Column',
          'Type',
          'Missing',
          'Invalid',
          'Distinct',
          'Min',
          'Mean',
          'Median',
          'Max',
          'Stdev',
          'Top values',
        ],
        columns.map(columnRow),
      ),
    );
    if (profilePath)
      parts.push(
        `_The full profile (quantiles, decile histogram, mergeable sketches) is in ${inlineCode(profilePath)}._`,
      );
  }
  return parts.join('\n\n');
}

function columnRow(c: ColumnProfile): string[] {
  const missing = c.nulls ? `${c.nulls} (${((c.nulls / c.count) * 100).toFixed(1)}%)` : '0';
  const special = [c.nan ? `${c.nan} NaN` : '', c.inf ? `${c.inf} ±Inf` : '']
    .filter(Boolean)
    .join(', ');
  const top = (c.topValues ?? [])
    .slice(0, 3)
    .map((v) => `${inlineCode(v.value.slice(0, 30))} ${v.count}`)
    .join(', ');
  const median = c.quantiles ? c.quantiles.values[c.quantiles.q.indexOf(0.5)] : null;
  return [
    inlineCode(c.name),
    c.type,
    missing,
    `${c.invalid}${special ? `; ${special}` : ''}`,
    `${c.distinctExact ? '' : '~'}${c.distinct}`,
    number(c.min),
    number(c.mean),
    number(median),
    number(c.max),
    number(c.stdev),
    top,
  ];
}
