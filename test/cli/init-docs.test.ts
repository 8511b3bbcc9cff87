/**
 * docs/troubleshooting.md quotes the messages users get: each quoted message must still be one
 * the suite gives, so the page cannot drift from the code. A heading's message is split at its
 * `…` (where the message names the user's files and values) and every literal piece must occur
 * in the sources of the actions, shared/ or the CLI.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../../harness/runner/run-bundle.js';

function sources(folder: string): string[] {
  return readdirSync(join(REPOSITORY_ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'));
}

const code = [
  ...sources('shared'),
  ...sources('cli/src'),
  ...readdirSync(join(REPOSITORY_ROOT, 'actions')).flatMap((name) =>
    sources(join('actions', name, 'src')),
  ),
].join('\n');

const page = readFileSync(join(REPOSITORY_ROOT, 'docs', 'troubleshooting.md'), 'utf8');
/** `## N. \`message\`` headings, and the quoted messages in the body of the "init" entries. */
const quoted = [
  ...[...page.matchAll(/^## \d+\. `(.+)`$/gm)].map((m) => m[1]!),
  ...[...page.matchAll(/^- `([^`]+)`/gm)].map((m) => m[1]!),
];

describe('docs/troubleshooting.md', () => {
  it('has its ten entries, most quoting a message', () => {
    expect(page.match(/^## \d+\. /gm)).toHaveLength(10);
    expect(quoted.length).toBeGreaterThanOrEqual(10);
  });

  it.each(quoted)('quotes a message the suite gives: %s', (message) => {
    const pieces = message
      .split('…')
      .map((piece) => piece.replace(/^[\s".:,()]+|[\s".:,()]+$/g, ''))
      .filter((piece) => piece.length >= 6);
    expect(pieces.length).toBeGreaterThan(0);
    for (const piece of pieces) expect(code, piece).toContain(piece);
  });
});
