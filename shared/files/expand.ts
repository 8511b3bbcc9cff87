/**
 * The one reading of a path list, as users write it in `data`, `code` and `outputs`, in every
 * action and the CLI: one entry a line, each a file, a folder (every file inside, recursively)
 * or a glob pattern (`data/*.csv`, `src/**`, `{train,eval}.csv`), and `!pattern` to leave files
 * out. Hidden files match, as in @actions/glob and actions/upload-artifact's patterns; `.git`
 * never does. Symbolic links are not followed while walking (a pull request's link to / or
 * /proc would have the walk read the runner's file system, or loop), but a link that leads to a
 * file is listed, so that the caller's confinement judges where it leads.
 */
import { lstat, readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { UserError } from '../action/errors.js';
import { fileError } from './read-file.js';

const GLOB_CHARACTERS = /[*?[\]{}]/;
const NEVER_MATCHED = ['**/.git/**', '.git/**'];

/** Absolute paths of the files the entries name, each once: in the order given, a pattern's or folder's matches sorted. */
export async function expandPaths(
  entries: readonly string[],
  baseDir: string,
  what: string,
): Promise<string[]> {
  const exclusions = entries.filter((e) => e.startsWith('!')).map((e) => e.slice(1));
  const excluded = exclusions.length ? await matchPatterns(exclusions, baseDir) : new Set();
  const files = new Set<string>();
  for (const entry of entries) {
    if (entry.startsWith('!')) continue;
    const found = GLOB_CHARACTERS.test(entry)
      ? await patternMatches(entry, baseDir, what)
      : await filesAt(entry, baseDir, what);
    for (const file of found) if (!excluded.has(file)) files.add(file);
  }
  return [...files];
}

/**
 * The same files as `expandPaths`, named as a report shows them: a file named by its path as
 * the user wrote it, a file found in a folder or by a pattern relative to `baseDir` when inside
 * it (absolute otherwise).
 */
export async function expandPathsAsWritten(
  entries: readonly string[],
  baseDir: string,
  what: string,
): Promise<string[]> {
  const written = new Map(
    entries.filter((e) => !e.startsWith('!')).map((entry) => [resolve(baseDir, entry), entry]),
  );
  return (await expandPaths(entries, baseDir, what)).map(
    (path) => written.get(path) ?? displayPath(path, baseDir),
  );
}

/** `path` relative to `baseDir` when inside it, else absolute. */
function displayPath(path: string, baseDir: string): string {
  const inside = relative(baseDir, path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

// Each pattern alone, so that one matching nothing is reported by name.
async function patternMatches(pattern: string, baseDir: string, what: string): Promise<string[]> {
  const matched = [...(await matchPatterns([pattern], baseDir))].sort();
  if (matched.length === 0)
    throw new UserError(
      `The ${what} pattern "${pattern}" matches no file (relative paths resolve against ${baseDir}). Check the pattern, or that the files exist at this step.`,
    );
  return matched;
}

async function matchPatterns(patterns: readonly string[], baseDir: string): Promise<Set<string>> {
  // Loaded only for patterns: most workflows name their files, and start-up counts.
  const { glob } = await import('tinyglobby');
  const matches = await glob([...patterns], {
    cwd: baseDir,
    absolute: true,
    onlyFiles: true,
    dot: true,
    expandDirectories: false,
    followSymbolicLinks: false,
    ignore: NEVER_MATCHED,
  });
  return new Set(matches.map((path) => resolve(path)));
}

async function filesAt(entry: string, baseDir: string, what: string): Promise<string[]> {
  const absolute = resolve(baseDir, entry);
  const link = await lstat(absolute).catch((error: unknown) => {
    throw fileError(error, entry, what, baseDir);
  });
  const info = link.isSymbolicLink() ? await stat(absolute).catch(() => undefined) : link;
  // A link is the caller's to judge (confinement follows it and names where it leads), unless
  // it leads to a folder inside, which is read as the folder it stands for.
  if (!info?.isDirectory() && link.isSymbolicLink()) return [absolute];
  if (!info || info.isFile()) return [absolute];
  if (!info.isDirectory())
    throw new UserError(`The ${what} "${entry}" is neither a file nor a folder.`);
  const found = await readdir(absolute, { recursive: true, withFileTypes: true });
  const candidates = found
    .filter((d) => d.isFile() || d.isSymbolicLink())
    .map((d) => join(d.parentPath, d.name))
    .filter((path) => !path.slice(absolute.length).split(/[\\/]/).includes('.git'));
  const files: string[] = [];
  for (const path of candidates)
    if ((await stat(path).catch(() => undefined))?.isFile()) files.push(path);
  if (files.length === 0) throw new UserError(`The ${what} folder "${entry}" holds no files.`);
  return files.sort();
}
