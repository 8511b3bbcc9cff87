/**
 * The GitHub stand-ins together: the REST API and the Actions results service, wired into a
 * step's environment the way the runner wires the real ones.
 */
import { randomUUID } from 'node:crypto';
import { GitHubApiStandIn } from './github-api.js';
import { ResultsServiceStandIn } from './results-service.js';

/** The workflow's GITHUB_TOKEN (read-write, or read-only as on a fork's PR), a PAT, a GitHub App installation token. */
export type TokenKind = 'read-write' | 'read-only' | 'personal' | 'app';

const TOKENS: Record<TokenKind, string> = {
  'read-write': GitHubApiStandIn.READ_WRITE_TOKEN,
  'read-only': GitHubApiStandIn.READ_ONLY_TOKEN,
  personal: GitHubApiStandIn.PERSONAL_TOKEN,
  app: GitHubApiStandIn.APP_TOKEN,
};

export class StandIns {
  /** One workflow run: every job of it shares this backend id, as artifacts are per run. */
  runBackendId = randomUUID();

  private constructor(
    readonly github: GitHubApiStandIn,
    readonly results: ResultsServiceStandIn,
    readonly startupMs: number,
  ) {
    github.artifactsOf = (backendRunId) =>
      results.artifacts
        .filter((a) => a.runId === backendRunId && a.finalized)
        .map((a) => ({
          id: a.id,
          name: a.name,
          size: a.size ?? 0,
          digest: a.digest,
          createdAt: a.createdAt,
          downloadUrl: results.signedUrl(a.blob),
        }));
  }

  /** Makes this workflow run's artifacts readable through the REST API as run `runId` (GITHUB_RUN_ID). */
  publishRun(runId: number): void {
    this.github.workflowRuns.set(runId, this.runBackendId);
  }

  static async start(): Promise<StandIns> {
    const started = performance.now();
    const [github, results] = await Promise.all([
      new GitHubApiStandIn().start(),
      new ResultsServiceStandIn().start(),
    ]);
    return new StandIns(github, results, performance.now() - started);
  }

  /** Starts a new workflow run: later jobs see this run's artifacts, not the previous run's. */
  newRun(): void {
    this.runBackendId = randomUUID();
  }

  static token(kind: TokenKind): string {
    return TOKENS[kind];
  }

  /** The variables the runner gives a JavaScript action's process in job `job`. */
  env(job: string): Record<string, string> {
    return {
      GITHUB_API_URL: this.github.url,
      GITHUB_SERVER_URL: 'https://github.com',
      ACTIONS_RUNTIME_TOKEN: ResultsServiceStandIn.runtimeToken(
        this.runBackendId,
        `${this.runBackendId}-${job}`,
      ),
      ACTIONS_RUNTIME_URL: `${this.results.url}/`,
      ACTIONS_RESULTS_URL: `${this.results.url}/`,
      ACTIONS_CACHE_SERVICE_V2: 'True',
    };
  }

  violations(): string[] {
    return [...this.github.violations, ...this.results.violations];
  }

  async stop(): Promise<void> {
    await Promise.all([this.github.stop(), this.results.stop()]);
  }
}

let shared: Promise<StandIns> | undefined;

/** Stand-ins shared by every harness run in this process that does not bring its own. */
export function sharedStandIns(): Promise<StandIns> {
  shared ??= StandIns.start();
  return shared;
}

export async function stopSharedStandIns(): Promise<void> {
  if (shared) await (await shared).stop();
  shared = undefined;
}
