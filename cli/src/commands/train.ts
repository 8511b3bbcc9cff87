/**
 * `mlops-actions train`: the train-model action, with its inputs as flags. `--dry-run` runs
 * nothing: it prints the fingerprint and version the run would have and whether the run cache
 * holds its outputs (through planTraining, the same confinement and hashing as the action).
 * Without it the command trains as the action does: the command runs with the same pins and
 * the manifest is written (the cache and the artifact only where a runner offers them).
 */
import { trainingRequest, trainModel } from '../../../actions/train-model/src/run.js';
import { inputs as trainInputs } from '../../../actions/train-model/src/inputs.js';
import { createCliRunner } from '../../../shared/action/cli-runner.js';
import { InputError, isUserError } from '../../../shared/action/errors.js';
import { readInputs } from '../../../shared/action/inputs.js';
import { planTraining } from '../../../shared/training/train.js';
import {
  actionInputs,
  FLAG_NAMING,
  inputFlagsHelp,
  runActionCommand,
  terminalWording,
} from '../action-command.js';
import { inputFlags, inputValues, parseFlags, stepIn, UsageError, type Command } from '../usage.js';

const INPUTS = [
  'model-name',
  'run',
  'config',
  'data',
  'code',
  'outputs',
  'seed',
  'cache',
  'strict-pins',
  'working-directory',
  'hide-config-keys',
  'owner',
] as const;
const LISTS = ['data', 'code', 'outputs', 'hide-config-keys', 'owner'];

export const train: Command = {
  name: 'train',
  summary: 'trains a model as train-model does, or with --dry-run prints its fingerprint',
  help: async () => `Usage: mlops-actions train --model-name <name> --run <command> --config <file>
                           --outputs <model file> [--data <file> ...] [--dry-run] [options]

With --dry-run: prints the fingerprint and version the training would have (over the config,
data, code, lock files, command, seed and platform) and whether the run cache would hit, and
runs nothing. Without it: runs the command as the train-model action does (same pins and
environment) and writes the lineage manifest; the run cache and the artifact upload exist only
on a GitHub runner, so here the command always runs. List flags (--data, --code, --outputs,
--hide-config-keys, --owner) repeat.

Options (the train-model inputs):
${await inputFlagsHelp('train-model', INPUTS)}
  --dry-run             print the fingerprint and the cache look-up; train nothing
  --workspace <dir>     the folder every file must lie in (default: the current folder)
  --verbose             print debug lines
  -h, --help            this help

Example: mlops-actions train --dry-run --model-name churn --run 'python train.py' \\
           --config params.yaml --data data/train.csv --outputs model.pkl
`,
  async run(args) {
    const { values } = parseFlags(args, {
      ...inputFlags(INPUTS, LISTS),
      'dry-run': { type: 'boolean' },
      workspace: { type: 'string' },
      verbose: { type: 'boolean' },
    });
    const step = stepIn(values.workspace);
    const given = inputValues(values, INPUTS);
    if (!values['dry-run'])
      return (
        await runActionCommand({ action: trainModel, inputs: given, step, verbose: values.verbose })
      ).status;
    const word = terminalWording(INPUTS);
    const runner = createCliRunner({
      inputs: await actionInputs('train-model', given),
      verbose: values.verbose,
      write: (line) => process.stderr.write(`${word(line)}\n`),
    });
    try {
      const input = readInputs(trainInputs, runner.getInput, FLAG_NAMING);
      const plan = await planTraining(trainingRequest(input), step, runner);
      process.stdout.write(
        [
          `fingerprint: ${plan.fingerprint}`,
          `version: ${plan.version}`,
          `cache-key: ${plan.cacheKey}`,
          `cache-hit: ${plan.cacheHit === undefined ? 'unknown (no cache service here: the run cache exists on a GitHub runner only)' : plan.cacheHit}`,
          '',
        ].join('\n'),
      );
      return 0;
    } catch (error) {
      if (error instanceof InputError) throw new UsageError(word(error.message));
      if (!isUserError(error)) throw error;
      process.stderr.write(`error: [train-model] ${word(error.message)}\n`);
      return 1;
    }
  },
};
