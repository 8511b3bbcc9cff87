/**
 * Drift on 1M rows × 12 columns against a pandas + scipy peer computing the same statistics,
 * in the same run (issue 19: goal ≥ 2× the peer's speed, and peak memory reported).
 *
 * Data (drift_scipy.py generate, seeded, kept between runs): a reference and a current CSV
 * file written by pandas' to_csv (floats in full repr, empty cells for missing values): 8
 * numeric columns (4 integer, one with four values, compared as categories) and 4 text
 * columns of 12 to 42 values; some drift, one gains a slow tail past the reference's maximum,
 * two gain new categories, one's missing rate doubles.
 *
 * Ours (drift-worker.ts, bundled with ncc as the actions are): what monitor-model does with the rows:
 * read the reference profile (made once beforehand, untimed: it is published with the model),
 * profile current.csv with validate-data's code (validateFiles, one worker thread per core)
 * and run driftBetweenProfiles. Peer (drift_scipy.py drift): pandas.read_csv of current.csv
 * and the statistics with scipy and numpy, against the reference read and prepared beforehand
 * (untimed, the equivalent of the published profile). Each side is its own process under
 * /usr/bin/time (wall time and peak RSS of the whole process, start-up included), and times
 * its own work (after start-up and imports); the sides run interleaved, in a shuffled order
 * each round, and the medians are reported.
 *
 * Agreement: ours reads sketches, so each statistic is compared with scipy's against the bound
 * docs/monitoring.md states for it; a bench that is fast but wrong says so.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceHash } from '../../.github/scripts/source-hash.js';
import { REPOSITORY_ROOT } from '../../harness/runner/run-bundle.js';
import { median, shuffle } from './startup.js';

const PYTHON = '/usr/bin/python3';
const here = fileURLToPath(new URL('.', import.meta.url));
/** The KS p-values: Stephens' limit (ours) against scipy's finite-n kstwo, at en ≥ 5,000 (docs/monitoring.md). */
const ASYMPTOTIC_GAP = 0.002;
/** What "exact" allows for: floating-point summation order. */
const EXACT = 1e-9;

type Statistics = Record<string, number | number[] | string[] | undefined>;
interface OurFeature extends Statistics {
  missing: number;
}
interface OurSide {
  seconds: number;
  /** CPU time of the timed part, every thread. */
  cpuSeconds: number;
  referenceSeconds: number;
  profileSeconds: number;
  driftSeconds: number;
  rows: number;
  maxRssBytes: number;
  values: Record<
    string,
    OurFeature & {
      bounds: {
        ksStatistic?: number;
        wasserstein?: number;
        outsideRange?: number;
        exact?: boolean;
        shareError?: number;
      };
      test: { name: string; value: number; threshold: number; drifted: boolean };
    }
  >;
}
interface PeerSide {
  versions: string;
  seconds: number;
  cpuSeconds: number;
  readSeconds: number;
  referenceSeconds: number;
  maxRssBytes: number;
  timedPeakRssBytes: number | null;
  values: Record<string, Statistics & { missing: number }>;
}
interface Run<T> {
  side: T;
  wallSeconds: number;
  /** User + system time of the whole process: what it costs the machine, less sensitive to load than wall time. */
  cpuSeconds: number;
  peakRssBytes: number;
}

/** Runs a command under /usr/bin/time: wall and CPU seconds, peak RSS and the JSON of its last output line. */
async function measure<T>(command: string, args: string[]): Promise<Run<T>> {
  const timeFile = join(REPOSITORY_ROOT, '.tmp', 'bench', `time-drift-${process.pid}.txt`);
  const child = spawn('/usr/bin/time', ['-f', '%e %M %U %S', '-o', timeFile, command, ...args], {
    cwd: REPOSITORY_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const [code] = (await once(child, 'close')) as [number];
  if (code !== 0)
    throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr.slice(-3000)}`);
  const [seconds, kb, user, system] = (await readFile(timeFile, 'utf8'))
    .trim()
    .split('\n')
    .at(-1)!
    .split(' ')
    .map(Number) as [number, number, number, number];
  return {
    side: JSON.parse(stdout.trim().split('\n').at(-1)!) as T,
    wallSeconds: seconds,
    cpuSeconds: user + system,
    peakRssBytes: kb * 1024,
  };
}

interface NccOutput {
  code: string;
  assets: Record<string, { source: string | Buffer }>;
}

/**
 * drift-worker.ts bundled with ncc as the actions are (build-actions.ts), kept per hash of its
 * sources: the worker threads then start from compiled JavaScript, as an action's do, instead
 * of compiling TypeScript under tsx (about half a second each, inside the timed part).
 */
async function bundleWorker(root: string): Promise<string> {
  const worker = join(here, 'drift-worker.ts');
  const hash = createHash('sha256')
    .update(sourceHash(REPOSITORY_ROOT, 'drift-bench'))
    .update(await readFile(worker))
    .digest('hex')
    .slice(0, 16);
  const dist = join(root, 'drift', 'bundle', hash);
  const script = join(dist, 'index.js');
  if (existsSync(script)) return script;
  const { default: ncc } = await import('@vercel/ncc');
  const output = (await ncc(worker, {
    cache: false,
    minify: false,
    quiet: true,
    sourceMap: false,
    transpileOnly: true,
  })) as NccOutput;
  await mkdir(dist, { recursive: true });
  for (const [file, asset] of Object.entries(output.assets))
    await writeFile(join(dist, file), asset.source);
  await writeFile(`${script}.partial`, output.code);
  await rename(`${script}.partial`, script);
  return script;
}

let workerScript = '';
const ours = (mode: 'profile' | 'drift', dir: string) =>
  measure<OurSide>(process.execPath, [workerScript, mode, dir]);

/** The two CSV files and the reference profile, made once per row count (an interrupted run leaves only .partial files). */
async function prepare(dir: string, rows: number): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const log: string[] = [];
  const files = ['reference.csv', 'current.csv'].map((f) => join(dir, f));
  if (!files.every((f) => existsSync(f))) {
    const started = performance.now();
    const made = spawnSync(PYTHON, [join(here, 'drift_scipy.py'), 'generate', dir, String(rows)], {
      encoding: 'utf8',
    });
    if (made.status !== 0) throw new Error(`generating the drift data failed: ${made.stderr}`);
    for (const file of files) await rename(`${file}.partial`, file);
    log.push(`Generated with pandas in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  }
  const profile = join(dir, 'reference-profile.json');
  if (!existsSync(profile)) {
    const made = await ours('profile', dir);
    await rename(`${profile}.partial`, profile);
    log.push(`Reference profiled (once, untimed) in ${made.wallSeconds.toFixed(1)} s.`);
  }
  const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size / 2 ** 20));
  log.unshift(
    `Data: ${rows.toLocaleString('en-US')} rows × 12 columns each, reference.csv ${sizes[0]!.toFixed(0)} MiB, current.csv ${sizes[1]!.toFixed(0)} MiB (pandas.to_csv), reference profile ${((await stat(profile)).size / 1024).toFixed(0)} KiB.`,
  );
  return log;
}

interface Check {
  statistic: string;
  features: number;
  maxDifference: number;
  bound: string;
  held: number;
}

/** Each statistic of both sides, against the bound docs/monitoring.md states for it. */
export function agreement(our: OurSide['values'], peer: PeerSide['values']): Check[] {
  const checks = new Map<string, Check>();
  const add = (statistic: string, bound: string, difference: number, held: boolean) => {
    const check = checks.get(statistic) ?? {
      statistic,
      features: 0,
      maxDifference: 0,
      bound,
      held: 0,
    };
    check.features++;
    check.maxDifference = Math.max(check.maxDifference, difference);
    if (held) check.held++;
    checks.set(statistic, check);
  };
  for (const [name, p] of Object.entries(peer)) {
    const o = our[name];
    if (!o) throw new Error(`the drift report has no feature ${name}`);
    const num = (s: Statistics, key: string) => s[key] as number;
    const diff = (key: string) => Math.abs(num(o, key) - num(p, key));
    add('missing rate change', 'exact (counts)', diff('missing'), diff('missing') <= EXACT);
    if (p.ksStatistic !== undefined) {
      const b = o.bounds;
      add(
        'KS statistic',
        'ε_ref + ε_cur',
        diff('ksStatistic'),
        diff('ksStatistic') <= b.ksStatistic!,
      );
      const [lo, hi] = o.ksPValueRange as number[];
      const scipyP = num(p, 'ksPValue');
      add(
        'KS p-value (scipy in our range)',
        `p at D̂ ± bound, ± ${ASYMPTOTIC_GAP}`,
        diff('ksPValue'),
        scipyP >= lo! - ASYMPTOTIC_GAP && scipyP <= hi! + ASYMPTOTIC_GAP,
      );
      add(
        'Wasserstein, normalised',
        '(ε_ref + ε_cur)·range / std',
        diff('wasserstein'),
        diff('wasserstein') <= b.wasserstein!,
      );
      const [psiLo, psiHi] = o.psiBounds as number[];
      // The interval is PSI's over our (sketch) deciles; scipy's is over the exact ones.
      add(
        'PSI, numeric (scipy in our interval)',
        'interval over sketch edges',
        diff('psi'),
        num(p, 'psi') >= psiLo! && num(p, 'psi') <= psiHi!,
      );
      add(
        'outside the range',
        '2 ε_cur',
        diff('outsideRange'),
        diff('outsideRange') <= b.outsideRange!,
      );
      continue;
    }
    const exact = o.bounds.exact === true;
    const shareError = o.bounds.shareError!;
    const kind = exact ? 'categorical' : 'few-valued numeric';
    const peerBuckets = p.buckets as string[];
    const ourBuckets = o.buckets as string[];
    let shareDifference = 0;
    for (const side of ['referenceShares', 'currentShares'])
      peerBuckets.forEach((bucket, i) => {
        const j = ourBuckets.indexOf(bucket);
        const ourShare = j === -1 ? 0 : (o[side] as number[])[j]!;
        shareDifference = Math.max(shareDifference, Math.abs(ourShare - (p[side] as number[])[i]!));
      });
    add(
      `bucket shares, ${kind}`,
      exact ? 'exact' : 'shareError (2 ε)',
      shareDifference,
      shareDifference <= (exact ? EXACT : shareError),
    );
    for (const key of ['psi', 'jensenShannon', 'chiSquarePValue', 'newShare'])
      add(
        `${key === 'psi' ? 'PSI' : key === 'jensenShannon' ? 'Jensen–Shannon' : key === 'chiSquarePValue' ? 'chi-square p-value' : 'new categories share'}, ${kind}`,
        exact ? 'exact' : 'none stated',
        diff(key),
        exact ? diff(key) <= EXACT : true,
      );
  }
  return [...checks.values()];
}

/** Evidently's default tests above 1,000 reference values, judged on scipy's values. */
function peerVerdict(p: Statistics): boolean {
  return p.ksStatistic !== undefined
    ? (p.wasserstein as number) >= 0.1
    : (p.jensenShannon as number) >= 0.1;
}

export interface DriftBenchOptions {
  rows: number;
  /** Runs of each side; the median is reported. */
  rounds: number;
}

export async function benchDrift(root: string, options: DriftBenchOptions): Promise<string> {
  const probe = spawnSync(PYTHON, ['-c', 'import scipy, pandas'], { encoding: 'utf8' });
  if (probe.status !== 0)
    throw new Error(
      `The drift bench compares with pandas and scipy at ${PYTHON}, which cannot import them: apt-get install -y python3-scipy python3-pandas`,
    );
  const dir = join(root, 'drift', String(options.rows));
  workerScript = await bundleWorker(root);
  const log = await prepare(dir, options.rows);
  spawnSync('cat', [join(dir, 'reference.csv'), join(dir, 'current.csv')], { stdio: 'ignore' }); // the page cache
  const loadBefore = loadavg()[0]!.toFixed(2);
  const ourRuns: Run<OurSide>[] = [];
  const peerRuns: Run<PeerSide>[] = [];
  for (let round = 0; round < options.rounds; round++)
    for (const which of shuffle(['ours', 'peer'], round + 1)) {
      if (which === 'ours') ourRuns.push(await ours('drift', dir));
      else
        peerRuns.push(
          await measure<PeerSide>(PYTHON, [join(here, 'drift_scipy.py'), 'drift', dir]),
        );
    }
  const load = `${loadBefore} / ${loadavg()[0]!.toFixed(2)}`;
  const med = <T>(runs: Run<T>[], pick: (run: Run<T>) => number) => median(runs.map(pick));
  const our = {
    seconds: med(ourRuns, (r) => r.side.seconds),
    timedCpu: med(ourRuns, (r) => r.side.cpuSeconds),
    profile: med(ourRuns, (r) => r.side.profileSeconds),
    drift: med(ourRuns, (r) => r.side.driftSeconds),
    reference: med(ourRuns, (r) => r.side.referenceSeconds),
    wall: med(ourRuns, (r) => r.wallSeconds),
    cpu: med(ourRuns, (r) => r.cpuSeconds),
    peak: med(ourRuns, (r) => r.peakRssBytes),
  };
  const peer = {
    seconds: med(peerRuns, (r) => r.side.seconds),
    timedCpu: med(peerRuns, (r) => r.side.cpuSeconds),
    read: med(peerRuns, (r) => r.side.readSeconds),
    reference: med(peerRuns, (r) => r.side.referenceSeconds),
    wall: med(peerRuns, (r) => r.wallSeconds),
    cpu: med(peerRuns, (r) => r.cpuSeconds),
    peak: med(peerRuns, (r) => r.peakRssBytes),
    timedPeak: med(peerRuns, (r) => r.side.timedPeakRssBytes ?? NaN),
  };
  const s = (seconds: number) => `${seconds.toFixed(2)} s`;
  const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;
  const ratio = peer.seconds / our.seconds;
  // The values do not change between runs (same data, same code): the last run's are compared.
  const ourValues = ourRuns.at(-1)!.side.values;
  const peerValues = peerRuns.at(-1)!.side.values;
  const checks = agreement(ourValues, peerValues);
  // A verdict that differs although every statistic is within its bound: a bound too loose to
  // decide by, which the report must show.
  const differing = Object.entries(peerValues)
    .filter(([name, p]) => ourValues[name]!.test.drifted !== peerVerdict(p))
    .map(([name, p]) => {
      const test = ourValues[name]!.test;
      const scipy = p.ksStatistic !== undefined ? p.wasserstein : p.jensenShannon;
      return `${name} (${test.name} ${test.value.toFixed(3)} here, ${(scipy as number).toFixed(3)} by scipy, threshold ${test.threshold}: drift ${test.drifted ? 'here only' : 'by scipy only'})`;
    });
  const features = Object.keys(peerValues).length;
  const wrong = checks.filter((c) => c.held < c.features);
  const lines = [
    ...log,
    `Peer: ${peerRuns[0]!.side.versions}; ours: drift-worker.ts bundled with ncc as the actions are, ${process.version}. Median of ${options.rounds} interleaved rounds; load (1-minute average) before / after: ${load} on ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()} cores, shared: the numbers are noisy.`,
    '',
    '| side | timed work: wall, CPU | of which | whole process (start-up included): wall, CPU | peak RSS |',
    '| --- | --- | --- | --- | --- |',
    `| ours: read the reference profile, profile current.csv (validateFiles), driftBetweenProfiles | ${s(our.seconds)}, CPU ${s(our.timedCpu)} | profile ${s(our.profile)}, drift ${s(our.drift)}, reading the reference profile ${s(our.reference)} | ${s(our.wall)}, CPU ${s(our.cpu)} | ${mb(our.peak)} |`,
    `| pandas + scipy: read current.csv, every statistic against the prepared reference | ${s(peer.seconds)}, CPU ${s(peer.timedCpu)} | read_csv ${s(peer.read)} | ${s(peer.wall)}, CPU ${s(peer.cpu)}, of which ${s(peer.reference)} preparing the reference (untimed) | ${mb(peer.peak)} (timed part alone: ${mb(peer.timedPeak)}) |`,
    '',
    `Speed: ours is ${ratio.toFixed(1)}x the peer's on the timed work (goal ≥ 2x): ${ratio >= 2 ? 'within goal' : 'BELOW GOAL'}; ${(peer.wall / our.wall).toFixed(1)}x on whole processes; on the timed work ours takes ${((our.timedCpu / peer.timedCpu) * 100).toFixed(0)}% of the peer's CPU time (CPU ÷ wall: peer ${(peer.timedCpu / peer.seconds).toFixed(1)}, ours ${(our.timedCpu / our.seconds).toFixed(1)}).`,
    '',
    '| statistic | features | largest \\|ours − scipy\\| | stated bound | within it |',
    '| --- | --- | --- | --- | --- |',
    ...checks.map(
      (c) =>
        `| ${c.statistic} | ${c.features} | ${c.maxDifference.toExponential(2)} | ${c.bound} | ${c.held}/${c.features} |`,
    ),
    '',
    `Default drift verdicts (Evidently's tests, each side judged on its own values): ${features - differing.length}/${features} agree${differing.length ? `; DIFFERENT: ${differing.join('; ')}` : ''}.`,
    wrong.length
      ? `WRONG: ${wrong.map((c) => c.statistic).join(', ')} outside the stated bounds.`
      : 'Every statistic within its stated bound.',
  ];
  return lines.join('\n');
}
