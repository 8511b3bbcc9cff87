/**
 * One comment per pull request and model, found again on later runs by a hidden marker and
 * updated in place. A marker only counts in a comment written by the same account, so that a
 * copy of the marker in someone else's comment cannot hijack or hide the report.
 */
import type { Logger } from '../action/runner.js';
import { isReadOnlyToken, statusOf } from './client.js';
import type { GitHubPort, IssueComment } from './port.js';

/** GitHub rejects longer comment bodies (422); JavaScript string length is what it counts. */
export const COMMENT_BODY_LIMIT = 65_536;
/** The login of comments written with the workflow's GITHUB_TOKEN (REST spelling). */
const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

export interface StickyTarget {
  issueNumber: number;
  marker: string;
}

export type StickyResult =
  | { status: 'created' | 'updated' | 'unchanged'; url: string }
  | { status: 'skipped'; reason: string };

/**
 * What to write: a fixed body, or a body composed from the comment as it is now (several jobs
 * writing their own sections of one comment), with a check that a body read back still holds
 * this writer's part.
 */
export interface StickyContent {
  compose(existing: string | undefined): string;
  holds?(body: string): boolean;
}

/** How often a section is written again after a concurrent writer overwrote it. */
const MAX_WRITES = 3;

export async function upsertStickyComment(
  github: GitHubPort,
  target: StickyTarget,
  content: string | StickyContent,
  log: Logger,
): Promise<StickyResult> {
  const { compose, holds } =
    typeof content === 'string' ? { compose: () => content, holds: undefined } : content;
  try {
    const author = await authenticatedLogin(github);
    const found = await findStickyComment(github, target, author);
    if (!found)
      return await createOnce(
        github,
        target,
        fitToCommentLimit(compose(undefined)),
        author,
        log,
        content,
      );
    let existing: IssueComment = found;
    for (let attempt = 1; ; attempt++) {
      const text = fitToCommentLimit(compose(existing.body));
      if (existing.body === text) return { status: 'unchanged', url: existing.htmlUrl };
      const updated = await github.updateComment(existing.id, text);
      if (!holds) return { status: 'updated', url: updated.htmlUrl };
      // GitHub has no conditional update for comments: read it back to see whether a job
      // writing another model's section at the same moment replaced this one.
      const reread = await github.getComment(existing.id);
      if (holds(reread.body)) return { status: 'updated', url: updated.htmlUrl };
      if (attempt >= MAX_WRITES) {
        log.warning(
          `Another job kept rewriting comment ${updated.htmlUrl} at the same time; this model's section could not be confirmed after ${MAX_WRITES} writes.`,
        );
        return { status: 'updated', url: updated.htmlUrl };
      }
      log.info(
        `Another job rewrote comment ${updated.htmlUrl} at the same time; writing this model's section again (write ${attempt + 1} of ${MAX_WRITES}).`,
      );
      existing = reread;
    }
  } catch (error) {
    if (isReadOnlyToken(error)) {
      return {
        status: 'skipped',
        reason:
          'the token is read-only (a pull request from a fork gets one), so the comment could not be written',
      };
    }
    throw error;
  }
}

/**
 * Creates the comment without automatic retries: a 5xx may come after GitHub created it, so the
 * comments are looked up again before one more try, and a write is never made twice. When
 * several jobs write sections of one comment, two of them may both find none and both create
 * one: the later one then merges its section into the older comment and deletes its own.
 */
async function createOnce(
  github: GitHubPort,
  target: StickyTarget,
  body: string,
  author: string,
  log: Logger,
  content: string | StickyContent,
): Promise<StickyResult> {
  const create = (retries: number) => github.createComment(target.issueNumber, body, { retries });
  let created: IssueComment;
  try {
    created = await create(0);
  } catch (error) {
    if ((statusOf(error) ?? 0) < 500) throw error;
    log.warning(
      `GitHub answered ${statusOf(error)} while creating the comment; checking whether it was created before trying again.`,
    );
    const existing = await findStickyComment(github, target, author);
    if (existing)
      return { status: existing.body === body ? 'created' : 'updated', url: existing.htmlUrl };
    created = await create(3);
  }
  if (typeof content === 'string' || !content.holds)
    return { status: 'created', url: created.htmlUrl };
  const oldest = await findStickyComment(github, target, author);
  if (!oldest || oldest.id === created.id) return { status: 'created', url: created.htmlUrl };
  log.info(
    `Another job created comment ${oldest.htmlUrl} at the same time; moving this model's section into it.`,
  );
  const result = await upsertStickyComment(github, target, content, log);
  await github.deleteComment(created.id);
  return result;
}

/** Who the token writes as: /user answers for personal tokens; the GITHUB_TOKEN may not read it. */
async function authenticatedLogin(github: GitHubPort): Promise<string> {
  try {
    return await github.getAuthenticatedUser();
  } catch (error) {
    if (statusOf(error) === 403 || statusOf(error) === 401) return ACTIONS_BOT_LOGIN;
    throw error;
  }
}

/** Searches every page of the pull request's comments; the oldest of ours carrying the marker wins. */
async function findStickyComment(
  github: GitHubPort,
  target: StickyTarget,
  author: string,
): Promise<IssueComment | undefined> {
  const comments = await github.listIssueComments(target.issueNumber);
  return comments.find(
    (comment) => comment.author === author && comment.body.includes(target.marker),
  );
}

/**
 * Keeps a body within GitHub's limit by cutting at a line break and saying so; the marker at
 * the top survives, so the comment is still found on the next run.
 */
function fitToCommentLimit(
  body: string,
  pointer = 'The rest is in the job summary and the report file of the step.',
): string {
  if (body.length <= COMMENT_BODY_LIMIT) return body;
  const note = `\n\n_This comment was cut to GitHub's limit of ${COMMENT_BODY_LIMIT} characters. ${pointer}_\n`;
  const room = COMMENT_BODY_LIMIT - note.length;
  const cut = body.lastIndexOf('\n', room);
  return body.slice(0, cut > 0 ? cut : room) + note;
}
