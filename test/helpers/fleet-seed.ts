/**
 * A fleet's history seeded into the GitHub stand-in without HTTP: promotions as promote-model
 * records them (deployments of task `model:<name>` with its payload and statuses), production
 * Releases with the manifest, metrics report and data profile, and monitor issues with the body
 * monitor-model writes (produced by monitor-model's own code against the in-memory GitHub, then
 * copied in). For the publish-registry bundle test and the fleet benchmark.
 */
import { syncMonitorIssue } from '../../shared/monitor/monitor-issue.js';
import type { MonitorStatus } from '../../shared/monitor/monitor-report.js';
import { DEPLOYMENT_PAYLOAD_FORMAT } from '../../shared/registry/github-registry.js';
import type { StandInRepository } from '../../harness/stand-ins/github-repository.js';
import { FakeGitHub } from '../fakes/github-port.js';
import { validManifest } from '../shared/manifest-template.js';
import { MINIMAL_PROFILE } from './minimal-profile.js';
import { recordingRunner } from './recording-runner.js';

/** The log of what is read; nothing here asserts on it. */
const silent = recordingRunner();

export const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000);

export interface SeededPromotion {
  model: string;
  environment: string;
  version: string;
  at: Date;
  /** The latest status: `success` (default), `failure`, or `retired` (inactive, by the suite). */
  outcome?: 'success' | 'failure';
  creator?: string;
  /** Payload fields beyond the ones every promotion has (owner, approvals, rollback, ...). */
  extra?: Record<string, unknown>;
  commit?: string;
}

/** The payload promote-model writes, with the metrics the gates judged. */
export function promotionPayload(
  model: string,
  version: string,
  extra: Record<string, unknown> = {},
) {
  return {
    format: DEPLOYMENT_PAYLOAD_FORMAT,
    model,
    version,
    fingerprint: `${version}`.padEnd(64, '0').slice(0, 64),
    metricsDigest: 'sha256:seeded',
    metrics: { accuracy: 0.8 + (version.length % 10) / 100, roc_auc: 0.85 },
    ...extra,
  };
}

export function seedPromotion(repository: StandInRepository, promotion: SeededPromotion): number {
  return repository.addDeployment({
    sha: promotion.commit ?? 'c0ffee'.padEnd(40, '0'),
    task: `model:${promotion.model}`,
    environment: promotion.environment,
    payload: promotionPayload(promotion.model, promotion.version, promotion.extra),
    description: `Promote ${promotion.model} ${promotion.version}`,
    creator: promotion.creator ?? 'github-actions[bot]',
    createdAt: promotion.at,
    productionEnvironment: true,
    statuses: [
      { state: 'in_progress', createdAt: promotion.at },
      {
        state: promotion.outcome ?? 'success',
        description: promotion.outcome === 'failure' ? 'gates failed: accuracy fell' : 'promoted',
        createdAt: promotion.at,
      },
    ],
  });
}

/** The Release promote-model publishes for a production version: its manifest, metrics report and profile. */
export function seedRelease(
  repository: StandInRepository,
  model: string,
  version: string,
  at: Date,
  details: { dataSha256?: string; configValues?: Record<string, string> } = {},
): void {
  const manifest = validManifest();
  repository.addRelease({
    tag: `${model}@${version}`,
    name: `${model} ${version}`,
    createdAt: at,
    assets: [
      {
        name: 'model-manifest.json',
        contentType: 'application/json',
        bytes: JSON.stringify({
          ...manifest,
          model: { name: model, version },
          config: { ...manifest.config, values: details.configValues ?? { 'model.depth': '6' } },
          training: { startedAt: at.toISOString(), durationSeconds: 42 },
        }),
      },
      {
        name: 'metrics.json',
        contentType: 'application/json',
        bytes: JSON.stringify({
          format: 'mlops-actions/metrics-report@1',
          model,
          version,
          task: 'binary',
          evaluation: {
            predictions: 'predictions.csv',
            predictionsSha256: 'p'.repeat(64),
            dataSha256: details.dataSha256 ?? 'e'.repeat(64),
            rows: 1000,
          },
          metrics: {
            accuracy: { value: 0.81, ci: [0.78, 0.84], n: 1000 },
            roc_auc: { value: 0.85, ci: [0.82, 0.88], n: 1000 },
          },
          slices: { 'plan=basic': { accuracy: { value: 0.77, ci: [0.7, 0.83] } } },
        }),
      },
      { name: 'data-profile.json', contentType: 'application/json', bytes: MINIMAL_PROFILE },
      {
        name: 'MODEL_CARD.md',
        contentType: 'text/markdown',
        bytes: `# Model card: ${model} ${version}\n`,
      },
    ],
  });
}

/**
 * The monitor issue of a model in an environment, its body written by monitor-model's own code
 * (syncMonitorIssue, in memory), then seeded with the label and state that code gave it.
 */
export async function seedMonitorIssue(
  repository: StandInRepository,
  model: string,
  environment: string,
  status: MonitorStatus,
  at: Date,
): Promise<void> {
  const memory = new FakeGitHub();
  memory.setClock(at);
  await syncMonitorIssue(memory.port(), {
    model,
    environment,
    unhealthy: status !== 'healthy',
    mode: 'on-failure',
    title: `Model ${model} in ${environment}: ${status}`,
    entry: { status, driftShare: status === 'drifting' ? 0.4 : 0.05 },
    renderBody: () => `${model} in ${environment} is ${status}.`,
    labels: ['model-monitoring'],
    closingComment: 'healthy again',
    now: at,
    log: silent,
  });
  const written = memory.issues[0]!;
  repository.seedIssue({
    title: written.title,
    body: written.body,
    labels: written.labels,
    login: 'github-actions[bot]',
    state: written.state,
    createdAt: at,
  });
}
