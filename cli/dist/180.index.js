export const id = 180;
export const ids = [180];
export const modules = {

/***/ 92180:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   repositoryFileReader: () => (/* binding */ repositoryFileReader)
/* harmony export */ });
/* harmony import */ var _action_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(91674);
/* harmony import */ var _client_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(16317);
/**
 * One file of the repository as it is at a given commit, read through the REST API
 * (GET /repos/{owner}/{repo}/contents/{path}?ref=<sha>). compare-metrics reads the base branch's
 * gate policy this way, so that what judges a pull request is never a file the pull request
 * could have changed in the checkout.
 */


/** Larger files come back from the contents API without their content (encoding "none"). */
const MAX_CONTENT_BYTES = 1024 * 1024;
function repositoryFileReader(github) {
    const { repository } = github;
    return async (path, ref) => {
        const where = `file "${path}" at ${ref.slice(0, 12)} of ${repository.owner}/${repository.repo}`;
        let entry;
        try {
            entry = await github.getRepositoryContent(path, ref);
        }
        catch (error) {
            const status = (0,_client_js__WEBPACK_IMPORTED_MODULE_0__/* .statusOf */ .c2)(error);
            const message = String(error.message);
            // GitHub answers 404 both for a missing file and for a missing commit; only the first means "no file".
            if (status === 404 && !/no commit found/i.test(message))
                return undefined;
            if (status === 404)
                throw new _action_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UserError */ .yo(`Could not read the ${where}: the commit does not exist in the repository (GitHub: ${message}).`);
            if (status === 401 || status === 403) {
                throw new _action_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UserError */ .yo(`Could not read the ${where}: the token may not read the repository's contents (HTTP ${status}). Give the job "permissions: contents: read".`);
            }
            throw error;
        }
        if (entry.type === 'folder')
            throw new _action_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UserError */ .yo(`The ${where} is a folder in the repository; a file was expected.`);
        if (!('content' in entry))
            throw new _action_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UserError */ .yo(`The ${where} is a ${entry.type} in the repository, not a file.`);
        if (entry.size > MAX_CONTENT_BYTES || entry.encoding !== 'base64') {
            throw new _action_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UserError */ .yo(`The ${where} is ${entry.size} bytes; at most ${MAX_CONTENT_BYTES} bytes are read through the API.`);
        }
        return Buffer.from(entry.content, 'base64').toString('utf8');
    };
}


/***/ })

};
