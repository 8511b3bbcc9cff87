/**
 * The GitHub port over the REST API (Octokit, with the retries, throttling and pagination of
 * client.ts). The only module that knows GitHub's wire shapes; everything it returns is reduced
 * to the port's types, and the answers the suite relies on field by field are checked with zod.
 */
import { z } from 'zod';
import type { Logger } from '../action/runner.js';
import { createGitHubClient, statusOf, type GitHubClient, type Repository } from './client.js';
import { watchRequests, type ResponseCache } from './conditional-requests.js';
import type {
  Deployment,
  DeploymentStatusSummary,
  GitHubAccounts,
  GitHubPort,
  Issue,
  IssueComment,
  Release,
  RepositoryContent,
  RunReview,
  WorkflowRun,
} from './port.js';

export async function createOctokitPort(
  token: string,
  repository: Repository,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GitHubPort> {
  return octokitPort(await createGitHubClient(token, log, env), repository);
}

/**
 * GitHub across repositories, over one client that only reads: its conditional requests
 * remembered in `cache` (when given), every request counted, any write refused.
 */
export async function createOctokitAccounts(
  token: string,
  log: Logger,
  options: { cache?: ResponseCache; env?: NodeJS.ProcessEnv } = {},
): Promise<GitHubAccounts> {
  const client = await createGitHubClient(token, log, options.env, { readOnly: true });
  const counts = watchRequests(client, options.cache, { readOnly: true });
  const membership = (ask: Promise<unknown>) =>
    ask.then(
      () => true,
      (error: unknown) => {
        if (statusOf(error) === 404) return false;
        if (statusOf(error) === 403) return undefined;
        throw error;
      },
    );
  return {
    viewer: async () => viewerAnswer.parse(await client.graphql(VIEWER_QUERY)).viewer.login,
    port: (repository) => octokitPort(client, repository),
    async *listRepositories(owner) {
      const { data: account } = await client.rest.users.getByUsername({ username: owner });
      const pages =
        account.type === 'Organization'
          ? client.paginate.iterator(client.rest.repos.listForOrg, {
              org: owner,
              type: 'all',
              per_page: 100,
            })
          : client.paginate.iterator(client.rest.repos.listForUser, {
              username: owner,
              type: 'owner',
              per_page: 100,
            });
      for await (const page of pages)
        for (const r of page.data)
          yield {
            fullName: r.full_name,
            htmlUrl: r.html_url,
            archived: r.archived ?? false,
            fork: r.fork,
          };
    },
    isCollaborator: (repository, login) =>
      membership(client.rest.repos.checkCollaborator({ ...repository, username: login })),
    teamExists: (org, slug) => membership(client.rest.teams.getByName({ org, team_slug: slug })),
    counts: () => ({ ...counts }),
  };
}

/** What GitHub answers for GET /actions/runs/{run_id}/approvals, reduced to what is recorded. */
const reviewLogEntry = z.object({
  state: z.string(),
  comment: z.string().nullish(),
  user: z.object({ login: z.string() }),
  environments: z.array(z.object({ name: z.string().optional() })),
});

const fileEntry = z.object({
  type: z.literal('file'),
  encoding: z.string(),
  content: z.string(),
  size: z.number(),
});
const otherEntry = z.object({ type: z.string() });

interface RawDeployment {
  id: number | bigint;
  node_id: string;
  sha: string;
  task: string;
  environment: string;
  payload: unknown;
  created_at: string;
  creator?: { login: string } | null;
}
interface RawRelease {
  id: number;
  tag_name: string;
  draft: boolean;
  html_url: string;
  upload_url: string;
  assets: { id: number; name: string; url: string }[];
}
interface RawComment {
  id: number | bigint;
  body?: string;
  html_url: string;
  user?: { login: string } | null;
}

interface RawIssue {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  state_reason?: string | null;
  labels: (string | { name?: string })[];
  html_url: string;
  user?: { login: string } | null;
  created_at: string;
  pull_request?: unknown;
}
interface RawWorkflowRun {
  id: number;
  event: string;
  status?: string | null;
  html_url: string;
  created_at: string;
}

const deployment = (d: RawDeployment): Deployment => ({
  id: Number(d.id),
  nodeId: d.node_id,
  sha: d.sha,
  task: d.task,
  environment: d.environment,
  payload: d.payload,
  createdAt: d.created_at,
  creator: d.creator?.login,
});
const release = (r: RawRelease): Release => ({
  id: r.id,
  tag: r.tag_name,
  draft: r.draft,
  htmlUrl: r.html_url,
  uploadUrl: r.upload_url,
  assets: r.assets.map(({ id, name, url }) => ({ id, name, url })),
});
const comment = (c: RawComment): IssueComment => ({
  id: Number(c.id),
  body: c.body ?? '',
  htmlUrl: c.html_url,
  author: c.user?.login,
});

const issue = (i: RawIssue): Issue => ({
  number: i.number,
  title: i.title,
  body: i.body ?? '',
  state: i.state === 'closed' ? 'closed' : 'open',
  ...(i.state_reason ? { stateReason: i.state_reason } : {}),
  labels: i.labels.flatMap((label) =>
    typeof label === 'string' ? [label] : label.name ? [label.name] : [],
  ),
  htmlUrl: i.html_url,
  author: i.user?.login,
  createdAt: i.created_at,
});
const workflowRun = (r: RawWorkflowRun): WorkflowRun => ({
  id: r.id,
  event: r.event,
  ...(r.status ? { status: r.status } : {}),
  htmlUrl: r.html_url,
  createdAt: r.created_at,
});

/** GitHub's date qualifier wants `YYYY-MM-DDTHH:MM:SSZ`: the time to the second, rounded down (a wider window, never a narrower one). */
const toTheSecond = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The token's account: GraphQL's viewer answers for installation tokens, which GET /user refuses. */
const VIEWER_QUERY = 'query { viewer { login } }';
const viewerAnswer = z.object({ viewer: z.object({ login: z.string().min(1) }) });

/** GraphQL's `nodes` takes at most 100 IDs a query. */
const NODES_PER_QUERY = 100;
const STATUSES_QUERY = `query DeploymentStatuses($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Deployment {
      databaseId
      latestStatus { state description }
      statuses(first: 10) { nodes { state } }
    }
  }
}`;
const statusesAnswer = z.object({
  nodes: z.array(
    z
      .object({
        databaseId: z.number().nullish(),
        latestStatus: z.object({ state: z.string(), description: z.string().nullish() }).nullish(),
        statuses: z
          .object({ nodes: z.array(z.object({ state: z.string() }).nullable()) })
          .nullish(),
      })
      .nullable(),
  ),
});

function statusSummary(
  node: NonNullable<z.output<typeof statusesAnswer>['nodes'][number]>,
): DeploymentStatusSummary {
  // GraphQL spells states in capitals (SUCCESS); REST and the port in lower case.
  const latest = node.latestStatus
    ? {
        state: node.latestStatus.state.toLowerCase(),
        description: node.latestStatus.description ?? '',
      }
    : undefined;
  const states = (node.statuses?.nodes ?? []).flatMap((status) =>
    status ? [status.state.toLowerCase()] : [],
  );
  return { ...(latest ? { latest } : {}), states };
}

/** Octokit's per-request retry bound, when the caller sets one (creates that must not happen twice). */
const retries = (options: { retries?: number }) =>
  options.retries === undefined ? {} : { request: { retries: options.retries } };

const undefinedOn404 = (error: unknown): undefined => {
  if (statusOf(error) === 404) return undefined;
  throw error;
};

function octokitPort(client: GitHubClient, repository: Repository): GitHubPort {
  const repo = repository;
  return {
    repository,

    async getAuthenticatedUser() {
      return viewerAnswer.parse(await client.graphql(VIEWER_QUERY)).viewer.login;
    },

    async *listDeployments(filter) {
      const pages = client.paginate.iterator(client.rest.repos.listDeployments, {
        ...repo,
        ...filter,
        per_page: 100,
      });
      for await (const page of pages) for (const d of page.data) yield deployment(d);
    },
    async deploymentStatuses(deployments) {
      const summaries = new Map<number, DeploymentStatusSummary>();
      for (let start = 0; start < deployments.length; start += NODES_PER_QUERY) {
        const batch = deployments.slice(start, start + NODES_PER_QUERY);
        const answer = statusesAnswer.parse(
          await client.graphql(STATUSES_QUERY, { ids: batch.map((d) => d.nodeId) }),
        );
        for (const node of answer.nodes) {
          if (typeof node?.databaseId === 'number')
            summaries.set(node.databaseId, statusSummary(node));
        }
      }
      return summaries;
    },
    async createDeployment(request, options = {}) {
      const response = await client.rest.repos.createDeployment({
        ...retries(options),
        ...repo,
        ref: request.ref,
        task: request.task,
        environment: request.environment,
        payload: request.payload as Record<string, unknown>,
        description: request.description,
        // GitHub would otherwise merge the default branch into the ref instead of deploying.
        auto_merge: false,
        // Omitting the field requires every commit status to pass; the gates are checked by the action.
        required_contexts: [],
        transient_environment: false,
        production_environment: request.productionEnvironment,
      });
      if (response.status !== 201 || !('id' in response.data)) {
        throw new Error(
          `GitHub answered ${response.status} without creating a deployment: ${JSON.stringify(response.data)}`,
        );
      }
      return deployment(response.data);
    },
    async createDeploymentStatus(deploymentId, status) {
      await client.rest.repos.createDeploymentStatus({
        ...repo,
        deployment_id: deploymentId,
        state: status.state,
        description: status.description,
        ...(status.logUrl ? { log_url: status.logUrl } : {}),
        ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
        // The suite's success retires nothing: earlier models (rollbacks, history) and the
        // deployments GitHub records for jobs keep their statuses.
        auto_inactive: false,
      });
    },

    async getReleaseByTag(tag) {
      return client.rest.repos
        .getReleaseByTag({ ...repo, tag })
        .then(({ data }) => release(data), undefinedOn404);
    },
    async listReleases() {
      return (
        await client.paginate(client.rest.repos.listReleases, { ...repo, per_page: 100 })
      ).map(release);
    },
    async createRelease(request, options = {}) {
      const { data } = await client.rest.repos.createRelease({
        ...repo,
        ...retries(options),
        tag_name: request.tag,
        target_commitish: request.targetCommitish,
        name: request.name,
        body: request.body,
        draft: request.draft,
      });
      return release(data);
    },
    async updateRelease(releaseId, change) {
      return release(
        (
          await client.rest.repos.updateRelease({
            ...repo,
            release_id: releaseId,
            draft: change.draft,
          })
        ).data,
      );
    },
    async uploadReleaseAsset(target, asset) {
      const { data } = await client.rest.repos.uploadReleaseAsset({
        ...repo,
        release_id: target.id,
        name: asset.name,
        data: asset.bytes as unknown as string,
        headers: { 'content-type': asset.contentType, 'content-length': asset.bytes.length },
        // Uploads go to the host of the release's upload URL (uploads.github.com on github.com).
        baseUrl: new URL(target.uploadUrl.replace(/\{.*\}$/, '')).origin,
      });
      return { id: data.id, name: data.name, url: data.url };
    },
    async downloadReleaseAsset(assetId) {
      const { data } = await client.rest.repos.getReleaseAsset({
        ...repo,
        asset_id: assetId,
        headers: { accept: 'application/octet-stream' },
      });
      return Buffer.from(data as unknown as ArrayBuffer);
    },

    async *listIssueComments(issueNumber) {
      const pages = client.paginate.iterator(client.rest.issues.listComments, {
        ...repo,
        issue_number: issueNumber,
        per_page: 100,
      });
      for await (const page of pages) for (const c of page.data) yield comment(c);
    },
    async getComment(commentId) {
      return comment(
        (await client.rest.issues.getComment({ ...repo, comment_id: commentId })).data,
      );
    },
    async createComment(issueNumber, body, options = {}) {
      return comment(
        (
          await client.rest.issues.createComment({
            ...repo,
            issue_number: issueNumber,
            body,
            ...retries(options),
          })
        ).data,
      );
    },
    async updateComment(commentId, body) {
      return comment(
        (await client.rest.issues.updateComment({ ...repo, comment_id: commentId, body })).data,
      );
    },
    async deleteComment(commentId) {
      await client.rest.issues.deleteComment({ ...repo, comment_id: commentId });
    },

    async *listIssues(filter) {
      const pages = client.paginate.iterator(client.rest.issues.listForRepo, {
        ...repo,
        state: filter.state,
        ...(filter.labels?.length ? { labels: filter.labels.join(',') } : {}),
        ...(filter.creator ? { creator: filter.creator } : {}),
        sort: 'created',
        direction: 'desc',
        per_page: 100,
      });
      // The issues API lists pull requests as issues too; they carry `pull_request`.
      for await (const page of pages)
        for (const i of page.data) if (!i.pull_request) yield issue(i);
    },
    async createIssue(request, options = {}) {
      const { data } = await client.rest.issues.create({
        ...repo,
        ...retries(options),
        title: request.title,
        body: request.body,
        labels: request.labels,
      });
      return issue(data);
    },
    async updateIssue(issueNumber, change) {
      const { data } = await client.rest.issues.update({
        ...repo,
        issue_number: issueNumber,
        ...(change.title !== undefined ? { title: change.title } : {}),
        ...(change.body !== undefined ? { body: change.body } : {}),
        ...(change.state ? { state: change.state } : {}),
        ...(change.stateReason ? { state_reason: change.stateReason } : {}),
        ...(change.labels ? { labels: change.labels } : {}),
      });
      return issue(data);
    },

    async dispatchWorkflow(dispatch) {
      await client.rest.actions.createWorkflowDispatch({
        ...repo,
        workflow_id: dispatch.workflow,
        ref: dispatch.ref,
        inputs: { ...dispatch.inputs },
        // A dispatch that failed with a 5xx may have started the run: never sent twice.
        request: { retries: 0 },
      });
    },
    async *listWorkflowRuns(filter) {
      const pages = client.paginate.iterator(client.rest.actions.listWorkflowRuns, {
        ...repo,
        workflow_id: filter.workflow,
        event: filter.event,
        created: `>=${toTheSecond(filter.createdSince)}`,
        per_page: 100,
      });
      for await (const page of pages) for (const r of page.data) yield workflowRun(r);
    },

    async getPullRequest(number) {
      return client.rest.pulls
        .get({ ...repo, pull_number: number })
        .then(
          ({ data }) => ({ headSha: data.head.sha, baseRepository: data.base.repo.full_name }),
          undefinedOn404,
        );
    },
    async getRepositoryContent(path, ref): Promise<RepositoryContent> {
      const { data } = await client.rest.repos.getContent({ ...repo, path, ref });
      if (Array.isArray(data)) return { type: 'folder' };
      const file = fileEntry.safeParse(data);
      if (file.success) return file.data;
      const other = otherEntry.safeParse(data);
      return { type: other.success ? other.data.type : 'entry' };
    },
    async listRunApprovals(runId): Promise<RunReview[]> {
      const { data } = await client.rest.actions.getReviewsForRun({ ...repo, run_id: runId });
      return z
        .array(reviewLogEntry)
        .parse(data)
        .map((entry) => ({
          login: entry.user.login,
          state: entry.state,
          ...(entry.comment ? { comment: entry.comment } : {}),
          environments: entry.environments.flatMap((env) =>
            env.name === undefined ? [] : [env.name],
          ),
        }));
    },
  };
}
