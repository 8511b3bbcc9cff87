/**
 * Recording a promotion in the registry: a deployment on the exact commit, marked in progress,
 * then success; anything that fails after the deployment exists marks it failed, so that a
 * half-done promotion never counts as the model in the environment.
 */
import { UserError } from '../action/errors.js';
import type { Logger } from '../action/runner.js';
import {
  createModelDeployment,
  markDeploymentFailed,
  setDeploymentState,
  type DeploymentPayload,
  type Registry,
} from './github-registry.js';

/**
 * `whileInProgress` runs after the deployment is marked in progress and before success (the
 * production release is made there); if it fails, the deployment is marked failed. The URL it
 * returns, if any, is the environment URL of the success status (the release page), in place of
 * `environmentUrl`.
 */
export async function recordPromotion(
  registry: Registry,
  promotion: {
    environment: string;
    sha: string | undefined;
    payload: DeploymentPayload;
    logUrl?: string;
    environmentUrl?: string;
    log: Logger;
    whileInProgress?: () => Promise<string | undefined | void>;
  },
): Promise<number> {
  const { payload } = promotion;
  const sha = requireCommitSha(promotion.sha, `${payload.model} ${payload.version}`);
  const description = `${payload.model} ${payload.version}${payload.rollback ? ' (rollback)' : payload.overrideReason ? ' (gates overridden)' : ''}`;
  const id = await createModelDeployment(
    registry,
    {
      model: payload.model,
      environment: promotion.environment,
      sha,
      payload,
      description,
    },
    promotion.log,
  );
  try {
    await setDeploymentState(registry, id, 'in_progress', {
      description: `Promoting ${description}`,
      logUrl: promotion.logUrl,
      environmentUrl: promotion.environmentUrl,
    });
    const publishedUrl = await promotion.whileInProgress?.();
    await setDeploymentState(registry, id, 'success', {
      description: `Promoted ${description}`,
      logUrl: promotion.logUrl,
      environmentUrl: publishedUrl || promotion.environmentUrl,
    });
  } catch (error) {
    await markDeploymentFailed(
      registry,
      id,
      `Promotion of ${description} did not finish`,
      promotion.log,
      promotion.logUrl,
    );
    throw error;
  }
  return id;
}

/** A deployment names the exact commit the model was trained from: a full SHA, nothing vaguer. */
export function requireCommitSha(sha: string | undefined, what: string): string {
  if (!sha || !/^[0-9a-f]{40}$/.test(sha)) {
    throw new UserError(
      `The manifest records no commit SHA for ${what} (got ${JSON.stringify(sha ?? null)}), and a deployment must name the exact commit. Train the model in a workflow run of this repository, or give "ref": the full SHA of the commit it was trained from.`,
    );
  }
  return sha;
}
