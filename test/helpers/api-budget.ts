/**
 * The API call budget's scenario, shared by its test (test/actions/registry-on-github.test.ts)
 * and `npm run bench -- --only api`: a default compare-metrics run, through the built bundle
 * over the stand-in, on a pull request with many comments, against a production history of
 * many promotions of which the newest failed.
 */
import type { RunResult } from '../../harness/runner/run-bundle.js';
import { pullRequestEvent } from '../../harness/runner/events.js';
import type { StandIns } from '../../harness/stand-ins/index.js';
import { createGitHubClient } from '../../shared/github/client.js';
import { canonicalJson, sha256Text } from '../../shared/files/hash.js';
import { DEPLOYMENT_PAYLOAD_FORMAT } from '../../shared/registry/github-registry.js';
import { GitHubApiStandIn, OWNER, REPO } from '../../harness/stand-ins/github-api.js';
import { run } from '../actions/workspace.js';
import { recordingRunner } from './recording-runner.js';

export interface BusyPullRequest {
  comments: number;
  promotions: number;
  failed: number;
  pullRequest: number;
}

export interface BudgetRun {
  /** `METHOD template` of every call of the measured (second) run, in order. */
  calls: string[];
  /** The measured run. */
  result: RunResult;
  /** The version the history's current production model has. */
  current: string;
  elapsedMs: number;
}

/**
 * Seeds production with `promotions` promotions as promote-model records them (the newest
 * `failed` of them failed; the current one names its metrics report, a release asset), runs
 * compare-metrics once to create its comment, adds `comments` comments after it, and measures
 * a second run.
 */
export async function compareOnBusyPullRequest(
  standIns: StandIns,
  job: {
    workspace: string;
    runnerTemp: string;
    write(path: string, text: string): Promise<string>;
  },
  scenario: BusyPullRequest,
): Promise<BudgetRun> {
  const github = standIns.github;
  const current = await seedProductionHistory(standIns, scenario.promotions, scenario.failed);
  const compare = () =>
    run(
      'compare-metrics',
      job,
      { 'model-name': 'churn', metrics: 'budget-candidate.json' },
      {
        standIns,
        event: {
          name: 'pull_request',
          payload: pullRequestEvent({ number: scenario.pullRequest }),
        },
      },
    );
  await job.write('budget-candidate.json', JSON.stringify({ accuracy: 0.81 }));
  const first = await compare();
  if (first.exitCode !== 0) throw new Error(`the first compare run failed:\n${first.stdout}`);
  // Reviewers and bots talk on the pull request after the first report.
  const ours = github.comments.get(scenario.pullRequest)![0]!;
  const filler = Array.from({ length: scenario.comments }, (_, i) => ({
    ...structuredClone(ours),
    id: 90_000 + i,
    body: `comment ${i}`,
    user: { ...ours.user, login: 'reviewer' },
  }));
  github.comments.set(scenario.pullRequest, [ours, ...filler]);
  await job.write('budget-candidate.json', JSON.stringify({ accuracy: 0.83 }));
  const before = github.log.length;
  const started = performance.now();
  const result = await compare();
  const elapsedMs = performance.now() - started;
  const calls = github.log.slice(before).map((e) => `${e.method} ${e.operation}`);
  return { calls, result, current, elapsedMs };
}

async function seedProductionHistory(
  standIns: StandIns,
  count: number,
  failed: number,
): Promise<string> {
  const github = standIns.github;
  const client = await createGitHubClient(GitHubApiStandIn.READ_WRITE_TOKEN, recordingRunner(), {
    GITHUB_API_URL: github.url,
  });
  const repo = { owner: OWNER, repo: REPO };
  let current = '';
  for (let i = 0; i < count; i++) {
    const version = `v${String(i).padStart(11, '0')}`;
    const succeeded = i < count - failed;
    let metricsUrl: string | undefined;
    if (succeeded && i === count - failed - 1) {
      const report = {
        format: 'mlops-actions/metrics-report@1',
        model: 'churn',
        version,
        metrics: { accuracy: { value: 0.8, ci: [0.78, 0.82], n: 500 } },
      };
      const { data: release } = await client.rest.repos.createRelease({
        ...repo,
        tag_name: `churn@${version}`,
      });
      const { data: asset } = await client.rest.repos.uploadReleaseAsset({
        ...repo,
        baseUrl: github.url,
        release_id: release.id,
        name: 'metrics.json',
        data: JSON.stringify(report) as unknown as string,
        headers: { 'content-type': 'application/json' },
      });
      metricsUrl = asset.url;
      current = version;
    }
    github.seedDeployment(
      {
        ref: 'f'.repeat(40),
        task: 'model:churn',
        environment: 'production',
        production_environment: true,
        payload: {
          format: DEPLOYMENT_PAYLOAD_FORMAT,
          model: 'churn',
          version,
          fingerprint: version.padEnd(64, '0'),
          metrics: { accuracy: 0.8 },
          metricsDigest: sha256Text(canonicalJson({ accuracy: 0.8 })),
          ...(metricsUrl ? { metricsUrl } : {}),
        },
      },
      ['in_progress', succeeded ? 'success' : 'failure'],
    );
  }
  return current;
}
