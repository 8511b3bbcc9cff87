/**
 * validate-data throughput and memory, against peers on the same files in the same run:
 * pandas (read_csv with explicit dtypes, then the same checks, vectorised, and describe() for
 * the profile), DuckDB (the same checks and the profile's statistics — counts, distinct
 * estimates, moments, quantiles, top values — as one SQL query over read_csv / read_parquet, all
 * cores) and `cat` (reading the bytes). Each peer does the work validate-data does: check every
 * cell and write the data profile.
 * Each command runs in its own process under /usr/bin/time, which gives wall time and peak RSS.
 *
 * Data: N rows (default 1,000,000) × 12 columns, generated here with a fixed seed, as CSV and
 * Parquet; and the CSV 10× longer, to check that memory stays flat (peak RSS on the 10× file
 * under 1.2× that of the 1× file).
 *
 * Targets (issue 4): validate-data ≥ 2× pandas and ≥ 0.5× DuckDB in rows/s.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { timed } from './timed.js';
import { REPOSITORY_ROOT } from '../../harness/runner/run-bundle.js';
import { median, shuffle } from './startup.js';

const COUNTRIES = ['DE', 'FR', 'US', 'GB', 'ES', 'IT', 'NL', 'SE'];
const SEGMENTS = ['A', 'B', 'C', 'D'];
const HEADER = [
  'id',
  'age',
  'income',
  'score',
  'balance',
  'country',
  'segment',
  'code',
  'signup',
  'active',
  'clicks',
  'label',
];

const SCHEMA = {
  $schema: 'https://datapackage.org/profiles/2.0/tableschema.json',
  primaryKey: ['id'],
  fields: [
    { name: 'id', type: 'integer', constraints: { required: true, minimum: 1 } },
    { name: 'age', type: 'integer', constraints: { required: true, minimum: 18, maximum: 90 } },
    { name: 'income', type: 'number', constraints: { minimum: 0, maximum: 200000 } },
    {
      name: 'score',
      type: 'number',
      constraints: { minimum: 0, maximum: 1 },
      ml: { stats: { mean: { min: 0.4, max: 0.6 } } },
    },
    { name: 'balance', type: 'number', constraints: { minimum: -5000, maximum: 5000 } },
    { name: 'country', type: 'string', constraints: { required: true, enum: COUNTRIES } },
    { name: 'segment', type: 'string', constraints: { enum: SEGMENTS } },
    { name: 'code', type: 'string', constraints: { pattern: '[A-Z]{2}[0-9]{4}' } },
    { name: 'signup', type: 'date', constraints: { minimum: '2015-01-01', maximum: '2024-12-31' } },
    { name: 'active', type: 'boolean' },
    {
      name: 'clicks',
      type: 'integer',
      constraints: { minimum: 0, maximum: 1000 },
      ml: { nullFraction: { max: 0.05 } },
    },
    { name: 'label', type: 'integer', constraints: { enum: [0, 1] }, ml: { role: 'target' } },
  ],
  ml: { rowCount: { min: 1 } },
};

/** One row's cells, from a small fast PRNG (xorshift32) so the files are the same every run. */
function* rows(count: number): Generator<(string | number | boolean | null)[]> {
  let state = 0x2545f491;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (let i = 1; i <= count; i++) {
    const day = Math.floor(next() * 3650);
    const date = new Date(Date.UTC(2015, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
    yield [
      i,
      18 + Math.floor(next() * 73),
      Math.round(next() * 20_000_000) / 100,
      Math.round(next() * 10_000) / 10_000,
      Math.round((next() - 0.5) * 1_000_000) / 100,
      COUNTRIES[Math.floor(next() * COUNTRIES.length)]!,
      SEGMENTS[Math.floor(next() * SEGMENTS.length)]!,
      `${letters[Math.floor(next() * 26)]}${letters[Math.floor(next() * 26)]}${String(Math.floor(next() * 10_000)).padStart(4, '0')}`,
      date,
      next() < 0.5,
      next() < 0.01 ? null : Math.floor(next() * 1001),
      next() < 0.3 ? 1 : 0,
    ];
  }
}

/** Writes under a temporary name and renames at the end: an interrupted run leaves no short file that a later run would take for complete. */
async function writeCsv(path: string, count: number): Promise<void> {
  if (existsSync(path)) return;
  const out = createWriteStream(`${path}.partial`);
  out.write(HEADER.join(',') + '\n');
  let buffer = '';
  for (const row of rows(count)) {
    buffer += row.map((cell) => (cell === null ? '' : String(cell))).join(',') + '\n';
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
  await rename(`${path}.partial`, path);
}

async function writeParquet(path: string, count: number): Promise<void> {
  if (existsSync(path)) return;
  const { parquetWriteFile } = await import('hyparquet-writer');
  const columns: unknown[][] = HEADER.map(() => []);
  for (const row of rows(count)) row.forEach((cell, i) => columns[i]!.push(cell));
  const types = [
    'INT32',
    'INT32',
    'DOUBLE',
    'DOUBLE',
    'DOUBLE',
    'STRING',
    'STRING',
    'STRING',
    'STRING',
    'BOOLEAN',
    'INT32',
    'INT32',
  ] as const;
  parquetWriteFile({
    filename: `${path}.partial`,
    rowGroupSize: 100_000,
    columnData: HEADER.map((name, i) => ({ name, data: columns[i]!, type: types[i] })),
  });
  await rename(`${path}.partial`, path);
}

const PANDAS = `
import sys, pandas as pd
path = sys.argv[1]
df = pd.read_csv(path, dtype={'id': 'int64', 'age': 'int64', 'income': 'float64', 'score': 'float64', 'balance': 'float64',
  'country': 'string', 'segment': 'string', 'code': 'string', 'signup': 'string', 'active': 'string', 'clicks': 'Int64', 'label': 'int64'},
  keep_default_na=False, na_values=[''])
bad = 0
bad += df.id.isna().sum() + df.id.duplicated().sum() + (df.id < 1).sum()
bad += ((df.age < 18) | (df.age > 90)).sum()
bad += ((df.income < 0) | (df.income > 200000)).sum()
bad += ((df.score < 0) | (df.score > 1)).sum()
bad += ((df.balance < -5000) | (df.balance > 5000)).sum()
bad += (~df.country.isin(${JSON.stringify(COUNTRIES)})).sum()
bad += (df.segment.notna() & ~df.segment.isin(${JSON.stringify(SEGMENTS)})).sum()
bad += (df.code.notna() & ~df.code.str.fullmatch(r'[A-Z]{2}[0-9]{4}').fillna(False)).sum()
d = pd.to_datetime(df.signup, format='%Y-%m-%d', errors='coerce')
bad += (df.signup.notna() & d.isna()).sum() + ((d < '2015-01-01') | (d > '2024-12-31')).sum()
bad += (df.active.notna() & ~df.active.isin(['true', 'false', 'True', 'False', 'TRUE', 'FALSE', '1', '0'])).sum()
bad += ((df.clicks < 0) | (df.clicks > 1000)).sum()
bad += (~df.label.isin([0, 1])).sum()
null_fraction = df.clicks.isna().mean()
mean_score = df.score.mean()
stats = df.describe(include='all')
print(len(df), int(bad), round(float(null_fraction), 4), round(float(mean_score), 4))
`;

/** The profile validate-data writes, as DuckDB aggregates: counts, distinct estimates, moments and quantiles of numbers, top values of categories. */
const NUMERIC = ['id', 'age', 'income', 'score', 'balance', 'clicks', 'label'];
const CATEGORICAL = ['country', 'segment', 'code', 'active', 'label'];
const QUANTILES = '[0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1]';
const DUCKDB_PROFILE = [
  ...HEADER.map((c) => `count(${c}) AS ${c}_count, approx_count_distinct(${c}) AS ${c}_distinct`),
  ...NUMERIC.map(
    (c) =>
      `min(${c}) AS ${c}_min, max(${c}) AS ${c}_max, avg(${c}) AS ${c}_mean, stddev_samp(${c}) AS ${c}_stdev, approx_quantile(${c}, ${QUANTILES}) AS ${c}_quantiles`,
  ),
  ...CATEGORICAL.map((c) => `approx_top_k(${c}, 20) AS ${c}_top`),
].join(',\n    ');

const DUCKDB = `
import { DuckDBInstance } from '@duckdb/node-api';
const [path, format] = process.argv.slice(2);
const source = format === 'parquet' ? \`read_parquet('\${path}')\` : \`read_csv('\${path}', header = true, columns = {'id': 'BIGINT', 'age': 'BIGINT', 'income': 'DOUBLE', 'score': 'DOUBLE', 'balance': 'DOUBLE', 'country': 'VARCHAR', 'segment': 'VARCHAR', 'code': 'VARCHAR', 'signup': 'DATE', 'active': 'BOOLEAN', 'clicks': 'BIGINT', 'label': 'BIGINT'})\`;
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const reader = await connection.runAndReadAll(\`
  SELECT count(*) AS rows,
    count(*) - count(DISTINCT id) + count_if(id IS NULL OR id < 1)
    + count_if(age < 18 OR age > 90) + count_if(income < 0 OR income > 200000) + count_if(score < 0 OR score > 1)
    + count_if(balance < -5000 OR balance > 5000) + count_if(country NOT IN (${COUNTRIES.map((c) => `'${c}'`).join(', ')}))
    + count_if(segment NOT IN (${SEGMENTS.map((c) => `'${c}'`).join(', ')})) + count_if(NOT regexp_full_match(code, '[A-Z]{2}[0-9]{4}'))
    + count_if(CAST(signup AS DATE) < DATE '2015-01-01' OR CAST(signup AS DATE) > DATE '2024-12-31') + count_if(clicks < 0 OR clicks > 1000) + count_if(label NOT IN (0, 1)) AS bad,
    avg(CASE WHEN clicks IS NULL THEN 1 ELSE 0 END) AS null_fraction, avg(score) AS mean_score,
    ${DUCKDB_PROFILE}
  FROM \${source}\`);
console.log(JSON.stringify(reader.getRowObjectsJson()));
`;

interface Measurement {
  name: string;
  file: string;
  rows: number;
  seconds: number;
  peakMb: number;
  note?: string;
}

/** Runs a command under /usr/bin/time: wall seconds and peak RSS of the process (and its children). */
async function measure(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ seconds: number; peakMb: number; stdout: string }> {
  const run = await timed(command, args, { env });
  return { seconds: run.wallSeconds, peakMb: run.peakRssBytes / 1024 / 1024, stdout: run.stdout };
}

async function validateData(
  dir: string,
  file: string,
  format: string,
): Promise<{ seconds: number; peakMb: number; stdout: string; rows: number }> {
  const bundle = join(REPOSITORY_ROOT, 'actions', 'validate-data', 'dist', 'index.js');
  const env = {
    PATH: process.env.PATH ?? '',
    RUNNER_TEMP: join(dir, 'runner-temp'),
    INPUT_DATA: file,
    INPUT_SCHEMA: join(dir, 'schema.json'),
    INPUT_FORMAT: format,
    'INPUT_FAIL-ON': 'error',
    'INPUT_MAX-ERRORS': '1000',
  };
  const result = await measure(process.execPath, [bundle], env);
  if (!/^output valid: true$/m.test(result.stdout))
    throw new Error(`validate-data did not pass the bench data:\n${result.stdout.slice(-3000)}`);
  const rows = Number(/^output rows: (\d+)$/m.exec(result.stdout)?.[1]);
  if (!Number.isInteger(rows))
    throw new Error(`validate-data printed no row count:\n${result.stdout.slice(-3000)}`);
  return { ...result, rows };
}

const pandasAvailable = () => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import pandas'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

export interface ValidateBenchOptions {
  rows: number;
  /** Runs of each command on the 1× files; the median is reported. */
  rounds: number;
  /** Skip the 10× file (it takes a few minutes). */
  skipScale?: boolean;
}

export async function benchValidateData(
  root: string,
  options: ValidateBenchOptions,
): Promise<string> {
  const dir = join(root, 'validate-data');
  await mkdir(join(dir, 'runner-temp'), { recursive: true });
  await writeFile(join(dir, 'schema.json'), JSON.stringify(SCHEMA, null, 2));
  const n = options.rows;
  const csv = join(dir, `data-${n}.csv`);
  const parquet = join(dir, `data-${n}.parquet`);
  const started = performance.now();
  await writeCsv(csv, n);
  await writeParquet(parquet, n);
  const log = [
    `Generated ${n.toLocaleString('en-US')} rows × 12 columns (CSV ${((await stat(csv)).size / 2 ** 20).toFixed(0)} MiB, Parquet ${((await stat(parquet)).size / 2 ** 20).toFixed(0)} MiB) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  ];

  const results: Measurement[] = [];
  const duckScript = join(dir, 'duckdb-checks.mjs');
  await writeFile(duckScript, DUCKDB);
  const pandasScript = join(dir, 'pandas-checks.py');
  await writeFile(pandasScript, PANDAS);
  await measure('cat', [csv]); // warm the page cache

  // Every command runs `rounds` times, interleaved in a shuffled order round by round, so that
  // load from other processes on the machine hits all alike; the median of each is reported.
  const commands: {
    name: string;
    file: 'csv' | 'parquet';
    run: () => Promise<{ seconds: number; peakMb: number; rows: number }>;
  }[] = [];
  for (const [format, file] of [
    ['csv', csv],
    ['parquet', parquet],
  ] as const) {
    commands.push({
      name: 'validate-data',
      file: format,
      run: () => validateData(dir, file, format),
    });
    commands.push({
      name: 'DuckDB (checks + profile, SQL)',
      file: format,
      run: async () => {
        const duck = await measure(process.execPath, [duckScript, file, format]);
        return { ...duck, rows: Number(JSON.parse(duck.stdout)[0].rows) };
      },
    });
    if (format === 'csv') {
      if (pandasAvailable()) {
        commands.push({
          name: 'pandas (checks + describe)',
          file: format,
          run: async () => {
            const pandas = await measure('/usr/bin/python3', [pandasScript, file]);
            return { ...pandas, rows: Number(pandas.stdout.split(' ')[0]) };
          },
        });
      } else log.push('pandas: not measured (apt-get install python3-pandas for /usr/bin/python3)');
      commands.push({
        name: 'cat (read the bytes)',
        file: format,
        run: async () => ({ ...(await measure('cat', [file])), rows: n }),
      });
    }
  }
  const samples = commands.map(() => [] as { seconds: number; peakMb: number; rows: number }[]);
  for (let round = 0; round < options.rounds; round++) {
    for (const index of shuffle(
      commands.map((_, i) => i),
      round + 1,
    ))
      samples[index]!.push(await commands[index]!.run());
  }
  commands.forEach((command, i) => {
    const runs = samples[i]!;
    results.push({
      name: command.name,
      file: command.file,
      rows: runs[0]!.rows,
      seconds: median(runs.map((r) => r.seconds)),
      peakMb: median(runs.map((r) => r.peakMb)),
    });
  });
  log.push(`Median of ${options.rounds} interleaved rounds.`);

  let scale = '';
  if (!options.skipScale) {
    const big = join(dir, `data-${n * 10}.csv`);
    await writeCsv(big, n * 10);
    const tenfold = await validateData(dir, big, 'csv');
    results.push({
      name: 'validate-data, 10× file',
      file: 'csv',
      rows: tenfold.rows,
      seconds: tenfold.seconds,
      peakMb: tenfold.peakMb,
    });
    const one = results.find((r) => r.name === 'validate-data' && r.file === 'csv')!;
    const ratio = tenfold.peakMb / one.peakMb;
    scale = `Memory on a 10× file: peak RSS ${tenfold.peakMb.toFixed(0)} MB against ${one.peakMb.toFixed(0)} MB, ${ratio.toFixed(2)}× (target < 1.2×): ${ratio < 1.2 ? 'within target' : 'OVER TARGET'}`;
  }
  return [
    ...log,
    '',
    renderTable(results),
    '',
    ...verdicts(results),
    ...(scale ? [scale] : []),
  ].join('\n');
}

function renderTable(results: Measurement[]): string {
  const lines = [
    `${'command'.padEnd(34)} ${'file'.padEnd(8)} ${'rows'.padStart(11)} ${'seconds'.padStart(8)} ${'rows/s'.padStart(11)} ${'peak RSS MB'.padStart(12)}  vs validate-data`,
  ];
  for (const r of results) {
    const ours = results.find((o) => o.name === 'validate-data' && o.file === r.file)!;
    const speed = r.rows / r.seconds;
    const versus = r.name.startsWith('validate-data')
      ? ''
      : `${(ours.rows / ours.seconds / speed).toFixed(2)}x of its speed`;
    lines.push(
      `${r.name.padEnd(34)} ${r.file.padEnd(8)} ${r.rows.toLocaleString('en-US').padStart(11)} ${r.seconds.toFixed(2).padStart(8)} ${Math.round(speed).toLocaleString('en-US').padStart(11)} ${r.peakMb.toFixed(0).padStart(12)}  ${versus}`,
    );
  }
  return lines.join('\n');
}

function verdicts(results: Measurement[]): string[] {
  const speed = (name: string, file: string) => {
    const r = results.find((m) => m.name.startsWith(name) && m.file === file);
    return r ? r.rows / r.seconds : undefined;
  };
  const ours = speed('validate-data', 'csv')!;
  const out: string[] = [];
  const pandas = speed('pandas', 'csv');
  if (pandas)
    out.push(
      `CSV: validate-data is ${(ours / pandas).toFixed(2)}x pandas (target ≥ 2x): ${ours / pandas >= 2 ? 'within target' : 'BELOW TARGET'}`,
    );
  for (const file of ['csv', 'parquet']) {
    const mine = speed('validate-data', file)!;
    const duck = speed('DuckDB', file)!;
    out.push(
      `${file === 'csv' ? 'CSV' : 'Parquet'}: validate-data is ${(mine / duck).toFixed(2)}x DuckDB (target ≥ 0.5x): ${mine / duck >= 0.5 ? 'within target' : 'BELOW TARGET'}`,
    );
  }
  const cat = speed('cat', 'csv');
  if (cat)
    out.push(`CSV: validate-data runs at ${((ours / cat) * 100).toFixed(1)}% of the speed of cat`);
  return out;
}
