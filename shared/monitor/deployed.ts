/**
 * The model monitor-model watches, as the registry recorded it: its version and the metrics it
 * was promoted with (the baseline the window's performance is judged against), and, read only
 * when no `reference` file is given, the training data profile published with it.
 */
import type { StepEnvironment } from '../action/context.js';
import { join } from 'node:path';
import { runArtifacts } from '../artifacts/model-artifact.js';
import { currentAndPrevious, type Registry } from '../registry/github-registry.js';
import { referenceProfile } from '../registry/reference-profile.js';
import type { DeployedReference } from './monitor.js';

export async function deployedReference(args: {
  registry: Registry;
  model: string;
  environment: string;
  token: string;
  step: StepEnvironment;
}): Promise<DeployedReference | undefined> {
  const { registry, model, environment } = args;
  const { current } = await currentAndPrevious(registry, model, environment);
  if (!current) return undefined;
  const artifacts = runArtifacts({
    token: args.token,
    repository: registry.repository,
    tempDir: join(args.step.tempDir, 'mlops-actions', 'monitor-model', 'reference'),
  });
  return {
    version: current.payload.version,
    deploymentId: current.deploymentId,
    since: current.createdAt,
    metrics: current.payload.metrics,
    profile: async () =>
      (await referenceProfile({ registry, artifacts, model, environment })).profile,
  };
}
