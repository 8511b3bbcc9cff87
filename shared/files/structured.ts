/**
 * JSON and YAML files validated against a zod schema, with errors that point at the file, the
 * field and the line. YAML is read with js-yaml rather than `yaml`: on this project's bench
 * it loads in 8 ms against 22 ms and is under half the size, and every action reads a YAML
 * file on its start-up path. js-yaml's AST has no positions, so `locateLines` walks its event
 * stream (which carries source offsets), only when there is an error to report.
 *
 * A pull request controls most of these files, so the work they cause is bounded (the limits
 * are in STRUCTURED_LIMITS and the README): nesting depth, YAML aliases, and the values a YAML
 * document holds once its aliases are expanded. An alias count alone is not enough: a
 * "billion laughs" document has a few dozen aliases, each doubling what a later walk of the
 * value (a canonical-JSON fingerprint, the flattening of metrics) has to visit.
 */
import type { z } from 'zod';
import { UserError } from '../action/errors.js';
import { jsonDepthExceeded, MAX_NESTING_DEPTH } from './nesting.js';
import { readUserFile } from './read-file.js';

export { jsonDepthExceeded } from './nesting.js';

type StructuredFormat = 'json' | 'yaml';

/** Bounds on a structured (JSON or YAML) file; a real config, schema or metrics file is far inside them. */
export const STRUCTURED_LIMITS = {
  /** Nested objects and lists, JSON and YAML alike (JSON Lines cells too: see data/jsonl.ts). */
  maxDepth: MAX_NESTING_DEPTH,
  /** YAML alias nodes (`*name`) in a document. */
  maxAliases: 1000,
  /** Values (scalars, lists and mappings) a YAML document holds with its aliases expanded. */
  maxExpandedValues: 100_000,
} as const;

function formatOf(path: string): StructuredFormat {
  return /\.json$/i.test(path) ? 'json' : 'yaml';
}

/** Parses JSON or YAML text; syntax errors and documents past STRUCTURED_LIMITS name the file, line and column. */
export async function parseStructured(text: string, path: string, what: string): Promise<unknown> {
  if (formatOf(path) === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new UserError(
        `The ${what} "${path}" is not valid JSON: ${await describeJsonError(error as Error, text)}.`,
      );
    }
    const tooDeep = jsonDepthExceeded(text, STRUCTURED_LIMITS.maxDepth);
    if (tooDeep !== undefined) {
      const { line, column } = lineAndColumn(text, tooDeep);
      throw new UserError(
        `The ${what} "${path}" nests objects and arrays more than ${STRUCTURED_LIMITS.maxDepth} levels deep (at line ${line}, column ${column}). A ${what} needs far fewer; flatten it.`,
      );
    }
    return value;
  }
  const yaml = await import('js-yaml');
  let value: unknown;
  try {
    value = yaml.load(text, {
      filename: path,
      maxDepth: STRUCTURED_LIMITS.maxDepth,
      maxAliases: STRUCTURED_LIMITS.maxAliases,
    });
  } catch (error) {
    if (!(error instanceof yaml.YAMLException)) throw error;
    const mark = error.mark
      ? ` at line ${error.mark.line + 1}, column ${error.mark.column + 1}`
      : '';
    if (/maxAliases/.test(error.reason)) {
      throw new UserError(
        `The ${what} "${path}" has more than ${STRUCTURED_LIMITS.maxAliases} YAML aliases (the one past the limit is${mark}); write the values out instead of repeating anchors.`,
      );
    }
    if (/maxDepth/.test(error.reason)) {
      throw new UserError(
        `The ${what} "${path}" nests mappings and lists more than ${STRUCTURED_LIMITS.maxDepth} levels deep${mark}. A ${what} needs far fewer; flatten it.`,
      );
    }
    throw new UserError(`The ${what} "${path}" is not valid YAML${mark}: ${error.reason}.`);
  }
  checkExpandedSize(value, path, what);
  return value;
}

/**
 * Refuses a YAML document whose aliases make it larger or deeper than the limits once
 * expanded, or make it contain itself. Each distinct list or mapping is measured once (an alias
 * is the same object as its anchor), so measuring costs the document's size, not its expansion.
 */
function checkExpandedSize(value: unknown, path: string, what: string): void {
  const { values, depth, distinct, cycle } = measureExpanded(
    value,
    STRUCTURED_LIMITS.maxExpandedValues,
  );
  if (cycle)
    throw new UserError(
      `The ${what} "${path}" has a YAML alias inside the node it refers to, so it would contain itself; write the values out.`,
    );
  if (values > distinct && values > STRUCTURED_LIMITS.maxExpandedValues) {
    throw new UserError(
      `The ${what} "${path}" has YAML aliases that expand to more than ${STRUCTURED_LIMITS.maxExpandedValues.toLocaleString('en-US')} values; write the values out (a ${what} needs far fewer).`,
    );
  }
  if (depth > STRUCTURED_LIMITS.maxDepth) {
    throw new UserError(
      `The ${what} "${path}" has YAML aliases that nest mappings and lists more than ${STRUCTURED_LIMITS.maxDepth} levels deep once expanded; write the values out.`,
    );
  }
}

export interface ExpandedSize {
  /** Values with every alias expanded (counting stops soon after `limit`). */
  values: number;
  /** Depth of the deepest list or mapping with aliases expanded; a scalar document is 0. */
  depth: number;
  /** Values counting each list or mapping once, however many aliases refer to it. */
  distinct: number;
  /** A list or mapping contains itself. */
  cycle: boolean;
}

interface MeasureFrame {
  node: object;
  children: unknown[];
  next: number;
  values: number;
  depth: number;
}

/** Measures a parsed document with aliases expanded, without recursion (its depth is what is in question) and memoised per object. */
export function measureExpanded(root: unknown, limit = Infinity): ExpandedSize {
  if (root === null || typeof root !== 'object')
    return { values: 1, depth: 0, distinct: 1, cycle: false };
  const measured = new Map<object, { values: number; depth: number }>();
  const open = new Set<object>();
  let distinct = 0;
  const stack: MeasureFrame[] = [];
  const enter = (node: object) => {
    open.add(node);
    distinct++;
    stack.push({
      node,
      children: Array.isArray(node) ? node : Object.values(node),
      next: 0,
      values: 1,
      depth: 1,
    });
  };
  enter(root);
  let result = { values: 1, depth: 1 };
  while (stack.length) {
    const frame = stack.at(-1)!;
    if (frame.next < frame.children.length && frame.values <= limit) {
      const child = frame.children[frame.next++];
      if (child === null || typeof child !== 'object' || child instanceof Date) {
        frame.values++;
        distinct++;
        continue;
      }
      if (open.has(child))
        return { values: frame.values, depth: stack.length, distinct, cycle: true };
      const known = measured.get(child);
      if (known) {
        frame.values += known.values;
        frame.depth = Math.max(frame.depth, known.depth + 1);
      } else enter(child);
      continue;
    }
    stack.pop();
    open.delete(frame.node);
    result = { values: frame.values, depth: frame.depth };
    measured.set(frame.node, result);
    const parent = stack.at(-1);
    if (parent) {
      parent.values += frame.values;
      parent.depth = Math.max(parent.depth, frame.depth + 1);
    }
  }
  return { ...result, distinct, cycle: false };
}

/**
 * JSON.parse's message depends on the Node version: some give a position, others quote the
 * text instead. Keep the reason, on one line, and find where the text goes wrong.
 */
async function describeJsonError(error: Error, text: string): Promise<string> {
  // Node quotes the text (whole, or "..."-shortened); keep only the reason.
  const reason = error.message
    .replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '')
    .replace(/ (?:in JSON )?at position \d+.*$/s, '')
    .replace(/\s+/g, ' ');
  const { line, column } = lineAndColumn(text, jsonErrorOffset(text, error));
  return `${reason} at line ${line}, column ${column}`;
}

/**
 * The offset of the first character JSON.parse rejects. When the message does not say, the
 * shortest prefix of the text that fails for a reason other than ending early is found by
 * bisection (only on this error path, so its O(n log n) cost does not matter).
 */
function jsonErrorOffset(text: string, error: Error): number {
  const reported = positionIn(error);
  if (reported !== undefined) return reported;
  const endsEarly = (prefixLength: number): boolean => {
    try {
      JSON.parse(text.slice(0, prefixLength));
      return true;
    } catch (prefixError) {
      const message = (prefixError as Error).message;
      const position = positionIn(prefixError as Error);
      return (
        /end of JSON input|Unterminated/.test(message) ||
        (position !== undefined && position >= prefixLength)
      );
    }
  };
  let good = 0;
  let bad = text.length;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    if (endsEarly(middle)) good = middle;
    else bad = middle;
  }
  return bad - 1;
}

function positionIn(error: Error): number | undefined {
  const match = /position (\d+)/.exec(error.message);
  return match ? Number(match[1]) : undefined;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

/** Reads, parses and validates a config-like file. */
export async function readStructuredFile<S extends z.ZodType>(
  path: string,
  schema: S,
  what: string,
  baseDir = process.cwd(),
): Promise<z.output<S>> {
  const text = await readUserFile(path, what, baseDir);
  const value = await parseStructured(text, path, what);
  return validateStructured(value, schema, { path, what, text });
}

export async function validateStructured<S extends z.ZodType>(
  value: unknown,
  schema: S,
  source: { path: string; what: string; text?: string },
): Promise<z.output<S>> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 10);
  const lines = source.text
    ? await locateLines(
        source.text,
        issues.map((issue) => issue.path),
      )
    : [];
  const problems = issues.map((issue, index) => {
    const field = issue.path.length ? `"${formatPath(issue.path)}"` : 'the top level';
    const line = lines[index] ? ` (line ${lines[index]})` : '';
    return `${field}${line}: ${issue.message}${describeInput(issue)}`;
  });
  const more =
    result.error.issues.length > issues.length
      ? `; and ${result.error.issues.length - issues.length} more`
      : '';
  throw new UserError(
    `The ${source.what} "${source.path}" is not valid: ${problems.join('; ')}${more}.`,
  );
}

/** The offending value, when it is short and the message does not already show it. */
function describeInput(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  if (input === undefined || (typeof input === 'object' && input !== null)) return '';
  const shown = JSON.stringify(input);
  return shown.length <= 60 && !issue.message.includes(shown) ? `, got ${shown}` : '';
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) =>
      typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key),
    '',
  );
}

type PathKey = string;
const keyOf = (path: readonly PropertyKey[]): PathKey => JSON.stringify(path.map(String));

/** The line of the deepest node that exists along each path (JSON is YAML, so one walker serves both). */
export async function locateLines(
  text: string,
  paths: readonly (readonly PropertyKey[])[],
): Promise<(number | undefined)[]> {
  const offsets = await nodeOffsets(text).catch(() => new Map<PathKey, number>());
  return paths.map((path) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const offset = offsets.get(keyOf(path.slice(0, depth)));
      if (offset !== undefined) return lineAndColumn(text, offset).line;
    }
    return undefined;
  });
}

interface Frame {
  kind: 'mapping' | 'sequence';
  path: string[];
  index: number;
  /** In a mapping: the key just read, waiting for its value; undefined while a key is expected. */
  pendingKey?: string;
}

/** Source offsets of every node of the first document, by path. */
async function nodeOffsets(text: string): Promise<Map<PathKey, number>> {
  const yaml = await import('js-yaml');
  const offsets = new Map<PathKey, number>();
  const stack: Frame[] = [];
  /** Path of the node that starts now, or undefined when it is a mapping key. */
  const nextPath = (): string[] | undefined => {
    const top = stack.at(-1);
    if (!top) return [];
    if (top.kind === 'sequence') return [...top.path, String(top.index++)];
    if (top.pendingKey === undefined) return undefined;
    const path = [...top.path, top.pendingKey];
    top.pendingKey = undefined;
    return path;
  };
  for (const event of yaml.parseEvents(text, {})) {
    if (event.type === yaml.EVENT_ID.SCALAR) {
      const path = nextPath();
      if (path) offsets.set(keyOf(path), event.valueStart);
      else stack.at(-1)!.pendingKey = yaml.getScalarValue(text, event);
    } else if (event.type === yaml.EVENT_ID.MAPPING || event.type === yaml.EVENT_ID.SEQUENCE) {
      const path = nextPath() ?? [...stack.at(-1)!.path, '?'];
      offsets.set(keyOf(path), event.start);
      stack.push({
        kind: event.type === yaml.EVENT_ID.MAPPING ? 'mapping' : 'sequence',
        path,
        index: 0,
      });
    } else if (event.type === yaml.EVENT_ID.ALIAS) {
      nextPath();
    } else if (event.type === yaml.EVENT_ID.POP) {
      stack.pop();
      if (stack.length === 0) break;
    }
  }
  return offsets;
}
