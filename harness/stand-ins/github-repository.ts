/**
 * One repository of the GitHub REST stand-in: its deployments and their statuses, releases and
 * their assets, issues, labels, comments, files, workflows and runs, collaborators. The stand-in
 * (github-api.ts) routes `/repos/{owner}/{repo}/...` to one of these; ids come from the
 * stand-in's one counter, so they are unique across repositories as on GitHub.
 *
 * Deployments, statuses, releases and assets are kept as compact records and turned into
 * GitHub's JSON only when answered: a fleet of 100,000 seeded deployments then costs tens of
 * megabytes, not gigabytes of repeated URLs and user objects. Lookups a listing needs (task,
 * environment, sha; a tag) are indexed per repository.
 */
import { example } from './openapi.js';

const DEFAULT_BRANCH = 'main';

/** What a repository needs from the stand-in that holds it. */
export interface RepositoryHost {
  /** The next id of the stand-in's one counter. */
  id(): number;
  /** The stand-in's base URL (known once it listens). */
  url(): string;
  /** The stand-in's clock, which a test may set. */
  now(): Date;
  /** A user as GitHub embeds one (simple-user), shared between answers. */
  user(login: string): Record<string, any>;
  /** Registers a deployment or an asset for lookups by id across repositories. */
  indexDeployment(deployment: DeploymentRecord, repository: StandInRepository): void;
  indexAsset(asset: AssetRecord, release: ReleaseRecord, repository: StandInRepository): void;
}

export interface RepositoryOptions {
  private?: boolean;
  archived?: boolean;
  fork?: boolean;
  description?: string | null;
  defaultBranch?: string;
  pushedAt?: string | Date;
  createdAt?: string | Date;
  /** Collaborators added directly (GET .../collaborators/{username} answers 204 for them). */
  collaborators?: string[];
}

/** A workflow of the repository, as seedWorkflow records it. */
export interface StandInWorkflow {
  id: number;
  /** `.github/workflows/<file>`: GitHub also finds a workflow by its file name. */
  path: string;
  name: string;
  /** The inputs of its `on: workflow_dispatch:`; undefined when it has no such trigger. */
  dispatchInputs?: string[];
}

export interface StatusRecord {
  id: number;
  state: string;
  description: string;
  environment: string;
  logUrl: string;
  environmentUrl?: string;
  creator: string;
  createdAt: string;
}

export interface DeploymentRecord {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  payload: unknown;
  description: string;
  transient: boolean;
  production: boolean;
  creator: string;
  createdAt: string;
  /** Oldest first (REST lists them newest first). */
  statuses: StatusRecord[];
}

export interface AssetRecord {
  id: number;
  name: string;
  label: string;
  contentType: string;
  bytes: Buffer;
  uploader: string;
  createdAt: string;
}

export interface ReleaseRecord {
  id: number;
  tag: string;
  target: string;
  name: string;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  author: string;
  createdAt: string;
  publishedAt: string | null;
  assets: AssetRecord[];
}

/** A deployment status to seed: GitHub's fields, in camelCase. */
interface SeedStatus {
  state: string;
  description?: string;
  createdAt?: string | Date;
  creator?: string;
  logUrl?: string;
  environmentUrl?: string;
  environment?: string;
}

/** A deployment to seed without HTTP, with its statuses oldest first. */
export interface SeedDeployment {
  sha: string;
  ref?: string;
  task?: string;
  environment?: string;
  payload?: unknown;
  description?: string;
  creator?: string;
  createdAt?: string | Date;
  transientEnvironment?: boolean;
  productionEnvironment?: boolean;
  statuses?: SeedStatus[];
}

/** A release to seed without HTTP, with its assets. */
export interface SeedRelease {
  tag: string;
  target?: string;
  name?: string;
  body?: string | null;
  draft?: boolean;
  prerelease?: boolean;
  author?: string;
  createdAt?: string | Date;
  assets?: { name: string; bytes: Buffer | string; label?: string; contentType?: string }[];
}

/** An issue to seed without HTTP (another account's issue, a closed one, a page of fillers). */
export interface SeedIssue {
  title: string;
  body?: string;
  labels?: string[];
  login?: string;
  state?: 'open' | 'closed';
  stateReason?: 'completed' | 'not_planned' | 'reopened' | 'duplicate';
  pullRequest?: boolean;
  createdAt?: Date;
}

const iso = (value: string | Date | undefined, fallback: () => Date): string =>
  value === undefined
    ? fallback().toISOString()
    : typeof value === 'string'
      ? new Date(value).toISOString()
      : value.toISOString();

/** The description's examples, copied once: every answer spreads them. */
let templates:
  | {
      deployment: Record<string, any>;
      status: Record<string, any>;
      release: Record<string, any>;
      asset: Record<string, any>;
    }
  | undefined;
function template() {
  if (!templates) {
    const { environment_url: _unset, ...status } = example('deployment-status');
    templates = {
      deployment: example('deployment'),
      status,
      release: example('release'),
      asset: example('release-asset'),
    };
  }
  return templates;
}

/** Appends to the list under `key`, creating it. */
function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export class StandInRepository {
  readonly owner: string;
  readonly name: string;
  readonly private: boolean;
  readonly archived: boolean;
  readonly fork: boolean;
  readonly description: string | null;
  readonly defaultBranch: string;
  readonly createdAt: string;
  pushedAt: string;
  /** The repository's id (GitHub's numeric id), from the stand-in's counter. */
  readonly id: number;

  /** Direct collaborators (lower-cased logins); org owners and teams are asked of the stand-in. */
  readonly collaborators = new Set<string>();
  /** Teams (slugs) of the owning organisation given access to this repository. */
  readonly teams = new Set<string>();

  /** Issue and pull-request comments, by issue number. */
  readonly comments = new Map<number, Record<string, any>[]>();
  /** Deployments in the order they were made (ids ascending). */
  readonly deploymentRecords: DeploymentRecord[] = [];
  readonly environments = new Set<string>(['staging', 'production']);
  readonly releaseRecords: ReleaseRecord[] = [];
  /** Commit-status contexts per sha: context → state. */
  readonly commitStatuses = new Map<string, Record<string, string>>();
  /** Refs that are behind the default branch: deploying them with auto_merge merges instead. */
  readonly refsBehindDefault = new Set<string>();
  /** The environment review log of each workflow run: who approved or rejected which environments. */
  readonly runReviews = new Map<
    number,
    { login: string; state: 'approved' | 'rejected'; comment: string; environments: string[] }[]
  >();
  /** Open pull requests by number: the head commit GitHub reports for them. */
  readonly pullRequests = new Map<number, { headSha: string }>();
  /** The repository's files by commit sha (or branch name): what GET .../contents/{path}?ref= serves. */
  readonly files = new Map<string, Map<string, string | Buffer>>();
  /** Workflow runs (GITHUB_RUN_ID) → the results-service run whose artifacts they hold. */
  readonly workflowRuns = new Map<number, string>();
  /**
   * Issues, and pull requests as the issues API lists them (with `pull_request`), in the order
   * they were opened; numbers are shared with `pullRequests`, as on GitHub.
   */
  readonly issues: Record<string, any>[] = [];
  /** The repository's labels by lower-cased name: GitHub creates one when an issue names a new one. */
  readonly labels = new Map<string, Record<string, any>>();
  /** Branches and tags a workflow may be dispatched on (besides the refs of `files`). */
  readonly branches: Set<string>;
  /** The repository's workflows (seedWorkflow). */
  readonly workflows: StandInWorkflow[] = [];
  /** The runs of those workflows, oldest first: dispatched through the API, or seeded. */
  readonly runs: Record<string, any>[] = [];

  // Indexes of the deployment listing's filters, each list in id order.
  private readonly byTask = new Map<string, DeploymentRecord[]>();
  private readonly byEnvironment = new Map<string, DeploymentRecord[]>();
  private readonly bySha = new Map<string, DeploymentRecord[]>();
  private readonly releasesByTag = new Map<string, ReleaseRecord>();
  /** Issues of pull requests never recorded as issues, made once so their ids stay put. */
  private readonly pullRequestIssues = new Map<number, Record<string, any>>();
  private maxIssueNumber = 0;

  constructor(
    private readonly host: RepositoryHost,
    fullName: string,
    options: RepositoryOptions = {},
  ) {
    const [owner, name, ...rest] = fullName.split('/');
    if (!owner || !name || rest.length)
      throw new Error(`A repository is named owner/name, not "${fullName}"`);
    this.owner = owner;
    this.name = name;
    this.id = host.id();
    this.private = options.private ?? false;
    this.archived = options.archived ?? false;
    this.fork = options.fork ?? false;
    this.description = options.description ?? null;
    this.defaultBranch = options.defaultBranch ?? DEFAULT_BRANCH;
    this.branches = new Set([this.defaultBranch]);
    this.createdAt = iso(options.createdAt, () => host.now());
    this.pushedAt = iso(options.pushedAt, () => new Date(this.createdAt));
    for (const login of options.collaborators ?? []) this.addCollaborator(login);
  }

  get fullName(): string {
    return `${this.owner}/${this.name}`;
  }

  /** The REST URL of `path` under this repository. */
  apiUrl(path: string): string {
    return `${this.host.url()}/repos/${this.owner}/${this.name}${path}`;
  }

  htmlUrl(path = ''): string {
    return `https://github.com/${this.owner}/${this.name}${path}`;
  }

  addCollaborator(login: string): this {
    this.collaborators.add(login.toLowerCase());
    return this;
  }

  // --- seeding ------------------------------------------------------------------------------

  /**
   * Records the files of a commit (or a branch), e.g. the base branch's gate policy at a pull
   * request's base sha. Paths are relative to the repository's root, with "/". Adds to what the
   * commit already holds.
   */
  commitFiles(ref: string, files: Record<string, string | Buffer>): void {
    const tree = this.files.get(ref) ?? new Map<string, string | Buffer>();
    for (const [path, content] of Object.entries(files)) tree.set(path, content);
    this.files.set(ref, tree);
  }

  /**
   * Records a workflow file. `dispatchInputs` are the inputs of its `on: workflow_dispatch:`;
   * without them it has no such trigger (a dispatch is refused with 422).
   */
  seedWorkflow(workflow: { path: string; name?: string; dispatchInputs?: string[] }): number {
    const id = this.host.id();
    this.workflows.push({
      id,
      path: workflow.path,
      name:
        workflow.name ??
        workflow.path
          .split('/')
          .pop()!
          .replace(/\.ya?ml$/, ''),
      ...(workflow.dispatchInputs ? { dispatchInputs: [...workflow.dispatchInputs] } : {}),
    });
    return id;
  }

  /** Records a run of a seeded workflow (an earlier dispatch, a scheduled run) at `createdAt`. */
  seedWorkflowRun(run: {
    workflow: string | number;
    event: string;
    createdAt: Date;
    login?: string;
  }): Record<string, any> {
    const workflow = this.workflowOf(String(run.workflow));
    if (!workflow) throw new Error(`The stand-in has no workflow ${run.workflow}`);
    return this.recordRun(workflow, run.event, run.createdAt, run.login ?? 'octocat');
  }

  /** Records an issue as if it had been opened over the API, or a pull request as the issues API lists it. */
  seedIssue(input: SeedIssue): Record<string, any> {
    const issue = this.newIssue(
      {
        title: input.title,
        body: input.body ?? null,
        labels: input.labels ?? [],
        pullRequest: input.pullRequest ?? false,
      },
      input.login ?? 'octocat',
      input.createdAt ?? this.host.now(),
    );
    if (input.state === 'closed')
      this.changeState(issue, 'closed', input.stateReason ?? 'completed', 'octocat');
    this.addIssue(issue);
    return issue;
  }

  /**
   * Records a deployment and its statuses (oldest first) without HTTP and without GitHub's
   * auto_inactive rule: a fleet's history as it stands. Returns the deployment's id.
   */
  addDeployment(input: SeedDeployment): number {
    const deployment = this.recordDeployment(
      {
        ref: input.ref ?? input.sha,
        sha: input.sha,
        task: input.task,
        environment: input.environment,
        payload: input.payload,
        description: input.description,
        transient_environment: input.transientEnvironment,
        production_environment: input.productionEnvironment,
      },
      input.creator ?? 'github-actions[bot]',
      input.createdAt,
    );
    for (const status of input.statuses ?? [])
      deployment.statuses.push({
        id: this.host.id(),
        state: status.state,
        description: status.description ?? '',
        environment: status.environment ?? deployment.environment,
        logUrl: status.logUrl ?? '',
        ...(status.environmentUrl ? { environmentUrl: status.environmentUrl } : {}),
        creator: status.creator ?? deployment.creator,
        // The deployment's own string when not given: 200,000 statuses need not hold 200,000 copies.
        createdAt:
          status.createdAt === undefined
            ? deployment.createdAt
            : iso(status.createdAt, () => new Date()),
      });
    return deployment.id;
  }

  /** Records a release and its assets without HTTP. Returns the release's record. */
  addRelease(input: SeedRelease): ReleaseRecord {
    if (this.releasesByTag.has(input.tag))
      throw new Error(`${this.fullName} already has a release ${input.tag}`);
    const createdAt = iso(input.createdAt, () => this.host.now());
    const release = this.recordRelease(
      {
        tag_name: input.tag,
        target_commitish: input.target,
        name: input.name,
        body: input.body,
        draft: input.draft,
        prerelease: input.prerelease,
      },
      input.author ?? 'github-actions[bot]',
      createdAt,
    );
    for (const asset of input.assets ?? [])
      this.recordAsset(release, {
        name: asset.name,
        label: asset.label ?? '',
        contentType: asset.contentType ?? 'application/octet-stream',
        bytes: Buffer.isBuffer(asset.bytes) ? asset.bytes : Buffer.from(asset.bytes),
        uploader: release.author,
        createdAt,
      });
    return release;
  }

  // --- deployments ----------------------------------------------------------------------------

  recordDeployment(
    input: Record<string, any>,
    login: string,
    createdAt?: string | Date,
  ): DeploymentRecord {
    const environment: string = input.environment ?? 'production';
    const deployment: DeploymentRecord = {
      id: this.host.id(),
      sha: input.sha ?? input.ref,
      ref: input.ref,
      task: input.task ?? 'deploy',
      environment,
      payload: input.payload ?? {},
      description: input.description ?? '',
      transient: input.transient_environment ?? false,
      production: input.production_environment ?? environment === 'production',
      creator: login,
      createdAt: iso(createdAt, () => new Date()),
      statuses: [],
    };
    this.deploymentRecords.push(deployment);
    push(this.byTask, deployment.task, deployment);
    push(this.byEnvironment, deployment.environment, deployment);
    push(this.bySha, deployment.sha, deployment);
    this.host.indexDeployment(deployment, this);
    return deployment;
  }

  /**
   * The deployments matching GitHub's listing filters (sha, ref, task, environment), newest
   * first. Starts from the smallest index list a filter names (task, environment, sha; a ref
   * is mostly its sha), so a page costs what that filter matches, not every deployment of the
   * repository.
   */
  findDeployments(filters: {
    sha?: string;
    ref?: string;
    task?: string;
    environment?: string;
  }): DeploymentRecord[] {
    const indexed = [
      filters.task === undefined ? undefined : (this.byTask.get(filters.task) ?? []),
      filters.environment === undefined
        ? undefined
        : (this.byEnvironment.get(filters.environment) ?? []),
      filters.sha === undefined ? undefined : (this.bySha.get(filters.sha) ?? []),
    ].filter((list): list is DeploymentRecord[] => list !== undefined);
    const start = indexed.reduce<DeploymentRecord[]>(
      (smallest, list) => (list.length < smallest.length ? list : smallest),
      indexed[0] ?? this.deploymentRecords,
    );
    const matching: DeploymentRecord[] = [];
    for (let i = start.length - 1; i >= 0; i--) {
      const d = start[i]!;
      if (
        (filters.sha === undefined || d.sha === filters.sha) &&
        (filters.ref === undefined || d.ref === filters.ref) &&
        (filters.task === undefined || d.task === filters.task) &&
        (filters.environment === undefined || d.environment === filters.environment)
      )
        matching.push(d);
    }
    return matching;
  }

  /**
   * Adds a deployment status, with GitHub's documented `auto_inactive` rule (default true): a
   * `success` adds an `inactive` status to every earlier deployment to the same environment name
   * that is neither transient nor `production_environment` and whose latest status is success.
   */
  addStatus(deployment: DeploymentRecord, input: Record<string, any>, login: string): StatusRecord {
    const status: StatusRecord = {
      id: this.host.id(),
      state: input.state,
      description: input.description ?? '',
      environment: input.environment ?? deployment.environment,
      logUrl: input.log_url ?? input.target_url ?? '',
      // GitHub documents "" as the default, but the schema's uri format rejects it: left out when unset.
      ...(input.environment_url ? { environmentUrl: input.environment_url } : {}),
      creator: login,
      createdAt: new Date().toISOString(),
    };
    deployment.statuses.push(status);
    if (input.state === 'success' && input.auto_inactive !== false) {
      for (const earlier of this.byEnvironment.get(status.environment) ?? []) {
        if (
          earlier.id < deployment.id &&
          !earlier.transient &&
          !earlier.production &&
          earlier.statuses.at(-1)?.state === 'success'
        )
          this.addStatus(earlier, { state: 'inactive', auto_inactive: false }, login);
      }
    }
    return status;
  }

  deploymentView(d: DeploymentRecord): Record<string, any> {
    return {
      ...template().deployment,
      id: d.id,
      node_id: `DE_${d.id}`,
      sha: d.sha,
      ref: d.ref,
      task: d.task,
      payload: d.payload,
      environment: d.environment,
      original_environment: d.environment,
      description: d.description,
      transient_environment: d.transient,
      production_environment: d.production,
      url: this.apiUrl(`/deployments/${d.id}`),
      statuses_url: this.apiUrl(`/deployments/${d.id}/statuses`),
      repository_url: this.apiUrl(''),
      creator: this.host.user(d.creator),
      created_at: d.createdAt,
      updated_at: d.createdAt,
    };
  }

  statusView(d: DeploymentRecord, s: StatusRecord): Record<string, any> {
    return {
      ...template().status,
      id: s.id,
      node_id: `DES_${s.id}`,
      state: s.state,
      description: s.description,
      environment: s.environment,
      target_url: s.logUrl,
      log_url: s.logUrl,
      ...(s.environmentUrl ? { environment_url: s.environmentUrl } : {}),
      url: this.apiUrl(`/deployments/${d.id}/statuses/${s.id}`),
      deployment_url: this.apiUrl(`/deployments/${d.id}`),
      repository_url: this.apiUrl(''),
      creator: this.host.user(s.creator),
      created_at: s.createdAt,
      updated_at: s.createdAt,
    };
  }

  /** A deployment's statuses as REST lists them: newest first. */
  statusViews(d: DeploymentRecord): Record<string, any>[] {
    return d.statuses.map((s) => this.statusView(d, s)).reverse();
  }

  deployment(id: number): DeploymentRecord | undefined {
    return this.deploymentRecords.find((d) => d.id === id);
  }

  // --- releases -------------------------------------------------------------------------------

  recordRelease(input: Record<string, any>, login: string, createdAt: string): ReleaseRecord {
    const release: ReleaseRecord = {
      id: this.host.id(),
      tag: input.tag_name,
      target: input.target_commitish ?? this.defaultBranch,
      name: input.name ?? input.tag_name,
      body: input.body ?? null,
      draft: input.draft ?? false,
      prerelease: input.prerelease ?? false,
      author: login,
      createdAt,
      publishedAt: input.draft ? null : createdAt,
      assets: [],
    };
    this.releaseRecords.push(release);
    this.releasesByTag.set(release.tag, release);
    return release;
  }

  recordAsset(release: ReleaseRecord, asset: Omit<AssetRecord, 'id'>): AssetRecord {
    const record = { id: this.host.id(), ...asset };
    release.assets.push(record);
    this.host.indexAsset(record, release, this);
    return record;
  }

  releaseByTag(tag: string): ReleaseRecord | undefined {
    return this.releasesByTag.get(tag);
  }

  release(id: number): ReleaseRecord | undefined {
    return this.releaseRecords.find((r) => r.id === id);
  }

  releaseView(r: ReleaseRecord): Record<string, any> {
    return {
      ...template().release,
      id: r.id,
      node_id: `RE_${r.id}`,
      tag_name: r.tag,
      target_commitish: r.target,
      name: r.name,
      body: r.body,
      draft: r.draft,
      prerelease: r.prerelease,
      url: this.apiUrl(`/releases/${r.id}`),
      html_url: this.htmlUrl(`/releases/tag/${encodeURIComponent(r.tag)}`),
      assets_url: this.apiUrl(`/releases/${r.id}/assets`),
      upload_url: `${this.apiUrl(`/releases/${r.id}/assets`)}{?name,label}`,
      tarball_url: this.apiUrl(`/tarball/${encodeURIComponent(r.tag)}`),
      zipball_url: this.apiUrl(`/zipball/${encodeURIComponent(r.tag)}`),
      author: this.host.user(r.author),
      assets: r.assets.map((a) => this.assetView(r, a)),
      created_at: r.createdAt,
      published_at: r.publishedAt,
    };
  }

  assetView(r: ReleaseRecord, a: AssetRecord): Record<string, any> {
    return {
      ...template().asset,
      id: a.id,
      node_id: `RA_${a.id}`,
      name: a.name,
      label: a.label,
      content_type: a.contentType,
      size: a.bytes.length,
      url: this.apiUrl(`/releases/assets/${a.id}`),
      browser_download_url: this.htmlUrl(
        `/releases/download/${encodeURIComponent(r.tag)}/${encodeURIComponent(a.name)}`,
      ),
      uploader: this.host.user(a.uploader),
      created_at: a.createdAt,
      updated_at: a.createdAt,
    };
  }

  // --- issues ---------------------------------------------------------------------------------

  addIssue(issue: Record<string, any>): void {
    this.issues.push(issue);
    this.maxIssueNumber = Math.max(this.maxIssueNumber, issue.number);
  }

  /** The issues, and the open pull requests of `pullRequests` not recorded as issues, as GitHub lists them. */
  issuesWithPullRequests(): Record<string, any>[] {
    const recorded = new Set(this.issues.map((issue) => issue.number));
    const pulls = [...this.pullRequests.keys()]
      .filter((number) => !recorded.has(number))
      .map((number) => {
        let issue = this.pullRequestIssues.get(number);
        if (!issue) {
          issue = this.newIssue(
            { title: `Pull request ${number}`, body: null, labels: [], pullRequest: true },
            'octocat',
            new Date(0),
            number,
          );
          this.pullRequestIssues.set(number, issue);
        }
        return issue;
      });
    return [...this.issues, ...pulls];
  }

  private nextIssueNumber(): number {
    return Math.max(this.maxIssueNumber, ...this.pullRequests.keys()) + 1;
  }

  newIssue(
    input: { title: string; body: string | null; labels: string[]; pullRequest: boolean },
    login: string,
    createdAt: Date,
    number = this.nextIssueNumber(),
  ): Record<string, any> {
    const { pull_request: _pr, ...template } = example('issue');
    const url = this.apiUrl(`/issues/${number}`);
    const html = this.htmlUrl(`/${input.pullRequest ? 'pull' : 'issues'}/${number}`);
    const at = createdAt.toISOString();
    const id = this.host.id();
    return {
      ...template,
      id,
      node_id: `I_${id}`,
      url,
      repository_url: this.apiUrl(''),
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: html,
      number,
      state: 'open',
      state_reason: null,
      title: input.title,
      body: input.body,
      user: this.host.user(login),
      labels: input.labels.map((name) => this.label(name)),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      active_lock_reason: null,
      comments: 0,
      closed_at: null,
      closed_by: null,
      created_at: at,
      updated_at: at,
      author_association: 'MEMBER',
      ...(input.pullRequest
        ? {
            pull_request: {
              url: this.apiUrl(`/pulls/${number}`),
              html_url: html,
              diff_url: `${html}.diff`,
              patch_url: `${html}.patch`,
              merged_at: null,
            },
          }
        : {}),
    };
  }

  /** What GitHub answers for an issue: its comment count as it is now. */
  issueView(issue: Record<string, any>): Record<string, any> {
    // GitHub sends `state_reason: null` for an issue never closed; its description's enum
    // (nullable, without null among the values) refuses that, so it is left out, as it may be.
    const { state_reason: reason, ...rest } = issue;
    return {
      ...rest,
      ...(reason === null ? {} : { state_reason: reason }),
      comments: this.commentCount(issue.number),
    };
  }

  commentCount(number: number): number {
    return this.comments.get(number)?.length ?? 0;
  }

  /** GitHub's rule: closing records a reason (default `completed`), reopening records `reopened`. */
  changeState(
    issue: Record<string, any>,
    state: 'open' | 'closed',
    reason: string | null | undefined,
    login: string,
  ): void {
    const now = this.host.now().toISOString();
    issue.state = state;
    if (state === 'closed') {
      issue.state_reason = reason && reason !== 'reopened' ? reason : 'completed';
      issue.closed_at = now;
      issue.closed_by = this.host.user(login);
    } else {
      issue.state_reason = 'reopened';
      issue.closed_at = null;
    }
  }

  /** A label by name (GitHub's names are case-insensitive), created on first use as GitHub does for a writer. */
  label(name: string): Record<string, any> {
    const key = name.toLowerCase();
    let label = this.labels.get(key);
    if (!label) {
      const id = this.host.id();
      label = {
        ...example('label'),
        id,
        node_id: `LA_${id}`,
        url: this.apiUrl(`/labels/${encodeURIComponent(name)}`),
        name,
        description: null,
        color: 'ededed',
        default: false,
      };
      this.labels.set(key, label);
    }
    return label;
  }

  // --- workflows ------------------------------------------------------------------------------

  /** A workflow by its id or its file name (GitHub's `workflow_id` takes either). */
  workflowOf(idOrFile: string): StandInWorkflow | undefined {
    return this.workflows.find((w) =>
      /^\d+$/.test(idOrFile) ? w.id === Number(idOrFile) : w.path.split('/').pop() === idOrFile,
    );
  }

  recordRun(
    workflow: StandInWorkflow,
    event: string,
    createdAt: Date,
    login: string,
    branch = this.defaultBranch,
  ): Record<string, any> {
    const id = this.host.id();
    const at = createdAt.toISOString();
    const url = this.apiUrl(`/actions/runs/${id}`);
    const run = {
      ...example('workflow-run'),
      id,
      name: workflow.name,
      node_id: `WFR_${id}`,
      head_branch: branch,
      path: workflow.path,
      run_number: this.runs.filter((r) => r.workflow_id === workflow.id).length + 1,
      event,
      display_title: workflow.name,
      status: 'queued',
      conclusion: null,
      workflow_id: workflow.id,
      url,
      html_url: this.htmlUrl(`/actions/runs/${id}`),
      pull_requests: [],
      created_at: at,
      updated_at: at,
      run_started_at: at,
      actor: this.host.user(login),
      triggering_actor: this.host.user(login),
      run_attempt: 1,
      jobs_url: `${url}/jobs`,
      logs_url: `${url}/logs`,
      artifacts_url: `${url}/artifacts`,
      cancel_url: `${url}/cancel`,
      rerun_url: `${url}/rerun`,
      previous_attempt_url: null,
      workflow_url: this.apiUrl(`/actions/workflows/${workflow.id}`),
    };
    this.runs.push(run);
    return run;
  }
}
