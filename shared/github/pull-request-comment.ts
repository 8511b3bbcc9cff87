/** Posting a report on the pull request a run belongs to, when there is one. */
import type { RunContext } from '../action/context.js';
import type { Logger } from '../action/runner.js';
import { parseRepository } from './client.js';

export interface PullRequestComment {
  context: RunContext;
  token: string;
  marker: string;
  body: string;
  log: Logger;
  /** Where the body is kept, for when it cannot be posted. */
  bodyFile: string;
}

/** Creates or updates the sticky comment; returns its URL, or '' when nothing was written. */
export async function postPullRequestComment(request: PullRequestComment): Promise<string> {
  const { context, log } = request;
  const repository = parseRepository(context.repository);
  if (!context.pullRequest || !repository) {
    log.info(`Not a pull request run (event ${context.eventName ?? 'unknown'}), so no comment was posted; the body is in ${request.bodyFile}.`);
    return '';
  }
  const [{ createGitHubClient }, { upsertStickyComment }] = await Promise.all([import('./client.js'), import('./sticky-comment.js')]);
  const client = await createGitHubClient(request.token, log);
  const result = await upsertStickyComment(client, { ...repository, issueNumber: context.pullRequest.number, marker: request.marker }, request.body, log);
  if (result.status === 'skipped') {
    log.warning(`No comment was posted on pull request #${context.pullRequest.number}: ${result.reason}. The body is in ${request.bodyFile}.`);
    return '';
  }
  log.info(`Comment ${result.status} on pull request #${context.pullRequest.number}: ${result.url}`);
  return result.url;
}
