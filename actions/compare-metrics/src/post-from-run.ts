/**
 * The posting mode of compare-metrics, for a workflow triggered by workflow_run: it downloads
 * the comment artifact a pull request's run could not post (a fork's read-only token), checks
 * it against the triggering run, and posts it as the sticky comment. It never checks out or
 * runs anything from the pull request.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createStepDir, type StepEnvironment } from '../../../shared/action/context.js';
import { downloadArtifactIfPresent } from '../../../shared/artifacts/model-artifact.js';
import { UserError } from '../../../shared/action/errors.js';
import type { Runner } from '../../../shared/action/runner.js';
import {
  commentArtifactName,
  readCommentRequest,
  triggeringRun,
  verifyPullRequest,
} from '../../../shared/comparison/fork-comment.js';
import { postSection, renderSection } from '../../../shared/comparison/post.js';
import { writeFile } from 'node:fs/promises';
import { parseRepository } from '../../../shared/github/client.js';
import type { Inputs } from './inputs.js';
import { OUTPUTS } from './outputs.js';

export async function postFromRun(
  input: Inputs,
  step: StepEnvironment,
  runner: Runner,
  set: (name: (typeof OUTPUTS)[number], value: string | boolean) => void,
): Promise<void> {
  const model = input['model-name'];
  const context = step.context();
  const run = triggeringRun(
    JSON.parse(readFileSync(step.env.GITHUB_EVENT_PATH ?? '', 'utf8')),
    context.eventName,
  );
  if (String(run.id) !== input['comment-from-run']) {
    throw new UserError(
      `"comment-from-run" is ${input['comment-from-run']}, but this workflow was triggered by run ${run.id}. Pass \${{ github.event.workflow_run.id }}: the pull request is checked against the triggering run.`,
    );
  }
  const repository = parseRepository(context.repository);
  if (!repository)
    throw new UserError(
      'GITHUB_REPOSITORY is not set; "comment-from-run" only works on a GitHub runner.',
    );
  const nothingPosted = () => {
    for (const name of OUTPUTS) set(name, '');
  };
  if (!/^pull_request/.test(run.event)) {
    runner.info(
      `Run ${run.id} was triggered by ${run.event}, not by a pull request; there is no comment to post.`,
    );
    return nothingPosted();
  }

  const artifact = commentArtifactName(model, run.run_attempt);
  const dir = await createStepDir(context.tempDir, 'compare-metrics', model);
  const into = join(dir, 'artifact');
  const fromRun = { runId: run.id, token: input['github-token'], repository };
  if (!(await downloadArtifactIfPresent({ name: artifact, into, log: runner, fromRun }))) {
    runner.info(
      `Run ${run.id} left no artifact ${artifact}: its comment was posted directly (or it compared no ${model}). Nothing to do.`,
    );
    return nothingPosted();
  }
  const { request, document, documentPath } = await readCommentRequest(into, artifact, model);

  const github = await step.github(input['github-token'], repository, runner);
  await verifyPullRequest(request, run, context.repository!, {
    headOf: (number) => github.getPullRequest(number),
  });

  const links = {
    serverUrl: context.serverUrl,
    repository: context.repository,
    sha: run.head_sha,
    runUrl: `${context.serverUrl}/${context.repository}/actions/runs/${run.id}`,
    postedFrom: `Posted for a pull request from a fork by a workflow_run workflow, from the artifact of run ${run.id}; the figures are as that run reported them.`,
  };
  const commentPath = join(dir, 'comment.md');
  await writeFile(commentPath, renderSection(document, links).body);
  // The modes and mentions are this workflow's own inputs: nothing in the artifact chooses them.
  const posted =
    input.comment === 'never'
      ? ({ posted: false, why: 'held-back', reason: 'comment is "never"' } as const)
      : await postSection({
          document,
          mode: input.comment,
          links: { ...links, ...(input.mention ? { mentions: input.mention } : {}) },
          token: input['github-token'],
          repository: context.repository,
          pullRequestNumber: request.pullRequest,
          eventName: 'pull_request',
          bodyFile: commentPath,
          log: runner,
          github: step.github,
        });
  if (!posted.posted && posted.why === 'held-back')
    runner.info(`Nothing posted on pull request #${request.pullRequest}: ${posted.reason}.`);
  else if (!posted.posted)
    throw new UserError(
      `The comment could not be posted on pull request #${request.pullRequest}: the token is read-only. Give the workflow "permissions: pull-requests: write".`,
    );

  set('passed', document.verdict !== 'fail');
  set('verdict', document.verdict);
  set('report', documentPath);
  set('comment-file', commentPath);
  set('baseline-version', document.baseline?.version ?? '');
  set('comment-url', posted.posted ? posted.url : '');
  set('comment-artifact', '');
  set('report-artifact', '');
}
