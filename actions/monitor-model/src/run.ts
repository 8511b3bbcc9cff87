import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStepDir, type StepEnvironment } from '../../../shared/action/context.js';
import { UserError } from '../../../shared/action/errors.js';
import type { ActionDefinition } from '../../../shared/action/run-action.js';
import type { Runner } from '../../../shared/action/runner.js';
import { confineFileInputs, stepConfinement } from '../../../shared/files/confine.js';
import { loadGatePolicy } from '../../../shared/gates/policy.js';
import { driftedWorstFirst } from '../../../shared/monitor/assess.js';
import { deployedReference } from '../../../shared/monitor/deployed.js';
import { reportOnGitHub } from '../../../shared/monitor/on-github.js';
import { workflowKey } from '../../../shared/monitor/retrain.js';
import { monitorWindow } from '../../../shared/monitor/monitor.js';
import type { MonitorReport } from '../../../shared/monitor/monitor-report.js';
import { monitorPolicyOf } from '../../../shared/monitor/policy.js';
import { renderMonitorReport } from '../../../shared/monitor/render.js';
import { scoreColumns } from '../../../shared/metrics/score-columns.js';
import { openRegistry } from '../../../shared/registry/github-registry.js';
import { inputs, type Inputs } from './inputs.js';
import type { OUTPUTS } from './outputs.js';

export const monitorModel: ActionDefinition<typeof inputs> = {
  name: 'monitor-model',
  inputs,
  async run(input: Inputs, runner: Runner, step: StepEnvironment) {
    const model = input['model-name'];
    const environment = input.environment;
    const context = step.context();
    await confineFileInputs(
      input,
      ['reference', 'reference-predictions', 'schema', 'policy'],
      await stepConfinement(context.workspace, context.tempDir),
    );
    // A misnamed retraining workflow fails now, not on the day the model first drifts.
    if (input.retrain) workflowKey(input.retrain);
    const policy = await loadGatePolicy(input.policy);
    const monitorPolicy = monitorPolicyOf(policy);
    const registry = await openRegistry(input['github-token'], context, runner, step.github);
    const deployed =
      registry &&
      (await deployedReference({
        registry,
        model,
        environment,
        token: input['github-token'],
        step,
      }));
    const report = await monitorWindow(
      {
        model,
        environment,
        data: input.data,
        ...(input.reference ? { reference: input.reference } : {}),
        ...(input['reference-predictions']
          ? { referencePredictions: input['reference-predictions'] }
          : {}),
        ...(input.schema ? { schema: input.schema } : {}),
        policy,
        ...(input.task ? { task: input.task } : {}),
        labelColumn: input['label-column'],
        predictionColumn: input['prediction-column'],
        ...(input['score-columns'] && input.task && input.task !== 'regression'
          ? {
              scoreColumns: scoreColumns(
                input['score-columns'],
                input.task,
                input['positive-label'],
              ),
            }
          : {}),
        positiveLabel: input['positive-label'],
        seed: input.seed,
        ...(deployed ? { deployed } : {}),
        ...(context.runUrl ? { runUrl: context.runUrl } : {}),
        now: new Date(),
      },
      runner,
      step,
    );
    const dir = await createStepDir(context.tempDir, 'monitor-model', model);
    const reportPath = join(dir, 'monitor-report.json');
    const github = await reportOnGitHub(registry, report, {
      issue: input.issue,
      labels: input['issue-labels'],
      ...(input.retrain ? { retrain: { workflow: input.retrain, ref: input['retrain-ref'] } } : {}),
      policy: monitorPolicy,
      log: runner,
      now: new Date(),
    });
    const final: MonitorReport = { ...github.report };
    await writeFile(reportPath, JSON.stringify(final, null, 2) + '\n');
    runner.appendSummary(renderMonitorReport(final, github.history, reportPath));
    logOutcome(final, runner);

    const drifted = [
      ...driftedWorstFirst(final.drift),
      ...(final.predictionDrift ? driftedWorstFirst(final.predictionDrift) : []),
    ].map((f) => f.name);
    const set = (name: (typeof OUTPUTS)[number], value: string) => runner.setOutput(name, value);
    set('status', final.status);
    set('drifted-features', JSON.stringify(drifted));
    set('report', reportPath);
    set('issue-url', final.issue?.url ?? '');
    set('retrain-dispatched', String(final.retrain?.dispatched ?? false));

    const failOn = input['fail-on'];
    if (
      (failOn === 'degraded' && final.status === 'degraded') ||
      (failOn === 'drifting' && final.status !== 'healthy')
    )
      throw new UserError(
        `${model} in ${environment} is ${final.status} (fail-on: ${failOn}): ${final.findings
          .filter((f) => f.level === 'fail')
          .map((f) => f.message)
          .join(' ')}`,
      );
  },
};

function logOutcome(report: MonitorReport, runner: Runner): void {
  runner.info(
    `${report.model} in ${report.environment}${report.deployed ? ` (${report.deployed.version})` : ''}: ${report.status}. ${report.drift.dataset.driftedFeatures.length} of ${report.drift.dataset.compared} input columns drift.`,
  );
  for (const finding of report.findings) {
    if (finding.level === 'fail')
      runner.warning(finding.message, { title: `monitor-model: ${report.status}` });
    else if (finding.level === 'warn') runner.warning(finding.message);
    else runner.info(finding.message);
  }
}
