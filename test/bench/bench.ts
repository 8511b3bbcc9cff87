/**
 * `npm run bench`: performance numbers measured on this machine, in one run, as ratios to
 * peers. Performance goals live here, never in timed unit tests.
 *   npm run bench [-- --rounds N] [--only startup|validate|metrics|fairness|api|drift|fleet] [--rows N] [--validate-rounds N] [--skip-scale]
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../../harness/runner/run-bundle.js';
import { benchApiBudget } from './api-budget.js';
import { benchDrift } from './drift.js';
import { benchFleet } from './fleet.js';
import { benchMetrics, renderMetrics } from './metrics.js';
import { benchFairness, renderFairness } from './metrics-fairness.js';
import { benchStartup, renderStartup } from './startup.js';
import { benchValidateData } from './validate-data.js';
import { StandIns, stopSharedStandIns } from '../../harness/stand-ins/index.js';

const roundsFlag = process.argv.indexOf('--rounds');
const rounds = roundsFlag === -1 ? 25 : Number(process.argv[roundsFlag + 1]);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error('--rounds takes a whole number of 1 or more');
  process.exit(2);
}
const flag = (name: string) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
const only = flag('--only');
if (
  only !== undefined &&
  only !== 'startup' &&
  only !== 'validate' &&
  only !== 'metrics' &&
  only !== 'fairness' &&
  only !== 'api' &&
  only !== 'drift' &&
  only !== 'fleet'
) {
  console.error('--only takes startup, validate, metrics, fairness, api, drift or fleet');
  process.exit(2);
}
const benchRows = Number(flag('--rows') ?? 1_000_000);
const validateRounds = Number(flag('--validate-rounds') ?? 3);
if (
  !Number.isInteger(benchRows) ||
  benchRows < 1000 ||
  !Number.isInteger(validateRounds) ||
  validateRounds < 1
) {
  console.error('--rows takes a whole number of 1000 or more, --validate-rounds one of 1 or more');
  process.exit(2);
}
const root = join(REPOSITORY_ROOT, '.tmp', 'bench');
// Generated data is kept between runs (it is the same every time); the rest starts afresh.
await rm(join(root, 'startup'), { recursive: true, force: true });
await rm(join(root, 'metrics'), { recursive: true, force: true });
if (only === 'api') {
  console.log(await benchApiBudget());
  process.exit(0);
}
if (only === 'fleet') {
  console.log(await benchFleet());
  process.exit(0);
}
// Drift uses --rows and --validate-rounds too: the same data size and rounds as validate-data.
const drift = async () =>
  `drift, ${benchRows.toLocaleString('en-US')} rows × 12 columns, against pandas + scipy\n` +
  (await benchDrift(root, { rows: benchRows, rounds: validateRounds }));
if (only === 'drift') {
  console.log(await drift());
  process.exit(0);
}
if (only === 'metrics') {
  console.log(renderMetrics(await benchMetrics(join(root, 'metrics'))));
  process.exit(0);
}
// Generated data is kept in root (the same every time).
const fairness = async () => renderFairness(await benchFairness(root, { rows: benchRows }));
if (only === 'fairness') {
  console.log(await fairness());
  process.exit(0);
}
if (only === 'validate') {
  console.log(
    await benchValidateData(root, {
      rows: benchRows,
      rounds: validateRounds,
      skipScale: process.argv.includes('--skip-scale'),
    }),
  );
  process.exit(0);
}
console.log(renderStartup(await benchStartup(join(root, 'startup'), rounds), rounds));
await stopSharedStandIns();

// The stand-ins are started by every test file that talks to GitHub and by the demo; the
// target is under a second, OpenAPI description included (its schemas compile on first use).
const starts: number[] = [];
for (let i = 0; i < 5; i++) {
  const standIns = await StandIns.start();
  starts.push(standIns.startupMs);
  await standIns.stop();
}
const { checkResponse } = await import('../../harness/stand-ins/openapi.js');
const loadStarted = performance.now();
checkResponse('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments', 200, []);
const descriptionMs = performance.now() - loadStarted;
console.log(
  `\nGitHub stand-ins (REST API + results service): start ${Math.max(...starts).toFixed(1)} ms at most over 5 starts; loading GitHub's OpenAPI description and compiling the first schema ${descriptionMs.toFixed(0)} ms once per process (target: under 1,000 ms together)`,
);
if (only !== 'startup') {
  console.log(`\nvalidate-data, ${benchRows.toLocaleString('en-US')} rows × 12 columns`);
  console.log(
    await benchValidateData(root, {
      rows: benchRows,
      rounds: validateRounds,
      skipScale: process.argv.includes('--skip-scale'),
    }),
  );
}
if (only === undefined)
  console.log('\n' + renderMetrics(await benchMetrics(join(root, 'metrics'))));
if (only === undefined) console.log('\n' + (await fairness()));
if (only === undefined) console.log('\n' + (await drift()));
if (only === undefined) console.log('\n' + (await benchApiBudget()));
if (only === undefined) console.log('\n' + (await benchFleet()));
