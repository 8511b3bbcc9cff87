import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStepDir, readRunContext } from '../../../shared/action/context.js';
import { UserError } from '../../../shared/action/errors.js';
import type { ActionDefinition } from '../../../shared/action/run-action.js';
import type { Runner } from '../../../shared/action/runner.js';
import { resolveBaseline } from '../../../shared/comparison/baseline.js';
import { commentMarker, renderComparison } from '../../../shared/comparison/render.js';
import { evaluateGates } from '../../../shared/gates/evaluate.js';
import { postPullRequestComment } from '../../../shared/github/pull-request-comment.js';
import { loadGatePolicy } from '../../../shared/gates/policy.js';
import { loadMetrics, metricValues } from '../../../shared/metrics/report.js';
import { openRegistry } from '../../../shared/registry/github-registry.js';
import { inputs, type Inputs } from './inputs.js';
import type { OUTPUTS } from './outputs.js';

export const compareMetrics: ActionDefinition<typeof inputs> = {
  name: 'compare-metrics',
  inputs,
  async run(input: Inputs, runner: Runner) {
    const model = input['model-name'];
    const context = readRunContext();
    const candidate = await loadMetrics(input.metrics, 'metrics file');
    const registry = input.baseline ? undefined : await openRegistry(input['github-token'], context, runner);
    const { metrics: baseline, source: baselineSource } = await resolveBaseline({ file: input.baseline, model, environment: input['baseline-environment'], registry, context, log: runner });
    const policy = await loadGatePolicy(input.gates);
    for (const [role, loaded] of [['metrics', candidate], ['baseline', baseline]] as const) {
      if (loaded?.model && loaded.model !== model) {
        throw new UserError(`The ${role} file "${loaded.source}" is a report for model "${loaded.model}", but "model-name" is "${model}". Compare reports of the same model.`);
      }
    }

    const result = evaluateGates(metricValues(candidate), baseline && metricValues(baseline), policy);
    const notLikeForLike = Boolean(baseline?.evaluationSha256 && candidate.evaluationSha256 && baseline.evaluationSha256 !== candidate.evaluationSha256);
    const markdown = renderComparison({ model, result, candidate, baseline, baselineSource, context, notLikeForLike });

    const dir = await createStepDir(context.tempDir, 'compare-metrics', model);
    const reportPath = join(dir, 'comparison.json');
    const commentPath = join(dir, 'comment.md');
    const report = {
      format: 'mlops-actions/comparison@1',
      model,
      verdict: result.verdict,
      candidate: { source: candidate.source, version: candidate.version ?? null },
      baseline: baseline ? { source: baseline.source, version: baseline.version ?? null, origin: baselineSource.kind } : null,
      notLikeForLike,
      gates: input.gates ?? null,
      metrics: result.metrics,
    };
    await writeFile(reportPath, JSON.stringify(report, null, 2) + '\n');
    await writeFile(commentPath, markdown);
    runner.appendSummary(markdown);

    for (const metric of result.metrics.filter((m) => m.status === 'fail' || m.status === 'warn')) {
      const message = `${model}: ${metric.name} ${metric.reasons.join('; ')}`;
      if (metric.status === 'fail') runner.error(message, { title: 'compare-metrics' });
      else runner.warning(message, { title: 'compare-metrics' });
    }
    runner.info(`Verdict for ${model}: ${result.verdict}. Report: ${reportPath}; comment body: ${commentPath}`);
    const commentUrl = input.comment
      ? await postPullRequestComment({ context, token: input['github-token'], marker: commentMarker(model), body: markdown, bodyFile: commentPath, log: runner })
      : '';

    const set = (name: (typeof OUTPUTS)[number], value: string | boolean) => runner.setOutput(name, value);
    set('passed', result.verdict !== 'fail');
    set('verdict', result.verdict);
    set('report', reportPath);
    set('comment-file', commentPath);
    set('baseline-version', baseline?.version ?? '');
    set('comment-url', commentUrl);

    if (result.verdict === 'fail' && input['fail-on-regression']) {
      throw new UserError(`${model} fails its gates (see the table in the job summary). Set fail-on-regression: false to report without failing.`);
    }
  },
};
