/**
 * Action inputs: each action declares a zod object whose keys are exactly its action.yml input
 * names. Defaults live in action.yml only (the runner passes them as INPUT_* variables), so an
 * input with a default or `required: true` is non-optional here; a contract test checks both.
 */
import { z } from 'zod';
import { identifier, quoteValue } from '../identifiers.js';
import { InputError } from './errors.js';

export type InputSchema = z.ZodObject<Record<string, z.ZodType>>;

/**
 * How messages name an input and say where it is set: in a workflow, `input "x"` under
 * `with:`; the command line passes its own (`--x`, on the command line), so that one message
 * serves both.
 */
export interface InputNaming {
  name(input: string): string;
  /** Where a missing input is given, e.g. `set it under "with:" in the workflow step`. */
  whereToSet: string;
}

const WORKFLOW_NAMING: InputNaming = {
  name: (input) => `input "${input}"`,
  whereToSet: 'set it under "with:" in the workflow step',
};

/** Reads every declared input and validates them together, so that all problems are reported at once. */
export function readInputs<S extends InputSchema>(
  schema: S,
  getInput: (name: string) => string | undefined,
  naming: InputNaming = WORKFLOW_NAMING,
): z.output<S> {
  const raw: Record<string, string> = {};
  for (const name of Object.keys(schema.shape)) {
    const value = getInput(name);
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const result = schema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new InputError(describeInputIssues(result.error.issues, raw, naming));
  return result.data;
}

function describeInputIssues(
  issues: readonly z.core.$ZodIssue[],
  supplied: Readonly<Record<string, string>>,
  naming: InputNaming,
): string {
  const problems = issues.map((issue) => {
    const name = String(issue.path[0] ?? '?');
    if (!(name in supplied))
      return `${naming.name(name)} is required but was not supplied (${naming.whereToSet})`;
    return `${naming.name(name)} ${issue.message}`;
  });
  return naming === WORKFLOW_NAMING
    ? `Invalid action inputs: ${problems.join('; ')}.`
    : `${problems.join('; ')}.`;
}

/** Values are shown JSON-quoted, shortened and with control characters escaped: inputs may be hostile. */
const quote = (value: unknown) => quoteValue(String(value));

/** Any non-empty text. */
export const text = () => z.string();

/** One of a fixed set of values; the error lists them. */
export const choice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, {
    error: (issue) => `must be one of ${values.join(', ')}; got ${quote(issue.input)}`,
  });

const TRUE_SPELLINGS = ['true', 'True', 'TRUE'];
const FALSE_SPELLINGS = ['false', 'False', 'FALSE'];

/** A boolean with the YAML 1.2 spellings the runner accepts; anything else is an error, not false. */
export const flag = () =>
  z.string().transform((value, ctx) => {
    if (TRUE_SPELLINGS.includes(value)) return true;
    if (FALSE_SPELLINGS.includes(value)) return false;
    ctx.addIssue({
      code: 'custom',
      input: value,
      message: `must be true or false; got ${quote(value)}`,
    });
    return z.NEVER;
  });

/** A whole number within bounds. */
export const wholeNumber = (min: number, max: number = Number.MAX_SAFE_INTEGER) =>
  z.string().transform((value, ctx) => {
    const number = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isSafeInteger(number) && number >= min && number <= max) return number;
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    ctx.addIssue({
      code: 'custom',
      input: value,
      message: `must be a whole number ${range}; got ${quote(value)}`,
    });
    return z.NEVER;
  });

/** One path per line (blank lines ignored), as @actions/cache and upload-artifact take lists. */
export const pathList = () =>
  z.string().transform((value) =>
    value
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== ''),
  );

/**
 * Identifiers (see shared/identifiers.ts for the alphabets). A model name becomes part of
 * deployment tasks (`model:<name>`), release tags (`<name>@<version>`), artifact names and file
 * names; versions, environment and artifact names end up in tags, payloads and outputs that
 * later steps interpolate into a shell.
 */
export const modelName = () => identifier('model name');
export const modelVersion = () => identifier('model version');
export const environmentName = () => identifier('environment name');
export const artifactName = () => identifier('artifact name');

/** A decimal number strictly between two bounds (e.g. a confidence level between 0 and 1). */
export const decimalBetween = (low: number, high: number) =>
  z.string().transform((value, ctx) => {
    const number = /^\s*-?(\d+\.?\d*|\.\d+)(e-?\d+)?\s*$/i.test(value) ? Number(value) : Number.NaN;
    if (number > low && number < high) return number;
    ctx.addIssue({
      code: 'custom',
      input: value,
      message: `must be a number between ${low} and ${high} (exclusive); got ${quote(value)}`,
    });
    return z.NEVER;
  });
