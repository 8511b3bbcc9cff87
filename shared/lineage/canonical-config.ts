/**
 * The canonical form of a training config: the values it holds, with their YAML 1.2 / JSON
 * types, and nothing of its formatting (indentation, quoting style, flow or block, comments,
 * key order, `50.0` against `50.00`). Types count because the training code sees them:
 * scikit-learn accepts `n_estimators: 50` and refuses `50.0`, and `"50"` is a string again.
 *
 * JavaScript numbers cannot tell 50 from 50.0, so the config is read a second time with the
 * `yaml` package's YAML 1.2 core schema and `intAsBigInt` (integers arrive as bigint, floats as
 * number) and written out by `typedText` below. A plain scalar that a YAML 1.1 reader (PyYAML)
 * would read otherwise (`yes`, `010`, `5e1`, `0x32`) counts by its text, since the training code
 * may read the config with one. The first read, through parseStructured, has
 * already refused syntax errors and documents past STRUCTURED_LIMITS (aliases, nesting, the
 * values aliases expand to), so this walk is bounded by the same budgets.
 */
import { UserError } from '../action/errors.js';
import { parseStructured, STRUCTURED_LIMITS } from '../files/structured.js';

/**
 * The typed canonical text of a JSON or YAML config. Equal for two configs when a YAML 1.2 (or
 * JSON) reader gives both the same values of the same types, and a YAML 1.1 reader does too.
 */
export async function canonicalConfigText(text: string, path: string): Promise<string> {
  return typedText(await canonicalValue(text, path));
}

/**
 * The config's values as `dvc params diff` lists them: one entry per leaf, keyed by its dotted
 * path (see config-diff.ts), each value in the typed text of the canonical form, so that the
 * diff between two configs changes exactly when their canonical hashes do.
 */
export async function canonicalConfigLeaves(text: string, path: string): Promise<ConfigLeaf[]> {
  const leaves: ConfigLeaf[] = [];
  collectLeaves(await canonicalValue(text, path), [], leaves);
  return leaves;
}

/** A leaf of the config: its key path (each segment as text) and its value in typed text. */
export interface ConfigLeaf {
  path: string[];
  value: string;
}

/** Maps are walked into; sequences, scalars and empty maps are leaves, as DVC treats them. */
function collectLeaves(value: unknown, path: string[], into: ConfigLeaf[]): void {
  const map =
    value instanceof Map
      ? value
      : isPlainObject(value)
        ? new Map(Object.entries(value as Record<string, unknown>))
        : undefined;
  if (map && map.size > 0) {
    const entries = [...map.entries()].map(([key, item]) => [keyText(key), item] as const);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [key, item] of entries) collectLeaves(item, [...path, key], into);
    return;
  }
  into.push({ path, value: value instanceof PlainText ? value.text : typedText(value) });
}

function isPlainObject(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof PlainText) &&
    !(value instanceof Set) &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Date)
  );
}

/** A mapping key as a path segment: strings as they are, other keys (`1: x`, `true: y`) typed. */
function keyText(key: unknown): string {
  if (typeof key === 'string') return key;
  if (key instanceof PlainText) return key.text;
  return typedText(key);
}

/** The config read as YAML 1.2 with its types kept (see the header), bounded by STRUCTURED_LIMITS. */
async function canonicalValue(text: string, path: string): Promise<unknown> {
  await parseStructured(text, path, 'config file');
  const { parseDocument, visit } = await import('yaml');
  const document = parseDocument(text, {
    version: '1.2',
    schema: 'core',
    intAsBigInt: true,
    merge: true,
    // JSON lets a later key replace an earlier one; js-yaml has already refused YAML duplicates.
    uniqueKeys: false,
    prettyErrors: true,
  });
  const error = document.errors[0];
  if (error)
    throw new UserError(
      `The config file "${path}" could not be read as YAML 1.2 for its fingerprint: ${error.message.split('\n')[0]}. Write it as plain JSON or YAML 1.2.`,
    );
  if (!/\.json$/i.test(path))
    visit(document, {
      Scalar(_key, node) {
        // `<<` stays: it is the merge key, already resolved as such.
        if (
          node.type === 'PLAIN' &&
          typeof node.source === 'string' &&
          node.source !== '<<' &&
          !readAlike(node)
        )
          node.value = new PlainText(node.source);
      },
    });
  return document.toJS({
    mapAsMap: true,
    maxAliasCount: STRUCTURED_LIMITS.maxExpandedValues,
  }) as unknown;
}

/**
 * A plain scalar that YAML 1.1 readers (PyYAML, the most common reader of a training config)
 * and YAML 1.2 read differently, or spell alike only in one of them: `yes` (a string in 1.2, true
 * in 1.1), `010` (10 against 8), `1_000`, `5e1` (a float in 1.2, a string in PyYAML), `0x32`,
 * `2024-01-01`. It counts by its text, so that no two configs a 1.1 reader tells apart share a
 * fingerprint.
 */
class PlainText {
  constructor(readonly text: string) {}
}

const PYYAML_IMPLICIT = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<|=|~|null|Null|NULL|)$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/,
];

/** The plain scalar means the same typed value to a YAML 1.1 reader (PyYAML) as to YAML 1.2. */
function readAlike(node: { value: unknown; source?: string }): boolean {
  const source = node.source!;
  const value = node.value;
  if (typeof value === 'string') return !PYYAML_IMPLICIT.some((pattern) => pattern.test(source));
  if (typeof value === 'bigint') return /^[-+]?(?:0|[1-9][0-9]*)$/.test(source);
  if (typeof value === 'number')
    return /^(?:[-+]?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?|\.[0-9]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/.test(
      source,
    );
  if (typeof value === 'boolean') return /^(?:true|True|TRUE|false|False|FALSE)$/.test(source);
  if (value === null) return /^(?:~|null|Null|NULL|)$/.test(source);
  return false;
}

/**
 * JSON-like text in which every scalar says its type: an integer prints as digits, a float
 * always with a "." or an exponent (or as NaN, Infinity, -Infinity, -0.0), a string quoted.
 * Mapping keys are typed the same way and sorted; sequences keep their order.
 */
function typedText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof PlainText) return `!plain ${JSON.stringify(value.text)}`;
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
