import type { StepEnvironment } from '../../../shared/action/context.js';
import { UserError } from '../../../shared/action/errors.js';
import type { ActionDefinition } from '../../../shared/action/run-action.js';
import type { Runner } from '../../../shared/action/runner.js';
import { annotate, renderValidationSummary } from '../../../shared/validation/summary.js';
import { validateDataStep } from '../../../shared/validation/validate-step.js';
import { inputs, type Inputs } from './inputs.js';
import type { OUTPUTS } from './outputs.js';

export const validateData: ActionDefinition<typeof inputs> = {
  name: 'validate-data',
  inputs,
  async run(input: Inputs, runner: Runner, step: StepEnvironment) {
    if (input.data.length === 0)
      throw new UserError(
        'Input "data" lists no files: give at least one data file path or glob pattern, one per line.',
      );
    const { result, files, reportPath, profilePath } = await validateDataStep(
      {
        data: input.data,
        schema: input.schema,
        ...(input.profile ? { profile: input.profile } : {}),
        format: input.format,
        dialect: {
          delimiter: input.delimiter,
          quoteChar: input['quote-char'],
          escapeChar: input['escape-char'],
        },
        maxFindings: input['max-errors'],
      },
      runner,
      step,
    );

    annotate(result, runner, reportPath);
    runner.appendSummary(renderValidationSummary(result, input.schema, reportPath, input.profile));
    runner.info(
      `${result.rows} rows in ${files} file(s): ${result.errors} error(s), ${result.warnings} warning(s). Report: ${reportPath}. Profile: ${profilePath}`,
    );
    const set = (name: (typeof OUTPUTS)[number], value: string | number | boolean) =>
      runner.setOutput(name, value);
    set('valid', result.errors === 0);
    set('report', reportPath);
    set('profile', profilePath);
    set('rows', result.rows);
    set('errors', result.errors);
    set('warnings', result.warnings);

    const failOn = input['fail-on'];
    if (failOn === 'error' && result.errors > 0)
      throw new UserError(
        `Data validation found ${result.errors} error(s) (fail-on: error). The annotations and the job summary list them; fix the data or the schema.`,
      );
    if (failOn === 'warning' && result.errors + result.warnings > 0)
      throw new UserError(
        `Data validation found ${result.errors} error(s) and ${result.warnings} warning(s) (fail-on: warning).`,
      );
  },
};
