/**
 * The files a manifest names, found inside the manifest's base folder: the working directory
 * for a manifest of this job, the download folder for an artifact or a release. The manifest's
 * schema already refuses absolute and ".." paths; this also follows symbolic links, so that a
 * model file that is a link to /proc/self/environ or to a file of another job is never hashed,
 * uploaded into a Release or overwritten.
 */
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError } from '../action/errors.js';
import { isInGitFolder, isInside, realPathOfNearest } from '../files/confine.js';

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
export async function manifestFilePath(
  files: ManifestFiles,
  field: string,
  path: string,
): Promise<string> {
  const base = await realpath(files.baseDir);
  const absolute = resolve(base, path);
  const named = `The ${files.manifest} lists "${path}" in "${field}"`;
  const real = await realPathOfNearest(absolute, { followDangling: false });
  if (real === undefined)
    throw new UserError(
      `${named}, which is a symbolic link that leads nowhere (or in a loop). Only files inside ${files.folder ?? "the model's folder"} are verified and published; promote the files train-model wrote, not links.`,
    );
  if (!isInside(real, base) || real === base) {
    const via = real === absolute ? '' : ` (through a symbolic link, it leads to ${real})`;
    throw new UserError(
      `${named}, which is outside ${files.folder ?? "the model's folder"} ${base}${via}. Only files inside that folder are verified and published; promote the files train-model wrote, not links to other files.`,
    );
  }
  if (isInGitFolder(real, base))
    throw new UserError(
      `${named}, which is inside a .git folder (it leads to ${real}), where the repository's credentials are kept; a model file was expected.`,
    );
  const info = await stat(real).catch(() => undefined);
  if (info && !info.isFile() && !info.isDirectory())
    throw new UserError(
      `${named}, which is not a regular file (a device, a pipe or a socket); a model file was expected.`,
    );
  return real;
}
