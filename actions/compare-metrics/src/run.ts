import type { StepEnvironment } from '../../../shared/action/context.js';
import { UserError } from '../../../shared/action/errors.js';
import type { ActionDefinition } from '../../../shared/action/run-action.js';
import type { Runner } from '../../../shared/action/runner.js';
import { compareCandidate } from '../../../shared/comparison/compare.js';
import { confineFileInputs, stepConfinement } from '../../../shared/files/confine.js';
import { inputs, requireOneMode, type Inputs } from './inputs.js';
import type { OUTPUTS } from './outputs.js';
import { postFromRun } from './post-from-run.js';

export const compareMetrics: ActionDefinition<typeof inputs> = {
  name: 'compare-metrics',
  inputs,
  async run(input: Inputs, runner: Runner, step: StepEnvironment) {
    await confineFileInputs(
      input,
      ['metrics', 'baseline', 'gates', 'manifest', 'baseline-manifest'],
      await stepConfinement(step.workspace, step.tempDir),
    );
    const set = (name: (typeof OUTPUTS)[number], value: string | boolean) =>
      runner.setOutput(name, value);
    const metrics = requireOneMode(input);
    if (metrics === undefined) return postFromRun(input, step, runner, set);
    const model = input['model-name'];
    const request = {
      model,
      metrics,
      baseline: input.baseline,
      baselineEnvironment: input['baseline-environment'],
      gates: input.gates,
      gatesFrom: input['gates-from'],
      manifest: input.manifest,
      baselineManifest: input['baseline-manifest'],
      history: input.history,
      token: input['github-token'],
      comment: input.comment,
      mention: input.mention,
    };
    const outcome = await compareCandidate(request, step, runner);
    const { verdict } = outcome.document;
    set('passed', verdict !== 'fail');
    set('verdict', verdict);
    set('report', outcome.reportPath);
    set('comment-file', outcome.commentPath);
    set('baseline-version', outcome.document.baseline?.version ?? '');
    set('comment-url', outcome.commentUrl);
    set('comment-artifact', outcome.commentArtifact);
    set('report-artifact', outcome.reportArtifact);
    if (verdict === 'fail' && input['fail-on-regression']) {
      throw new UserError(
        `${model} fails its gates (see the table in the job summary). Set fail-on-regression: false to report without failing.`,
      );
    }
  },
};
