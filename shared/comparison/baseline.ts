/**
 * Which metrics a candidate is compared with, in order: an explicit baseline file; else the
 * model in the baseline environment (the registry); else none, and the gate policy's
 * on-missing-baseline decides. The comment says which one was used and why.
 *
 * From the registry, the full metrics report (confidence intervals, slices) is read when the
 * deployment records where it lives (`metricsUrl`, a release asset of this repository) and its
 * values match the digest the deployment recorded; otherwise the metric values in the
 * deployment payload are used. The recent models in the environment come along for the charts.
 */
import type { Logger } from '../action/runner.js';
import { canonicalJson, sha256Text } from '../files/hash.js';
import { validateStructured } from '../files/structured.js';
import { statusOf } from '../github/client.js';
import {
  loadedFromReport,
  metricsReportSchema,
  metricValues,
  type LoadedMetrics,
} from '../metrics/report.js';
import {
  modelsInEnvironment,
  modelTask,
  type DeployedModel,
  type Registry,
} from '../registry/github-registry.js';
import type { HistoryPoint } from './chart.js';
import type { BaselineSummary } from './document.js';

export type BaselineSource =
  | { kind: 'file'; path: string }
  | {
      kind: 'registry';
      environment: string;
      deployment: DeployedModel;
      report: 'fetched' | 'payload' | 'unavailable';
    }
  | { kind: 'none'; reason: string };

export interface ResolvedBaseline {
  metrics?: LoadedMetrics;
  source: BaselineSource;
  /** The models in the environment, oldest first, the current one last (empty unless read from the registry). */
  history: HistoryPoint[];
}

export async function resolveBaseline(args: {
  file?: string;
  model: string;
  environment: string;
  registry?: Registry;
  /** How many recent models of the environment to read for the charts (at least the current one is read). */
  history?: number;
  apiUrl?: string;
  log: Logger;
  loadFile: (path: string) => Promise<LoadedMetrics>;
}): Promise<ResolvedBaseline> {
  if (args.file)
    return {
      metrics: await args.loadFile(args.file),
      source: { kind: 'file', path: args.file },
      history: [],
    };
  if (!args.registry)
    return {
      source: {
        kind: 'none',
        reason:
          'no baseline file was given, and the registry cannot be read here (no GitHub token or repository)',
      },
      history: [],
    };
  const recent: DeployedModel[] = [];
  try {
    for await (const deployed of modelsInEnvironment(args.registry, args.model, args.environment)) {
      recent.push(deployed);
      if (recent.length >= Math.max(1, args.history ?? 1)) break;
    }
  } catch (error) {
    if (statusOf(error) !== 403 && statusOf(error) !== 404) throw error;
    args.log.warning(
      `Could not read the deployments of ${args.environment} (${statusOf(error)}); the job needs "permissions: deployments: read". Comparing without a baseline.`,
    );
    return {
      source: {
        kind: 'none',
        reason: `the deployments of ${args.environment} could not be read (the token lacks deployments: read)`,
      },
      history: [],
    };
  }
  const deployed = recent[0];
  if (!deployed)
    return {
      source: {
        kind: 'none',
        reason: `no model is in ${args.environment} yet (no successful deployment of task ${modelTask(args.model)})`,
      },
      history: [],
    };
  const { payload } = deployed;
  const fromPayload: LoadedMetrics = {
    source: `${args.environment} deployment ${deployed.deploymentId}`,
    model: payload.model,
    version: payload.version,
    fingerprint: payload.fingerprint,
    evaluationSha256: payload.dataSha256,
    metrics: Object.fromEntries(
      Object.entries(payload.metrics).map(([name, value]) => [name, { value }]),
    ),
  };
  let metrics = fromPayload;
  let report: 'fetched' | 'payload' | 'unavailable' = 'payload';
  if (payload.metricsUrl) {
    const fetched = await fetchRecordedReport(
      args.registry,
      deployed,
      args.apiUrl ?? 'https://api.github.com',
      args.log,
    );
    if (fetched) {
      metrics = {
        ...fetched,
        source: `${args.environment} deployment ${deployed.deploymentId} (${fetched.source})`,
      };
      report = 'fetched';
    } else report = 'unavailable';
  }
  const history = collapseRedeployments(recent)
    .reverse()
    .map((d) => ({ version: d.payload.version, metrics: d.payload.metrics }));
  return {
    metrics,
    source: { kind: 'registry', environment: args.environment, deployment: deployed, report },
    history,
  };
}

/** A model deployed again without a new version shows once in the history. */
function collapseRedeployments(newestFirst: readonly DeployedModel[]): DeployedModel[] {
  return newestFirst.filter(
    (d, i) => i === 0 || d.payload.version !== newestFirst[i - 1]!.payload.version,
  );
}

/**
 * The metrics report a deployment points at. Only a release asset of this repository, read
 * through the API with the job's token, is followed (a URL elsewhere is never sent the token),
 * and only a report whose values hash to the deployment's metricsDigest is used.
 */
async function fetchRecordedReport(
  registry: Registry,
  deployed: DeployedModel,
  apiUrl: string,
  log: Logger,
): Promise<LoadedMetrics | undefined> {
  const { owner, repo } = registry.repository;
  const url = deployed.payload.metricsUrl!;
  const assetPattern = new RegExp(
    `^${escapeRegExp(apiUrl.replace(/\/$/, ''))}/repos/${escapeRegExp(owner)}/${escapeRegExp(repo)}/releases/assets/(\\d+)$`,
    'i',
  );
  const assetId = assetPattern.exec(url)?.[1];
  const where = `deployment ${deployed.deploymentId}`;
  if (!assetId) {
    log.warning(
      `The metrics report of ${where} is recorded at ${url}, which is not a release asset of ${owner}/${repo}; using the metric values of its payload.`,
    );
    return undefined;
  }
  try {
    const text = (await registry.downloadReleaseAsset(Number(assetId))).toString('utf8');
    const source = `release asset ${assetId}`;
    const parsed = await validateStructured(JSON.parse(text), metricsReportSchema, {
      path: source,
      what: 'baseline metrics report',
      text,
    });
    const loaded = loadedFromReport(parsed, source);
    if (
      parsed.model !== deployed.payload.model ||
      sha256Text(canonicalJson(metricValues(loaded))) !== deployed.payload.metricsDigest
    ) {
      log.warning(
        `The metrics report at ${url} is not the one ${where} recorded (model or metric values differ from its digest); using the metric values of its payload.`,
      );
      return undefined;
    }
    return loaded;
  } catch (error) {
    log.warning(
      `Could not read the metrics report of ${where} at ${url} (${statusOf(error) ?? (error as Error).message}); using the metric values of its payload.`,
    );
    return undefined;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The baseline as the comparison document states it. */
export function summarizeBaseline(source: BaselineSource): BaselineSummary {
  if (source.kind !== 'registry') return source;
  const { deployment } = source;
  return {
    kind: 'registry',
    environment: source.environment,
    model: deployment.payload.model,
    version: deployment.payload.version,
    deploymentId: deployment.deploymentId,
    sha: deployment.sha,
    createdAt: deployment.createdAt,
    report: source.report,
  };
}
