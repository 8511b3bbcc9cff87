/**
 * validate-data's step, below its inputs: the data files found and confined, the schema (or a
 * Data Package's resources) read, each file validated against its schema, and the report and
 * profiles written to the step's folder. The action's `run()` turns the outcome into
 * annotations, the summary, outputs and the fail-on verdict.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createStepDir, type StepEnvironment } from '../action/context.js';
import { UserError } from '../action/errors.js';
import type { Logger } from '../action/runner.js';
import type { Dialect } from '../data/delimited.js';
import { detectFormat, type DataFormat } from '../data/records.js';
import { confinePath, confinePaths, stepConfinement } from '../files/confine.js';
import { expandPathsAsWritten } from '../files/expand.js';
import { loadSchemaInput, type PackageResource, type SchemaInput } from '../schema/data-package.js';
import { validationWorkers } from './shard-worker.js';
import { mergeResults, validateFiles, type DataFile, type ValidationResult } from './validate.js';

export interface DataValidationRequest {
  /** The `data` entries: files, folders and patterns. */
  data: readonly string[];
  /** A Table Schema, or a Data Package whose resources name the files and their schemas. */
  schema: string;
  /** Where the profile goes; the step's folder when not given. */
  profile?: string;
  format: DataFormat | 'auto';
  dialect: Dialect;
  maxFindings: number;
}

export interface DataValidationOutcome {
  result: ValidationResult;
  files: number;
  reportPath: string;
  profilePath: string;
}

/** A validation of one schema's files; a Data Package gives one per resource. */
interface Part {
  name?: string;
  files: DataFile[];
  schema: PackageResource['schema'];
}

export async function validateDataStep(
  request: DataValidationRequest,
  log: Logger,
  step: StepEnvironment,
): Promise<DataValidationOutcome> {
  const cwd = process.cwd();
  const confinement = await stepConfinement(step.workspace, step.tempDir);
  const paths = await expandPathsAsWritten(request.data, cwd, 'data file');
  await confinePaths(paths, confinement, { what: 'data file', input: 'data', baseDir: cwd });
  const files = paths.map((path) => ({ path, format: formatOf(path, request.format) }));
  await confinePath(request.schema, confinement, {
    what: 'schema file',
    input: 'schema',
    baseDir: cwd,
  });
  if (request.profile)
    await confinePath(request.profile, confinement, {
      what: 'profile file',
      input: 'profile',
      baseDir: cwd,
      kind: 'any',
    });
  const loaded = await loadSchemaInput(request.schema, confinement, cwd);
  warnOfSchemaKeys(loaded, log);

  const parts = partsToValidate(files, loaded, request.schema);
  const tables = loaded.kind === 'package' ? loaded.resources : [];
  const results: ValidationResult[] = [];
  for (const part of parts)
    results.push(
      await log.group(
        `Validating ${part.files.length} file(s) against ${part.schema.source}${part.name ? ` (resource "${part.name}")` : ''}`,
        () =>
          validateFiles(
            part.files,
            part.schema,
            {
              maxFindings: request.maxFindings,
              dialect: request.dialect,
              parallel: validationWorkers(),
              ...(log.progress ? { progressIntervalMs: log.progress.intervalMs } : {}),
              onProgress: (progress) =>
                log.progress
                  ? log.progress.update(progress)
                  : log.info(
                      `${progress.file}: ${progress.rows.toLocaleString('en-US')} rows read (${Math.round(progress.rowsPerSecond).toLocaleString('en-US')} rows/s)`,
                    ),
            },
            tables,
          ),
      ),
    );
  const result = mergeResults(results, request.maxFindings);

  const dir = await createStepDir(step.tempDir, 'validate-data', 'data');
  const reportPath = join(dir, 'validation-report.json');
  const { profile, ...rest } = result;
  const report = {
    format: 'mlops-actions/validation-report@1',
    valid: result.errors === 0,
    schema: request.schema,
    ...rest,
  };
  await writeFile(reportPath, JSON.stringify(report, null, 2) + '\n');
  const profilePath = request.profile ?? join(dir, 'data-profile.json');
  await mkdir(dirname(profilePath), { recursive: true });
  await writeFile(profilePath, JSON.stringify(profile) + '\n');
  // A Data Package's resources have different columns: one profile each, the first at `profile`.
  for (const [i, part] of parts.entries()) {
    if (i === 0) continue;
    const path = profilePath.replace(/(\.json)?$/, `.${part.name}.json`);
    await writeFile(path, JSON.stringify(results[i]!.profile) + '\n');
    log.info(`Profile of resource "${part.name}": ${path}`);
  }
  return { result, files: files.length, reportPath, profilePath };
}

/** Likely typos of known schema keys, as warnings at their line (the schema is still read). */
function warnOfSchemaKeys(loaded: SchemaInput, log: Logger): void {
  const schemas =
    loaded.kind === 'schema' ? [loaded.schema] : loaded.resources.map((r) => r.schema);
  for (const schema of schemas)
    for (const warning of schema.warnings)
      log.warning(`${schema.source}: ${warning.message}`, {
        file: schema.source,
        line: warning.line,
      });
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

function formatOf(path: string, format: DataFormat | 'auto'): DataFormat {
  return format !== 'auto' ? format : detectFormat(path, 'data file', 'Set the "format" input.');
}
