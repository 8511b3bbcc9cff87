/**
 * The fingerprint of a training run: a sha256 over everything that decides what the run
 * produces. Paths are stored relative to the working directory with "/" separators, so the
 * same checkout gives the same fingerprint on any machine.
 */
import { relative, resolve, sep } from 'node:path';
import { canonicalJson, sha256File, sha256Text } from '../files/hash.js';
import { readUserFile } from '../files/read-file.js';
import { canonicalConfigText } from './canonical-config.js';

export interface HashedFile {
  path: string;
  sha256: string;
}

export interface FingerprintInputs {
  /** sha256 of the config's typed canonical form (canonical-config.ts): formatting and key order do not count, values and their types do. */
  configSha256: string;
  data: HashedFile[];
  /** The code tree's sha256 (see code-tree.ts). */
  codeSha256: string;
  /** Dependency lock files found beside the config or at the repository root. */
  lockFiles: HashedFile[];
  command: string;
  seed: number;
  /** `process.platform` and `os.arch()`: a model built on another platform may differ. */
  platform: { os: string; arch: string };
  actionVersion: string;
}

const FINGERPRINT_FORMAT = 'mlops-actions/fingerprint@3';

export function computeFingerprint(inputs: FingerprintInputs): string {
  return sha256Text(
    canonicalJson({
      format: FINGERPRINT_FORMAT,
      config: inputs.configSha256,
      data: byPath(inputs.data),
      code: inputs.codeSha256,
      lockFiles: byPath(inputs.lockFiles),
      command: inputs.command,
      seed: inputs.seed,
      platform: inputs.platform,
      actionVersion: inputs.actionVersion,
    }),
  );
}

function byPath(files: readonly HashedFile[]): HashedFile[] {
  return [...files]
    .map(({ path, sha256 }) => ({ path, sha256 }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The version a fingerprint gives: its first 12 hex digits (same inputs, same version). */
export function versionOf(fingerprint: string): string {
  return fingerprint.slice(0, 12);
}

export async function canonicalConfigSha256(path: string, baseDir: string): Promise<string> {
  const text = await readUserFile(path, 'config file', baseDir);
  return sha256Text(await canonicalConfigText(text, path));
}

export async function hashFiles(
  paths: readonly string[],
  baseDir: string,
  what: string,
): Promise<HashedFile[]> {
  const hashed: HashedFile[] = [];
  for (const path of paths) {
    hashed.push({
      path: portablePath(path, baseDir),
      sha256: await sha256File(path, what, baseDir),
    });
  }
  return hashed;
}

/** A path relative to `baseDir`, with "/" separators. */
export function portablePath(path: string, baseDir: string): string {
  return relative(baseDir, resolve(baseDir, path)).split(sep).join('/') || '.';
}
