/** Checks that the files a manifest names are the files on disk, byte for byte. */
import { resolve } from 'node:path';
import { errnoCode } from '../action/errors.js';
import { sha256File } from '../files/hash.js';
import type { Manifest } from '../lineage/manifest.js';

export interface FileMismatch {
  path: string;
  problem: 'missing' | 'changed';
  expected: string;
  actual?: string;
}

export async function verifyManifestOutputs(manifest: Manifest, baseDir: string): Promise<FileMismatch[]> {
  const mismatches: FileMismatch[] = [];
  for (const output of manifest.outputs) {
    try {
      const actual = await sha256File(resolve(baseDir, output.path));
      if (actual !== output.sha256) mismatches.push({ path: output.path, problem: 'changed', expected: output.sha256, actual });
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT' && errnoCode(error) !== 'EISDIR') throw error;
      mismatches.push({ path: output.path, problem: 'missing', expected: output.sha256 });
    }
  }
  return mismatches;
}
