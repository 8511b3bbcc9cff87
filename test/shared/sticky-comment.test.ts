/**
 * Two compare-metrics steps writing their own sections of one comment at the same moment,
 * made deterministic with the REST stand-in: another writer moves right after this one.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { composeComment, holdsSection, mergeSection, parseSections, type Section } from '../../shared/comparison/comment.js';
import { createGitHubClient } from '../../shared/github/client.js';
import { upsertStickyComment, type StickyContent } from '../../shared/github/sticky-comment.js';
import { recordingRunner } from '../helpers/recording-runner.js';
import { GitHubApiStandIn, OWNER, REPO } from '../../harness/stand-ins/github-api.js';

const github = await new GitHubApiStandIn().start();
afterAll(() => github.stop());
const log = recordingRunner();
const client = await createGitHubClient(GitHubApiStandIn.READ_WRITE_TOKEN, log, { GITHUB_API_URL: github.url });
const MARKER = '<!-- mlops-actions:compare-metrics -->';

let issue = 500;
beforeEach(() => {
  issue++;
  github.afterReply = undefined;
});
const target = () => ({ owner: OWNER, repo: REPO, issueNumber: issue, marker: MARKER });
const section = (model: string, body: string): Section => ({ model, meta: { verdict: 'pass' }, body });
const writing = (own: Section): StickyContent => ({ compose: (existing) => mergeSection(existing, own), holds: (body) => holdsSection(body, own) });
const bodies = () => (github.comments.get(issue) ?? []).map((c) => c.body as string);

async function seed(body: string) {
  await client.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: issue, body });
}

describe('sections written concurrently', () => {
  it('writes its section again when another writer overwrote it', async () => {
    await seed(composeComment([section('churn', 'churn v1'), section('fraud', 'fraud v1')]));
    // The fraud job read the comment before our write and writes after it: our section is lost.
    github.afterReply = (entry) => {
      if (entry.method !== 'PATCH') return;
      github.afterReply = undefined;
      github.comments.get(issue)![0]!.body = composeComment([section('churn', 'churn v1'), section('fraud', 'fraud v2')]);
    };
    const before = github.log.length;
    const result = await upsertStickyComment(client, target(), writing(section('churn', 'churn v2')), log);
    expect(result.status).toBe('updated');
    expect(parseSections(bodies()[0]!).map((s) => s.body)).toEqual(['churn v2', 'fraud v2']);
    expect(github.log.slice(before).map((e) => `${e.method} ${e.operation}`)).toEqual([
      'GET /user',
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
      'GET /repos/{owner}/{repo}/issues/comments/{comment_id}',
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
      'GET /repos/{owner}/{repo}/issues/comments/{comment_id}',
    ]);
  });

  it('gives up after 3 writes against a writer that never stops, and says so', async () => {
    await seed(composeComment([section('fraud', 'fraud v1')]));
    github.afterReply = (entry) => {
      if (entry.method === 'PATCH') github.comments.get(issue)![0]!.body = composeComment([section('fraud', `fraud ${Date.now()}`)]);
    };
    const result = await upsertStickyComment(client, target(), writing(section('churn', 'churn v1')), log);
    expect(result.status).toBe('updated');
    expect(github.log.filter((e) => e.method === 'PATCH').length).toBeGreaterThanOrEqual(3);
    expect(log.log.map((e) => e.message).join('\n')).toMatch(/could not be confirmed after 3 writes/);
  });

  it('moves its section into the older comment when both writers created one', async () => {
    // The fraud job created its comment just before ours was created.
    github.afterReply = (entry) => {
      if (entry.method !== 'POST') return;
      github.afterReply = undefined;
      const ours = github.comments.get(issue)![0]!;
      github.comments.set(issue, [{ ...structuredClone(ours), id: ours.id - 500, html_url: `${ours.html_url}-older`, body: composeComment([section('fraud', 'fraud v1')]) }, ours]);
    };
    const result = await upsertStickyComment(client, target(), writing(section('churn', 'churn v1')), log);
    expect(bodies()).toHaveLength(1);
    expect(parseSections(bodies()[0]!).map((s) => s.model)).toEqual(['churn', 'fraud']);
    expect(result).toEqual({ status: 'updated', url: github.comments.get(issue)![0]!.html_url });
  });
});
