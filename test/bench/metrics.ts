/**
 * The metric suite against scikit-learn on the same machine in the same run: a million binary
 * and a million multiclass predictions (with probabilities), the point metrics evaluate-model
 * reports timed in each, and evaluate-model's 1,000-resample bootstrap beside scikit-learn's
 * point time. Each side runs in its own process, so peak memory (RSS) is its own; both read the
 * same raw arrays, and the values must agree. Each runs on rounded scores (ties, as a forest's)
 * and on continuous ones (every score distinct, as a logistic model's: the costlier walks).
 * Reading the predictions from CSV is timed apart (evaluate-model's reader, which checks every
 * value, against pandas.read_csv), and evaluate-model's memory on the binary files.
 * Targets: point metrics ≥ 3x faster than scikit-learn; point + bootstrap ≤ 10x scikit-learn's point time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Xoshiro128 } from '../../shared/metrics/random.js';

const ROWS = 1_000_000;
const RESAMPLES = 1000;
const PYTHON = '/usr/bin/python3';
const here = fileURLToPath(new URL('.', import.meta.url));

interface Side {
  pointSeconds: number;
  bootstrapSeconds?: number;
  readCsvSeconds: number | null;
  maxRssBytes: number;
  values: Record<string, number>;
  sklearn?: string;
}

interface Memory {
  /** Peak RSS growth per row at ROWS, the process's fixed part included. */
  peakBytesPerRow: number;
  /** Peak RSS difference between 2 × ROWS and ROWS, per row. */
  marginalBytesPerRow: number;
  fixedBytes: number;
  /** The most JavaScript holds (heap and typed arrays after a collection) between the steps, per row. */
  liveBytesPerRow: number;
  load: string;
}

export interface MetricsBenchRow {
  task: string;
  ours: Side;
  sklearn: Side;
  maxDifference: number;
  /** evaluate-model from the CSV file (reader, metrics, bootstrap). */
  memory?: Memory;
  /** The one-minute load average before and after. */
  load: string;
}

interface MemorySide {
  rows: number;
  peakRssBytes: number;
  rssBeforeBytes: number;
  bytesPerRow: number;
}

/**
 * Seeded predictions: labels, a prediction right 75% of the time, probabilities that lean to
 * the truth, rounded to 3 places (ties, as a forest's or a rounded export's scores) or, when
 * `continuous`, at full precision (every score distinct, as a logistic model's).
 */
export async function generate(
  dir: string,
  task: 'binary' | 'multiclass',
  k: number,
  rows = ROWS,
  continuous = false,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const random = new Xoshiro128((task === 'binary' ? 1 : 2) + (continuous ? 10 : 0));
  const uniform = () => random.nextUint32() / 4294967296;
  const labels = new Int32Array(rows);
  const predictions = new Int32Array(rows);
  const width = task === 'binary' ? 1 : k;
  const scores = new Float64Array(rows * width);
  const csv = createWriteStream(join(dir, 'predictions.csv'));
  const header =
    task === 'binary'
      ? 'label,prediction,score'
      : `label,prediction,${Array.from({ length: k }, (_, c) => `p${c}`).join(',')}`;
  let chunk = header + '\n';
  for (let i = 0; i < rows; i++) {
    const label = Math.floor(uniform() * k);
    labels[i] = label;
    predictions[i] = uniform() < 0.75 ? label : Math.floor(uniform() * k);
    if (task === 'binary') {
      const score = Math.min(1, Math.max(0, 0.35 * label + 0.65 * uniform()));
      scores[i] = continuous ? score : Math.round(score * 1000) / 1000;
      chunk += `${label},${predictions[i]},${scores[i]}\n`;
    } else if (continuous) {
      // Written as JavaScript prints them, which reads back to the same doubles; rows sum to 1 within rounding.
      const raw = Array.from({ length: k }, (_, c) => uniform() + (c === label ? 0.6 : 0));
      const sum = raw.reduce((a, b) => a + b, 0);
      raw.forEach((r, c) => (scores[i * k + c] = r / sum));
      chunk += `${label},${predictions[i]},${raw.map((r) => r / sum).join(',')}\n`;
    } else {
      // Integer weights over 1000 give probabilities that are exact thousandths summing to 1.
      const raw = Array.from(
        { length: k },
        (_, c) => 1 + Math.floor(uniform() * 100) + (c === label ? 60 : 0),
      );
      const sum = raw.reduce((a, b) => a + b, 0);
      const thousandths = raw.map((r) => Math.floor((r / sum) * 1000));
      thousandths[label]! += 1000 - thousandths.reduce((a, b) => a + b, 0);
      thousandths.forEach((t, c) => (scores[i * k + c] = t / 1000));
      chunk += `${label},${predictions[i]},${thousandths.map((t) => t / 1000).join(',')}\n`;
    }
    if (chunk.length > 1 << 20) {
      if (!csv.write(chunk))
        await new Promise<void>((resolve) => csv.once('drain', () => resolve()));
      chunk = '';
    }
  }
  csv.end(chunk);
  await new Promise<void>((resolve) => csv.once('finish', () => resolve()));
  await writeFile(join(dir, 'labels.i32'), Buffer.from(labels.buffer));
  await writeFile(join(dir, 'predictions.i32'), Buffer.from(predictions.buffer));
  await writeFile(join(dir, 'scores.f64'), Buffer.from(scores.buffer));
}

function runJson<T = Side>(command: string, args: string[], env?: NodeJS.ProcessEnv): T {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: env && { ...process.env, ...env },
  });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(' ')} failed: ${result.stderr || result.error?.message}`,
    );
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as T;
}

/** The one-minute load average, as `uptime` shows it: the machine may be shared. */
const load = () => loadavg()[0]!.toFixed(2);

/** The bench's data sets: rounded scores (ties) as before, and continuous ones (every score distinct). */
const CASES = [
  { task: 'binary', k: 2, continuous: false },
  { task: 'multiclass', k: 5, continuous: false },
  { task: 'binary', k: 2, continuous: true },
  { task: 'multiclass', k: 5, continuous: true },
] as const;

/**
 * evaluate-model's memory on a binary CSV file (metrics-memory.ts): peak resident memory at all
 * the rows and at twice as many (their difference per row is what a row costs; the rest is the
 * process's fixed part), and what JavaScript holds at most between the steps. Measured past
 * ROWS, not below it: V8's young generation grows (to about 30 MB) while the first million rows
 * are read, which a difference between half and all the rows counted as the rows' own (57
 * bytes a row measured so, 30 between one and two million, 33 with the young generation held
 * at 2 MB).
 */
async function measureMemory(dir: string, k: number, continuous: boolean): Promise<Memory> {
  await generate(`${dir}-double`, 'binary', k, ROWS * 2, continuous);
  const child = (folder: string, mode: 'peak' | 'live') =>
    runJson<MemorySide>(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        join(here, 'metrics-memory.ts'),
        folder,
        'binary',
        String(k),
        String(RESAMPLES),
        mode,
      ],
      // glibc's dynamic mmap threshold would keep freed typed arrays resident (metrics-memory.ts).
      { MALLOC_MMAP_THRESHOLD_: String(128 * 1024) },
    );
  // Growth over each process's own baseline (the baselines differ by a few megabytes), the
  // least of three runs: when the collector runs adds to a peak, never takes from it.
  const grown = (side: MemorySide) => side.peakRssBytes - side.rssBeforeBytes;
  const least = (folder: string) =>
    [1, 2, 3].map(() => child(folder, 'peak')).reduce((a, b) => (grown(b) < grown(a) ? b : a));
  const all = least(dir);
  const double = least(`${dir}-double`);
  const live = child(dir, 'live');
  const marginal = (grown(double) - grown(all)) / (double.rows - all.rows);
  return {
    peakBytesPerRow: all.bytesPerRow,
    marginalBytesPerRow: marginal,
    fixedBytes: grown(all) - marginal * all.rows,
    liveBytesPerRow: live.bytesPerRow,
    load: load(),
  };
}

export async function benchMetrics(root: string): Promise<MetricsBenchRow[]> {
  const probe = spawnSync(PYTHON, ['-c', 'import sklearn, pandas'], { encoding: 'utf8' });
  if (probe.status !== 0)
    throw new Error(
      `The metrics bench compares with scikit-learn at ${PYTHON}, which cannot import it: apt-get install -y python3-sklearn python3-pandas`,
    );
  const rows: MetricsBenchRow[] = [];
  for (const { task, k, continuous } of CASES) {
    const dir = join(root, `${task}${continuous ? '-continuous' : ''}`);
    await generate(dir, task, k, ROWS, continuous);
    const loadBefore = load();
    const sklearn = runJson(PYTHON, [join(here, 'metrics_sklearn.py'), dir, task, String(k)]);
    const tsx = join(here, '..', '..', 'node_modules', '.bin', 'tsx');
    const ours = runJson(tsx, [
      join(here, 'metrics-worker.ts'),
      dir,
      task,
      String(k),
      String(RESAMPLES),
    ]);
    const names = Object.keys(sklearn.values);
    const missing = names.filter((name) => ours.values[name] === undefined);
    if (missing.length)
      throw new Error(
        `evaluate-model did not compute ${missing.join(', ')} on the ${task} bench data`,
      );
    const maxDifference = Math.max(
      ...names.map((name) => Math.abs(ours.values[name]! - sklearn.values[name]!)),
    );
    rows.push({
      task: `${task} (${k} classes), ${continuous ? 'continuous' : 'rounded'} scores`,
      ours,
      sklearn,
      maxDifference,
      memory: task === 'binary' ? await measureMemory(dir, k, continuous) : undefined,
      load: `${loadBefore} / ${load()}`,
    });
  }
  return rows;
}

export function renderMetrics(rows: readonly MetricsBenchRow[]): string {
  const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;
  const s = (seconds: number) => `${seconds.toFixed(2)} s`;
  const lines = [
    `Metric suite on ${ROWS.toLocaleString('en')} predictions against scikit-learn ${rows[0]?.sklearn.sklearn ?? ''} (same arrays, same run; ${process.version}, ${execFileSync('nproc').toString().trim()} cores)`,
    "targets: point metrics ≥ 3x faster than scikit-learn; point + 1,000-resample bootstrap ≤ 10x scikit-learn's point time; load: the one-minute load average before and after each row (the machine may be shared)",
    '',
    '| data | scikit-learn point | evaluate-model point | speed-up | + 1,000 bootstraps | × sklearn point | peak RSS sklearn / ours | largest difference | load |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    const total = row.ours.pointSeconds + row.ours.bootstrapSeconds!;
    lines.push(
      `| ${row.task} | ${s(row.sklearn.pointSeconds)} | ${s(row.ours.pointSeconds)} | ${(row.sklearn.pointSeconds / row.ours.pointSeconds).toFixed(1)}x | ${s(row.ours.bootstrapSeconds!)} | ${(total / row.sklearn.pointSeconds).toFixed(1)}x | ${mb(row.sklearn.maxRssBytes)} / ${mb(row.ours.maxRssBytes)} | ${row.maxDifference.toExponential(1)} | ${row.load} |`,
    );
  }
  lines.push(
    '',
    'Reading the predictions CSV file (evaluate-model checks every value as it reads; pandas.read_csv only parses):',
    '',
    '| data | pandas.read_csv | evaluate-model | ratio |',
    '| --- | --- | --- | --- |',
  );
  for (const row of rows)
    if (row.sklearn.readCsvSeconds !== null)
      lines.push(
        `| ${row.task} | ${s(row.sklearn.readCsvSeconds)} | ${s(row.ours.readCsvSeconds!)} | ${(row.ours.readCsvSeconds! / row.sklearn.readCsvSeconds).toFixed(1)}x |`,
      );
  for (const row of rows) {
    const memory = row.memory;
    if (!memory) continue;
    lines.push(
      '',
      `evaluate-model on the ${row.task} CSV file (reader, metrics, ${RESAMPLES} resamples; load ${memory.load}): a row costs ${memory.marginalBytesPerRow.toFixed(1)} bytes of peak memory (peak RSS growth, the least of three runs, between ${ROWS.toLocaleString('en')} and ${(ROWS * 2).toLocaleString('en')} rows; target ≤ 40), ${memory.liveBytesPerRow.toFixed(1)} bytes held by JavaScript at most (heap and typed arrays after a collection, between the steps); with the process's fixed part (${mb(memory.fixedBytes)}: V8's young generation and the reader's buffers), peak RSS grows by ${memory.peakBytesPerRow.toFixed(1)} bytes per row at ${ROWS.toLocaleString('en')} rows.`,
    );
  }
  lines.push(
    '',
    'Bootstrap: Poisson(1) row weights drawn per resample from a counter-based generator; each resample is a few sequential passes (confusion counts, per-row losses, ranking walks over orders sorted once), no re-sorting.',
  );
  return lines.join('\n');
}
