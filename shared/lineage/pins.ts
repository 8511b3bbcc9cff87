/**
 * Dependency pins: the lock files that fix what a training run installs, and the dependencies
 * that do not pin one version, each with its file, line and the line that would pin it. pip's
 * formats as pip reads them (requirements.ts): `-r`/`-c` includes followed inside the
 * workspace, `-e` VCS installs, hashes; the Python project manifests (python-manifests.ts:
 * setup.py, setup.cfg, pyproject.toml); conda environment files; and the other ecosystems'
 * manifests, which need their lock file beside them.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  pyprojectDependencies,
  setupCfgDependencies,
  setupPyDependencies,
  type DeclaredDependency,
} from './python-manifests.js';
import {
  editableProblem,
  exactPinName,
  parseRequirements,
  requirementProblem,
  type RequirementEntry,
} from './requirements.js';

/** Files that pin dependencies: their content is part of the fingerprint. */
export const LOCK_FILE_PATTERN =
  /^(requirements[\w.-]*\.txt|constraints[\w.-]*\.txt|poetry\.lock|uv\.lock|pdm\.lock|Pipfile\.lock|pixi\.lock|conda-lock\.ya?ml|environment[\w.-]*\.ya?ml|package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|Cargo\.lock|renv\.lock|Manifest\.toml|go\.sum)$/;

/** pip requirement files, wherever they are under the working directory: `requirements-dev.txt`, `requirements/base.txt`. */
const REQUIREMENT_FILE = /^(requirements|constraints)[\w.-]*\.txt$/;
const REQUIREMENTS_FOLDER = /^(requirements|constraints)$/;

/** Manifests that name dependencies without pinning them, and the lock files any of which pins them. */
const MANIFESTS: Record<string, readonly string[]> = {
  'pyproject.toml': ['poetry.lock', 'uv.lock', 'pdm.lock', 'pixi.lock'],
  'setup.py': [],
  'setup.cfg': [],
  Pipfile: ['Pipfile.lock'],
  'package.json': ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'],
  'Cargo.toml': ['Cargo.lock'],
  'Project.toml': ['Manifest.toml'],
};

/** Python manifests whose dependencies are read one by one (the others need their lock file). */
const PYTHON_MANIFESTS: Record<string, (text: string) => DeclaredDependency[]> = {
  'pyproject.toml': pyprojectDependencies,
  'setup.py': setupPyDependencies,
  'setup.cfg': setupCfgDependencies,
};

/** Bounds on the work a pull request's dependency files can cause. */
const PIN_LIMITS = {
  /** Requirement files reached through `-r`/`-c` includes (a cycle stops at the first repeat). */
  maxIncludedFiles: 100,
  /** Bytes of one requirements or manifest file. */
  maxFileBytes: 1024 * 1024,
  /** Folders visited looking for requirement files under the working directory, and how deep. */
  maxFolders: 5000,
  maxDepth: 8,
} as const;

/** Folders that hold other projects' files (installed packages, caches), never this project's requirements. */
const SKIPPED_FOLDERS = new Set([
  'node_modules',
  'site-packages',
  '__pycache__',
  'venv',
  'env',
  'dist',
  'build',
]);

export interface PinFinding {
  /** Path as shown to the user (relative to the workspace). */
  file: string;
  line: number;
  message: string;
}

export interface DependencyFiles {
  locks: string[];
  manifests: string[];
}

/**
 * The lock files and manifests directly in each of `dirs`, and the pip requirement files
 * anywhere under `cwd` (hidden folders, virtual environments and node_modules left out).
 * `outputs` (absolute paths) are left out: a model folder often holds a requirements.txt that
 * training wrote (MLflow does), which would change the fingerprint of the next run.
 */
export async function findDependencyFiles(
  dirs: readonly string[],
  cwd?: string,
  outputs: readonly string[] = [],
): Promise<DependencyFiles> {
  const isOutput = (path: string) =>
    outputs.some((output) => path === output || path.startsWith(`${output}/`));
  const locks = new Set<string>();
  const manifests = new Set<string>();
  for (const dir of new Set(dirs)) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (isOutput(join(dir, name))) continue;
      if (LOCK_FILE_PATTERN.test(name)) locks.add(join(dir, name));
      if (Object.hasOwn(MANIFESTS, name)) manifests.add(join(dir, name));
    }
  }
  if (cwd !== undefined)
    for (const file of await requirementFilesUnder(cwd)) if (!isOutput(file)) locks.add(file);
  return { locks: [...locks], manifests: [...manifests] };
}

/** Breadth first, without following symbolic links, within PIN_LIMITS. */
async function requirementFilesUnder(root: string): Promise<string[]> {
  const found: string[] = [];
  let queue = [{ dir: root, depth: 0 }];
  let visited = 0;
  while (queue.length && visited < PIN_LIMITS.maxFolders) {
    const next: typeof queue = [];
    for (const { dir, depth } of queue) {
      if (++visited > PIN_LIMITS.maxFolders) break;
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const inRequirementsFolder = REQUIREMENTS_FOLDER.test(basename(dir));
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isFile()) {
          if (REQUIREMENT_FILE.test(entry.name) || (inRequirementsFolder && /\.txt$/.test(path)))
            found.push(path);
        } else if (
          entry.isDirectory() &&
          depth < PIN_LIMITS.maxDepth &&
          !entry.name.startsWith('.') &&
          !SKIPPED_FOLDERS.has(entry.name)
        )
          next.push({ dir: path, depth: depth + 1 });
      }
    }
    queue = next;
  }
  return found;
}

/** A manifest with no lock file beside it. `siblings`: the names in its folder. */
export function manifestWithoutLock(
  file: string,
  name: string,
  siblings: readonly string[],
): PinFinding | undefined {
  const locks = MANIFESTS[name];
  if (!locks?.length || locks.some((lock) => siblings.includes(lock))) return undefined;
  return {
    file,
    line: 1,
    message: `${name} without a lock file (${locks.join(', ')}): the versions installed can change from run to run. Commit the lock file your tool writes.`,
  };
}

/**
 * The requirement lines of one requirements text that do not pin one version (includes are not
 * followed here: see inspectDependencies). `pinned`: names a constraints file pins.
 */
export function requirementFindings(
  text: string,
  file: string,
  pinned: ReadonlySet<string> = new Set(),
): PinFinding[] {
  return parseRequirements(text).flatMap((entry) => {
    const message = entryProblem(entry, pinned);
    return message ? [{ file, line: entry.line, message }] : [];
  });
}

function entryProblem(entry: RequirementEntry, pinned: ReadonlySet<string>): string | undefined {
  if (entry.kind === 'editable') return editableProblem(entry.target);
  if (entry.kind === 'requirement') return requirementProblem(entry.spec, entry.hashed, pinned);
  return undefined;
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
      message: `conda dependency "${value}" does not pin one version: write ${/^[\w.-]+/.exec(spec)?.[0] ?? spec}=<version> instead (conda list shows the installed one), or use conda-lock.`,
    });
  });
  return findings;
}

export interface DependencyReport {
  /** Every dependency that does not pin one version. */
  findings: PinFinding[];
  /** Requirement files reached through `-r`/`-c` that were not among the lock files found: they pin too. */
  included: string[];
}

export interface InspectOptions {
  /** How a path is shown in a finding (relative to the workspace). */
  show: (path: string) => string;
  /**
   * The absolute path of an include's target (resolved against the including file's folder),
   * after confinement to the workspace (a UserError when it leads outside).
   */
  confine: (target: string, from: string) => Promise<string>;
}

interface ReadRequirements {
  path: string;
  entries: RequirementEntry[];
  /** Reached through a `-c` include (or named constraints*.txt): its pins constrain the others. */
  constraint: boolean;
}

/** Follows the requirement files' includes and judges every dependency found. */
export async function inspectDependencies(
  files: DependencyFiles,
  options: InspectOptions,
): Promise<DependencyReport> {
  const findings: PinFinding[] = [];
  const roots = files.locks.filter(
    (path) => REQUIREMENT_FILE.test(basename(path)) || /\.txt$/.test(path),
  );
  const { read, included } = await followIncludes(roots, options, findings);
  const constrained = new Set<string>();
  const pinnedAnywhere = new Set<string>();
  for (const file of read)
    for (const entry of file.entries)
      if (entry.kind === 'requirement') {
        const name = exactPinName(entry.spec);
        if (name === undefined) continue;
        pinnedAnywhere.add(name);
        if (file.constraint) constrained.add(name);
      }
  for (const file of read)
    findings.push(...requirementFileFindings(file, options.show(file.path), constrained));
  for (const path of files.locks)
    if (/^environment[\w.-]*\.ya?ml$/.test(basename(path))) {
      const text = await boundedText(path, options.show(path), findings);
      if (text !== undefined) findings.push(...condaFindings(text, options.show(path)));
    }
  for (const path of files.manifests)
    findings.push(...(await manifestFindings(path, options.show(path), pinnedAnywhere)));
  return { findings, included };
}

function requirementFileFindings(
  file: ReadRequirements,
  shown: string,
  constrained: ReadonlySet<string>,
): PinFinding[] {
  const findings: PinFinding[] = [];
  for (const entry of file.entries) {
    const message = entryProblem(entry, constrained);
    if (message) findings.push({ file: shown, line: entry.line, message });
  }
  return findings;
}

/** Reads the requirement files and, breadth first, every file they include, each once. */
async function followIncludes(
  roots: readonly string[],
  options: InspectOptions,
  findings: PinFinding[],
): Promise<{ read: ReadRequirements[]; included: string[] }> {
  const seen = new Set(roots);
  const read: ReadRequirements[] = [];
  const included: string[] = [];
  let queue = roots.map((path) => ({
    path,
    constraint: /^constraints/.test(basename(path)),
  }));
  while (queue.length) {
    const next: typeof queue = [];
    for (const { path, constraint } of queue) {
      const shown = options.show(path);
      const text = await boundedText(path, shown, findings);
      if (text === undefined) continue;
      const entries = parseRequirements(text);
      read.push({ path, entries, constraint });
      for (const entry of entries) {
        if (entry.kind !== 'include') continue;
        const target = await includeTarget(entry, path, shown, options, findings);
        if (target === undefined || seen.has(target)) continue;
        if (seen.size >= roots.length + PIN_LIMITS.maxIncludedFiles) {
          findings.push({
            file: shown,
            line: entry.line,
            message: `More than ${PIN_LIMITS.maxIncludedFiles} requirement files are included; "${entry.option} ${entry.target}" and the rest were not checked. Include fewer files.`,
          });
          continue;
        }
        seen.add(target);
        included.push(target);
        next.push({ path: target, constraint: constraint || entry.option === '-c' });
      }
    }
    queue = next;
  }
  return { read, included };
}

/** An include's confined target, or undefined (with a finding) when it is a URL or missing. */
async function includeTarget(
  entry: Extract<RequirementEntry, { kind: 'include' }>,
  from: string,
  shown: string,
  options: InspectOptions,
  findings: PinFinding[],
): Promise<string | undefined> {
  const written = `${entry.option} ${entry.target}`;
  if (/^[a-z][\w+.-]*:\/\//i.test(entry.target)) {
    findings.push({
      file: shown,
      line: entry.line,
      message: `"${written}" includes a file from a URL, which can change and is not checked: commit that file to the repository and write ${entry.option} <its path> instead.`,
    });
    return undefined;
  }
  const target = await options.confine(entry.target, from);
  const info = await stat(target).catch(() => undefined);
  if (!info?.isFile()) {
    findings.push({
      file: shown,
      line: entry.line,
      message: `"${written}" names ${info ? 'a folder' : 'a file that does not exist'} (${options.show(target)}; paths are relative to ${shown}'s folder), so pip would fail: correct the path.`,
    });
    return undefined;
  }
  return target;
}

async function boundedText(
  path: string,
  shown: string,
  findings: PinFinding[],
): Promise<string | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (info && info.size > PIN_LIMITS.maxFileBytes) {
    findings.push({
      file: shown,
      line: 1,
      message: `${shown} is larger than ${PIN_LIMITS.maxFileBytes / 1024 / 1024} MB, so its pins were not checked: a dependency file is far smaller; check that it is the right file.`,
    });
    return undefined;
  }
  return readFile(path, 'utf8').catch(() => undefined);
}

/**
 * A Python manifest's dependencies, one by one, unless its lock file is beside it; a dependency
 * pinned with == in any requirements or constraints file found counts as pinned. Other
 * manifests need their lock file.
 */
async function manifestFindings(
  path: string,
  shown: string,
  pinnedElsewhere: ReadonlySet<string>,
): Promise<PinFinding[]> {
  const name = basename(path);
  const siblings = await readdir(dirname(path)).catch(() => [] as string[]);
  const read = PYTHON_MANIFESTS[name];
  if (!read) {
    const finding = manifestWithoutLock(shown, name, siblings);
    return finding ? [finding] : [];
  }
  if (MANIFESTS[name]!.some((lock) => siblings.includes(lock))) return [];
  const findings: PinFinding[] = [];
  const text = await boundedText(path, shown, findings);
  if (text === undefined) return findings;
  let declared: DeclaredDependency[];
  try {
    declared = read(text);
  } catch (error) {
    const line = (error as { line?: number }).line ?? 1;
    return [
      {
        file: shown,
        line,
        message: `${name} could not be read (${(error as Error).message.split('\n')[0]}), so its dependencies were not checked: correct it.`,
      },
    ];
  }
  for (const dependency of declared) {
    if (dependency.pinned) continue;
    const message =
      dependency.problem ?? requirementProblem(dependency.spec, false, pinnedElsewhere);
    if (message)
      findings.push({
        file: shown,
        line: dependency.line,
        message: dependency.problem
          ? message
          : `${message} Or pin it with == in a requirements or constraints file.`,
      });
  }
  return findings;
}
