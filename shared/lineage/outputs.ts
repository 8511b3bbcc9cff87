/** The files a training command produced, as the manifest records them. */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError } from '../action/errors.js';
import { expandPaths } from '../files/expand.js';
import { sha256File } from '../files/hash.js';
import { portablePath } from './fingerprint.js';
import type { Manifest } from './manifest.js';

/**
 * Each output file, and every file inside an output folder, with its sha256 and size. `check`
 * refuses files the step may not read (see files/confine.ts) before anything is hashed.
 */
export async function describeOutputs(
  paths: readonly string[],
  baseDir: string,
  check: (files: readonly string[]) => Promise<unknown> = async () => undefined,
): Promise<Manifest['outputs']> {
  const outputs: Manifest['outputs'] = [];
  for (const path of paths) {
    const absolute = resolve(baseDir, path);
    const info = await stat(absolute).catch(() => undefined);
    if (!info?.isFile() && !info?.isDirectory()) {
      throw new UserError(
        `The training command finished, but the output "${path}" listed in "outputs" is ${info ? 'neither a file nor a folder' : 'missing'} (looked for ${absolute}). Check the command writes it, or fix the "outputs" list.`,
      );
    }
    const files = info.isFile() ? [absolute] : await expandPaths([absolute], baseDir, 'output');
    await check(files);
    for (const file of files)
      outputs.push({
        path: portablePath(file, baseDir),
        sha256: await sha256File(file),
        bytes: (await stat(file)).size,
      });
  }
  return outputs;
}
