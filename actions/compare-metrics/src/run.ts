import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStepDir, type RunContext, type StepEnvironment } from '../../../shared/action/context.js';
import { UserError } from '../../../shared/action/errors.js';
import type { ActionDefinition } from '../../../shared/action/run-action.js';
import type { Runner } from '../../../shared/action/runner.js';
import { artifactServiceAvailable, uploadArtifact } from '../../../shared/artifacts/model-artifact.js';
import { resolveBaseline, summarizeBaseline } from '../../../shared/comparison/baseline.js';
import { COMPARISON_FORMAT, type ComparisonDocument, type LineageSide } from '../../../shared/comparison/document.js';
import { commentArtifactName, reportArtifactName, writeCommentRequest } from '../../../shared/comparison/fork-comment.js';
import { postSection, renderSection } from '../../../shared/comparison/post.js';
import { confineFileInputs, stepConfinement } from '../../../shared/files/confine.js';
import { readStructuredFile } from '../../../shared/files/structured.js';
import { evaluateGates } from '../../../shared/gates/evaluate.js';
import { gatePolicyFor } from '../../../shared/gates/policy-source.js';
import { policyAnnotation } from '../../../shared/comparison/policy-note.js';
import { manifestSchema } from '../../../shared/lineage/manifest.js';
import { loadMetrics, type LoadedMetrics } from '../../../shared/metrics/report.js';
import { openRegistry } from '../../../shared/registry/github-registry.js';
import { inputs, type Inputs } from './inputs.js';
import type { OUTPUTS } from './outputs.js';
import { postFromRun } from './post-from-run.js';

export const compareMetrics: ActionDefinition<typeof inputs> = {
  name: 'compare-metrics',
  inputs,
  async run(input: Inputs, runner: Runner, step: StepEnvironment) {
    const context = step.context();
    await confineFileInputs(input, ['metrics', 'baseline', 'gates', 'manifest'], await stepConfinement(context.workspace, context.tempDir));
    const set = (name: (typeof OUTPUTS)[number], value: string | boolean) => runner.setOutput(name, value);
    if (input['comment-from-run']) {
      if (input.metrics) throw new UserError('Give either "metrics" (compare a candidate) or "comment-from-run" (post the comment another run prepared), not both.');
      return postFromRun(input, step, runner, set);
    }
    if (!input.metrics) throw new UserError('Input "metrics" is required: the candidate\'s metrics report from evaluate-model, or a JSON or YAML file of metrics.');
    const model = input['model-name'];
    const candidate = await loadMetrics(input.metrics, 'metrics file');
    const registry = input.baseline ? undefined : await openRegistry(input['github-token'], context, runner);
    const resolved = await resolveBaseline({
      file: input.baseline,
      model,
      environment: input['baseline-environment'],
      registry,
      history: input.history,
      apiUrl: step.env.GITHUB_API_URL,
      log: runner,
      loadFile: (path) => loadMetrics(path, 'baseline metrics file'),
    });
    const baseline = resolved.metrics;
    const { policy, source: policySource } = await gatePolicyFor({ path: input.gates, from: input['gates-from'], context, token: input['github-token'], log: runner, env: step.env });
    for (const [role, loaded] of [['metrics', candidate], ['baseline', baseline]] as const) {
      if (loaded?.model && loaded.model !== model) {
        throw new UserError(`The ${role} file "${loaded.source}" is a report for model "${loaded.model}", but "model-name" is "${model}". Compare reports of the same model.`);
      }
    }

    const result = evaluateGates(candidate.metrics, baseline?.metrics, policy, { candidateSlices: candidate.slices ?? {}, baselineSlices: baseline?.slices });
    const notLikeForLike = Boolean(baseline?.evaluationSha256 && candidate.evaluationSha256 && baseline.evaluationSha256 !== candidate.evaluationSha256);
    const document: ComparisonDocument = {
      format: COMPARISON_FORMAT,
      model,
      verdict: result.verdict,
      candidate: side(candidate),
      baseline: baseline ? side(baseline) : null,
      baselineSource: summarizeBaseline(resolved.source),
      notLikeForLike,
      gates: input.gates ?? null,
      ...(policySource ? { policy: policySource } : {}),
      metrics: result.metrics,
      slices: result.slices,
      lineage: { candidate: await candidateLineage(input, candidate, context), ...(resolved.source.kind === 'registry' ? { baseline: baselineLineage(resolved.source.deployment.payload, resolved.source.deployment.sha) } : baseline ? { baseline: { version: baseline.version, fingerprint: baseline.fingerprint, evaluationSha256: baseline.evaluationSha256 } } : {}) },
      ...(input.history > 0 && resolved.history.length ? { history: resolved.history.slice(-input.history) } : {}),
    };

    const dir = await createStepDir(context.tempDir, 'compare-metrics', model);
    const reportPath = join(dir, 'comparison.json');
    const commentPath = join(dir, 'comment.md');
    const fullPath = join(dir, 'comparison.md');
    await writeFile(reportPath, JSON.stringify(document, null, 2) + '\n');
    const links = { serverUrl: context.serverUrl, repository: context.repository, sha: context.sha, runUrl: context.runUrl };
    await writeFile(fullPath, renderSection(document, links).body);

    let reportArtifact = '';
    if (artifactServiceAvailable(step.env)) {
      const name = reportArtifactName(model, context.runAttempt);
      try {
        await uploadArtifact(name, [{ from: reportPath, as: 'comparison.json' }, { from: fullPath, as: 'comparison.md' }], join(dir, 'report-artifact'), runner);
        reportArtifact = name;
      } catch (error) {
        runner.warning(`Could not upload the full comparison as artifact ${name} (${(error as Error).message}); it is in ${reportPath}.`);
      }
    }
    const withArtifact = { ...links, ...(reportArtifact ? { reportArtifact } : {}) };
    // The job summary holds this model's section in full (up to GitHub's 1 MiB per step).
    const summary = renderSection(document, withArtifact, 900_000);
    await writeFile(commentPath, summary.body);
    runner.appendSummary(summary.body);

    for (const entry of [...result.metrics.map((m) => ({ name: m.name, status: m.status, reasons: m.reasons })), ...result.slices.map((s) => ({ name: `${s.metric} by slice`, status: s.status, reasons: s.reasons }))]) {
      if (entry.status !== 'fail' && entry.status !== 'warn' && entry.status !== 'inconclusive') continue;
      const message = `${model}: ${entry.name} ${entry.reasons.join('; ')}`;
      if (entry.status === 'fail') runner.error(message, { title: 'compare-metrics' });
      else runner.warning(message, { title: entry.status === 'inconclusive' ? 'compare-metrics: inconclusive' : 'compare-metrics' });
    }
    const policyNote = policyAnnotation(policySource);
    if (policyNote) runner[policyNote.level](policyNote.text, { title: 'compare-metrics: gate policy' });
    runner.info(`Verdict for ${model}: ${result.verdict}. Report: ${reportPath}; comment body: ${commentPath}`);

    let commentUrl = '';
    let commentArtifact = '';
    if (input.comment) {
      const posted = await postSection({ document, links: withArtifact, token: input['github-token'], repository: context.repository, pullRequestNumber: context.pullRequest?.number, eventName: context.eventName, bodyFile: commentPath, log: runner });
      if (posted.posted) commentUrl = posted.url;
      else if (posted.why === 'read-only' && context.pullRequest) {
        commentArtifact = await handOverComment(document, step, dir, runner);
      }
    }

    set('passed', result.verdict !== 'fail');
    set('verdict', result.verdict);
    set('report', reportPath);
    set('comment-file', commentPath);
    set('baseline-version', baseline?.version ?? '');
    set('comment-url', commentUrl);
    set('comment-artifact', commentArtifact);
    set('report-artifact', reportArtifact);

    if (result.verdict === 'fail' && input['fail-on-regression']) {
      throw new UserError(`${model} fails its gates (see the table in the job summary). Set fail-on-regression: false to report without failing.`);
    }
  },
};

function side(loaded: LoadedMetrics): ComparisonDocument['candidate'] {
  return { source: loaded.source, ...(loaded.version ? { version: loaded.version } : {}), ...(loaded.evaluationSha256 ? { evaluationSha256: loaded.evaluationSha256 } : {}) };
}

const SHA = /^[0-9a-f]{1,64}$/;
const ifSha = (value: string | undefined) => (value && SHA.test(value) ? value : undefined);

async function candidateLineage(input: Inputs, candidate: LoadedMetrics, context: RunContext): Promise<LineageSide> {
  const manifest = input.manifest ? await readStructuredFile(input.manifest, manifestSchema, 'manifest') : undefined;
  if (manifest && manifest.model.name !== input['model-name']) {
    throw new UserError(`The manifest "${input.manifest}" is for model "${manifest.model.name}", not "${input['model-name']}". Pass the manifest output of the train-model step of this model.`);
  }
  return prune({
    version: candidate.version ?? manifest?.model.version,
    fingerprint: ifSha(candidate.fingerprint ?? manifest?.fingerprint),
    evaluationSha256: ifSha(candidate.evaluationSha256),
    configSha256: ifSha(manifest?.config.sha256),
    dataFiles: manifest?.data.map((file) => ({ path: file.path, sha256: file.sha256 })),
    commit: ifSha(manifest?.git.sha ?? context.sha),
  });
}

function baselineLineage(payload: { version: string; fingerprint: string; dataSha256?: string; configSha256?: string; runUrl?: string }, sha: string): LineageSide {
  return prune({ version: payload.version, fingerprint: ifSha(payload.fingerprint), evaluationSha256: ifSha(payload.dataSha256), configSha256: ifSha(payload.configSha256), commit: ifSha(sha), runUrl: payload.runUrl });
}

function prune<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * With a read-only token (a pull request from a fork), the comparison and the pull request it
 * belongs to are uploaded for a workflow_run workflow to post; see examples/workflows/post-comment.yml.
 */
async function handOverComment(document: ComparisonDocument, step: StepEnvironment, dir: string, runner: Runner): Promise<string> {
  const context = step.context();
  if (!artifactServiceAvailable(step.env)) {
    runner.warning('The comment could not be posted and there is no artifact service here to hand it to a workflow_run workflow.');
    return '';
  }
  const name = commentArtifactName(document.model, context.runAttempt);
  const files = await writeCommentRequest(join(dir, 'comment-request'), document, { number: context.pullRequest!.number, headSha: context.pullRequest!.headSha });
  await uploadArtifact(name, files, join(dir, 'comment-artifact'), runner);
  runner.notice(`The comment for pull request #${context.pullRequest!.number} is in artifact ${name}: a workflow triggered by workflow_run can post it with compare-metrics and "comment-from-run: \${{ github.event.workflow_run.id }}".`, { title: 'compare-metrics' });
  return name;
}
