/**
 * A model's section of the shared pull-request comment: rendered within the room the other
 * models' sections leave under GitHub's size limit, merged into the comment as it is now, and
 * checked after writing (see sticky-comment.ts).
 */
import type { Logger } from '../action/runner.js';
import type { GitHubConnector } from '../github/port.js';
import { postPullRequestComment, type PostResult } from '../github/pull-request-comment.js';
import { COMMENT_BODY_LIMIT } from '../github/sticky-comment.js';
import {
  COMMENT_MARKER,
  holdsSection,
  mergeSection,
  sectionBudget,
  type Section,
} from './comment.js';
import type { ComparisonDocument } from './document.js';
import { renderComparison, type RenderLinks } from './render.js';

export function renderSection(
  document: ComparisonDocument,
  links: RenderLinks,
  budget = Number.POSITIVE_INFINITY,
): Section {
  const source = document.baselineSource;
  const baseline =
    source.kind === 'registry'
      ? `${source.version} (${source.environment})`
      : source.kind === 'file'
        ? (document.baseline?.version ?? source.path)
        : 'no baseline';
  return {
    model: document.model,
    meta: {
      verdict: document.verdict,
      ...(document.candidate.version
        ? { candidate: document.candidate.version.slice(0, 200) }
        : {}),
      baseline: baseline.slice(0, 400),
    },
    body: renderComparison(document, links, budget),
  };
}

export async function postSection(args: {
  document: ComparisonDocument;
  links: RenderLinks;
  token: string;
  repository?: string;
  pullRequestNumber?: number;
  eventName?: string;
  bodyFile: string;
  log: Logger;
  /** How the step reaches GitHub. */
  github: GitHubConnector;
}): Promise<PostResult> {
  let written: Section | undefined;
  return postPullRequestComment({
    repository: args.repository,
    pullRequestNumber: args.pullRequestNumber,
    eventName: args.eventName,
    token: args.token,
    marker: COMMENT_MARKER,
    bodyFile: args.bodyFile,
    log: args.log,
    github: args.github,
    content: {
      compose(existing) {
        written = renderSection(
          args.document,
          args.links,
          sectionBudget(existing, args.document.model, COMMENT_BODY_LIMIT),
        );
        return mergeSection(existing, written);
      },
      holds: (body) => written !== undefined && holdsSection(body, written),
    },
  });
}
