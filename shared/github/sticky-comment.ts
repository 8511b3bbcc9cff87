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

export interface StickyTarget {
  issueNumber: number;
  marker: string;
}

export type StickyResult =
  | { status: 'created' | 'updated' | 'unchanged'; url: string }
  | { status: 'skipped'; reason: string }
  /** compose() had nothing to write and there was no comment to leave as it is. */
  | { status: 'nothing-to-write' };

/**
 * What to write: a fixed body, or a body composed from the comment as it is now (several jobs
 * writing their own sections of one comment), with a check that a body read back still holds
 * this writer's part.
 */
export interface StickyContent {
  /** The body to write, or undefined to write nothing (the comment stays as it is, or is not created). */
  compose(existing: string | undefined): string | undefined;
  holds?(body: string): boolean;
  /**
   * Whether the comment as it was read holds other writers' parts (another model's section):
   * only then is it read back after a write, to find a concurrent writer's overwrite.
   */
  shared?(existing: string): boolean;
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
    const author = lazyLogin(github);
    const found = await findStickyComment(github, target, author);
    if (!found) {
      const body = compose(undefined);
      if (body === undefined) return { status: 'nothing-to-write' };
      return await createOnce(github, target, fitToCommentLimit(body), log, content);
    }
    let existing: IssueComment = found;
    for (let attempt = 1; ; attempt++) {
      const composed = compose(existing.body);
      const text = composed === undefined ? existing.body : fitToCommentLimit(composed);
      if (existing.body === text) return { status: 'unchanged', url: existing.htmlUrl };
      const updated = await github.updateComment(existing.id, text);
      if (!holds || !(content as StickyContent).shared?.(existing.body))
        return { status: 'updated', url: updated.htmlUrl };
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
    const existing = await findStickyComment(github, target, lazyLogin(github));
    if (existing)
      return { status: existing.body === body ? 'created' : 'updated', url: existing.htmlUrl };
    created = await create(3);
  }
  if (typeof content === 'string' || !content.holds)
    return { status: 'created', url: created.htmlUrl };
  // The comment just created says who the token writes as: no need to ask.
  const oldest = await findStickyComment(github, target, async () => created.author ?? '');
  if (!oldest || oldest.id === created.id) return { status: 'created', url: created.htmlUrl };
  log.info(
    `Another job created comment ${oldest.htmlUrl} at the same time; moving this model's section into it.`,
  );
  const result = await upsertStickyComment(github, target, content, log);
  await github.deleteComment(created.id);
  return result;
}

/**
 * Who the token writes as, asked once and only when a comment carrying the marker is found (a
 * pull request without one needs no answer): one GraphQL request, which works for personal,
 * workflow and GitHub App installation tokens alike. Never guessed: a token whose account
 * cannot be told makes the step fail rather than write into someone else's comment.
 */
export function lazyLogin(github: GitHubPort): () => Promise<string> {
  let login: Promise<string> | undefined;
  return () => (login ??= github.getAuthenticatedUser());
}

/**
 * Reads the pull request's comments page by page, oldest first, and stops at the first of ours
 * carrying the marker (the oldest wins): the sticky comment is usually among the first, so a
 * busy pull request costs one page, not all of them.
 */
async function findStickyComment(
  github: GitHubPort,
  target: StickyTarget,
  author: () => Promise<string>,
): Promise<IssueComment | undefined> {
  for await (const comment of github.listIssueComments(target.issueNumber)) {
    if (comment.body.includes(target.marker) && comment.author === (await author())) return comment;
  }
  return undefined;
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
