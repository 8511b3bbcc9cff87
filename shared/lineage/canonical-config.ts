/**
 * The canonical form of a training config: the values it holds, with their YAML 1.2 / JSON
 * types, and nothing of its formatting (indentation, quoting style, flow or block, comments,
 * key order, `50.0` against `50.00`). Types count because the training code sees them:
 * scikit-learn accepts `n_estimators: 50` and refuses `50.0`, and `"50"` is a string again.
 *
 * JavaScript numbers cannot tell 50 from 50.0, so the config is read a second time with the
 * `yaml` package's YAML 1.2 core schema and `intAsBigInt` (integers arrive as bigint, floats as
 * number) and written out by `typedText` below. The first read, through parseStructured, has
 * already refused syntax errors and documents past STRUCTURED_LIMITS (aliases, nesting, the
 * values aliases expand to), so this walk is bounded by the same budgets.
 */
import { UserError } from '../action/errors.js';
import { parseStructured, STRUCTURED_LIMITS } from '../files/structured.js';

/**
 * The typed canonical text of a JSON or YAML config. Equal for two configs exactly when a YAML
 * 1.2 (or JSON) reader gives both the same values of the same types.
 */
export async function canonicalConfigText(text: string, path: string): Promise<string> {
  await parseStructured(text, path, 'config file');
  const { parse } = await import('yaml');
  let value: unknown;
  try {
    value = parse(text, {
      version: '1.2',
      schema: 'core',
      intAsBigInt: true,
      mapAsMap: true,
      merge: true,
      // JSON lets a later key replace an earlier one; js-yaml has already refused YAML duplicates.
      uniqueKeys: false,
      maxAliasCount: STRUCTURED_LIMITS.maxExpandedValues,
      prettyErrors: true,
    });
  } catch (error) {
    throw new UserError(
      `The config file "${path}" could not be read as YAML 1.2 for its fingerprint: ${(error as Error).message.split('\n')[0]}. Write it as plain JSON or YAML 1.2.`,
    );
  }
  return typedText(value);
}

/**
 * JSON-like text in which every scalar says its type: an integer prints as digits, a float
 * always with a "." or an exponent (or as NaN, Infinity, -Infinity, -0.0), a string quoted.
 * Mapping keys are typed the same way and sorted; sequences keep their order.
 */
function typedText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return floatText(value);
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(typedText).join(',')}]`;
  if (value instanceof Map) {
    const entries = [...value.entries()].map(([key, item]) => [typedText(key), item] as const);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${key}:${typedText(item)}`).join(',')}}`;
  }
  if (value instanceof Set) return typedText([...value].map(String).sort());
  if (value instanceof Uint8Array) return `!!binary ${Buffer.from(value).toString('base64')}`;
  if (value instanceof Date) return `!!timestamp ${value.toISOString()}`;
  return typedText(new Map(Object.entries(value as Record<string, unknown>)));
}

function floatText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (Object.is(value, -0)) return '-0.0';
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}
