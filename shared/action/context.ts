/**
 * What the runner tells an action about the run: repository, commit, run URL, and the pull
 * request from the event payload. The payload is a boundary like any other: it is validated,
 * and only the fields this project uses are kept.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { GitHubAccounts, GitHubConnector } from '../github/port.js';
import type { ResponseCache } from '../github/conditional-requests.js';
import { UserError } from './errors.js';
import type { Logger } from './runner.js';

interface PullRequestContext {
  number: number;
  title: string;
  headSha: string;
  headRef: string;
  baseRef: string;
  /** The base branch's commit the pull request is checked against: trusted where the PR's own files are not. */
  baseSha?: string;
  url: string;
  /** True when the head branch lives in another repository (a fork): the token is read-only. */
  fromFork: boolean;
}

export interface RunContext {
  repository?: string;
  /** The commit under test: the PR head for pull requests (GITHUB_SHA is a test merge there). */
  sha?: string;
  ref?: string;
  eventName?: string;
  runId?: string;
  runAttempt?: string;
  runUrl?: string;
  serverUrl: string;
  actor?: string;
  workspace: string;
  /** Scratch space for reports; RUNNER_TEMP on a runner, the OS temp folder elsewhere. */
  tempDir: string;
  runnerOs: string;
  pullRequest?: PullRequestContext;
}

const repoRef = z.object({ full_name: z.string() }).nullish();

const pullRequestEvent = z.object({
  pull_request: z
    .object({
      number: z.number().int().positive(),
      title: z.string(),
      html_url: z.string(),
      head: z.object({ sha: z.string(), ref: z.string(), repo: repoRef }),
      base: z.object({ ref: z.string(), sha: z.string().optional(), repo: repoRef }),
    })
    .optional(),
});

function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com';
  const repository = env.GITHUB_REPOSITORY || undefined;
  const runId = env.GITHUB_RUN_ID || undefined;
  const pullRequest = readPullRequest(env.GITHUB_EVENT_PATH);
  return {
    repository,
    sha: pullRequest?.headSha ?? (env.GITHUB_SHA || undefined),
    ref: env.GITHUB_REF || undefined,
    eventName: env.GITHUB_EVENT_NAME || undefined,
    runId,
    runAttempt: env.GITHUB_RUN_ATTEMPT || undefined,
    runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined,
    serverUrl,
    actor: env.GITHUB_ACTOR || undefined,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    tempDir: runnerTempDir(env),
    runnerOs: env.RUNNER_OS || process.platform,
    pullRequest,
  };
}

function readPullRequest(eventPath: string | undefined): PullRequestContext | undefined {
  if (!eventPath) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(eventPath, 'utf8'));
  } catch (error) {
    throw new UserError(
      `Could not read the event payload at GITHUB_EVENT_PATH "${eventPath}": ${(error as Error).message}.`,
    );
  }
  const parsed = pullRequestEvent.safeParse(payload);
  if (!parsed.success) {
    throw new UserError(
      `The event payload at GITHUB_EVENT_PATH "${eventPath}" has an unexpected pull_request shape: ${z.prettifyError(parsed.error)}`,
    );
  }
  const pr = parsed.data.pull_request;
  if (!pr) return undefined;
  const headRepo = pr.head.repo?.full_name;
  return {
    number: pr.number,
    title: pr.title,
    headSha: pr.head.sha,
    headRef: pr.head.ref,
    baseRef: pr.base.ref,
    baseSha: pr.base.sha,
    url: pr.html_url,
    fromFork: headRepo !== undefined && headRepo !== pr.base.repo?.full_name,
  };
}

/**
 * What a step runs in, built once by the entry and handed to an action's `run()`: its
 * variables (process.env on a runner; the CLI and the in-process tests pass their own), the
 * two folders it may write to, and the run context. Nothing under `run()` reads process.env.
 */
export interface StepEnvironment {
  readonly env: Readonly<NodeJS.ProcessEnv>;
  /** GITHUB_WORKSPACE, or the current folder outside a runner. */
  readonly workspace: string;
  /** RUNNER_TEMP, or the OS temp folder outside a runner. */
  readonly tempDir: string;
  /** Read on first use, so that actions that need only the folders do not parse the event payload. */
  context(): RunContext;
  /** How this step reaches GitHub: over the REST API at GITHUB_API_URL unless a test connects it elsewhere. */
  readonly github: GitHubConnector;
  /** How this step reaches GitHub across repositories (the fleet view), likewise. */
  readonly accounts: AccountsConnector;
}

/** GitHub across repositories for a token, its conditional requests remembered in `cache`. */
export type AccountsConnector = (
  token: string,
  log: Logger,
  cache?: ResponseCache,
) => Promise<GitHubAccounts>;

export function stepEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  github: GitHubConnector = restConnector(env),
  accounts: AccountsConnector = restAccounts(env),
): StepEnvironment {
  let context: RunContext | undefined;
  return {
    env,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    tempDir: runnerTempDir(env),
    context: () => (context ??= readRunContext(env)),
    github,
    accounts,
  };
}

function restAccounts(env: NodeJS.ProcessEnv): AccountsConnector {
  return async (token, log, cache) => {
    const { createOctokitAccounts } = await import('../github/octokit-port.js');
    return createOctokitAccounts(token, log, { env, ...(cache ? { cache } : {}) });
  };
}

/** GitHub's REST API at the step's GITHUB_API_URL; Octokit is loaded on first use only. */
function restConnector(env: NodeJS.ProcessEnv): GitHubConnector {
  return async (token, repository, log) => {
    const { createOctokitPort } = await import('../github/octokit-port.js');
    return createOctokitPort(token, repository, log, env);
  };
}

/** Scratch space for reports: RUNNER_TEMP on a runner, the OS temp folder elsewhere. */
function runnerTempDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.RUNNER_TEMP || tmpdir();
}

/**
 * A new folder for one step's files. Each step gets its own, so that two steps of one job
 * (validating train and eval data, evaluating on two data sets) never overwrite each other's
 * reports. Takes the temp folder rather than the whole context, so that actions that need no
 * more do not parse the event payload.
 */
export async function createStepDir(
  tempDir: string,
  action: string,
  model: string,
): Promise<string> {
  const parent = join(tempDir, 'mlops-actions', action);
  await mkdir(parent, { recursive: true });
  return mkdtemp(join(parent, `${model}-`));
}
