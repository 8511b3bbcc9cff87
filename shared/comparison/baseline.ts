/**
 * Which metrics a candidate is compared with, in order: an explicit baseline file; else the
 * model in the baseline environment (the registry); else none, and the gate policy's
 * on-missing-baseline decides. The comment says which one was used and why.
 */
import type { RunContext } from '../action/context.js';
import type { Logger } from '../action/runner.js';
import { statusOf } from '../github/client.js';
import { loadMetrics, type LoadedMetrics } from '../metrics/report.js';
import { currentAndPrevious, modelTask, type DeployedModel, type Registry } from '../registry/github-registry.js';

export type BaselineSource =
  | { kind: 'file'; path: string }
  | { kind: 'registry'; environment: string; deployment: DeployedModel; environmentUrl: string }
  | { kind: 'none'; reason: string };

export interface ResolvedBaseline {
  metrics?: LoadedMetrics;
  source: BaselineSource;
}

export async function resolveBaseline(args: { file?: string; model: string; environment: string; registry?: Registry; context: RunContext; log: Logger }): Promise<ResolvedBaseline> {
  if (args.file) return { metrics: await loadMetrics(args.file, 'baseline metrics file'), source: { kind: 'file', path: args.file } };
  if (!args.registry) return { source: { kind: 'none', reason: 'no baseline file was given, and the registry cannot be read here (no GitHub token or repository)' } };
  let deployed: DeployedModel | undefined;
  try {
    ({ current: deployed } = await currentAndPrevious(args.registry.client, args.registry.repository, args.model, args.environment));
  } catch (error) {
    if (statusOf(error) !== 403 && statusOf(error) !== 404) throw error;
    args.log.warning(`Could not read the deployments of ${args.environment} (${statusOf(error)}); the job needs "permissions: deployments: read". Comparing without a baseline.`);
    return { source: { kind: 'none', reason: `the deployments of ${args.environment} could not be read (the token lacks deployments: read)` } };
  }
  if (!deployed) return { source: { kind: 'none', reason: `no model is in ${args.environment} yet (no successful deployment of task ${modelTask(args.model)})` } };
  const { payload } = deployed;
  const { owner, repo } = args.registry.repository;
  return {
    metrics: {
      source: `${args.environment} deployment ${deployed.deploymentId}`,
      model: payload.model,
      version: payload.version,
      fingerprint: payload.fingerprint,
      evaluationSha256: payload.dataSha256,
      metrics: Object.fromEntries(Object.entries(payload.metrics).map(([name, value]) => [name, { value }])),
    },
    source: { kind: 'registry', environment: args.environment, deployment: deployed, environmentUrl: `${args.context.serverUrl}/${owner}/${repo}/deployments/${encodeURIComponent(args.environment)}` },
  };
}
