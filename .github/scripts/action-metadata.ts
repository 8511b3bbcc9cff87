/**
 * Loads every `actions/<folder>/action.yml` and validates it against the shape this suite
 * uses. Errors name the file, the field and (when it can be found) the line, and all problems
 * in all files are reported together.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, isNode, parseDocument, type Document } from 'yaml';
import { z } from 'zod';

/** GitHub's branding colors (https://docs.github.com/actions/reference/metadata-syntax-for-github-actions#brandingcolor). */
export const BRANDING_COLORS = [
  'white',
  'black',
  'yellow',
  'blue',
  'green',
  'orange',
  'red',
  'purple',
  'gray-dark',
] as const;

const text = z.string().trim().min(1, 'must not be empty');

const inputSchema = z.strictObject({
  description: text,
  required: z.boolean().optional(),
  // Numbers and booleans are accepted here so that the contract tests can report them with a
  // clear message ("defaults are strings") instead of a schema error.
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  deprecationMessage: text.optional(),
});

const outputSchema = z.strictObject({
  description: text,
});

const actionSchema = z.strictObject({
  name: text,
  description: text,
  author: text,
  branding: z.strictObject({
    icon: text,
    color: z.enum(BRANDING_COLORS),
  }),
  inputs: z.record(z.string(), inputSchema).optional().default({}),
  outputs: z.record(z.string(), outputSchema).optional().default({}),
  runs: z.strictObject({
    using: text,
    main: text,
    pre: text.optional(),
    'pre-if': text.optional(),
    post: text.optional(),
    'post-if': text.optional(),
  }),
});

export type ActionInput = z.output<typeof inputSchema>;
export type ActionOutput = z.output<typeof outputSchema>;

export type ActionMetadata = z.output<typeof actionSchema> & {
  /** The folder under `actions/`, e.g. `validate-data`. */
  folder: string;
  /** The metadata file relative to the repository root, e.g. `actions/validate-data/action.yml`. */
  file: string;
};

export class ActionMetadataError extends Error {
  override name = 'ActionMetadataError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid action metadata:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Collapses a YAML description (folded, literal or plain) to one line of text. */
export function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/** Whether an input must be given; `required` defaults to false in GitHub's metadata syntax. */
export function isRequired(input: ActionInput): boolean {
  return input.required === true;
}

/** Parses and validates one action.yml. `file` is only used in error messages. */
export function parseActionMetadata(source: string, file: string, folder: string): ActionMetadata {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ActionMetadataError(
      doc.errors.map((error) => {
        const pos = lineCounter.linePos(error.pos[0]);
        const at = `:${pos.line}:${pos.col}`;
        return `${file}${at}: not valid YAML: ${error.message.split('\n')[0] ?? error.message}`;
      }),
    );
  }
  const result = actionSchema.safeParse(doc.toJS(), { reportInput: true });
  if (!result.success) {
    throw new ActionMetadataError(
      result.error.issues.map((issue) => {
        const path = issue.path.map(String);
        // An unknown key is reported on its parent; name the key itself.
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
        const field = [...path, ...keys.slice(0, 1)];
        const line = lineOf(doc, lineCounter, field);
        const at = line ? `:${line}` : '';
        const name = field.length > 0 ? field.join('.') : '(top level)';
        const message =
          issue.code === 'unrecognized_keys'
            ? `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((key) => `"${key}"`).join(', ')}`
            : issue.code === 'invalid_type' && issue.input === undefined
              ? `missing (expected ${issue.expected})`
              : issue.message;
        return `${file}${at}: ${name}: ${message}`;
      }),
    );
  }
  return { ...result.data, folder, file };
}

/** Line of the deepest node along `path` that exists in the document. */
function lineOf(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly string[],
): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

export interface ActionsRead {
  /** The action folders found under `actions/`, sorted. */
  folders: string[];
  /** The valid actions, sorted by folder. */
  actions: ActionMetadata[];
  /** One line per problem, each naming the file (and line and field when known). */
  problems: string[];
}

/**
 * Reads every `actions/<folder>/action.yml` under `root` and keeps going past invalid files,
 * so that a caller (the contract tests) can report all problems and still check the valid
 * files. A folder under `actions/` without an `action.yml` is a problem, so that a misnamed
 * file (`action.yaml`, `Action.yml`) cannot drop an action from the docs and tests unnoticed.
 */
export async function readActions(root: string): Promise<ActionsRead> {
  const entries = await readdir(join(root, 'actions'), { withFileTypes: true });
  const folders = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort(compareStrings);
  const problems: string[] = [];
  const actions: ActionMetadata[] = [];
  for (const folder of folders) {
    const file = `actions/${folder}/action.yml`;
    let source: string;
    try {
      source = await readFile(join(root, file), 'utf8');
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? error.code : undefined;
      problems.push(
        code === 'ENOENT'
          ? `${file}: missing (every folder under actions/ needs an action.yml)`
          : `${file}: ${String(error)}`,
      );
      continue;
    }
    try {
      actions.push(parseActionMetadata(source, file, folder));
    } catch (error) {
      if (error instanceof ActionMetadataError) problems.push(...error.problems);
      else throw error;
    }
  }
  return { folders, actions, problems };
}

/** Every `actions/<folder>/action.yml` under `root`, validated and sorted by folder name; throws on any problem. */
export async function loadActions(root: string): Promise<ActionMetadata[]> {
  const { actions, problems } = await readActions(root);
  if (problems.length > 0) throw new ActionMetadataError(problems);
  return actions;
}

/** Code-unit order: the same on every machine and locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
