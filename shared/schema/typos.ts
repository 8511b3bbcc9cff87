/**
 * Likely typos of Table Schema keys. The spec lets a schema, a field and its constraints carry
 * properties of their own (`"unit": "kg"`), so an unknown key is not an error; but one a couple
 * of letters from a known key (`minimun`, `primarykey`) is almost always a constraint that
 * silently does nothing, so it is worth a warning.
 */
import { distance } from 'fastest-levenshtein';

const SCHEMA_KEYS = [
  'fields',
  'missingValues',
  'primaryKey',
  'uniqueKeys',
  'foreignKeys',
  'fieldsMatch',
  'name',
  'title',
  'description',
  '$schema',
  'ml',
];
const FIELD_KEYS = [
  'name',
  'type',
  'format',
  'title',
  'description',
  'example',
  'rdfType',
  'constraints',
  'missingValues',
  'trueValues',
  'falseValues',
  'decimalChar',
  'groupChar',
  'bareNumber',
  'delimiter',
  'itemType',
  'arrayItem',
  'categories',
  'categoriesOrdered',
  'ml',
];
const CONSTRAINT_KEYS = [
  'required',
  'unique',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'pattern',
  'enum',
  'jsonSchema',
];

export interface SchemaWarning {
  /** Where the key is, from the schema's root. */
  path: (string | number)[];
  message: string;
  line?: number;
}

/** The known key `key` is likely a misspelling of, if any: same letters but case, or within 2 edits (1 for short keys). */
function closestKey(key: string, known: readonly string[]): string | undefined {
  if (known.includes(key)) return undefined;
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const allowed = Math.min(key.length, best?.length ?? 0) <= 5 ? 1 : 2;
  return best !== undefined && bestDistance <= allowed ? best : undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Every likely typo in a schema descriptor (before or after validation: only its keys are read). */
export function likelyTypos(descriptor: unknown): SchemaWarning[] {
  const warnings: SchemaWarning[] = [];
  const scan = (value: unknown, known: readonly string[], path: (string | number)[]) => {
    if (!isObject(value)) return;
    for (const key of Object.keys(value)) {
      const meant = closestKey(key, known);
      if (meant)
        warnings.push({
          path: [...path, key],
          message: `"${key}" is not a Table Schema key, so it is ignored; did you mean "${meant}"?`,
        });
    }
  };
  const scanField = (f: unknown, path: (string | number)[]) => {
    scan(f, FIELD_KEYS, path);
    if (!isObject(f)) return;
    scan(f.constraints, CONSTRAINT_KEYS, [...path, 'constraints']);
    if (isObject(f.arrayItem)) scanField(f.arrayItem, [...path, 'arrayItem']);
  };
  scan(descriptor, SCHEMA_KEYS, []);
  if (isObject(descriptor) && Array.isArray(descriptor.fields))
    descriptor.fields.forEach((f, i) => scanField(f, ['fields', i]));
  return warnings;
}
