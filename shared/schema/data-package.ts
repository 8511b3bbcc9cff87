/**
 * The `schema` input of validate-data is a Table Schema, or a Frictionless Data Package
 * (`datapackage.json` or `.yaml`): its resources then say which data files have which schema,
 * so that foreign keys can refer from one resource to another. A resource's `path` (one or a
 * list) and a `schema` given as a path are relative to the package's folder and confined to the
 * workspace as any input path is; remote resources (URLs) and inline `data` are refused, since
 * nothing is downloaded and inline data has no file to check.
 */
import { dirname, relative, resolve } from 'node:path';
import { z } from 'zod';
import { UserError } from '../action/errors.js';
import { detectFormat, type DataFormat } from '../data/records.js';
import { confinePath, type Confinement } from '../files/confine.js';
import { readUserFile } from '../files/read-file.js';
import { parseStructured, validateStructured } from '../files/structured.js';
import { loadTableSchema, schemaFromText, type CompiledSchema } from './table-schema.js';

export interface PackageResource {
  name: string;
  /** Its data files, as paths relative to the working directory (as the `data` input's are shown). */
  files: { path: string; format: DataFormat }[];
  schema: CompiledSchema;
}

export type SchemaInput =
  { kind: 'schema'; schema: CompiledSchema } | { kind: 'package'; resources: PackageResource[] };

const FORMATS: Record<string, DataFormat> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  parquet: 'parquet',
};

const resource = z
  .object({
    name: z.string().min(1),
    path: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    data: z.unknown().optional(),
    format: z.string().optional(),
    schema: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
  })
  .loose();
const dataPackage = z.object({ resources: z.array(resource).min(1) }).loose();

const isPackage = (value: unknown): boolean =>
  value !== null &&
  typeof value === 'object' &&
  Array.isArray((value as { resources?: unknown }).resources) &&
  (value as { fields?: unknown }).fields === undefined;

/** Reads the `schema` input: a Table Schema, or a Data Package with its resources' schemas. */
export async function loadSchemaInput(
  path: string,
  confinement: Confinement,
  cwd = process.cwd(),
): Promise<SchemaInput> {
  const text = await readUserFile(path, 'schema file', cwd);
  const value = await parseStructured(text, path, 'schema file');
  if (!isPackage(value)) return { kind: 'schema', schema: await schemaFromText(value, path, text) };
  const what = 'Data Package';
  const parsed = await validateStructured(value, dataPackage, { path, what, text });
  const folder = dirname(resolve(cwd, path));
  const names = new Set<string>();
  const resources: PackageResource[] = [];
  for (const [i, r] of parsed.resources.entries()) {
    const at = `resources[${i}] ("${r.name}") of the Data Package "${path}"`;
    if (names.has(r.name))
      throw new UserError(`The resource name "${r.name}" is used twice in ${path}.`);
    names.add(r.name);
    if (r.path === undefined)
      throw new UserError(
        `${capitalise(at)} has no "path": inline "data" is not validated; write the data to a file and give its path.`,
      );
    if (r.schema === undefined)
      throw new UserError(
        `${capitalise(at)} has no "schema": give its Table Schema, inline or as a path.`,
      );
    const files = [];
    for (const p of [r.path].flat()) {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p))
        throw new UserError(
          `${capitalise(at)} has the remote path "${p}": nothing is downloaded; check the file out into the workspace and give its path.`,
        );
      const absolute = await confinePath(p, confinement, {
        what: `data file of resource "${r.name}"`,
        input: 'schema',
        baseDir: folder,
      });
      const format = r.format
        ? FORMATS[r.format.toLowerCase()]
        : detectFormat(p, `data file of resource "${r.name}"`, 'Set the resource\'s "format".');
      if (!format)
        throw new UserError(
          `${capitalise(at)} has the format "${r.format}"; expected one of ${Object.keys(FORMATS).join(', ')}.`,
        );
      files.push({ path: shown(absolute, cwd), format });
    }
    let schema: CompiledSchema;
    if (typeof r.schema === 'string') {
      const absolute = await confinePath(r.schema, confinement, {
        what: `schema file of resource "${r.name}"`,
        input: 'schema',
        baseDir: folder,
      });
      schema = await loadTableSchema(shown(absolute, cwd));
    } else schema = await schemaFromText(value, path, text, ['resources', i, 'schema']);
    resources.push({ name: r.name, files, schema });
  }
  return { kind: 'package', resources };
}

const shown = (absolute: string, cwd: string) => {
  const path = relative(cwd, absolute);
  return path.startsWith('..') ? absolute : path;
};

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
