import { resolve } from 'node:path';
import { createStepDir, type StepEnvironment } from '../../../shared/action/context.js';
import { artifactServiceAvailable, downloadArtifact, listRunArtifacts, MANIFEST_FILE, metricsArtifactName, METRICS_FILE, modelArtifactName, type OtherRun } from '../../../shared/artifacts/model-artifact.js';
import { UserError } from '../../../shared/action/errors.js';
import { quoteValue, requireIdentifier } from '../../../shared/identifiers.js';
import type { ActionDefinition } from '../../../shared/action/run-action.js';
import type { Runner } from '../../../shared/action/runner.js';
import { confineFileInputs, confinePath, stepConfinement } from '../../../shared/files/confine.js';
import { readStructuredFile } from '../../../shared/files/structured.js';
import { loadGatePolicy } from '../../../shared/gates/policy.js';
import { manifestSchema } from '../../../shared/lineage/manifest.js';
import { openRegistry, type Registry } from '../../../shared/registry/github-registry.js';
import { downloadModelRelease } from '../../../shared/registry/model-release.js';
import { promote, type CandidateFiles } from '../../../shared/registry/promote.js';
import { renderPromotionSummary } from '../../../shared/registry/promotion-summary.js';
import { inputs, type Inputs } from './inputs.js';
import type { OUTPUTS } from './outputs.js';

export const promoteModel: ActionDefinition<typeof inputs> = {
  name: 'promote-model',
  inputs,
  async run(input: Inputs, runner: Runner, step: StepEnvironment) {
    const model = input['model-name'];
    const context = step.context();
    const confinement = await stepConfinement(context.workspace, context.tempDir);
    const cwd = await confinePath(input['working-directory'], confinement, { what: 'working directory', input: 'working-directory', baseDir: process.cwd(), kind: 'folder' });
    await confineFileInputs(input, ['manifest', 'metrics', 'gates', 'profile'], confinement, cwd);
    const registry = await openRegistry(input['github-token'], context, runner);
    const candidate = await candidateFiles(input, registry, step, runner);
    const outcome = await promote({
      model,
      environment: input.environment,
      version: input.version,
      candidate,
      policy: await loadGatePolicy(input.gates, cwd),
      overrideReason: input['override-reason'],
      ref: input.ref,
      profilePath: input.profile && resolve(cwd, input.profile),
      workingDirectory: cwd,
      registry,
      context,
      stepDir: await createStepDir(context.tempDir, 'promote-model', model),
      log: runner,
      now: new Date(),
    });
    if (!outcome.alreadyCurrent) {
      runner.info(`Promoted ${model} ${outcome.version} to ${input.environment}${outcome.deploymentId ? ` (deployment ${outcome.deploymentId})` : ''}. Record: ${outcome.recordPath}`);
      runner.appendSummary(renderPromotionSummary(outcome));
    }
    const set = (name: (typeof OUTPUTS)[number], value: string | number | undefined) => runner.setOutput(name, value === undefined ? '' : String(value));
    set('version', outcome.version);
    set('record', outcome.recordPath);
    set('deployment-id', outcome.deploymentId);
    set('previous-version', outcome.previous?.payload.version);
    set('release-url', outcome.releaseUrl);
  },
};

/**
 * Where the model comes from: files in the workspace, an artifact of an earlier job of this run,
 * or (a rollback) the Release of an earlier production version.
 */
async function candidateFiles(input: Inputs, registry: Registry | undefined, step: StepEnvironment, runner: Runner): Promise<CandidateFiles> {
  const tempDir = step.tempDir;
  const workspace = resolve(input['working-directory']);
  if (input.manifest && (input.artifact || input['run-id'])) throw new UserError('Give either "manifest" or "artifact", not both (nor "manifest" with "run-id"): the artifact carries its own manifest.');
  if (input.manifest) {
    if (!input.metrics) throw new UserError('Input "metrics" is required when the model comes from "manifest": pass the metrics output of evaluate-model.');
    return { manifestPath: input.manifest, baseDir: workspace, metricsPath: input.metrics, metricsDir: workspace };
  }
  if (input['run-id']) return artifactFiles(input, tempDir, runner, otherRun(input, input['run-id'], registry));
  if (input.artifact) return artifactFiles(input, tempDir, runner, undefined, step.env);
  if (input.version) return releaseFiles(input, input.version, registry, tempDir, runner);
  throw new UserError(
    'Give "manifest" (a path from train-model in this job), "artifact" (the artifact-name output of a train-model step in an earlier job of this run), "run-id" (the workflow run that trained the model), or only "version" to roll back to an earlier production release.',
  );
}

function otherRun(input: Inputs, runId: number, registry: Registry | undefined): OtherRun {
  if (!registry) throw new UserError(`Input "run-id" reads the artifacts of run ${runId} through the GitHub API, which needs a GitHub token and repository (a workflow run).`);
  return { runId, token: input['github-token'], repository: registry.repository };
}

/** The model (and, without "metrics", its metrics report) from the artifacts of this run or of `fromRun`. */
async function artifactFiles(input: Inputs, tempDir: string, runner: Runner, fromRun?: OtherRun, env?: StepEnvironment['env']): Promise<CandidateFiles> {
  const model = input['model-name'];
  if (!fromRun && !artifactServiceAvailable(env)) throw new UserError(`Input "artifact" needs the GitHub artifact service, which only a GitHub runner offers. Outside a runner, download the artifact and pass its ${MANIFEST_FILE} as "manifest".`);
  const artifact = input.artifact ?? (input.version ? modelArtifactName(model, input.version) : await onlyModelArtifact(model, fromRun!));
  const into = await createStepDir(tempDir, 'promote-model', 'artifact');
  const hint = fromRun
    ? `Pass the run that trained ${model} (its train-model step uploads model-${model}-<version>), and "version" or "artifact" when it trained several versions.`
    : 'Pass the artifact-name output of a train-model step from a job that ran before this one.';
  const baseDir = await downloadArtifact({ name: artifact, into, log: runner, hint, fromRun });
  if (input.metrics) return { manifestPath: MANIFEST_FILE, baseDir, metricsPath: input.metrics, metricsDir: resolve(input['working-directory']), artifact };
  // The metrics report evaluate-model uploaded for this version, named after it.
  const manifest = await readStructuredFile(MANIFEST_FILE, manifestSchema, 'manifest', baseDir);
  const metricsDir = await downloadArtifact({
    name: metricsArtifactName(model, manifest.model.version),
    into: await createStepDir(tempDir, 'promote-model', 'metrics'),
    log: runner,
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
  if (models.length === 1) return requireIdentifier('artifact name', models[0]!, `The model artifact of workflow run ${run.runId}`);
  if (!models.length) throw new UserError(`Workflow run ${run.runId} uploaded no model artifact of ${model} (artifacts: ${names.map(quoteValue).join(', ') || 'none'}). Pass the run whose train-model step trained it.`);
  throw new UserError(`Workflow run ${run.runId} uploaded several versions of ${model} (${models.map(quoteValue).join(', ')}); give "version" or "artifact" to say which to promote.`);
}

async function releaseFiles(input: Inputs, version: string, registry: Registry | undefined, tempDir: string, runner: Runner): Promise<CandidateFiles> {
  if (!registry) throw new UserError(`Rolling back to ${input['model-name']} ${version} restores it from its GitHub Release, which needs a GitHub token and repository (a workflow run). Outside a runner, give "manifest" and "metrics".`);
  if (input.metrics) throw new UserError('A rollback restores the metrics report from the release; leave "metrics" empty.');
  const into = await createStepDir(tempDir, 'promote-model', 'release');
  const restored = await downloadModelRelease(registry, { model: input['model-name'], version, into }, runner);
  return { manifestPath: restored.manifestPath, baseDir: into, metricsPath: restored.metricsPath, metricsDir: into, restoredFrom: restored.url, metricsUrl: restored.metricsUrl };
}
