/** The files a training command produced, as the manifest records them. */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError } from '../action/errors.js';
import { sha256File } from '../files/hash.js';
import { portablePath } from './fingerprint.js';
import type { Manifest } from './manifest.js';

export async function describeOutputs(paths: readonly string[], baseDir: string): Promise<Manifest['outputs']> {
  const outputs: Manifest['outputs'] = [];
  for (const path of paths) {
    const absolute = resolve(baseDir, path);
    const info = await stat(absolute).catch(() => undefined);
    if (!info?.isFile()) {
      throw new UserError(`The training command finished, but the output "${path}" listed in "outputs" is ${info ? 'not a file' : 'missing'} (looked for ${absolute}). Check the command writes it, or fix the "outputs" list.`);
    }
    outputs.push({ path: portablePath(path, baseDir), sha256: await sha256File(absolute), bytes: info.size });
  }
  return outputs;
}
