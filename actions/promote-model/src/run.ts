import { resolve } from 'node:path';
import { createStepDir, type StepEnvironment } from '../../../shared/action/context.js';
import type { ActionDefinition } from '../../../shared/action/run-action.js';
import type { Runner } from '../../../shared/action/runner.js';
import { confineFileInputs, confinePath, stepConfinement } from '../../../shared/files/confine.js';
import { loadGatePolicy } from '../../../shared/gates/policy.js';
import { candidateFiles } from '../../../shared/registry/candidate-files.js';
import { openRegistry } from '../../../shared/registry/github-registry.js';
import { promote } from '../../../shared/registry/promote.js';
import {
  renderApprovalCheck,
  renderPromotionSummary,
} from '../../../shared/registry/promotion-summary.js';
import { candidateSource, inputs, refuseDryRunWithDigest, type Inputs } from './inputs.js';
import type { OUTPUTS } from './outputs.js';

export const promoteModel: ActionDefinition<typeof inputs> = {
  name: 'promote-model',
  inputs,
  async run(input: Inputs, runner: Runner, step: StepEnvironment) {
    const model = input['model-name'];
    refuseDryRunWithDigest(input);
    const context = step.context();
    const confinement = await stepConfinement(context.workspace, context.tempDir);
    const cwd = await confinePath(input['working-directory'], confinement, {
      what: 'working directory',
      input: 'working-directory',
      baseDir: process.cwd(),
      kind: 'folder',
    });
    await confineFileInputs(input, ['manifest', 'metrics', 'gates', 'profile'], confinement, cwd);
    const registry = await openRegistry(input['github-token'], context, runner, step.github);
    const candidate = await candidateFiles(candidateSource(input), {
      model,
      workingDirectory: input['working-directory'],
      registry,
      token: input['github-token'],
      tempDir: step.tempDir,
      env: step.env,
      log: runner,
    });
    const outcome = await promote({
      model,
      environment: input.environment,
      version: input.version,
      candidate,
      policy: await loadGatePolicy(input.gates, cwd),
      overrideReason: input['override-reason'],
      ref: input.ref,
      profilePath: input.profile && resolve(cwd, input.profile),
      env: step.env,
      workingDirectory: cwd,
      registry,
      context,
      stepDir: await createStepDir(context.tempDir, 'promote-model', model),
      log: runner,
      now: new Date(),
      dryRun: input['dry-run'],
      approvedDigest: input['approved-digest'],
    });
    if (outcome.dryRun) {
      runner.appendSummary(renderApprovalCheck(outcome));
    } else if (!outcome.alreadyCurrent) {
      runner.info(
        `Promoted ${model} ${outcome.version} to ${input.environment}${outcome.deploymentId ? ` (deployment ${outcome.deploymentId})` : ''}. Record: ${outcome.recordPath}`,
      );
      runner.appendSummary(renderPromotionSummary(outcome));
      if (!outcome.record?.approval)
        runner.notice(
          `The promotion of ${model} ${outcome.version} to ${input.environment} was not bound to an approved comparison (no approved-digest): see the job summary.`,
          { title: 'promote-model' },
        );
    }
    const set = (name: (typeof OUTPUTS)[number], value: string | number | undefined) =>
      runner.setOutput(name, value === undefined ? '' : String(value));
    set('version', outcome.version);
    set('record', outcome.recordPath);
    set('deployment-id', outcome.deploymentId);
    set('previous-version', outcome.previous?.payload.version);
    set('release-url', outcome.releaseUrl);
    set('comparison-digest', outcome.comparisonDigest);
  },
};
