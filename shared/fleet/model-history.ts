/**
 * A repository's model deployments, read once, as the fleet sees them: per model and environment
 * the timeline (promotions, rollbacks, failed promotions, retirements) and the version there now;
 * per model every version ever promoted. Pure: the deployments and their statuses come in, the
 * fleet's environments and versions go out, judged by the same rule as compare-metrics and
 * promote-model (holdsEnvironment): a deployment holds its environment while its latest status is
 * success, or it succeeded and only GitHub's own auto_inactive rule marked it inactive since.
 */
import type { Deployment, DeploymentStatusSummary } from '../github/port.js';
import { isIdentifier } from '../identifiers.js';
import {
  holdsEnvironment,
  parsePayload,
  RETIRED_BY_SUITE,
  type DeploymentPayload,
} from '../registry/github-registry.js';
import { biasCheckOf } from '../registry/fairness-record.js';
import type { FleetEnvironment, FleetVersion, TimelineEvent } from './fleet-document.js';
import { DAY_MS } from './flags.js';

const MODEL_TASK = /^model:(.+)$/;

/** A deployment of ours: its task names a model, its payload is ours and names the same model. */
export interface ModelDeployment {
  deployment: Deployment;
  payload: DeploymentPayload;
  statuses: DeploymentStatusSummary | undefined;
}

/**
 * The deployments whose task is `model:<identifier>` and whose payload is ours for that model;
 * anything else (GitHub's `deploy` deployments of jobs, tasks anyone with deployment access could
 * have named, payloads that are not ours) is left out.
 */
export function modelDeployments(
  deployments: readonly Deployment[],
  statuses: ReadonlyMap<number, DeploymentStatusSummary>,
): Map<string, ModelDeployment[]> {
  const byModel = new Map<string, ModelDeployment[]>();
  for (const deployment of deployments) {
    const model = MODEL_TASK.exec(deployment.task)?.[1];
    if (!isIdentifier('model name', model)) continue;
    if (!isIdentifier('environment name', deployment.environment)) continue;
    const payload = parsePayload(deployment.payload);
    if (!payload || payload.model !== model) continue;
    const list = byModel.get(model) ?? [];
    list.push({ deployment, payload, statuses: statuses.get(deployment.id) });
    byModel.set(model, list);
  }
  return byModel;
}

/** What a deployment was, from its latest status; undefined while it is still under way. */
function eventKind(
  statuses: DeploymentStatusSummary | undefined,
): TimelineEvent['kind'] | 'holds' | undefined {
  if (holdsEnvironment(statuses)) return 'holds';
  const latest = statuses?.latest;
  if (!latest) return undefined;
  if (latest.state === 'failure' || latest.state === 'error') return 'failed';
  if (latest.state === 'inactive')
    return latest.description.startsWith(RETIRED_BY_SUITE) ? 'retired' : 'failed';
  return undefined;
}

function timelineEvent(entry: ModelDeployment, kind: TimelineEvent['kind']): TimelineEvent {
  const { deployment, payload } = entry;
  return {
    kind,
    version: payload.version,
    at: deployment.createdAt,
    deploymentId: deployment.id,
    ...(deployment.creator ? { by: deployment.creator } : {}),
    approvedBy: approvers(payload),
    ...(payload.overrideReason ? { overrideReason: payload.overrideReason } : {}),
    ...(payload.rollback ? { rollback: payload.rollback } : {}),
    ...(payload.runUrl ? { runUrl: payload.runUrl } : {}),
    ...(kind === 'failed' || kind === 'retired'
      ? { status: entry.statuses?.latest?.description ?? '' }
      : {}),
  };
}

/** The reviewers who approved, from GitHub's review log, or the bound approval. */
function approvers(payload: DeploymentPayload): string[] {
  const approved = (payload.approvals ?? [])
    .filter((approval) => approval.state === 'approved')
    .map((approval) => approval.login);
  return [...new Set(approved.length ? approved : (payload.approval?.by ?? []))];
}

/**
 * The model's environments, sorted by name: each with its timeline (newest first) and the
 * version there now. `entries` are newest first, as GitHub lists deployments.
 */
export function environmentsOf(entries: readonly ModelDeployment[], now: Date): FleetEnvironment[] {
  const byEnvironment = new Map<string, ModelDeployment[]>();
  for (const entry of entries) {
    const list = byEnvironment.get(entry.deployment.environment) ?? [];
    list.push(entry);
    byEnvironment.set(entry.deployment.environment, list);
  }
  return [...byEnvironment.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, list]) => {
      const timeline: TimelineEvent[] = [];
      let current: FleetEnvironment['current'];
      for (const entry of newestFirst(list)) {
        const kind = eventKind(entry.statuses);
        if (!kind) continue;
        if (kind !== 'holds') {
          timeline.push(timelineEvent(entry, kind));
          continue;
        }
        const event = timelineEvent(entry, entry.payload.rollback ? 'rollback' : 'promotion');
        timeline.push(event);
        current ??= {
          version: event.version,
          deploymentId: event.deploymentId,
          promotedAt: event.at,
          ...(event.by ? { promotedBy: event.by } : {}),
          approvedBy: event.approvedBy,
          ...(event.overrideReason ? { overrideReason: event.overrideReason } : {}),
          ...(event.rollback ? { rollback: event.rollback } : {}),
          ageDays: wholeDays(now.getTime() - Date.parse(event.at)),
        };
      }
      return { name, ...(current ? { current } : {}), flags: [], reasons: {}, timeline };
    });
}

/** GitHub lists deployments newest first; sorted again so that a merged or seeded list is too. */
function newestFirst(list: readonly ModelDeployment[]): ModelDeployment[] {
  return [...list].sort(
    (a, b) =>
      Date.parse(b.deployment.createdAt) - Date.parse(a.deployment.createdAt) ||
      b.deployment.id - a.deployment.id,
  );
}

const wholeDays = (ms: number) => Math.max(0, Math.floor(ms / DAY_MS));

/**
 * Every version that held an environment, newest first, with the evidence its latest promotion
 * recorded. Versions whose every promotion failed are left out: they never were the model.
 */
export function versionsOf(entries: readonly ModelDeployment[]): FleetVersion[] {
  const byVersion = new Map<string, ModelDeployment[]>();
  for (const entry of newestFirst(entries)) {
    if (eventKind(entry.statuses) !== 'holds') continue;
    const list = byVersion.get(entry.payload.version) ?? [];
    list.push(entry);
    byVersion.set(entry.payload.version, list);
  }
  return [...byVersion.values()].map((list) => {
    const latest = list[0]!;
    const oldestFirst = [...list].reverse();
    const { payload } = latest;
    // The approval may be on an earlier promotion of the version (a rollback to it needs none).
    const approval = list.find((entry) => entry.payload.approval)?.payload.approval;
    return {
      version: payload.version,
      fingerprint: payload.fingerprint,
      commit: latest.deployment.sha,
      environments: [...new Set(oldestFirst.map((entry) => entry.deployment.environment))],
      firstPromotedAt: oldestFirst[0]!.deployment.createdAt,
      metrics: Object.fromEntries(
        Object.entries(payload.metrics).map(([name, value]) => [name, { value }]),
      ),
      ...(payload.verdict ? { verdict: payload.verdict } : {}),
      ...(payload.runUrl ? { runUrl: payload.runUrl } : {}),
      ...(payload.release ? { release: { tag: payload.release } } : {}),
      ...(approval ? { approval } : {}),
      ...(payload.comparisonDigest ? { comparisonDigest: payload.comparisonDigest } : {}),
      ...(payload.overrideReason ? { overrideReason: payload.overrideReason } : {}),
      ...(payload.fairness ? { fairness: biasCheckOf(payload.fairness) } : {}),
      lineage: payloadLineage(payload),
    };
  });
}

/** What the payload alone says of a version's lineage (the Release's files say more). */
function payloadLineage(payload: DeploymentPayload): FleetVersion['lineage'] {
  const runtime = payload.runtime;
  return {
    source: 'payload',
    missing: payload.release
      ? `the files of Release ${payload.release} were not read`
      : 'no Release: this version was never promoted to production, so its manifest, metrics report and data profile lived only in workflow artifacts',
    data: [],
    lockFiles: [],
    slices: {},
    ...(payload.configSha256 ? { config: { sha256: payload.configSha256 } } : {}),
    ...(runtime
      ? {
          runtime: {
            ...(runtime.python ? { python: runtime.python } : {}),
            ...(runtime.r ? { r: runtime.r } : {}),
            ...(runtime.image ? { image: runtime.image } : {}),
            ...(runtime.os ? { os: runtime.os } : {}),
            packages: [],
            ...(runtime.packages ? { packagesCount: runtime.packages.count } : {}),
          },
        }
      : {}),
    ...(payload.dataSha256 ? { evaluation: { dataSha256: payload.dataSha256 } } : {}),
  };
}
