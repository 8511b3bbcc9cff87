/**
 * GitHub as the model registry. The model in an environment is the newest deployment of task
 * `model:<name>` to that environment whose latest status is success; its payload says which
 * version, fingerprint and metrics it is. Deployments that GitHub creates for a job declaring
 * `environment:` have task `deploy`, so they never count as models.
 *
 * Promotions are recorded with `auto_merge: false` (GitHub would otherwise merge the default
 * branch into the ref instead of deploying) and an explicit empty `required_contexts` (the
 * gates are checked by the action; omitting the field requires every commit status to pass).
 */
import { z } from 'zod';
import { UserError } from '../action/errors.js';
import type { Logger } from '../action/runner.js';
import type { RunContext } from '../action/context.js';
import { parseRepository, statusOf } from '../github/client.js';
import type { GitHubConnector, GitHubPort } from '../github/port.js';
import { identifier, modelTask } from '../identifiers.js';
import { runtimeSummarySchema } from '../lineage/runtime.js';
import { approvalSchema } from './approvals.js';

export const DEPLOYMENT_PAYLOAD_FORMAT = 'mlops-actions/deployment@1';
/** GitHub rejects longer deployment status descriptions (422). */
const STATUS_DESCRIPTION_LIMIT = 140;

export { modelTask };

/**
 * A payload is read back from GitHub, where anyone who may create deployments could have
 * written it; its identifiers become outputs (`previous-version`, `baseline-version`), so a
 * payload whose identifiers are not in their alphabets is not ours and is skipped.
 */
const deploymentPayloadSchema = z.object({
  format: z.literal(DEPLOYMENT_PAYLOAD_FORMAT),
  model: identifier('model name'),
  version: identifier('model version'),
  fingerprint: z.string(),
  metricsDigest: z.string(),
  /** The metric values the gates judged, so that the next promotion can compare with them. */
  metrics: z.record(z.string(), z.number()),
  /** The evaluation data the metrics come from (hash of the true labels), for like-for-like comparisons. */
  dataSha256: z.string().optional(),
  artifact: identifier('artifact name').optional(),
  /**
   * Where the full metrics report (with confidence intervals and slices) lives: the API URL of a
   * release asset of this repository. compare-metrics reads it for its baseline when present.
   */
  metricsUrl: z.string().optional(),
  /** sha256 of the training config (the lineage manifest's config.sha256), shown in the comment's lineage. */
  configSha256: z.string().optional(),
  /** What the model was trained on, in short (lineage/runtime.ts); a malformed one is dropped, not the payload. */
  runtime: runtimeSummarySchema.optional().catch(undefined),
  runUrl: z.string().optional(),
  overrideReason: z.string().optional(),
  /** sha256 of the comparison the gates made against the model in the environment before. */
  comparisonDigest: z.string().optional(),
  /** The Release `<model>@<version>` that keeps the model (production promotions and rollbacks). */
  release: identifier('release tag').optional(),
  /** The environment reviewers who approved the job that recorded this promotion. */
  approvals: z.array(approvalSchema).optional(),
  /** The comparison the reviewers approved (promote-model's approved-digest), found unchanged. */
  approval: z
    .object({ digest: z.string(), by: z.array(z.string()), at: z.string() })
    .optional()
    .catch(undefined),
  /** Set when an earlier version was restored: the version it replaced and why. */
  rollback: z
    .object({ from: identifier('model version').optional(), reason: z.string() })
    .optional(),
});

export type DeploymentPayload = z.output<typeof deploymentPayloadSchema>;

export interface DeployedModel {
  deploymentId: number;
  environment: string;
  sha: string;
  createdAt: string;
  creator?: string;
  payload: DeploymentPayload;
}

/** Deployment payloads come back as an object or as a JSON string, depending on how they were sent. */
function parsePayload(raw: unknown): DeploymentPayload | undefined {
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const parsed = deploymentPayloadSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The models that were in `environment`, newest first: deployments of the model's task whose
 * latest status is success. Deployments of the task whose payload is not ours are skipped, not
 * trusted. Lazy, so that finding the current model reads as little as it can.
 */
export async function* modelsInEnvironment(
  registry: Registry,
  model: string,
  environment: string,
): AsyncGenerator<DeployedModel> {
  for await (const deployment of registry.listDeployments({
    task: modelTask(model),
    environment,
  })) {
    const latest = await registry.latestDeploymentStatus(deployment.id);
    if (latest?.state !== 'success') continue;
    const payload = parsePayload(deployment.payload);
    if (!payload || payload.model !== model) continue;
    yield {
      deploymentId: deployment.id,
      environment,
      sha: deployment.sha,
      createdAt: deployment.createdAt,
      creator: deployment.creator,
      payload,
    };
  }
}

/** The model in `environment` now, and the version before it (a re-run needs both). */
export async function currentAndPrevious(
  registry: Registry,
  model: string,
  environment: string,
): Promise<{ current?: DeployedModel; previous?: DeployedModel }> {
  let current: DeployedModel | undefined;
  for await (const deployed of modelsInEnvironment(registry, model, environment)) {
    if (!current) current = deployed;
    else if (deployed.payload.version !== current.payload.version)
      return { current, previous: deployed };
  }
  return { current };
}

export interface NewDeployment {
  model: string;
  environment: string;
  /** The exact commit the model was trained from. */
  sha: string;
  payload: DeploymentPayload;
  description: string;
}

export async function createModelDeployment(
  registry: Registry,
  deployment: NewDeployment,
): Promise<number> {
  try {
    const created = await registry.createDeployment({
      ref: deployment.sha,
      task: modelTask(deployment.model),
      environment: deployment.environment,
      payload: deployment.payload,
      description: shorten(deployment.description),
      productionEnvironment: deployment.environment === 'production',
    });
    return created.id;
  } catch (error) {
    if (statusOf(error) === 409) {
      throw new UserError(
        `GitHub refused to create the deployment of ${deployment.model} to ${deployment.environment} (409 Conflict: ${(error as Error).message}). Nothing was recorded.`,
      );
    }
    if (statusOf(error) === 403 || statusOf(error) === 404) {
      throw new UserError(
        `GitHub refused to create the deployment (${statusOf(error)}): ${(error as Error).message}. The job needs "permissions: deployments: write". Nothing was recorded.`,
      );
    }
    throw error;
  }
}

export async function setDeploymentState(
  registry: Registry,
  deploymentId: number,
  state: 'in_progress' | 'success' | 'failure' | 'error',
  details: { description: string; logUrl?: string; environmentUrl?: string },
): Promise<void> {
  await registry.createDeploymentStatus(deploymentId, {
    state,
    description: shorten(details.description),
    logUrl: details.logUrl,
    environmentUrl: details.environmentUrl,
  });
}

/**
 * Records a failure on a deployment whose promotion could not finish, so that it never counts
 * as the model in the environment. Best effort: the original error is what the user must see.
 */
export async function markDeploymentFailed(
  registry: Registry,
  deploymentId: number,
  reason: string,
  log: Logger,
  logUrl?: string,
): Promise<void> {
  try {
    await setDeploymentState(registry, deploymentId, 'failure', { description: reason, logUrl });
  } catch (error) {
    log.warning(
      `Could not mark deployment ${deploymentId} as failed (${(error as Error).message}); its latest status is not success, so it does not count as the model in the environment.`,
    );
  }
}

function shorten(text: string): string {
  return text.length > STATUS_DESCRIPTION_LIMIT
    ? `${text.slice(0, STATUS_DESCRIPTION_LIMIT - 1)}…`
    : text;
}

/** The registry is the repository on GitHub: its deployments and releases, through the port. */
export type Registry = GitHubPort;

/** The registry of this repository, or undefined where there is none (no token or repository: a laptop). */
export async function openRegistry(
  token: string | undefined,
  context: RunContext,
  log: Logger,
  connect: GitHubConnector,
): Promise<Registry | undefined> {
  const repository = parseRepository(context.repository);
  if (!token || !repository) {
    log.info(
      'No GitHub token or repository here (not a GitHub runner), so nothing is read from or recorded in the registry.',
    );
    return undefined;
  }
  return connect(token, repository, log);
}
