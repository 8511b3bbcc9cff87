/**
 * Dependency pins: the lock files that fix what a training run installs, and the
 * requirements that do not pin (a requirement without `==`, a manifest without its lock
 * file), each with its file and line. Pure functions over file text, plus discovery.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Files that pin dependencies: their content is part of the fingerprint. */
export const LOCK_FILE_PATTERN =
  /^(requirements[\w.-]*\.txt|constraints[\w.-]*\.txt|poetry\.lock|uv\.lock|pdm\.lock|Pipfile\.lock|pixi\.lock|conda-lock\.ya?ml|environment[\w.-]*\.ya?ml|package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|Cargo\.lock|renv\.lock|Manifest\.toml|go\.sum)$/;

/** Manifests that name dependencies without pinning them, and the lock files any of which pins them. */
const MANIFESTS: Record<string, readonly string[]> = {
  'pyproject.toml': ['poetry.lock', 'uv.lock', 'pdm.lock', 'pixi.lock'],
  Pipfile: ['Pipfile.lock'],
  'package.json': ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'],
  'Cargo.toml': ['Cargo.lock'],
  'Project.toml': ['Manifest.toml'],
};

export interface PinFinding {
  /** Path as shown to the user (relative to the working directory). */
  file: string;
  line: number;
  message: string;
}

/** The lock files and manifests directly in each folder (not below: a repository's tests and vendored code have their own). */
export async function findDependencyFiles(
  dirs: readonly string[],
): Promise<{ locks: string[]; manifests: string[] }> {
  const locks = new Set<string>();
  const manifests = new Set<string>();
  for (const dir of new Set(dirs)) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (LOCK_FILE_PATTERN.test(name)) locks.add(join(dir, name));
      if (name in MANIFESTS) manifests.add(join(dir, name));
    }
  }
  return { locks: [...locks], manifests: [...manifests] };
}

/** A manifest with no lock file beside it. `siblings`: the names in its folder. */
export function manifestWithoutLock(
  file: string,
  name: string,
  siblings: readonly string[],
  pyprojectText?: string,
): PinFinding | undefined {
  const locks = MANIFESTS[name];
  if (!locks || locks.some((lock) => siblings.includes(lock))) return undefined;
  // A pyproject.toml that declares no dependencies (a tool configuration only) needs no lock.
  if (
    name === 'pyproject.toml' &&
    pyprojectText !== undefined &&
    !/^\s*(dependencies\s*=|\[tool\.poetry\.dependencies\]|\[project\.optional-dependencies\])/m.test(
      pyprojectText,
    )
  )
    return undefined;
  return {
    file,
    line: 1,
    message: `${name} without a lock file (${locks.join(', ')}): the versions installed can change from run to run. Commit the lock file your tool writes.`,
  };
}

/**
 * Requirements-file lines that do not pin one version: pip's `name==version` (or `===`), a
 * URL with a commit or a hash. Options, comments, includes (`-r`, `-c`) and blank lines pass.
 */
export function requirementFindings(text: string, file: string): PinFinding[] {
  const findings: PinFinding[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    // A trailing backslash continues the line (pip allows it, e.g. before --hash options).
    let line = lines[index]!;
    const first = index;
    while (line.endsWith('\\') && index + 1 < lines.length)
      line = line.slice(0, -1) + ' ' + lines[++index]!;
    const requirement = line.replace(/(^|\s)#.*$/, '').trim();
    if (requirement === '' || requirement.startsWith('-')) continue;
    const spec = requirement
      .split(';')[0]!
      .replace(/\s--hash=\S+/g, '')
      .trim();
    if (/^[A-Za-z0-9][\w.-]*(\[[^\]]*\])?\s*===?\s*[^\s,<>=!~*]+$/.test(spec)) continue;
    if (/@\s*\S+/.test(spec) || /^(git\+|https?:|file:)/.test(spec)) {
      if (/@[0-9a-f]{40}\b|#sha256=[0-9a-f]{64}|\.whl$/.test(spec)) continue;
      findings.push({
        file,
        line: first + 1,
        message: `"${spec}" is a URL without a commit hash or sha256: what it installs can change. Pin a commit (…@<40-hex sha>) or a file hash.`,
      });
      continue;
    }
    const name = /^[A-Za-z0-9][\w.-]*/.exec(spec)?.[0] ?? spec;
    const how =
      spec === name ? 'has no version' : `allows a range (${spec.slice(name.length).trim()})`;
    findings.push({
      file,
      line: first + 1,
      message: `"${name}" ${how}: pin one version with ==, e.g. ${name}==<version> (pip freeze shows the installed one).`,
    });
  }
  return findings;
}

/**
 * conda environment files: each dependency under `dependencies:` needs a version
 * (`numpy=1.26.4` or `numpy==1.26.4`); pip entries nested under `- pip:` as requirements.
 */
export function condaFindings(text: string, file: string): PinFinding[] {
  const findings: PinFinding[] = [];
  const lines = text.split(/\r?\n/);
  let inDependencies = false;
  let pipIndent = -1;
  lines.forEach((raw, index) => {
    const line = raw.replace(/\s#.*$/, '');
    if (/^\S/.test(line)) {
      inDependencies = /^dependencies\s*:/.test(line);
      pipIndent = -1;
      return;
    }
    const item = /^(\s*)-\s+(.*\S)\s*$/.exec(line);
    if (!inDependencies || !item) return;
    const indent = item[1]!.length;
    const value = item[2]!.replace(/^["']|["']$/g, '');
    if (pipIndent >= 0 && indent > pipIndent) {
      findings.push(...requirementFindings(value, file).map((f) => ({ ...f, line: index + 1 })));
      return;
    }
    pipIndent = -1;
    if (/^pip\s*:$/.test(value)) {
      pipIndent = indent;
      return;
    }
    const spec = value.replace(/^[\w.-]+::/, ''); // channel::package
    if (/^[A-Za-z0-9][\w.-]*\s*==?\s*\d[^\s,<>|*]*(=\S+)?$/.test(spec) && !/[*]/.test(spec)) return;
    findings.push({
      file,
      line: index + 1,
      message: `conda dependency "${value}" does not pin one version: write ${/^[\w.-]+/.exec(spec)?.[0] ?? spec}=<version> (conda list shows the installed one), or use conda-lock.`,
    });
  });
  return findings;
}

/** Every unpinned dependency in the lock files and manifests found. */
export async function unpinnedDependencies(
  files: { locks: readonly string[]; manifests: readonly string[] },
  show: (path: string) => string,
): Promise<PinFinding[]> {
  const findings: PinFinding[] = [];
  for (const path of files.locks) {
    const name = basename(path);
    if (/^(requirements|constraints)[\w.-]*\.txt$/.test(name))
      findings.push(...requirementFindings(await readFile(path, 'utf8'), show(path)));
    else if (/^environment[\w.-]*\.ya?ml$/.test(name))
      findings.push(...condaFindings(await readFile(path, 'utf8'), show(path)));
  }
  for (const path of files.manifests) {
    const name = basename(path);
    const siblings = await readdir(dirname(path)).catch(() => [] as string[]);
    const text = name === 'pyproject.toml' ? await readFile(path, 'utf8') : undefined;
    const finding = manifestWithoutLock(show(path), name, siblings, text);
    if (finding) findings.push(finding);
  }
  return findings;
}
