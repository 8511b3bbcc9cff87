/**
 * Our side of the drift bench, in a process of its own so that its peak memory is its own;
 * drift.ts runs it bundled with ncc (node <bundle> …), or from the sources (tsx drift-worker.ts …):
 *   … profile <folder>   profiles reference.csv into reference-profile.json
 *                        (once, untimed: it is published with the model)
 *   … drift <folder>     what monitor-model does with the rows, timed
 * The drift run reads the reference profile, profiles current.csv with validate-data's code
 * (validateFiles: the same reader, casts and sketches, on one worker thread per core) and
 * compares the two profiles with driftBetweenProfiles.
 * Prints one JSON object: seconds of each part, CPU time, peak RSS and the drift report.
 */
import { realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { driftBetweenProfiles } from '../../shared/monitor/drift.js';
import { readProfile } from '../../shared/profile/profile.js';
import { tableSchemaFrom } from '../../shared/schema/table-schema.js';
import { isValidationWorker, serveValidationShards } from '../../shared/validation/shard-worker.js';
import { validateFiles } from '../../shared/validation/validate.js';

/**
 * The script the worker threads run. Bundled (drift.ts builds this file with ncc, as the
 * actions are built), it is this same bundle, as an action's bundle runs itself; from the
 * sources under tsx, the tests' worker entry, which registers tsx in the thread (it costs
 * each worker about half a second of compiling).
 */
const script = realpathSync(process.argv[1]!);
const WORKER_ENTRY = script.endsWith('.ts')
  ? join(dirname(script), '..', 'shared', 'validation-worker-entry.mjs')
  : script;

/** The columns' types, as the project's schema gives them to validate-data for the reference profile. */
export const BENCH_FIELDS: readonly { name: string; type: 'integer' | 'number' | 'string' }[] = [
  { name: 'age', type: 'integer' },
  { name: 'income', type: 'number' },
  { name: 'score', type: 'number' },
  { name: 'balance', type: 'number' },
  { name: 'tenure_days', type: 'integer' },
  { name: 'clicks', type: 'integer' },
  { name: 'tier', type: 'integer' },
  { name: 'latency_ms', type: 'number' },
  { name: 'country', type: 'string' },
  { name: 'device', type: 'string' },
  { name: 'channel', type: 'string' },
  { name: 'plan', type: 'string' },
];

async function profileOf(path: string, fields: readonly { name: string; type: string }[]) {
  const schema = await tableSchemaFrom({ fields }, 'bench schema');
  const result = await validateFiles([{ path, format: 'csv' }], schema, {
    maxFindings: 100,
    parallel: { entry: WORKER_ENTRY },
  });
  if (result.errors > 0)
    throw new Error(`${path} does not validate: ${JSON.stringify(result.findings.slice(0, 3))}`);
  return result.profile;
}

async function main(mode: string, folder: string): Promise<void> {
  if (mode === 'profile') {
    const profile = await profileOf(join(folder, 'reference.csv'), BENCH_FIELDS);
    await writeFile(join(folder, 'reference-profile.json.partial'), JSON.stringify(profile));
    console.log(JSON.stringify({ rows: profile.rows }));
    return;
  }
  const cpuStarted = process.cpuUsage();
  let started = performance.now();
  const reference = await readProfile(join(folder, 'reference-profile.json'));
  const referenceSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  // As monitor-model reads a window without a schema of its own: with the types the reference
  // profile recorded (shared/monitor/window.ts; its type inference of the first 10,000 rows, for
  // columns the reference lacks, is left out here: every column is in the reference).
  const current = await profileOf(
    join(folder, 'current.csv'),
    reference.columns.map(({ name, type }) => ({ name, type })),
  );
  const profileSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const report = driftBetweenProfiles(reference, current);
  const driftSeconds = (performance.now() - started) / 1000;
  // User + system time of every thread of the process (the workers' included).
  const cpu = process.cpuUsage(cpuStarted);
  console.log(
    JSON.stringify({
      seconds: referenceSeconds + profileSeconds + driftSeconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      referenceSeconds,
      profileSeconds,
      driftSeconds,
      rows: current.rows,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      drift: report,
    }),
  );
}

if (isValidationWorker()) await serveValidationShards();
else {
  const [mode, folder] = process.argv.slice(2) as [string, string];
  await main(mode, folder);
}
