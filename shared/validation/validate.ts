/**
 * Validates data files against a compiled Table Schema, and profiles them on the way. Per row:
 * shape, each cell (missing value → cast → constraints → statistics), then keys and duplicates
 * (row-checks.ts, uniqueness.ts). At the end: the column and dataset checks of the `ml`
 * extensions, computed from the profile's statistics.
 *
 * A file is read in one streaming pass, or, when `parallel` is given and the file is large,
 * cut into shards that workers check while the main thread decides uniqueness in row order and
 * merges what they found (parallel.ts). Findings are the same either way.
 *
 * Memory is bounded whatever the data size: rows are never kept; uniqueness keeps bounded sets
 * of fingerprints; statistics are sketches.
 */
import { DataFileError } from '../data/data-file-error.js';
import { readTable } from '../data/records.js';
import { buildProfile, type DataProfile } from '../profile/profile.js';
import { FINGERPRINT_LIMIT } from '../profile/sketches/key-set.js';
import type { CompiledSchema } from '../schema/table-schema.js';
import { checkColumns, checkDataset } from './aggregate-checks.js';
import {
  reportEmpty,
  type DataFile,
  type FileContext,
  type FileSummary,
  type ValidateOptions,
} from './file-context.js';
import {
  completeFinding,
  FindingSink,
  type Finding,
  type FindingGroup,
  type Report,
} from './findings.js';
import { checkForeignKeys, type Table } from './foreign-keys.js';
import { refuseWrongDelimiter } from './delimiter-sniff.js';
import { layoutHeader } from './header.js';
import { planShards, ShardPool, validateFileInShards } from './parallel.js';
import { fieldStates, rowChecker } from './row-checks.js';
import { UniquenessTracker } from './uniqueness.js';

export type { DataFile, ValidateOptions } from './file-context.js';

export interface ValidationResult {
  rows: number;
  errors: number;
  warnings: number;
  files: FileSummary[];
  /** The first `maxFindings` findings, in the order found. */
  findings: Finding[];
  findingsDropped: number;
  /** Every finding counted by kind, however many were kept. */
  groups: FindingGroup[];
  profile: DataProfile;
}

/**
 * Validates every file against the schema. The files are one table split in parts: uniqueness
 * (unique fields, primary and unique keys, duplicate rows) and the column and dataset checks
 * hold across all of them.
 */
export async function validateFiles(
  files: readonly DataFile[],
  schema: CompiledSchema,
  options: ValidateOptions | number,
  /** Every table of the run (a Data Package's resources), for foreign keys to other resources. */
  tables: readonly Table[] = [],
): Promise<ValidationResult> {
  const settings: ValidateOptions =
    typeof options === 'number' ? { maxFindings: options } : options;
  const sink = new FindingSink(settings.maxFindings);
  const states = fieldStates(schema);
  const uniqueness = new UniquenessTracker(
    schema,
    states,
    settings.uniqueLimit ?? FINGERPRINT_LIMIT,
  );
  const summaries: FileSummary[] = [];
  let pool: ShardPool | undefined;
  try {
    for (const file of files) {
      const summary: FileSummary = {
        path: file.path,
        format: file.format,
        rows: 0,
        errors: 0,
        warnings: 0,
      };
      const count = (finding: Finding, times = 1) => {
        if (finding.file === file.path)
          summary[finding.level === 'error' ? 'errors' : 'warnings'] += times;
      };
      const add = (finding: Finding) => {
        sink.add(finding);
        count(finding);
      };
      const report: Report = (partial) => add(completeFinding(partial, file.path));
      const started = performance.now();
      let lastProgress = started;
      const interval = settings.progressIntervalMs ?? 10_000;
      const progress = (rows: number) => {
        const now = performance.now();
        if (!settings.onProgress || now - lastProgress < interval) return;
        lastProgress = now;
        settings.onProgress({
          file: file.path,
          rows,
          rowsPerSecond: (rows * 1000) / (now - started),
        });
      };
      for (const state of states) state.file = file.path;
      const context: FileContext = {
        file,
        schema,
        states,
        uniqueness,
        summary,
        report,
        add,
        options: settings,
        progress,
        addUnkept: (group, times) => {
          sink.addUnkept(group, times);
          count(group.first, times);
        },
      };
      try {
        const plan = await planShards(file, settings);
        if (plan)
          await validateFileInShards(
            context,
            (pool ??= new ShardPool(settings.parallel!, schema, settings.maxFindings)),
            plan,
          );
        else await validateFile(context);
      } catch (error) {
        if (!(error instanceof DataFileError)) throw error;
        report({
          code: error.code,
          line: error.line,
          message: `${error.message}${summary.rows ? ` Rows before the problem (${summary.rows}) were checked.` : ''}`,
        });
      }
      summaries.push(summary);
    }
  } finally {
    await pool?.close();
  }
  const schemaReport: Report = (partial) => sink.add(completeFinding(partial, schema.source));
  uniqueness.limitFindings(schemaReport);
  const rows = summaries.reduce((sum, s) => sum + s.rows, 0);
  if (schema.foreignKeys.length > 0 && rows > 0) {
    const reportAt =
      (file: string): Report =>
      (partial) => {
        const finding = completeFinding(partial, file);
        sink.add(finding);
        const summary = summaries.find((s) => s.path === file);
        if (summary) summary[finding.level === 'error' ? 'errors' : 'warnings']++;
      };
    await checkForeignKeys({ files, schema }, tables, reportAt, { dialect: settings.dialect });
  }
  const profile = buildProfile(
    states.map((s) => s.stats),
    summaries.map((s) => ({ path: s.path, format: s.format, rows: s.rows })),
  );
  const roles = new Map(schema.fields.map((f) => [f.name, f.ml?.role]));
  for (const column of profile.columns) {
    const role = roles.get(column.name);
    if (role) column.role = role;
  }
  if (rows > 0) {
    checkColumns(schema, states, profile, schemaReport);
    checkDataset(
      schema,
      profile,
      schema.descriptor.ml?.duplicateRows
        ? { count: uniqueness.duplicates, first: uniqueness.firstDuplicate }
        : undefined,
      schemaReport,
    );
  }
  return {
    rows,
    errors: sink.errors,
    warnings: sink.warnings,
    files: summaries,
    findings: sink.kept,
    findingsDropped: sink.dropped,
    groups: [...sink.groups.values()],
    profile,
  };
}

/** Reads a file in one streaming pass on this thread. */
async function validateFile(context: FileContext): Promise<void> {
  const { file, schema, states, summary, report } = context;
  let checkRow: ReturnType<typeof rowChecker> | undefined;
  await readTable(
    file.path,
    file.format,
    {
      header(names, line) {
        refuseWrongDelimiter(
          file.path,
          file.format,
          names,
          schema.fields.map((f) => f.name),
          context.options.dialect?.delimiter,
        );
        checkRow = rowChecker({
          schema,
          states,
          format: file.format,
          ...layoutHeader(names, schema, states, file.format, line, report),
          report,
          keys: context.uniqueness.sink(file.path, report),
        });
      },
      row(r) {
        summary.rows = r.row;
        if ((r.row & 0x3fff) === 0) context.progress(r.row);
        checkRow!(r);
      },
    },
    { dialect: context.options.dialect },
  );
  reportEmpty(context, checkRow !== undefined);
}

/**
 * The results of several tables (a Data Package's resources) as one, for the report, the
 * summary and the annotations: counts add up, files and groups follow one another, and the
 * kept findings stay within `maxFindings`. Each table keeps its own profile (their columns
 * differ), so the merged profile is the first table's; callers write the others themselves.
 */
export function mergeResults(
  results: readonly ValidationResult[],
  maxFindings: number,
): ValidationResult {
  if (results.length === 1) return results[0]!;
  const findings = results.flatMap((r) => r.findings);
  return {
    rows: results.reduce((sum, r) => sum + r.rows, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    warnings: results.reduce((sum, r) => sum + r.warnings, 0),
    files: results.flatMap((r) => r.files),
    findings: findings.slice(0, maxFindings),
    findingsDropped:
      results.reduce((sum, r) => sum + r.findingsDropped, 0) +
      Math.max(0, findings.length - maxFindings),
    groups: results.flatMap((r) => r.groups),
    profile: results[0]!.profile,
  };
}
