/**
 * The files a manifest names, found inside the manifest's base folder: the working directory
 * for a manifest of this job, the download folder for an artifact or a release. The manifest's
 * schema already refuses absolute and ".." paths; this also follows symbolic links, so that a
 * model file that is a link to /proc/self/environ or to a file of another job is never hashed,
 * uploaded into a Release or overwritten.
 */
import { lstat, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { errnoCode, UserError } from '../action/errors.js';
import { isInside } from '../files/confine.js';

export interface ManifestFiles {
  /** How messages name the manifest: `manifest "model-manifest.json"`, `manifest of release churn@1`. */
  manifest: string;
  /** The folder its paths resolve against, and that they must stay inside. */
  baseDir: string;
  /** How messages name that folder; default "the model's folder". */
  folder?: string;
}

/**
 * The real path of the file that `path` (the manifest's `field`, e.g. `outputs[2].path`) names.
 * Where it leads outside the base folder, or to a device, pipe or socket, it is a UserError that
 * names the manifest, the field and the path. A path that does not exist (yet) is returned as
 * it is, judged by its nearest existing folder: its reader reports it missing, its writer
 * creates it inside.
 */
export async function manifestFilePath(files: ManifestFiles, field: string, path: string): Promise<string> {
  const base = await realpath(files.baseDir);
  const absolute = resolve(base, path);
  const named = `The ${files.manifest} lists "${path}" in "${field}"`;
  const real = await realPathOrNearest(absolute);
  if (real === undefined) throw new UserError(`${named}, which is a symbolic link that leads nowhere (or in a loop). Only files inside ${files.folder ?? "the model's folder"} are verified and published; promote the files train-model wrote, not links.`);
  if (!isInside(real, base) || real === base) {
    const via = real === absolute ? '' : ` (through a symbolic link, it leads to ${real})`;
    throw new UserError(`${named}, which is outside ${files.folder ?? "the model's folder"} ${base}${via}. Only files inside that folder are verified and published; promote the files train-model wrote, not links to other files.`);
  }
  // As files/confine.ts does for inputs: .git holds the token actions/checkout persists.
  if (relative(base, real).split(sep).includes('.git')) throw new UserError(`${named}, which is inside a .git folder (it leads to ${real}), where the repository's credentials are kept; a model file was expected.`);
  const info = await stat(real).catch(() => undefined);
  if (info && !info.isFile() && !info.isDirectory()) throw new UserError(`${named}, which is not a regular file (a device, a pipe or a socket); a model file was expected.`);
  return real;
}

/**
 * The real path of `path`; for one that does not exist, that of its nearest existing folder
 * joined with the rest. Undefined for a dangling link or a loop of links: a write would follow
 * the link to wherever it points.
 */
async function realPathOrNearest(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch (error) {
    const code = errnoCode(error);
    if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'ELOOP') throw error;
    if (code === 'ELOOP' || (await lstat(path).then((info) => info.isSymbolicLink(), () => false))) return undefined;
    const parent = dirname(path);
    if (parent === path) return path;
    const realParent = await realPathOrNearest(parent);
    return realParent === undefined ? undefined : join(realParent, basename(path));
  }
}
