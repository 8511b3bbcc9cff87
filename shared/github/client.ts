/**
 * The one GitHub REST client of the suite: Octokit with REST methods, pagination, retries on
 * server errors and throttling on rate limits. It is imported lazily, so that actions and steps
 * that never talk to GitHub do not pay for it at start-up.
 */
import type { Logger } from '../action/runner.js';

/** Statuses that retrying cannot fix; 409 is added to Octokit's list because a deployment conflict must not be retried. */
const DO_NOT_RETRY = [400, 401, 403, 404, 409, 410, 422, 451];
/** How often a rate-limited request is tried again before the step gives up. */
const RATE_LIMIT_RETRIES = 2;

export async function createGitHubClient(
  token: string,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
) {
  const [{ Octokit }, { restEndpointMethods }, { paginateRest }, { retry }, { throttling }] =
    await Promise.all([
      import('@octokit/core'),
      import('@octokit/plugin-rest-endpoint-methods'),
      import('@octokit/plugin-paginate-rest'),
      import('@octokit/plugin-retry'),
      import('@octokit/plugin-throttling'),
    ]);
  const Client = Octokit.plugin(restEndpointMethods, paginateRest, retry, throttling);
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      options: { method: string; url: string },
      _octokit: unknown,
      retryCount: number,
    ) => {
      const again = retryCount < RATE_LIMIT_RETRIES;
      log.warning(
        `GitHub ${kind} rate limit on ${options.method} ${options.url}; ${again ? `trying again in ${retryAfter} s` : 'giving up'}.`,
      );
      return again;
    };
  return new Client({
    auth: token,
    baseUrl: env.GITHUB_API_URL || 'https://api.github.com',
    userAgent: 'mlops-actions',
    retry: { doNotRetry: DO_NOT_RETRY },
    throttle: { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') },
    log: { debug: log.debug, info: log.debug, warn: log.debug, error: log.debug },
  });
}

export type GitHubClient = Awaited<ReturnType<typeof createGitHubClient>>;

/** The HTTP status of an Octokit error, if it is one. */
export function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' &&
    error !== null &&
    'status' in error &&
    typeof error.status === 'number'
    ? error.status
    : undefined;
}

/** GitHub's answer to a write with a read-only token, e.g. on a pull request from a fork. */
export function isReadOnlyToken(error: unknown): boolean {
  return (
    statusOf(error) === 403 &&
    /Resource not accessible by integration/i.test(String((error as Error).message))
  );
}

/**
 * A 403 that a permission would fix: a read-only token, or a token without the permission the
 * request needs (the job's `permissions:`, a fine-grained token's grants). Not a rate limit,
 * which GitHub answers with 403 too.
 */
export function isPermissionDenied(error: unknown): boolean {
  return statusOf(error) === 403 && !/rate limit/i.test(String((error as Error).message));
}

export interface Repository {
  owner: string;
  repo: string;
}

export function parseRepository(fullName: string | undefined): Repository | undefined {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(fullName ?? '');
  return match ? { owner: match[1]!, repo: match[2]! } : undefined;
}
