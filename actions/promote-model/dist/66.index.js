export const id = 66;
export const ids = [66];
export const modules = {

/***/ 37066:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createOctokitAccounts: () => (/* binding */ createOctokitAccounts),
  createOctokitPort: () => (/* binding */ createOctokitPort)
});

// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 14 modules
var schemas = __webpack_require__(45586);
// EXTERNAL MODULE: ./shared/github/client.ts
var github_client = __webpack_require__(16317);
// EXTERNAL MODULE: external "node:events"
var external_node_events_ = __webpack_require__(78474);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(38522);
;// CONCATENATED MODULE: ./shared/github/conditional-requests.ts
/**
 * Conditional requests: every GET answered with an ETag is remembered, and asked again with
 * `If-None-Match`; GitHub answers `304 Not Modified` when nothing changed, which does not count
 * against the primary rate limit for an authorised request ("Use conditional requests if
 * appropriate", REST API best practices). The remembered answers can be saved to a file and
 * loaded by the next run (publish-registry keeps them in the Actions cache), so that a nightly
 * fleet build of unchanged repositories costs almost nothing of the token's hourly budget.
 *
 * Also counts what a client asked, for the page's "read with N requests" and the benchmark.
 */




/** What one GET answered: the ETag, the headers pagination reads, and the body. */
const cachedAnswerSchema = schemas/* object */.Ikc({
    etag: schemas/* string */.YjP(),
    link: schemas/* string */.YjP().optional(),
    data: schemas/* unknown */.L5J(),
});
const CACHE_FORMAT = 'mlops-actions/http-cache@2';
const cacheHeaderSchema = schemas/* object */.Ikc({
    format: schemas/* literal */.euz(CACHE_FORMAT),
    /** The token's account the answers were read with: another token may see other things. */
    account: schemas/* string */.YjP(),
});
const cacheLineSchema = schemas/* tuple */.PVZ([schemas/* string */.YjP(), cachedAnswerSchema]);
/** The remembered answers, by method and URL, and values kept by the caller (recall/keep). */
class ResponseCache {
    entries = new Map();
    /** Keys used in this run: only these are saved, so answers nobody asks for again age out. */
    used = new Set();
    get(key) {
        const entry = this.entries.get(key);
        if (entry)
            this.used.add(key);
        return entry;
    }
    set(key, entry) {
        this.entries.set(key, entry);
        this.used.add(key);
    }
    /** A value kept under `key` by keep(), for what never changes (a release asset's contents, by its id). */
    recall(key) {
        return this.get(key)?.data;
    }
    keep(key, value) {
        this.set(key, { etag: '', data: value });
    }
    get size() {
        return this.entries.size;
    }
    /**
     * Takes in a saved cache (save()'s gzipped JSON lines: a header, then one entry a line); one
     * that is missing, unreadable, of another format or of another account is ignored (the run
     * then asks everything afresh), never an error. Answers this run already has are kept. Read
     * line by line: a fleet's cache can be larger than the longest string V8 can hold.
     */
    absorb(bytes, account) {
        if (!bytes)
            return this;
        try {
            const text = gunzipSync(bytes);
            let start = 0;
            let header = true;
            while (start < text.length) {
                let end = text.indexOf(0x0a, start);
                if (end < 0)
                    end = text.length;
                const line = JSON.parse(text.toString('utf8', start, end));
                start = end + 1;
                if (header) {
                    const parsed = cacheHeaderSchema.safeParse(line);
                    if (!parsed.success || parsed.data.account !== account)
                        return this;
                    header = false;
                    continue;
                }
                const entry = cacheLineSchema.safeParse(line);
                if (entry.success && !this.entries.has(entry.data[0]))
                    this.entries.set(entry.data[0], entry.data[1]);
            }
        }
        catch {
            // A damaged cache costs requests, not correctness.
        }
        return this;
    }
    /** The answers used in this run, as gzipped JSON lines (see absorb). */
    async save(account) {
        const gzip = createGzip();
        const chunks = [];
        gzip.on('data', (chunk) => chunks.push(chunk));
        const done = new Promise((resolve, reject) => {
            gzip.on('end', resolve);
            gzip.on('error', reject);
        });
        const write = async (value) => {
            if (!gzip.write(`${JSON.stringify(value)}\n`))
                await once(gzip, 'drain');
        };
        await write({ format: CACHE_FORMAT, account });
        for (const key of this.used) {
            const entry = this.entries.get(key);
            if (entry)
                await write([key, entry]);
        }
        gzip.end();
        await done;
        return Buffer.concat(chunks);
    }
}
/** Keys of GitHub's objects that name a user or app account: only who it is is kept. */
const ACCOUNT_KEYS = new Set(['creator', 'user', 'uploader', 'author', 'owner', 'actor']);
/** The URLs of GitHub's objects that the suite reads; the other `*_url` keys are API hypermedia. */
const KEPT_URLS = new Set(['html_url', 'upload_url', 'browser_download_url']);
/**
 * A remembered answer without what the suite never reads: each account reduced to its login,
 * id and type, and the API's hypermedia links (`statuses_url`, `followers_url`, …) left out.
 * A page of 100 deployments shrinks to a third, which is what lets a fleet of 100,000 be cached.
 */
function slim(value) {
    if (Array.isArray(value))
        return value.map(slim);
    if (value === null || typeof value !== 'object')
        return value;
    const out = {};
    for (const [key, child] of Object.entries(value)) {
        if (key.endsWith('_url') && !KEPT_URLS.has(key))
            continue;
        if (ACCOUNT_KEYS.has(key) && child && typeof child === 'object' && 'login' in child) {
            const account = child;
            out[key] = { login: account.login, id: account.id, type: account.type };
            continue;
        }
        out[key] = slim(child);
    }
    return out;
}
/**
 * Wraps the client's requests: GETs go out with the remembered ETag and a 304 is answered from
 * the remembered copy; everything is counted. `cache` undefined: only counting. Binary GETs
 * (release asset downloads) are not remembered: their bytes are kept by whoever reads them.
 */
function watchRequests(client, cache, { readOnly = false } = {}) {
    const counts = { rest: 0, graphql: 0, notModified: 0 };
    client.hook.wrap('request', async (request, options) => {
        const { method, url } = client.request.endpoint.parse(options);
        if (/\/graphql$/.test(new URL(url).pathname)) {
            counts.graphql++;
            return request(options);
        }
        // A read-only client's GraphQL queries are spaced for reads (client.ts): a write must not slip through.
        if (readOnly && method !== 'GET' && method !== 'HEAD')
            throw new Error(`A read-only GitHub client was asked to ${method} ${new URL(url).pathname}.`);
        counts.rest++;
        const accept = String(options.headers.accept);
        if (!cache || method !== 'GET' || accept.includes('octet-stream'))
            return request(options);
        const key = `${method} ${url} ${accept}`;
        const remembered = cache.get(key);
        // Set on the options object itself: Octokit's hooks (before-after-hook) each get the one
        // options object of the call, and a wrapper's argument to the next hook is ignored.
        if (remembered)
            options.headers['if-none-match'] = remembered.etag;
        try {
            const response = await request(options);
            const etag = response.headers.etag;
            if (typeof etag === 'string')
                cache.set(key, {
                    etag,
                    ...(typeof response.headers.link === 'string' ? { link: response.headers.link } : {}),
                    data: slim(response.data),
                });
            return response;
        }
        catch (error) {
            if ((0,github_client/* statusOf */.c2)(error) !== 304 || !remembered)
                throw error;
            counts.notModified++;
            return {
                status: 200,
                url,
                headers: { etag: remembered.etag, ...(remembered.link ? { link: remembered.link } : {}) },
                data: remembered.data,
            };
        }
    });
    return counts;
}

;// CONCATENATED MODULE: ./shared/github/octokit-port.ts
/**
 * The GitHub port over the REST API (Octokit, with the retries, throttling and pagination of
 * client.ts). The only module that knows GitHub's wire shapes; everything it returns is reduced
 * to the port's types, and the answers the suite relies on field by field are checked with zod.
 */



async function createOctokitPort(token, repository, log, env = process.env) {
    return octokitPort(await (0,github_client/* createGitHubClient */.LX)(token, log, env), repository);
}
/**
 * GitHub across repositories, over one client that only reads: its conditional requests
 * remembered in `cache` (when given), every request counted, any write refused.
 */
async function createOctokitAccounts(token, log, options = {}) {
    const client = await (0,github_client/* createGitHubClient */.LX)(token, log, options.env, { readOnly: true });
    const counts = watchRequests(client, options.cache, { readOnly: true });
    const membership = (ask) => ask.then(() => true, (error) => {
        if ((0,github_client/* statusOf */.c2)(error) === 404)
            return false;
        if ((0,github_client/* statusOf */.c2)(error) === 403)
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
const reviewLogEntry = schemas/* object */.Ikc({
    state: schemas/* string */.YjP(),
    comment: schemas/* string */.YjP().nullish(),
    user: schemas/* object */.Ikc({ login: schemas/* string */.YjP() }),
    environments: schemas/* array */.YOg(schemas/* object */.Ikc({ name: schemas/* string */.YjP().optional() })),
});
const fileEntry = schemas/* object */.Ikc({
    type: schemas/* literal */.euz('file'),
    encoding: schemas/* string */.YjP(),
    content: schemas/* string */.YjP(),
    size: schemas/* number */.aig(),
});
const otherEntry = schemas/* object */.Ikc({ type: schemas/* string */.YjP() });
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
const viewerAnswer = schemas/* object */.Ikc({ viewer: schemas/* object */.Ikc({ login: schemas/* string */.YjP().min(1) }) });
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
const statusesAnswer = schemas/* object */.Ikc({
    nodes: schemas/* array */.YOg(schemas/* object */.Ikc({
        databaseId: schemas/* number */.aig().nullish(),
        latestStatus: schemas/* object */.Ikc({ state: schemas/* string */.YjP(), description: schemas/* string */.YjP().nullish() }).nullish(),
        statuses: schemas/* object */.Ikc({ nodes: schemas/* array */.YOg(schemas/* object */.Ikc({ state: schemas/* string */.YjP() }).nullable()) })
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
    if ((0,github_client/* statusOf */.c2)(error) === 404)
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
            return schemas/* array */.YOg(reviewLogEntry)
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
