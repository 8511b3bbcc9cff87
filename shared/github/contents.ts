/**
 * One file of the repository as it is at a given commit, read through the REST API
 * (GET /repos/{owner}/{repo}/contents/{path}?ref=<sha>). compare-metrics reads the base branch's
 * gate policy this way, so that what judges a pull request is never a file the pull request
 * could have changed in the checkout.
 */
import { z } from 'zod';
import { UserError } from '../action/errors.js';
import { statusOf, type GitHubClient, type Repository } from './client.js';

/** Larger files come back from the contents API without their content (encoding "none"). */
const MAX_CONTENT_BYTES = 1024 * 1024;

/** Reads `path` at `ref`: its text, or undefined when the commit has no such file. */
export type ReadRepositoryFile = (path: string, ref: string) => Promise<string | undefined>;

const fileEntry = z.object({ type: z.literal('file'), encoding: z.string(), content: z.string(), size: z.number() });
const otherEntry = z.object({ type: z.string() });

export function repositoryFileReader(client: GitHubClient, repository: Repository): ReadRepositoryFile {
  return async (path, ref) => {
    const where = `file "${path}" at ${ref.slice(0, 12)} of ${repository.owner}/${repository.repo}`;
    let data: unknown;
    try {
      ({ data } = await client.rest.repos.getContent({ ...repository, path, ref }));
    } catch (error) {
      const status = statusOf(error);
      const message = String((error as Error).message);
      // GitHub answers 404 both for a missing file and for a missing commit; only the first means "no file".
      if (status === 404 && !/no commit found/i.test(message)) return undefined;
      if (status === 404) throw new UserError(`Could not read the ${where}: the commit does not exist in the repository (GitHub: ${message}).`);
      if (status === 401 || status === 403) {
        throw new UserError(`Could not read the ${where}: the token may not read the repository's contents (HTTP ${status}). Give the job "permissions: contents: read".`);
      }
      throw error;
    }
    if (Array.isArray(data)) throw new UserError(`The ${where} is a folder in the repository; a file was expected.`);
    const file = fileEntry.safeParse(data);
    if (!file.success) {
      const type = otherEntry.safeParse(data);
      throw new UserError(`The ${where} is a ${type.success ? type.data.type : 'entry'} in the repository, not a file.`);
    }
    if (file.data.size > MAX_CONTENT_BYTES || file.data.encoding !== 'base64') {
      throw new UserError(`The ${where} is ${file.data.size} bytes; at most ${MAX_CONTENT_BYTES} bytes are read through the API.`);
    }
    return Buffer.from(file.data.content, 'base64').toString('utf8');
  };
}
