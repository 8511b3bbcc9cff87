import type { StepEnvironment } from '../../../shared/action/context.js';
import type { ActionDefinition } from '../../../shared/action/run-action.js';
import type { Runner } from '../../../shared/action/runner.js';
import { renderTrainingSummary } from '../../../shared/training/summary.js';
import { trainAndRecord } from '../../../shared/training/train.js';
import { inputs, type Inputs } from './inputs.js';
import type { OUTPUTS } from './outputs.js';

/** The action's inputs as the training request: one mapping for the action and the CLI's dry run. */
export function trainingRequest(input: Inputs) {
  return {
    model: input['model-name'],
    command: input.run,
    config: input.config,
    data: input.data ?? [],
    code: input.code,
    outputs: input.outputs,
    seed: input.seed,
    cache: input.cache,
    strictPins: input['strict-pins'],
    workingDirectory: input['working-directory'],
    hideConfigKeys: input['hide-config-keys'],
    owner: input.owner,
  };
}

export const trainModel: ActionDefinition<typeof inputs> = {
  name: 'train-model',
  inputs,
  async run(input: Inputs, runner: Runner, step: StepEnvironment) {
    const outcome = await trainAndRecord(trainingRequest(input), step, runner);
    runner.appendSummary(renderTrainingSummary(outcome.manifest));
    const set = (name: (typeof OUTPUTS)[number], value: string) => runner.setOutput(name, value);
    set('fingerprint', outcome.manifest.fingerprint);
    set('version', outcome.manifest.model.version);
    set('manifest', outcome.manifestPath);
    set('model-path', outcome.modelPath);
    set('cache-hit', String(outcome.cacheHit));
    set('training-seconds', outcome.manifest.training.durationSeconds.toFixed(1));
    set('artifact-name', outcome.artifact?.name ?? '');
    set('artifact-id', outcome.artifact ? String(outcome.artifact.id) : '');
  },
};
