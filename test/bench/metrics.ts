/**
 * The metric suite against scikit-learn on the same machine in the same run: a million binary
 * and a million multiclass predictions (with probabilities), the point metrics evaluate-model
 * reports timed in each, and evaluate-model's 1,000-resample bootstrap beside scikit-learn's
 * point time. Each side runs in its own process, so peak memory (RSS) is its own; both read the
 * same raw arrays, and the values must agree. Reading the predictions from CSV is timed apart
 * (evaluate-model's reader, which checks every value, against pandas.read_csv).
 * Targets: point metrics ≥ 3x faster than scikit-learn; point + bootstrap ≤ 10x scikit-learn's point time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
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

export interface MetricsBenchRow {
  task: string;
  ours: Side;
  sklearn: Side;
  maxDifference: number;
  /** evaluate-model from the CSV file (reader, metrics, bootstrap): peak growth per row. */
  memory?: { bytesPerRow: number; marginalBytesPerRow: number };
}

interface MemorySide {
  rows: number;
  peakRssBytes: number;
  rssBeforeBytes: number;
  bytesPerRow: number;
}

/** Seeded predictions: labels, a prediction right 75% of the time, probabilities that lean to the truth, rounded to 3 places (ties). */
export async function generate(
  dir: string,
  task: 'binary' | 'multiclass',
  k: number,
  rows = ROWS,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const random = new Xoshiro128(task === 'binary' ? 1 : 2);
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
      scores[i] =
        Math.round(Math.min(1, Math.max(0, 0.35 * label + 0.65 * uniform())) * 1000) / 1000;
      chunk += `${label},${predictions[i]},${scores[i]}\n`;
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

function runJson(command: string, args: string[]): Side {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(' ')} failed: ${result.stderr || result.error?.message}`,
    );
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Side;
}

export async function benchMetrics(root: string): Promise<MetricsBenchRow[]> {
  const probe = spawnSync(PYTHON, ['-c', 'import sklearn, pandas'], { encoding: 'utf8' });
  if (probe.status !== 0)
    throw new Error(
      `The metrics bench compares with scikit-learn at ${PYTHON}, which cannot import it: apt-get install -y python3-sklearn python3-pandas`,
    );
  const rows: MetricsBenchRow[] = [];
  for (const [task, k] of [
    ['binary', 2],
    ['multiclass', 5],
  ] as const) {
    const dir = join(root, task);
    await generate(dir, task, k);
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
    // Peak memory of evaluate-model itself on the CSV file, at half and at all the rows: the
    // difference per row is what each row costs (the rest is the process's fixed part).
    let memory: MetricsBenchRow['memory'];
    if (task === 'binary') {
      await generate(`${dir}-half`, task, k, ROWS / 2);
      const [half, all] = [`${dir}-half`, dir].map((folder) =>
        runJson(process.execPath, [
          '--expose-gc',
          '--import',
          'tsx',
          join(here, 'metrics-memory.ts'),
          folder,
          task,
          String(k),
          String(RESAMPLES),
        ]),
      ) as unknown as [MemorySide, MemorySide];
      memory = {
        bytesPerRow: all.bytesPerRow,
        marginalBytesPerRow: (all.peakRssBytes - half.peakRssBytes) / (all.rows - half.rows),
      };
    }
    rows.push({ task: `${task} (${k} classes)`, ours, sklearn, maxDifference, memory });
  }
  return rows;
}

export function renderMetrics(rows: readonly MetricsBenchRow[]): string {
  const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;
  const s = (seconds: number) => `${seconds.toFixed(2)} s`;
  const lines = [
    `Metric suite on ${ROWS.toLocaleString('en')} predictions against scikit-learn ${rows[0]?.sklearn.sklearn ?? ''} (same arrays, same run; ${process.version}, ${execFileSync('nproc').toString().trim()} cores)`,
    "targets: point metrics ≥ 3x faster than scikit-learn; point + 1,000-resample bootstrap ≤ 10x scikit-learn's point time",
    '',
    '| task | scikit-learn point | evaluate-model point | speed-up | + 1,000 bootstraps | × sklearn point | peak RSS sklearn / ours | CSV read pandas / ours | largest difference |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    const total = row.ours.pointSeconds + row.ours.bootstrapSeconds!;
    lines.push(
      `| ${row.task} | ${s(row.sklearn.pointSeconds)} | ${s(row.ours.pointSeconds)} | ${(row.sklearn.pointSeconds / row.ours.pointSeconds).toFixed(1)}x | ${s(row.ours.bootstrapSeconds!)} | ${(total / row.sklearn.pointSeconds).toFixed(1)}x | ${mb(row.sklearn.maxRssBytes)} / ${mb(row.ours.maxRssBytes)} | ${row.sklearn.readCsvSeconds === null ? '–' : s(row.sklearn.readCsvSeconds)} / ${s(row.ours.readCsvSeconds!)} | ${row.maxDifference.toExponential(1)} |`,
    );
  }
  for (const row of rows)
    if (row.memory)
      lines.push(
        '',
        `evaluate-model on the ${row.task} CSV file (reader, metrics, ${RESAMPLES} resamples): peak memory grows by ${row.memory.marginalBytesPerRow.toFixed(1)} bytes per row (between ${(ROWS / 2).toLocaleString('en')} and ${ROWS.toLocaleString('en')} rows; target ≤ 40), ${row.memory.bytesPerRow.toFixed(1)} bytes per row with the process's fixed part at ${ROWS.toLocaleString('en')} rows.`,
      );
  lines.push(
    '',
    'Bootstrap: Poisson(1) row weights drawn per resample from a counter-based generator; each resample is a few sequential passes (confusion counts, per-row losses, ranking walks over orders sorted once), no re-sorting.',
  );
  return lines.join('\n');
}
