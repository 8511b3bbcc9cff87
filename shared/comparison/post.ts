/**
 * A model's section of the shared pull-request comment: rendered within the room the other
 * models' sections leave under GitHub's size limit, merged into the comment as it is now, and
 * checked after writing (see sticky-comment.ts).
 */
import type { Logger } from '../action/runner.js';
import { canonicalJson, sha256Text } from '../files/hash.js';
import type { GitHubConnector } from '../github/port.js';
import { postPullRequestComment, type PostResult } from '../github/pull-request-comment.js';
import { COMMENT_BODY_LIMIT } from '../github/sticky-comment.js';
import {
  COMMENT_MARKER,
  holdsOtherSections,
  holdsSection,
  mergeSection,
  parseSections,
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
      values: valuesDigest(document),
    },
    body: renderComparison(document, links, budget),
  };
}

/**
 * When compare-metrics writes its section (input `comment`): `always`; `on-change`, when the
 * verdict or a metric or slice value differs from the section already in the comment (or
 * there is none); `on-regression`, when the verdict is warn or fail or a change is a notable
 * regression, and otherwise only to update a section already there, so that a comment never
 * goes on showing a failure that is gone; `never`. The job summary always has the report.
 */
export const COMMENT_MODES = ['always', 'on-change', 'on-regression', 'never'] as const;
export type CommentMode = (typeof COMMENT_MODES)[number];

/** The verdict warns or fails, or a change (gated or not) is a notable regression. */
export function isAlarming(document: ComparisonDocument): boolean {
  return (
    document.verdict === 'fail' ||
    document.verdict === 'warn' ||
    (document.notable ?? []).some((change) => change.kind === 'regression')
  );
}

/** Why the section is not written under `mode`, or undefined when it is. */
export function holdBack(
  mode: CommentMode,
  written: Section,
  existing: Section | undefined,
  alarming: boolean,
): string | undefined {
  if (mode === 'always') return undefined;
  if (mode === 'never') return 'comment is "never"';
  const changed =
    !existing ||
    existing.meta.verdict !== written.meta.verdict ||
    existing.meta.values !== written.meta.values;
  if (mode === 'on-change' || existing)
    return changed
      ? undefined
      : `comment is "${mode}", and the verdict and every metric value are those the comment already shows`;
  return alarming
    ? undefined
    : `comment is "on-regression", the verdict is ${written.meta.verdict} and no metric regressed notably`;
}

/**
 * 16 hex digits of a sha256 over the metric and slice values and statuses: what `on-change`
 * compares (the footer's commit and run link change on every run and do not count).
 */
function valuesDigest(document: ComparisonDocument): string {
  const values = {
    metrics: document.metrics.map((m) => [m.name, m.baseline, m.candidate, m.status]),
    slices: document.slices.map((s) => [
      s.metric,
      s.status,
      s.rows.map((row) => [row.slice, row.baseline?.value, row.candidate?.value]),
    ]),
    // Only when there are disparity measures, so older comments' digests stay as they were.
    ...(document.fairness?.length
      ? {
          fairness: document.fairness.map((f) => [
            f.attribute,
            f.measure,
            f.baseline,
            f.candidate,
            f.status,
          ]),
        }
      : {}),
  };
  return sha256Text(canonicalJson(values)).slice(0, 16);
}

export type SectionPostResult = PostResult | { posted: false; why: 'held-back'; reason: string };

export async function postSection(args: {
  document: ComparisonDocument;
  /** When to write (COMMENT_MODES); `always` when not given. */
  mode?: CommentMode;
  links: RenderLinks;
  token: string;
  repository?: string;
  pullRequestNumber?: number;
  eventName?: string;
  bodyFile: string;
  log: Logger;
  /** How the step reaches GitHub. */
  github: GitHubConnector;
}): Promise<SectionPostResult> {
  let written: Section | undefined;
  let heldBack: string | undefined;
  const mode = args.mode ?? 'always';
  const alarming = isAlarming(args.document);
  const result = await postPullRequestComment({
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
        const current = parseSections(existing ?? '').find((s) => s.model === written!.model);
        heldBack = holdBack(mode, written, current, alarming);
        // Held back: an existing comment stays as it is, and none is created.
        return heldBack === undefined ? mergeSection(existing, written) : undefined;
      },
      holds: (body) => written !== undefined && holdsSection(body, written),
      shared: (body) => holdsOtherSections(body, args.document.model),
    },
  });
  if (heldBack === undefined) return result;
  args.log.info(
    `No comment was written on the pull request: ${heldBack}. The job summary has the full report.`,
  );
  return { posted: false, why: 'held-back', reason: heldBack };
}
