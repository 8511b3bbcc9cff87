/**
 * Generates `action-catalog.md` and the action table in `README.md` (between
 * `<!-- actions:start -->` and `<!-- actions:end -->`) from the action.yml files.
 *
 *   npm run catalog              write the files that are out of date
 *   npm run catalog -- --check   write nothing; exit 1 listing the files that are out of date
 *
 * The rendering functions are pure and deterministic (no dates, no environment), so the
 * contract tests can compare the committed files with freshly rendered text.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ActionMetadataError,
  isRequired,
  loadActions,
  oneLine,
  type ActionInput,
  type ActionMetadata,
} from './action-metadata.js';
import { CONFORMANCE_FILE, renderConformance } from './generate-conformance.js';

export const CATALOG_FILE = 'action-catalog.md';
export const README_FILE = 'README.md';
export const README_START = '<!-- actions:start -->';
export const README_END = '<!-- actions:end -->';
export const USES_PREFIX = 'mlops-actions/mlops-actions/actions/';
export const USES_REF = 'v1';

const INTRO =
  'Generated from the action.yml files by `npm run catalog`; do not edit by hand. ' +
  `Each action is used as \`uses: ${USES_PREFIX}<action>@${USES_REF}\`; ` +
  'required inputs are in bold, and every input and output is a string, as GitHub passes them.';

/** Text for a Markdown table cell: one line, `|` escaped. */
export function tableCell(text: string): string {
  return oneLine(text).replace(/\|/g, '\\|');
}

/** Inline code with a fence longer than any backtick run inside (one line; `|` is escaped by tableCell). */
export function code(text: string): string {
  const flat = oneLine(text);
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) =>
    `| ${cells.map(tableCell).join(' | ')} |`.replace(/ {2,}\|/g, ' |');
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The heading anchor GitHub derives from `## <folder>` (folders are kebab-case). */
export function anchor(action: ActionMetadata): string {
  return action.folder
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}

function inputEntries(action: ActionMetadata): [string, ActionInput][] {
  return Object.entries(action.inputs);
}

function inputName(name: string, input: ActionInput): string {
  return isRequired(input) ? `**${code(name)}**` : code(name);
}

function inputDescription(input: ActionInput): string {
  const description = oneLine(input.description);
  return input.deprecationMessage
    ? `**Deprecated:** ${oneLine(input.deprecationMessage)} ${description}`
    : description;
}

function defaultCell(input: ActionInput): string {
  if (input.default === undefined) return '';
  const value = String(input.default);
  return value === '' ? '(empty)' : code(value);
}

/** A minimal step: the `uses:` line and every required input with a placeholder value. */
export function usesSnippet(action: ActionMetadata): string {
  const lines = [`- uses: ${USES_PREFIX}${action.folder}@${USES_REF}`];
  const required = inputEntries(action).filter(([, input]) => isRequired(input));
  if (required.length > 0) {
    lines.push('  with:');
    for (const [name] of required) lines.push(`    ${name}: <${name}>`);
  }
  return lines.join('\n');
}

function section(action: ActionMetadata): string {
  const parts = [
    `## ${action.folder}`,
    `**${oneLine(action.name)}.** ${oneLine(action.description)}`,
    ['```yaml', usesSnippet(action), '```'].join('\n'),
    '### Inputs',
  ];
  const inputs = inputEntries(action);
  parts.push(
    inputs.length === 0
      ? 'None.'
      : table(
          ['Input', 'Required', 'Default', 'Description'],
          inputs.map(([name, input]) => [
            inputName(name, input),
            isRequired(input) ? '**yes**' : 'no',
            defaultCell(input),
            inputDescription(input),
          ]),
        ),
  );
  parts.push('### Outputs');
  const outputs = Object.entries(action.outputs);
  parts.push(
    outputs.length === 0
      ? 'None.'
      : table(
          ['Output', 'Description'],
          outputs.map(([name, output]) => [code(name), output.description]),
        ),
  );
  return parts.join('\n\n');
}

/** The whole of action-catalog.md. */
export function renderCatalog(actions: readonly ActionMetadata[]): string {
  const index = table(
    ['Action', 'What it does'],
    actions.map((action) => [`[${action.folder}](#${anchor(action)})`, action.description]),
  );
  return `${['# Action catalog', INTRO, index, ...actions.map(section)].join('\n\n')}\n`;
}

/** The README table that goes between the markers (without the markers). */
export function renderReadmeBlock(actions: readonly ActionMetadata[]): string {
  return table(
    ['Action', 'What it does', 'Inputs'],
    actions.map((action) => [
      `[${action.folder}](${CATALOG_FILE}#${anchor(action)})`,
      action.description,
      inputEntries(action)
        .map(([name, input]) => inputName(name, input))
        .join(', '),
    ]),
  );
}

/** Whether the text has the README markers (throws when they are malformed). */
export function hasReadmeMarkers(readmeText: string): boolean {
  return findMarkers(readmeText) !== undefined;
}

function findMarkers(text: string): { start: number; end: number } | undefined {
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start === -1 && end === -1) return undefined;
  if (start === -1 || end === -1) {
    throw new Error(
      `${README_FILE} has ${start === -1 ? README_END : README_START} without ${start === -1 ? README_START : README_END}.`,
    );
  }
  if (end < start) throw new Error(`${README_FILE} has ${README_END} before ${README_START}.`);
  if (text.indexOf(README_START, start + 1) !== -1 || text.indexOf(README_END, end + 1) !== -1) {
    throw new Error(`${README_FILE} has more than one ${README_START} … ${README_END} block.`);
  }
  return { start, end };
}

/**
 * Replaces what lies between the markers with `block` (surrounded by blank lines, so that the
 * table is not read as part of the comments). Everything outside the markers, the markers
 * included, is kept as it is. Text without the markers is returned unchanged; malformed
 * markers (one missing, out of order, repeated) throw.
 */
export function updateReadme(readmeText: string, block: string): string {
  const markers = findMarkers(readmeText);
  if (!markers) return readmeText;
  const before = readmeText.slice(0, markers.start + README_START.length);
  const after = readmeText.slice(markers.end);
  return `${before}\n\n${block.trim()}\n\n${after}`;
}

/** A generated file, what it should contain and what it contains now (undefined: missing). */
export interface GeneratedFile {
  file: string;
  expected: string;
  current: string | undefined;
}

/** The generated files under `root` and their expected content. */
export async function generatedFiles(
  root: string,
  actions: readonly ActionMetadata[],
): Promise<GeneratedFile[]> {
  const files: GeneratedFile[] = [
    {
      file: CATALOG_FILE,
      expected: renderCatalog(actions),
      current: await readOptional(join(root, CATALOG_FILE)),
    },
  ];
  files.push({
    file: CONFORMANCE_FILE,
    expected: renderConformance(),
    current: await readOptional(join(root, CONFORMANCE_FILE)),
  });
  const readme = await readOptional(join(root, README_FILE));
  if (readme !== undefined && hasReadmeMarkers(readme)) {
    files.push({
      file: README_FILE,
      expected: updateReadme(readme, renderReadmeBlock(actions)),
      current: readme,
    });
  }
  return files;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
}

async function main(args: readonly string[]): Promise<number> {
  const unknown = args.filter((arg) => arg !== '--check');
  if (unknown.length > 0) {
    console.error(`Unknown argument ${unknown.join(' ')}. Usage: generate-docs.ts [--check]`);
    return 2;
  }
  const check = args.includes('--check');
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const files = await generatedFiles(root, await loadActions(root));
  const stale = files.filter((file) => file.current !== file.expected);
  if (check) {
    if (stale.length === 0) {
      console.log(`Up to date: ${files.map((file) => file.file).join(', ')}.`);
      return 0;
    }
    console.error('These generated files are out of date with the action.yml files:');
    for (const file of stale)
      console.error(`  ${file.file}${file.current === undefined ? ' (missing)' : ''}`);
    console.error('Run `npm run catalog` and commit the result.');
    return 1;
  }
  for (const file of files) {
    if (file.current === file.expected) {
      console.log(`${file.file}: up to date`);
    } else {
      await mkdir(dirname(join(root, file.file)), { recursive: true });
      await writeFile(join(root, file.file), file.expected);
      console.log(`${file.file}: written`);
    }
  }
  return 0;
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      console.error(
        error instanceof ActionMetadataError ||
          (error instanceof Error && error.message.startsWith(README_FILE))
          ? error.message
          : error,
      );
      process.exitCode = 1;
    },
  );
}
