/**
 * Pull requests from forks get a read-only token, so their run cannot comment. The run uploads
 * its comparison and the pull request it belongs to as an artifact instead, and a workflow
 * triggered by workflow_run (with a write token, never running the fork's code) posts it.
 *
 * Everything in that artifact was written by a run of the fork's code, so the poster trusts
 * none of it: the files are validated, the comment is rendered again from the comparison data
 * (all text escaped, links built by the poster), and the pull request number is accepted only
 * when that pull request of this repository has the head commit the triggering run ran on.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../action/errors.js';
import { MODEL_NAME_PATTERN } from '../identifiers.js';
import { overallVerdict } from '../gates/judge.js';
import { validateStructured } from '../files/structured.js';
import { comparisonDocumentSchema, type ComparisonDocument } from './document.js';

const COMMENT_REQUEST_FORMAT = 'mlops-actions/comment-request@1';
const REQUEST_FILE = 'pull-request.json';
const DOCUMENT_FILE = 'comparison.json';
/** The comparison documents this suite writes are far smaller; a bigger file is refused unread. */
const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

/** The full comparison of a run (JSON and Markdown), for reviewers who need more than the comment shows. */
export function reportArtifactName(model: string, runAttempt: string | undefined): string {
  return `comparison-${model}-attempt-${runAttempt ?? '1'}`;
}

/** What a run whose token could not comment hands to the workflow_run workflow. */
export function commentArtifactName(
  model: string,
  runAttempt: string | number | undefined,
): string {
  return `compare-metrics-comment-${model}-attempt-${runAttempt ?? '1'}`;
}

const requestSchema = z
  .object({
    format: z.literal(COMMENT_REQUEST_FORMAT),
    model: z.string().regex(MODEL_NAME_PATTERN),
    pullRequest: z
      .number()
      .int()
      .positive()
      .max(2 ** 31),
    headSha: z.string().regex(/^[0-9a-f]{40}$/),
  })
  .strict();
export type CommentRequest = z.output<typeof requestSchema>;

export async function writeCommentRequest(
  dir: string,
  document: ComparisonDocument,
  pullRequest: { number: number; headSha: string },
): Promise<{ from: string; as: string }[]> {
  await mkdir(dir, { recursive: true });
  const request: CommentRequest = {
    format: COMMENT_REQUEST_FORMAT,
    model: document.model,
    pullRequest: pullRequest.number,
    headSha: pullRequest.headSha,
  };
  await writeFile(join(dir, REQUEST_FILE), JSON.stringify(request, null, 2) + '\n');
  await writeFile(join(dir, DOCUMENT_FILE), JSON.stringify(document) + '\n');
  return [
    { from: join(dir, REQUEST_FILE), as: REQUEST_FILE },
    { from: join(dir, DOCUMENT_FILE), as: DOCUMENT_FILE },
  ];
}

/** Reads and validates a downloaded comment artifact; the verdict is derived again from the statuses. */
export async function readCommentRequest(
  dir: string,
  artifact: string,
  model: string,
): Promise<{ request: CommentRequest; document: ComparisonDocument; documentPath: string }> {
  const read = async <S extends z.ZodType>(file: string, schema: S): Promise<z.output<S>> => {
    const path = join(dir, file);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      throw new UserError(
        `Artifact ${artifact} has no ${file}; it was not written by compare-metrics. Nothing was posted.`,
      );
    }
    if (text.length > MAX_DOCUMENT_BYTES)
      throw new UserError(
        `${file} in artifact ${artifact} is larger than ${MAX_DOCUMENT_BYTES} bytes; refusing to read it. Nothing was posted.`,
      );
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new UserError(`${file} in artifact ${artifact} is not JSON. Nothing was posted.`);
    }
    return validateStructured(value, schema, {
      path: `${artifact}/${file}`,
      what: 'comment artifact file',
      text,
    });
  };
  const request = await read(REQUEST_FILE, requestSchema);
  const document = await read(DOCUMENT_FILE, comparisonDocumentSchema);
  if (request.model !== model || document.model !== model) {
    throw new UserError(
      `Artifact ${artifact} holds the comparison of model "${document.model}" (request for "${request.model}"), not "${model}". Nothing was posted.`,
    );
  }
  return {
    request,
    document: {
      ...document,
      verdict: overallVerdict([
        ...document.metrics,
        ...document.slices,
        ...(document.fairness ?? []),
      ]),
    },
    documentPath: join(dir, DOCUMENT_FILE),
  };
}

/** The triggering run, from a workflow_run event payload. */
const workflowRunEvent = z.object({
  workflow_run: z.object({
    id: z.number().int().positive(),
    run_attempt: z.number().int().positive().default(1),
    event: z.string(),
    head_sha: z.string().regex(/^[0-9a-f]{40}$/),
    pull_requests: z.array(z.object({ number: z.number().int().positive() })).default([]),
  }),
});
export type TriggeringRun = z.output<typeof workflowRunEvent>['workflow_run'];

export function triggeringRun(payload: unknown, eventName: string | undefined): TriggeringRun {
  if (eventName !== 'workflow_run') {
    throw new UserError(
      `"comment-from-run" posts the comment of the run that triggered this workflow, so the workflow must run "on: workflow_run" (this event is ${eventName ?? 'unknown'}). See examples/workflows/post-comment.yml.`,
    );
  }
  const parsed = workflowRunEvent.safeParse(payload);
  if (!parsed.success)
    throw new UserError(
      `The workflow_run event payload has an unexpected shape: ${z.prettifyError(parsed.error)}`,
    );
  return parsed.data.workflow_run;
}

/** The GitHub calls the check needs; an adapter so the rule can be tested on its own. */
export interface PullRequestReader {
  headOf(number: number): Promise<{ headSha: string; baseRepository: string } | undefined>;
}

/**
 * Accepts the artifact's pull request only if it is a pull request of this repository whose
 * head is the commit the triggering run ran on; when GitHub lists the run's pull requests
 * (same-repository branches), the number must be one of them.
 */
export async function verifyPullRequest(
  request: CommentRequest,
  run: TriggeringRun,
  repository: string,
  reader: PullRequestReader,
): Promise<void> {
  const refuse = (why: string) => {
    throw new UserError(
      `Refusing to post the comment of run ${run.id} on pull request #${request.pullRequest}: ${why}. The artifact may have been forged; nothing was posted.`,
    );
  };
  if (request.headSha !== run.head_sha)
    refuse(
      `the artifact names head commit ${request.headSha.slice(0, 12)}, but the run ran on ${run.head_sha.slice(0, 12)}`,
    );
  if (
    run.pull_requests.length &&
    !run.pull_requests.some((pr) => pr.number === request.pullRequest)
  )
    refuse(
      `the run belongs to pull request(s) ${run.pull_requests.map((pr) => `#${pr.number}`).join(', ')}`,
    );
  const pr = await reader.headOf(request.pullRequest);
  if (!pr) refuse(`${repository} has no such pull request`);
  if (pr!.baseRepository.toLowerCase() !== repository.toLowerCase())
    refuse(`it is a pull request of ${pr!.baseRepository}, not of ${repository}`);
  if (pr!.headSha !== run.head_sha)
    refuse(
      `its head is ${pr!.headSha.slice(0, 12)}, not ${run.head_sha.slice(0, 12)}, the commit the run ran on (a newer push will post its own comment)`,
    );
}
