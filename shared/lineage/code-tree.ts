/**
 * The code a model was trained with, as one sha256. By default the repository's git tree: the
 * blob id of every tracked file as the index holds it (content-addressed, so the same on every
 * clone, and nothing is read), with tracked files that differ in the working tree hashed from
 * disk, so uncommitted edits count. Untracked files do not: they are what a workflow generates
 * (data, models, caches), not code. With `code` set, exactly the files it names count.
 * git runs with argument lists, never through a shell.
 */
import { execFile } from 'node:child_process';
import { lstat, readlink, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { canonicalJson, sha256File, sha256Text } from '../files/hash.js';
import { expandPaths } from '../files/expand.js';
import { portablePath } from './fingerprint.js';

const run = promisify(execFile);

export interface CodeTree {
  /** `git`: the repository's tracked files; `paths`: the files `code` names; `none`: no git repository and no `code`. */
  source: 'git' | 'paths' | 'none';
  sha256: string;
  files: number;
  /** git: the repository root the paths are relative to. */
  root?: string;
  /** Why a repository's code could not be read (git missing, a repository git refuses). */
  problem?: string;
}

/**
 * `excluded`: absolute paths that are not code whichever way the code is named. What training
 * writes: a model committed to the repository would change the fingerprint every time training
 * rewrites it. The config: it counts by its typed canonical form (canonical-config.ts), so its
 * bytes must not count a second time, or re-indenting it would change the fingerprint.
 */
export async function hashCodeTree(
  code: readonly string[] | undefined,
  cwd: string,
  excluded: readonly string[] = [],
  check: (files: readonly string[]) => Promise<unknown> = async () => undefined,
): Promise<CodeTree> {
  const isExcluded = (absolute: string) =>
    excluded.some((path) => absolute === path || absolute.startsWith(`${path}/`));
  if (code?.length) {
    const files = await expandPaths(code, cwd, 'code path');
    await check(files);
    const entries: [string, string][] = [];
    for (const file of files) {
      if (isExcluded(resolve(cwd, file))) continue;
      entries.push([portablePath(file, cwd), await sha256File(file)]);
    }
    return { source: 'paths', sha256: sha256Text(canonicalJson(entries)), files: entries.length };
  }
  const top = await repositoryRoot(cwd);
  if (top === undefined) return { source: 'none', sha256: sha256Text('no code'), files: 0 };
  let listed: string;
  let changed: string;
  try {
    [listed, changed] = await Promise.all([
      git(top, ['ls-files', '-s', '-z']),
      git(top, ['diff', '--name-only', '-z', '--no-renames']),
    ]);
  } catch (error) {
    const reason = ((error as { stderr?: string }).stderr || (error as Error).message)
      .trim()
      .split('\n')[0];
    return {
      source: 'none',
      sha256: sha256Text('no code'),
      files: 0,
      problem: `git could not list the files of ${top} (${reason})`,
    };
  }
  const index = parseNulList(listed);
  const modified = new Set(parseNulList(changed));
  const entries: [string, string][] = [];
  for (const line of index) {
    const tab = line.indexOf('\t');
    const path = line.slice(tab + 1);
    if (isExcluded(`${top}/${path}`)) continue;
    const [mode, blob] = line.slice(0, tab).split(' ');
    if (modified.has(path)) {
      // Deleted in the working tree: the deletion is the change. A link counts by where it
      // points, as git records it: following it could read outside the workspace, or forever.
      entries.push([path, await workingTreeHash(`${top}/${path}`)]);
    } else {
      entries.push([path, `${mode}:${blob}`]);
    }
  }
  return {
    source: 'git',
    sha256: sha256Text(canonicalJson(entries)),
    files: entries.length,
    root: top,
  };
}

async function workingTreeHash(file: string): Promise<string> {
  const info = await lstat(file).catch(() => undefined);
  if (!info) return 'deleted';
  if (info.isSymbolicLink()) return `link:${sha256Text(await readlink(file))}`;
  if (!info.isFile()) return `not-a-file:${info.mode.toString(8)}`;
  return `sha256:${await sha256File(file)}`;
}

/**
 * The folder holding `.git` (a folder, or a file in worktrees and submodules), looked up from
 * `cwd` without starting git: outside a repository the step then costs no process at all.
 */
async function repositoryRoot(cwd: string): Promise<string | undefined> {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (
      await stat(join(dir, '.git')).then(
        () => true,
        () => false,
      )
    )
      return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-c', 'core.quotepath=off', ...args], {
    cwd,
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'utf8',
  });
  return stdout;
}

function parseNulList(text: string): string[] {
  return text.split('\0').filter((entry) => entry !== '');
}
