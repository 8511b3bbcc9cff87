import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { fileError } from './read-file.js';

export function sha256Text(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The sha256 of a file, streamed so that model and data files of any size hash in constant memory. */
export async function sha256File(
  path: string,
  what = 'file',
  baseDir = process.cwd(),
): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(resolve(baseDir, path)))
      hash.update(chunk as Buffer);
  } catch (error) {
    throw fileError(error, path, what, baseDir);
  }
  return hash.digest('hex');
}

/** JSON with object keys sorted at every level, so that equal content hashes equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
