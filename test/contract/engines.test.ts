/**
 * The Node.js versions the suite promises agree everywhere: package.json's `engines` (what `npm
 * ci` and `npx` check), every installed package's own `engines` in the lock file (npm warns when
 * one needs more than the machine has, as content-type 3 did with Node 22), the versions CI
 * tests, and the actions' runtime.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface LockPackage {
  version?: string;
  engines?: { node?: string } | string[];
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
};
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockPackage>;
};

/** The lowest Node.js version a range admits. */
function floorOf(range: string): string {
  const floor = semver.minVersion(range);
  if (floor === null) throw new Error(`engines.node "${range}" admits no version`);
  return floor.version;
}

/** Installed packages whose `engines.node` excludes `version`, as "path@version needs range". */
function excluding(packages: Record<string, LockPackage>, version: string): string[] {
  return Object.entries(packages).flatMap(([path, entry]) => {
    const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    if (path === '' || range === undefined) return [];
    return semver.satisfies(version, range, { includePrerelease: true })
      ? []
      : [`${path}@${entry.version ?? '?'} needs node ${range}`];
  });
}

describe('Node.js versions', () => {
  const floor = floorOf(manifest.engines.node);

  it('every installed package runs on the lowest version package.json promises', () => {
    expect(excluding(lock.packages, floor)).toEqual([]);
  });

  it('the check reports a package that needs more (it is live)', () => {
    const packages = {
      'node_modules/content-type': { version: '3.1.1', engines: { node: '>=22' } },
      'node_modules/ok': { version: '1.0.0', engines: { node: '>=18' } },
    };
    expect(excluding(packages, '20.19.0')).toEqual([
      'node_modules/content-type@3.1.1 needs node >=22',
    ]);
  });

  it('CI tests the lowest promised version and the actions’ runtime', () => {
    const ci = parse(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8')) as {
      jobs: { check: { strategy: { matrix: { node: (string | number)[] } } } };
    };
    const tested = ci.jobs.check.strategy.matrix.node.map(String);
    const runtimes = readdirSync(join(root, 'actions')).map((name) => {
      const action = parse(readFileSync(join(root, 'actions', name, 'action.yml'), 'utf8')) as {
        runs: { using: string };
      };
      return action.runs.using.replace(/^node/, '');
    });
    expect(
      tested.some((version) => semver.minVersion(version)?.version === floor),
      `CI's matrix ${tested.join(', ')} lacks the floor ${floor}`,
    ).toBe(true);
    for (const runtime of new Set(runtimes)) expect(tested).toContain(runtime);
    for (const version of tested)
      expect(semver.satisfies(semver.minVersion(version)!, manifest.engines.node)).toBe(true);
  });
});
