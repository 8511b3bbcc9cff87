/**
 * Where promote-model finds the model it promotes: files in the workspace, an artifact of an
 * earlier job of this run or of another workflow run, or (a rollback) the Release of an earlier
 * production version.
 */
import { resolve } from 'node:path';
import { createStepDir } from '../action/context.js';
import { UserError } from '../action/errors.js';
import type { Logger } from '../action/runner.js';
import {
  artifactServiceAvailable,
  downloadArtifact,
  listRunArtifacts,
  MANIFEST_FILE,
  metricsArtifactName,
  METRICS_FILE,
  modelArtifactName,
  type OtherRun,
} from '../artifacts/model-artifact.js';
import { readStructuredFile } from '../files/structured.js';
import { quoteValue, requireIdentifier } from '../identifiers.js';
import { manifestSchema } from '../lineage/manifest.js';
import type { Registry } from './github-registry.js';
import { downloadModelRelease } from './model-release.js';
import type { CandidateFiles } from './promote.js';

/** The candidate as the inputs name it; promote-model's inputs.ts decides which one a step gives. */
export type CandidateSource =
  | { kind: 'manifest'; manifest: string; metrics: string }
  | { kind: 'artifact'; artifact: string; metrics?: string; version?: string }
  | { kind: 'run'; runId: number; artifact?: string; metrics?: string; version?: string }
  | { kind: 'release'; version: string };

export interface CandidateContext {
  model: string;
  /** Where relative paths of the inputs start. */
  workingDirectory: string;
  registry: Registry | undefined;
  token: string;
  tempDir: string;
  /** The step's variables: whether the artifact service is there. */
  env: Readonly<NodeJS.ProcessEnv>;
  log: Logger;
}

export async function candidateFiles(
  source: CandidateSource,
  context: CandidateContext,
): Promise<CandidateFiles> {
  const workspace = resolve(context.workingDirectory);
  switch (source.kind) {
    case 'manifest':
      return {
        manifestPath: source.manifest,
        baseDir: workspace,
        metricsPath: source.metrics,
        metricsDir: workspace,
      };
    case 'run':
      return artifactFiles(source, context, otherRun(source.runId, context));
    case 'artifact':
      return artifactFiles(source, context);
    case 'release':
      return releaseFiles(source.version, context);
  }
}

function otherRun(runId: number, context: CandidateContext): OtherRun {
  if (!context.registry)
    throw new UserError(
      `Input "run-id" reads the artifacts of run ${runId} through the GitHub API, which needs a GitHub token and repository (a workflow run).`,
    );
  return { runId, token: context.token, repository: context.registry.repository };
}

/** The model (and, without "metrics", its metrics report) from the artifacts of this run or of `fromRun`. */
async function artifactFiles(
  source: { artifact?: string; metrics?: string; version?: string },
  context: CandidateContext,
  fromRun?: OtherRun,
): Promise<CandidateFiles> {
  const { model, log } = context;
  if (!fromRun && !artifactServiceAvailable(context.env))
    throw new UserError(
      `Input "artifact" needs the GitHub artifact service, which only a GitHub runner offers. Outside a runner, download the artifact and pass its ${MANIFEST_FILE} as "manifest".`,
    );
  const artifact =
    source.artifact ??
    (source.version
      ? modelArtifactName(model, source.version)
      : await onlyModelArtifact(model, fromRun!));
  const into = await createStepDir(context.tempDir, 'promote-model', 'artifact');
  const hint = fromRun
    ? `Pass the run that trained ${model} (its train-model step uploads model-${model}-<version>), and "version" or "artifact" when it trained several versions.`
    : 'Pass the artifact-name output of a train-model step from a job that ran before this one.';
  const baseDir = await downloadArtifact({ name: artifact, into, log, hint, fromRun });
  if (source.metrics)
    return {
      manifestPath: MANIFEST_FILE,
      baseDir,
      metricsPath: source.metrics,
      metricsDir: resolve(context.workingDirectory),
      artifact,
    };
  // The metrics report evaluate-model uploaded for this version, named after it.
  const manifest = await readStructuredFile(MANIFEST_FILE, manifestSchema, 'manifest', baseDir);
  const metricsDir = await downloadArtifact({
    name: metricsArtifactName(model, manifest.model.version),
    into: await createStepDir(context.tempDir, 'promote-model', 'metrics'),
    log,
    hint: 'Run evaluate-model with the train-model manifest in the job that trained the model, or pass "metrics".',
    fromRun,
  });
  return { manifestPath: MANIFEST_FILE, baseDir, metricsPath: METRICS_FILE, metricsDir, artifact };
}

/** The one model artifact of `model` that a run uploaded; a run that trained several versions must be told which. */
async function onlyModelArtifact(model: string, run: OtherRun): Promise<string> {
  const names = await listRunArtifacts(run);
  // Names come from the API: any job of that run could have uploaded one, so they are shown quoted and checked.
  const models = names.filter((name) => name.startsWith(`model-${model}-`));
  if (models.length === 1)
    return requireIdentifier(
      'artifact name',
      models[0]!,
      `The model artifact of workflow run ${run.runId}`,
    );
  if (!models.length)
    throw new UserError(
      `Workflow run ${run.runId} uploaded no model artifact of ${model} (artifacts: ${names.map(quoteValue).join(', ') || 'none'}). Pass the run whose train-model step trained it.`,
    );
  throw new UserError(
    `Workflow run ${run.runId} uploaded several versions of ${model} (${models.map(quoteValue).join(', ')}); give "version" or "artifact" to say which to promote.`,
  );
}

async function releaseFiles(version: string, context: CandidateContext): Promise<CandidateFiles> {
  const { registry, model } = context;
  if (!registry)
    throw new UserError(
      `Rolling back to ${model} ${version} restores it from its GitHub Release, which needs a GitHub token and repository (a workflow run). Outside a runner, give "manifest" and "metrics".`,
    );
  const into = await createStepDir(context.tempDir, 'promote-model', 'release');
  const restored = await downloadModelRelease(registry, { model, version, into }, context.log);
  return {
    manifestPath: restored.manifestPath,
    baseDir: into,
    metricsPath: restored.metricsPath,
    metricsDir: into,
    restoredFrom: restored.url,
    metricsUrl: restored.metricsUrl,
    profileUrl: restored.profileUrl,
  };
}
