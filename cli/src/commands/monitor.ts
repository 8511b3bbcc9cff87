/** `mlops-actions monitor`: the monitor-model action on local files, with its inputs as flags. */
import { monitorModel } from '../../../actions/monitor-model/src/run.js';
import { inputFlagsHelp, runActionCommand } from '../action-command.js';
import {
  confined,
  copyOut,
  inputFlags,
  inputValues,
  parseFlags,
  stepIn,
  type Command,
} from '../usage.js';

const INPUTS = [
  'model-name',
  'environment',
  'data',
  'reference',
  'reference-predictions',
  'schema',
  'policy',
  'task',
  'label-column',
  'prediction-column',
  'score-columns',
  'positive-label',
  'fail-on',
  'seed',
] as const;
const LISTS = ['data', 'score-columns'];

export const monitor: Command = {
  name: 'monitor',
  summary:
    'compares serving data with a reference profile for drift and performance, as monitor-model does',
  help: async () => `Usage: mlops-actions monitor --model-name <name> --data <file> --reference <profile.json> [options]

Judges a window of serving data against the training data's profile, as the monitor-model
action does with its own code and defaults: drift of every input and of the model's outputs,
data quality, and, with --task, the performance measured on labels or estimated from scores.
Prints the status and writes the monitor report (--out). Locally there is no registry: give
the reference profile (validate-data's profile of the training data). The issue and the
retraining dispatch are the action's, on GitHub. List flags (--data, --score-columns) repeat.

Options (the monitor-model inputs):
${await inputFlagsHelp('monitor-model', INPUTS)}
  --out <report.json>   where to write the monitor report (default: a temporary folder, printed)
  --summary <file.md>   also write the Markdown job summary there
  --workspace <dir>     the folder every file must lie in (default: the current folder)
  --verbose             print debug lines
  -h, --help            this help

Example: mlops-actions monitor --model-name churn --data serving.csv \\
           --reference training-profile.json --task binary --score-columns proba
`,
  async run(args) {
    const { values } = parseFlags(args, {
      ...inputFlags(INPUTS, LISTS),
      out: { type: 'string' },
      summary: { type: 'string' },
      workspace: { type: 'string' },
      verbose: { type: 'boolean' },
    });
    // No registry locally: the reference is a file, and nothing is written to GitHub.
    const step = stepIn(values.workspace, {
      GITHUB_REPOSITORY: undefined,
      GITHUB_EVENT_PATH: undefined,
      GITHUB_EVENT_NAME: undefined,
    });
    if (values.summary) await confined(step, [values.summary], 'summary file', 'any');
    const { status, outputs } = await runActionCommand({
      action: monitorModel,
      inputs: {
        ...inputValues(values, INPUTS),
        issue: 'never',
        'github-token': 'none',
        'retrain-ref': 'none',
      },
      step,
      summaryPath: values.summary,
      verbose: values.verbose,
    });
    if (status === 0) await copyOut(step, outputs.report ?? '', values.out);
    return status;
  },
};
