/**
 * One spelling of the suite's address in everything a user copies: every reference to an action
 * (`…/actions/<name>@ref`) or a reusable workflow (`…/.github/workflows/<file>@ref`) of this
 * repository, in the docs, the examples, the workflows and the templates `init` writes, names
 * `mlops-actions/mlops-actions` and a released ref (`v1`, a full version, or a commit). A copy
 * with another owner, repository or a branch resolves to nothing, or to someone else's code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

const OWNER_REPO = 'mlops-actions/mlops-actions';
const ACTIONS = readdirSync(join(root, 'actions'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const WORKFLOWS = readdirSync(join(root, '.github', 'workflows')).filter((name) =>
  /\.ya?ml$/.test(name),
);
/** `@v1`, `@v1.2.3` (a pinned release) or a full commit. */
const RELEASED_REF = /^(v\d+|v\d+\.\d+\.\d+|[0-9a-f]{40})$/;

/** Where users copy from: docs, examples, workflows, and the sources that write workflows. */
const SCANNED = [
  'README.md',
  'CONTRIBUTING.md',
  'action-catalog.md',
  'docs',
  'examples',
  '.github',
  'cli/src',
  'shared',
];
const TEXT_FILE = /\.(md|ya?ml|ts|mjs|js|json)$/;

function filesUnder(path: string): string[] {
  const full = join(root, path);
  let entries;
  try {
    entries = readdirSync(full, { withFileTypes: true });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOTDIR')
      return TEXT_FILE.test(path) ? [path] : [];
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
    throw error;
  }
  return entries.flatMap((entry) => {
    if (['node_modules', 'dist', 'screenshots'].includes(entry.name)) return [];
    const child = relative(root, join(full, entry.name)).split(sep).join('/');
    if (entry.isDirectory()) return filesUnder(child);
    return TEXT_FILE.test(entry.name) ? [child] : [];
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `owner/repo/actions/<ours>@ref` and `owner/repo/.github/workflows/<ours>@ref`. */
const REFERENCE = new RegExp(
  String.raw`([\w.-]+)/([\w.-]+)/(actions/(?:${ACTIONS.map(escape).join('|')})|\.github/workflows/(?:${WORKFLOWS.map(escape).join('|')}))@([^\s'"\`)]*)`,
  'g',
);
/** A prefix that code completes with an action's name: 'mlops-actions/mlops-actions/actions'. */
const PREFIX = /['"`]([\w.-]+)\/([\w.-]+)\/(?:actions|\.github\/workflows)['"`]/g;
/** A GitHub address of the repository under another owner, e.g. github.com/acme/mlops-actions. */
const ADDRESS = /github\.com\/([\w.-]+)\/mlops-actions\b/g;

/** Every reference in `text` spelled otherwise, as "path:line: reference (why)". */
function misspellings(path: string, text: string): string[] {
  const found: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    for (const match of line.matchAll(REFERENCE)) {
      const [reference, owner, repo, , ref] = match;
      const problems = [];
      if (`${owner}/${repo}` !== OWNER_REPO) problems.push(`not ${OWNER_REPO}`);
      if (!RELEASED_REF.test(ref ?? ''))
        problems.push(`ref "${ref}" is not v1, vX.Y.Z or a commit`);
      if (problems.length > 0)
        found.push(`${path}:${index + 1}: ${reference} (${problems.join('; ')})`);
    }
    for (const match of line.matchAll(PREFIX))
      if (`${match[1]}/${match[2]}` !== OWNER_REPO)
        found.push(`${path}:${index + 1}: ${match[0]} (not ${OWNER_REPO})`);
    for (const match of line.matchAll(ADDRESS))
      if (match[1] !== 'mlops-actions')
        found.push(`${path}:${index + 1}: ${match[0]} (not github.com/${OWNER_REPO})`);
  });
  return found;
}

describe('the suite’s address', () => {
  const files = SCANNED.flatMap(filesUnder);

  it('is looked for in the docs, the examples and the workflows', () => {
    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'examples/workflows/pull-request.yml']),
    );
    expect(files.some((file) => file.startsWith('.github/workflows/'))).toBe(true);
  });

  it('the check reports another owner, another repository, a branch and an address (it is live)', () => {
    const text = [
      'uses: acme/mlops-actions/actions/train-model@v1',
      'uses: mlops-actions/mlops-actions/actions/validate-data@main',
      'uses: mlops-actions/actions/.github/workflows/model-check.yml@v1',
      'see https://github.com/someone/mlops-actions#security-model',
      'uses: mlops-actions/mlops-actions/actions/compare-metrics@v1',
      'uses: mlops-actions/mlops-actions/.github/workflows/model-check.yml@v1.0.0',
      "const ACTIONS = 'acme/mlops-actions/actions';",
      "const OURS = 'mlops-actions/mlops-actions/actions';",
    ].join('\n');
    expect(misspellings('x.md', text)).toEqual([
      'x.md:1: acme/mlops-actions/actions/train-model@v1 (not mlops-actions/mlops-actions)',
      'x.md:2: mlops-actions/mlops-actions/actions/validate-data@main (ref "main" is not v1, vX.Y.Z or a commit)',
      'x.md:3: mlops-actions/actions/.github/workflows/model-check.yml@v1 (not mlops-actions/mlops-actions)',
      'x.md:4: github.com/someone/mlops-actions (not github.com/mlops-actions/mlops-actions)',
      "x.md:7: 'acme/mlops-actions/actions' (not mlops-actions/mlops-actions)",
    ]);
  });

  it('is spelled one way everywhere', () => {
    const found = files.flatMap((file) =>
      misspellings(file, readFileSync(join(root, file), 'utf8')),
    );
    if (found.length > 0) assert.fail(`Spell these ${OWNER_REPO}/…@v1:\n${found.join('\n')}`);
  });

  it('is used somewhere, so a change of the pattern cannot pass by matching nothing', () => {
    const text = readFileSync(join(root, 'examples/workflows/reusable-caller.yml'), 'utf8');
    expect([...text.matchAll(REFERENCE)].map((match) => match[0])).toEqual([
      `${OWNER_REPO}/.github/workflows/model-check.yml@v1`,
    ]);
  });
});
