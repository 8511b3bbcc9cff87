/**
 * Runs a built action bundle (actions/<name>/dist/index.js) in a child process exactly as the
 * GitHub runner does: declared defaults and given inputs as INPUT_* variables, fresh files for
 * GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STEP_SUMMARY and GITHUB_STATE, the event payload at
 * GITHUB_EVENT_PATH, and the default variables; then reads the file commands back.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadActions, type ActionMetadata } from '../../.github/scripts/action-metadata.js';
import { assertFreshScript } from '../../.github/scripts/source-hash.js';
import { pullRequestEvent } from './events.js';
import { parseFileCommands, parseWorkflowCommands, type WorkflowCommand } from './file-commands.js';
import { sharedStandIns, StandIns, type TokenKind } from '../stand-ins/index.js';

export const REPOSITORY_ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');

export interface RunOptions {
  inputs?: Record<string, string>;
  /** The job's workspace, also the step's working directory. */
  workspace: string;
  /** RUNNER_TEMP; shared by the steps of one job. Default: a folder under the workspace's parent. */
  runnerTemp?: string;
  event?: { name: string; payload: unknown };
  /** Extra variables, e.g. GITHUB_API_URL of a stand-in. */
  env?: Record<string, string>;
  /** Where the bundle lives; default: this repository. */
  repositoryRoot?: string;
  /** The GitHub API and results service; default: stand-ins shared by this process. */
  standIns?: StandIns;
  /** The job the step belongs to: steps of one job share its artifact scope. Default: "job". */
  job?: string;
  /** The GITHUB_TOKEN of the job: read-only is what a pull request from a fork gets. */
  token?: TokenKind;
  /** Ends the step (SIGKILL) after this long; the result then says `timedOut`. Default: none. */
  timeoutMs?: number;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  env: Record<string, string>;
  summary: string;
  commands: WorkflowCommand[];
  annotations: WorkflowCommand[];
  durationMs: number;
  /** The step was ended by `timeoutMs`. */
  timedOut: boolean;
}

let metadata: Promise<ActionMetadata[]> | undefined;

export async function actionMetadata(name: string): Promise<ActionMetadata> {
  metadata ??= loadActions(REPOSITORY_ROOT);
  const found = (await metadata).find((action) => action.folder === name);
  if (!found) throw new Error(`No action named ${name} under actions/`);
  return found;
}

/** The INPUT_* variables the runner sets: every declared default, then the step's `with:`. */
function inputVariables(
  action: ActionMetadata,
  given: Record<string, string>,
  github: RunnerGitHub,
): Record<string, string> {
  const unknown = Object.keys(given).filter((name) => !(name in action.inputs));
  // The runner only warns about unexpected inputs; a test giving one is a mistake in the test.
  if (unknown.length)
    throw new Error(`${action.folder} declares no input(s) ${unknown.join(', ')}`);
  const variables: Record<string, string> = {};
  for (const [name, input] of Object.entries(action.inputs)) {
    const value =
      given[name] ??
      (input.default === undefined ? undefined : evaluateDefault(String(input.default), github));
    if (value !== undefined) variables[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return variables;
}

/** A step ready to spawn: the bundle, its working directory, its environment and its files. */
export interface PreparedStep {
  script: string;
  cwd: string;
  env: Record<string, string>;
  files: Record<
    | 'GITHUB_OUTPUT'
    | 'GITHUB_ENV'
    | 'GITHUB_STATE'
    | 'GITHUB_PATH'
    | 'GITHUB_STEP_SUMMARY'
    | 'GITHUB_EVENT_PATH',
    string
  >;
}

/** What of the `github` context the suite's action.yml defaults use. */
interface RunnerGitHub {
  token: string;
  /** GITHUB_REPOSITORY: owner/name. */
  repository: string;
  /** GITHUB_REF_NAME: the branch or tag, or `<number>/merge` for a pull request. */
  refName: string;
}

/** The runner evaluates expressions in defaults; this suite's action.yml files use `github.token` and `github.ref_name`. */
function evaluateDefault(value: string, github: RunnerGitHub): string {
  return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expression: string) => {
    if (expression === 'github.token') return github.token;
    if (expression === 'github.ref_name') return github.refName;
    if (expression === 'github.repository') return github.repository;
    throw new Error(`The harness cannot evaluate \${{ ${expression} }} in a default`);
  });
}

export async function runBundle(name: string, options: RunOptions): Promise<RunResult> {
  const standIns = options.standIns ?? (await sharedStandIns());
  const violationsBefore = standIns.violations().length;
  const step = await prepareStep(name, { ...options, standIns });
  const started = performance.now();
  const { exitCode, stdout, stderr, timedOut } = await spawnNode(
    step.script,
    step.cwd,
    step.env,
    options.timeoutMs,
  );
  const durationMs = performance.now() - started;
  const commands = parseWorkflowCommands(stdout);
  const violations = standIns.violations().slice(violationsBefore);
  if (violations.length)
    throw new Error(
      `${name} spoke to GitHub in a way its OpenAPI description or the service protocol does not allow:\n${violations.join('\n')}\n\nStep log:\n${stdout}`,
    );
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseFileCommands(await readFile(step.files.GITHUB_OUTPUT, 'utf8'), 'GITHUB_OUTPUT'),
    env: parseFileCommands(await readFile(step.files.GITHUB_ENV, 'utf8'), 'GITHUB_ENV'),
    summary: await readFile(step.files.GITHUB_STEP_SUMMARY, 'utf8'),
    commands,
    annotations: commands.filter(
      (c) => c.command === 'error' || c.command === 'warning' || c.command === 'notice',
    ),
    durationMs,
    timedOut,
  };
}

export async function prepareStep(name: string, options: RunOptions): Promise<PreparedStep> {
  const action = await actionMetadata(name);
  const standIns = options.standIns ?? (await sharedStandIns());
  const githubToken = StandIns.token(options.token ?? 'read-write');
  const root = options.repositoryRoot ?? REPOSITORY_ROOT;
  const stepDir = await mkdtemp(
    join(options.runnerTemp ?? join(options.workspace, '..'), `_step-${name}-`),
  );
  const runnerTemp = options.runnerTemp ?? join(options.workspace, '..', '_temp');
  await mkdir(runnerTemp, { recursive: true });
  const files = {
    GITHUB_OUTPUT: join(stepDir, 'output'),
    GITHUB_ENV: join(stepDir, 'env'),
    GITHUB_STATE: join(stepDir, 'state'),
    GITHUB_PATH: join(stepDir, 'path'),
    GITHUB_STEP_SUMMARY: join(stepDir, 'summary.md'),
    GITHUB_EVENT_PATH: join(stepDir, 'event.json'),
  };
  for (const file of Object.values(files)) await writeFile(file, '');
  const event = options.event ?? { name: 'pull_request', payload: pullRequestEvent() };
  await writeFile(files.GITHUB_EVENT_PATH, JSON.stringify(event.payload));

  // A pull request runs on its merge ref; a schedule or a dispatch on the default branch.
  const ref =
    options.env?.GITHUB_REF ??
    (event.name === 'pull_request' ? 'refs/pull/2/merge' : 'refs/heads/main');
  const refName = ref.replace(/^refs\/(heads|tags|pull)\//, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? stepDir,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION: name.replace(/-/g, '_'),
    GITHUB_ACTION_PATH: join(root, 'actions', name),
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_REPOSITORY: 'Codertocat/Hello-World',
    GITHUB_REPOSITORY_OWNER: 'Codertocat',
    GITHUB_EVENT_NAME: event.name,
    GITHUB_SHA: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
    GITHUB_REF: ref,
    GITHUB_REF_NAME: refName,
    GITHUB_RUN_ID: '8675309',
    GITHUB_RUN_NUMBER: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'model',
    GITHUB_ACTOR: 'Codertocat',
    GITHUB_RETENTION_DAYS: '90',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: runnerTemp,
    ...files,
    ...standIns.env(options.job ?? 'job'),
    ...inputVariables(action, options.inputs ?? {}, {
      token: githubToken,
      refName,
      repository: options.env?.GITHUB_REPOSITORY ?? 'Codertocat/Hello-World',
    }),
    ...options.env,
  };

  return {
    script: join(root, 'actions', name, action.runs.main),
    cwd: options.workspace,
    env,
    files,
  };
}

export function spawnNode(
  script: string,
  cwd: string,
  env: Record<string, string>,
  timeoutMs?: number,
  args: readonly string[] = [],
): Promise<{ exitCode: number; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolvePromise, reject) => {
    // A bundle older than its sources would test old code: refuse it (.github/scripts/source-hash.ts).
    assertFreshScript(script);
    const child = spawn(process.execPath, [script, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, timeoutMs);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({
        exitCode: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
  });
}
