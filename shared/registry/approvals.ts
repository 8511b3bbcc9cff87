/**
 * Who approved a promotion. The approval itself is GitHub's: a job that declares
 * `environment: production` waits until one of the environment's required reviewers approves.
 * The action only reads the run's review log and records it in the deployment and the release,
 * so the audit trail names the people who let the model through.
 */
import { z } from 'zod';
import type { Logger } from '../action/runner.js';
import { statusOf } from '../github/client.js';
import type { GitHubPort } from '../github/port.js';

export const approvalSchema = z.object({
  login: z.string(),
  state: z.enum(['approved', 'rejected', 'pending']),
  comment: z.string().optional(),
});

export type Approval = z.output<typeof approvalSchema>;

/** The reviews of this run that concern `environment`, oldest first; empty when the log cannot be read. */
export async function readApprovals(
  registry: GitHubPort,
  runId: string | undefined,
  environment: string,
  log: Logger,
): Promise<Approval[]> {
  if (!runId) return [];
  try {
    const reviews = await registry.listRunApprovals(Number(runId));
    return reviews
      .filter((review) => review.environments.includes(environment))
      .map((review) => ({
        login: review.login,
        state: approvalSchema.shape.state.catch('pending').parse(review.state),
        ...(review.comment ? { comment: review.comment } : {}),
      }));
  } catch (error) {
    const status = statusOf(error);
    if (status !== 403 && status !== 404) throw error;
    log.warning(
      `Could not read who approved this run's deployment to ${environment} (${status}); the job needs "permissions: actions: read". The promotion is recorded without its approvers.`,
    );
    return [];
  }
}

/** "alice, bob (“ship it”)" for logs, release notes and the summary. */
export function describeApprovals(approvals: readonly Approval[]): string {
  const approved = approvals.filter((a) => a.state === 'approved');
  if (!approved.length)
    return 'no recorded approval (the environment has no required reviewers, or the review log could not be read)';
  return approved.map((a) => `${a.login}${a.comment ? ` (“${a.comment}”)` : ''}`).join(', ');
}
