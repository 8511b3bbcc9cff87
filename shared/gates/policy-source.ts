/**
 * Which gate policy judges a run. On a pull request the checkout is the pull request's: a
 * `gates.yaml` there may have been loosened by the very change under test. So a pull request is
 * judged by the policy as it is on the base branch, read through the GitHub API at the base
 * commit, and the pull request's own version is only compared with it, to show reviewers what
 * it would change once merged. Outside pull requests (push, release, a laptop) the file in the
 * workspace is the policy, as it is what the branch holds.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import type { RunContext } from '../action/context.js';
import { isUserError, UserError } from '../action/errors.js';
import type { Logger } from '../action/runner.js';
import { parseStructured, validateStructured } from '../files/structured.js';
import { quoteValue } from '../identifiers.js';
import { parseRepository } from '../github/client.js';
import type { ReadRepositoryFile } from '../github/contents.js';
import type { GitHubConnector } from '../github/port.js';
import { diffPolicies, policyChangeSchema, type PolicyChange } from './policy-diff.js';
import { EMPTY_POLICY, gatePolicySchema, loadGatePolicy, type GatePolicy } from './policy.js';

/** Where a pull request's policy comes from: `base` (the default) or `workspace` (the opt-out). */
export const GATES_FROM = ['base', 'workspace'] as const;
export type GatesFrom = (typeof GATES_FROM)[number];

/** How many changes the comparison document keeps; the rest are counted. */
const MAX_CHANGES = 50;

/** Which policy judged the run and why, as the comparison document records it for the comment. */
export const policySourceSchema = z.discriminatedUnion('kind', [
  /** The workspace file: not a pull request, or the repository opted out (`gates-from: workspace`). */
  z.object({ kind: z.literal('workspace'), path: z.string(), optedOut: z.boolean() }),
  z.object({
    kind: z.literal('base'),
    path: z.string(),
    baseRef: z.string(),
    baseSha: z.string().regex(/^[0-9a-f]{1,64}$/),
    /** False when the base branch has no file at the path: the run is judged without gates. */
    found: z.boolean(),
    /**
     * The pull request's version: the same, changed, added (the base has none), removed, absent
     * on both sides, or unknown (neither checked out here nor readable at a merge commit).
     */
    proposed: z.enum(['same', 'changed', 'added', 'removed', 'absent', 'unknown']),
    changes: z.array(policyChangeSchema).max(MAX_CHANGES),
    /** Changes left out of `changes`. */
    more: z.number().int().nonnegative(),
  }),
]);
export type PolicySource = z.output<typeof policySourceSchema>;
type ProposedState = Extract<PolicySource, { kind: 'base' }>['proposed'];

export interface PolicyRequest {
  /** The `gates` input: a path in the repository. */
  path: string | undefined;
  from: GatesFrom;
  /** The checkout's root (GITHUB_WORKSPACE): repository paths are relative to it. */
  workspace: string;
  /** The pull request under test, or undefined outside pull requests. */
  pullRequest?: { baseRef: string; baseSha?: string };
  /**
   * True when the workspace holds the pull request's checkout (a pull_request event checks out
   * its test merge commit), so a file there is the pull request's version of the policy.
   */
  workspaceIsPullRequest?: boolean;
  /**
   * The commit whose version of the file is the pull request's, read when the workspace has no
   * checkout of it (the comparing job of a split workflow): the test merge commit.
   */
  proposedRef?: string;
  /** Reads the repository through the API; undefined when there is no token or repository. */
  readFile?: ReadRepositoryFile;
  /** Why `readFile` is missing, for the error. */
  noApi?: string;
}

export interface ResolvedPolicy {
  policy: GatePolicy;
  /** Undefined when no policy was named. */
  source?: PolicySource;
}

const OPT_OUT =
  'set "gates-from: workspace" to judge pull requests by their own gate policy (a pull request can then loosen the gates it is judged by; see "Security model" in the README)';

export async function resolveGatePolicy(request: PolicyRequest): Promise<ResolvedPolicy> {
  const { path, pullRequest } = request;
  if (!path) return { policy: EMPTY_POLICY };
  if (!pullRequest || request.from === 'workspace') {
    return {
      policy: await loadGatePolicy(path),
      source: { kind: 'workspace', path, optedOut: Boolean(pullRequest) },
    };
  }
  const repositoryPath = repositoryPathOf(path, request.workspace);
  const baseSha = pullRequest.baseSha;
  if (!baseSha || !/^[0-9a-f]{40,64}$/.test(baseSha)) {
    throw new UserError(
      `The event payload names no valid base commit for the pull request (pull_request.base.sha), so its base branch's gate policy "${path}" cannot be read. Run compare-metrics on pull_request events, or ${OPT_OUT}.`,
    );
  }
  if (!request.readFile) {
    throw new UserError(
      `A pull request is judged by its base branch's gate policy "${path}", read through the GitHub API, but ${request.noApi ?? 'the API cannot be reached here'}. Give "github-token" a token that can read the repository (the default \${{ github.token }} with "permissions: contents: read"), or ${OPT_OUT}.`,
    );
  }
  const readFile = request.readFile;
  const baseText = await readFile(repositoryPath, baseSha);
  const base =
    baseText === undefined
      ? undefined
      : await parsePolicy(
          baseText,
          repositoryPath,
          `base branch's gate policy (${pullRequest.baseRef} at ${baseSha.slice(0, 12)})`,
        );
  const proposed = await proposedPolicy(request, repositoryPath, readFile);
  const changes = proposed === 'unknown' ? [] : diffPolicies(base, proposed);
  const source: PolicySource = {
    kind: 'base',
    path: repositoryPath,
    baseRef: pullRequest.baseRef,
    baseSha,
    found: base !== undefined,
    proposed: proposedState(base, proposed, changes),
    changes: changes.slice(0, MAX_CHANGES),
    more: Math.max(0, changes.length - MAX_CHANGES),
  };
  return { policy: base ?? EMPTY_POLICY, source };
}

function proposedState(
  base: GatePolicy | undefined,
  proposed: GatePolicy | undefined | 'unknown',
  changes: readonly PolicyChange[],
): ProposedState {
  if (proposed === 'unknown') return 'unknown';
  if (!base && !proposed) return 'absent';
  if (!base) return 'added';
  if (!proposed) return 'removed';
  return changes.length ? 'changed' : 'same';
}

/**
 * The pull request's version: the workspace's file when the job checked the pull request out,
 * else the file at the pull request's commit, read through the API. 'unknown' when neither can be read.
 */
async function proposedPolicy(
  request: PolicyRequest,
  repositoryPath: string,
  readFile: ReadRepositoryFile,
): Promise<GatePolicy | undefined | 'unknown'> {
  if (request.workspaceIsPullRequest && existsSync(resolve(request.workspace, repositoryPath)))
    return loadGatePolicy(repositoryPath, request.workspace);
  if (!request.proposedRef) return 'unknown';
  // Only shown, never applied: a commit the API cannot serve leaves the change unknown rather
  // than failing the check.
  const text = await readFile(repositoryPath, request.proposedRef).catch((error: unknown) => {
    if (isUserError(error)) return 'unknown' as const;
    throw error;
  });
  if (text === 'unknown') return text;
  return text === undefined
    ? undefined
    : parsePolicy(
        text,
        repositoryPath,
        `pull request's gate policy (at ${request.proposedRef.slice(0, 12)})`,
      );
}

async function parsePolicy(text: string, path: string, what: string): Promise<GatePolicy> {
  return validateStructured(await parseStructured(text, path, what), gatePolicySchema, {
    path,
    what,
    text,
  });
}

/**
 * The `gates` input as a path in the repository: relative to the checkout's root, inside it, in
 * `/` form, without `..` or `.git`. An absolute path inside the workspace is accepted.
 */
export function repositoryPathOf(path: string, workspace: string): string {
  const refuse = (why: string) =>
    new UserError(
      `Input "gates" is ${quoteValue(path)}: ${why}. It must be a path inside the repository, relative to its root, e.g. "gates.yaml" or "models/churn/gates.yaml".`,
    );
  // eslint-disable-next-line no-control-regex -- control characters are what is refused here
  if (/[\u0000-\u001f\u007f]/.test(path)) throw refuse('it contains a control character');
  if (path.includes('\\') && sep !== '\\')
    throw refuse('it contains "\\"; use "/" between folders');
  if (/[?#]/.test(path))
    throw refuse('it contains "?" or "#", which a URL would read as a query or a fragment');
  const native = isAbsolute(path) ? relative(resolve(workspace), resolve(path)) : path;
  const segments = native.split(/[\\/]/).filter((segment) => segment !== '' && segment !== '.');
  if (isAbsolute(native) || (isAbsolute(path) && segments[0] === '..'))
    throw refuse(`it lies outside the workspace ${workspace}`);
  if (segments.includes('..')) throw refuse('".." is not allowed');
  if (segments.some((segment) => segment.toLowerCase() === '.git'))
    throw refuse('files under ".git" are not the repository\'s');
  if (!segments.length) throw refuse("it names the repository's root, not a file");
  return segments.join('/');
}

/**
 * The policy for a step of an action: the request above, built from the run's context. The
 * GitHub client is only created when a pull request's base policy must be read.
 */
export async function gatePolicyFor(args: {
  path: string | undefined;
  from: GatesFrom;
  context: RunContext;
  token: string;
  log: Logger;
  /** The step's variables (GITHUB_SHA, the merge commit on pull_request). */
  env: Readonly<NodeJS.ProcessEnv>;
  /** How the step reaches GitHub, to read the base branch's policy. */
  github: GitHubConnector;
}): Promise<ResolvedPolicy> {
  const { context, path, env } = args;
  const pullRequest = context.pullRequest;
  const request: PolicyRequest = {
    path,
    from: args.from,
    workspace: context.workspace,
    pullRequest,
  };
  if (!path || !pullRequest || args.from === 'workspace') return resolveGatePolicy(request);
  // On pull_request, GITHUB_SHA is the test merge commit: the policy as it would be once merged.
  // Other pull-request events (pull_request_target) check out the base: the PR's head then.
  const isPullRequestEvent = context.eventName === 'pull_request';
  request.workspaceIsPullRequest = isPullRequestEvent;
  request.proposedRef = isPullRequestEvent && env.GITHUB_SHA ? env.GITHUB_SHA : pullRequest.headSha;
  const repository = parseRepository(context.repository);
  if (!args.token) request.noApi = 'no token was given ("github-token" is empty)';
  else if (!repository) request.noApi = 'GITHUB_REPOSITORY is not set';
  else {
    const { repositoryFileReader } = await import('../github/contents.js');
    request.readFile = repositoryFileReader(await args.github(args.token, repository, args.log));
  }
  return resolveGatePolicy(request);
}
