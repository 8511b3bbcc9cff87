import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTION_VERSION } from '../../shared/action/version.js';
import { confinePath, stepConfinement } from '../../shared/files/confine.js';
import { portablePath } from '../../shared/lineage/fingerprint.js';
import {
  pyprojectDependencies,
  setupCfgDependencies,
  setupPyDependencies,
} from '../../shared/lineage/python-manifests.js';
import {
  condaFindings,
  findDependencyFiles,
  inspectDependencies,
  LOCK_FILE_PATTERN,
  manifestWithoutLock,
  requirementFindings,
} from '../../shared/lineage/pins.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A workspace holding `files`; its dependency files found and judged as train-model does. */
async function inspect(files: Record<string, string>, workingDirectory = '.') {
  const root = await mkdtemp(join(await scratch, 'ws-'));
  const workspace = join(root, 'workspace');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  await mkdir(workspace, { recursive: true });
  const cwd = join(workspace, workingDirectory);
  const confinement = await stepConfinement(workspace, join(root, 'temp'));
  const found = await findDependencyFiles([cwd], cwd);
  const report = await inspectDependencies(found, {
    show: (path) => portablePath(path, workspace),
    confine: (target, from) =>
      confinePath(target, confinement, {
        what: 'included file',
        baseDir: dirname(from),
        kind: 'any',
      }),
  });
  const show = (path: string) => portablePath(path, workspace);
  return {
    locks: found.locks.map(show),
    included: report.included.map(show),
    findings: report.findings.map((f) => `${f.file}:${f.line}: ${f.message}`),
  };
}
const scratch = tempDir('mlops-pins-');
const sha = 'a'.repeat(40);

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
    expect(findings[4]!.message).toMatch(
      /pin a commit, as in lib @ git\+https:\/\/github.com\/o\/r@<40-hex commit sha>$/,
    );
  });
});

describe('requirementFindings: pip forms', () => {
  it('passes -e at a full commit, a local -e, hashes and constraint-pinned names', () => {
    const text = [
      `-e git+https://github.com/o/lib@${sha}#egg=lib`,
      `--editable=git+ssh://git@github.com/o/lib.git@${sha}#egg=lib`,
      '-e .',
      '-e ./packages/core',
      'https://example.invalid/lib-1.0.tar.gz --hash=sha256:' + 'b'.repeat(64),
      'numpy',
    ].join('\n');
    expect(requirementFindings(text, 'r.txt', new Set(['numpy']))).toEqual([]);
  });

  it('reports -e VCS URLs without a commit with the line that pins one', () => {
    const findings = requirementFindings(
      [
        '-e git+https://github.com/o/lib#egg=lib',
        '-e git+https://github.com/o/lib@main#egg=lib&subdirectory=py',
        '--editable git+https://github.com/o/lib@v1.2#egg=lib',
        `-e hg+https://hg.example/lib@${'c'.repeat(12)}#egg=lib`,
      ].join('\n'),
      'r.txt',
    );
    expect(findings.map((f) => f.line)).toEqual([1, 2, 3, 4]);
    expect(findings[0]!.message).toMatch(
      /pin a commit, as in -e git\+https:\/\/github.com\/o\/lib@<40-hex commit sha>#egg=lib$/,
    );
    expect(findings[1]!.message).toMatch(
      /-e git\+https:\/\/github.com\/o\/lib@<40-hex commit sha>#egg=lib&subdirectory=py$/,
    );
  });

  it('reports a URL without a hash, and a range even with a hash', () => {
    const findings = requirementFindings(
      [
        'https://example.invalid/lib-1.0.tar.gz',
        'numpy>=1.26 --hash=sha256:' + 'd'.repeat(64),
      ].join('\n'),
      'r.txt',
    );
    expect(findings.map((f) => [f.line, f.message.slice(0, 30)])).toEqual([
      [1, '"https://example.invalid/lib-1'],
      [2, '"numpy" allows a range (>=1.26'],
    ]);
    expect(findings[0]!.message).toContain('#sha256=<sha256 of the file>');
  });
});

describe('Python project manifests', () => {
  it('reads install_requires from setup.py as a literal list, with lines', () => {
    const text = [
      'from setuptools import setup',
      'setup(',
      '    name="x",',
      '    install_requires=[',
      '        "numpy==1.26.4",  # pinned',
      "        'pandas>=2',",
      '    ],',
      ')',
    ].join('\n');
    expect(setupPyDependencies(text)).toEqual([
      { spec: 'numpy==1.26.4', line: 5 },
      { spec: 'pandas>=2', line: 6 },
    ]);
  });

  it('says when setup.py install_requires cannot be read without running it', () => {
    for (const value of [
      'reqs',
      'open("r.txt").read().split()',
      '["a"] + extra',
      '[f"numpy=={v}"]',
    ])
      expect(setupPyDependencies(`setup(\n  install_requires=${value},\n)`)).toEqual([
        expect.objectContaining({ line: 2, problem: expect.stringMatching(/literal list/) }),
      ]);
  });

  it('reads setup.cfg [options] install_requires', () => {
    const text = [
      '[metadata]',
      'name = x',
      '[options]',
      'install_requires =',
      '    numpy==1.26.4',
      '    scipy',
      '[x]',
      'install_requires = no',
    ].join('\n');
    expect(setupCfgDependencies(text)).toEqual([
      { spec: 'numpy==1.26.4', line: 5 },
      { spec: 'scipy', line: 6 },
    ]);
  });

  it('reads pyproject [project] dependencies and Poetry dependencies, python left out', () => {
    const text = [
      '[project]',
      'name = "x"',
      'dependencies = [',
      '  "numpy==1.26.4",',
      '  "pandas>=2",',
      ']',
      '[tool.poetry.dependencies]',
      'python = "^3.11"',
      'scipy = "1.11.4"',
      'rich = "^13"',
      `lib = { git = "https://github.com/o/lib", rev = "${sha}" }`,
      'other = { git = "https://github.com/o/other" }',
    ].join('\n');
    const found = pyprojectDependencies(text);
    expect(found.map((d) => [d.line, d.spec, Boolean(d.problem), Boolean(d.pinned)])).toEqual([
      [4, 'numpy==1.26.4', false, false],
      [5, 'pandas>=2', false, false],
      [9, 'scipy==1.11.4', false, false],
      [10, 'rich', true, false],
      [11, 'lib', false, true],
      [12, 'other', true, false],
    ]);
  });
});

describe('inspectDependencies', () => {
  it('follows -r and -c includes, fingerprints them, and lets a constraint pin a requirement', async () => {
    const { findings, included, locks } = await inspect({
      'workspace/requirements.txt': '-r requirements/base.txt\n-c pins/versions.txt\nscipy\n',
      'workspace/requirements/base.txt': 'numpy\n--requirement ../more/extra.txt\n',
      'workspace/more/extra.txt': 'pandas>=2\n-r ../requirements.txt\n',
      'workspace/pins/versions.txt': 'numpy==1.26.4\nscipy==1.11.4\n',
    });
    expect(locks).toEqual(['requirements.txt', 'requirements/base.txt']);
    expect(included).toEqual(['pins/versions.txt', 'more/extra.txt']);
    expect(findings).toEqual([
      expect.stringMatching(
        /^more\/extra.txt:1: "pandas" allows a range \(>=2\): write pandas==<version> instead/,
      ),
    ]);
  });

  it('finds requirement files in subfolders of the working directory, not in virtual environments', async () => {
    const { locks, findings } = await inspect({
      'workspace/requirements/dev.txt': 'pytest\n',
      'workspace/services/api/requirements-api.txt': 'fastapi==0.110.0\n',
      'workspace/.venv/lib/requirements.txt': 'x\n',
      'workspace/node_modules/p/requirements.txt': 'x\n',
    });
    expect(locks).toEqual(['requirements/dev.txt', 'services/api/requirements-api.txt']);
    expect(findings).toEqual([
      expect.stringMatching(/^requirements\/dev.txt:1: "pytest" has no version/),
    ]);
  });

  it('leaves out the requirement files inside an output (a model folder MLflow wrote)', async () => {
    const root = await mkdtemp(join(await scratch, 'out-'));
    await mkdir(join(root, 'model'), { recursive: true });
    await writeFile(join(root, 'model', 'requirements.txt'), 'numpy\n');
    await writeFile(join(root, 'requirements-dev.txt'), 'numpy==1.26.4\n');
    const found = await findDependencyFiles([root, join(root, 'model')], root, [
      join(root, 'model'),
    ]);
    expect(found.locks).toEqual([join(root, 'requirements-dev.txt')]);
  });

  it('refuses an include that leads outside the workspace, and reports a missing or URL include', async () => {
    await expect(
      inspect({ 'workspace/requirements.txt': '-r ../secret.txt\n', 'secret.txt': 'x==1\n' }),
    ).rejects.toThrow(/included file "\.\.\/secret\.txt" is outside the workspace/);
    const { findings } = await inspect({
      'workspace/requirements.txt': '-r missing.txt\n-c https://example.invalid/c.txt\n',
    });
    expect(findings).toEqual([
      expect.stringMatching(
        /^requirements.txt:1: "-r missing.txt" names a file that does not exist/,
      ),
      expect.stringMatching(
        /^requirements.txt:2: "-c https:\/\/example.invalid\/c.txt" includes a file from a URL/,
      ),
    ]);
  });

  it('stops an include chain at its bound', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 120; index++)
      files[`workspace/requirements/r${index}.in`] = `-r r${index + 1}.in\nnumpy==1.26.4\n`;
    files['workspace/requirements.txt'] = '-r requirements/r0.in\n';
    const { findings, included } = await inspect(files);
    expect(included).toHaveLength(100);
    expect(findings).toEqual([
      expect.stringMatching(/More than 100 requirement files are included/),
    ]);
  });

  it('judges setup.py, setup.cfg and pyproject.toml dependencies one by one, unless a lock or a requirements pin covers them', async () => {
    const { findings } = await inspect({
      'workspace/setup.py': 'setup(install_requires=["numpy>=1", "pandas>=2"])\n',
      'workspace/setup.cfg': '[options]\ninstall_requires =\n    scipy\n',
      'workspace/pyproject.toml': '[project]\ndependencies = ["rich~=13.0"]\n',
      'workspace/requirements.txt': 'numpy==1.26.4\n',
    });
    expect(findings).toEqual([
      expect.stringMatching(
        /^pyproject.toml:2: "rich" allows a range \(~=13.0\): write rich==<version> instead .* Or pin it with == in a requirements or constraints file\.$/,
      ),
      expect.stringMatching(/^setup.cfg:3: "scipy" has no version/),
      expect.stringMatching(/^setup.py:1: "pandas" allows a range/),
    ]);
    const locked = await inspect({
      'workspace/pyproject.toml': '[project]\ndependencies = ["rich~=13.0"]\n',
      'workspace/uv.lock': 'version = 1\n',
    });
    expect(locked.findings).toEqual([]);
  });

  it('reports a pyproject.toml it cannot parse at its line', async () => {
    const { findings } = await inspect({
      'workspace/pyproject.toml': '[project]\ndependencies = [\n',
    });
    expect(findings).toEqual([
      expect.stringMatching(/^pyproject.toml:\d+: pyproject.toml could not be read/),
    ]);
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
      [12, '"rich" has no version: write rich==<vers'],
    ]);
  });
});

describe('manifestWithoutLock', () => {
  it('reports a manifest whose lock file is missing, not one beside its lock', () => {
    expect(manifestWithoutLock('Pipfile', 'Pipfile', ['Pipfile'])?.message).toMatch(
      /Pipfile without a lock file \(Pipfile.lock\)/,
    );
    expect(manifestWithoutLock('Pipfile', 'Pipfile', ['Pipfile', 'Pipfile.lock'])).toBeUndefined();
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
