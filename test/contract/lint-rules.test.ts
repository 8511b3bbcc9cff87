/**
 * The lint rules that hold the layers can fail: the repository's eslint.config.js, copied as it is
 * into a small tree laid out like the repository (shared/, actions/<name>/src, examples/, test/,
 * a tsconfig.json, node_modules linked), is run through ESLint's Node API over files that break
 * one rule each, beside files that break none.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));

const FILES: Record<string, string> = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      strict: true,
      module: 'ES2022',
      moduleResolution: 'bundler',
      target: 'ES2022',
      noEmit: true,
    },
    include: ['**/*.ts'],
  }),
  // Two modules whose runtime imports make a cycle.
  'shared/data/first.ts':
    "import { second } from './second.js';\nexport const first = (): number => second() + 1;\n",
  'shared/data/second.ts':
    "import { first } from './first.js';\nexport const second = (): number => (Math.random() > 2 ? first() : 0);\n",
  // shared/ reaching into an action.
  'shared/leak.ts':
    "import { run } from '../actions/validate-data/src/run.js';\nexport const leak = run;\n",
  // An action reaching into another action.
  'actions/validate-data/src/run.ts':
    "import { identity } from '../../../shared/clean.js';\nexport const run = (): number => identity(1);\n",
  'actions/train-model/src/run.ts':
    "import { run as validate } from '../../validate-data/src/run.js';\nexport const run = validate;\n",
  // An example importing a test helper.
  'test/helper.ts': 'export const helper = 1;\n',
  'examples/demo.ts': "import { helper } from '../test/helper.js';\nexport const demo = helper;\n",
  // A domain module importing the input layer, and the action layer doing so (allowed).
  'shared/action/inputs.ts': 'export const PATTERN = /^a$/;\n',
  'shared/action/context.ts':
    "import { PATTERN } from './inputs.js';\nexport const context = PATTERN;\n",
  'shared/metrics/metric.ts':
    "import { PATTERN } from '../action/inputs.js';\nexport const metric = PATTERN;\n",
  // A promise nobody awaits.
  'shared/floating.ts':
    'async function work(): Promise<void> {}\nexport function start(): void {\n  work();\n}\n',
  'shared/clean.ts': 'export const identity = (value: number): number => value;\n',
  // A cycle of type-only imports: import-x/no-cycle lets it pass; `npm run cycles` (madge) does not.
  'shared/types/left.ts':
    "import type { Right } from './right.js';\nexport interface Left { right?: Right }\n",
  'shared/types/right.ts':
    "import type { Left } from './left.js';\nexport interface Right { left?: Left }\n",
  'cli/src/index.ts': 'export {};\n',
  'harness/index.ts': 'export {};\n',
  '.github/scripts/build.ts': 'export {};\n',
};

let root: string;

let results: Map<string, string[]>;

beforeAll(async () => {
  root = await tempDir('mlops-lint-');
  for (const [path, text] of Object.entries(FILES)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  // The config anchors its paths and its project to its own folder, so the copy lints this tree.
  await copyFile(join(REPOSITORY, 'eslint.config.js'), join(root, 'eslint.config.js'));
  await symlink(join(REPOSITORY, 'node_modules'), join(root, 'node_modules'), 'dir');
  const eslint = new ESLint({ cwd: root });
  const lint = await eslint.lintFiles(['**/*.ts']);
  results = new Map(
    lint.map((result) => [
      result.filePath.slice(root.length + 1),
      result.messages.map((m) => m.ruleId ?? m.message),
    ]),
  );
});

describe('eslint.config.js', () => {
  it('fails an import cycle', () => {
    expect(results.get('shared/data/first.ts')).toContain('import-x/no-cycle');
    expect(results.get('shared/data/second.ts')).toContain('import-x/no-cycle');
  });

  it('fails shared/ importing an action', () => {
    expect(results.get('shared/leak.ts')).toContain('import-x/no-restricted-paths');
  });

  it("fails an action importing another action's folder", () => {
    expect(results.get('actions/train-model/src/run.ts')).toContain('import-x/no-restricted-paths');
  });

  it('fails examples/ importing test/', () => {
    expect(results.get('examples/demo.ts')).toContain('import-x/no-restricted-paths');
  });

  it('fails a domain module importing the input layer, and lets the action layer import it', () => {
    expect(results.get('shared/metrics/metric.ts')).toContain('import-x/no-restricted-paths');
    expect(results.get('shared/action/context.ts')).toEqual([]);
  });

  it('fails a floating promise', () => {
    expect(results.get('shared/floating.ts')).toContain('@typescript-eslint/no-floating-promises');
  });

  it('passes the files that break no rule', () => {
    for (const path of [
      'shared/clean.ts',
      'actions/validate-data/src/run.ts',
      'test/helper.ts',
      'shared/action/inputs.ts',
      'shared/types/left.ts',
    ])
      expect(results.get(path), path).toEqual([]);
  });
});

describe('npm run cycles', () => {
  it('fails a cycle of type-only imports, naming its modules', async () => {
    const script = JSON.parse(await readFile(join(REPOSITORY, 'package.json'), 'utf8')).scripts
      .cycles as string;
    const [command, ...args] = script.split(' ');
    expect(command).toBe('madge');
    const madge = join(REPOSITORY, 'node_modules', 'madge', 'bin', 'cli.js');
    const failure = await promisify(execFile)(process.execPath, [madge, ...args], {
      cwd: root,
    }).then(
      () => undefined,
      (error: { code?: number; stdout?: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toContain('shared/types/left.ts > shared/types/right.ts');
  });
});
