/** Posting a report on the pull request a run belongs to, when there is one. */
import type { Logger } from '../action/runner.js';
import { parseRepository } from './client.js';
import type { GitHubConnector } from './port.js';
import type { StickyContent } from './sticky-comment.js';

export interface PullRequestComment {
  repository?: string;
  pullRequestNumber?: number;
  eventName?: string;
  token: string;
  marker: string;
  content: string | StickyContent;
  log: Logger;
  /** Where the body is kept, for when it cannot be posted. */
  bodyFile: string;
  /** How the step reaches GitHub. */
  github: GitHubConnector;
}

export type PostResult =
  | { posted: true; url: string }
  | { posted: false; why: 'not-a-pull-request' | 'read-only' | 'nothing-to-write' };

/** Creates or updates the sticky comment. */
export async function postPullRequestComment(request: PullRequestComment): Promise<PostResult> {
  const { log } = request;
  const repository = parseRepository(request.repository);
  if (!request.pullRequestNumber || !repository) {
    log.info(
      `Not a pull request run (event ${request.eventName ?? 'unknown'}), so no comment was posted; the body is in ${request.bodyFile}.`,
    );
    return { posted: false, why: 'not-a-pull-request' };
  }
  const { upsertStickyComment } = await import('./sticky-comment.js');
  const github = await request.github(request.token, repository, log);
  const result = await upsertStickyComment(
    github,
    { issueNumber: request.pullRequestNumber, marker: request.marker },
    request.content,
    log,
  );
  if (result.status === 'nothing-to-write') return { posted: false, why: 'nothing-to-write' };
  if (result.status === 'skipped') {
    log.warning(
      `No comment was posted on pull request #${request.pullRequestNumber}: ${result.reason}. The body is in ${request.bodyFile}.`,
    );
    return { posted: false, why: 'read-only' };
  }
  log.info(`Comment ${result.status} on pull request #${request.pullRequestNumber}: ${result.url}`);
  return { posted: true, url: result.url };
}
