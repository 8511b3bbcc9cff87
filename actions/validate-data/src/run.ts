import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createStepDir, type StepEnvironment } from '../../../shared/action/context.js';
import { UserError } from '../../../shared/action/errors.js';
import type { ActionDefinition } from '../../../shared/action/run-action.js';
import type { Runner } from '../../../shared/action/runner.js';
import { detectFormat, type DataFormat } from '../../../shared/data/records.js';
import { confinePath, confinePaths, stepConfinement } from '../../../shared/files/confine.js';
import { expandPathsAsWritten } from '../../../shared/files/expand.js';
import {
  loadSchemaInput,
  type PackageResource,
  type SchemaInput,
} from '../../../shared/schema/data-package.js';
import { annotate, renderValidationSummary } from '../../../shared/validation/summary.js';
import { validationWorkers } from '../../../shared/validation/shard-worker.js';
import {
  mergeResults,
  validateFiles,
  type DataFile,
  type ValidationResult,
} from '../../../shared/validation/validate.js';
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
    const paths = await expandPathsAsWritten(input.data, cwd, 'data file');
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
    const loaded = await loadSchemaInput(input.schema, confinement, cwd);
    for (const schema of loaded.kind === 'schema'
      ? [loaded.schema]
      : loaded.resources.map((r) => r.schema))
      for (const warning of schema.warnings)
        runner.warning(`${schema.source}: ${warning.message}`, {
          file: schema.source,
          line: warning.line,
        });
    const dialect = {
      delimiter: input.delimiter,
      quoteChar: input['quote-char'],
      escapeChar: input['escape-char'],
    };
    const tables = loaded.kind === 'package' ? loaded.resources : [];

    const results: ValidationResult[] = [];
    const parts = partsToValidate(files, loaded, input.schema);
    for (const part of parts)
      results.push(
        await runner.group(
          `Validating ${part.files.length} file(s) against ${part.schema.source}${part.name ? ` (resource "${part.name}")` : ''}`,
          () =>
            validateFiles(
              part.files,
              part.schema,
              {
                maxFindings: input['max-errors'],
                dialect,
                parallel: validationWorkers(),
                onProgress: ({ file, rows, rowsPerSecond }) =>
                  runner.info(
                    `${file}: ${rows.toLocaleString('en-US')} rows read (${Math.round(rowsPerSecond).toLocaleString('en-US')} rows/s)`,
                  ),
              },
              tables,
            ),
        ),
      );
    const result = mergeResults(results, input['max-errors']);

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
    // A Data Package's resources have different columns: one profile each, the first at `profile`.
    for (const [i, part] of parts.entries()) {
      if (i === 0) continue;
      const path = profilePath.replace(/(\.json)?$/, `.${part.name}.json`);
      await writeFile(path, JSON.stringify(results[i]!.profile) + '\n');
      runner.info(`Profile of resource "${part.name}": ${path}`);
    }

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

interface Part {
  name?: string;
  files: DataFile[];
  schema: PackageResource['schema'];
}

/** With a Data Package, each data file is checked against the schema of the resource it is a path of. */
function partsToValidate(files: DataFile[], loaded: SchemaInput, schemaPath: string): Part[] {
  if (loaded.kind === 'schema') return [{ files, schema: loaded.schema }];
  const owner = new Map<string, PackageResource>();
  for (const r of loaded.resources) for (const f of r.files) owner.set(resolve(f.path), r);
  const parts = new Map<PackageResource, Part>();
  for (const file of files) {
    const r = owner.get(resolve(file.path));
    if (!r)
      throw new UserError(
        `The data file "${file.path}" is not a path of any resource of the Data Package "${schemaPath}" (its resources: ${loaded.resources.map((x) => `"${x.name}"`).join(', ')}). List only the resources' files in "data", or add a resource for it.`,
      );
    const part = parts.get(r) ?? { name: r.name, files: [], schema: r.schema };
    part.files.push({
      path: file.path,
      format: r.files.find((f) => resolve(f.path) === resolve(file.path))!.format,
    });
    parts.set(r, part);
  }
  return [...parts.values()];
}

function resolveFormat(path: string, format: Inputs['format']): DataFormat {
  return format !== 'auto' ? format : detectFormat(path, 'data file', 'Set the "format" input.');
}
