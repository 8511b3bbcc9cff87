/**
 * Drift on 1M rows × 12 columns against a pandas + scipy peer computing the same statistics,
 * in the same run (issue 19: goal ≥ 2× the peer's speed, and peak memory reported).
 *
 * Data (drift_scipy.py generate, seeded, kept between runs): a reference and a current CSV
 * file written by pandas' to_csv (floats in full repr, empty cells for missing values): 8
 * numeric columns (4 integer, one with four values, compared as categories) and 4 text
 * columns of 12 to 42 values; some drift, one gains a slow tail past the reference's maximum,
 * two gain new categories, one's missing rate doubles. The reference profile is made once
 * beforehand with validate-data's code (untimed: promote-model publishes it with the model).
 *
 * Three sides, each its own process under /usr/bin/time (wall time, CPU time and peak RSS of
 * the whole process), run interleaved in a shuffled order each round; medians are reported:
 * - `mlops-actions monitor` (the CLI, bundled from this tree with ncc as `npm run build` does,
 *   into .tmp): what a user runs, start-up, schema inference, report and summary included;
 * - the library path (drift-worker.ts, bundled the same way), which times its parts: read the
 *   reference profile, profile current.csv with validateFiles (one worker thread per core),
 *   driftBetweenProfiles;
 * - the peer (drift_scipy.py drift): pandas.read_csv of current.csv and the statistics with
 *   scipy and numpy, timed, after reading and preparing the reference (sorted values, deciles,
 *   counts: the equivalent of the published profile), timed apart and left out of the ratios.
 *
 * Agreement: ours reads sketches, so each statistic is compared with scipy's against the bound
 * docs/monitoring.md states for it, and the default drift verdicts are compared; a bench that
 * is fast but wrong says so.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceHash } from '../../.github/scripts/source-hash.js';
import { parseFileCommands } from '../../harness/runner/file-commands.js';
import { REPOSITORY_ROOT } from '../../harness/runner/run-bundle.js';
import type { DriftReport, FeatureDrift } from '../../shared/monitor/report.js';
import { median, shuffle } from './startup.js';
import { timed } from './timed.js';

const PYTHON = '/usr/bin/python3';
const here = fileURLToPath(new URL('.', import.meta.url));
/** The KS p-values: Stephens' limit (ours) against scipy's finite-n kstwo, at en ≥ 5,000 (docs/monitoring.md). */
const ASYMPTOTIC_GAP = 0.002;
/** What "exact" allows for: floating-point summation order. */
const EXACT = 1e-9;

interface LibrarySide {
  seconds: number;
  /** CPU time of the timed part, every thread. */
  cpuSeconds: number;
  referenceSeconds: number;
  profileSeconds: number;
  driftSeconds: number;
  drift: DriftReport;
}
/** Per column: the statistics scipy computed (numeric or categorical ones). */
interface PeerFeature {
  missing: number;
  ksStatistic?: number;
  ksPValue?: number;
  wasserstein?: number;
  psi: number;
  outsideRange?: number;
  buckets?: string[];
  referenceShares?: number[];
  currentShares?: number[];
  jensenShannon?: number;
  chiSquarePValue?: number;
  newShare?: number;
}
interface PeerSide {
  versions: string;
  seconds: number;
  cpuSeconds: number;
  readSeconds: number;
  referenceSeconds: number;
  referenceCpuSeconds: number;
  timedPeakRssBytes: number | null;
  values: Record<string, PeerFeature>;
}
interface Run<T> {
  side: T;
  wallSeconds: number;
  /** User + system time of the whole process: what it costs the machine, less sensitive to load than wall time. */
  cpuSeconds: number;
  peakRssBytes: number;
}

/** Runs a command under /usr/bin/time: wall and CPU seconds, peak RSS, and its standard output. */
async function measure(
  command: string,
  args: string[],
  cwd = REPOSITORY_ROOT,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Run<string>> {
  const { stdout, ...run } = await timed(command, args, { cwd, env });
  return { side: stdout, ...run };
}

/**
 * What the runner gives the monitor-model step: its inputs (the action.yml defaults spelled
 * out), the workspace and temp folders, and the output file; no repository, so no registry.
 */
function actionEnvironment(dir: string, output: string): NodeJS.ProcessEnv {
  const inputs: Record<string, string> = {
    'model-name': 'bench',
    environment: 'production',
    data: 'current.csv',
    reference: 'reference-profile.json',
    'label-column': 'label',
    'prediction-column': 'prediction',
    'positive-label': '1',
    issue: 'never',
    'issue-labels': 'model-monitoring',
    'retrain-ref': 'main',
    'fail-on': 'never',
    seed: '0',
    'github-token': 'none',
  };
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: dir,
    RUNNER_TEMP: join(dir, 'runner-temp'),
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: join(dir, 'action-summary.md'),
    ...Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
    ),
  };
}

const lastJson = <T>(run: Run<string>): Run<T> => ({
  ...run,
  side: JSON.parse(run.side.trim().split('\n').at(-1)!) as T,
});

interface NccOutput {
  code: string;
  assets: Record<string, { source: string | Buffer }>;
}

/**
 * `entry` bundled with ncc as build-actions.ts bundles the actions, into `dist`, kept while the
 * sources hash the same (a stale build is replaced): the processes and worker threads then
 * start from JavaScript, as an action's do, instead of compiling TypeScript under tsx (about
 * half a second a worker thread, inside the timed part).
 */
async function bundle(entry: string, dist: string): Promise<string> {
  const actions = await readdir(join(REPOSITORY_ROOT, 'actions'));
  const hash = createHash('sha256')
    .update(sourceHash(REPOSITORY_ROOT, 'cli'))
    .update(actions.map((action) => sourceHash(REPOSITORY_ROOT, action)).join())
    .update(await readFile(entry))
    .digest('hex');
  const script = join(dist, 'index.js');
  const stamp = join(dist, 'source-hash.txt');
  if (existsSync(stamp) && (await readFile(stamp, 'utf8')) === hash) return script;
  const { default: ncc } = await import('@vercel/ncc');
  const output = (await ncc(entry, {
    cache: false,
    minify: false,
    quiet: true,
    sourceMap: false,
    transpileOnly: true,
  })) as NccOutput;
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  for (const [file, asset] of Object.entries(output.assets))
    await writeFile(join(dist, file), asset.source);
  await writeFile(script, output.code);
  await writeFile(stamp, hash);
  return script;
}

/** The two CSV files and the reference profile, made once per row count (an interrupted run leaves only .partial files). */
async function prepare(dir: string, rows: number, worker: string): Promise<string[]> {
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
    const made = await measure(process.execPath, [worker, 'profile', dir]);
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
function agreement(
  features: readonly FeatureDrift[],
  peer: Readonly<Record<string, PeerFeature>>,
): Check[] {
  const checks = new Map<string, Check>();
  const add = (statistic: string, bound: string, ours: number, scipy: number, held: boolean) => {
    const check = checks.get(statistic) ?? {
      statistic,
      features: 0,
      maxDifference: 0,
      bound,
      held: 0,
    };
    check.features++;
    check.maxDifference = Math.max(check.maxDifference, Math.abs(ours - scipy));
    if (held) check.held++;
    checks.set(statistic, check);
  };
  const within = (ours: number, scipy: number, bound: number) => Math.abs(ours - scipy) <= bound;
  for (const [name, p] of Object.entries(peer)) {
    const f = features.find((feature) => feature.name === name);
    if (!f) throw new Error(`the drift report has no feature ${name}`);
    add(
      'missing rate change',
      'exact (counts)',
      f.missing.change,
      p.missing,
      within(f.missing.change, p.missing, EXACT),
    );
    const n = f.numeric;
    if (p.ksStatistic !== undefined && n && f.kind === 'numeric') {
      const { ks, wasserstein, psi } = n;
      add(
        'KS statistic',
        'ε_ref + ε_cur',
        ks.statistic,
        p.ksStatistic,
        within(ks.statistic, p.ksStatistic, ks.bound),
      );
      const [lo, hi] = ks.pValueRange;
      add(
        'KS p-value (scipy in our range)',
        `p at D̂ ± bound, ± ${ASYMPTOTIC_GAP}`,
        ks.pValue,
        p.ksPValue!,
        p.ksPValue! >= lo - ASYMPTOTIC_GAP && p.ksPValue! <= hi + ASYMPTOTIC_GAP,
      );
      add(
        'Wasserstein, normalised',
        '(ε_ref + ε_cur)·range / std',
        wasserstein.normalised,
        p.wasserstein!,
        within(wasserstein.normalised, p.wasserstein!, wasserstein.bound / wasserstein.norm),
      );
      // The interval is PSI's over our (sketch) deciles; scipy's is over the exact ones.
      add(
        'PSI, numeric (scipy in our interval)',
        'interval over sketch edges',
        psi.value,
        p.psi,
        p.psi >= psi.bounds[0] && p.psi <= psi.bounds[1],
      );
      add(
        'outside the range',
        '2 ε_cur',
        f.outsideRange.share,
        p.outsideRange!,
        within(f.outsideRange.share, p.outsideRange!, f.outsideRange.bound),
      );
      continue;
    }
    const c = f.categorical;
    if (!c || !p.buckets)
      throw new Error(`${name} is numeric on one side and categorical on the other`);
    const kind = c.exact ? 'categorical' : 'few-valued numeric';
    let worst = { ours: 0, scipy: 0 };
    for (const [ours, scipy] of [
      [c.reference, p.referenceShares!],
      [c.current, p.currentShares!],
    ] as const)
      p.buckets.forEach((bucket, i) => {
        const j = c.buckets.indexOf(bucket);
        const pair = { ours: j === -1 ? 0 : ours[j]!, scipy: scipy[i]! };
        if (Math.abs(pair.ours - pair.scipy) > Math.abs(worst.ours - worst.scipy)) worst = pair;
      });
    add(
      `bucket shares, ${kind}`,
      c.exact ? 'exact' : 'shareError (2 ε)',
      worst.ours,
      worst.scipy,
      within(worst.ours, worst.scipy, c.exact ? EXACT : c.shareError),
    );
    for (const [label, ours, scipy] of [
      ['PSI', c.psi, p.psi],
      ['Jensen–Shannon', c.jensenShannon, p.jensenShannon!],
      ['chi-square p-value', c.chiSquare.pValue, p.chiSquarePValue!],
      ['new categories share', c.newShare, p.newShare!],
    ] as const)
      add(
        `${label}, ${kind}`,
        c.exact ? 'exact' : 'none stated',
        ours,
        scipy,
        c.exact ? within(ours, scipy, EXACT) : true,
      );
  }
  return [...checks.values()];
}

/** Evidently's default tests above 1,000 reference values, judged on scipy's values. */
function peerVerdict(p: PeerFeature): boolean {
  return p.ksStatistic !== undefined ? p.wasserstein! >= 0.1 : p.jensenShannon! >= 0.1;
}

/** Verdicts that differ although every statistic may be within its bound: a bound too loose to decide by. */
function differingVerdicts(
  features: readonly FeatureDrift[],
  peer: Readonly<Record<string, PeerFeature>>,
): string[] {
  return Object.entries(peer).flatMap(([name, p]) => {
    const test = features.find((f) => f.name === name)!.test;
    if (test.drifted === peerVerdict(p)) return [];
    const scipy = p.ksStatistic !== undefined ? p.wasserstein! : p.jensenShannon!;
    return [
      `${name} (${test.name} ${test.value.toFixed(3)} here, ${scipy.toFixed(3)} by scipy, threshold ${test.threshold}: drift ${test.drifted ? 'here only' : 'by scipy only'})`,
    ];
  });
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
  const worker = await bundle(join(here, 'drift-worker.ts'), join(root, 'drift', 'worker'));
  // Two levels below the repository, as cli/dist is: the CLI reads actions/*/action.yml from ../../.
  const cli = await bundle(
    join(REPOSITORY_ROOT, 'cli', 'src', 'index.ts'),
    join(REPOSITORY_ROOT, '.tmp', 'drift-bench-cli'),
  );
  // The action as the runner runs it: its own bundle (dist/index.js two levels below the repository).
  const action = await bundle(
    join(REPOSITORY_ROOT, 'actions', 'monitor-model', 'src', 'index.ts'),
    join(REPOSITORY_ROOT, '.tmp', 'drift-bench-action', 'dist'),
  );
  const log = await prepare(dir, options.rows, worker);
  spawnSync('cat', [join(dir, 'reference.csv'), join(dir, 'current.csv')], { stdio: 'ignore' }); // the page cache
  const loadBefore = loadavg()[0]!.toFixed(2);
  const sides = {
    cli: async () => {
      const run = await measure(
        process.execPath,
        [
          cli,
          'monitor',
          '--model-name',
          'bench',
          '--data',
          'current.csv',
          '--reference',
          'reference-profile.json',
          '--out',
          'monitor-report.json',
        ],
        dir,
      );
      const report = JSON.parse(await readFile(join(dir, 'monitor-report.json'), 'utf8')) as {
        drift: DriftReport;
      };
      return { ...run, side: report.drift };
    },
    action: async () => {
      const output = join(dir, 'action-output.txt');
      await writeFile(output, '');
      const run = await measure(process.execPath, [action], dir, actionEnvironment(dir, output));
      const report = parseFileCommands(await readFile(output, 'utf8'), output).report;
      if (!report) throw new Error(`monitor-model wrote no report:\n${run.side.slice(-2000)}`);
      return {
        ...run,
        side: (JSON.parse(await readFile(report, 'utf8')) as { drift: DriftReport }).drift,
      };
    },
    library: async () =>
      lastJson<LibrarySide>(await measure(process.execPath, [worker, 'drift', dir])),
    peer: async () =>
      lastJson<PeerSide>(await measure(PYTHON, [join(here, 'drift_scipy.py'), 'drift', dir])),
  };
  const runs = {
    cli: [] as Run<DriftReport>[],
    action: [] as Run<DriftReport>[],
    library: [] as Run<LibrarySide>[],
    peer: [] as Run<PeerSide>[],
  };
  for (let round = 0; round < options.rounds; round++)
    for (const which of shuffle(['cli', 'action', 'library', 'peer'] as const, round + 1)) {
      if (which === 'cli') runs.cli.push(await sides.cli());
      else if (which === 'action') runs.action.push(await sides.action());
      else if (which === 'library') runs.library.push(await sides.library());
      else runs.peer.push(await sides.peer());
    }
  const load = `${loadBefore} / ${loadavg()[0]!.toFixed(2)}`;
  const med = <T>(list: Run<T>[], pick: (run: Run<T>) => number) => median(list.map(pick));
  const s = (seconds: number) => `${seconds.toFixed(2)} s`;
  const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;
  const cliWall = med(runs.cli, (r) => r.wallSeconds);
  const cliCpu = med(runs.cli, (r) => r.cpuSeconds);
  const actionWall = med(runs.action, (r) => r.wallSeconds);
  const actionCpu = med(runs.action, (r) => r.cpuSeconds);
  const library = {
    seconds: med(runs.library, (r) => r.side.seconds),
    cpu: med(runs.library, (r) => r.side.cpuSeconds),
    profile: med(runs.library, (r) => r.side.profileSeconds),
    drift: med(runs.library, (r) => r.side.driftSeconds),
    reference: med(runs.library, (r) => r.side.referenceSeconds),
  };
  const peer = {
    seconds: med(runs.peer, (r) => r.side.seconds),
    cpu: med(runs.peer, (r) => r.side.cpuSeconds),
    read: med(runs.peer, (r) => r.side.readSeconds),
    reference: med(runs.peer, (r) => r.side.referenceSeconds),
    // The whole process less the reference's preparation: start-up and imports included, as the CLI's.
    wall: med(runs.peer, (r) => r.wallSeconds - r.side.referenceSeconds),
    wallCpu: med(runs.peer, (r) => r.cpuSeconds - r.side.referenceCpuSeconds),
    timedPeak: med(runs.peer, (r) => r.side.timedPeakRssBytes ?? NaN),
  };
  const peak = (list: Run<unknown>[]) => mb(med(list, (r) => r.peakRssBytes));
  const goal = (ratio: number) =>
    `${ratio.toFixed(1)}x (goal ≥ 2x: ${ratio >= 2 ? 'met' : 'NOT MET'})`;
  // The values do not change between runs (same data, same code): the last run's are compared.
  const peerValues = runs.peer.at(-1)!.side.values;
  const cliFeatures = runs.cli.at(-1)!.side.features;
  const checks = agreement(cliFeatures, peerValues);
  const libraryChecks = agreement(runs.library.at(-1)!.side.drift.features, peerValues);
  const same = JSON.stringify(libraryChecks) === JSON.stringify(checks);
  const differing = differingVerdicts(cliFeatures, peerValues);
  const features = Object.keys(peerValues).length;
  const wrong = checks.filter((c) => c.held < c.features);
  return [
    ...log,
    `Peer: ${runs.peer[0]!.side.versions}; ours: bundled with ncc from this tree, ${process.version}. Median of ${options.rounds} interleaved rounds; load (1-minute average) before / after: ${load} on ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()} cores, shared: the numbers are noisy.`,
    '',
    '| side | wall | CPU (all threads) | of which | peak RSS |',
    '| --- | --- | --- | --- | --- |',
    `| mlops-actions monitor (whole process: start-up, reference profile, schema from it and inferred, validate + profile current.csv, drift, report, summary) | ${s(cliWall)} | ${s(cliCpu)} | | ${peak(runs.cli)} |`,
    `| monitor-model action bundle (whole process, as the runner starts it: inputs from the environment, the same work, the job summary) | ${s(actionWall)} | ${s(actionCpu)} | | ${peak(runs.action)} |`,
    `| library path, timed part (reference profile, validateFiles on current.csv, driftBetweenProfiles) | ${s(library.seconds)} | ${s(library.cpu)} | profile ${s(library.profile)}, drift ${s(library.drift)}, reading the reference profile ${s(library.reference)} | ${peak(runs.library)} (whole process) |`,
    `| pandas + scipy, whole process less preparing the reference | ${s(peer.wall)} | ${s(peer.wallCpu)} | | ${peak(runs.peer)} (whole process; timed part alone ${mb(peer.timedPeak)}) |`,
    `| pandas + scipy, timed part (read_csv of current.csv, every statistic) | ${s(peer.seconds)} | ${s(peer.cpu)} | read_csv ${s(peer.read)}; preparing the reference (untimed) ${s(peer.reference)} | |`,
    '',
    `Speed: mlops-actions monitor against pandas + scipy, whole processes: ${goal(peer.wall / cliWall)}; the monitor-model action: ${goal(peer.wall / actionWall)}; library path against the peer, timed parts: ${goal(peer.seconds / library.seconds)}. CPU time: the CLI takes ${((cliCpu / peer.wallCpu) * 100).toFixed(0)}% of the peer's, the library path ${((library.cpu / peer.cpu) * 100).toFixed(0)}% (ours runs on one worker thread per core, so it gains from idle cores and loses most on a loaded machine).`,
    '',
    `Agreement of mlops-actions monitor's drift report with scipy${same ? ' (the library path agrees alike)' : ' (the library path differs: see its report)'}:`,
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
  ].join('\n');
}
