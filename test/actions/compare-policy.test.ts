/**
 * Which gate policy judges a pull request: the base branch's, read through the GitHub API at
 * the base commit, never the pull request's own checkout (unless the repository opts out).
 * The pull request's changes to the policy are shown in the comment, judged by the base policy.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../../harness/runner/events.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { exampleWorkspace, expectUserError, run } from './workspace.js';

const standIns = await StandIns.start();
afterAll(() => standIns.stop());
const job = await exampleWorkspace();
const event = pullRequestEvent() as { pull_request: { base: { sha: string } } };
const BASE_SHA = event.pull_request.base.sha;
/** The harness's GITHUB_SHA: on a pull_request event, the test merge commit. */
const MERGE_SHA = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';

const STRICT = 'metrics:\n  accuracy:\n    direction: higher\n    max-regression: 0.01\n';
const LOOSE = 'metrics:\n  accuracy:\n    direction: higher\n    max-regression: 0.2\n';
// The base branch: a strict policy. The pull request's checkout: the same file, loosened.
standIns.github.commitFiles(BASE_SHA, { 'models/gates.yaml': STRICT });
await job.write('models/gates.yaml', LOOSE);
await job.write('cand.json', JSON.stringify({ accuracy: 0.75 }));
await job.write('base.json', JSON.stringify({ accuracy: 0.8 }));

let prNumber = 400;
const compare = (inputs: Record<string, string> = {}, extra: Parameters<typeof run>[3] = {}) => {
  prNumber++;
  return run(
    'compare-metrics',
    job,
    {
      'model-name': 'churn',
      metrics: 'cand.json',
      baseline: 'base.json',
      gates: 'models/gates.yaml',
      ...inputs,
    },
    {
      standIns,
      event: { name: 'pull_request', payload: pullRequestEvent({ number: prNumber }) },
      ...extra,
    },
  );
};
const comment = () => (standIns.github.comments.get(prNumber) ?? [])[0]?.body as string;
const contentReads = () =>
  standIns.github.log.filter(
    (entry) => entry.operation === '/repos/{owner}/{repo}/contents/{path}',
  );

describe("compare-metrics judges a pull request by its base branch's gate policy", () => {
  it('fails a pull request that loosens its gates, and shows the loosening in the comment and summary', async () => {
    const before = contentReads().length;
    const result = await compare();
    expectUserError(result, /churn: accuracy it got worse by 0\.05, more than the tolerated 0\.01/);
    expect(result.outputs).toMatchObject({ verdict: 'fail', passed: 'false' });
    const line = '> - ⚠️ this PR loosens `accuracy` max-regression from 0.01 to 0.2';
    const note = `**This pull request changes the gate policy \`models/gates.yaml\`.** It is judged by the base branch's policy (\`master\` at \`${BASE_SHA.slice(0, 12)}\`); these changes are not applied until merged:`;
    for (const text of [comment(), result.summary]) {
      expect(text).toContain(note);
      expect(text).toContain(line);
    }
    expect(result.annotations.find((a) => a.command === 'warning')?.message).toBe(
      `The pull request changes the gate policy "models/gates.yaml"; it was judged by the base branch's policy (master at ${BASE_SHA.slice(0, 12)}), and the changes are not applied until merged: this PR loosens "accuracy" max-regression from 0.01 to 0.2.`,
    );
    // One read, at the base commit: the pull request's version is its checkout.
    expect(
      contentReads()
        .slice(before)
        .map((entry) => entry.status),
    ).toEqual([200]);
    const report = JSON.parse(await readFile(result.outputs.report!, 'utf8'));
    expect(report.policy).toMatchObject({
      kind: 'base',
      path: 'models/gates.yaml',
      baseSha: BASE_SHA,
      found: true,
      proposed: 'changed',
    });
  });

  it("with gates-from: workspace, judges by the pull request's own file, and says so", async () => {
    const result = await compare({ 'gates-from': 'workspace' });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.verdict).toBe('pass');
    expect(comment()).toContain(
      "> Judged by the pull request's own gate policy `models/gates.yaml` (`gates-from: workspace`): a pull request can change the gates it is judged by.",
    );
  });

  it("judges without gates when the base branch has no policy file: the pull request's is not applied until merged", async () => {
    await job.write(
      'new-gates.yaml',
      'metrics:\n  accuracy:\n    direction: higher\n    min: 0.9\n',
    );
    const result = await compare({ gates: 'new-gates.yaml' });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.verdict).toBe('pass');
    expect(comment()).toContain(
      `**The base branch (\`master\` at \`${BASE_SHA.slice(0, 12)}\`) has no gate policy \`new-gates.yaml\`**, so this run is judged without gates. This pull request adds one; it is not applied until merged:`,
    );
    expect(comment()).toContain('> - this PR adds a gate on `accuracy` (higher is better; ≥ 0.9)');
    expect(standIns.violations()).toEqual([]);
  });

  it('uses the workspace file outside pull requests, without reading the repository', async () => {
    const before = contentReads().length;
    const result = await compare(
      {},
      { event: { name: 'push', payload: { ref: 'refs/heads/main' } } },
    );
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.verdict).toBe('pass');
    expect(contentReads().length).toBe(before);
    expect(result.summary).not.toMatch(/Judged by|gate policy `/);
  });

  it("reads the pull request's version at its merge commit in a job that did not check it out", async () => {
    // The comparing job of a split workflow: no checkout, only the metrics handed over.
    const comparer = await exampleWorkspace();
    await comparer.write('cand.json', JSON.stringify({ accuracy: 0.75 }));
    await comparer.write('base.json', JSON.stringify({ accuracy: 0.8 }));
    standIns.github.commitFiles(MERGE_SHA, { 'models/gates.yaml': LOOSE });
    const result = await run(
      'compare-metrics',
      comparer,
      {
        'model-name': 'churn',
        metrics: 'cand.json',
        baseline: 'base.json',
        gates: 'models/gates.yaml',
      },
      {
        standIns,
        event: { name: 'pull_request', payload: pullRequestEvent({ number: ++prNumber }) },
      },
    );
    expectUserError(result, /churn fails its gates/);
    expect(comment()).toContain(
      '> - ⚠️ this PR loosens `accuracy` max-regression from 0.01 to 0.2',
    );
    expect(
      contentReads()
        .slice(-2)
        .map((entry) => entry.status),
    ).toEqual([200, 200]);
  });

  it("fails clearly without the API rather than trusting the pull request's file", async () => {
    const result = await compare({ comment: 'false' }, { env: { GITHUB_REPOSITORY: '' } });
    expectUserError(
      result,
      /A pull request is judged by its base branch's gate policy "models\/gates.yaml", read through the GitHub API, but GITHUB_REPOSITORY is not set\. .*or set "gates-from: workspace"/,
    );
  });

  it('refuses a gates path that is not a plain path in the repository, before reading anything', async () => {
    const before = contentReads().length;
    expectUserError(
      await compare({ gates: 'models/../models/gates.yaml' }),
      /Input "gates" is "models\/\.\.\/models\/gates\.yaml": "\.\." is not allowed\. It must be a path inside the repository, relative to its root/,
    );
    expectUserError(
      await compare({ gates: '../gates.yaml' }),
      /input "gates": the gate policy "\.\.\/gates\.yaml" is outside the workspace/i,
    );
    expectUserError(await compare({ gates: '.git/config' }), /"gates".*\.git/);
    expect(contentReads().length).toBe(before);
  });
});
