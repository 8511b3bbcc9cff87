import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { errnoCode, UserError } from '../action/errors.js';

/**
 * Reads a user-named file, turning the usual mistakes into messages that say which file, what
 * was expected and what to do. `what` names the file in the user's terms ("schema file").
 */
export async function readUserFile(
  path: string,
  what: string,
  baseDir = process.cwd(),
): Promise<string> {
  try {
    return await readFile(resolve(baseDir, path), 'utf8');
  } catch (error) {
    throw fileError(error, path, what, baseDir);
  }
}

/** `path` as the user wrote it; `baseDir` is what relative paths resolve against. */
export function fileError(
  error: unknown,
  path: string,
  what: string,
  baseDir = process.cwd(),
): Error {
  const code = errnoCode(error);
  const where = `${what} "${path}"`;
  if (code === 'ENOENT') {
    return new UserError(
      `The ${where} does not exist (looked for ${resolve(baseDir, path)}). Check the path: relative paths resolve against ${baseDir}.`,
    );
  }
  if (code === 'EISDIR') return new UserError(`The ${where} is a directory; a file was expected.`);
  if (code === 'EACCES') return new UserError(`The ${where} cannot be read: permission denied.`);
  return error instanceof Error ? error : new Error(String(error));
}
