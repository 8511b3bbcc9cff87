/**
 * Table Schema v2's `constraints.jsonSchema` for object and array fields: each value must be
 * valid against the given JSON Schema. Ajv compiles it once per field, to a function that runs
 * per cell. The schema comes from the repository, so its work is bounded: no remote `$ref`s
 * (there is no loader, so an unknown reference refuses the schema), `pattern` and
 * `patternProperties` run on RE2 (re2js, linear time) rather than backtracking RegExps, the
 * first error ends a value's check, and `format` is an annotation only (as JSON Schema 2019-09
 * and later define it; ajv's format regexes are not loaded).
 */
import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { RE2JS } from 're2js';

export interface JsonSchemaCheck {
  /** Why the value does not conform (a short sentence fragment), or undefined when it does. */
  check(value: unknown): string | undefined;
}

/** Ajv's regular-expression engine option, on RE2: `test` is a search, as a JSON Schema pattern is. */
const re2Engine = Object.assign(
  (pattern: string) => {
    const re = RE2JS.compile(pattern);
    return { test: (text: string) => re.matcher(text).find() };
  },
  { code: 're2js' },
);

const options = {
  strict: false,
  allErrors: false,
  validateFormats: false,
  logger: false,
  code: { regExp: re2Engine },
} as const;

let engines: { draft7: Ajv; draft2019: Ajv2019; draft2020: Ajv2020 } | undefined;

function engineFor(schema: AnySchemaObject): Ajv | Ajv2019 | Ajv2020 {
  engines ??= {
    draft7: new Ajv(options),
    draft2019: new Ajv2019(options),
    draft2020: new Ajv2020(options),
  };
  const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (declared.includes('2020-12')) return engines.draft2020;
  if (declared.includes('2019-09')) return engines.draft2019;
  return engines.draft7;
}

/** Compiled schemas by descriptor object: the schema check and the field compiler share one compile. */
const compiled = new WeakMap<object, JsonSchemaCheck | string>();

/** The schema compiled (once per descriptor object), or why it cannot be (a sentence fragment). */
export function compileJsonSchema(schema: unknown): JsonSchemaCheck | string {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema))
    return 'jsonSchema must be a JSON Schema object';
  let result = compiled.get(schema);
  if (result === undefined) {
    result = compile(schema as AnySchemaObject);
    compiled.set(schema, result);
  }
  return result;
}

function compile(schema: AnySchemaObject): JsonSchemaCheck | string {
  let validate: ValidateFunction;
  try {
    // A copy: ajv keeps compiled schemas by identity and would otherwise mutate nothing, but
    // the id ($id) of one field's schema must not clash with another's.
    const copy = { ...schema };
    delete copy.$id;
    validate = engineFor(copy).compile(copy);
  } catch (error) {
    return `jsonSchema is not a usable JSON Schema: ${error instanceof Error ? error.message : String(error)} (references to other documents are not fetched)`;
  }
  return {
    check(value) {
      if (validate(value)) return undefined;
      const first = validate.errors?.[0];
      if (!first) return 'to match the field’s jsonSchema';
      return `${first.instancePath || 'the value'} ${first.message ?? 'does not match'}`;
    },
  };
}
