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

/**
 * GraphQL queries of a client that only reads (the fleet view's), at most this many a second, one
 * at a time: 1,200 points a minute, within GitHub's secondary limit of 2,000 for GraphQL (a
 * query costs 1 point; "REST API rate limits: secondary rate limits"). Octokit's throttling
 * otherwise spaces every GraphQL request a second apart, as it does writes, which would make
 * reading a fleet of 100,000 deployments (1,000 status queries) take 17 minutes of waiting.
 */
const READ_ONLY_QUERIES_PER_SECOND = 20;

export async function createGitHubClient(
  token: string,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
  options: { readOnly?: boolean } = {},
) {
  const [
    { Octokit },
    { restEndpointMethods },
    { paginateRest },
    { retry },
    { throttling },
    { default: Bottleneck },
  ] = await Promise.all([
    import('@octokit/core'),
    import('@octokit/plugin-rest-endpoint-methods'),
    import('@octokit/plugin-paginate-rest'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
    // The light build the throttling plugin itself uses (no Redis clustering).
    import('bottleneck/light.js'),
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
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      // The plugin queues writes and GraphQL requests in its `write` group; a client that only
      // reads sends only queries there (watchRequests refuses its writes).
      ...(options.readOnly
        ? {
            write: new Bottleneck.Group({
              maxConcurrent: 1,
              minTime: 1000 / READ_ONLY_QUERIES_PER_SECOND,
            }),
          }
        : {}),
    },
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
