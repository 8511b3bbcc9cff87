/**
 * One monitor run, below the action's inputs: the reference (the profile published with the
 * model in the environment, or a file), the window read and profiled, drift of the inputs and
 * of the model's outputs, data quality, performance measured or estimated, the status, and the
 * report. GitHub (the issue, retraining) is the caller's next step; this part reads from the
 * registry only.
 */
import type { Logger } from '../action/runner.js';
import type { StepEnvironment } from '../action/context.js';
import { UserError } from '../action/errors.js';
import type { GatePolicy } from '../gates/policy.js';
import type { Task } from '../metrics/compute.js';
import type { ScoreColumn } from '../metrics/predictions.js';
import { readProfile, type ColumnProfile, type DataProfile } from '../profile/profile.js';
import { assessWindow } from './assess.js';
import { windowFairness } from './fairness.js';
import { driftBetweenProfiles } from './drift.js';
import { MONITOR_REPORT_FORMAT, type MonitorReport } from './monitor-report.js';
import { monitorPolicyOf, type MonitorPolicy } from './policy.js';
import type { DriftReport } from './report.js';
import { readWindow } from './window.js';
import { windowPerformance } from './window-performance.js';

/** The model in the environment, as the registry recorded it. */
export interface DeployedReference {
  version: string;
  deploymentId?: number;
  since?: string;
  /** The metric values recorded with the promotion. */
  metrics?: Readonly<Record<string, number>>;
  /** The training data profile published with the promotion; throws what is missing and how to provide it. */
  profile: () => Promise<DataProfile>;
}

export interface MonitorRequest {
  model: string;
  environment: string;
  data: readonly string[];
  /** A profile file given instead of the published one. */
  reference?: string;
  referencePredictions?: string;
  schema?: string;
  policy: GatePolicy;
  task?: Task;
  labelColumn: string;
  predictionColumn: string;
  scoreColumns?: readonly ScoreColumn[];
  positiveLabel: string;
  seed: number;
  /** The model in the environment, undefined when the registry has none (or was not asked). */
  deployed?: DeployedReference;
  runUrl?: string;
  now: Date;
}

export async function monitorWindow(
  request: MonitorRequest,
  log: Logger,
  step: StepEnvironment,
): Promise<MonitorReport> {
  const policy = monitorPolicyOf(request.policy);
  const reference = await referenceProfile(request);
  const window = await readWindow(
    { data: request.data, ...(request.schema ? { schema: request.schema } : {}), reference },
    log,
    step,
  );
  const outputs = new Set([
    request.predictionColumn,
    ...(request.scoreColumns ?? []).map((s) => s.column),
  ]);
  const notInputs = new Set([...outputs, request.labelColumn, ...policy.drift.ignore]);
  const drift = driftBetweenProfiles(
    onlyColumns(reference, (column) => isFeature(column) && !notInputs.has(column.name)),
    window.profile,
    {
      features: policy.drift.features,
      driftShare: policy.drift.share,
    },
  );
  const predictionDrift = await outputDrift(
    request,
    policy,
    reference,
    window.profile,
    outputs,
    step,
    log,
  );
  const performance = await windowPerformance(
    {
      model: request.model,
      ...(request.task ? { task: request.task } : {}),
      files: window.files,
      columns: new Set(window.profile.columns.map((c) => c.name)),
      spec: {
        label: request.labelColumn,
        prediction: request.predictionColumn,
        ...(request.scoreColumns ? { scores: request.scoreColumns } : {}),
        positive: request.positiveLabel,
        missingLabels: 'drop',
      },
      ...(request.referencePredictions ? { calibration: request.referencePredictions } : {}),
      ...(request.deployed?.metrics ? { atRelease: request.deployed.metrics } : {}),
      policy: request.policy,
      seed: request.seed,
    },
    log,
  );
  const fairness = await windowFairness(
    {
      files: window.files,
      columns: new Set(window.profile.columns.map((c) => c.name)),
      prediction: request.predictionColumn,
      positive: request.positiveLabel,
      label: request.labelColumn,
      scores: (request.scoreColumns ?? []).map((s) => s.column),
    },
    policy,
  );
  const { status, findings } = assessWindow(
    {
      drift,
      predictionDrift: predictionDrift.report,
      ...(window.validation ? { validation: window.validation } : {}),
      performance,
      ...(fairness ? { fairness } : {}),
    },
    policy,
  );
  if (predictionDrift.note)
    findings.push({ kind: 'prediction-drift', level: 'info', message: predictionDrift.note });
  return {
    format: MONITOR_REPORT_FORMAT,
    model: request.model,
    environment: request.environment,
    ...(request.deployed
      ? {
          deployed: {
            version: request.deployed.version,
            ...(request.deployed.deploymentId !== undefined
              ? { deploymentId: request.deployed.deploymentId }
              : {}),
            ...(request.deployed.since ? { since: request.deployed.since } : {}),
          },
        }
      : {}),
    generatedAt: request.now.toISOString(),
    ...(request.runUrl ? { runUrl: request.runUrl } : {}),
    status,
    findings,
    drift,
    predictionDrift: predictionDrift.report,
    ...(window.validation ? { validation: window.validation } : {}),
    performance,
    ...(fairness ? { fairness } : {}),
  };
}

async function referenceProfile(request: MonitorRequest): Promise<DataProfile> {
  if (request.reference) return readProfile(request.reference);
  if (!request.deployed)
    throw new UserError(
      `No model ${JSON.stringify(request.model)} is in the environment ${JSON.stringify(request.environment)}, so there is no reference to measure drift against: promote one there with promote-model (with its "profile" input), or give "reference", a profile of the training data.`,
    );
  return request.deployed.profile();
}

/** A profile restricted to some columns (the model's inputs, or its outputs). */
function onlyColumns(profile: DataProfile, keep: (column: ColumnProfile) => boolean): DataProfile {
  return { ...profile, columns: profile.columns.filter(keep) };
}

/**
 * Whether a column of the training data is an input of the model: not one the schema gave
 * another role (an identifier or a timestamp always drifts, the target is the label).
 */
function isFeature(column: ColumnProfile): boolean {
  return column.role === undefined || column.role === 'feature';
}

/**
 * Drift of the model's outputs (prediction and score columns): against the evaluation
 * predictions when given, else against the reference profile when it has those columns.
 */
async function outputDrift(
  request: MonitorRequest,
  policy: MonitorPolicy,
  reference: DataProfile,
  window: DataProfile,
  outputs: ReadonlySet<string>,
  step: StepEnvironment,
  log: Logger,
): Promise<{ report: DriftReport | null; note?: string }> {
  const inWindow = (profile: DataProfile) =>
    profile.columns.some(
      (c) => outputs.has(c.name) && window.columns.some((w) => w.name === c.name),
    );
  let base: DataProfile | undefined;
  if (request.referencePredictions) {
    const read = await readWindow(
      { data: [request.referencePredictions], reference: window },
      log,
      step,
    );
    base = read.profile;
  } else if (inWindow(reference)) base = reference;
  if (!base || !inWindow(base))
    return {
      report: null,
      note: `Drift of the model's outputs is not measured: ${request.referencePredictions ? "the reference predictions have none of the window's" : 'the reference profile has no'} prediction or score columns (${[...outputs].map((c) => JSON.stringify(c)).join(', ')}). Give "reference-predictions", the deployed model's evaluation predictions.`,
    };
  const shared = (name: string) => outputs.has(name) && window.columns.some((w) => w.name === name);
  return {
    report: driftBetweenProfiles(
      onlyColumns(base, (column) => shared(column.name)),
      window,
      {
        features: policy.predictions.features,
        driftShare: policy.drift.share,
      },
    ),
  };
}
