/**
 * Recording a promotion in the registry: a deployment on the exact commit, marked in progress,
 * then success; anything that fails after the deployment exists marks it failed, so that a
 * half-done promotion never counts as the model in the environment.
 */
import { UserError } from '../action/errors.js';
import type { Logger } from '../action/runner.js';
import { createModelDeployment, markDeploymentFailed, setDeploymentState, type DeploymentPayload, type Registry } from './github-registry.js';

export async function recordPromotion(registry: Registry, promotion: { environment: string; sha: string | undefined; payload: DeploymentPayload; logUrl?: string; log: Logger }): Promise<number> {
  const { client, repository } = registry;
  const { payload } = promotion;
  if (!promotion.sha || !/^[0-9a-f]{40}$/.test(promotion.sha)) {
    throw new UserError(`The manifest records no commit SHA for ${payload.model} ${payload.version} (got ${JSON.stringify(promotion.sha ?? null)}), and a deployment must name the exact commit. Train the model in a workflow run of this repository.`);
  }
  const description = `${payload.model} ${payload.version}${payload.overrideReason ? ' (gates overridden)' : ''}`;
  const id = await createModelDeployment(client, repository, { model: payload.model, environment: promotion.environment, sha: promotion.sha, payload, description });
  try {
    await setDeploymentState(client, repository, id, 'in_progress', { description: `Promoting ${description}`, logUrl: promotion.logUrl });
    await setDeploymentState(client, repository, id, 'success', { description: `Promoted ${description}`, logUrl: promotion.logUrl });
  } catch (error) {
    await markDeploymentFailed(client, repository, id, `Promotion of ${description} did not finish`, promotion.log, promotion.logUrl);
    throw error;
  }
  return id;
}
