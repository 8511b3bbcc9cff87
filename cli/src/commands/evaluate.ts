/** `mlops-actions evaluate`: the evaluate-model action, with its inputs as flags. */
import { evaluateModel } from '../../../actions/evaluate-model/src/run.js';
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
  'predictions',
  'metrics',
  'task',
  'label-column',
  'prediction-column',
  'score-columns',
  'positive-label',
  'weight-column',
  'missing-labels',
  'missing-values',
  'slices',
  'min-slice-size',
  'sensitive-features',
  'min-group-size',
  'bootstrap',
  'confidence',
  'bootstrap-seed',
  'manifest',
] as const;
const LISTS = ['score-columns', 'missing-values', 'slices', 'sensitive-features'];

export const evaluate: Command = {
  name: 'evaluate',
  summary: 'computes a metrics report from a predictions file, as evaluate-model does',
  help: async () => `Usage: mlops-actions evaluate --model-name <name> --predictions <file> --task <task> [options]

Computes metrics from a predictions file as scikit-learn computes them (with bootstrap
confidence intervals and slices), or takes the metrics file your own code wrote, through the
evaluate-model action's own code and defaults; writes the metrics report (--out) and prints
the metric values. List flags (--score-columns, --slices, --missing-values,
--sensitive-features) repeat.

Options (the evaluate-model inputs):
${await inputFlagsHelp('evaluate-model', INPUTS)}
  --out <report.json>   where to write the metrics report (default: a temporary folder, printed)
  --summary <file.md>   also write the Markdown job summary there
  --workspace <dir>     the folder every file must lie in (default: the current folder)
  --verbose             print debug lines
  -h, --help            this help

Example: mlops-actions evaluate --model-name churn --predictions preds.csv --task binary \\
           --score-columns proba --out metrics.json
`,
  async run(args) {
    const { values } = parseFlags(args, {
      ...inputFlags(INPUTS, LISTS),
      out: { type: 'string' },
      summary: { type: 'string' },
      workspace: { type: 'string' },
      verbose: { type: 'boolean' },
    });
    const step = stepIn(values.workspace);
    if (values.summary) await confined(step, [values.summary], 'summary file', 'any');
    const { status, outputs } = await runActionCommand({
      action: evaluateModel,
      inputs: inputValues(values, INPUTS),
      step,
      summaryPath: values.summary,
      verbose: values.verbose,
    });
    if (status === 0) await copyOut(step, outputs.metrics ?? '', values.out);
    return status;
  },
};
