/**
 * `npm run bench`: performance numbers measured on this machine, in one run, as ratios to
 * peers. Performance goals live here, never in timed unit tests.
 *   npm run bench [-- --rounds N]
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../harness/run-bundle.js';
import { benchStartup, renderStartup } from './startup.js';

const roundsFlag = process.argv.indexOf('--rounds');
const rounds = roundsFlag === -1 ? 25 : Number(process.argv[roundsFlag + 1]);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error('--rounds takes a whole number of 1 or more');
  process.exit(2);
}
const root = join(REPOSITORY_ROOT, '.tmp', 'bench');
await rm(root, { recursive: true, force: true });
console.log(renderStartup(await benchStartup(join(root, 'startup'), rounds), rounds));
