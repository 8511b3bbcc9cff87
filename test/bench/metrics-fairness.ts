/**
 * The fairness bench: evaluate-model on a million binary predictions (with a score and a
 * weight column) and 1,000 bootstrap resamples, with four sensitive attributes (sex, age band,
 * region, and the intersection of sex and age band) and without them, each in its own process,
 * alternating, the least of `rounds` runs each. Target: with them at most twice the time without.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Xoshiro128 } from '../../shared/metrics/random.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const RESAMPLES = 1000;

interface Side {
  seconds: number;
  resamples: number;
  measures: number;
  maxRssBytes: number;
}

export interface FairnessBenchRow {
  rows: number;
  without: Side;
  with: Side;
  load: string;
}

/** Seeded predictions with a weight and three sensitive columns (sex with missing values, six age bands, ten regions). */
async function generate(path: string, rows: number): Promise<void> {
  const random = new Xoshiro128(23);
  const uniform = () => random.nextUint32() / 4294967296;
  const out = createWriteStream(path);
  let chunk = 'label,prediction,score,weight,sex,age_band,region\n';
  const bands = ['18-24', '25-34', '35-44', '45-54', '55-64', '65+'];
  for (let i = 0; i < rows; i++) {
    const label = uniform() < 0.4 ? 1 : 0;
    const u = uniform();
    const sex = u < 0.48 ? 'F' : u < 0.97 ? 'M' : '';
    const prediction = uniform() < (sex === 'F' ? 0.72 : 0.8) ? label : 1 - label;
    const score =
      Math.round(Math.min(1, Math.max(0, 0.35 * label + 0.65 * uniform())) * 1000) / 1000;
    const weight = (0.5 + Math.floor(uniform() * 20) / 10).toFixed(1);
    chunk += `${label},${prediction},${score},${weight},${sex},${bands[Math.floor(uniform() * 6)]},r${Math.floor(uniform() * 10)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk))
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise<void>((resolve) => out.once('finish', () => resolve()));
}

function side(path: string, mode: 'with' | 'without'): Side {
  const tsx = join(here, '..', '..', 'node_modules', '.bin', 'tsx');
  const result = spawnSync(
    tsx,
    [join(here, 'metrics-fairness-worker.ts'), path, mode, String(RESAMPLES)],
    {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  if (result.status !== 0) throw new Error(`the fairness bench (${mode}) failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Side;
}

export async function benchFairness(
  root: string,
  { rows = 1_000_000, rounds = 2 }: { rows?: number; rounds?: number } = {},
): Promise<FairnessBenchRow> {
  await mkdir(root, { recursive: true });
  const path = join(root, `fairness-${rows}.csv`);
  if (!existsSync(path)) await generate(path, rows);
  const loadBefore = loadavg()[0]!.toFixed(2);
  const least = (a: Side | undefined, b: Side) =>
    a === undefined || b.seconds < a.seconds ? b : a;
  let without: Side | undefined;
  let withIt: Side | undefined;
  for (let r = 0; r < rounds; r++) {
    without = least(without, side(path, 'without'));
    withIt = least(withIt, side(path, 'with'));
  }
  return {
    rows,
    without: without!,
    with: withIt!,
    load: `${loadBefore} / ${loadavg()[0]!.toFixed(2)}`,
  };
}

export function renderFairness(row: FairnessBenchRow): string {
  const s = (seconds: number) => `${seconds.toFixed(2)} s`;
  const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;
  return [
    `evaluate-model with sensitive-features on ${row.rows.toLocaleString('en')} binary predictions (score and weight columns), ${row.with.resamples} resamples; four attributes (sex, age_band, region, sex,age_band), ${row.with.measures} measures; the least of the runs, each in its own process; target: at most 2x the run without`,
    '',
    '| run | seconds | peak RSS | ratio | load |',
    '| --- | --- | --- | --- | --- |',
    `| without sensitive-features | ${s(row.without.seconds)} | ${mb(row.without.maxRssBytes)} | 1.00x | ${row.load} |`,
    `| with four sensitive attributes | ${s(row.with.seconds)} | ${mb(row.with.maxRssBytes)} | ${(row.with.seconds / row.without.seconds).toFixed(2)}x | |`,
  ].join('\n');
}
