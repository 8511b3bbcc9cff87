/** Checks that the files a manifest names are the files on disk, byte for byte. */
import { errnoCode } from '../action/errors.js';
import { sha256File } from '../files/hash.js';
import type { Manifest } from '../lineage/manifest.js';
import { manifestFilePath, type ManifestFiles } from '../lineage/manifest-files.js';

export interface FileMismatch {
  path: string;
  problem: 'missing' | 'changed';
  expected: string;
  actual?: string;
}

/** Each output is read inside the manifest's base folder (see manifest-files.ts); one that leads outside is a UserError. */
export async function verifyManifestOutputs(
  manifest: Manifest,
  files: ManifestFiles,
): Promise<FileMismatch[]> {
  const mismatches: FileMismatch[] = [];
  for (const [index, output] of manifest.outputs.entries()) {
    try {
      const actual = await sha256File(
        await manifestFilePath(files, `outputs[${index}].path`, output.path),
      );
      if (actual !== output.sha256)
        mismatches.push({ path: output.path, problem: 'changed', expected: output.sha256, actual });
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT' && errnoCode(error) !== 'EISDIR') throw error;
      mismatches.push({ path: output.path, problem: 'missing', expected: output.sha256 });
    }
  }
  return mismatches;
}
