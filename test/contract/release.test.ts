/**
 * The suite's release: the package can be published and run with npx (not private, its bin and
 * the files the CLI reads at run time shipped, a license), the version has its CHANGELOG section
 * (cut by release.yml's own script, run here), and release.yml gives the write token only to a
 * job that runs nothing from the repository, after a read-only job checked the release.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BOUNDED_CHILD } from '../../harness/runner/bounded-child.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

const manifest = JSON.parse(read('package.json')) as {
  version: string;
  private?: boolean;
  license: string;
  bin: Record<string, string>;
  files: string[];
  engines: { node: string };
  repository: { url: string };
};

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  permissions?: Record<string, string>;
  steps: Step[];
}
const release = parse(read('.github/workflows/release.yml')) as {
  on: { push: { tags: string[] } };
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};

/** Whether one of package.json's `files` entries covers `path` (`*` within one folder). */
function shipped(path: string): boolean {
  return manifest.files.some((entry) => {
    if (entry.endsWith('/')) return path.startsWith(entry);
    const pattern = new RegExp(
      `^${entry.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`,
    );
    return pattern.test(path);
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'release-notes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs release.yml's notes step on `changelog` for `tag`; its notes, or its error. */
function releaseNotes(changelog: string, tag: string): { notes?: string; error?: string } {
  const step = release.jobs.verify?.steps.find((s) => s.run?.includes('release-notes.md'));
  if (step?.run === undefined) throw new Error('release.yml has no step writing release-notes.md');
  writeFileSync(join(scratch, 'CHANGELOG.md'), changelog);
  try {
    execFileSync('bash', ['-e', '-c', step.run], {
      cwd: scratch,
      env: { ...process.env, TAG: tag },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...BOUNDED_CHILD,
    });
    return { notes: readFileSync(join(scratch, 'release-notes.md'), 'utf8') };
  } catch (error) {
    return { error: String((error as { stdout?: Buffer }).stdout ?? error) };
  }
}

describe('the package', () => {
  it('is publishable, under the MIT license its LICENSE file grants', () => {
    expect(manifest.private).toBeUndefined();
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
    expect(manifest.license).toBe('MIT');
    expect(read('LICENSE')).toMatch(
      /^MIT License\n\nCopyright \(c\) \d{4} mlops-actions contributors\n/,
    );
    expect(manifest.repository.url).toBe('git+https://github.com/mlops-actions/mlops-actions.git');
  });

  it('ships the CLI and the action.yml files it reads at run time', () => {
    const needed = [
      ...Object.values(manifest.bin),
      ...readdirSync(join(root, 'actions')).map((name) => `actions/${name}/action.yml`),
    ];
    expect(needed.filter((path) => !shipped(path))).toEqual([]);
    expect(shipped('actions/validate-data/src/run.ts')).toBe(false);
    expect(shipped('test/contract/release.test.ts')).toBe(false);
  });

  it('has a CHANGELOG section for its version, cut by release.yml as the notes', () => {
    const { notes, error } = releaseNotes(read('CHANGELOG.md'), `v${manifest.version}`);
    expect(error).toBeUndefined();
    expect(notes).toMatch(/\S/);
    expect(notes).not.toMatch(/^## /m);
  });
});

describe('release.yml', () => {
  it('cuts one version’s section, and fails on a version without one', () => {
    const changelog = '# x\n\n## 1.1.0\n\n- newer\n\n## 1.0.0\n\n- first\n';
    expect(releaseNotes(changelog, 'v1.0.0').notes?.trim()).toBe('- first');
    expect(releaseNotes(changelog, 'v1.1.0').notes?.trim()).toBe('- newer');
    expect(releaseNotes(changelog, 'v2.0.0').error).toContain('has no section for 2.0.0');
  });

  it('releases on a vX.Y.Z tag, with nothing granted at the top', () => {
    expect(release.on.push.tags).toEqual(['v*.*.*']);
    expect(release.permissions).toEqual({});
  });

  it('checks with a read-only token: fresh bundles and docs, the tests', () => {
    const verify = release.jobs.verify!;
    expect(verify.permissions).toEqual({ contents: 'read' });
    const scripts = verify.steps.map((step) => step.run ?? '').join('\n');
    for (const command of [
      'npm run build',
      "git diff --exit-code --stat -- 'actions/*/dist' cli/dist",
      'npm run catalog -- --check',
      'npm test',
    ])
      expect(scripts).toContain(command);
  });

  it('gives contents: write only to the job after the check, which checks nothing out', () => {
    const writers = Object.entries(release.jobs).filter(([, job]) =>
      Object.values(job.permissions ?? {}).includes('write'),
    );
    const publisher = release.jobs.release!;
    expect(publisher.needs).toBe('verify');
    expect(publisher.permissions).toEqual({ contents: 'write' });
    expect(publisher.steps.some((step) => step.uses?.startsWith('actions/checkout@'))).toBe(false);
    const scripts = publisher.steps.map((step) => step.run ?? '').join('\n');
    expect(scripts).toContain('gh release create');
    expect(scripts).toContain('refs/tags/$MAJOR');
    // The other writer opens the version pull request and never releases.
    expect(writers.map(([name]) => name).sort()).toEqual(['release', 'version']);
    expect(release.jobs.version!.steps.map((step) => step.run ?? '').join('\n')).not.toContain(
      'gh release',
    );
  });
});
