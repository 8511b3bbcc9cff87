export const id = 853;
export const ids = [853];
export const modules = {

/***/ 853:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ACTIONS_BOT_LOGIN: () => (/* binding */ ACTIONS_BOT_LOGIN),
/* harmony export */   COMMENT_BODY_LIMIT: () => (/* binding */ COMMENT_BODY_LIMIT),
/* harmony export */   findStickyComment: () => (/* binding */ findStickyComment),
/* harmony export */   fitToCommentLimit: () => (/* binding */ fitToCommentLimit),
/* harmony export */   upsertStickyComment: () => (/* binding */ upsertStickyComment)
/* harmony export */ });
/* harmony import */ var _client_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(317);

/** GitHub rejects longer comment bodies (422); JavaScript string length is what it counts. */
const COMMENT_BODY_LIMIT = 65_536;
/** The login of comments written with the workflow's GITHUB_TOKEN (REST spelling). */
const ACTIONS_BOT_LOGIN = 'github-actions[bot]';
async function upsertStickyComment(client, target, body, log) {
    const text = fitToCommentLimit(body);
    try {
        const author = await authenticatedLogin(client);
        const existing = await findStickyComment(client, target, author);
        if (existing) {
            if (existing.body === text)
                return { status: 'unchanged', url: existing.html_url };
            const { data } = await client.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: existing.id, body: text });
            return { status: 'updated', url: data.html_url };
        }
        return await createOnce(client, target, text, author, log);
    }
    catch (error) {
        if ((0,_client_js__WEBPACK_IMPORTED_MODULE_0__.isReadOnlyToken)(error)) {
            return { status: 'skipped', reason: 'the token is read-only (a pull request from a fork gets one), so the comment could not be written' };
        }
        throw error;
    }
}
/**
 * Creates the comment without automatic retries: a 5xx may come after GitHub created it, so the
 * comments are looked up again before one more try, and a write is never made twice.
 */
async function createOnce(client, target, body, author, log) {
    const create = (retries) => client.rest.issues.createComment({ owner: target.owner, repo: target.repo, issue_number: target.issueNumber, body, request: { retries } });
    try {
        const { data } = await create(0);
        return { status: 'created', url: data.html_url };
    }
    catch (error) {
        if (((0,_client_js__WEBPACK_IMPORTED_MODULE_0__.statusOf)(error) ?? 0) < 500)
            throw error;
        log.warning(`GitHub answered ${(0,_client_js__WEBPACK_IMPORTED_MODULE_0__.statusOf)(error)} while creating the comment; checking whether it was created before trying again.`);
        const existing = await findStickyComment(client, target, author);
        if (existing)
            return { status: existing.body === body ? 'created' : 'updated', url: existing.html_url };
        const { data } = await create(3);
        return { status: 'created', url: data.html_url };
    }
}
/** Who the token writes as: /user answers for personal tokens; the GITHUB_TOKEN may not read it. */
async function authenticatedLogin(client) {
    try {
        const { data } = await client.rest.users.getAuthenticated();
        return data.login;
    }
    catch (error) {
        if ((0,_client_js__WEBPACK_IMPORTED_MODULE_0__.statusOf)(error) === 403 || (0,_client_js__WEBPACK_IMPORTED_MODULE_0__.statusOf)(error) === 401)
            return ACTIONS_BOT_LOGIN;
        throw error;
    }
}
/** Searches every page of the pull request's comments. */
async function findStickyComment(client, target, author) {
    const comments = await client.paginate(client.rest.issues.listComments, { owner: target.owner, repo: target.repo, issue_number: target.issueNumber, per_page: 100 });
    return comments.find((comment) => comment.user?.login === author && (comment.body ?? '').includes(target.marker));
}
/**
 * Keeps a body within GitHub's limit by cutting at a line break and saying so; the marker at
 * the top survives, so the comment is still found on the next run.
 */
function fitToCommentLimit(body, pointer = 'The rest is in the job summary and the report file of the step.') {
    if (body.length <= COMMENT_BODY_LIMIT)
        return body;
    const note = `\n\n_This comment was cut to GitHub's limit of ${COMMENT_BODY_LIMIT} characters. ${pointer}_\n`;
    const room = COMMENT_BODY_LIMIT - note.length;
    const cut = body.lastIndexOf('\n', room);
    return body.slice(0, cut > 0 ? cut : room) + note;
}


/***/ })

};
