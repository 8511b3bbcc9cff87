/**
 * A promotion from start to end, with GitHub (the registry) passed in: check the model files
 * against the manifest, judge the gates against the model in the environment now, and only then
 * record the promotion as a deployment (with, for production, a Release that keeps the model
 * after its artifacts expire). A rollback is the same path for a version restored from its
 * Release, recorded as a rollback with its reason.
 *
 * Approval bound to evidence: a dry run (before the environment's approval gate) takes the same
 * path up to recording and stops there, with the comparison's digest for the reviewer; the
 * promotion after the approval recomputes the comparison and refuses when its digest is not the
 * approved one, so what is recorded is what the reviewer saw.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RunContext } from '../action/context.js';
import { UserError } from '../action/errors.js';
import type { Logger } from '../action/runner.js';
import { canonicalJson, sha256Text } from '../files/hash.js';
import { evaluateGates, failures, type GateResult } from '../gates/judge.js';
import type { GatePolicy } from '../gates/policy.js';
import { readStructuredFile } from '../files/structured.js';
import { manifestSchema, type Manifest } from '../lineage/manifest.js';
import { manifestFilePath, type ManifestFiles } from '../lineage/manifest-files.js';
import { summariseRuntime } from '../lineage/runtime.js';
import { loadMetrics, metricValues, type LoadedMetrics } from '../metrics/report.js';
import { readApprovals, type Approval } from './approvals.js';
import {
  currentAndPrevious,
  DEPLOYMENT_PAYLOAD_FORMAT,
  type DeployedModel,
  type DeploymentPayload,
  type ProfileReference,
  type Registry,
} from './github-registry.js';
import { intendedUseFromConfig, renderModelCard } from './model-card.js';
import {
  METRICS_ASSET,
  PROFILE_ASSET,
  publishStagedRelease,
  releaseFiles,
  releaseTag,
  stageModelRelease,
  type StagedRelease,
} from './model-release.js';
import {
  buildPromotionRecord,
  type BoundApproval,
  type PromotionRecord,
} from './promotion-record.js';
import { fairnessOfRecord, fairnessRulesOf, summariseFairness } from './fairness-record.js';
import { publishProfile, stageProfile, type StagedProfile } from './promotion-profile.js';
import { recordPromotion, requireCommitSha } from './record-deployment.js';
import { verifyManifestOutputs } from './verify.js';

/**
 * Where the candidate's files are: its manifest (relative to `baseDir`, against which its outputs
 * resolve too) and its metrics report (relative to `metricsDir`), named as the user gave them.
 */
export interface CandidateFiles {
  manifestPath: string;
  baseDir: string;
  metricsPath: string;
  metricsDir: string;
  /** The artifact it came from, recorded in the deployment. */
  artifact?: string;
  /** Set when the candidate was restored from its release: the promotion is a rollback. */
  restoredFrom?: string;
  /** The API URL of the restored release's metrics report, recorded for compare-metrics. */
  metricsUrl?: string;
  /** The API URL of the restored release's training data profile, carried forward as the drift reference. */
  profileUrl?: string;
}

export interface PromotionRequest {
  model: string;
  environment: string;
  /** The version the user expects; must equal the manifest's. */
  version?: string;
  candidate: CandidateFiles;
  policy: GatePolicy;
  overrideReason?: string;
  /** The commit to record the deployment on; by default the one the manifest records. */
  ref?: string;
  /**
   * The training data's profile (validate-data): the drift reference monitor-model reads, kept
   * in the production release (and its model card) or as an artifact elsewhere.
   */
  profilePath?: string;
  /** The step's variables: whether the artifact service is there (by default this process's). */
  env?: Readonly<NodeJS.ProcessEnv>;
  /** Where the config named in the manifest is, for the model card's intended use. */
  workingDirectory: string;
  /** Undefined off a runner: everything is checked, nothing is recorded. */
  registry?: Registry;
  context: RunContext;
  /** A folder of this step's own, for the record and the model card. */
  stepDir: string;
  log: Logger;
  now: Date;
  /** Judge as a promotion would, then stop: nothing is written, the outcome carries the digest. */
  dryRun?: boolean;
  /** The comparison digest of the dry run the reviewers approved; the promotion must match it. */
  approvedDigest?: string;
}

export interface PromotionOutcome {
  model: string;
  version: string;
  environment: string;
  /** The model that was in the environment before, if any. */
  previous?: DeployedModel;
  deploymentId?: number;
  releaseUrl?: string;
  recordPath?: string;
  record?: PromotionRecord;
  /** Where the recorded training data profile is; undefined when none was recorded. */
  profile?: ProfileReference;
  /** True when the version was already the model in the environment: nothing was written. */
  alreadyCurrent: boolean;
  /** True for a dry run: judged, nothing recorded. */
  dryRun: boolean;
  /** The digest of the comparison judged (against the model in the environment now). */
  comparisonDigest: string;
  gates?: GateResult;
  rollback: boolean;
  manifest: Manifest;
  metrics: LoadedMetrics;
}

export async function promote(request: PromotionRequest): Promise<PromotionOutcome> {
  const { model, environment, candidate, registry, log } = request;
  const rollback = candidate.restoredFrom !== undefined;
  const manifest = await readStructuredFile(
    candidate.manifestPath,
    manifestSchema,
    'manifest',
    candidate.baseDir,
  );
  if (manifest.model.name !== model)
    throw new UserError(
      `The manifest "${candidate.manifestPath}" is for model "${manifest.model.name}", not "${model}".`,
    );
  const version = request.version ?? manifest.model.version;
  if (version !== manifest.model.version) {
    throw new UserError(
      `Input "version" is "${version}", but the manifest "${candidate.manifestPath}" describes version "${manifest.model.version}". Promote the model the manifest describes, or leave "version" empty.`,
    );
  }
  await refuseChangedFiles(manifest, modelFiles(candidate), `${model} ${version}`);

  const metrics = await loadMetrics(candidate.metricsPath, 'metrics file', candidate.metricsDir);
  if (metrics.fingerprint && metrics.fingerprint !== manifest.fingerprint) {
    throw new UserError(
      `The metrics file "${candidate.metricsPath}" evaluates fingerprint ${metrics.fingerprint.slice(0, 12)}…, but the manifest's model has ${manifest.fingerprint.slice(0, 12)}…. Pass the metrics of this model.`,
    );
  }
  const values = metricValues(metrics);
  const profile = request.profilePath
    ? await stageProfile(request.profilePath, request.stepDir)
    : undefined;
  const dryRun = request.dryRun === true;

  // The gates are judged again against the model in the environment now: it may have changed
  // since the pull request was compared.
  const { current, previous } = registry
    ? await currentAndPrevious(registry, model, environment)
    : {};
  const judgeAgainst = (baseline: DeployedModel | undefined) => {
    const judged = evaluateGates(metrics.metrics, baseline?.payload.metrics, request.policy, {
      candidateSlices: metrics.slices ?? {},
      ...(metrics.skipped ? { candidateSkipped: metrics.skipped } : {}),
      // The fairness rules judge the report's fairness section here too, and max-regression
      // the bias check recorded with the model in the environment.
      candidateFairness: metrics.fairness ?? {},
      ...(baseline?.payload.fairness
        ? { baselineFairness: fairnessOfRecord(baseline.payload.fairness) }
        : {}),
    });
    const subject = { model, environment, version, fingerprint: manifest.fingerprint };
    return { gates: judged, digest: digestComparison(subject, judged, baseline) };
  };
  // Judged before the re-run check too, so that a dry run for a version already in place still
  // gives a digest: if the environment changes before the promotion, that digest no longer matches.
  const { gates, digest: comparisonDigest } = judgeAgainst(current);
  const base = {
    model,
    version,
    environment,
    manifest,
    metrics,
    rollback,
    dryRun,
    comparisonDigest,
  };
  const inPlace =
    current?.payload.version === version && current.payload.fingerprint === manifest.fingerprint;
  // A model in place that was recorded without its data profile is recorded again when one is
  // given now: that is how a model already promoted gets its drift reference.
  const addsProfile = inPlace && profile !== undefined && !current.payload.profile;
  if (addsProfile)
    log.info(
      `${model} ${version} is already the model in ${environment} (deployment ${current.deploymentId}), recorded without a data profile; it ${dryRun ? 'would be' : 'is'} recorded again with the "profile" given.`,
    );
  else if (current && inPlace) {
    log.info(
      `${model} ${version} is already the model in ${environment} (deployment ${current.deploymentId}); nothing ${dryRun ? 'would be' : 'was'} recorded again.`,
    );
    return { ...base, previous, deploymentId: current.deploymentId, alreadyCurrent: true };
  }
  if (rollback && !request.overrideReason) {
    throw new UserError(
      `Rolling ${environment} back to ${model} ${version} needs a reason: set override-reason (it is recorded in the deployment). Nothing was recorded.`,
    );
  }

  log.info(
    current
      ? `Judged against ${current.payload.version}, the model in ${environment} now (comparison ${comparisonDigest}).`
      : `No model is in ${environment} yet; rules that compare with a baseline follow on-missing-baseline (comparison ${comparisonDigest}).`,
  );
  if (request.approvedDigest !== undefined && request.approvedDigest !== comparisonDigest)
    refuseChangedComparison({
      request,
      version,
      current,
      comparisonDigest,
      // What the environment held before may be what the reviewer saw.
      matchesThen: (baseline) => judgeAgainst(baseline).digest === request.approvedDigest,
      previous,
    });
  refuseFailingGates({ gates, current, request, version, rollback });
  if (dryRun) {
    // Every check a promotion makes before recording, the commit it would record on included.
    if (registry) requireCommitSha(request.ref ?? manifest.git.sha, `${model} ${version}`);
    log.info(
      `Dry run: ${model} ${version} would be promoted to ${environment}; nothing was recorded. Pass comparison-digest ${comparisonDigest} as approved-digest to the promotion after the approval.`,
    );
    return { ...base, previous: current, alreadyCurrent: false, gates };
  }

  const approvals = registry
    ? await readApprovals(registry, request.context.runId, environment, log)
    : [];
  const record = buildPromotionRecord({
    manifest,
    environment,
    version,
    metrics: values,
    gates,
    context: request.context,
    now: request.now,
    approvals,
    comparisonDigest,
    fairness: summariseFairness(metrics.fairness, fairnessRulesOf(gates)),
    ...(request.approvedDigest
      ? { approval: boundApproval(request.approvedDigest, approvals, request.now) }
      : {}),
    ...(rollback
      ? { rollback: { from: current?.payload.version, reason: request.overrideReason! } }
      : request.overrideReason
        ? { overrideReason: request.overrideReason }
        : {}),
  });
  const recordPath = join(
    request.stepDir,
    `promotion-${environment.replace(/[^A-Za-z0-9._-]/g, '_')}.json`,
  );
  await writeFile(recordPath, JSON.stringify(record, null, 2) + '\n');
  if (!registry)
    return { ...base, previous: current, recordPath, record, alreadyCurrent: false, gates };

  const sha = requireCommitSha(request.ref ?? manifest.git.sha, `${model} ${version}`);
  // Production: the release is filled before the deployment exists, so the deployment can name
  // its metrics report; it is published only while the deployment is in progress.
  const staged =
    environment === 'production'
      ? await stageProductionRelease({
          request,
          manifest,
          metrics,
          gates,
          record,
          current,
          sha,
          profile,
        })
      : undefined;
  const metricsUrl = staged?.assetUrls.get(METRICS_ASSET) ?? candidate.metricsUrl;
  // Kept before the deployment exists, so that the deployment can name it.
  const profileReference = await publishProfile({
    registry,
    model,
    version,
    release: staged,
    restoredUrl: candidate.profileUrl,
    profile,
    runId: request.context.runId,
    stepDir: request.stepDir,
    env: request.env ?? process.env,
    log,
  });
  if (!profileReference) log.notice(noProfileNotice(model, version), { title: 'promote-model' });
  let releaseUrl: string | undefined;
  const deploymentId = await recordPromotion(registry, {
    environment,
    sha,
    logUrl: request.context.runUrl,
    environmentUrl: `${request.context.serverUrl}/${registry.repository.owner}/${registry.repository.repo}/deployments/${encodeURIComponent(environment)}`,
    log,
    whileInProgress: async () =>
      staged ? (releaseUrl = await publishStagedRelease(registry, staged, log)) : undefined,
    payload: {
      ...deploymentPayload({ request, manifest, metrics, values, record }),
      ...(metricsUrl ? { metricsUrl } : {}),
      ...(profileReference ? { profile: profileReference } : {}),
    },
  });
  return {
    ...base,
    previous: current,
    deploymentId,
    releaseUrl,
    profile: profileReference,
    recordPath,
    record,
    alreadyCurrent: false,
    gates,
  };
}

/** Said in the log and the job summary of a promotion that records no data profile. */
function noProfileNotice(model: string, version: string): string {
  return `No data profile: monitor-model will need \`reference\` for ${model} ${version}, as this promotion was given no "profile" (the profile output of validate-data on the training data) and its Release keeps none. Promote with "profile" to publish the drift reference with the model.`;
}

/** The model files, where the candidate's manifest names them: inside its base folder. */
function modelFiles(candidate: CandidateFiles): ManifestFiles {
  return { manifest: `manifest "${candidate.manifestPath}"`, baseDir: candidate.baseDir };
}

async function refuseChangedFiles(
  manifest: Manifest,
  files: ManifestFiles,
  what: string,
): Promise<void> {
  const mismatches = await verifyManifestOutputs(manifest, files);
  if (!mismatches.length) return;
  const list = mismatches
    .map((m) =>
      m.problem === 'missing'
        ? `"${m.path}" is missing`
        : `"${m.path}" has sha256 ${m.actual!.slice(0, 16)}…, the manifest says ${m.expected.slice(0, 16)}…`,
    )
    .join('; ');
  throw new UserError(
    `Refusing to promote ${what}: the model files do not match the manifest (${list}). Promote only what train-model produced, unmodified.`,
  );
}

function refuseFailingGates(args: {
  gates: GateResult;
  current?: DeployedModel;
  request: PromotionRequest;
  version: string;
  rollback: boolean;
}): void {
  const { gates, current, request, version } = args;
  if (gates.verdict !== 'fail') return;
  const { model, environment } = request;
  const reasons = failures(gates);
  const against = current
    ? `${current.payload.version}, the model in ${environment} now`
    : 'its absolute bounds (no model is in the environment yet)';
  const failure = `it fails its gates against ${against}: ${reasons.join(' | ')}`;
  if (!request.overrideReason)
    throw new UserError(
      `Refusing to promote ${model} ${version} to ${environment}: ${failure}. Nothing was recorded; to promote anyway, set override-reason.`,
    );
  const what = args.rollback ? 'Rolling back to' : 'Promoting';
  request.log.warning(
    `${what} ${model} ${version} in ${environment} although ${failure}. Override reason: ${request.overrideReason}`,
    { title: 'promote-model' },
  );
}

/**
 * A digest of the comparison the promotion was judged on: what is promoted where (model,
 * environment, version, fingerprint), against which model (version and fingerprint), and every
 * metric's values, rule and status (so a changed policy changes it too). The dry run before the
 * approval shows it to the reviewer; the promotion after the approval must compute the same.
 */
function digestComparison(
  subject: { model: string; environment: string; version: string; fingerprint: string },
  gates: GateResult,
  baseline: DeployedModel | undefined,
): string {
  const metrics = gates.metrics.map(({ name, baseline, candidate, rule, status }) => ({
    name,
    baseline: baseline ?? null,
    candidate: candidate ?? null,
    rule: rule ?? null,
    status,
  }));
  const against = baseline
    ? { version: baseline.payload.version, fingerprint: baseline.payload.fingerprint }
    : null;
  return `sha256:${sha256Text(canonicalJson({ ...subject, against, verdict: gates.verdict, metrics }))}`;
}

/** The approved comparison as recorded: its digest, the reviewers who approved, and when it was checked. */
function boundApproval(digest: string, approvals: readonly Approval[], now: Date): BoundApproval {
  return {
    digest,
    by: approvals.filter((a) => a.state === 'approved').map((a) => a.login),
    at: now.toISOString(),
  };
}

/**
 * The comparison is not the one the reviewers approved: say against what it was then (when an
 * earlier model of the environment, or none, gives the approved digest) and now, and what to do.
 */
function refuseChangedComparison(args: {
  request: PromotionRequest;
  version: string;
  current?: DeployedModel;
  previous?: DeployedModel;
  comparisonDigest: string;
  matchesThen: (baseline: DeployedModel | undefined) => boolean;
}): never {
  const { request, version, current, previous } = args;
  const { model, environment } = request;
  const now = current
    ? `${current.payload.version}, the model in ${environment} now`
    : `no model, as ${environment} holds none now`;
  const then =
    current && args.matchesThen(undefined)
      ? `The reviewers approved it when ${environment} held no model; it holds ${current.payload.version} now.`
      : previous && args.matchesThen(previous)
        ? `The reviewers approved it against ${previous.payload.version}, the model in ${environment} then; the model in ${environment} is now ${current!.payload.version}.`
        : `It is judged against ${now}; the model in ${environment}, the candidate's metrics or the gate policy changed since the check (or the digest comes from the check of another model or environment).`;
  throw new UserError(
    `Refusing to promote ${model} ${version} to ${environment}: the comparison is not the one the reviewers approved (approved-digest ${request.approvedDigest}, now ${args.comparisonDigest}). ${then} Nothing was recorded. Re-run the workflow, so that its check job compares again and the reviewers approve the new comparison.`,
  );
}

function deploymentPayload(args: {
  request: PromotionRequest;
  manifest: Manifest;
  metrics: LoadedMetrics;
  values: Record<string, number>;
  record: PromotionRecord;
}): DeploymentPayload {
  const { request, manifest, metrics, record } = args;
  return {
    format: DEPLOYMENT_PAYLOAD_FORMAT,
    model: request.model,
    version: record.version,
    fingerprint: manifest.fingerprint,
    metricsDigest: record.metricsDigest,
    metrics: args.values,
    verdict: record.verdict,
    configSha256: manifest.config.sha256,
    ...(manifest.runtime ? { runtime: summariseRuntime(manifest.runtime) } : {}),
    ...(manifest.owner ? { owner: manifest.owner.handles } : {}),
    comparisonDigest: record.comparisonDigest,
    ...(metrics.evaluationSha256 ? { dataSha256: metrics.evaluationSha256 } : {}),
    ...(request.candidate.artifact ? { artifact: request.candidate.artifact } : {}),
    ...(request.environment === 'production' || request.candidate.restoredFrom
      ? { release: releaseTag(request.model, record.version) }
      : {}),
    ...(request.context.runUrl ? { runUrl: request.context.runUrl } : {}),
    ...(record.approvals.length ? { approvals: record.approvals } : {}),
    ...(record.approval ? { approval: record.approval } : {}),
    ...(record.rollback ? { rollback: record.rollback } : {}),
    ...(record.overrideReason ? { overrideReason: record.overrideReason } : {}),
    ...(record.fairness ? { fairness: record.fairness } : {}),
  };
}

async function stageProductionRelease(args: {
  request: PromotionRequest;
  manifest: Manifest;
  metrics: LoadedMetrics;
  gates: GateResult;
  record: PromotionRecord;
  current?: DeployedModel;
  sha: string;
  profile?: StagedProfile;
}): Promise<StagedRelease> {
  const { request, manifest, record } = args;
  const modelCardPath = join(request.stepDir, 'MODEL_CARD.md');
  // The config is read from the working directory, and only there (its path is the manifest's).
  const configPath = await manifestFilePath(
    {
      ...modelFiles(request.candidate),
      baseDir: request.workingDirectory,
      folder: 'the working directory',
    },
    'config.path',
    manifest.config.path,
  );
  const intendedUse = await intendedUseFromConfig(configPath, request.workingDirectory);
  await writeFile(
    modelCardPath,
    renderModelCard({
      manifest,
      metrics: args.metrics,
      gates: args.gates,
      environment: request.environment,
      intendedUse,
      baselineVersion: args.current?.payload.version,
      record,
      profile: args.profile?.profile,
    }),
  );
  const { candidate } = request;
  const files = await releaseFiles({
    manifest,
    manifestPath: resolve(candidate.baseDir, candidate.manifestPath),
    model: modelFiles(candidate),
    metricsPath: resolve(candidate.metricsDir, candidate.metricsPath),
    modelCardPath,
  });
  if (args.profile)
    files.push({ name: PROFILE_ASSET, path: args.profile.path, contentType: 'application/json' });
  return stageModelRelease(
    request.registry!,
    {
      model: request.model,
      version: record.version,
      sha: args.sha,
      title: `${request.model} ${record.version}`,
      body: await readFile(modelCardPath, 'utf8'),
      files,
    },
    request.log,
  );
}
