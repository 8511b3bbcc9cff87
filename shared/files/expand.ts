/**
 * Path lists as users write them in `data`, `code` and `outputs`: files, folders (every file
 * inside, recursively, `.git` left out) and glob patterns (`data/*.csv`, `src/**`, `!` to
 * exclude), matched by @actions/glob as other actions match them.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UserError } from '../action/errors.js';
import { fileError } from './read-file.js';

const GLOB_CHARACTERS = /[*?[\]]|^!/;

/** Absolute paths of the files the entries name, each once: in the order given, a pattern's or folder's matches sorted. */
export async function expandPaths(
  entries: readonly string[],
  baseDir: string,
  what: string,
): Promise<string[]> {
  const files = new Set<string>();
  const exclusions = entries
    .filter((e) => e.startsWith('!'))
    .map((e) => `!${absolutePattern(e.slice(1), baseDir)}`);
  for (const entry of entries) {
    if (entry.startsWith('!')) continue;
    if (!GLOB_CHARACTERS.test(entry)) {
      for (const file of await filesAt(entry, baseDir, what)) files.add(file);
      continue;
    }
    // Each pattern alone, so that one matching nothing is reported; exclusions apply to all.
    const glob = await import('@actions/glob');
    const globber = await glob.create([absolutePattern(entry, baseDir), ...exclusions].join('\n'), {
      matchDirectories: false,
      followSymbolicLinks: false,
    });
    const matched = (await globber.glob()).filter((path) => !path.split(/[\\/]/).includes('.git'));
    if (matched.length === 0)
      throw new UserError(
        `The ${what} pattern "${entry}" matches no file (relative paths resolve against ${baseDir}).`,
      );
    for (const file of matched.sort()) files.add(file);
  }
  return [...files];
}

function absolutePattern(pattern: string, baseDir: string): string {
  return pattern.startsWith('/') ? pattern : join(baseDir, pattern);
}

async function filesAt(entry: string, baseDir: string, what: string): Promise<string[]> {
  const absolute = resolve(baseDir, entry);
  const info = await stat(absolute).catch((error: unknown) => {
    throw fileError(error, entry, what, baseDir);
  });
  if (info.isFile()) return [absolute];
  if (!info.isDirectory())
    throw new UserError(`The ${what} "${entry}" is neither a file nor a folder.`);
  const found = await readdir(absolute, { recursive: true, withFileTypes: true });
  // Links are listed too (those that lead to a file), so that the caller's confinement judges
  // where they lead rather than their being dropped without a word.
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
