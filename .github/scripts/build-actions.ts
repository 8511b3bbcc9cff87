/**
 * Builds one ncc bundle per action: actions/<name>/src/index.ts → actions/<name>/dist/, and
 * the command-line entry (target `cli`): cli/src/index.ts → cli/dist/.
 * The dist folder is emptied first, so a chunk that is no longer emitted cannot linger.
 * Bundles are not minified, so that a stack trace in a user's log points at readable code; each
 * carries the hash of its sources (source-hash.ts), and the harness refuses a stale one.
 * Usage: npm run build [-- <action|cli> ...]
 */
import ncc from '@vercel/ncc';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SOURCE_HASH_FILE, sourceHash } from './source-hash.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface NccOutput {
  code: string;
  assets: Record<string, { source: string | Buffer }>;
}

async function buildAction(name: string): Promise<void> {
  const base = name === 'cli' ? join(root, 'cli') : join(root, 'actions', name);
  const entry = join(base, 'src', 'index.ts');
  const dist = join(base, 'dist');
  const started = performance.now();
  // Hashed before bundling: a source edited during the build makes the bundle stale, not fresh.
  const hash = sourceHash(root, name);
  // Types are checked once for the whole project by `npm run typecheck`; ncc only transpiles,
  // which is faster and lets one action build while another's sources are mid-edit.
  const output = (await ncc(entry, {
    cache: false,
    minify: false,
    quiet: true,
    sourceMap: false,
    license: 'licenses.txt',
    transpileOnly: true,
  })) as NccOutput;
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  await writeFile(join(dist, 'index.js'), output.code);
  await writeFile(join(dist, SOURCE_HASH_FILE), `${hash}\n`);
  for (const [file, asset] of Object.entries(output.assets)) {
    await mkdir(dirname(join(dist, file)), { recursive: true });
    await writeFile(join(dist, file), asset.source);
  }
  const files = await readdir(dist);
  console.log(
    `${name}: ${files.length} file(s) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

const all = [
  ...(await readdir(join(root, 'actions'), { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort(),
  'cli',
];
const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !all.includes(name));
if (unknown.length) {
  console.error(`Unknown action(s): ${unknown.join(', ')}. Known: ${all.join(', ')}.`);
  process.exit(2);
}
// Two at a time: the machines this runs on have two cores, and ncc is CPU-bound.
const queue = [...(requested.length ? requested : all)];
await Promise.all(
  [0, 1].map(async () => {
    for (let name = queue.shift(); name; name = queue.shift()) await buildAction(name);
  }),
);
