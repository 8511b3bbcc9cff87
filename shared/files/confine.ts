/**
 * Path confinement. Everything a pull request can change is hostile, and that includes where a
 * path leads: a data file that is a symbolic link to /proc/self/environ would put the step's
 * environment (ACTIONS_RUNTIME_TOKEN, the OIDC request token) into annotations, reports and
 * artifacts. So every path that comes from an input or from a file is resolved with its symbolic
 * links and must lead into one of the step's folders:
 *
 * - the job's workspace (GITHUB_WORKSPACE; outside a runner, the current folder or the CLI's
 *   `--workspace`), less its `.git` folder, where actions/checkout keeps the token it persists;
 * - `mlops-actions/` in RUNNER_TEMP, where the suite's own earlier steps wrote their reports.
 *
 * Symbolic links inside the workspace that lead inside are fine. Files must be regular files, so
 * that a FIFO or a device (/dev/zero) cannot hang a step.
 */
import { readlink, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { errnoCode, UserError } from '../action/errors.js';

export interface Confinement {
  /** The workspace, as given (for messages). */
  workspace: string;
  /** Real paths (symbolic links resolved) of the folders a step may read and write. */
  roots: readonly string[];
}

/** The folder under RUNNER_TEMP that the suite's steps write their reports into. */
const STEP_FILES_FOLDER = 'mlops-actions';

/** The confinement of a step: its workspace, and the suite's own folder in the temp folder. */
export async function stepConfinement(workspace: string, tempDir: string): Promise<Confinement> {
  const folders = [resolve(workspace), resolve(tempDir, STEP_FILES_FOLDER)];
  return {
    workspace: resolve(workspace),
    roots: await Promise.all(
      folders.map(async (folder) => (await realPathOfNearest(folder)) ?? folder),
    ),
  };
}

export interface ConfineOptions {
  /** The file in the user's terms ("schema file"), and the input it came from, for messages. */
  what: string;
  input?: string;
  /** What relative paths resolve against. */
  baseDir: string;
  /**
   * `file` (default): must exist and be a regular file (to be read). `folder`: must exist and be a
   * folder. `any`: may be missing (to be written, or reported missing by its reader).
   */
  kind?: 'file' | 'folder' | 'any';
}

/**
 * The absolute path that `path` names, after checking that it leads, symbolic links resolved,
 * into the confinement. A path outside, into `.git`, or (for a file) to something other than a
 * regular file is a UserError naming the input and the path.
 */
export async function confinePath(
  path: string,
  confinement: Confinement,
  options: ConfineOptions,
): Promise<string> {
  const absolute = resolve(options.baseDir, path);
  const named = `${options.input ? `input "${options.input}": the ` : 'The '}${options.what} "${path}"`;
  const real = await realPathOfNearest(absolute);
  if (real === undefined)
    throw new UserError(`${capitalise(named)} is a loop of symbolic links; a file was expected.`);
  const via = real !== absolute ? ` (through a symbolic link, it leads to ${real})` : '';
  const root = confinement.roots.find((folder) => isInside(real, folder));
  if (root === undefined) {
    throw new UserError(
      `${capitalise(named)} is outside the workspace${via}. mlops-actions reads and writes only inside the workspace (${confinement.workspace}) and its own folder in RUNNER_TEMP, so that a pull request cannot make it read other files of the runner. Give a path inside the workspace.`,
    );
  }
  if (isInGitFolder(real, root)) {
    throw new UserError(
      `${capitalise(named)} is inside a .git folder${via}, which holds the repository's credentials. Give a path outside .git.`,
    );
  }
  if (options.kind === 'any') return absolute;
  const info = await stat(real).catch((error: unknown) => {
    const code = errnoCode(error);
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP')
      throw new UserError(`${capitalise(named)} is a loop of symbolic links; a file was expected.`);
    throw error;
  });
  if (!info) return absolute; // Missing: its reader says so, with the usual message.
  if (options.kind === 'folder' && !info.isDirectory())
    throw new UserError(`${capitalise(named)} is not a folder.`);
  if ((options.kind ?? 'file') === 'file' && !info.isFile()) {
    throw new UserError(
      `${capitalise(named)} is ${info.isDirectory() ? 'a folder' : 'not a regular file (a device, a pipe or a socket)'}${via}; a file was expected.`,
    );
  }
  return absolute;
}

/** Each path confined, in order (see confinePath). */
export async function confinePaths(
  paths: readonly string[],
  confinement: Confinement,
  options: ConfineOptions,
): Promise<string[]> {
  const confined: string[] = [];
  for (const path of paths) confined.push(await confinePath(path, confinement, options));
  return confined;
}

export function isInside(path: string, folder: string): boolean {
  if (path === folder) return true;
  const rest = relative(folder, path);
  return rest !== '' && !rest.startsWith(`..${sep}`) && rest !== '..' && !isAbsolute(rest);
}

/**
 * The real path of `path`; for a path that does not exist yet, the real path of its nearest
 * existing ancestor joined with the rest, so that a file to be written through a linked folder
 * is judged by where it would land. Undefined for a loop of links, and, unless `followDangling`,
 * for a dangling link (whose file a write would create wherever it points).
 */
export async function realPathOfNearest(
  path: string,
  { followDangling = true } = {},
): Promise<string | undefined> {
  const missing: string[] = [];
  let current = path;
  // A dangling link is followed by hand (realpath refuses it, but a write would follow it);
  // 40 hops, as Linux allows, end a cycle.
  for (let hops = 0; hops <= 40;) {
    try {
      return join(await realpath(current), ...[...missing].reverse());
    } catch (error) {
      const code = errnoCode(error);
      // ENOENT: not there yet. ENOTDIR: a file stands where a folder is named. ELOOP: a link cycle.
      if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'ELOOP') throw error;
      const target = await readlink(current).catch(() => undefined);
      if (!followDangling && (code === 'ELOOP' || target !== undefined)) return undefined;
      if (target !== undefined && code === 'ENOENT') {
        current = resolve(dirname(current), target);
        hops++;
        continue;
      }
      const parent = dirname(current);
      if (parent === current) return path;
      missing.push(basename(current));
      current = parent;
    }
  }
  return undefined;
}

/** Whether `real` lies in a .git folder below `root`: where actions/checkout persists its token. */
export function isInGitFolder(real: string, root: string): boolean {
  return relative(root, real).split(sep).includes('.git');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Confines the inputs among `names` that are set, each a file path (see confinePath). */
export async function confineFileInputs<K extends string>(
  input: Partial<Record<K, unknown>>,
  names: readonly K[],
  confinement: Confinement,
  baseDir = process.cwd(),
): Promise<void> {
  for (const name of names) {
    const path = input[name];
    if (typeof path === 'string')
      await confinePath(path, confinement, {
        what: INPUT_FILES[name] ?? 'file',
        input: name,
        baseDir,
      });
  }
}

/** How messages name the file each input holds. */
const INPUT_FILES: Record<string, string> = {
  predictions: 'predictions file',
  metrics: 'metrics file',
  baseline: 'baseline metrics file',
  gates: 'gate policy',
  manifest: 'manifest',
  profile: 'data profile',
};
