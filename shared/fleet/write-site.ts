/**
 * Writes the fleet site into its folder. The folder is replaced whole, so a model that left the
 * fleet leaves no page behind; and since replacing means deleting, only a folder that is empty
 * or holds an earlier fleet site (its fleet.json) is replaced: pointing `out` at the repository
 * root or a docs folder by mistake is refused, not wiped.
 */
import { mkdir, open, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UserError, errnoCode } from '../action/errors.js';
import { confinePath, type Confinement } from '../files/confine.js';
import { FLEET_FORMAT } from './fleet-document.js';
import { FLEET_JSON } from './site/paths.js';

export async function writeSite(
  out: string,
  files: Iterable<readonly [path: string, content: string | Buffer]>,
  confinement: Confinement,
  baseDir: string,
): Promise<string> {
  const folder = await confinePath(out, confinement, {
    what: 'site folder',
    input: 'out',
    baseDir,
    kind: 'any',
  });
  if (confinement.roots.some((root) => resolve(root) === folder) || folder === resolve(baseDir))
    throw new UserError(
      `input "out": the site folder "${out}" is the workspace itself; give a folder of its own, e.g. registry-site.`,
    );
  await clearEarlierSite(folder, out);
  for (const [path, content] of files) {
    const target = join(folder, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  return folder;
}

async function readStart(path: string): Promise<string> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return '';
  try {
    const buffer = Buffer.alloc(256);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

async function clearEarlierSite(folder: string, out: string): Promise<void> {
  const entries = await readdir(folder).catch((error: unknown) => {
    if (errnoCode(error) === 'ENOENT') return undefined;
    if (errnoCode(error) === 'ENOTDIR')
      throw new UserError(`input "out": "${out}" is a file; give a folder for the site.`);
    throw error;
  });
  if (!entries?.length) return;
  // The document opens with its format (read-fleet writes it first); a large one is not read whole.
  const earlier = await readStart(join(folder, FLEET_JSON));
  if (!earlier.replace(/\s+/g, '').startsWith(`{"format":"${FLEET_FORMAT}"`))
    throw new UserError(
      `input "out": the folder "${out}" already holds files and no fleet site (no ${FLEET_JSON} of format ${FLEET_FORMAT}), so it is not replaced. Give an empty or new folder, e.g. registry-site.`,
    );
  await rm(folder, { recursive: true });
}
