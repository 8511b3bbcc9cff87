/**
 * Frictionless Table Schema (v2; v1 descriptors are accepted) plus this project's `ml`
 * extensions, as validated data. The descriptor is checked whole before any data is read:
 * shapes by zod, and what needs more than shapes (unknown field names in keys, regexes that do
 * not compile, constraints that do not apply to the field's type, bounds that do not cast) as
 * refinements, so that every problem is reported with the line of the schema file it is on.
 *
 * The reader is open-world where the spec is: a schema, a field and its constraints MAY carry
 * other properties (`"unit": "kg"`, `rdfType`, a tool's own keys); they are kept and ignored.
 * Only a likely typo of a known key (`minimun`, within two edits) is reported, as a warning.
 * The `ml` blocks are this project's own namespace, and stay closed.
 */
import { z } from 'zod';
import { readUserFile } from '../files/read-file.js';
import { locateLines, parseStructured, validateStructured } from '../files/structured.js';
import { castValue, FIELD_TYPES, ORDERED_TYPES, type FieldType } from './cast.js';
import type { compileJsonSchema as CompileJsonSchema, JsonSchemaCheck } from './json-schema.js';
import { compilePattern, type FieldPattern } from './pattern.js';
import { compileStrptime, isStrptimeFormat } from './strptime.js';
import { likelyTypos, type SchemaWarning } from './typos.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const fraction = z.number().min(0).max(1);
const count = z.number().int().nonnegative();
const bounds = z.object({ min: z.number().optional(), max: z.number().optional() }).strict();
const countBounds = z.object({ min: count.optional(), max: count.optional() }).strict();
const fractionBounds = z.object({ min: fraction.optional(), max: fraction.optional() }).strict();
const severity = z.enum(['error', 'warning']);

const constraints = z
  .object({
    required: z.boolean().optional(),
    unique: z.boolean().optional(),
    minLength: count.optional(),
    maxLength: count.optional(),
    minimum: scalar.optional(),
    maximum: scalar.optional(),
    exclusiveMinimum: scalar.optional(),
    exclusiveMaximum: scalar.optional(),
    pattern: z.string().optional(),
    enum: z.array(scalar).min(1).optional(),
    /** v2: a JSON Schema each value of an object or array field must be valid against. */
    jsonSchema: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

/** Statistic bounds on a numeric column (Great Expectations' column aggregate expectations). */
const statBounds = z
  .object({
    mean: bounds.optional(),
    median: bounds.optional(),
    stdev: bounds.optional(),
    min: bounds.optional(),
    max: bounds.optional(),
    quantiles: z
      .array(
        z.object({ q: fraction, min: z.number().optional(), max: z.number().optional() }).strict(),
      )
      .optional(),
    /** Severity of these statistics' findings alone (default: the field's): infer-schema writes observed ranges as warnings. */
    severity: severity.optional(),
  })
  .strict();

const FIELD_ROLES = [
  'feature',
  'target',
  'id',
  'weight',
  'timestamp',
  'prediction',
  'ignore',
] as const;

const fieldMl = z
  .object({
    role: z.enum(FIELD_ROLES).optional(),
    /** Severity of this field's findings (default error). */
    severity: severity.optional(),
    /** Per-value checks pass when at least this share of the non-missing values pass. */
    mostly: fraction.optional(),
    nullFraction: z.object({ max: fraction }).strict().optional(),
    allowNaN: z.boolean().optional(),
    allowInf: z.boolean().optional(),
    distinctCount: countBounds.optional(),
    distinctFraction: fractionBounds.optional(),
    stats: statBounds.optional(),
  })
  .strict();

const schemaMl = z
  .object({
    task: z.enum(['classification', 'regression', 'ranking', 'other']).optional(),
    /** Severity of the dataset-level findings below (default error). */
    severity: severity.optional(),
    rowCount: countBounds.optional(),
    duplicateRows: z
      .object({ maxFraction: fraction.default(0) })
      .strict()
      .optional(),
    classBalance: z.object({ minRatio: fraction }).strict().optional(),
  })
  .strict();

/** v1 lists strings; v2 also allows `{value, label}` objects. */
const missingValues = z.array(
  z.union([z.string(), z.object({ value: z.string(), label: z.string().optional() }).strict()]),
);

const fieldProperties = {
  name: z.string().min(1),
  type: z.enum(FIELD_TYPES).default('any'),
  format: z.string().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  example: z.unknown().optional(),
  rdfType: z.string().optional(),
  constraints: constraints.optional(),
  missingValues: missingValues.optional(),
  trueValues: z.array(z.string()).optional(),
  falseValues: z.array(z.string()).optional(),
  decimalChar: z.string().length(1).optional(),
  groupChar: z.string().length(1).optional(),
  bareNumber: z.boolean().optional(),
  delimiter: z.string().min(1).optional(),
  itemType: z
    .enum(['string', 'integer', 'boolean', 'number', 'datetime', 'date', 'time'])
    .optional(),
  categories: z
    .array(z.union([scalar, z.object({ value: scalar, label: z.string().optional() })]))
    .optional(),
  categoriesOrdered: z.boolean().optional(),
  ml: fieldMl.optional(),
};

/** A field's own properties; it MAY carry others (kept, ignored). */
const fieldBase = z.object(fieldProperties).loose();

/** v2 `arrayItem`: the field every item of an array field is; no name of its own, no nesting. */
const arrayItem = fieldBase.extend({
  name: z.string().min(1).optional(),
  arrayItem: z.never().optional(),
});

const field = fieldBase.extend({ arrayItem: arrayItem.optional() });

const keyFields = z.union([z.string(), z.array(z.string()).min(1)]);
/** A foreign key: v1 spells a self-reference `resource: ""`; v2 leaves `resource` out. */
const foreignKey = z
  .object({
    fields: keyFields,
    reference: z.object({ resource: z.string().optional(), fields: keyFields }).loose(),
  })
  .loose();

const descriptorShape = z
  .object({
    $schema: z.string().optional(),
    name: z.string().optional(),
    title: z.string().optional(),
    description: z.string().optional(),
    fields: z.array(field).min(1, { error: 'a schema needs at least one field' }),
    missingValues: missingValues.default(['']),
    primaryKey: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    uniqueKeys: z.array(z.array(z.string()).min(1)).optional(),
    fieldsMatch: z.enum(['exact', 'equal', 'subset', 'superset', 'partial']).default('exact'),
    foreignKeys: z.array(foreignKey).optional(),
    ml: schemaMl.optional(),
  })
  .loose();

type FieldBase = z.output<typeof fieldBase>;
type FieldDescriptor = z.output<typeof field>;
type ItemDescriptor = z.output<typeof arrayItem>;
type TableSchema = z.output<typeof descriptorShape>;

const descriptor = descriptorShape.superRefine(checkDescriptor);

type Issue = (path: (string | number)[], message: string) => void;

/** Everything a well-shaped descriptor can still get wrong, each at its path (and so its line). */
function checkDescriptor(schema: TableSchema, ctx: z.core.$RefinementCtx<TableSchema>): void {
  const issue: Issue = (path, message) => ctx.addIssue({ code: 'custom', path, message });
  const names = new Set<string>();
  schema.fields.forEach((f, i) => {
    if (names.has(f.name)) issue(['fields', i, 'name'], `the field name "${f.name}" is used twice`);
    names.add(f.name);
    checkField(f, (path, message) => issue(['fields', i, ...path], message));
  });
  const primaryKey = schema.primaryKey === undefined ? [] : [schema.primaryKey].flat();
  primaryKey.forEach(
    (name) => names.has(name) || issue(['primaryKey'], `"${name}" is not a field of the schema`),
  );
  schema.uniqueKeys?.forEach((key, i) =>
    key.forEach(
      (name) =>
        names.has(name) || issue(['uniqueKeys', i], `"${name}" is not a field of the schema`),
    ),
  );
  schema.foreignKeys?.forEach((key, i) => {
    const local = [key.fields].flat();
    const remote = [key.reference.fields].flat();
    local.forEach(
      (name) =>
        names.has(name) ||
        issue(['foreignKeys', i, 'fields'], `"${name}" is not a field of the schema`),
    );
    if (local.length !== remote.length)
      issue(
        ['foreignKeys', i, 'reference', 'fields'],
        `the foreign key has ${local.length} field(s) but its reference ${remote.length}; they pair up one to one`,
      );
    if (!key.reference.resource)
      remote.forEach(
        (name) =>
          names.has(name) ||
          issue(
            ['foreignKeys', i, 'reference', 'fields'],
            `"${name}" is not a field of the schema (a reference without "resource" points at this table)`,
          ),
      );
  });
  if (schema.ml?.classBalance) {
    const targets = schema.fields.filter((f) => f.ml?.role === 'target');
    if (targets.length !== 1)
      issue(
        ['ml', 'classBalance'],
        `class balance needs exactly one field with "ml: {role: target}"; the schema has ${targets.length}`,
      );
  }
}

const LENGTH_TYPES: ReadonlySet<FieldType> = new Set([
  'string',
  'array',
  'object',
  'list',
  'geojson',
  'any',
]);
const NUMERIC_TYPES: ReadonlySet<FieldType> = new Set(['number', 'integer']);

function checkField(f: FieldDescriptor | ItemDescriptor, issue: Issue): void {
  const c = f.constraints ?? {};
  if (f.format && isStrptimeFormat(f.format) && PATTERN_TYPES.has(f.type)) {
    const compiled = compileStrptime(f.format);
    if (typeof compiled === 'string') issue(['format'], compiled);
  } else if (f.format && !formatSupported(f.type, f.format))
    issue(
      ['format'],
      `format "${f.format}" is not supported for type ${f.type}${PATTERN_TYPES.has(f.type) ? ' (a date pattern needs % directives, e.g. %d/%m/%Y)' : ''}`,
    );
  if (c.jsonSchema !== undefined) {
    if (f.type !== 'object' && f.type !== 'array')
      issue(
        ['constraints', 'jsonSchema'],
        `jsonSchema applies to object and array fields; this field is ${f.type}`,
      );
    else {
      const compiled = jsonSchemaCheck(c.jsonSchema);
      if (typeof compiled === 'string') issue(['constraints', 'jsonSchema'], compiled);
    }
  }
  if ('arrayItem' in f && f.arrayItem !== undefined) {
    if (f.type !== 'array')
      issue(['arrayItem'], `arrayItem applies to array fields; this field is ${f.type}`);
    else
      checkField({ ...f.arrayItem, type: f.arrayItem.type }, (path, message) =>
        issue(['arrayItem', ...path], message),
      );
  }
  if (c.pattern !== undefined) {
    if (f.type !== 'string' && f.type !== 'any')
      issue(
        ['constraints', 'pattern'],
        `pattern applies to string fields only; this field is ${f.type}`,
      );
    const compiled = compilePattern(c.pattern);
    if (typeof compiled === 'string')
      issue(['constraints', 'pattern'], `field ${JSON.stringify(f.name)}: ${compiled}`);
  }
  for (const key of ['minLength', 'maxLength'] as const) {
    if (c[key] !== undefined && !LENGTH_TYPES.has(f.type))
      issue(['constraints', key], `type ${f.type} has no length, so it takes no ${key}`);
  }
  if (c.minLength !== undefined && c.maxLength !== undefined && c.minLength > c.maxLength)
    issue(
      ['constraints', 'minLength'],
      `minLength ${c.minLength} is above maxLength ${c.maxLength}`,
    );
  const cast: Record<string, number> = {};
  for (const bound of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) {
    const value = c[bound];
    if (value === undefined) continue;
    if (!ORDERED_TYPES.has(f.type)) {
      issue(['constraints', bound], `type ${f.type} has no order, so it takes no ${bound}`);
      continue;
    }
    const result = castValue(f, String(value));
    if (result.ok) cast[bound] = result.value as number;
    else issue(['constraints', bound], `${JSON.stringify(value)} is not a valid ${f.type}`);
  }
  const low = cast.minimum ?? cast.exclusiveMinimum;
  const high = cast.maximum ?? cast.exclusiveMaximum;
  if (low !== undefined && high !== undefined && low > high)
    issue(['constraints'], 'the lower bound is above the upper bound: no value can pass');
  const members = (
    values: readonly (string | number | boolean)[] | undefined,
    path: (string | number)[],
  ) =>
    values?.forEach(
      (member, i) =>
        castValue(f, String(member)).ok ||
        issue([...path, i], `${JSON.stringify(member)} is not a valid ${f.type}`),
    );
  members(c.enum, ['constraints', 'enum']);
  const categories = f.categories?.map((entry) =>
    typeof entry === 'object' ? entry.value : entry,
  );
  members(categories, ['categories']);
  if (c.enum && categories) {
    const allowed = new Set(categories.map(String));
    c.enum.forEach(
      (member, i) =>
        allowed.has(String(member)) ||
        issue(
          ['constraints', 'enum', i],
          `${JSON.stringify(member)} is not one of the field's categories`,
        ),
    );
  }
  const ml = f.ml;
  if (ml?.stats && !NUMERIC_TYPES.has(f.type))
    issue(
      ['ml', 'stats'],
      `statistic bounds apply to number and integer fields; this field is ${f.type}`,
    );
  for (const key of ['allowNaN', 'allowInf'] as const) {
    if (ml?.[key] !== undefined && f.type !== 'number')
      issue(['ml', key], `${key} applies to number fields only; this field is ${f.type}`);
  }
}

const PATTERN_TYPES: ReadonlySet<FieldType> = new Set(['date', 'time', 'datetime']);

/** A field with everything compiled that per-cell checks need. */
export interface CompiledField extends FieldBase {
  type: FieldType;
  missing: ReadonlySet<string>;
  pattern?: FieldPattern;
  /** v2 `constraints.jsonSchema`, compiled once. */
  jsonSchema?: JsonSchemaCheck;
  /** v2 `arrayItem`, compiled: casting uses it as `arrayItem`, item constraints as `itemField`. */
  arrayItem?: CompiledField;
  itemField?: CompiledField;
  /** Constraint bounds cast to the field's type, ready to compare. */
  bounds: {
    minimum?: number;
    maximum?: number;
    exclusiveMinimum?: number;
    exclusiveMaximum?: number;
  };
  enumValues?: ReadonlySet<unknown>;
  categoryValues?: ReadonlySet<unknown>;
  /** The line of the field's definition in the schema file, for findings about the whole column. */
  line?: number;
}

export interface CompiledSchema {
  source: string;
  descriptor: TableSchema;
  fields: CompiledField[];
  primaryKey: string[];
  uniqueKeys: string[][];
  /** Foreign keys, with the key fields as lists; `resource` undefined: this table. */
  foreignKeys: ForeignKey[];
  /** The line of the schema's `ml` block (or its first line), for dataset-level findings. */
  mlLine?: number;
  /** Likely typos of known keys: warnings, since the spec lets a schema carry other properties. */
  warnings: SchemaWarning[];
}

interface ForeignKey {
  fields: string[];
  resource?: string;
  referenceFields: string[];
  /** The line of the key in the schema file. */
  line?: number;
}

/**
 * The JSON Schema compiler, loaded only for a schema that has a `jsonSchema` constraint: ajv
 * costs about 80 ms of every step's start-up, and most schemas never use it.
 */
let compileJsonSchema: typeof CompileJsonSchema | undefined;

async function loadJsonSchemaSupport(value: unknown): Promise<void> {
  if (!compileJsonSchema && hasKey(value, 'jsonSchema'))
    ({ compileJsonSchema } = await import('./json-schema.js'));
}

/** Whether `key` is a property anywhere in a parsed document (its nesting is bounded on parse). */
function hasKey(value: unknown, key: string): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (!Array.isArray(value) && Object.hasOwn(value, key)) return true;
  return Object.values(value).some((child) => hasKey(child, key));
}

function jsonSchemaCheck(schema: unknown): JsonSchemaCheck | string {
  if (!compileJsonSchema) throw new Error('jsonSchema support was not loaded for this schema');
  return compileJsonSchema(schema);
}

export async function loadTableSchema(path: string): Promise<CompiledSchema> {
  const text = await readUserFile(path, 'schema file');
  const value = await parseStructured(text, path, 'schema file');
  return schemaFromText(value, path, text);
}

/**
 * A schema already parsed from `text` (a schema file, or a resource's schema inside a
 * datapackage.json, at `at`), validated with lines for its problems and its warnings.
 */
export async function schemaFromText(
  value: unknown,
  path: string,
  text: string,
  at: readonly (string | number)[] = [],
): Promise<CompiledSchema> {
  const within = at.reduce<unknown>(
    (node, key) => (node as Record<string | number, unknown> | undefined)?.[key],
    value,
  );
  await loadJsonSchemaSupport(within);
  // Lines are found from the file's root, so a schema inside a Data Package is shown by path only.
  const schema = await validateStructured(within, descriptor, {
    path,
    what: at.length ? `schema at ${at.join('.')} in the Data Package` : 'schema file',
    text: at.length ? undefined : text,
  });
  const typos = likelyTypos(within);
  const keys = schema.foreignKeys ?? [];
  const lines = await locateLines(text, [
    ...schema.fields.map((_, i) => [...at, 'fields', i]),
    [...at, 'ml'],
    ...keys.map((_, i) => [...at, 'foreignKeys', i]),
    ...typos.map((typo) => [...at, ...typo.path]),
  ]);
  const compiled = compileSchema(schema, path, lines);
  const n = schema.fields.length + 1;
  compiled.foreignKeys.forEach((key, i) => (key.line = lines[n + i]));
  compiled.warnings = typos.map((typo, i) => ({ ...typo, line: lines[n + keys.length + i] }));
  return compiled;
}

/** A schema from an in-memory descriptor (inference, tests), validated as a file would be. */
export async function tableSchemaFrom(value: unknown, source: string): Promise<CompiledSchema> {
  await loadJsonSchemaSupport(value);
  const compiled = compileSchema(
    await validateStructured(value, descriptor, { path: source, what: 'schema' }),
    source,
  );
  compiled.warnings = likelyTypos(value);
  return compiled;
}

function compileSchema(
  schema: TableSchema,
  source: string,
  lines: (number | undefined)[] = [],
): CompiledSchema {
  const fields = schema.fields.map((f, i) => ({
    ...compileField(f, schema.missingValues),
    line: lines[i],
  }));
  const primaryKey = schema.primaryKey === undefined ? [] : [schema.primaryKey].flat();
  return {
    source,
    descriptor: schema,
    fields,
    primaryKey,
    uniqueKeys: schema.uniqueKeys ?? [],
    foreignKeys: (schema.foreignKeys ?? []).map((key) => ({
      fields: [key.fields].flat(),
      resource: key.reference.resource || undefined,
      referenceFields: [key.reference.fields].flat(),
    })),
    mlLine: lines[schema.fields.length] ?? 1,
    warnings: [],
  };
}

const missingText = (values: z.output<typeof missingValues>) =>
  values.map((entry) => (typeof entry === 'string' ? entry : entry.value));

function compileField(
  f: FieldDescriptor | ItemDescriptor,
  schemaMissing: z.output<typeof missingValues>,
): CompiledField {
  const c = f.constraints ?? {};
  const { arrayItem: item, ...rest } = f as FieldDescriptor;
  const compiled: CompiledField = {
    ...rest,
    name: f.name ?? '',
    missing: new Set(missingText(f.missingValues ?? schemaMissing)),
    bounds: {},
  };
  if (c.pattern !== undefined) compiled.pattern = compilePattern(c.pattern) as FieldPattern;
  if (c.jsonSchema !== undefined)
    compiled.jsonSchema = jsonSchemaCheck(c.jsonSchema) as JsonSchemaCheck;
  if (item) {
    // The item field shares the array field's name and missing values unless it has its own.
    const itemField = compileField(
      { ...item, name: item.name ?? f.name },
      f.missingValues ?? schemaMissing,
    );
    compiled.arrayItem = itemField;
    if (item.constraints) compiled.itemField = itemField;
  }
  for (const bound of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) {
    const value = c[bound];
    const cast = value === undefined ? undefined : castValue(f, String(value));
    // checkDescriptor has made sure every bound casts; ordered types cast to numbers.
    if (cast?.ok) compiled.bounds[bound] = cast.value as number;
  }
  compiled.enumValues = castMembers(compiled, c.enum);
  compiled.categoryValues = castMembers(
    compiled,
    f.categories?.map((entry) => (typeof entry === 'object' ? entry.value : entry)),
  );
  return compiled;
}

function castMembers(
  f: CompiledField,
  members: readonly (string | number | boolean)[] | undefined,
): ReadonlySet<unknown> | undefined {
  if (!members) return undefined;
  return new Set(
    members.map((member) => comparable((castValue(f, String(member)) as { value: unknown }).value)),
  );
}

/** A form of a cast value that Set membership and ordering compare by value. */
function comparable(value: unknown): unknown {
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return value;
}

/** Named formats; date, time and datetime also take a strptime `<PATTERN>` (strptime.ts). */
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
