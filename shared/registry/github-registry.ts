/**
 * GitHub as the model registry. The model in an environment is the newest deployment of task
 * `model:<name>` to that environment whose latest status is success (or that succeeded and only
 * GitHub's own `auto_inactive` rule marked inactive since); its payload says which
 * version, fingerprint and metrics it is. Deployments that GitHub creates for a job declaring
 * `environment:` have task `deploy`, so they never count as models.
 *
 * Promotions are recorded with `auto_merge: false` (GitHub would otherwise merge the default
 * branch into the ref instead of deploying) and an explicit empty `required_contexts` (the
 * gates are checked by the action; omitting the field requires every commit status to pass),
 * and marked `production_environment` in every environment, so that GitHub's `auto_inactive`
 * rule never retires them (see createModelDeployment and holdsEnvironment).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { UserError } from '../action/errors.js';
import type { Logger } from '../action/runner.js';
import type { RunContext } from '../action/context.js';
import { parseRepository, statusOf } from '../github/client.js';
import type { DeploymentStatusSummary, GitHubConnector, GitHubPort } from '../github/port.js';
import { identifier, modelTask } from '../identifiers.js';
import { MAX_OWNER_HANDLES, ownerHandleSchema } from '../lineage/owner.js';
import { runtimeSummarySchema } from '../lineage/runtime.js';
import { approvalSchema } from './approvals.js';
import { fairnessRecordSchema } from './fairness-record.js';

export const DEPLOYMENT_PAYLOAD_FORMAT = 'mlops-actions/deployment@1';
/** GitHub rejects longer deployment status descriptions (422). */
const STATUS_DESCRIPTION_LIMIT = 140;

export { modelTask };

/**
 * Where the training data profile of a promotion lives, the reference monitor-model measures
 * drift against (shared/registry/reference-profile.ts reads it back): the Release asset
 * `data-profile.json` (production, and rollbacks whose Release has one), kept as long as the
 * Release; or else a workflow artifact of the promoting run, kept as long as the repository's
 * artifact retention. `sha256` is of the profile file's bytes.
 */
const profileReferenceSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The API URL of the Release asset. */
  asset: z.string().optional(),
  /** The workflow artifact `profile-<model>-<version>` holding `data-profile.json`. */
  artifact: z
    .object({
      name: identifier('artifact name'),
      id: z.number().int().positive(),
      runId: z.number().int().positive(),
    })
    .optional(),
});

export type ProfileReference = z.output<typeof profileReferenceSchema>;

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
  /** The gates' verdict on this promotion, for the fleet view; absent from earlier payloads. */
  verdict: z.enum(['pass', 'warn', 'fail', 'inconclusive']).optional().catch(undefined),
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
  /**
   * Who owns the model (the manifest's owner.handles), for the fleet view. Each handle is
   * checked against its alphabet (lineage/owner.ts): a list with one that is not is dropped,
   * not the payload.
   */
  owner: z.array(ownerHandleSchema).min(1).max(MAX_OWNER_HANDLES).optional().catch(undefined),
  /** The training data profile, the drift reference; a malformed one is dropped, not the payload. */
  profile: profileReferenceSchema.optional().catch(undefined),
  /**
   * The bias check the promotion recorded (fairness-record.ts: attributes, evaluation data
   * fingerprint, each measure with its interval, the rules applied); absent: never checked. A
   * malformed one is dropped, not the payload.
   */
  fairness: fairnessRecordSchema.optional().catch(undefined),
  runUrl: z.string().optional(),
  overrideReason: z.string().optional(),
  /** A one-time id of the promotion, by which a create that GitHub answered 5xx is found again. */
  promotionId: z.string().optional(),
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

/**
 * A payload read back from GitHub, or undefined when it is not ours. Payloads come back as an
 * object or as a JSON string, depending on how they were sent.
 */
export function parsePayload(raw: unknown): DeploymentPayload | undefined {
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

/** The deployments the registry judges at once: one listing page, one status query. */
const BATCH = 100;

/**
 * Marks an `inactive` status the suite itself would set (to retire a model on purpose); one
 * without it was set by GitHub's `auto_inactive` rule, which the suite does not follow.
 */
export const RETIRED_BY_SUITE = 'mlops-actions: retired';

/**
 * Whether a deployment holds its environment's model: its latest status is success, or it
 * succeeded and GitHub alone marked it inactive since. GitHub's `auto_inactive` rule adds an
 * `inactive` status to earlier successful deployments to the same environment name when a
 * later status succeeds (for deployments not marked `production_environment`), e.g. after any
 * job that declares `environment: staging`: that says nothing about which model is there.
 */
export function holdsEnvironment(statuses: DeploymentStatusSummary | undefined): boolean {
  const latest = statuses?.latest;
  if (latest?.state === 'success') return true;
  return (
    latest?.state === 'inactive' &&
    !latest.description.startsWith(RETIRED_BY_SUITE) &&
    statuses!.states.includes('success') &&
    !statuses!.states.some((state) => state === 'failure' || state === 'error')
  );
}

/**
 * The models that were in `environment`, newest first: deployments of the model's task that
 * hold the environment (see holdsEnvironment). Deployments of the task whose payload is not ours
 * are skipped, not trusted. Lazy and batched: each 100 deployments cost one listing page and
 * one status query, however many of them failed.
 */
export async function* modelsInEnvironment(
  registry: Registry,
  model: string,
  environment: string,
): AsyncGenerator<DeployedModel> {
  for await (const batch of batches(
    registry.listDeployments({ task: modelTask(model), environment }),
    BATCH,
  )) {
    const statuses = await registry.deploymentStatuses(batch);
    for (const deployment of batch) {
      if (!holdsEnvironment(statuses.get(deployment.id))) continue;
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
}

/**
 * Groups a lazy listing into batches without reading ahead: a batch is handed over as soon as it
 * is full or the listing ends, so a consumer that stops early never fetches the next page.
 */
async function* batches<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
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

/** How often a deployment is created again after GitHub answered 5xx and none was found. */
const CREATE_ATTEMPTS = 3;

/**
 * Records a promotion as a deployment, exactly once. Every model deployment is marked
 * `production_environment`, whatever the environment's name: GitHub's `auto_inactive` rule
 * retires only non-production deployments, so a later job declaring `environment: staging`
 * cannot take staging's model away. A 5xx may come after GitHub created the deployment, so
 * each deployment carries a one-time `promotionId` and, after a 5xx, the deployments of the
 * commit are looked up before trying again: no orphan deployment is left behind.
 */
export async function createModelDeployment(
  registry: Registry,
  deployment: NewDeployment,
  log?: Logger,
): Promise<number> {
  const promotionId = randomUUID();
  const request = {
    ref: deployment.sha,
    task: modelTask(deployment.model),
    environment: deployment.environment,
    payload: { ...deployment.payload, promotionId },
    description: shorten(deployment.description),
    productionEnvironment: true,
  };
  for (let attempt = 1; ; attempt++) {
    try {
      return (await registry.createDeployment(request, { retries: 0 })).id;
    } catch (error) {
      const status = statusOf(error) ?? 0;
      if (status < 500 || attempt >= CREATE_ATTEMPTS) throw refusal(error, deployment);
      log?.warning(
        `GitHub answered ${status} while creating the deployment of ${deployment.model} to ${deployment.environment}; checking whether it was created before trying again.`,
      );
      const created = await findByPromotionId(registry, request, promotionId);
      if (created) return created;
    }
  }
}

/** The deployment a create that answered 5xx made after all, found by its one-time id. */
async function findByPromotionId(
  registry: Registry,
  request: { ref: string; task: string; environment: string },
  promotionId: string,
): Promise<number | undefined> {
  for await (const existing of registry.listDeployments({
    task: request.task,
    environment: request.environment,
    sha: request.ref,
  })) {
    const payload = existing.payload;
    const parsed = typeof payload === 'string' ? safeJson(payload) : payload;
    if ((parsed as { promotionId?: unknown } | undefined)?.promotionId === promotionId)
      return existing.id;
  }
  return undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function refusal(error: unknown, deployment: NewDeployment): unknown {
  if (statusOf(error) === 409) {
    return new UserError(
      `GitHub refused to create the deployment of ${deployment.model} to ${deployment.environment} (409 Conflict: ${(error as Error).message}). Nothing was recorded.`,
    );
  }
  if (statusOf(error) === 403 || statusOf(error) === 404) {
    return new UserError(
      `GitHub refused to create the deployment (${statusOf(error)}): ${(error as Error).message}. The job needs "permissions: deployments: write". Nothing was recorded.`,
    );
  }
  return error;
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
