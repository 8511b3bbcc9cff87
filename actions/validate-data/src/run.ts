import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createStepDir, type StepEnvironment } from '../../../shared/action/context.js';
import { UserError } from '../../../shared/action/errors.js';
import type { ActionDefinition } from '../../../shared/action/run-action.js';
import type { Runner } from '../../../shared/action/runner.js';
import { detectFormat, type DataFormat } from '../../../shared/data/records.js';
import { confinePath, confinePaths, stepConfinement } from '../../../shared/files/confine.js';
import { displayPath, expandPaths } from '../../../shared/files/expand.js';
import { loadTableSchema } from '../../../shared/schema/table-schema.js';
import { annotate, renderValidationSummary } from '../../../shared/validation/summary.js';
import { validationWorkers } from '../../../shared/validation/shard-worker.js';
import { validateFiles, type DataFile } from '../../../shared/validation/validate.js';
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
    const confinement = await stepConfinement(step.workspace, step.tempDir);
    const cwd = process.cwd();
    const paths = (await expandPaths(input.data, cwd, 'data file')).map((path) =>
      displayPath(path, cwd),
    );
    await confinePaths(paths, confinement, { what: 'data file', input: 'data', baseDir: cwd });
    const files = paths.map(
      (path) => ({ path, format: resolveFormat(path, input.format) }) satisfies DataFile,
    );
    await confinePath(input.schema, confinement, {
      what: 'schema file',
      input: 'schema',
      baseDir: cwd,
    });
    if (input.profile)
      await confinePath(input.profile, confinement, {
        what: 'profile file',
        input: 'profile',
        baseDir: cwd,
        kind: 'any',
      });
    const schema = await loadTableSchema(input.schema);
    const dialect = {
      delimiter: input.delimiter,
      quoteChar: input['quote-char'],
      escapeChar: input['escape-char'],
    };

    const result = await runner.group(
      `Validating ${files.length} file(s) against ${input.schema}`,
      () =>
        validateFiles(files, schema, {
          maxFindings: input['max-errors'],
          dialect,
          parallel: validationWorkers(),
          onProgress: ({ file, rows, rowsPerSecond }) =>
            runner.info(
              `${file}: ${rows.toLocaleString('en-US')} rows read (${Math.round(rowsPerSecond).toLocaleString('en-US')} rows/s)`,
            ),
        }),
    );

    const dir = await createStepDir(step.tempDir, 'validate-data', 'data');
    const reportPath = join(dir, 'validation-report.json');
    const valid = result.errors === 0;
    const { profile, ...rest } = result;
    const report = {
      format: 'mlops-actions/validation-report@1',
      valid,
      schema: input.schema,
      ...rest,
    };
    await writeFile(reportPath, JSON.stringify(report, null, 2) + '\n');
    const profilePath = input.profile ?? join(dir, 'data-profile.json');
    await mkdir(dirname(profilePath), { recursive: true });
    await writeFile(profilePath, JSON.stringify(profile) + '\n');

    annotate(result, runner, reportPath);
    runner.appendSummary(renderValidationSummary(result, input.schema, reportPath, input.profile));
    runner.info(
      `${result.rows} rows in ${files.length} file(s): ${result.errors} error(s), ${result.warnings} warning(s). Report: ${reportPath}. Profile: ${profilePath}`,
    );

    const set = (name: (typeof OUTPUTS)[number], value: string | number | boolean) =>
      runner.setOutput(name, value);
    set('valid', valid);
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

function resolveFormat(path: string, format: Inputs['format']): DataFormat {
  return format !== 'auto' ? format : detectFormat(path, 'data file', 'Set the "format" input.');
}
