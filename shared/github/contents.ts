/**
 * One file of the repository as it is at a given commit, read through the REST API
 * (GET /repos/{owner}/{repo}/contents/{path}?ref=<sha>). compare-metrics reads the base branch's
 * gate policy this way, so that what judges a pull request is never a file the pull request
 * could have changed in the checkout.
 */
import { UserError } from '../action/errors.js';
import { statusOf } from './client.js';
import type { GitHubPort } from './port.js';

/** Larger files come back from the contents API without their content (encoding "none"). */
const MAX_CONTENT_BYTES = 1024 * 1024;

/** Reads `path` at `ref`: its text, or undefined when the commit has no such file. */
export type ReadRepositoryFile = (path: string, ref: string) => Promise<string | undefined>;

export function repositoryFileReader(github: GitHubPort): ReadRepositoryFile {
  const { repository } = github;
  return async (path, ref) => {
    const where = `file "${path}" at ${ref.slice(0, 12)} of ${repository.owner}/${repository.repo}`;
    let entry: Awaited<ReturnType<GitHubPort['getRepositoryContent']>>;
    try {
      entry = await github.getRepositoryContent(path, ref);
    } catch (error) {
      const status = statusOf(error);
      const message = String((error as Error).message);
      // GitHub answers 404 both for a missing file and for a missing commit; only the first means "no file".
      if (status === 404 && !/no commit found/i.test(message)) return undefined;
      if (status === 404)
        throw new UserError(
          `Could not read the ${where}: the commit does not exist in the repository (GitHub: ${message}).`,
        );
      if (status === 401 || status === 403) {
        throw new UserError(
          `Could not read the ${where}: the token may not read the repository's contents (HTTP ${status}). Give the job "permissions: contents: read".`,
        );
      }
      throw error;
    }
    if (entry.type === 'folder')
      throw new UserError(`The ${where} is a folder in the repository; a file was expected.`);
    if (!('content' in entry))
      throw new UserError(`The ${where} is a ${entry.type} in the repository, not a file.`);
    if (entry.size > MAX_CONTENT_BYTES || entry.encoding !== 'base64') {
      throw new UserError(
        `The ${where} is ${entry.size} bytes; at most ${MAX_CONTENT_BYTES} bytes are read through the API.`,
      );
    }
    return Buffer.from(entry.content, 'base64').toString('utf8');
  };
}
