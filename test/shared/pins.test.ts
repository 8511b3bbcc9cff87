import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTION_VERSION } from '../../shared/action/version.js';
import {
  condaFindings,
  LOCK_FILE_PATTERN,
  manifestWithoutLock,
  requirementFindings,
} from '../../shared/lineage/pins.js';

describe('requirementFindings', () => {
  it('passes exact pins, options, includes, comments and hashed or committed URLs', () => {
    const text = [
      '# comment',
      '',
      'numpy==1.26.4',
      'scikit-learn[alldeps] == 1.2.1 ; python_version >= "3.9"',
      'torch===2.1.0',
      '-r base.txt',
      '--index-url https://example.invalid/simple',
      'pandas==2.1.0 \\',
      '    --hash=sha256:' + 'a'.repeat(64),
      'mylib @ git+https://github.com/o/r@' + 'b'.repeat(40),
      'wheel @ https://example.invalid/w-1.0-py3-none-any.whl',
    ].join('\n');
    expect(requirementFindings(text, 'requirements.txt')).toEqual([]);
  });

  it('reports ranges, bare names, wildcards and moving URLs with their lines', () => {
    const text = [
      'numpy>=1.2',
      'pandas',
      'scipy==1.*',
      'tool~=2.0',
      'lib @ git+https://github.com/o/r@main',
    ].join('\n');
    const findings = requirementFindings(text, 'req/dev.txt');
    expect(findings.map((f) => [f.file, f.line])).toEqual([
      ['req/dev.txt', 1],
      ['req/dev.txt', 2],
      ['req/dev.txt', 3],
      ['req/dev.txt', 4],
      ['req/dev.txt', 5],
    ]);
    expect(findings[0]!.message).toMatch(/"numpy" allows a range \(>=1\.2\)/);
    expect(findings[1]!.message).toMatch(/"pandas" has no version/);
    expect(findings[4]!.message).toMatch(/URL without a commit hash/);
  });
});

describe('condaFindings', () => {
  it('reports conda and pip dependencies without one version', () => {
    const text = [
      'name: train',
      'channels:',
      '  - conda-forge',
      'dependencies:',
      '  - python=3.11',
      '  - numpy=1.26.4',
      '  - conda-forge::scipy',
      '  - pandas>=2',
      '  - pip',
      '  - pip:',
      '    - requests==2.31.0',
      '    - rich',
      'variables:',
      '  - x',
    ].join('\n');
    expect(
      condaFindings(text, 'environment.yml').map((f) => [f.line, f.message.slice(0, 40)]),
    ).toEqual([
      [7, 'conda dependency "conda-forge::scipy" do'],
      [8, 'conda dependency "pandas>=2" does not pi'],
      [9, 'conda dependency "pip" does not pin one '],
      [12, '"rich" has no version: pin one version w'],
    ]);
  });
});

describe('manifestWithoutLock', () => {
  it('reports a manifest whose lock file is missing, not one beside its lock', () => {
    expect(
      manifestWithoutLock(
        'pyproject.toml',
        'pyproject.toml',
        ['pyproject.toml'],
        '[project]\ndependencies = ["numpy"]\n',
      )?.message,
    ).toMatch(/pyproject.toml without a lock file \(poetry.lock, uv.lock/);
    expect(
      manifestWithoutLock(
        'pyproject.toml',
        'pyproject.toml',
        ['pyproject.toml', 'uv.lock'],
        '[project]\ndependencies = ["numpy"]\n',
      ),
    ).toBeUndefined();
    expect(
      manifestWithoutLock(
        'pyproject.toml',
        'pyproject.toml',
        ['pyproject.toml'],
        '[tool.ruff]\nline-length = 100\n',
      ),
    ).toBeUndefined();
    expect(manifestWithoutLock('web/package.json', 'package.json', ['package.json'])?.file).toBe(
      'web/package.json',
    );
  });

  it('knows the lock files of the common tools', () => {
    for (const name of [
      'requirements.txt',
      'requirements-dev.txt',
      'poetry.lock',
      'uv.lock',
      'Pipfile.lock',
      'environment.yml',
      'package-lock.json',
      'conda-lock.yml',
    ])
      expect(LOCK_FILE_PATTERN.test(name), name).toBe(true);
    for (const name of ['pyproject.toml', 'README.md', 'requirements.in'])
      expect(LOCK_FILE_PATTERN.test(name), name).toBe(false);
  });
});

describe('ACTION_VERSION', () => {
  it('is the version in package.json', () => {
    expect(ACTION_VERSION).toBe(
      (
        JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
          version: string;
        }
      ).version,
    );
  });
});
