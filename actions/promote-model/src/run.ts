import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createStepDir, readRunContext } from '../../../shared/action/context.js';
import { artifactServiceAvailable, downloadArtifact, MANIFEST_FILE, metricsArtifactName, METRICS_FILE } from '../../../shared/artifacts/model-artifact.js';
import { UserError } from '../../../shared/action/errors.js';
import type { ActionDefinition } from '../../../shared/action/run-action.js';
import type { Runner } from '../../../shared/action/runner.js';
import { evaluateGates } from '../../../shared/gates/evaluate.js';
import { loadGatePolicy } from '../../../shared/gates/policy.js';
import { readStructuredFile } from '../../../shared/files/structured.js';
import { manifestSchema } from '../../../shared/lineage/manifest.js';
import { escapeMarkdown, inlineCode, markdownTable } from '../../../shared/markdown/escape.js';
import { loadMetrics, metricValues } from '../../../shared/metrics/report.js';
import { currentAndPrevious, DEPLOYMENT_PAYLOAD_FORMAT, openRegistry } from '../../../shared/registry/github-registry.js';
import { buildPromotionRecord } from '../../../shared/registry/promotion.js';
import { recordPromotion } from '../../../shared/registry/record-promotion.js';
import { verifyManifestOutputs } from '../../../shared/registry/verify.js';
import { inputs, type Inputs } from './inputs.js';
import type { OUTPUTS } from './outputs.js';

export const promoteModel: ActionDefinition<typeof inputs> = {
  name: 'promote-model',
  inputs,
  async run(input: Inputs, runner: Runner) {
    const model = input['model-name'];
    const context = readRunContext();
    const cwd = resolve(input['working-directory']);
    const source = await modelSource(input, context.tempDir, runner);
    const manifest = await readStructuredFile(source.manifest, manifestSchema, 'manifest', source.baseDir);
    if (manifest.model.name !== model) throw new UserError(`The manifest "${source.manifest}" is for model "${manifest.model.name}", not "${model}".`);
    const version = input.version ?? manifest.model.version;
    if (version !== manifest.model.version) {
      throw new UserError(`Input "version" is "${version}", but the manifest "${source.manifest}" describes version "${manifest.model.version}". Promote the model the manifest describes, or leave "version" empty.`);
    }

    const mismatches = await verifyManifestOutputs(manifest, source.baseDir);
    if (mismatches.length) {
      const list = mismatches.map((m) => (m.problem === 'missing' ? `"${m.path}" is missing` : `"${m.path}" has sha256 ${m.actual!.slice(0, 16)}…, the manifest says ${m.expected.slice(0, 16)}…`)).join('; ');
      throw new UserError(`Refusing to promote ${model} ${version}: the model files do not match the manifest (${list}). Promote only what train-model produced, unmodified.`);
    }

    const metrics = await loadMetrics(...(await metricsSource(input, version, context.tempDir, runner)));
    if (metrics.fingerprint && metrics.fingerprint !== manifest.fingerprint) {
      throw new UserError(`The metrics file "${input.metrics}" evaluates fingerprint ${metrics.fingerprint.slice(0, 12)}…, but the manifest's model has ${manifest.fingerprint.slice(0, 12)}…. Pass the metrics of this model.`);
    }
    const values = metricValues(metrics);
    const set = (name: (typeof OUTPUTS)[number], value: string) => runner.setOutput(name, value);

    // The gates are judged again against the model in the environment now: it may have
    // changed since the pull request was compared.
    const registry = await openRegistry(input['github-token'], context, runner);
    const { current, previous } = registry ? await currentAndPrevious(registry.client, registry.repository, model, input.environment) : {};
    if (current && current.payload.version === version && current.payload.fingerprint === manifest.fingerprint) {
      runner.info(`${model} ${version} is already the model in ${input.environment} (deployment ${current.deploymentId}); nothing was recorded again.`);
      set('version', version);
      set('record', '');
      set('deployment-id', String(current.deploymentId));
      set('previous-version', previous?.payload.version ?? '');
      return;
    }
    const gates = evaluateGates(metrics.metrics, current?.payload.metrics, await loadGatePolicy(input.gates, cwd), { candidateSlices: metrics.slices ?? {} });
    runner.info(current ? `Judged against ${current.payload.version}, the model in ${input.environment} now.` : `No model is in ${input.environment} yet; rules that compare with a baseline follow on-missing-baseline.`);
    if (gates.verdict === 'fail') {
      const reasons = gates.metrics.filter((m) => m.status === 'fail').map((m) => `${m.name}: ${m.reasons.join('; ')}`);
      const against = current ? `${current.payload.version}, the model in ${input.environment} now` : 'its absolute bounds (no model is in the environment yet)';
      const failure = `it fails its gates against ${against}: ${reasons.join(' | ')}`;
      if (!input['override-reason']) throw new UserError(`Refusing to promote ${model} ${version} to ${input.environment}: ${failure}. Nothing was recorded; to promote anyway, set override-reason.`);
      runner.warning(`Promoting ${model} ${version} to ${input.environment} although ${failure}. Override reason: ${input['override-reason']}`, { title: 'promote-model' });
    }

    const record = buildPromotionRecord({ manifest, environment: input.environment, version, metrics: values, gates, context, now: new Date() });
    const deploymentId = registry
      ? await recordPromotion(registry, {
          environment: input.environment,
          sha: manifest.git.sha,
          logUrl: context.runUrl,
          log: runner,
          payload: {
            format: DEPLOYMENT_PAYLOAD_FORMAT,
            model,
            version,
            fingerprint: manifest.fingerprint,
            metricsDigest: record.metricsDigest,
            metrics: values,
            ...(metrics.evaluationSha256 ? { dataSha256: metrics.evaluationSha256 } : {}),
            ...(input.artifact ? { artifact: input.artifact } : {}),
            ...(context.runUrl ? { runUrl: context.runUrl } : {}),
            ...(input['override-reason'] ? { overrideReason: input['override-reason'] } : {}),
          },
        })
      : undefined;
    const dir = await createStepDir(context.tempDir, 'promote-model', model);
    const recordPath = join(dir, `promotion-${input.environment.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
    await writeFile(recordPath, JSON.stringify(record, null, 2) + '\n');

    runner.info(`Promoted ${model} ${version} to ${input.environment} (${manifest.outputs.length} file(s) verified, gates: ${gates.verdict}${deploymentId ? `, deployment ${deploymentId}` : ''}). Record: ${recordPath}`);
    runner.appendSummary(
      [
        `### 🚀 ${escapeMarkdown(model)} ${inlineCode(version)} promoted to ${inlineCode(input.environment)}`,
        `All ${manifest.outputs.length} model file(s) match the manifest; gates: **${gates.verdict}** against ${current ? inlineCode(current.payload.version) : 'no earlier model'}${input['override-reason'] ? `, overridden: ${escapeMarkdown(input['override-reason'])}` : ''}.`,
        markdownTable(['Metric', 'Value'], Object.entries(values).map(([name, value]) => [inlineCode(name), String(value)])),
      ].join('\n\n'),
    );
    set('version', version);
    set('record', recordPath);
    set('deployment-id', deploymentId ? String(deploymentId) : '');
    set('previous-version', current?.payload.version ?? '');
  },
};

/** Where the model comes from: files in the workspace, or an artifact of an earlier job of this run. */
async function modelSource(input: Inputs, tempDir: string, runner: Runner): Promise<{ manifest: string; baseDir: string }> {
  if (input.manifest && input.artifact) throw new UserError('Give either "manifest" or "artifact", not both: the artifact carries its own manifest.');
  if (input.manifest) return { manifest: input.manifest, baseDir: resolve(input['working-directory']) };
  if (!input.artifact) throw new UserError('Give "manifest" (a path from train-model in this job) or "artifact" (the artifact-name output of a train-model step in an earlier job of this run).');
  if (!artifactServiceAvailable()) throw new UserError(`Input "artifact" needs the GitHub artifact service, which only a GitHub runner offers. Outside a runner, download the artifact and pass its ${MANIFEST_FILE} as "manifest".`);
  const into = await createStepDir(tempDir, 'promote-model', 'artifact');
  const baseDir = await downloadArtifact({ name: input.artifact, into, log: runner, hint: 'Pass the artifact-name output of a train-model step from a job that ran before this one.' });
  return { manifest: MANIFEST_FILE, baseDir };
}

/** The candidate's metrics: a file, or with an artifact, the report evaluate-model uploaded for that version. */
async function metricsSource(input: Inputs, version: string, tempDir: string, runner: Runner): Promise<[path: string, what: string, baseDir: string]> {
  if (input.metrics) return [input.metrics, 'metrics file', resolve(input['working-directory'])];
  if (!input.artifact) throw new UserError('Input "metrics" is required when the model comes from "manifest": pass the metrics output of evaluate-model.');
  const name = metricsArtifactName(input['model-name'], version);
  const into = await createStepDir(tempDir, 'promote-model', 'metrics');
  const dir = await downloadArtifact({ name, into, log: runner, hint: 'Run evaluate-model with the train-model manifest in an earlier job of this run, or pass "metrics".' });
  return [METRICS_FILE, 'metrics report', dir];
}
