/**
 * The window monitor-model judges: recent serving data, as data files (profiled here by
 * validate-data's own step, so every format it reads is read the same way) or as the profiles
 * of shards made in a job matrix (merged; then no row is read again). Without a schema of its
 * own, the window is read with the types the reference profile recorded for its columns, so
 * that a value the training data would not have held (text in a number column) is counted as
 * invalid, as in training, and the rest with the types inferred from the window.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStepDir, type StepEnvironment } from '../action/context.js';
import { UserError } from '../action/errors.js';
import type { Logger } from '../action/runner.js';
import { detectFormat } from '../data/records.js';
import { confinePaths, stepConfinement } from '../files/confine.js';
import { expandPathsAsWritten } from '../files/expand.js';
import { mergeProfiles, readProfile, type DataProfile } from '../profile/profile.js';
import { inferSchema } from '../schema/infer.js';
import { validateDataStep } from '../validation/validate-step.js';

export interface WindowRequest {
  /** The `data` entries: files, folders and patterns of data files, or of profile files (.json). */
  data: readonly string[];
  /** A Table Schema the window must also meet; empty: the reference profile's types. */
  schema?: string;
  reference: DataProfile;
}

export interface ReadWindow {
  profile: DataProfile;
  /** The data files read; empty when the window came as profiles. */
  files: string[];
  /** The schema check, when the window was read from data files. */
  validation?: { errors: number; warnings: number; report: string };
}

/** Most validation findings kept in the report: the monitor counts problems, validate-data lists them. */
const MAX_FINDINGS = 100;

export async function readWindow(
  request: WindowRequest,
  log: Logger,
  step: StepEnvironment,
): Promise<ReadWindow> {
  const cwd = process.cwd();
  const paths = await expandPathsAsWritten(request.data, cwd, 'data file');
  if (paths.length === 0)
    throw new UserError(
      'Input "data" matches no file: give the recent serving data (data files or globs, one per line) or the profiles validate-data made of it.',
    );
  const profiles = paths.filter((path) => /\.json$/i.test(path));
  if (profiles.length === paths.length) return readProfiles(paths, step);
  if (profiles.length)
    throw new UserError(
      `Input "data" mixes profiles (${profiles[0]}) with data files (${paths.find((p) => !profiles.includes(p))}): give either the data files or the profiles made of them, not both.`,
    );
  for (const path of paths)
    detectFormat(
      path,
      'data file',
      'Give CSV, TSV, JSON Lines or Parquet files, or profiles (.json).',
    );

  const schema = request.schema ?? (await windowSchema(paths, request.reference, step));
  const { result, profilePath, reportPath } = await validateDataStep(
    { data: request.data, schema, format: 'auto', dialect: {}, maxFindings: MAX_FINDINGS },
    log,
    step,
  );
  return {
    profile: await readProfile(profilePath),
    files: paths,
    validation: { errors: result.errors, warnings: result.warnings, report: reportPath },
  };
}

async function readProfiles(paths: readonly string[], step: StepEnvironment): Promise<ReadWindow> {
  await confinePaths(paths, await stepConfinement(step.workspace, step.tempDir), {
    what: 'profile file',
    input: 'data',
    baseDir: process.cwd(),
  });
  const profiles: DataProfile[] = [];
  for (const path of paths) profiles.push(await readProfile(path));
  return { profile: profiles.length === 1 ? profiles[0]! : mergeProfiles(profiles), files: [] };
}

/**
 * A Table Schema for the window: each column's type as the reference profile recorded it, and
 * for the others (predictions, scores, labels) as inferred from the window. No constraints:
 * they are the user's schema's business.
 */
async function windowSchema(
  paths: readonly string[],
  reference: DataProfile,
  step: StepEnvironment,
): Promise<string> {
  const files = paths.map((path) => ({ path, format: detectFormat(path, 'data file', '') }));
  const inferred = await inferSchema(files);
  const referenceTypes = new Map(reference.columns.map((c) => [c.name, c.type]));
  const fields = inferred.fields.map((field) => {
    const name = String(field.name);
    const type = referenceTypes.get(name) ?? field.type;
    return { name, type, ...(type === field.type && field.format ? { format: field.format } : {}) };
  });
  const dir = await createStepDir(step.tempDir, 'monitor-model', 'window');
  const path = join(dir, 'window-schema.json');
  await writeFile(
    path,
    JSON.stringify({ fields, missingValues: inferred.missingValues }, null, 2) + '\n',
  );
  return path;
}
