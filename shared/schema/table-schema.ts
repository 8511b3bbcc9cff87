/**
 * Frictionless Table Schema (v2; v1 descriptors are accepted): the descriptor as validated
 * data, plus the checks that need more than shapes (unknown field names in keys, regexes that
 * do not compile, constraint values that do not fit their field's type).
 */
import { z } from 'zod';
import { UserError } from '../action/errors.js';
import { readStructuredFile, validateStructured } from '../files/structured.js';
import { castValue, FIELD_TYPES, ORDERED_TYPES, type FieldType } from './cast.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const constraints = z
  .object({
    required: z.boolean().optional(),
    unique: z.boolean().optional(),
    minLength: z.number().int().nonnegative().optional(),
    maxLength: z.number().int().nonnegative().optional(),
    minimum: scalar.optional(),
    maximum: scalar.optional(),
    exclusiveMinimum: scalar.optional(),
    exclusiveMaximum: scalar.optional(),
    pattern: z.string().optional(),
    enum: z.array(scalar).min(1).optional(),
  })
  .strict();

const field = z
  .object({
    name: z.string().min(1),
    type: z.enum(FIELD_TYPES).default('any'),
    format: z.string().optional(),
    title: z.string().optional(),
    description: z.string().optional(),
    example: z.unknown().optional(),
    rdfType: z.string().optional(),
    constraints: constraints.optional(),
    missingValues: z.array(z.string()).optional(),
    trueValues: z.array(z.string()).optional(),
    falseValues: z.array(z.string()).optional(),
    decimalChar: z.string().length(1).optional(),
    groupChar: z.string().length(1).optional(),
    bareNumber: z.boolean().optional(),
    delimiter: z.string().min(1).optional(),
    itemType: z.enum(['string', 'integer', 'boolean', 'number', 'datetime', 'date', 'time']).optional(),
    categories: z.array(z.union([scalar, z.object({ value: scalar, label: z.string().optional() })])).optional(),
    categoriesOrdered: z.boolean().optional(),
  })
  .strict();

const descriptor = z
  .object({
    $schema: z.string().optional(),
    name: z.string().optional(),
    title: z.string().optional(),
    description: z.string().optional(),
    fields: z.array(field).min(1, { error: 'a schema needs at least one field' }),
    missingValues: z.array(z.string()).default(['']),
    primaryKey: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    uniqueKeys: z.array(z.array(z.string()).min(1)).optional(),
    fieldsMatch: z.enum(['exact', 'equal', 'subset', 'superset', 'partial']).default('exact'),
  })
  .strict();

export type FieldDescriptor = z.output<typeof field>;
export type TableSchema = z.output<typeof descriptor>;

/** A field with everything compiled that per-cell checks need. */
export interface CompiledField extends FieldDescriptor {
  type: FieldType;
  missing: ReadonlySet<string>;
  pattern?: RegExp;
  /** Constraint bounds and enum members cast to the field's type, ready to compare. */
  bounds: { minimum?: unknown; maximum?: unknown; exclusiveMinimum?: unknown; exclusiveMaximum?: unknown };
  enumValues?: ReadonlySet<unknown>;
  categoryValues?: ReadonlySet<unknown>;
}

export interface CompiledSchema {
  source: string;
  descriptor: TableSchema;
  fields: CompiledField[];
  primaryKey: string[];
  uniqueKeys: string[][];
}

export async function loadTableSchema(path: string): Promise<CompiledSchema> {
  const parsed = await readStructuredFile(path, descriptor, 'schema file');
  return compileSchema(parsed, path);
}

/** A schema from an in-memory descriptor (inference, tests), validated as a file would be. */
export async function tableSchemaFrom(value: unknown, source: string): Promise<CompiledSchema> {
  return compileSchema(await validateStructured(value, descriptor, { path: source, what: 'schema' }), source);
}

export function compileSchema(schema: TableSchema, source: string): CompiledSchema {
  const problems: string[] = [];
  const names = new Set<string>();
  schema.fields.forEach((f, i) => {
    if (names.has(f.name)) problems.push(`"fields[${i}].name": the field name "${f.name}" is used twice`);
    names.add(f.name);
  });
  const primaryKey = schema.primaryKey === undefined ? [] : [schema.primaryKey].flat();
  const uniqueKeys = schema.uniqueKeys ?? [];
  for (const [label, key] of [['primaryKey', primaryKey], ...uniqueKeys.map((k, i) => [`uniqueKeys[${i}]`, k] as const)] as const) {
    for (const name of key) if (!names.has(name)) problems.push(`"${label}": "${name}" is not a field of the schema`);
  }
  const fields = schema.fields.map((f, i) => compileField(f, `fields[${i}]`, schema.missingValues, problems));
  if (problems.length) throw new UserError(`The schema file "${source}" is not valid: ${problems.join('; ')}.`);
  return { source, descriptor: schema, fields, primaryKey, uniqueKeys };
}

function compileField(f: FieldDescriptor, at: string, schemaMissing: string[], problems: string[]): CompiledField {
  const compiled: CompiledField = { ...f, missing: new Set(f.missingValues ?? schemaMissing), bounds: {} };
  const c = f.constraints ?? {};
  if (f.format && !formatSupported(f.type, f.format)) {
    problems.push(`"${at}.format": format "${f.format}" is not supported for type ${f.type}`);
  }
  if (c.pattern !== undefined) {
    try {
      compiled.pattern = new RegExp(`^(?:${c.pattern})$`, 'u');
    } catch (error) {
      problems.push(`"${at}.constraints.pattern": ${(error as Error).message}`);
    }
  }
  for (const bound of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) {
    const value = c[bound];
    if (value === undefined) continue;
    if (!ORDERED_TYPES.has(f.type)) {
      problems.push(`"${at}.constraints.${bound}": type ${f.type} has no order, so it takes no ${bound}`);
      continue;
    }
    const cast = castValue(compiled, String(value));
    if (cast.ok) compiled.bounds[bound] = cast.value;
    else problems.push(`"${at}.constraints.${bound}": ${JSON.stringify(value)} is not a valid ${f.type}`);
  }
  compiled.enumValues = castMembers(compiled, c.enum, `${at}.constraints.enum`, problems);
  const categories = f.categories?.map((entry) => (typeof entry === 'object' ? entry.value : entry));
  compiled.categoryValues = castMembers(compiled, categories, `${at}.categories`, problems);
  return compiled;
}

function castMembers(f: CompiledField, members: readonly (string | number | boolean)[] | undefined, at: string, problems: string[]) {
  if (!members) return undefined;
  const values = new Set<unknown>();
  for (const member of members) {
    const cast = castValue(f, String(member));
    if (cast.ok) values.add(comparable(cast.value));
    else problems.push(`"${at}": ${JSON.stringify(member)} is not a valid ${f.type}`);
  }
  return values;
}

/** A form of a cast value that Set membership and ordering compare by value. */
export function comparable(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return value;
}

const FORMATS: Partial<Record<FieldType, readonly string[]>> = {
  string: ['default', 'email', 'uri', 'binary', 'uuid'],
  date: ['default', 'any'],
  datetime: ['default', 'any'],
  time: ['default', 'any'],
  geopoint: ['default', 'array', 'object'],
  geojson: ['default', 'topojson'],
};

function formatSupported(type: FieldType, format: string): boolean {
  return (FORMATS[type] ?? ['default']).includes(format);
}
