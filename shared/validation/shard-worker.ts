/**
 * The worker side of parallel validation: a worker thread compiles the schema once, then checks
 * the shards it is sent (rows of a CSV/TSV byte range, or Parquet row groups) with the same row
 * checks as a one-pass read, and sends back what the main thread merges in row order: findings
 * (the first `maxFindings`, and counts of the rest), column statistics as mergeable sketch
 * states, `mostly` tallies, and the rows' uniqueness keys.
 *
 * The worker runs the action's own bundle: its entry (`runServingShards`) serves shards in a
 * worker thread started for them, instead of running the action.
 */
import { realpathSync } from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { DataFileError, type DataFileErrorCode } from '../data/data-file-error.js';
import {
  parseDelimitedShard,
  type DelimitedLayout,
  type DelimitedShard,
} from '../data/delimited-shards.js';
import { openParquet, readParquetGroups, type ParquetSource } from '../data/parquet.js';
import type { DataFormat, TableRow } from '../data/records.js';
import type { ColumnTally } from '../profile/profile.js';
import { tableSchemaFrom, type CompiledSchema } from '../schema/table-schema.js';
import type { ParallelOptions } from './file-context.js';
import {
  completeFinding,
  FindingSink,
  type Finding,
  type FindingGroup,
  type Report,
} from './findings.js';
import { fieldStates, rowChecker, type MostlyTally } from './row-checks.js';
import { KeyCollector, uniquenessChecks, type CollectedKeys } from './uniqueness.js';

const ROLE = 'mlops-actions/validation-shards';

export interface WorkerInit {
  role: typeof ROLE;
  /** The schema's descriptor and source path; the worker compiles it again (RegExps and Sets do not cross threads). */
  descriptor: unknown;
  source: string;
  maxFindings: number;
}

export function workerInit(schema: CompiledSchema, maxFindings: number): WorkerInit {
  return { role: ROLE, descriptor: schema.descriptor, source: schema.source, maxFindings };
}

let bundle: string | undefined;

/**
 * Called by the entry of a bundle that serves shards (`isValidationWorker` there): validation in
 * this process may then check large files on worker threads that run `script`.
 */
function offerValidationWorkers(script: string): void {
  bundle = script;
}

/** The parallel options for this process: workers when its entry offered them, else none. */
export function validationWorkers(): ParallelOptions | undefined {
  return bundle === undefined ? undefined : { entry: bundle };
}

/**
 * The entry of an action that validates or profiles data: in a worker thread started to check
 * shards it serves them, otherwise it offers this same bundle as the workers' script and runs
 * the action (`run`, returning its exit code).
 */
export async function runServingShards(run: () => Promise<number>): Promise<void> {
  if (isValidationWorker()) await serveValidationShards();
  else {
    offerValidationWorkers(realpathSync(process.argv[1]!));
    process.exitCode = await run();
  }
}

/** True in a worker thread started to check shards. */
export function isValidationWorker(): boolean {
  return !isMainThread && (workerData as { role?: unknown } | null)?.role === ROLE;
}

/** What the shards of one file share. */
export interface FileSetup {
  path: string;
  format: DataFormat;
  /** For each cell a row should have, the index of its field (header.ts, layoutHeader). */
  columns: (number | undefined)[];
  /** The header's labels. */
  labels: readonly string[];
  layout?: DelimitedLayout;
}

export type ShardTask =
  | { kind: 'delimited'; shard: DelimitedShard }
  | { kind: 'parquet'; from: number; to: number; firstRow: number };

export interface ShardRequest {
  seq: number;
  setup: FileSetup;
  task: ShardTask;
}

export interface ShardResult {
  seq: number;
  /** The shard's size in bytes (CSV and TSV). */
  bytes: number;
  findings: Finding[];
  unkept: { group: FindingGroup; count: number }[];
  columns: ColumnTally[];
  mostly: (MostlyTally | undefined)[];
  keys: CollectedKeys;
  /** The shard could not be read past some point: the rows before it were checked. */
  fatal?: { code: DataFileErrorCode; message: string; line?: number };
}

/** Serves shard requests until the main thread terminates the worker. */
export async function serveValidationShards(): Promise<void> {
  const init = workerData as WorkerInit;
  const schema = await tableSchemaFrom(init.descriptor, init.source);
  let queue = Promise.resolve();
  parentPort!.on('message', (request: ShardRequest) => {
    // One shard at a time, in the order sent (Parquet reads are asynchronous).
    queue = queue.then(async () =>
      parentPort!.postMessage(await checkShard(schema, init.maxFindings, request)),
    );
  });
}

/**
 * The Parquet file this worker reads, opened once: its footer grows with its row groups, and
 * reading it again for every row group would cost more the more groups there are.
 */
let opened: { path: string; source: Promise<ParquetSource> } | undefined;
function openedParquet(path: string): Promise<ParquetSource> {
  if (opened?.path !== path) opened = { path, source: openParquet(path) };
  return opened.source;
}

async function checkShard(
  schema: CompiledSchema,
  maxFindings: number,
  { seq, setup, task }: ShardRequest,
): Promise<ShardResult> {
  const states = fieldStates(schema);
  for (const state of states) state.file = setup.path;
  const sink = new FindingSink(maxFindings);
  const report: Report = (partial) => sink.add(completeFinding(partial, setup.path));
  const firstRow = task.kind === 'delimited' ? task.shard.firstRow : task.firstRow;
  const keys = new KeyCollector(uniquenessChecks(schema, states), firstRow);
  const check = rowChecker({
    schema,
    states,
    format: setup.format,
    columns: setup.columns,
    labels: setup.labels,
    report,
    keys,
  });
  const onRow = (row: TableRow) => {
    keys.row(row.row, row.line);
    check(row);
  };
  let fatal: ShardResult['fatal'];
  try {
    if (task.kind === 'delimited')
      parseDelimitedShard({ layout: setup.layout!, path: setup.path, shard: task.shard }, onRow);
    else
      await readParquetGroups(
        await openedParquet(setup.path),
        (cells, row) => onRow({ cells, row }),
        task.from,
        task.to,
      );
  } catch (error) {
    if (!(error instanceof DataFileError)) throw error;
    fatal = { code: error.code, message: error.message, line: error.line };
  }
  return {
    seq,
    bytes: task.kind === 'delimited' ? task.shard.bytes.length : 0,
    findings: sink.kept,
    unkept: sink.unkept(),
    columns: states.map((state) => state.stats.tally()),
    mostly: states.map((state) => state.mostly),
    keys: keys.collected(),
    ...(fatal && { fatal }),
  };
}
