/**
 * What `mlops-actions init` can find on its own in an existing repository: the data files, the
 * training entry point, its config, its dependency pins and a predictions file. Each finding is
 * only a proposal: the command asks on a terminal, or takes a flag, for every one of them.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { glob } from 'tinyglobby';

/** Folders that hold no project data: installed packages, virtual environments, build output. */
const IGNORED = [
  '**/node_modules/**',
  '**/.git/**',
  '**/venv/**',
  '**/.venv/**',
  '**/env/**',
  '**/__pycache__/**',
  '**/site-packages/**',
  '**/dist/**',
  '**/build/**',
];

export interface Discovery {
  /** Data files (CSV, TSV, JSON Lines, Parquet), relative to the repository, sorted. */
  data: string[];
  /** Files whose name says they are a model's predictions (not data to validate). */
  predictions: string[];
  /** The training entry point and the command that runs it. */
  training?: { entry: string; command: string; language: 'python' | 'node' };
  /** A config file beside the entry point, or at the root. */
  config?: string;
  /** Dependency pins: requirements.txt beside the entry point or at the root; package-lock.json. */
  requirements?: string;
  nodeLock?: string;
  /** The Python version `.python-version` pins, if any. */
  pythonVersion?: string;
}

const PREDICTIONS = /(^|\/)[^/]*predictions?[^/]*$/i;

export async function discover(root: string): Promise<Discovery> {
  const files = (await glob('**/*', { cwd: root, ignore: IGNORED, dot: false })).sort();
  const dataFiles = files.filter((path) => /\.(csv|tsv|jsonl|parquet)(\.gz)?$/i.test(path));
  const training = await trainingEntry(root, files);
  const near = (names: readonly string[]) => {
    const folders = [training ? posix.dirname(training.entry) : '.', '.'];
    for (const folder of folders)
      for (const name of names) {
        const path = folder === '.' ? name : `${folder}/${name}`;
        if (files.includes(path)) return path;
      }
    return undefined;
  };
  return {
    data: dataFiles.filter((path) => !PREDICTIONS.test(path)),
    predictions: dataFiles.filter((path) => PREDICTIONS.test(path)),
    training,
    config: near(['config.json', 'config.yaml', 'config.yml', 'config.toml', 'params.yaml']),
    requirements: training?.language === 'python' ? near(['requirements.txt']) : undefined,
    nodeLock: files.includes('package-lock.json') ? 'package-lock.json' : undefined,
    pythonVersion: files.includes('.python-version')
      ? (await readFile(join(root, '.python-version'), 'utf8')).trim().split('\n')[0]
      : undefined,
  };
}

/**
 * train.py, train.mjs or train.js (the shallowest first), else a `train` script in package.json.
 * The command is the plainest way to run it; scripts that take arguments need --train-command.
 */
async function trainingEntry(
  root: string,
  files: readonly string[],
): Promise<Discovery['training']> {
  const depth = (path: string) => path.split('/').length;
  const entries = files
    .filter((path) => /(^|\/)train\.(py|mjs|js)$/.test(path))
    .sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
  const entry = entries[0];
  if (entry)
    return entry.endsWith('.py')
      ? { entry, command: `python ${entry}`, language: 'python' }
      : { entry, command: `node ${entry}`, language: 'node' };
  if (!files.includes('package.json')) return undefined;
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  if (manifest.scripts?.train)
    return { entry: 'package.json', command: 'npm run train', language: 'node' };
  return undefined;
}

/** The folder a path's parent is, for naming: `examples/iris-sklearn/train.py` → `iris-sklearn`. */
export function parentName(path: string): string | undefined {
  const folder = dirname(path);
  return folder === '.' ? undefined : posix.basename(folder);
}
