/**
 * What validating a file needs, shared by the one-pass read (validate.ts) and the sharded one on
 * worker threads (parallel.ts, shard-worker.ts): the files, the options, the per-file context,
 * and the empty-file report both make. It sits apart so that neither imports the other's module.
 */
import type { Dialect, DataFormat } from '../data/records.js';
import type { CompiledSchema } from '../schema/table-schema.js';
import type { Finding, FindingGroup, Report } from './findings.js';
import type { FieldState } from './row-checks.js';
import type { UniquenessTracker } from './uniqueness.js';

export interface DataFile {
  path: string;
  format: DataFormat;
}

export interface FileSummary {
  path: string;
  format: DataFormat;
  rows: number;
  errors: number;
  warnings: number;
  /** Shards the file was checked in on worker threads; absent when it was read in one pass. */
  shards?: number;
}

interface Progress {
  file: string;
  rows: number;
  rowsPerSecond: number;
}

export interface ValidateOptions {
  /** How many findings to keep in full; counting goes on past it. */
  maxFindings: number;
  dialect?: Dialect;
  /** Keys each uniqueness check keeps at most (default FINGERPRINT_LIMIT, 16 MB). */
  uniqueLimit?: number;
  /** Called about every `progressIntervalMs` (default 10 s) while a file is read. */
  onProgress?: (progress: Progress) => void;
  progressIntervalMs?: number;
  /** Check large files in shards on worker threads (parallel.ts); without it every file is read in one pass. */
  parallel?: ParallelOptions;
}

export interface ParallelOptions {
  /** The script each worker runs: the action's bundle, whose entry serves shards in a worker (shard-worker.ts). */
  entry: string | URL;
  /** Worker threads; by default one per core. Below two, files are read in one pass. */
  workers?: number;
  /** Files smaller than this are read in one pass (default 16 MiB): workers take time to start. */
  minFileBytes?: number;
  /** About how much of a CSV or TSV file each shard holds (default 4 MiB). */
  shardBytes?: number;
}

/** What checking one file needs, in one pass or in shards. */
export interface FileContext {
  file: DataFile;
  schema: CompiledSchema;
  states: FieldState[];
  uniqueness: UniquenessTracker;
  summary: FileSummary;
  /** Reports a finding found by the main thread: its file, scope and level are filled in. */
  report: Report;
  /** Takes a finding made elsewhere (a worker), complete. */
  add: (finding: Finding) => void;
  /** Takes `count` findings of a group that were counted elsewhere but not kept. */
  addUnkept: (group: FindingGroup, count: number) => void;
  options: ValidateOptions;
  /** Reports progress every so often; call with the rows read so far. */
  progress: (rows: number) => void;
}

/** An empty file, or a header without rows. */
export function reportEmpty({ file, summary, report }: FileContext, headerSeen: boolean): void {
  if (!headerSeen)
    report({
      code: 'empty-file',
      message: `The file "${file.path}" is empty: it has no ${file.format === 'parquet' ? 'columns' : file.format === 'jsonl' ? 'JSON object' : 'header row'}.`,
    });
  else if (summary.rows === 0)
    report({
      code: 'empty-file',
      level: 'warning',
      line: file.format === 'parquet' ? undefined : 1,
      message: `The file "${file.path}" has a header but no data rows.`,
    });
}
