/**
 * The hostile-input corpus: the cases of one file in ./cases (an area), run through the built
 * bundle of their action (or the command-line entry) as a pull request would bring them. Each
 * area is its own test file (`<area>.test.ts`), with its own workspace, so that areas run side
 * by side while the cases of one area run one after another (each is judged by what changed in
 * the workspace while it ran). Beyond what each case
 * expects, every case is held to the same promises:
 * - it ends in time (a hang is killed and fails the case);
 * - no stack trace and no "bug in mlops-actions": a hostile input is a user's problem, named;
 * - nothing of the step's environment or of the files it may not read is echoed: a canary
 *   value stands in the environment, in a file outside the workspace and in the persisted git
 *   credentials of the checkout, and must not appear in the log, the summary, the outputs or
 *   any file the step wrote;
 * - nothing is written outside the workspace and RUNNER_TEMP.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT, runBundle, spawnNode } from '../../harness/runner/run-bundle.js';
import { exampleWorkspace } from '../actions/workspace.js';
import type { CaseFile, HostileCase } from './case.js';

/** A hostile step that has not ended by then is hung. Generous: the machine may be busy. */
const STEP_BOUND_MS = 30_000;

export const CASES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'cases');

/** The cases of one area file, e.g. `paths.ts`. */
export async function loadCases(file: string): Promise<HostileCase[]> {
  const module = (await import(join(CASES_DIR, file))) as { cases?: HostileCase[] };
  if (!Array.isArray(module.cases))
    throw new Error(`test/hostile/cases/${file} exports no "cases" array`);
  const repeated = module.cases.map((c) => c.id).find((id, i, ids) => ids.indexOf(id) !== i);
  if (repeated) throw new Error(`Two hostile cases in ${file} are named "${repeated}"`);
  return module.cases;
}

/** Runs the cases of `file` (an area under ./cases) as this test file's tests. */
export async function holdArea(file: string): Promise<void> {
  const cases = await loadCases(file);
  const canary = `canary-${randomBytes(12).toString('hex')}`;
  const job = await exampleWorkspace();
  const root = dirname(job.workspace);
  const outside = join(root, 'outside');
  await mkdir(outside, { recursive: true });
  await writeFile(join(outside, 'secret.txt'), `TOKEN=${canary}\n`);
  // As actions/checkout leaves a checkout with persist-credentials: the token in .git/config.
  await appendFile(
    join(job.workspace, '.git', 'config'),
    `[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic ${canary}\n`,
  );

  function fill(text: string, id: string): string {
    return text
      .replaceAll('{dir}', `hostile/${id}`)
      .replaceAll('{outside}', outside)
      .replaceAll('{workspace}', job.workspace);
  }

  async function writeCaseFiles(testCase: HostileCase): Promise<void> {
    for (const [path, content] of Object.entries(testCase.files ?? {})) {
      const target = join(job.workspace, 'hostile', testCase.id, path);
      await mkdir(dirname(target), { recursive: true });
      if (isLink(content)) await symlink(fill(content.symlink, testCase.id), target);
      else await writeFile(target, content);
    }
  }

  const isLink = (content: CaseFile): content is { symlink: string } =>
    typeof content === 'object' && !Buffer.isBuffer(content);

  interface Outcome {
    exitCode: number;
    timedOut: boolean;
    /** What the user is told went wrong: error annotations (actions) or standard error (CLI). */
    errorText: string;
    log: string;
    stderr: string;
    rendered: string;
  }

  async function runCase(testCase: HostileCase): Promise<Outcome> {
    const env = { MLOPS_CANARY: canary };
    if (testCase.action === 'cli') {
      const args = (testCase.args ?? []).map((arg) => fill(arg, testCase.id));
      const result = await spawnNode(
        join(REPOSITORY_ROOT, 'cli', 'dist', 'index.js'),
        job.workspace,
        { PATH: process.env.PATH ?? '', HOME: root, RUNNER_TEMP: job.runnerTemp, ...env },
        STEP_BOUND_MS,
        args,
      );
      return {
        exitCode: result.exitCode,
        timedOut: result.timedOut,
        errorText: `${result.stderr}${result.stdout}`,
        log: result.stdout + result.stderr,
        stderr: '',
        rendered: result.stdout,
      };
    }
    const inputs = Object.fromEntries(
      Object.entries(testCase.inputs ?? {}).map(([name, value]) => [
        name,
        fill(value, testCase.id),
      ]),
    );
    const result = await runBundle(testCase.action, {
      workspace: job.workspace,
      runnerTemp: job.runnerTemp,
      inputs,
      env,
      timeoutMs: STEP_BOUND_MS,
      ...(testCase.event ? { event: testCase.event } : {}),
    });
    const commentFile = result.outputs['comment-file'];
    const comment = commentFile ? await readFile(commentFile, 'utf8').catch(() => '') : '';
    return {
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      // As GitHub shows an annotation: where (file and line, when given), then the message.
      errorText: result.annotations
        .filter((a) => a.command === 'error')
        .map(
          (a) =>
            `${a.properties.file ? `${a.properties.file}${a.properties.line ? `:${a.properties.line}` : ''}: ` : ''}${a.message}`,
        )
        .join(' | '),
      log: result.stdout + result.stderr,
      // Node's deprecation notices from dependencies may appear on standard error; nothing else may.
      stderr: result.stderr.replace(
        /^\(node:\d+\) \[DEP\d+\] DeprecationWarning: .*\n|^\(Use `node --trace-deprecation .*\n/gm,
        '',
      ),
      rendered: [result.summary, comment, ...Object.values(result.outputs)].join('\n'),
    };
  }

  /** Regular files under `dir` changed since `since` (ms), .git and the case files left out. */
  async function filesWrittenSince(dir: string, since: number): Promise<string[]> {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
    const written: string[] = [];
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      if (
        path.includes(`${join(job.workspace, '.git')}/`) ||
        path.startsWith(join(job.workspace, 'hostile') + '/')
      )
        continue;
      const info = await lstat(path);
      if (info.mtimeMs >= since && info.size < 256 * 1024 * 1024) written.push(path);
    }
    return written;
  }

  async function echoedIn(paths: readonly string[]): Promise<string[]> {
    const found: string[] = [];
    for (const path of paths) if ((await readFile(path)).includes(canary)) found.push(path);
    return found;
  }

  let refused = 0;
  let renderedCount = 0;

  describe(`hostile inputs: ${file}, through the built bundles`, () => {
    it.each(cases.map((c) => [`${c.action}: ${c.id}`, c] as const))(
      '%s',
      async (_name, testCase) => {
        await writeCaseFiles(testCase);
        const started = Date.now() - 1000; // mtime resolution
        const outcome = await runCase(testCase);
        expect(outcome.timedOut, `${testCase.id} did not end within ${STEP_BOUND_MS} ms`).toBe(
          false,
        );

        if ('error' in testCase.expect) {
          expect(outcome.exitCode, outcome.log).not.toBe(0);
          expect(outcome.errorText, outcome.log).toMatch(testCase.expect.error);
          refused++;
        } else {
          expect(outcome.exitCode, outcome.log).toBe(0);
          expect(outcome.rendered).not.toMatch(testCase.expect.rendered.raw);
          if (testCase.expect.rendered.shown)
            expect(outcome.rendered).toMatch(testCase.expect.rendered.shown);
          renderedCount++;
        }
        expect(outcome.log).not.toMatch(/\n\s+at .+:\d+:\d+/);
        expect(outcome.log).not.toMatch(/bug in mlops-actions/);
        expect(outcome.stderr).toBe('');

        expect(
          outcome.log + outcome.rendered,
          'the step echoed a value it may not read',
        ).not.toContain(canary);
        const written = [
          ...(await filesWrittenSince(job.workspace, started)),
          ...(await filesWrittenSince(job.runnerTemp, started)),
        ];
        expect(
          await echoedIn(written),
          'a file the step wrote holds a value it may not read',
        ).toEqual([]);
        expect((await readdir(outside)).sort(), 'the step wrote outside the workspace').toEqual([
          'secret.txt',
        ]);
        expect((await readdir(root)).sort(), 'the step wrote beside the workspace').toEqual([
          'outside',
          'temp',
          'workspace',
        ]);
      },
    );
  });

  afterAll(() => {
    // The count CI prints (see .ci/run): the cases that ran and held.
    console.log(
      `hostile corpus, ${file}: ${refused + renderedCount} of ${cases.length} cases held (${refused} refused with a clear error, ${renderedCount} rendered escaped)`,
    );
  });
}
