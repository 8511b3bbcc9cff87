/**
 * compare-metrics against the GitHub REST stand-in: the sticky comment, as the real API would
 * see it (every request and response checked against GitHub's OpenAPI description).
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { GitHubApiStandIn } from '../../harness/stand-ins/github-api.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { pullRequestEvent } from '../../harness/runner/events.js';
import { exampleWorkspace, expectUserError, run } from './workspace.js';

const standIns = await StandIns.start();
afterAll(() => standIns.stop());
const job = await exampleWorkspace();
await job.write('cand.json', JSON.stringify({ accuracy: 0.81 }));
await job.write('base.json', JSON.stringify({ accuracy: 0.8 }));
// Pull requests are judged by the base branch's gate policy, read through the API: the base
// commit holds the same policies as the checkout (compare-policy.test.ts tests a PR that changes one).
const BASE_SHA = (pullRequestEvent() as { pull_request: { base: { sha: string } } }).pull_request
  .base.sha;
const noisyGates =
  'inconclusive-within-ci: true\nmetrics:\n  accuracy:\n    direction: higher\n    max-regression: 0.01\n';
standIns.github.commitFiles(BASE_SHA, { 'noisy-gates.yaml': noisyGates });

let prNumber = 100;
beforeEach(() => {
  prNumber++;
});

const compare = (
  extra: Partial<Parameters<typeof run>[3]> = {},
  inputs: Record<string, string> = {},
) =>
  run(
    'compare-metrics',
    job,
    { 'model-name': 'churn', metrics: 'cand.json', baseline: 'base.json', ...inputs },
    {
      standIns,
      event: { name: 'pull_request', payload: pullRequestEvent({ number: prNumber }) },
      ...extra,
    },
  );
const comments = () => standIns.github.comments.get(prNumber) ?? [];
const marker = '<!-- mlops-actions:compare-metrics -->';

describe('compare-metrics on a pull request', () => {
  it('posts one comment, and a rerun updates it in place', async () => {
    const first = await compare();
    expect(first.exitCode, first.stdout).toBe(0);
    expect(comments()).toHaveLength(1);
    expect(first.outputs['comment-url']).toBe(comments()[0]!.html_url);
    await job.write('cand2.json', JSON.stringify({ accuracy: 0.83 }));
    const second = await compare({}, { metrics: 'cand2.json' });
    expect(comments()).toHaveLength(1);
    expect(second.outputs['comment-url']).toBe(first.outputs['comment-url']);
    expect(comments()[0]!.body).toContain('0.83');
  });

  it('makes 3 calls to update the comment on a pull request with one page of comments', async () => {
    await compare();
    const before = standIns.github.log.length;
    await job.write('cand3.json', JSON.stringify({ accuracy: 0.84 }));
    await compare({}, { metrics: 'cand3.json' });
    const calls = standIns.github.log
      .slice(before)
      .map((entry) => `${entry.method} ${entry.operation}`);
    // The page of comments holding ours, who the token is (GraphQL's viewer: GET /user refuses
    // the GITHUB_TOKEN), and the update; no read-back, as no other model writes into it.
    expect(calls).toEqual([
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      'POST /graphql',
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
    ]);
  });

  it('finds its comment on page 2 of 150 earlier comments', async () => {
    const github = standIns.github;
    await compare();
    const ours = comments()[0]!;
    const filler = Array.from({ length: 150 }, (_, i) => ({
      ...structuredClone(ours),
      id: 50_000 + i,
      body: `comment ${i}`,
      user: { ...ours.user, login: 'someone' },
    }));
    github.comments.set(prNumber, [...filler.slice(0, 120), ours, ...filler.slice(120)]);
    const rerun = await compare();
    expect(rerun.outputs['comment-url']).toBe(ours.html_url);
    expect(comments()).toHaveLength(151);
    const listed = github.log.filter(
      (e) =>
        e.method === 'GET' &&
        e.operation === '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    );
    expect(listed.slice(-2).map((e) => e.status)).toEqual([200, 200]); // pages 1 and 2 of 100
  });

  it("ignores a forged marker in someone else's comment", async () => {
    await compare({ token: 'personal' }); // octocat writes a comment that carries the marker
    expect(comments()).toHaveLength(1);
    expect(comments()[0]!.body).toContain(marker);
    const ours = await compare();
    expect(comments()).toHaveLength(2);
    expect(comments()[1]!.user.login).toBe('github-actions[bot]');
    expect(comments()[0]!.user.login).toBe('octocat');
    expect(ours.outputs['comment-url']).toBe(comments()[1]!.html_url);
  });

  it('does not fail with a read-only token: it warns and keeps the body in comment-file', async () => {
    const result = await compare({ token: 'read-only' });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(comments()).toHaveLength(0);
    expect(result.outputs['comment-url']).toBe('');
    expect(result.annotations.find((a) => a.command === 'warning')?.message).toMatch(
      /No comment was posted on pull request #\d+: the token is read-only .* The body is in .*comment.md/,
    );
  });

  it('survives 502s and a secondary rate limit without writing twice', async () => {
    standIns.github.inject({ method: 'GET', path: /\/comments$/, status: 502, times: 2 });
    standIns.github.inject({
      method: 'POST',
      path: /\/comments$/,
      ...GitHubApiStandIn.secondaryRateLimit(1),
    });
    standIns.github.inject({ method: 'POST', path: /\/comments$/, status: 502 });
    const writesBefore = standIns.github.writes().length;
    const result = await compare();
    expect(result.exitCode, result.stdout).toBe(0);
    expect(comments()).toHaveLength(1);
    expect(standIns.github.writes().length - writesBefore).toBe(1);
    expect(result.annotations.map((a) => a.message).join('\n')).toMatch(/secondary rate limit/);
  });

  it("keeps a 5,000-metric comment under GitHub's size limit, marker first", async () => {
    const many = Object.fromEntries(
      Array.from({ length: 5000 }, (_, i) => [`metric_with_a_long_name_${i}`, i / 5000]),
    );
    await job.write('many.json', JSON.stringify(many));
    const result = await compare({}, { metrics: 'many.json', baseline: '' });
    expect(result.exitCode, result.stdout).toBe(0);
    const body = comments()[0]!.body as string;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.startsWith(marker)).toBe(true);
    expect(body).toMatch(
      /_\d+ more metrics not shown here: the full report is in the artifact `comparison-churn-attempt-1` of this run\._/,
    );
    expect(result.outputs['report-artifact']).toBe('comparison-churn-attempt-1');
    expect(
      standIns.results.artifacts.some(
        (a) => a.name === 'comparison-churn-attempt-1' && a.finalized,
      ),
    ).toBe(true);
  });

  it('posts nothing when comment is false, or outside a pull request', async () => {
    const off = await compare({}, { comment: 'false' });
    const push = await compare({ event: { name: 'push', payload: { ref: 'refs/heads/main' } } });
    expect([off.exitCode, push.exitCode]).toEqual([0, 0]);
    expect(comments()).toHaveLength(0);
    expect(push.stdout).toMatch(/Not a pull request run \(event push\)/);
  });
});

describe('compare-metrics verdicts through the harness', () => {
  const report = (value: number, ci?: [number, number]) =>
    JSON.stringify({
      format: 'mlops-actions/metrics-report@1',
      model: 'churn',
      metrics: { accuracy: { value, n: 400, ...(ci ? { ci } : {}) } },
    });

  it("is inconclusive when the regression lies inside the candidate's CI: a warning, exit 0, said in the comment", async () => {
    await job.write('noisy-gates.yaml', noisyGates);
    await job.write('noisy.json', report(0.78, [0.75, 0.81]));
    const result = await compare({}, { metrics: 'noisy.json', gates: 'noisy-gates.yaml' });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs).toMatchObject({ verdict: 'inconclusive', passed: 'true' });
    expect(result.annotations.find((a) => a.command === 'warning')?.message).toMatch(
      /accuracy it got worse by 0\.02, more than the tolerated 0\.01, but the baseline lies inside the candidate's confidence interval \[0\.75, 0\.81\]/,
    );
    const body = comments()[0]!.body as string;
    expect(body).toContain('### churn ❔ is inconclusive: a regression within the noise');
    expect(body).toContain(
      '| `accuracy` | 0.8 | 0.78 <sub>[0.75, 0.81]</sub> | -0.02 | -2.5% | higher is better; drop ≤ 0.01 | ❔ inconclusive |',
    );
  });

  it('fails the same regression when the CI excludes the baseline', async () => {
    await job.write('tight.json', report(0.78, [0.77, 0.79]));
    const result = await compare({}, { metrics: 'tight.json', gates: 'noisy-gates.yaml' });
    expectUserError(result, /churn fails its gates/);
    expect(result.outputs.verdict).toBe('fail');
  });
});

describe('several models on one pull request', () => {
  it('share one comment: a section per model, a status table on top, each step replacing only its own', async () => {
    await job.write('fraud.json', JSON.stringify({ recall: 0.9 }));
    const [churn, fraud] = await Promise.all([
      compare(),
      compare({ job: 'fraud' }, { 'model-name': 'fraud', metrics: 'fraud.json', baseline: '' }),
    ]);
    expect([churn.exitCode, fraud.exitCode], churn.stdout + fraud.stdout).toEqual([0, 0]);
    // Both steps may have found no comment and created one: the later one moved into the older.
    expect(comments()).toHaveLength(1);
    const body = () => comments()[0]!.body as string;
    expect(body()).toMatch(
      /## ✅ 2 models compared\n\n\| Model \| Verdict \| Candidate \| Compared with \|/,
    );
    expect(body().match(/^### (churn|fraud)/gm)).toEqual(['### churn', '### fraud']);
    expect(churn.outputs['comment-url']).toBe(comments()[0]!.html_url);
    expect(fraud.outputs['comment-url']).toBe(comments()[0]!.html_url);

    await job.write('cand-better.json', JSON.stringify({ accuracy: 0.9 }));
    const fraudSection = body().slice(
      body().indexOf('<!-- mlops-actions:compare-metrics:section model=fraud'),
    );
    await compare({}, { metrics: 'cand-better.json' });
    expect(comments()).toHaveLength(1);
    expect(body()).toContain('| `accuracy` | 0.8 | 0.9 |');
    expect(body().endsWith(fraudSection)).toBe(true);
    expect(body()).toMatch(/\| churn \| ✅ pass \|/);
  });
});
