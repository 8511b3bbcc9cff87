/**
 * Large files checked in shards on worker threads. The main thread reads the file once, cuts
 * it into shards of whole records (CSV/TSV byte ranges, Parquet row groups) and hands them to
 * a pool of workers, at most two per worker in flight, so memory stays flat. Results are
 * merged strictly in shard order: the worker's findings of each row, then that row's uniqueness
 * keys checked here (uniqueness is decided in one place, in row order), then the column
 * statistics, merged as the mergeable sketches they are. Findings, counts and row numbers are
 * the same as a one-pass read; quantiles come from merged KLL sketches, within their error.
 *
 * Files that are small, gzip-compressed (one stream, no seeking), JSON Lines, or in a dialect
 * the record scanner does not follow are read in one pass (validate.ts).
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DataFileError } from '../data/data-file-error.js';
import {
  delimitedLayout,
  delimitedShards,
  type DelimitedLayout,
} from '../data/delimited-shards.js';
import { openParquet } from '../data/parquet.js';
import type { CompiledSchema } from '../schema/table-schema.js';
import {
  reportEmpty,
  type DataFile,
  type FileContext,
  type ParallelOptions,
  type ValidateOptions,
} from './file-context.js';
import { refuseWrongDelimiter } from './delimiter-sniff.js';
import { layoutHeader } from './header.js';
import {
  workerInit,
  type FileSetup,
  type ShardRequest,
  type ShardResult,
  type ShardTask,
} from './shard-worker.js';

export type { ParallelOptions } from './file-context.js';

const DEFAULT_MIN_FILE_BYTES = 16 * 2 ** 20;
const DEFAULT_SHARD_BYTES = 4 * 2 ** 20;

export type ShardPlan =
  | { kind: 'delimited'; layout: DelimitedLayout; bytes: number }
  | { kind: 'parquet'; columns: string[]; groupRows: number[] };

const workerCount = (options: ParallelOptions) => options.workers ?? availableParallelism();

/** How a file would be cut into shards, or undefined when it is read in one pass. */
export async function planShards(
  file: DataFile,
  options: ValidateOptions,
): Promise<ShardPlan | undefined> {
  const parallel = options.parallel;
  if (!parallel || workerCount(parallel) < 2 || file.format === 'jsonl' || /\.gz$/i.test(file.path))
    return undefined;
  // A file that cannot be read is left to the one-pass reader, which says what is wrong with it.
  const size = await stat(file.path).then(
    (s) => s.size,
    () => 0,
  );
  if (size < (parallel.minFileBytes ?? DEFAULT_MIN_FILE_BYTES)) return undefined;
  if (file.format === 'parquet') {
    const source = await openParquet(file.path).catch(() => undefined);
    return source && source.groupRows.length > 1
      ? { kind: 'parquet', columns: source.columns, groupRows: source.groupRows }
      : undefined;
  }
  const layout = await delimitedLayout(file.path, file.format, options.dialect);
  return layout && { kind: 'delimited', layout, bytes: size };
}

/** Checks one file in shards on the pool's workers, merging their results in row order. */
export async function validateFileInShards(
  context: FileContext,
  pool: ShardPool,
  plan: ShardPlan,
): Promise<void> {
  const { file, schema, states } = context;
  const header = plan.kind === 'delimited' ? plan.layout.header : plan.columns;
  const headerLine = plan.kind === 'delimited' ? plan.layout.headerLine : undefined;
  refuseWrongDelimiter(
    file.path,
    file.format,
    header,
    schema.fields.map((f) => f.name),
    context.options.dialect?.delimiter,
  );
  const setup: FileSetup = {
    path: file.path,
    format: file.format,
    ...layoutHeader(header, schema, states, file.format, headerLine, context.report),
    ...(plan.kind === 'delimited' && { layout: plan.layout }),
  };
  const shardBytes = context.options.parallel?.shardBytes ?? DEFAULT_SHARD_BYTES;
  const tasks =
    plan.kind === 'delimited'
      ? delimitedTasks(file.path, plan.layout, shardBytes, pool.size)
      : parquetTasks(plan.groupRows);
  let fatal: ShardResult['fatal'];
  await pool.run(setup, tasks, (result) => {
    if (result.seq === 0) context.uniqueness.expect(expectedRows(plan, result));
    mergeShard(context, result);
    fatal = result.fatal;
    return fatal === undefined;
  });
  if (fatal) throw new DataFileError(fatal.message, fatal.code, file.path, fatal.line);
  reportEmpty(context, true);
}

/** The rows a file will have, to size the uniqueness sets once: Parquet says; CSV is estimated from the first shard's rows per byte. */
function expectedRows(plan: ShardPlan, first: ShardResult): number {
  if (plan.kind === 'parquet') return plan.groupRows.reduce((sum, rows) => sum + rows, 0);
  return Math.ceil((plan.bytes / Math.max(1, first.bytes)) * first.keys.rows * 1.05);
}

async function* delimitedTasks(
  path: string,
  layout: DelimitedLayout,
  shardBytes: number,
  workers: number,
): AsyncGenerator<ShardTask> {
  for await (const shard of delimitedShards(path, layout, shardBytes, workers))
    yield { kind: 'delimited', shard };
}

async function* parquetTasks(groupRows: readonly number[]): AsyncGenerator<ShardTask> {
  let firstRow = 1;
  for (const [index, rows] of groupRows.entries()) {
    yield { kind: 'parquet', from: index, to: index + 1, firstRow };
    firstRow += rows;
  }
}

/** One shard's results into the file's: findings and uniqueness in row order, then statistics. */
function mergeShard(context: FileContext, result: ShardResult): void {
  const { file, states, summary } = context;
  const kept = result.findings;
  let next = 0;
  const findingsUpTo = (row: number) => {
    while (next < kept.length && (kept[next]!.row ?? Infinity) <= row) context.add(kept[next++]!);
  };
  context.uniqueness.replay(result.keys, file.path, context.report, findingsUpTo);
  findingsUpTo(Infinity);
  for (const { group, count } of result.unkept) context.addUnkept(group, count);
  states.forEach((state, i) => {
    const stats = state.stats;
    stats.mergeProfile(result.columns[i]!);
    // As in a one-pass read: top values are dropped once a column is past the distinct values counted exactly.
    if (stats.top && !stats.distinct.isExact()) stats.dropTopValues();
    state.topValues = stats.top !== undefined;
    const tally = result.mostly[i];
    if (state.mostly && tally) {
      state.mostly.failures += tally.failures;
      state.mostly.checked += tally.checked;
      state.mostly.first ??= tally.first;
    }
  });
  summary.shards = (summary.shards ?? 0) + 1;
  summary.rows = Math.max(summary.rows, result.keys.firstRow + result.keys.rows - 1);
  context.progress(summary.rows);
}

/** Worker threads, started on first use and kept for every file of a validation. */
export class ShardPool {
  private workers: { worker: Worker; pending: number }[] = [];
  private readonly listeners = new Set<
    (event: { result?: ShardResult; error?: unknown }) => void
  >();

  constructor(
    private readonly options: ParallelOptions,
    private readonly schema: CompiledSchema,
    private readonly maxFindings: number,
  ) {}

  /** The workers the pool runs (or will, once started). */
  get size(): number {
    return workerCount(this.options);
  }

  private start(): void {
    if (this.workers.length) return;
    const init = workerInit(this.schema, this.maxFindings);
    for (let i = 0; i < workerCount(this.options); i++) {
      // A fixed young generation: left to grow, it ends larger on a long file than on a short
      // one, and memory would creep with the file's length (bench: 1.15x on a 10x file; 1.0-1.1x with this).
      const worker = new Worker(this.options.entry, {
        workerData: init,
        resourceLimits: { maxYoungGenerationSizeMb: 24 },
      });
      const entry = { worker, pending: 0 };
      worker.on('message', (result: ShardResult) => {
        entry.pending--;
        for (const listener of this.listeners) listener({ result });
      });
      worker.on('error', (error) => {
        for (const listener of this.listeners) listener({ error });
      });
      worker.on('exit', (code) => {
        if (code !== 0)
          for (const listener of this.listeners)
            listener({ error: new Error(`A validation worker stopped with exit code ${code}.`) });
      });
      this.workers.push(entry);
    }
  }

  /**
   * Sends every task to the least busy worker, at most two per worker in flight, and hands the
   * results to `onResult` in the order of the tasks. Once `onResult` returns false no more
   * tasks are sent, and the results still on their way are waited for and dropped.
   */
  async run(
    setup: FileSetup,
    tasks: AsyncIterable<ShardTask>,
    onResult: (result: ShardResult) => boolean,
  ): Promise<void> {
    this.start();
    const results = new Map<number, ShardResult>();
    let sent = 0;
    let received = 0;
    let merged = 0;
    let stopped = false;
    let failure: unknown;
    let wake = () => {};
    const listener = (event: { result?: ShardResult; error?: unknown }) => {
      if (event.error !== undefined) failure ??= event.error;
      else {
        received++;
        results.set(event.result!.seq, event.result!);
      }
      wake();
    };
    const waitForWorkers = () => new Promise<void>((resolve) => (wake = resolve));
    const mergeReady = () => {
      while (!stopped && results.has(merged)) {
        const result = results.get(merged)!;
        results.delete(merged++);
        if (!onResult(result)) stopped = true;
      }
    };
    this.listeners.add(listener);
    try {
      for await (const task of tasks) {
        mergeReady();
        while (!stopped && failure === undefined && sent - received >= 2 * this.workers.length) {
          await waitForWorkers();
          mergeReady();
        }
        if (stopped || failure !== undefined) break;
        const target = this.workers.reduce((least, w) => (w.pending < least.pending ? w : least));
        target.pending++;
        const request: ShardRequest = { seq: sent++, setup, task };
        target.worker.postMessage(
          request,
          task.kind === 'delimited' ? [task.shard.bytes.buffer as ArrayBuffer] : [],
        );
      }
      for (;;) {
        if (failure !== undefined) throw failure;
        mergeReady();
        if (received === sent && (stopped || merged === sent)) break;
        await waitForWorkers();
      }
    } finally {
      this.listeners.delete(listener);
    }
  }

  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map(({ worker }) => worker.removeAllListeners('exit').terminate()));
  }
}
