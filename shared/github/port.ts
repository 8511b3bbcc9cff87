/**
 * GitHub as the domain sees it: the operations the suite performs on one repository, named as
 * GitHub names them, with payloads already checked and reduced to the fields that are read.
 * `octokit-port.ts` implements it over the REST API; unit tests pass an in-memory fake.
 *
 * Failures are thrown as GitHub answers them: an error with the HTTP `status` (see
 * `statusOf`) and GitHub's message (a read-only token's write says "Resource not accessible by
 * integration"), so the domain decides what a 403, 404 or 409 means where it is.
 */
import type { Logger } from '../action/runner.js';
import type { Repository } from './client.js';

export interface Deployment {
  id: number;
  /** GitHub's global node ID, by which GraphQL reads many deployments' statuses in one query. */
  nodeId: string;
  sha: string;
  task: string;
  environment: string;
  /** As GitHub returns it: an object, or a JSON string, depending on how it was sent. */
  payload: unknown;
  createdAt: string;
  creator?: string;
}

export interface NewDeploymentRequest {
  /** The commit (full SHA) to deploy. */
  ref: string;
  task: string;
  environment: string;
  payload: unknown;
  description: string;
  productionEnvironment: boolean;
}

type DeploymentState =
  'in_progress' | 'success' | 'failure' | 'error' | 'inactive' | 'queued' | 'pending';

/** What the registry reads of a deployment's statuses. */
export interface DeploymentStatusSummary {
  /** The latest status, if the deployment has any. */
  latest?: { state: string; description: string };
  /** The states of its first 10 statuses, in no particular order (whether it ever succeeded). */
  states: string[];
}

export interface NewDeploymentStatus {
  state: DeploymentState;
  description: string;
  logUrl?: string;
  environmentUrl?: string;
}

export interface ReleaseAsset {
  id: number;
  name: string;
  /** The asset's API URL (what a deployment records as `metricsUrl`). */
  url: string;
}

export interface Release {
  id: number;
  tag: string;
  draft: boolean;
  htmlUrl: string;
  /** GitHub's upload URL template, e.g. `https://uploads.github.com/repos/o/r/releases/1/assets{?name,label}`. */
  uploadUrl: string;
  assets: ReleaseAsset[];
}

export interface NewRelease {
  tag: string;
  targetCommitish: string;
  name: string;
  body: string;
  draft: boolean;
}

export interface IssueComment {
  id: number;
  body: string;
  htmlUrl: string;
  /** The login of the account that wrote it. */
  author?: string;
}

interface PullRequest {
  headSha: string;
  /** owner/name of the repository the pull request is opened against. */
  baseRepository: string;
}

/** One entry of a run's environment review log (GET /actions/runs/{run_id}/approvals). */
export interface RunReview {
  login: string;
  state: string;
  comment?: string;
  environments: string[];
}

/** An issue (never a pull request: the port drops those from GitHub's issue listings). */
export interface Issue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  /** Why it was closed or reopened (`completed`, `not_planned`, `duplicate`, `reopened`), if GitHub says. */
  stateReason?: string;
  labels: string[];
  htmlUrl: string;
  /** The login of the account that opened it. */
  author?: string;
  createdAt: string;
}

interface IssueFilter {
  /** Issues carrying every one of these labels. */
  labels?: string[];
  /** Issues opened by this login. */
  creator?: string;
  state: 'open' | 'closed' | 'all';
}

interface NewIssue {
  title: string;
  body: string;
  /** Labels that do not exist yet are created by GitHub (for a token that may write the repository). */
  labels: string[];
}

interface IssueChange {
  title?: string;
  body?: string;
  state?: 'open' | 'closed';
  /** GitHub ignores it unless `state` changes. */
  stateReason?: 'completed' | 'not_planned' | 'reopened';
  /** Replaces the issue's labels. */
  labels?: string[];
}

interface WorkflowDispatch {
  /** The workflow's file name (`retrain.yml`, no folder) or its numeric id. */
  workflow: string | number;
  /** The branch or tag the workflow runs on. */
  ref: string;
  /** At most 25, each declared under the workflow's `on: workflow_dispatch: inputs:`. */
  inputs: Readonly<Record<string, string>>;
}

/** A run of a workflow, reduced to what the retraining cool-down reads. */
export interface WorkflowRun {
  id: number;
  event: string;
  status?: string;
  htmlUrl: string;
  createdAt: string;
}

/** What GET /contents/{path} answers: a file (base64 unless it is over 1 MB), a folder, or another kind of entry. */
export type RepositoryContent =
  | { type: 'file'; encoding: string; content: string; size: number }
  | { type: 'folder' }
  | { type: string };

/**
 * How a step reaches GitHub: a port for a token and a repository. The entry's step environment
 * connects over the REST API (octokit-port.ts); in-process tests connect to the in-memory fake.
 */
export type GitHubConnector = (
  token: string,
  repository: Repository,
  log: Logger,
) => Promise<GitHubPort>;

export interface GitHubPort {
  readonly repository: Repository;

  /**
   * The account the token writes as, for every kind of token: the GraphQL `viewer` (one
   * request), since `GET /user` refuses installation tokens (the GITHUB_TOKEN and GitHub App
   * tokens) with 403. An App token's account is `<app-slug>[bot]`.
   */
  getAuthenticatedUser(): Promise<string>;

  /**
   * Every deployment matching the filter, newest first, read page by page (100 a page) as it is
   * consumed. Task and sha filters are GitHub's.
   */
  listDeployments(filter: {
    task?: string;
    environment?: string;
    sha?: string;
  }): AsyncIterable<Deployment>;
  /**
   * The statuses of each deployment, by deployment id: one GraphQL query per 100 deployments
   * instead of one REST request each, so that reading a history costs the same with 1 or 50
   * failed promotions in it.
   */
  deploymentStatuses(
    deployments: readonly Deployment[],
  ): Promise<Map<number, DeploymentStatusSummary>>;
  /**
   * Creates a deployment without merging the default branch and without required commit
   * statuses. `retries` bounds automatic retries: a create that failed with a 5xx may still have happened.
   */
  createDeployment(
    deployment: NewDeploymentRequest,
    options?: { retries?: number },
  ): Promise<Deployment>;
  /**
   * Adds a status with `auto_inactive: false`: the suite's success never retires another
   * deployment, so earlier models and the runner's own deployments keep their statuses.
   */
  createDeploymentStatus(deploymentId: number, status: NewDeploymentStatus): Promise<void>;

  /** The published release with this tag (a draft has no tag until it is published), or undefined. */
  getReleaseByTag(tag: string): Promise<Release | undefined>;
  /** Every release, drafts included, newest first. */
  listReleases(): Promise<Release[]>;
  /** `retries` as for createDeployment: a 5xx may come after GitHub created the release. */
  createRelease(release: NewRelease, options?: { retries?: number }): Promise<Release>;
  updateRelease(releaseId: number, change: { draft: boolean }): Promise<Release>;
  uploadReleaseAsset(
    release: Release,
    asset: { name: string; contentType: string; bytes: Buffer },
  ): Promise<ReleaseAsset>;
  /** The bytes of a release asset of this repository. */
  downloadReleaseAsset(assetId: number): Promise<Buffer>;

  /** Every comment of an issue or pull request, oldest first, read page by page (100 a page) as it is consumed. */
  listIssueComments(issueNumber: number): AsyncIterable<IssueComment>;
  getComment(commentId: number): Promise<IssueComment>;
  /** `retries` bounds automatic retries: a create that failed with a 5xx may still have happened. */
  createComment(
    issueNumber: number,
    body: string,
    options?: { retries?: number },
  ): Promise<IssueComment>;
  updateComment(commentId: number, body: string): Promise<IssueComment>;
  deleteComment(commentId: number): Promise<void>;

  /**
   * Every issue matching the filter, newest first (GitHub's sort=created, direction=desc), read
   * page by page (100 a page) as it is consumed. GitHub's listing holds pull requests too; the
   * port leaves them out.
   */
  listIssues(filter: IssueFilter): AsyncIterable<Issue>;
  /** `retries` as for createComment: a 5xx may come after GitHub opened the issue. */
  createIssue(issue: NewIssue, options?: { retries?: number }): Promise<Issue>;
  /** Changes only the fields given; closing or reopening is a `state` with its `stateReason`. */
  updateIssue(issueNumber: number, change: IssueChange): Promise<Issue>;

  /**
   * Starts a workflow run (POST .../actions/workflows/{workflow}/dispatches, answered 204). GitHub
   * refuses a workflow it does not know (404), and a workflow without a `workflow_dispatch`
   * trigger, inputs the workflow does not declare or a ref it cannot find (422).
   */
  dispatchWorkflow(dispatch: WorkflowDispatch): Promise<void>;
  /**
   * The runs of a workflow started by `event` and created at or after `createdSince` (GitHub's
   * `created=>=YYYY-MM-DDTHH:MM:SSZ`, to the second), newest first, read page by page (100 a
   * page) as they are consumed.
   */
  listWorkflowRuns(filter: {
    workflow: string | number;
    event: 'workflow_dispatch';
    createdSince: Date;
  }): AsyncIterable<WorkflowRun>;

  /** The pull request, or undefined when the repository has no such pull request. */
  getPullRequest(number: number): Promise<PullRequest | undefined>;
  /** A path at a commit; a missing path or commit is thrown as GitHub answers it (404). */
  getRepositoryContent(path: string, ref: string): Promise<RepositoryContent>;
  /** The environment review log of a workflow run, oldest first. */
  listRunApprovals(runId: number): Promise<RunReview[]>;
}

/** A repository of an owner, as the fleet view lists them. */
export interface OwnedRepository {
  /** `owner/name`. */
  fullName: string;
  htmlUrl: string;
  archived: boolean;
  fork: boolean;
}

/**
 * GitHub beyond one repository, for the fleet view: the repositories of an owner, whether a
 * model's owner still belongs, and a port onto each repository over the same client (one rate
 * limit, one set of counters, one cache of conditional requests).
 */
export interface GitHubAccounts {
  /** The token's account (GraphQL `viewer`), which keys the cache of conditional requests. */
  viewer(): Promise<string>;
  port(repository: Repository): GitHubPort;
  /**
   * Every repository of an organisation (GET /orgs/{org}/repos) or, when `owner` is a user, of
   * that user (GET /users/{username}/repos), read page by page.
   */
  listRepositories(owner: string): AsyncIterable<OwnedRepository>;
  /**
   * Whether `login` is a collaborator of the repository (GET …/collaborators/{username}: 204 or
   * 404); undefined when the token may not ask (403).
   */
  isCollaborator(repository: Repository, login: string): Promise<boolean | undefined>;
  /** Whether the team `@org/slug` still exists (GET /orgs/{org}/teams/{slug}); undefined when the token may not ask. */
  teamExists(org: string, slug: string): Promise<boolean | undefined>;
  /** What was asked so far: REST and GraphQL requests, 304s. */
  counts(): { rest: number; graphql: number; notModified: number };
}
