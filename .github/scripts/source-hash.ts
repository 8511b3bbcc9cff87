/**
 * The hash of the sources a bundle is built from, stamped into its dist/ by build-actions.ts,
 * so that a test or the demo refuses to run a bundle older than the code beside it: a logic
 * change in run.ts must fail a bundle test, not pass it until someone rebuilds.
 * "The sources" is taken wide (all of shared/, not only the modules the bundle imports): it
 * costs a rebuild now and then, and never lets a stale bundle through.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const SOURCE_HASH_FILE = 'source-hash.txt';

/** The folders and files a target's bundle is built from (target: an action folder name, or `cli`). */
function sourcesOf(target: string): string[] {
  const own =
    target === 'cli' ? ['cli/src', 'actions/validate-data/src'] : [`actions/${target}/src`];
  return [...own, 'shared', 'package-lock.json', '.github/scripts/build-actions.ts'];
}

export function sourceHash(root: string, target: string): string {
  const hash = createHash('sha256');
  const files = sourcesOf(target)
    .flatMap((path) => filesUnder(root, path))
    .sort();
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function filesUnder(root: string, path: string): string[] {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (statSync(full).isFile()) return [path];
  return readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

export function distDir(root: string, target: string): string {
  return target === 'cli' ? join(root, 'cli', 'dist') : join(root, 'actions', target, 'dist');
}

/** Throws when `target`'s dist/ was built from other sources than those in the tree. */
export function assertFreshBundle(root: string, target: string): void {
  const stamp = join(distDir(root, target), SOURCE_HASH_FILE);
  const built = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
  if (built !== sourceHash(root, target)) {
    throw new Error(
      `dist/ of ${target} is stale: run npm run build -- ${target} (its sources changed since it was built${built ? '' : '; it carries no source hash'}).`,
    );
  }
}

const checked = new Set<string>();

/**
 * For a script about to run: when it is a bundle's entry (<root>/actions/<name>/dist/index.js
 * or <root>/cli/dist/index.js), throws if that bundle is stale. Checked once per process.
 */
export function assertFreshScript(script: string): void {
  const match = /^(.*)[/\\](?:actions[/\\]([^/\\]+)|(cli))[/\\]dist[/\\]index\.js$/.exec(script);
  if (!match || checked.has(script)) return;
  assertFreshBundle(match[1]!, match[2] ?? match[3]!);
  checked.add(script);
}
