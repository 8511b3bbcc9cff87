/** `mlops-actions validate`: the validate-data action itself, with its inputs as flags. */
import { validateData } from '../../../actions/validate-data/src/run.js';
import { inputFlagsHelp, runActionCommand } from '../action-command.js';
import { progressReporter } from '../progress.js';
import { confined, parseFlags, stepIn, type Command } from '../usage.js';

const INPUTS = [
  'data',
  'schema',
  'format',
  'delimiter',
  'quote-char',
  'escape-char',
  'fail-on',
  'max-errors',
  'profile',
] as const;

export const validate: Command = {
  name: 'validate',
  summary: 'validates data files against a Table Schema, as validate-data does',
  help: async () => `Usage: mlops-actions validate --data <path|glob> [--data ...] --schema <file> [options]

Validates data files against a Table Schema (or a Data Package), through the validate-data
action's own code and defaults. Findings go to standard output, one a line; on a terminal a
progress bar on standard error shows large files' progress.

Options (the validate-data inputs):
${await inputFlagsHelp('validate-data', INPUTS)}
  --summary <file.md>   also write the Markdown job summary there
  --workspace <dir>     the folder every file must lie in (default: the current folder)
  --verbose             print debug lines
  -h, --help            this help

Exit status 0 when the data pass by --fail-on, 1 when they do not, 2 for a usage mistake.
Example: mlops-actions validate --data 'data/*.csv' --schema schema.yaml --profile profile.json
`,
  async run(args) {
    const { values } = parseFlags(args, {
      data: { type: 'string', multiple: true },
      schema: { type: 'string' },
      format: { type: 'string' },
      profile: { type: 'string' },
      'fail-on': { type: 'string' },
      'max-errors': { type: 'string' },
      delimiter: { type: 'string' },
      'quote-char': { type: 'string' },
      'escape-char': { type: 'string' },
      summary: { type: 'string' },
      verbose: { type: 'boolean' },
      workspace: { type: 'string' },
    });
    const { data, summary, verbose, workspace, ...rest } = values;
    const step = stepIn(workspace);
    if (summary) await confined(step, [summary], 'summary file', 'any');
    const progress = progressReporter();
    try {
      const { status } = await runActionCommand({
        action: validateData,
        inputs: { ...rest, data: data?.join('\n') },
        step,
        summaryPath: summary,
        verbose,
        write: progress.write,
        progress: progress.progress,
      });
      return status;
    } finally {
      progress.stop();
    }
  },
};
