// Every committed bundle was built from the sources beside it: a change to an action's logic
// cannot pass the bundle tests on an old build. The harness checks each bundle it runs too.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../../harness/runner/run-bundle.js';
import { assertFreshBundle } from '../../.github/scripts/source-hash.js';

const targets = [
  ...readdirSync(join(REPOSITORY_ROOT, 'actions'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name),
  'cli',
];

describe('bundles', () => {
  it.each(targets)('dist/ of %s is built from the current sources', (target) => {
    expect(() => assertFreshBundle(REPOSITORY_ROOT, target)).not.toThrow();
  });
});
