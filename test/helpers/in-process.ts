/**
 * Runs an action's `run()` in this process, from source, as its entry would on a runner: the
 * same inputs (declared defaults, then the step's `with:`), variables and working directory as
 * harness/runner/run-bundle.ts gives the bundle, but through the recording runner, so a test
 * sees outputs, summary and annotations without a build or a child process.
 */
import { expect } from 'vitest';
import { stepEnvironment, type AccountsConnector } from '../../shared/action/context.js';
import { runAction, type ActionDefinition } from '../../shared/action/run-action.js';
import type { InputSchema } from '../../shared/action/inputs.js';
import { inputVariableName } from '../../shared/action/runner.js';
import { actionMetadata, prepareStep, type RunOptions } from '../../harness/runner/run-bundle.js';
import { StandIns, type TokenKind } from '../../harness/stand-ins/index.js';
import type { GitHubConnector } from '../../shared/github/port.js';
import { FakeAccounts } from '../fakes/github-accounts.js';
import type { FakeGitHub } from '../fakes/github-port.js';
import {
  APP_TOKEN,
  type FakeToken,
  PERSONAL,
  READ_ONLY_TOKEN,
  READ_WRITE,
} from '../fakes/github-port.js';
import { recordingRunner, type RecordedRunner } from './recording-runner.js';

export interface InProcessResult {
  exitCode: number;
  runner: RecordedRunner;
  outputs: Record<string, string>;
  summary: string;
  /** Errors, warnings and notices, in order. */
  annotations: RecordedRunner['log'];
  errors: string[];
  warnings: string[];
}

/**
 * Variables that libraries read from process.env themselves rather than from the step:
 * @actions/artifact and @actions/cache (the results service, and the REST API for another
 * run's artifacts). They are set for the run and put back after; this project's own code reads
 * the step's.
 */
const LIBRARY_VARIABLES = [
  'GITHUB_API_URL',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_SERVICE_V2',
  'GITHUB_SERVER_URL',
  'GITHUB_REPOSITORY',
  'GITHUB_RUN_ID',
  'GITHUB_RUN_ATTEMPT',
  'GITHUB_WORKFLOW',
];

export interface InProcessOptions extends RunOptions {
  /**
   * The in-memory GitHub the action's own GitHub calls go to (its port), instead of the HTTP
   * stand-in: milliseconds rather than Octokit's pacing of writes. Libraries that call GitHub
   * themselves (@actions/artifact listing another run's artifacts) still reach the stand-in.
   */
  github?: FakeGitHub;
}

const FAKE_TOKENS: Record<TokenKind, FakeToken> = {
  'read-write': READ_WRITE,
  'read-only': READ_ONLY_TOKEN,
  personal: PERSONAL,
  app: APP_TOKEN,
};

/** The fake's port for the token the step was given, as GitHub tells tokens apart. */
function fakeConnector(github: FakeGitHub): GitHubConnector {
  const kinds = new Map(
    (Object.keys(FAKE_TOKENS) as TokenKind[]).map((kind) => [StandIns.token(kind), kind]),
  );
  return async (token) => {
    const kind = kinds.get(token);
    if (!kind) throw new Error(`The in-process fake does not know the token "${token}".`);
    return github.port(FAKE_TOKENS[kind]);
  };
}

/** GitHub across repositories, in memory: the fake repository under the step's GITHUB_REPOSITORY. */
function fakeAccounts(github: FakeGitHub, repository: string | undefined): AccountsConnector {
  const kinds = new Map(
    (Object.keys(FAKE_TOKENS) as TokenKind[]).map((kind) => [StandIns.token(kind), kind]),
  );
  return async (token) => {
    const kind = kinds.get(token);
    if (!kind) throw new Error(`The in-process fake does not know the token "${token}".`);
    const accounts = new FakeAccounts(FAKE_TOKENS[kind]);
    if (repository) accounts.adopt(repository, github);
    return accounts;
  };
}

export async function runInProcess<S extends InputSchema>(
  action: ActionDefinition<S>,
  options: InProcessOptions,
): Promise<InProcessResult> {
  const metadata = await actionMetadata(action.name);
  const prepared = await prepareStep(action.name, options);
  const inputs: Record<string, string> = {};
  for (const name of Object.keys(metadata.inputs)) {
    const value = prepared.env[inputVariableName(name)];
    if (value !== undefined) inputs[name] = value;
  }
  const runner = recordingRunner(inputs);
  const saved = Object.fromEntries(LIBRARY_VARIABLES.map((name) => [name, process.env[name]]));
  const cwd = process.cwd();
  let exitCode: number;
  try {
    for (const name of LIBRARY_VARIABLES) setVariable(name, prepared.env[name]);
    // Relative paths in inputs are relative to the step's working directory, the workspace.
    process.chdir(prepared.cwd);
    const step = options.github
      ? stepEnvironment(
          prepared.env,
          fakeConnector(options.github),
          fakeAccounts(options.github, prepared.env.GITHUB_REPOSITORY),
        )
      : stepEnvironment(prepared.env);
    exitCode = await runAction(action, runner, step);
  } finally {
    process.chdir(cwd);
    for (const [name, value] of Object.entries(saved)) setVariable(name, value);
  }
  const annotations = runner.log.filter(
    (entry) => entry.level === 'error' || entry.level === 'warning' || entry.level === 'notice',
  );
  return {
    exitCode,
    runner,
    outputs: runner.outputs,
    summary: runner.summary.join('\n'),
    annotations,
    errors: annotations.filter((a) => a.level === 'error').map((a) => a.message),
    warnings: annotations.filter((a) => a.level === 'warning').map((a) => a.message),
  };
}

function setVariable(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/**
 * The user-facing contract of a failed step, in process (test/actions/workspace.ts has the
 * bundle's): exit 1, an error paragraph that says `pattern`, reported as the user's to fix.
 */
export function expectUserError(result: InProcessResult, pattern: RegExp): void {
  expect(result.exitCode, result.errors.join(' | ')).toBe(1);
  expect(result.errors.join(' | ')).toMatch(pattern);
  const last = result.errors.at(-1)!;
  expect(last).not.toContain('\n');
  expect(last).not.toMatch(/bug in mlops-actions/);
}
