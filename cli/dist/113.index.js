export const id = 113;
export const ids = [113];
export const modules = {

/***/ 82113:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createOctokitAccounts: () => (/* binding */ createOctokitAccounts),
/* harmony export */   createOctokitPort: () => (/* binding */ createOctokitPort)
/* harmony export */ });
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(13798);
/* harmony import */ var _client_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(16317);
/* harmony import */ var _conditional_requests_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(53299);
/**
 * The GitHub port over the REST API (Octokit, with the retries, throttling and pagination of
 * client.ts). The only module that knows GitHub's wire shapes; everything it returns is reduced
 * to the port's types, and the answers the suite relies on field by field are checked with zod.
 */



async function createOctokitPort(token, repository, log, env = process.env) {
    return octokitPort(await (0,_client_js__WEBPACK_IMPORTED_MODULE_1__/* .createGitHubClient */ .LX)(token, log, env), repository);
}
/**
 * GitHub across repositories, over one client that only reads: its conditional requests
 * remembered in `cache` (when given), every request counted, any write refused.
 */
async function createOctokitAccounts(token, log, options = {}) {
    const client = await (0,_client_js__WEBPACK_IMPORTED_MODULE_1__/* .createGitHubClient */ .LX)(token, log, options.env, { readOnly: true });
    const counts = (0,_conditional_requests_js__WEBPACK_IMPORTED_MODULE_0__/* .watchRequests */ .O)(client, options.cache, { readOnly: true });
    const membership = (ask) => ask.then(() => true, (error) => {
        if ((0,_client_js__WEBPACK_IMPORTED_MODULE_1__/* .statusOf */ .c2)(error) === 404)
            return false;
        if ((0,_client_js__WEBPACK_IMPORTED_MODULE_1__/* .statusOf */ .c2)(error) === 403)
            return undefined;
        throw error;
    });
    return {
        viewer: async () => viewerAnswer.parse(await client.graphql(VIEWER_QUERY)).viewer.login,
        port: (repository) => octokitPort(client, repository),
        async *listRepositories(owner) {
            const { data: account } = await client.rest.users.getByUsername({ username: owner });
            const pages = account.type === 'Organization'
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
        isCollaborator: (repository, login) => membership(client.rest.repos.checkCollaborator({ ...repository, username: login })),
        teamExists: (org, slug) => membership(client.rest.teams.getByName({ org, team_slug: slug })),
        counts: () => ({ ...counts }),
    };
}
/** What GitHub answers for GET /actions/runs/{run_id}/approvals, reduced to what is recorded. */
const reviewLogEntry = zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({
    state: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    comment: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().nullish(),
    user: zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({ login: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP() }),
    environments: zod__WEBPACK_IMPORTED_MODULE_2__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({ name: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().optional() })),
});
const fileEntry = zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({
    type: zod__WEBPACK_IMPORTED_MODULE_2__/* .literal */ .euz('file'),
    encoding: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    content: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    size: zod__WEBPACK_IMPORTED_MODULE_2__/* .number */ .aig(),
});
const otherEntry = zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({ type: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP() });
const deployment = (d) => ({
    id: Number(d.id),
    nodeId: d.node_id,
    sha: d.sha,
    task: d.task,
    environment: d.environment,
    payload: d.payload,
    createdAt: d.created_at,
    creator: d.creator?.login,
});
const release = (r) => ({
    id: r.id,
    tag: r.tag_name,
    draft: r.draft,
    htmlUrl: r.html_url,
    uploadUrl: r.upload_url,
    assets: r.assets.map(({ id, name, url }) => ({ id, name, url })),
});
const comment = (c) => ({
    id: Number(c.id),
    body: c.body ?? '',
    htmlUrl: c.html_url,
    author: c.user?.login,
});
const issue = (i) => ({
    number: i.number,
    title: i.title,
    body: i.body ?? '',
    state: i.state === 'closed' ? 'closed' : 'open',
    ...(i.state_reason ? { stateReason: i.state_reason } : {}),
    labels: i.labels.flatMap((label) => typeof label === 'string' ? [label] : label.name ? [label.name] : []),
    htmlUrl: i.html_url,
    author: i.user?.login,
    createdAt: i.created_at,
});
const workflowRun = (r) => ({
    id: r.id,
    event: r.event,
    ...(r.status ? { status: r.status } : {}),
    htmlUrl: r.html_url,
    createdAt: r.created_at,
});
/** GitHub's date qualifier wants `YYYY-MM-DDTHH:MM:SSZ`: the time to the second, rounded down (a wider window, never a narrower one). */
const toTheSecond = (date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');
/** The token's account: GraphQL's viewer answers for installation tokens, which GET /user refuses. */
const VIEWER_QUERY = 'query { viewer { login } }';
const viewerAnswer = zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({ viewer: zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({ login: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().min(1) }) });
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
const statusesAnswer = zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({
    nodes: zod__WEBPACK_IMPORTED_MODULE_2__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({
        databaseId: zod__WEBPACK_IMPORTED_MODULE_2__/* .number */ .aig().nullish(),
        latestStatus: zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({ state: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(), description: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().nullish() }).nullish(),
        statuses: zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({ nodes: zod__WEBPACK_IMPORTED_MODULE_2__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({ state: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP() }).nullable()) })
            .nullish(),
    })
        .nullable()),
});
function statusSummary(node) {
    // GraphQL spells states in capitals (SUCCESS); REST and the port in lower case.
    const latest = node.latestStatus
        ? {
            state: node.latestStatus.state.toLowerCase(),
            description: node.latestStatus.description ?? '',
        }
        : undefined;
    const states = (node.statuses?.nodes ?? []).flatMap((status) => status ? [status.state.toLowerCase()] : []);
    return { ...(latest ? { latest } : {}), states };
}
/** Octokit's per-request retry bound, when the caller sets one (creates that must not happen twice). */
const retries = (options) => options.retries === undefined ? {} : { request: { retries: options.retries } };
const undefinedOn404 = (error) => {
    if ((0,_client_js__WEBPACK_IMPORTED_MODULE_1__/* .statusOf */ .c2)(error) === 404)
        return undefined;
    throw error;
};
function octokitPort(client, repository) {
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
            for await (const page of pages)
                for (const d of page.data)
                    yield deployment(d);
        },
        async deploymentStatuses(deployments) {
            const summaries = new Map();
            for (let start = 0; start < deployments.length; start += NODES_PER_QUERY) {
                const batch = deployments.slice(start, start + NODES_PER_QUERY);
                const answer = statusesAnswer.parse(await client.graphql(STATUSES_QUERY, { ids: batch.map((d) => d.nodeId) }));
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
                payload: request.payload,
                description: request.description,
                // GitHub would otherwise merge the default branch into the ref instead of deploying.
                auto_merge: false,
                // Omitting the field requires every commit status to pass; the gates are checked by the action.
                required_contexts: [],
                transient_environment: false,
                production_environment: request.productionEnvironment,
            });
            if (response.status !== 201 || !('id' in response.data)) {
                throw new Error(`GitHub answered ${response.status} without creating a deployment: ${JSON.stringify(response.data)}`);
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
            return (await client.paginate(client.rest.repos.listReleases, { ...repo, per_page: 100 })).map(release);
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
            return release((await client.rest.repos.updateRelease({
                ...repo,
                release_id: releaseId,
                draft: change.draft,
            })).data);
        },
        async uploadReleaseAsset(target, asset) {
            const { data } = await client.rest.repos.uploadReleaseAsset({
                ...repo,
                release_id: target.id,
                name: asset.name,
                data: asset.bytes,
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
            return Buffer.from(data);
        },
        async *listIssueComments(issueNumber) {
            const pages = client.paginate.iterator(client.rest.issues.listComments, {
                ...repo,
                issue_number: issueNumber,
                per_page: 100,
            });
            for await (const page of pages)
                for (const c of page.data)
                    yield comment(c);
        },
        async getComment(commentId) {
            return comment((await client.rest.issues.getComment({ ...repo, comment_id: commentId })).data);
        },
        async createComment(issueNumber, body, options = {}) {
            return comment((await client.rest.issues.createComment({
                ...repo,
                issue_number: issueNumber,
                body,
                ...retries(options),
            })).data);
        },
        async updateComment(commentId, body) {
            return comment((await client.rest.issues.updateComment({ ...repo, comment_id: commentId, body })).data);
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
                for (const i of page.data)
                    if (!i.pull_request)
                        yield issue(i);
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
            for await (const page of pages)
                for (const r of page.data)
                    yield workflowRun(r);
        },
        async getPullRequest(number) {
            return client.rest.pulls
                .get({ ...repo, pull_number: number })
                .then(({ data }) => ({ headSha: data.head.sha, baseRepository: data.base.repo.full_name }), undefinedOn404);
        },
        async getRepositoryContent(path, ref) {
            const { data } = await client.rest.repos.getContent({ ...repo, path, ref });
            if (Array.isArray(data))
                return { type: 'folder' };
            const file = fileEntry.safeParse(data);
            if (file.success)
                return file.data;
            const other = otherEntry.safeParse(data);
            return { type: other.success ? other.data.type : 'entry' };
        },
        async listRunApprovals(runId) {
            const { data } = await client.rest.actions.getReviewsForRun({ ...repo, run_id: runId });
            return zod__WEBPACK_IMPORTED_MODULE_2__/* .array */ .YOg(reviewLogEntry)
                .parse(data)
                .map((entry) => ({
                login: entry.user.login,
                state: entry.state,
                ...(entry.comment ? { comment: entry.comment } : {}),
                environments: entry.environments.flatMap((env) => env.name === undefined ? [] : [env.name]),
            }));
        },
    };
}


/***/ })

};
