import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStepDir, runnerTempDir } from '../../../shared/action/context.js';
import { UserError } from '../../../shared/action/errors.js';
import type { ActionDefinition } from '../../../shared/action/run-action.js';
import type { Runner } from '../../../shared/action/runner.js';
import { formatFromExtension, type DelimitedFormat } from '../../../shared/data/delimited.js';
import { loadTableSchema } from '../../../shared/schema/table-schema.js';
import { annotate, renderValidationSummary } from '../../../shared/validation/present.js';
import { validateFiles, type DataFile } from '../../../shared/validation/validate.js';
import { inputs, type Inputs } from './inputs.js';
import type { OUTPUTS } from './outputs.js';

export const validateData: ActionDefinition<typeof inputs> = {
  name: 'validate-data',
  inputs,
  async run(input: Inputs, runner: Runner) {
    if (input.data.length === 0) throw new UserError('Input "data" lists no files: give at least one data file path, one per line.');
    const files = input.data.map((path) => ({ path, format: resolveFormat(path, input.format) }) satisfies DataFile);
    const schema = await loadTableSchema(input.schema);

    const result = await runner.group(`Validating ${files.length} file(s) against ${input.schema}`, () => validateFiles(files, schema, input['max-errors']));

    const dir = await createStepDir(runnerTempDir(), 'validate-data', 'data');
    const reportPath = join(dir, 'validation-report.json');
    const valid = result.errors === 0;
    const report = { format: 'mlops-actions/validation-report@1', valid, schema: input.schema, ...result };
    await writeFile(reportPath, JSON.stringify(report, null, 2) + '\n');

    annotate(result, runner, reportPath);
    runner.appendSummary(renderValidationSummary(result, input.schema, reportPath));
    runner.info(`${result.rows} rows in ${files.length} file(s): ${result.errors} error(s), ${result.warnings} warning(s). Report: ${reportPath}`);

    const set = (name: (typeof OUTPUTS)[number], value: string | number | boolean) => runner.setOutput(name, value);
    set('valid', valid);
    set('report', reportPath);
    set('rows', result.rows);
    set('errors', result.errors);
    set('warnings', result.warnings);

    const failOn = input['fail-on'];
    if (failOn === 'error' && result.errors > 0) throw new UserError(`Data validation found ${result.errors} error(s) (fail-on: error). The annotations and the job summary list them; fix the data or the schema.`);
    if (failOn === 'warning' && result.errors + result.warnings > 0) throw new UserError(`Data validation found ${result.errors} error(s) and ${result.warnings} warning(s) (fail-on: warning).`);
  },
};

function resolveFormat(path: string, format: Inputs['format']): DelimitedFormat {
  if (format !== 'auto') return format;
  const detected = formatFromExtension(path);
  if (!detected) throw new UserError(`Cannot tell the format of data file "${path}" from its extension (expected .csv, .tsv or .tab, optionally .gz). Set the "format" input to csv or tsv.`);
  return detected;
}
