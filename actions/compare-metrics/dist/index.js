import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 80223:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _shared_action_run_action_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(41825);
/* harmony import */ var _run_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(94447);


process.exitCode = await (0,_shared_action_run_action_js__WEBPACK_IMPORTED_MODULE_0__/* .runAction */ .C)(_run_js__WEBPACK_IMPORTED_MODULE_1__/* .compareMetrics */ .f);

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 94447:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  f: () => (/* binding */ compareMetrics)
});

// EXTERNAL MODULE: ./shared/action/errors.ts
var errors = __nccwpck_require__(91674);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(76760);
// EXTERNAL MODULE: ./shared/action/context.ts
var action_context = __nccwpck_require__(36030);
// EXTERNAL MODULE: ./shared/identifiers.ts
var identifiers = __nccwpck_require__(58434);
;// CONCATENATED MODULE: ./shared/files/confine.ts
/**
 * Path confinement. Everything a pull request can change is hostile, and that includes where a
 * path leads: a data file that is a symbolic link to /proc/self/environ would put the step's
 * environment (ACTIONS_RUNTIME_TOKEN, the OIDC request token) into annotations, reports and
 * artifacts. So every path that comes from an input or from a file is resolved with its symbolic
 * links and must lead into one of the step's folders:
 *
 * - the job's workspace (GITHUB_WORKSPACE; outside a runner, the current folder or the CLI's
 *   `--workspace`), less its `.git` folder, where actions/checkout keeps the token it persists;
 * - `mlops-actions/` in RUNNER_TEMP, where the suite's own earlier steps wrote their reports.
 *
 * Symbolic links inside the workspace that lead inside are fine. Files must be regular files, so
 * that a FIFO or a device (/dev/zero) cannot hang a step.
 */



/** The folder under RUNNER_TEMP that the suite's steps write their reports into. */
const STEP_FILES_FOLDER = 'mlops-actions';
/** The confinement of a step: its workspace, and the suite's own folder in the temp folder. */
async function stepConfinement(workspace, tempDir) {
    const folders = [(0,external_node_path_.resolve)(workspace), (0,external_node_path_.resolve)(tempDir, STEP_FILES_FOLDER)];
    return {
        workspace: (0,external_node_path_.resolve)(workspace),
        roots: await Promise.all(folders.map(async (folder) => (await confine_realPathOfNearest(folder)) ?? folder)),
    };
}
/**
 * The absolute path that `path` names, after checking that it leads, symbolic links resolved,
 * into the confinement. A path outside, into `.git`, or (for a file) to something other than a
 * regular file is a UserError naming the input and the path.
 */
async function confine_confinePath(path, confinement, options) {
    const absolute = (0,external_node_path_.resolve)(options.baseDir, path);
    const named = `${options.input ? `input "${options.input}": the ` : 'The '}${options.what} "${path}"`;
    const real = await confine_realPathOfNearest(absolute);
    if (real === undefined)
        throw new errors/* UserError */.yo(`${capitalise(named)} is a loop of symbolic links; a file was expected.`);
    const via = real !== absolute ? ` (through a symbolic link, it leads to ${real})` : '';
    const root = confinement.roots.find((folder) => confine_isInside(real, folder));
    if (root === undefined) {
        throw new errors/* UserError */.yo(`${capitalise(named)} is outside the workspace${via}. mlops-actions reads and writes only inside the workspace (${confinement.workspace}) and its own folder in RUNNER_TEMP, so that a pull request cannot make it read other files of the runner. Give a path inside the workspace.`);
    }
    if (confine_isInGitFolder(real, root)) {
        throw new errors/* UserError */.yo(`${capitalise(named)} is inside a .git folder${via}, which holds the repository's credentials. Give a path outside .git.`);
    }
    if (options.kind === 'any')
        return absolute;
    const info = await (0,promises_.stat)(real).catch((error) => {
        const code = (0,errors/* errnoCode */.UK)(error);
        if (code === 'ENOENT')
            return undefined;
        if (code === 'ELOOP')
            throw new errors/* UserError */.yo(`${capitalise(named)} is a loop of symbolic links; a file was expected.`);
        throw error;
    });
    if (!info)
        return absolute; // Missing: its reader says so, with the usual message.
    if (options.kind === 'folder' && !info.isDirectory())
        throw new errors/* UserError */.yo(`${capitalise(named)} is not a folder.`);
    if ((options.kind ?? 'file') === 'file' && !info.isFile()) {
        throw new errors/* UserError */.yo(`${capitalise(named)} is ${info.isDirectory() ? 'a folder' : 'not a regular file (a device, a pipe or a socket)'}${via}; a file was expected.`);
    }
    return absolute;
}
/** Each path confined, in order (see confinePath). */
async function confinePaths(paths, confinement, options) {
    const confined = [];
    for (const path of paths)
        confined.push(await confine_confinePath(path, confinement, options));
    return confined;
}
function confine_isInside(path, folder) {
    if (path === folder)
        return true;
    const rest = (0,external_node_path_.relative)(folder, path);
    return rest !== '' && !rest.startsWith(`..${external_node_path_.sep}`) && rest !== '..' && !(0,external_node_path_.isAbsolute)(rest);
}
/**
 * The real path of `path`; for a path that does not exist yet, the real path of its nearest
 * existing ancestor joined with the rest, so that a file to be written through a linked folder
 * is judged by where it would land. Undefined for a loop of links, and, unless `followDangling`,
 * for a dangling link (whose file a write would create wherever it points).
 */
async function confine_realPathOfNearest(path, { followDangling = true } = {}) {
    const missing = [];
    let current = path;
    // A dangling link is followed by hand (realpath refuses it, but a write would follow it);
    // 40 hops, as Linux allows, end a cycle.
    for (let hops = 0; hops <= 40;) {
        try {
            return (0,external_node_path_.join)(await (0,promises_.realpath)(current), ...[...missing].reverse());
        }
        catch (error) {
            const code = (0,errors/* errnoCode */.UK)(error);
            // ENOENT: not there yet. ENOTDIR: a file stands where a folder is named. ELOOP: a link cycle.
            if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'ELOOP')
                throw error;
            const target = await (0,promises_.readlink)(current).catch(() => undefined);
            if (!followDangling && (code === 'ELOOP' || target !== undefined))
                return undefined;
            if (target !== undefined && code === 'ENOENT') {
                current = (0,external_node_path_.resolve)((0,external_node_path_.dirname)(current), target);
                hops++;
                continue;
            }
            const parent = (0,external_node_path_.dirname)(current);
            if (parent === current)
                return path;
            missing.push((0,external_node_path_.basename)(current));
            current = parent;
        }
    }
    return undefined;
}
/** Whether `real` lies in a .git folder below `root`: where actions/checkout persists its token. */
function confine_isInGitFolder(real, root) {
    return (0,external_node_path_.relative)(root, real).split(external_node_path_.sep).includes('.git');
}
function capitalise(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
}
/** Confines the inputs among `names` that are set, each a file path (see confinePath). */
async function confineFileInputs(input, names, confinement, baseDir = process.cwd()) {
    for (const name of names) {
        const path = input[name];
        if (typeof path === 'string')
            await confine_confinePath(path, confinement, {
                what: INPUT_FILES[name] ?? 'file',
                input: name,
                baseDir,
            });
    }
}
/** How messages name the file each input holds. */
const INPUT_FILES = {
    predictions: 'predictions file',
    metrics: 'metrics file',
    baseline: 'baseline metrics file',
    gates: 'gate policy',
    manifest: 'manifest',
    profile: 'data profile',
};

;// CONCATENATED MODULE: ./shared/lineage/manifest-files.ts
/**
 * The files a manifest names, found inside the manifest's base folder: the working directory
 * for a manifest of this job, the download folder for an artifact or a release. The manifest's
 * schema already refuses absolute and ".." paths; this also follows symbolic links, so that a
 * model file that is a link to /proc/self/environ or to a file of another job is never hashed,
 * uploaded into a Release or overwritten.
 */




/**
 * The real path of the file that `path` (the manifest's `field`, e.g. `outputs[2].path`) names.
 * Where it leads outside the base folder, or to a device, pipe or socket, it is a UserError that
 * names the manifest, the field and the path. A path that does not exist (yet) is returned as
 * it is, judged by its nearest existing folder: its reader reports it missing, its writer
 * creates it inside.
 */
async function manifest_files_manifestFilePath(files, field, path) {
    const base = await realpath(files.baseDir);
    const absolute = resolve(base, path);
    const named = `The ${files.manifest} lists "${path}" in "${field}"`;
    const real = await realPathOfNearest(absolute, { followDangling: false });
    if (real === undefined)
        throw new UserError(`${named}, which is a symbolic link that leads nowhere (or in a loop). Only files inside ${files.folder ?? "the model's folder"} are verified and published; promote the files train-model wrote, not links.`);
    if (!isInside(real, base) || real === base) {
        const via = real === absolute ? '' : ` (through a symbolic link, it leads to ${real})`;
        throw new UserError(`${named}, which is outside ${files.folder ?? "the model's folder"} ${base}${via}. Only files inside that folder are verified and published; promote the files train-model wrote, not links to other files.`);
    }
    if (isInGitFolder(real, base))
        throw new UserError(`${named}, which is inside a .git folder (it leads to ${real}), where the repository's credentials are kept; a model file was expected.`);
    const info = await stat(real).catch(() => undefined);
    if (info && !info.isFile() && !info.isDirectory())
        throw new UserError(`${named}, which is not a regular file (a device, a pipe or a socket); a model file was expected.`);
    return real;
}

;// CONCATENATED MODULE: ./shared/artifacts/model-artifact.ts
/**
 * Models and their metrics as workflow artifacts, so that a later job of the same run (the
 * production promotion after staging) gets exactly the bytes that were trained and checked.
 * @actions/artifact is loaded only here, and only when a step uploads or downloads.
 */






const MANIFEST_FILE = 'model-manifest.json';
const METRICS_FILE = 'metrics.json';
const PROFILE_FILE = 'data-profile.json';
/**
 * Artifact names are unique per run; same model and version, same names. They are built from
 * identifiers and checked to be one (see identifiers.ts): they become outputs.
 */

/** The runner gives JavaScript actions a runtime token and results URL; elsewhere (a laptop) there is no artifact service. */
function artifactServiceAvailable(env = process.env) {
    return Boolean(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL);
}
/**
 * Uploads files under the paths they should have inside the artifact. They are staged with
 * hard links (a copy when linking fails), so large model files are not copied.
 */
async function uploadArtifact(name, files, stagingDir, log) {
    const { DefaultArtifactClient } = await Promise.all(/* import() */[__nccwpck_require__.e(251), __nccwpck_require__.e(12), __nccwpck_require__.e(186)]).then(__nccwpck_require__.bind(__nccwpck_require__, 71186));
    const client = new DefaultArtifactClient();
    const existing = await client.getArtifact(name).catch(() => undefined);
    if (existing) {
        log.info(`This run already has artifact ${name} (id ${existing.artifact.id}); it is not uploaded again.`);
        return { id: existing.artifact.id, name, uploaded: false };
    }
    const staged = [];
    for (const file of files) {
        const to = (0,external_node_path_.join)(stagingDir, file.as);
        await (0,promises_.mkdir)((0,external_node_path_.dirname)(to), { recursive: true });
        await (0,promises_.link)(file.from, to).catch(() => (0,promises_.copyFile)(file.from, to));
        staged.push(to);
    }
    const { id } = await client.uploadArtifact(name, staged, stagingDir);
    if (id === undefined)
        throw new Error(`Uploading artifact ${name} returned no id`);
    log.info(`Uploaded artifact ${name} (id ${id}).`);
    return { id, name, uploaded: true };
}
/** The manifest at the artifact's root, each output at its manifest path, read inside `baseDir` (see manifest-files.ts). */
async function uploadModelArtifact(args) {
    const name = modelArtifactName(args.manifest.model.name, args.manifest.model.version);
    const model = { manifest: `manifest of artifact ${name}`, baseDir: args.baseDir };
    const files = [{ from: args.manifestPath, as: MANIFEST_FILE }];
    for (const [index, output] of args.manifest.outputs.entries())
        files.push({
            from: await manifestFilePath(model, `outputs[${index}].path`, output.path),
            as: output.path,
        });
    return uploadArtifact(name, files, args.stagingDir, args.log);
}
function uploadMetricsArtifact(args) {
    return uploadArtifact(metricsArtifactName(args.model, args.version), [{ from: args.reportPath, as: METRICS_FILE }], args.stagingDir, args.log);
}
/** The training data profile of a promotion to an environment without a Release (see reference-profile.ts). */
function uploadProfileArtifact(args) {
    return uploadArtifact(profileArtifactName(args.model, args.version), [{ from: args.profilePath, as: PROFILE_FILE }], args.stagingDir, args.log);
}
/** How @actions/artifact finds another run's artifacts through the REST API. */
function findByOf(run) {
    return {
        token: run.token,
        workflowRunId: run.runId,
        repositoryOwner: run.repository.owner,
        repositoryName: run.repository.repo,
    };
}
/**
 * Downloads an artifact of this run, or of `fromRun`, checking its digest; returns the folder it
 * is in, or undefined when there is no artifact of that name. Any other failure is a UserError.
 */
async function downloadArtifactIfPresent(args) {
    const { DefaultArtifactClient } = await Promise.all(/* import() */[__nccwpck_require__.e(251), __nccwpck_require__.e(12), __nccwpck_require__.e(186)]).then(__nccwpck_require__.bind(__nccwpck_require__, 71186));
    const client = new DefaultArtifactClient();
    const findBy = args.fromRun && findByOf(args.fromRun);
    const found = await client
        .getArtifact(args.name, findBy ? { findBy } : undefined)
        .catch((error) => {
        if (error.name === 'ArtifactNotFoundError')
            return undefined;
        const reason = error.message.replace(/\s+/g, ' ').trim();
        const which = args.fromRun ? `workflow run ${args.fromRun.runId}` : 'this workflow run';
        const permission = args.fromRun
            ? ' Reading another run\'s artifacts needs "permissions: actions: read".'
            : '';
        throw new errors/* UserError */.yo(`Could not read artifact "${args.name}" of ${which} (${reason}).${permission}`);
    });
    if (!found)
        return undefined;
    // The service reports digests as "sha256:<hex>", the form downloadArtifact compares with.
    const { downloadPath, digestMismatch } = await client.downloadArtifact(found.artifact.id, {
        path: args.into,
        expectedHash: found.artifact.digest,
        ...(findBy ? { findBy } : {}),
    });
    if (digestMismatch)
        throw new errors/* UserError */.yo(`Artifact "${args.name}" did not download intact: its sha256 differs from the one recorded at upload. Re-run the job; if it happens again, the artifact is damaged.`);
    args.log.info(`Downloaded artifact ${args.name} (id ${found.artifact.id}) to ${(0,external_node_path_.basename)(downloadPath ?? args.into)}.`);
    return downloadPath ?? args.into;
}
/** As downloadArtifactIfPresent, but a missing artifact is a UserError that ends with `hint`. */
async function downloadArtifact(args) {
    const folder = await downloadArtifactIfPresent(args);
    if (folder !== undefined)
        return folder;
    const which = args.fromRun ? `Workflow run ${args.fromRun.runId}` : 'This workflow run';
    throw new UserError(`${which} has no artifact named "${args.name}". ${args.hint}`);
}
/** The names of the artifacts another run uploaded. */
async function listRunArtifacts(run) {
    const { DefaultArtifactClient } = await Promise.all(/* import() */[__nccwpck_require__.e(251), __nccwpck_require__.e(12), __nccwpck_require__.e(186)]).then(__nccwpck_require__.bind(__nccwpck_require__, 71186));
    const findBy = findByOf(run);
    const { artifacts } = await new DefaultArtifactClient()
        .listArtifacts({ findBy })
        .catch((error) => {
        throw new UserError(`Could not list the artifacts of workflow run ${run.runId} (${error.message.replace(/\s+/g, ' ').trim()}). The job needs "permissions: actions: read".`);
    });
    return artifacts.map((artifact) => artifact.name);
}
/**
 * RunArtifacts through the REST API with `token` (the job needs `actions: read`), downloading
 * into folders of their own under `tempDir`. The artifact is fetched by its id: GitHub answers
 * 410 for an expired one and 404 for a deleted one.
 */
function runArtifacts(args) {
    return {
        async readFile(artifact, file) {
            const { DefaultArtifactClient } = await Promise.all(/* import() */[__nccwpck_require__.e(251), __nccwpck_require__.e(12), __nccwpck_require__.e(186)]).then(__nccwpck_require__.bind(__nccwpck_require__, 71186));
            await mkdir(args.tempDir, { recursive: true });
            const into = await mkdtemp(join(args.tempDir, 'artifact-'));
            const which = `artifact "${artifact.name}" (id ${artifact.id}) of workflow run ${artifact.runId}`;
            try {
                await new DefaultArtifactClient().downloadArtifact(artifact.id, {
                    path: into,
                    findBy: findByOf({
                        runId: artifact.runId,
                        token: args.token,
                        repository: args.repository,
                    }),
                });
            }
            catch (error) {
                const status = statusOf(error);
                if (status === 404 || status === 410)
                    return undefined;
                const reason = error.message.replace(/\s+/g, ' ').trim();
                throw new UserError(`Could not read ${which} (${reason}). Reading a workflow run's artifacts needs "permissions: actions: read".`);
            }
            try {
                return await readFile(join(into, file));
            }
            catch {
                throw new UserError(`The ${which} holds no file "${file}", so it is not the artifact that was recorded.`);
            }
        },
    };
}

;// CONCATENATED MODULE: ./shared/files/nesting.ts
/**
 * The one nesting limit for JSON and YAML a pull request controls: structured files (configs,
 * metrics, gates, manifests, schemas, profiles), JSON Lines records and JSON cells. JSON.parse
 * takes any depth, but the code that walks a parsed value (casts, keys, hashes, canonical JSON)
 * is recursive and would overflow the stack; a real file nests a few levels.
 */
const MAX_NESTING_DEPTH = 64;
/**
 * The offset where JSON text first nests deeper than `limit` objects and arrays, or undefined.
 * Read from the text, so that the place can be named and nothing walks the value recursively.
 */
function jsonDepthExceeded(text, limit) {
    let depth = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
            if (c === 0x5c)
                i++; // backslash: the next character is escaped
            else if (c === 0x22)
                inString = false;
        }
        else if (c === 0x22)
            inString = true;
        else if (c === 0x7b || c === 0x5b) {
            if (++depth > limit)
                return i;
        }
        else if (c === 0x7d || c === 0x5d)
            depth--;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./shared/files/read-file.ts



/**
 * Reads a user-named file, turning the usual mistakes into messages that say which file, what
 * was expected and what to do. `what` names the file in the user's terms ("schema file").
 */
async function read_file_readUserFile(path, what, baseDir = process.cwd()) {
    try {
        return await (0,promises_.readFile)((0,external_node_path_.resolve)(baseDir, path), 'utf8');
    }
    catch (error) {
        throw read_file_fileError(error, path, what, baseDir);
    }
}
/** `path` as the user wrote it; `baseDir` is what relative paths resolve against. */
function read_file_fileError(error, path, what, baseDir = process.cwd()) {
    const code = (0,errors/* errnoCode */.UK)(error);
    const where = `${what} "${path}"`;
    if (code === 'ENOENT') {
        return new errors/* UserError */.yo(`The ${where} does not exist (looked for ${(0,external_node_path_.resolve)(baseDir, path)}). Check the path: relative paths resolve against ${baseDir}.`);
    }
    if (code === 'EISDIR')
        return new errors/* UserError */.yo(`The ${where} is a directory; a file was expected.`);
    if (code === 'EACCES')
        return new errors/* UserError */.yo(`The ${where} cannot be read: permission denied.`);
    return error instanceof Error ? error : new Error(String(error));
}

;// CONCATENATED MODULE: ./shared/files/structured.ts




/** Bounds on a structured (JSON or YAML) file; a real config, schema or metrics file is far inside them. */
const STRUCTURED_LIMITS = {
    /** Nested objects and lists, JSON and YAML alike (JSON Lines cells too: see data/jsonl.ts). */
    maxDepth: MAX_NESTING_DEPTH,
    /** YAML alias nodes (`*name`) in a document. */
    maxAliases: 1000,
    /** Values (scalars, lists and mappings) a YAML document holds with its aliases expanded. */
    maxExpandedValues: 100_000,
};
function formatOf(path) {
    return /\.json$/i.test(path) ? 'json' : 'yaml';
}
/** Parses JSON or YAML text; syntax errors and documents past STRUCTURED_LIMITS name the file, line and column. */
async function parseStructured(text, path, what) {
    if (formatOf(path) === 'json') {
        let value;
        try {
            value = JSON.parse(text);
        }
        catch (error) {
            throw new errors/* UserError */.yo(`The ${what} "${path}" is not valid JSON: ${await describeJsonError(error, text)}.`);
        }
        const tooDeep = jsonDepthExceeded(text, STRUCTURED_LIMITS.maxDepth);
        if (tooDeep !== undefined) {
            const { line, column } = lineAndColumn(text, tooDeep);
            throw new errors/* UserError */.yo(`The ${what} "${path}" nests objects and arrays more than ${STRUCTURED_LIMITS.maxDepth} levels deep (at line ${line}, column ${column}). A ${what} needs far fewer; flatten it.`);
        }
        return value;
    }
    const yaml = await __nccwpck_require__.e(/* import() */ 243).then(__nccwpck_require__.bind(__nccwpck_require__, 33243));
    let value;
    try {
        value = yaml.load(text, {
            filename: path,
            maxDepth: STRUCTURED_LIMITS.maxDepth,
            maxAliases: STRUCTURED_LIMITS.maxAliases,
        });
    }
    catch (error) {
        if (!(error instanceof yaml.YAMLException))
            throw error;
        const mark = error.mark
            ? ` at line ${error.mark.line + 1}, column ${error.mark.column + 1}`
            : '';
        if (/maxAliases/.test(error.reason)) {
            throw new errors/* UserError */.yo(`The ${what} "${path}" has more than ${STRUCTURED_LIMITS.maxAliases} YAML aliases (the one past the limit is${mark}); write the values out instead of repeating anchors.`);
        }
        if (/maxDepth/.test(error.reason)) {
            throw new errors/* UserError */.yo(`The ${what} "${path}" nests mappings and lists more than ${STRUCTURED_LIMITS.maxDepth} levels deep${mark}. A ${what} needs far fewer; flatten it.`);
        }
        throw new errors/* UserError */.yo(`The ${what} "${path}" is not valid YAML${mark}: ${error.reason}.`);
    }
    checkExpandedSize(value, path, what);
    return value;
}
/**
 * Refuses a YAML document whose aliases make it larger or deeper than the limits once
 * expanded, or make it contain itself. Each distinct list or mapping is measured once (an alias
 * is the same object as its anchor), so measuring costs the document's size, not its expansion.
 */
function checkExpandedSize(value, path, what) {
    const { values, depth, distinct, cycle } = measureExpanded(value, STRUCTURED_LIMITS.maxExpandedValues);
    if (cycle)
        throw new errors/* UserError */.yo(`The ${what} "${path}" has a YAML alias inside the node it refers to, so it would contain itself; write the values out.`);
    if (values > distinct && values > STRUCTURED_LIMITS.maxExpandedValues) {
        throw new errors/* UserError */.yo(`The ${what} "${path}" has YAML aliases that expand to more than ${STRUCTURED_LIMITS.maxExpandedValues.toLocaleString('en-US')} values; write the values out (a ${what} needs far fewer).`);
    }
    if (depth > STRUCTURED_LIMITS.maxDepth) {
        throw new errors/* UserError */.yo(`The ${what} "${path}" has YAML aliases that nest mappings and lists more than ${STRUCTURED_LIMITS.maxDepth} levels deep once expanded; write the values out.`);
    }
}
/** Measures a parsed document with aliases expanded, without recursion (its depth is what is in question) and memoised per object. */
function measureExpanded(root, limit = Infinity) {
    if (root === null || typeof root !== 'object')
        return { values: 1, depth: 0, distinct: 1, cycle: false };
    const measured = new Map();
    const open = new Set();
    let distinct = 0;
    const stack = [];
    const enter = (node) => {
        open.add(node);
        distinct++;
        stack.push({
            node,
            children: Array.isArray(node) ? node : Object.values(node),
            next: 0,
            values: 1,
            depth: 1,
        });
    };
    enter(root);
    let result = { values: 1, depth: 1 };
    while (stack.length) {
        const frame = stack.at(-1);
        if (frame.next < frame.children.length && frame.values <= limit) {
            const child = frame.children[frame.next++];
            if (child === null || typeof child !== 'object' || child instanceof Date) {
                frame.values++;
                distinct++;
                continue;
            }
            if (open.has(child))
                return { values: frame.values, depth: stack.length, distinct, cycle: true };
            const known = measured.get(child);
            if (known) {
                frame.values += known.values;
                frame.depth = Math.max(frame.depth, known.depth + 1);
            }
            else
                enter(child);
            continue;
        }
        stack.pop();
        open.delete(frame.node);
        result = { values: frame.values, depth: frame.depth };
        measured.set(frame.node, result);
        const parent = stack.at(-1);
        if (parent) {
            parent.values += frame.values;
            parent.depth = Math.max(parent.depth, frame.depth + 1);
        }
    }
    return { ...result, distinct, cycle: false };
}
/**
 * JSON.parse's message depends on the Node version: some give a position, others quote the
 * text instead. Keep the reason, on one line, and find where the text goes wrong.
 */
async function describeJsonError(error, text) {
    // Node quotes the text (whole, or "..."-shortened); keep only the reason.
    const reason = error.message
        .replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '')
        .replace(/ (?:in JSON )?at position \d+.*$/s, '')
        .replace(/\s+/g, ' ');
    const { line, column } = lineAndColumn(text, jsonErrorOffset(text, error));
    return `${reason} at line ${line}, column ${column}`;
}
/**
 * The offset of the first character JSON.parse rejects. When the message does not say, the
 * shortest prefix of the text that fails for a reason other than ending early is found by
 * bisection (only on this error path, so its O(n log n) cost does not matter).
 */
function jsonErrorOffset(text, error) {
    const reported = positionIn(error);
    if (reported !== undefined)
        return reported;
    const endsEarly = (prefixLength) => {
        try {
            JSON.parse(text.slice(0, prefixLength));
            return true;
        }
        catch (prefixError) {
            const message = prefixError.message;
            const position = positionIn(prefixError);
            return (/end of JSON input|Unterminated/.test(message) ||
                (position !== undefined && position >= prefixLength));
        }
    };
    let good = 0;
    let bad = text.length;
    while (bad - good > 1) {
        const middle = Math.floor((good + bad) / 2);
        if (endsEarly(middle))
            good = middle;
        else
            bad = middle;
    }
    return bad - 1;
}
function positionIn(error) {
    const match = /position (\d+)/.exec(error.message);
    return match ? Number(match[1]) : undefined;
}
function lineAndColumn(text, offset) {
    const before = text.slice(0, offset);
    return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}
/** Reads, parses and validates a config-like file. */
async function readStructuredFile(path, schema, what, baseDir = process.cwd()) {
    const text = await read_file_readUserFile(path, what, baseDir);
    const value = await parseStructured(text, path, what);
    return validateStructured(value, schema, { path, what, text });
}
async function validateStructured(value, schema, source) {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success)
        return result.data;
    const issues = result.error.issues.slice(0, 10);
    const lines = source.text
        ? await locateLines(source.text, issues.map((issue) => issue.path))
        : [];
    const problems = issues.map((issue, index) => {
        const field = issue.path.length ? `"${formatPath(issue.path)}"` : 'the top level';
        const line = lines[index] ? ` (line ${lines[index]})` : '';
        return `${field}${line}: ${issue.message}${describeInput(issue)}`;
    });
    const more = result.error.issues.length > issues.length
        ? `; and ${result.error.issues.length - issues.length} more`
        : '';
    throw new errors/* UserError */.yo(`The ${source.what} "${source.path}" is not valid: ${problems.join('; ')}${more}.`);
}
/** The offending value, when it is short and the message does not already show it. */
function describeInput(issue) {
    const input = issue.input;
    if (input === undefined || (typeof input === 'object' && input !== null))
        return '';
    const shown = JSON.stringify(input);
    return shown.length <= 60 && !issue.message.includes(shown) ? `, got ${shown}` : '';
}
function formatPath(path) {
    return path.reduce((out, key) => typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key), '');
}
const keyOf = (path) => JSON.stringify(path.map(String));
/** The line of the deepest node that exists along each path (JSON is YAML, so one walker serves both). */
async function locateLines(text, paths) {
    const offsets = await nodeOffsets(text).catch(() => new Map());
    return paths.map((path) => {
        for (let depth = path.length; depth >= 0; depth--) {
            const offset = offsets.get(keyOf(path.slice(0, depth)));
            if (offset !== undefined)
                return lineAndColumn(text, offset).line;
        }
        return undefined;
    });
}
/** Source offsets of every node of the first document, by path. */
async function nodeOffsets(text) {
    const yaml = await __nccwpck_require__.e(/* import() */ 243).then(__nccwpck_require__.bind(__nccwpck_require__, 33243));
    const offsets = new Map();
    const stack = [];
    /** Path of the node that starts now, or undefined when it is a mapping key. */
    const nextPath = () => {
        const top = stack.at(-1);
        if (!top)
            return [];
        if (top.kind === 'sequence')
            return [...top.path, String(top.index++)];
        if (top.pendingKey === undefined)
            return undefined;
        const path = [...top.path, top.pendingKey];
        top.pendingKey = undefined;
        return path;
    };
    for (const event of yaml.parseEvents(text, {})) {
        if (event.type === yaml.EVENT_ID.SCALAR) {
            const path = nextPath();
            if (path)
                offsets.set(keyOf(path), event.valueStart);
            else
                stack.at(-1).pendingKey = yaml.getScalarValue(text, event);
        }
        else if (event.type === yaml.EVENT_ID.MAPPING || event.type === yaml.EVENT_ID.SEQUENCE) {
            const path = nextPath() ?? [...stack.at(-1).path, '?'];
            offsets.set(keyOf(path), event.start);
            stack.push({
                kind: event.type === yaml.EVENT_ID.MAPPING ? 'mapping' : 'sequence',
                path,
                index: 0,
            });
        }
        else if (event.type === yaml.EVENT_ID.ALIAS) {
            nextPath();
        }
        else if (event.type === yaml.EVENT_ID.POP) {
            stack.pop();
            if (stack.length === 0)
                break;
        }
    }
    return offsets;
}

;// CONCATENATED MODULE: ./shared/metrics/direction.ts
/** The suite's metrics that are better when lower; its other metrics are better when higher. */
const LOWER_IS_BETTER = new Set([
    'log_loss',
    'brier_score',
    'mae',
    'mse',
    'rmse',
    'mape',
    'median_absolute_error',
    'mean_squared_log_error',
    'max_error',
]);
const HIGHER_IS_BETTER = new Set([
    'accuracy',
    'balanced_accuracy',
    'precision',
    'recall',
    'f1',
    'precision_macro',
    'precision_weighted',
    'recall_macro',
    'recall_weighted',
    'f1_macro',
    'f1_weighted',
    'matthews_corrcoef',
    'roc_auc',
    'roc_auc_ovr',
    'roc_auc_ovr_weighted',
    'average_precision',
    'r2',
    'explained_variance',
    'd2_absolute_error_score',
]);
/** Words in a metric's name that say which way it is better. */
const LOWER_WORDS = new Set([
    'loss',
    'error',
    'errors',
    'err',
    'latency',
    'ms',
    'seconds',
    'duration',
    'time',
    'cost',
    'rmse',
    'mae',
    'mse',
    'mape',
    'ece',
    'brier',
    'perplexity',
    'wer',
    'cer',
]);
const HIGHER_WORDS = new Set([
    'accuracy',
    'acc',
    'auc',
    'f1',
    'precision',
    'recall',
    'r2',
    'ndcg',
    'map',
    'mrr',
    'bleu',
    'rouge',
    'iou',
    'dice',
    'score',
]);
/** True for the suite's metrics that are better when lower (evaluate-model's slice summary). */
function lowerIsBetter(metric) {
    return LOWER_IS_BETTER.has(metric);
}
/**
 * The better direction of a metric by its name: the suite's metrics and their per-class values
 * (`recall.<class>`) exactly, other names by their words; undefined when the name does not say.
 */
function metricDirection(metric) {
    for (const name of [metric, metric.split('.')[0]]) {
        if (LOWER_IS_BETTER.has(name))
            return 'lower';
        if (HIGHER_IS_BETTER.has(name))
            return 'higher';
    }
    const words = metric.toLowerCase().split(/[^a-z0-9]+/);
    const lower = words.some((word) => LOWER_WORDS.has(word));
    const higher = words.some((word) => HIGHER_WORDS.has(word));
    return lower === higher ? undefined : lower ? 'lower' : 'higher';
}

// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 14 modules
var schemas = __nccwpck_require__(45586);
;// CONCATENATED MODULE: ./shared/monitor/tests.ts
/**
 * The drift tests a feature can be judged by, their defaults and Evidently's rule for choosing
 * one (evidently `stattests/registry.py` `_get_default_stattest`, reference size ≤ 1000 rows).
 */
const DRIFT_TESTS = ['ks', 'wasserstein', 'psi', 'jensenshannon', 'chisquare'];
const TEST_RULES = {
    ks: { measures: 'p-value', threshold: 0.05, drifted: (p, t) => p <= t, kinds: ['numeric'] },
    chisquare: {
        measures: 'p-value',
        threshold: 0.05,
        drifted: (p, t) => p < t,
        kinds: ['categorical'],
    },
    wasserstein: {
        measures: 'distance',
        threshold: 0.1,
        drifted: (d, t) => d >= t,
        kinds: ['numeric'],
    },
    jensenshannon: {
        measures: 'distance',
        threshold: 0.1,
        drifted: (d, t) => d >= t,
        kinds: ['categorical'],
    },
    psi: {
        measures: 'distance',
        threshold: 0.1,
        drifted: (d, t) => d >= t,
        kinds: ['numeric', 'categorical'],
    },
};
/** Above this many reference values a p-value flags everything: use a distance instead. */
const SMALL_REFERENCE = 1000;
/** Numeric columns with at most this many distinct values are compared as categories. */
const FEW_DISTINCT = 5;
function defaultTest(kind, referenceCount) {
    const small = referenceCount <= SMALL_REFERENCE;
    if (kind === 'numeric')
        return small ? 'ks' : 'wasserstein';
    return small ? 'chisquare' : 'jensenshannon';
}
/** Evidently `get_dataset_drift`: the data drifts when at least this share of features drift. */
const DEFAULT_DRIFT_SHARE = 0.5;

;// CONCATENATED MODULE: ./shared/monitor/policy.ts
/**
 * The `monitor:` section of the gate policy file: how monitor-model judges a window of serving
 * data. Performance is judged by the policy's own `metrics:` rules (the window's metrics against
 * those recorded with the deployed model, by the same evaluator as a pull request), so one file
 * says what "good enough" means before and after release; this section adds what only the
 * monitor sees: drift, data quality, and when to ask for retraining.
 */


const LEVELS = ['fail', 'warn', 'info'];
const share = schemas/* number */.aig().min(0).max(1);
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/**
 * A duration as people write one in a config: `30m`, `12h`, `7d`, `2w`. A regular expression
 * rather than a library: four units and a whole number are all the file accepts, and a value
 * outside that grammar must be refused, not guessed.
 */
const durationSchema = schemas/* string */.YjP()
    .regex(/^\d{1,6}\s*[mhdw]$/, 'a whole number and a unit: m, h, d or w, e.g. "7d"')
    .transform((text) => {
    const unit = text.at(-1);
    return Number.parseInt(text, 10) * UNIT_MS[unit];
});
const featureOverride = schemas/* strictObject */.rej({
    test: schemas/* enum */.k5n(DRIFT_TESTS).optional(),
    threshold: schemas/* number */.aig().finite().optional(),
});
const driftSection = schemas/* strictObject */.rej({
    /** The data set drifts when at least this share of the compared features drift (Evidently's 0.5). */
    share: share.default(DEFAULT_DRIFT_SHARE),
    /** What a drifted data set does to the status: fail makes it `drifting`. */
    level: schemas/* enum */.k5n(LEVELS).default('fail'),
    /** Per feature: the test and threshold that replace the defaults (docs/monitoring.md). */
    features: schemas/* record */.g1P(schemas/* string */.YjP(), featureOverride).default({}),
    /** Columns not compared (identifiers, timestamps): drift in them means nothing. */
    ignore: schemas/* array */.YOg(schemas/* string */.YjP()).default([]),
});
const predictionsSection = schemas/* strictObject */.rej({
    /** What drift of a prediction or score column does to the status: fail makes it `drifting`. */
    level: schemas/* enum */.k5n(LEVELS).default('fail'),
    features: schemas/* record */.g1P(schemas/* string */.YjP(), featureOverride).default({}),
});
const qualitySection = schemas/* strictObject */.rej({
    /** How much a feature's missing rate may rise (absolute, e.g. 0.05 = five points). */
    'max-missing-increase': share.default(0.05),
    /** Share of values outside the reference's range, or in categories it never had. */
    'max-outside-range': share.default(0.05),
    /** What a quality problem does: fail makes the status `drifting`; by default only a warning. */
    level: schemas/* enum */.k5n(LEVELS).default('warn'),
});
const STATUSES = ['drifting', 'degraded'];
const retrainSection = schemas/* strictObject */.rej({
    /** At most one dispatch of the retraining workflow within this time. */
    cooldown: durationSchema.prefault('7d'),
    /** Which statuses ask for retraining. */
    on: schemas/* array */.YOg(schemas/* enum */.k5n(STATUSES)).min(1).default(['degraded', 'drifting']),
});
const performanceSection = schemas/* strictObject */.rej({
    /** What a failed metric rule does to the status when labels are present: fail makes it `degraded`. */
    level: schemas/* enum */.k5n(LEVELS).default('fail'),
    /**
     * The same for performance estimated from scores alone. An estimate is judged with
     * `inconclusive-within-ci`: only a regression beyond its interval counts.
     */
    'estimated-level': schemas/* enum */.k5n(LEVELS).default('fail'),
});
const fairnessSection = schemas/* strictObject */.rej({
    /**
     * The sensitive attributes whose selection-rate parity is tracked, as evaluate-model's
     * `sensitive-features` writes them: a column, or `a,b` for the intersection of two. Empty:
     * not tracked. The window must carry the columns and the prediction.
     */
    attributes: schemas/* array */.YOg(schemas/* string */.YjP().min(1)).default([]),
    /** The lowest demographic_parity_ratio allowed: 0.8 is the four-fifths rule. */
    'min-ratio': share.default(0.8),
    /** The largest demographic_parity_difference allowed; absent: not judged. */
    'max-difference': share.optional(),
    /** Groups with fewer rows in the window are shown merged and left out of the measures. */
    'min-group-size': schemas/* number */.aig().int().min(1).default(30),
    /** What a breach does: fail makes the status `degraded` (the model's outputs fail the policy). */
    level: schemas/* enum */.k5n(LEVELS).default('fail'),
});
const monitorPolicySchema = schemas/* strictObject */.rej({
    drift: driftSection.default(driftSection.parse({})),
    predictions: predictionsSection.default(predictionsSection.parse({})),
    quality: qualitySection.default(qualitySection.parse({})),
    performance: performanceSection.default(performanceSection.parse({})),
    retrain: retrainSection.default(retrainSection.parse({})),
    fairness: fairnessSection.default(fairnessSection.parse({})),
});
/** The defaults, for a policy file without a `monitor:` section (or without a file). */
const DEFAULT_MONITOR_POLICY = monitorPolicySchema.parse({});
/** The `monitor:` section of a gate policy, or the defaults when it has none. */
function monitorPolicyOf(policy) {
    return policy.monitor ?? DEFAULT_MONITOR_POLICY;
}

;// CONCATENATED MODULE: ./shared/gates/policy.ts
/** The gate policy file: how a candidate's metrics are judged, alone and against a baseline. */



const policy_LEVELS = ['fail', 'warn', 'info'];
const nonNegative = schemas/* number */.aig().nonnegative();
/**
 * Rules on a metric's slices (metrics reports carry `slices: {slice: {metric: {value, ci, n}}}`).
 * They judge the worst slice, where the model is weakest, and the spread between best and worst.
 */
const sliceRule = schemas/* object */.Ikc({
    /** The worst slice must reach this value (at most this, when lower is better). */
    min: schemas/* number */.aig().optional(),
    max: schemas/* number */.aig().optional(),
    /** How much the worst slice may lose against the baseline's worst slice, absolute. */
    'max-regression': nonNegative.optional(),
    /** How far the best and the worst slice may lie apart. */
    'max-gap': nonNegative.optional(),
    /** Slices with fewer examples than this are shown but not judged (too noisy). */
    'min-n': schemas/* number */.aig().int().nonnegative().default(0),
    level: schemas/* enum */.k5n(policy_LEVELS).optional(),
})
    .strict();
const metricRule = schemas/* object */.Ikc({
    direction: schemas/* enum */.k5n(['higher', 'lower'], {
        error: 'direction must be "higher" or "lower" (which way is better)',
    }),
    min: schemas/* number */.aig().optional(),
    max: schemas/* number */.aig().optional(),
    'max-regression': nonNegative.optional(),
    'max-regression-relative': nonNegative.optional(),
    'min-improvement': schemas/* number */.aig().optional(),
    level: schemas/* enum */.k5n(policy_LEVELS).default('fail'),
    /** Overrides the policy's `inconclusive-within-ci` for this metric. */
    'inconclusive-within-ci': schemas/* boolean */.zMY().optional(),
    slices: sliceRule.optional(),
})
    .strict()
    .refine((rule) => rule.min === undefined || rule.max === undefined || rule.min <= rule.max, {
    error: 'min is greater than max',
    path: ['min'],
});
/**
 * A rule on one disparity measure of one sensitive attribute (the metrics report's `fairness`
 * section, measures named as fairlearn names them). Judged on the measure's interval: pass when
 * the whole interval keeps the rule, fail when the whole interval breaks it, inconclusive when
 * it straddles the limit (judge.ts).
 */
const fairnessRule = schemas/* object */.Ikc({
    /** The largest tolerated disparity, for a `..._difference` measure (0 = no gap at all). */
    'max-difference': nonNegative.optional(),
    /**
     * The smallest tolerated ratio of the lowest group to the highest, for a `..._ratio`
     * measure. 0.8 on demographic_parity_ratio is the four-fifths rule of the US Uniform
     * Guidelines on Employee Selection Procedures, 29 CFR 1607.4(D): a selection rate under 80%
     * of the highest group's is evidence of adverse impact.
     */
    'min-ratio': schemas/* number */.aig()
        .min(0, { error: 'min-ratio must be a ratio from 0 to 1 (0.8 is the four-fifths rule)' })
        .max(1, { error: 'min-ratio must be a ratio from 0 to 1 (0.8 is the four-fifths rule)' })
        .optional(),
    /** How much the disparity may grow against production's same measure, absolute. */
    'max-regression': nonNegative.optional(),
    level: schemas/* enum */.k5n(policy_LEVELS).default('fail'),
})
    .strict()
    .refine((rule) => rule['max-difference'] !== undefined ||
    rule['min-ratio'] !== undefined ||
    rule['max-regression'] !== undefined, { error: 'a fairness rule needs max-difference, min-ratio or max-regression' });
/** Fairlearn's measure names: `<name>_difference` or `<name>_ratio`, `[<class>]` one-vs-rest. */
const MEASURE_NAME = /^[a-z0-9_]+_(difference|ratio)(\[.*\])?$/s;
/** Which way a disparity measure is better: a difference is 0 at parity, a ratio 1. */
function measureKind(measure) {
    const kind = MEASURE_NAME.exec(measure)?.[1];
    return kind === 'difference' || kind === 'ratio' ? kind : undefined;
}
const fairnessMeasures = schemas/* record */.g1P(schemas/* string */.YjP().min(1), fairnessRule).superRefine((rules, ctx) => {
    for (const [measure, rule] of Object.entries(rules)) {
        const kind = measureKind(measure);
        if (!kind)
            ctx.addIssue({
                code: 'custom',
                path: [measure],
                message: `"${measure}" is not a disparity measure: expected fairlearn's name of one, ending in _difference or _ratio (e.g. demographic_parity_ratio, equalized_odds_difference; demographic_parity_ratio[<class>] for a multiclass model)`,
            });
        else if (kind === 'difference' && rule['min-ratio'] !== undefined)
            ctx.addIssue({
                code: 'custom',
                path: [measure, 'min-ratio'],
                message: `min-ratio judges a ..._ratio measure; "${measure}" is a difference: use max-difference`,
            });
        else if (kind === 'ratio' && rule['max-difference'] !== undefined)
            ctx.addIssue({
                code: 'custom',
                path: [measure, 'max-difference'],
                message: `max-difference judges a ..._difference measure; "${measure}" is a ratio: use min-ratio`,
            });
    }
});
const gatePolicySchema = schemas/* object */.Ikc({
    'on-missing-baseline': schemas/* enum */.k5n(['pass', 'warn', 'fail']).default('warn'),
    /**
     * When true, a regression beyond tolerance whose baseline value lies inside the candidate's
     * confidence interval is `inconclusive` (the data cannot tell the two models apart), not failed.
     */
    'inconclusive-within-ci': schemas/* boolean */.zMY().default(false),
    /**
     * What a notable regression of a metric or slice that no rule gates does to the verdict:
     * `info` (the comment lists it), `warn` or `fail`. Notable: the baseline lies outside the
     * candidate's confidence interval, or, without one, the change exceeds 5% (judge.ts).
     */
    'notable-regressions': schemas/* enum */.k5n(policy_LEVELS).default('info'),
    metrics: schemas/* record */.g1P(schemas/* string */.YjP().min(1), metricRule).default({}),
    /**
     * Per sensitive attribute as evaluate-model's `sensitive-features` names it (`sex`, or
     * `sex,age_band` for an intersection), per disparity measure: a fairnessRule.
     */
    fairness: schemas/* record */.g1P(schemas/* string */.YjP().min(1), fairnessMeasures).optional(),
    /** How monitor-model judges serving data (shared/monitor/policy.ts); compare-metrics ignores it. */
    monitor: monitorPolicySchema.optional(),
})
    .strict();
const EMPTY_POLICY = {
    'on-missing-baseline': 'warn',
    'inconclusive-within-ci': false,
    'notable-regressions': 'info',
    metrics: {},
};
async function loadGatePolicy(path, baseDir = process.cwd()) {
    return path ? readStructuredFile(path, gatePolicySchema, 'gate policy', baseDir) : EMPTY_POLICY;
}

;// CONCATENATED MODULE: ./shared/gates/judge.ts
/**
 * The gate evaluator, pure: candidate and baseline values in, a status per metric and per
 * sliced metric, and one verdict out. compare-metrics and promote-model both call it, so a
 * model that passed on the pull request is judged by the same rules when it is promoted.
 *
 * Noise: with `inconclusive-within-ci`, a regression beyond tolerance whose baseline value lies
 * inside the candidate's confidence interval is `inconclusive` instead of `fail` (a warn-level
 * rule stays `warn`). Only regressions are softened this way: absolute bounds are judged on the
 * point value, and a required improvement must be shown, not merely not ruled out.
 * The verdict is the worst status: fail, then inconclusive, then warn, then pass.
 *
 * Notable changes: every metric and slice metric, gated or not, whose change is unlikely to be
 * noise: the baseline lies outside the candidate's confidence interval, or, where there is no
 * interval (or it has no width), the change exceeds NOTABLE_RELATIVE of the larger of the two
 * values. The policy's `notable-regressions` gives an ungated one its status (info by default);
 * a gated one is its gate's business and is not judged twice.
 */


/** Without an interval, a change of more than this fraction of the larger value is notable. */
const NOTABLE_RELATIVE = 0.05;
/** Float noise (0.1 + 0.2) must not turn an exact limit into a failure. */
const EPSILON = 1e-12;
function entry(input) {
    if (input === undefined)
        return undefined;
    if (typeof input === 'number')
        return { value: input };
    return {
        value: input.value,
        ...(input.ci ? { ci: [input.ci[0], input.ci[1]] } : {}),
        ...(input.n !== undefined ? { n: input.n } : {}),
    };
}
function evaluateGates(candidate, baseline, policy, options = {}) {
    const names = [
        ...new Set([
            ...Object.keys(policy.metrics),
            ...Object.keys(candidate),
            ...Object.keys(baseline ?? {}),
        ]),
    ];
    const hasBaseline = baseline !== undefined;
    const metrics = names.map((name) => compareMetric(name, entry(candidate[name]), entry(baseline?.[name]), policy.metrics[name], policy, hasBaseline, options.candidateSkipped?.[name]));
    const slices = options.candidateSlices ? compareSlices(options, policy, hasBaseline) : [];
    const fairness = options.candidateFairness
        ? compareFairness(options.candidateFairness, options.baselineFairness, policy, hasBaseline)
        : [];
    const notable = notableChanges(metrics, slices, policy, fairness);
    return {
        verdict: overallVerdict([...metrics, ...slices, ...fairness, ...notable]),
        metrics,
        slices,
        fairness,
        notable,
        hasBaseline,
    };
}
/** The changes beyond the noise among the metrics and the judged slices; see the header. */
function notableChanges(metrics, slices, policy, fairness = []) {
    const found = [];
    const direction = (metric) => (Object.hasOwn(policy.metrics, metric) ? policy.metrics[metric]?.direction : undefined) ??
        metricDirection(metric);
    const consider = (metric, slice, candidate, baseline, gate) => {
        if (candidate === undefined || baseline === undefined)
            return;
        const change = notable(candidate, baseline);
        if (!change)
            return;
        const better = direction(metric);
        const delta = candidate.value - baseline;
        const kind = better === undefined
            ? 'change'
            : delta > 0 === (better === 'higher')
                ? 'improvement'
                : 'regression';
        const gated = Boolean(gate.rule);
        found.push({
            metric,
            ...(slice === undefined ? {} : { slice }),
            baseline,
            candidate: candidate.value,
            delta,
            ...(change.basis === 'ci' ? { ci: candidate.ci } : {}),
            kind,
            ...change,
            gated,
            status: gated ? gate.status : kind === 'regression' ? policy['notable-regressions'] : 'info',
        });
    };
    for (const m of metrics)
        if (m.candidate !== undefined)
            consider(m.name, undefined, { value: m.candidate, ci: m.candidateCi }, m.baseline, m);
    for (const s of slices)
        for (const row of s.rows)
            if (!row.ignored)
                consider(s.metric, row.slice, row.candidate, row.baseline?.value, s);
    // A disparity that grew beyond its interval is notable, gated or not: a difference is better
    // lower, a ratio higher.
    for (const f of fairness) {
        if (typeof f.candidate !== 'number' || typeof f.baseline !== 'number')
            continue;
        const change = notable({ value: f.candidate, ci: f.candidateCi }, f.baseline);
        if (!change)
            continue;
        const delta = f.candidate - f.baseline;
        const kind = delta > 0 === (measureKind(f.measure) === 'ratio') ? 'improvement' : 'regression';
        const gated = Boolean(f.rule);
        found.push({
            metric: f.measure,
            attribute: f.attribute,
            baseline: f.baseline,
            candidate: f.candidate,
            delta,
            ...(change.basis === 'ci' ? { ci: f.candidateCi } : {}),
            kind,
            ...change,
            gated,
            status: gated ? f.status : kind === 'regression' ? policy['notable-regressions'] : 'info',
        });
    }
    const order = { regression: 0, improvement: 1, change: 2 };
    return found.sort((a, b) => order[a.kind] - order[b.kind] ||
        // Equal sizes up to float noise fall back to the names, so the order is stable.
        (Math.abs(b.size - a.size) > 1e-9 ? b.size - a.size : 0) ||
        a.metric.localeCompare(b.metric) ||
        (a.attribute ?? '').localeCompare(b.attribute ?? '') ||
        (a.slice ?? '').localeCompare(b.slice ?? ''));
}
/** Whether a change is beyond the noise, and by how much; undefined when it is not. */
function notable(candidate, baseline) {
    const delta = candidate.value - baseline;
    if (Math.abs(delta) <= EPSILON)
        return undefined;
    const ci = candidate.ci;
    if (ci && ci[1] - ci[0] > EPSILON) {
        if (within(ci, baseline))
            return undefined;
        return { basis: 'ci', size: Math.abs(delta) / ((ci[1] - ci[0]) / 2) };
    }
    const relative = Math.abs(delta) / Math.max(Math.abs(candidate.value), Math.abs(baseline));
    return relative > NOTABLE_RELATIVE + EPSILON
        ? { basis: 'relative', size: relative / NOTABLE_RELATIVE }
        : undefined;
}
/**
 * What fails, in plain words, one entry per metric, sliced metric or notable regression whose
 * status is fail: the reasons a refused promotion gives.
 */
function failures(result) {
    return [
        ...result.metrics
            .filter((m) => m.status === 'fail')
            .map((m) => `${m.name}: ${m.reasons.join('; ')}`),
        ...result.slices
            .filter((s) => s.status === 'fail')
            .map((s) => `${s.metric} by slice: ${s.reasons.join('; ')}`),
        ...(result.fairness ?? [])
            .filter((f) => f.status === 'fail')
            .map((f) => `${fairnessName(f)}: ${f.reasons.join('; ')}`),
        ...result.notable
            .filter((n) => !n.gated && n.status === 'fail')
            .map((n) => `${describeNotable(n)} (notable-regressions: fail)`),
    ];
}
/** A notable change in plain words, for annotations; the comment renders its own. */
function describeNotable(change) {
    const what = change.attribute !== undefined
        ? `${change.metric} for "${change.attribute}"`
        : change.slice === undefined
            ? change.metric
            : `${change.metric} on slice "${change.slice}"`;
    const verb = change.kind === 'regression'
        ? 'regressed'
        : change.kind === 'improvement'
            ? 'improved'
            : 'changed';
    const noise = change.basis === 'ci'
        ? `outside the candidate's confidence interval ${interval(change.ci)}`
        : `more than ${percent(NOTABLE_RELATIVE)}`;
    return `${what} ${verb} from ${format(change.baseline)} to ${format(change.candidate)} (${change.delta >= 0 ? '+' : ''}${format(change.delta)}), ${noise}${change.gated ? '' : ', without a gate'}`;
}
function compareMetric(name, cand, base, rule, policy, hasBaseline, notComputed) {
    const comparison = {
        name,
        candidate: cand?.value,
        baseline: base?.value,
        status: 'pass',
        reasons: [],
    };
    if (cand === undefined && notComputed !== undefined)
        comparison.notComputed = notComputed;
    if (cand?.ci)
        comparison.candidateCi = cand.ci;
    if (base?.ci)
        comparison.baselineCi = base.ci;
    if (cand?.n !== undefined)
        comparison.n = cand.n;
    if (cand !== undefined && base !== undefined) {
        comparison.delta = cand.value - base.value;
        comparison.deltaRelative =
            base.value === 0 ? undefined : (cand.value - base.value) / Math.abs(base.value);
    }
    if (!rule) {
        comparison.status =
            cand === undefined ? 'removed' : base === undefined && hasBaseline ? 'added' : 'info';
        return comparison;
    }
    comparison.rule = describeRule(rule);
    if (cand === undefined)
        return flag(comparison, rule.level, notComputed !== undefined
            ? `not computed: ${notComputed}`
            : 'the candidate does not report this gated metric');
    if (rule.min !== undefined && cand.value < rule.min - EPSILON)
        flag(comparison, rule.level, `${format(cand.value)} is below the minimum ${format(rule.min)}`);
    if (rule.max !== undefined && cand.value > rule.max + EPSILON)
        flag(comparison, rule.level, `${format(cand.value)} is above the maximum ${format(rule.max)}`);
    const needsBaseline = rule['max-regression'] !== undefined ||
        rule['max-regression-relative'] !== undefined ||
        rule['min-improvement'] !== undefined;
    if (needsBaseline && base === undefined)
        return missingBaseline(comparison, rule.level, policy, hasBaseline
            ? 'the baseline does not report this metric'
            : 'there is no baseline to compare with');
    if (base === undefined)
        return comparison;
    const better = rule.direction === 'higher' ? 1 : -1;
    const improvement = (cand.value - base.value) * better;
    const regression = -improvement;
    const noisy = inconclusiveAllowed(rule, policy) && within(cand.ci, base.value);
    const regressed = (reason) => noisy
        ? flag(comparison, softened(rule.level), `${reason}, but the baseline lies inside the candidate's confidence interval ${interval(cand.ci)}`)
        : flag(comparison, rule.level, reason);
    const maxDrop = rule['max-regression'];
    if (maxDrop !== undefined && regression > maxDrop + EPSILON)
        regressed(`it got worse by ${format(regression)}, more than the tolerated ${format(maxDrop)}`);
    const maxRelative = rule['max-regression-relative'];
    if (maxRelative !== undefined &&
        base.value !== 0 &&
        regression / Math.abs(base.value) > maxRelative + EPSILON) {
        regressed(`it got worse by ${percent(regression / Math.abs(base.value))}, more than the tolerated ${percent(maxRelative)}`);
    }
    const minGain = rule['min-improvement'];
    if (minGain !== undefined && improvement < minGain - EPSILON)
        flag(comparison, rule.level, `it improved by ${format(improvement)}, less than the required ${format(minGain)}`);
    return comparison;
}
/** Slices of every metric the candidate reports by slice, judged where the policy has slice rules. */
function compareSlices(options, policy, hasBaseline) {
    const candidate = options.candidateSlices ?? {};
    const baseline = options.baselineSlices ?? {};
    const metricNames = new Set();
    for (const bySlice of Object.values(candidate))
        for (const name of Object.keys(bySlice))
            metricNames.add(name);
    for (const [name, rule] of Object.entries(policy.metrics))
        if (rule.slices)
            metricNames.add(name);
    return [...metricNames].map((metric) => compareSlicesOf(metric, candidate, baseline, policy.metrics[metric], policy, hasBaseline));
}
function sliceValues(slices, metric) {
    const values = [];
    for (const [slice, metrics] of Object.entries(slices)) {
        const found = entry(metrics[metric]);
        if (found)
            values.push({ slice, ...found });
    }
    return values;
}
function compareSlicesOf(metric, candidateSlices, baselineSlices, rule, policy, hasBaseline) {
    const sliceRule = rule?.slices;
    const minN = sliceRule?.['min-n'] ?? 0;
    const judged = (value) => value.n === undefined || value.n >= minN;
    const candidate = sliceValues(candidateSlices, metric);
    const baseline = sliceValues(baselineSlices, metric);
    const names = [...new Set([...candidate.map((v) => v.slice), ...baseline.map((v) => v.slice)])];
    const rows = names.map((slice) => {
        const cand = candidate.find((v) => v.slice === slice);
        return {
            slice,
            candidate: cand,
            baseline: baseline.find((v) => v.slice === slice),
            ignored: cand !== undefined && !judged(cand),
        };
    });
    const result = {
        metric,
        status: sliceRule ? 'pass' : 'info',
        reasons: [],
        rows,
    };
    const direction = rule?.direction ?? 'higher';
    const [worst, best] = extremes(candidate.filter(judged), direction);
    const [baselineWorst] = extremes(baseline.filter(judged), direction);
    if (worst)
        result.worst = worst;
    if (best)
        result.best = best;
    if (baselineWorst)
        result.baselineWorst = baselineWorst;
    if (worst && best)
        result.gap = Math.abs(best.value - worst.value);
    if (!rule || !sliceRule)
        return result;
    result.rule = describeSliceRule(sliceRule);
    const level = sliceRule.level ?? rule.level;
    if (!worst || !best)
        return flag(result, level, candidate.length
            ? `no slice has at least ${minN} examples to judge`
            : 'the candidate reports no slices for this metric');
    const names3 = (values) => values
        .slice(0, 3)
        .map((v) => `"${v.slice}" (${format(v.value)})`)
        .join(', ') + (values.length > 3 ? ` and ${values.length - 3} more` : '');
    const { min, max } = sliceRule;
    const below = min === undefined ? [] : candidate.filter((v) => judged(v) && v.value < min - EPSILON);
    const above = max === undefined ? [] : candidate.filter((v) => judged(v) && v.value > max + EPSILON);
    if (below.length)
        flag(result, level, `${below.length === 1 ? 'slice' : 'slices'} ${names3(below)} below the minimum ${format(min)}`);
    if (above.length)
        flag(result, level, `${above.length === 1 ? 'slice' : 'slices'} ${names3(above)} above the maximum ${format(max)}`);
    const maxGap = sliceRule['max-gap'];
    if (maxGap !== undefined && result.gap > maxGap + EPSILON) {
        flag(result, level, `the best slice "${best.slice}" and the worst "${worst.slice}" lie ${format(result.gap)} apart, more than the tolerated ${format(maxGap)}`);
    }
    const maxDrop = sliceRule['max-regression'];
    if (maxDrop !== undefined) {
        if (!baselineWorst)
            return missingBaseline(result, level, policy, hasBaseline
                ? 'the baseline reports no slices for this metric'
                : 'there is no baseline to compare with');
        const regression = (baselineWorst.value - worst.value) * (direction === 'higher' ? 1 : -1);
        if (regression > maxDrop + EPSILON) {
            const reason = `the worst slice "${worst.slice}" (${format(worst.value)}) is worse by ${format(regression)} than the baseline's worst "${baselineWorst.slice}" (${format(baselineWorst.value)}), more than the tolerated ${format(maxDrop)}`;
            if (inconclusiveAllowed(rule, policy) && within(worst.ci, baselineWorst.value))
                flag(result, softened(level), `${reason}, but that lies inside its confidence interval ${interval(worst.ci)}`);
            else
                flag(result, level, reason);
        }
    }
    return result;
}
/** The worst and the best value for the metric's direction. */
function extremes(values, direction) {
    if (!values.length)
        return [undefined, undefined];
    const sorted = [...values].sort((a, b) => (a.value - b.value) * (direction === 'higher' ? 1 : -1) || a.slice.localeCompare(b.slice));
    return [sorted[0], sorted.at(-1)];
}
function inconclusiveAllowed(rule, policy) {
    return rule['inconclusive-within-ci'] ?? policy['inconclusive-within-ci'];
}
function within(ci, value) {
    return ci !== undefined && ci[0] - EPSILON <= value && value <= ci[1] + EPSILON;
}
/** A failing regression inside the noise is inconclusive; a warn or info rule keeps its level. */
function softened(level) {
    return level === 'fail' ? 'inconclusive' : level;
}
function missingBaseline(result, level, policy, why) {
    const outcome = policy['on-missing-baseline'];
    if (outcome === 'pass')
        return result;
    return flag(result, outcome === 'fail' ? level : level === 'fail' ? 'warn' : level, `${why} (on-missing-baseline: ${outcome})`);
}
/** How bad a status is, for the worst-first orderings of the judgement and the comment. */
const SEVERITY = {
    pass: 0,
    info: 0,
    added: 0,
    removed: 0,
    warn: 1,
    inconclusive: 2,
    fail: 3,
};
function flag(result, status, reason) {
    result.reasons.push(reason);
    if (SEVERITY[status] >= SEVERITY[result.status] && status !== 'pass')
        result.status = status;
    return result;
}
function overallVerdict(results) {
    for (const verdict of ['fail', 'inconclusive', 'warn'])
        if (results.some((r) => r.status === verdict))
            return verdict;
    return 'pass';
}
function describeRule(rule) {
    const parts = [`${rule.direction} is better`];
    if (rule.min !== undefined)
        parts.push(`≥ ${format(rule.min)}`);
    if (rule.max !== undefined)
        parts.push(`≤ ${format(rule.max)}`);
    // "drop" for higher-is-better, "rise" for lower-is-better: the word says which way is worse.
    const worse = rule.direction === 'higher' ? 'drop' : 'rise';
    if (rule['max-regression'] !== undefined)
        parts.push(`${worse} ≤ ${format(rule['max-regression'])}`);
    if (rule['max-regression-relative'] !== undefined)
        parts.push(`${worse} ≤ ${percent(rule['max-regression-relative'])}`);
    if (rule['min-improvement'] !== undefined)
        parts.push(`gain ≥ ${format(rule['min-improvement'])}`);
    if (rule.level !== 'fail')
        parts.push(`${rule.level} only`);
    return parts.join('; ');
}
function describeSliceRule(rule) {
    const parts = [];
    if (rule.min !== undefined)
        parts.push(`every slice ≥ ${format(rule.min)}`);
    if (rule.max !== undefined)
        parts.push(`every slice ≤ ${format(rule.max)}`);
    if (rule['max-regression'] !== undefined)
        parts.push(`worst slice drop ≤ ${format(rule['max-regression'])}`);
    if (rule['max-gap'] !== undefined)
        parts.push(`best − worst ≤ ${format(rule['max-gap'])}`);
    if (rule['min-n'])
        parts.push(`slices with n ≥ ${rule['min-n']}`);
    if (rule.level && rule.level !== 'fail')
        parts.push(`${rule.level} only`);
    return parts.join('; ');
}
function interval(ci) {
    return `[${format(ci[0])}, ${format(ci[1])}]`;
}
function format(value) {
    if (!Number.isFinite(value))
        return String(value);
    return Number(value.toPrecision(4)).toString();
}
function percent(fraction) {
    return `${Number((fraction * 100).toPrecision(3))}%`;
}
/** A disparity measure in plain words: `demographic_parity_ratio for "sex"`. */
function fairnessName(f) {
    return `${f.measure} for "${f.attribute}"`;
}
/** The attribute's key as evaluate-model writes it: columns trimmed, joined by commas. */
function attributeKey(attribute) {
    return attribute
        .split(',')
        .map((part) => part.trim())
        .join(',');
}
/**
 * Every disparity measure the candidate or production reports, and every one a rule names,
 * per attribute. Ungated measures are `info`; a rule on a measure or attribute the candidate
 * does not report, or on a measure it reports as undefined, is a finding at the rule's level.
 */
function compareFairness(candidate, baseline, policy, hasBaseline) {
    const rules = new Map();
    for (const [attribute, measures] of Object.entries(policy.fairness ?? {}))
        rules.set(attributeKey(attribute), measures);
    const attributes = [
        ...new Set([...Object.keys(candidate), ...Object.keys(baseline ?? {}), ...rules.keys()]),
    ];
    const comparisons = [];
    for (const attribute of attributes) {
        const cand = Object.hasOwn(candidate, attribute) ? candidate[attribute] : undefined;
        const base = baseline && Object.hasOwn(baseline, attribute) ? baseline[attribute] : undefined;
        const ruled = rules.get(attribute) ?? {};
        const measures = [
            ...new Set([
                ...Object.keys(cand?.measures ?? {}),
                ...Object.keys(base?.measures ?? {}),
                ...Object.keys(ruled),
            ]),
        ];
        for (const measure of measures) {
            const rule = Object.hasOwn(ruled, measure) ? ruled[measure] : undefined;
            const c = cand && Object.hasOwn(cand.measures, measure) ? cand.measures[measure] : undefined;
            const b = base && Object.hasOwn(base.measures, measure) ? base.measures[measure] : undefined;
            const comparison = {
                attribute,
                measure,
                status: rule ? 'pass' : 'info',
                reasons: [],
                ...(c ? { candidate: c.value } : {}),
                ...(c?.ci ? { candidateCi: [c.ci[0], c.ci[1]] } : {}),
                ...(c?.worstGroup !== undefined ? { worstGroup: c.worstGroup } : {}),
                ...(b ? { baseline: b.value } : {}),
                ...(b?.ci ? { baselineCi: [b.ci[0], b.ci[1]] } : {}),
                ...(b?.worstGroup !== undefined ? { baselineWorstGroup: b.worstGroup } : {}),
            };
            if (!rule) {
                if (!c)
                    comparison.status = 'removed';
                else if (!b && hasBaseline && baseline)
                    comparison.status = 'added';
                comparisons.push(comparison);
                continue;
            }
            comparison.rule = describeFairnessRule(rule);
            const reported = cand !== undefined ? 'yes' : Object.keys(candidate).length ? 'no' : 'never';
            comparisons.push(judgeFairness(comparison, rule, reported, policy, hasBaseline));
        }
    }
    return comparisons;
}
/** One rule on one measure, on the candidate's interval (the point value where it has none). */
function judgeFairness(comparison, rule, 
/** never: the report has no fairness section at all (evaluated without sensitive-features). */
attributeReported, policy, hasBaseline) {
    const { level } = rule;
    const value = comparison.candidate;
    // A report without any fairness section (a plain metrics file, or evaluate-model without
    // sensitive-features) was never checked for bias: the comment says so at the top (render.ts),
    // but the verdict is left to the other rules, so that one policy can serve models evaluated
    // with and without sensitive features.
    if (attributeReported === 'never')
        return flag(comparison, 'info', `not checked for bias: the candidate's metrics report has no fairness section (evaluate-model's sensitive-features would list "${comparison.attribute}")`);
    if (attributeReported === 'no')
        return flag(comparison, level, `the candidate's metrics report has no fairness section for "${comparison.attribute}": list it in evaluate-model's sensitive-features`);
    if (value === undefined)
        return flag(comparison, level, `the candidate's metrics report has no measure ${comparison.measure} for "${comparison.attribute}"`);
    if (value === null)
        return flag(comparison, level, 'undefined: fewer than two groups have enough rows (min-group-size) and the rates it compares');
    // The interval as judged: it holds the point value too, whatever the bootstrap gave.
    const ci = comparison.candidateCi;
    const low = Math.min(value, ci?.[0] ?? value);
    const high = Math.max(value, ci?.[1] ?? value);
    const shown = ci ? `${format(value)} ${interval(ci)}` : format(value);
    // broken: the whole interval breaks the rule; kept: the whole interval keeps it; neither: it
    // straddles the limit, and the data cannot tell.
    const judge = (broken, kept, reason, limit) => {
        if (broken)
            flag(comparison, level, reason);
        else if (!kept)
            flag(comparison, softened(level), 
            // Only an interval can straddle: without one, low = high = the value.
            `the interval ${interval(ci)} straddles ${limit}: the data cannot tell whether the rule holds`);
    };
    const minRatio = rule['min-ratio'];
    if (minRatio !== undefined)
        judge(high < minRatio - EPSILON, low >= minRatio - EPSILON, `${shown} is below the minimum ratio ${format(minRatio)}${minRatio === 0.8 ? ' (the four-fifths rule)' : ''}`, `the minimum ratio ${format(minRatio)}`);
    const maxDifference = rule['max-difference'];
    if (maxDifference !== undefined)
        judge(low > maxDifference + EPSILON, high <= maxDifference + EPSILON, `${shown} is above the maximum difference ${format(maxDifference)}`, `the maximum difference ${format(maxDifference)}`);
    const maxRegression = rule['max-regression'];
    if (maxRegression !== undefined) {
        const base = comparison.baseline;
        if (typeof base !== 'number')
            return missingBaseline(comparison, level, policy, !hasBaseline
                ? 'there is no baseline to compare with'
                : base === null
                    ? "production's measure is undefined (fewer than two groups qualified)"
                    : `production's metrics report has no ${comparison.measure} for "${comparison.attribute}"`);
        // How much worse than production: a difference grows, a ratio falls.
        const ratio = measureKind(comparison.measure) === 'ratio';
        const worse = (x) => (ratio ? base - x : x - base);
        const least = Math.min(worse(low), worse(high));
        const most = Math.max(worse(low), worse(high));
        judge(least > maxRegression + EPSILON, most <= maxRegression + EPSILON, `${shown} is worse than production's ${format(base)} by ${format(worse(value))}, more than the tolerated ${format(maxRegression)}`, `production's ${format(base)} plus the tolerated ${format(maxRegression)}`);
    }
    return comparison;
}
function describeFairnessRule(rule) {
    const parts = [];
    if (rule['min-ratio'] !== undefined)
        parts.push(`ratio ≥ ${format(rule['min-ratio'])}${rule['min-ratio'] === 0.8 ? ' (four-fifths rule)' : ''}`);
    if (rule['max-difference'] !== undefined)
        parts.push(`difference ≤ ${format(rule['max-difference'])}`);
    if (rule['max-regression'] !== undefined)
        parts.push(`worse than production by ≤ ${format(rule['max-regression'])}`);
    parts.push('judged on the interval');
    if (rule.level !== 'fail')
        parts.push(`${rule.level} only`);
    return parts.join('; ');
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(73024);
// EXTERNAL MODULE: ./shared/github/client.ts
var client = __nccwpck_require__(16317);
;// CONCATENATED MODULE: ./shared/gates/policy-diff.ts
/**
 * What a pull request changes in the gate policy, rule by rule, and whether each change makes
 * the gates more lenient. compare-metrics judges a pull request by the base branch's policy and
 * shows these changes in the comment ("this PR loosens `accuracy` max-regression from 0.02 to
 * 0.2"), so that a reviewer sees a loosened gate before it applies.
 */


const CHANGE_KINDS = ['loosens', 'tightens', 'adds', 'removes', 'changes'];
/**
 * One change, as data (it is stored in the comparison document, which a fork's run may have
 * written, so every field is rendered escaped). `rule` is the key as written in the policy file
 * (`max-regression`, `slices.max-gap`); without it the metric's whole gate is added or removed.
 */
const policyChangeSchema = schemas/* object */.Ikc({
    metric: schemas/* string */.YjP().optional(),
    rule: schemas/* string */.YjP().optional(),
    kind: schemas/* enum */.k5n(CHANGE_KINDS),
    effect: schemas/* enum */.k5n(['looser', 'stricter', 'other']),
    from: schemas/* string */.YjP().optional(),
    to: schemas/* string */.YjP().optional(),
});
const upperBound = (value) => (value === undefined ? Infinity : Number(value));
const lowerBound = (value) => (value === undefined ? Infinity : -Number(value));
const LEVEL_LENIENCY = { fail: 0, warn: 1, info: 2 };
const MISSING_BASELINE_LENIENCY = { fail: 0, warn: 1, pass: 2 };
const METRIC_FIELDS = {
    direction: () => undefined,
    min: lowerBound,
    max: upperBound,
    'max-regression': upperBound,
    'max-regression-relative': upperBound,
    'min-improvement': lowerBound,
    level: (value) => LEVEL_LENIENCY[String(value)],
    // Softens a failed regression inside the noise to "inconclusive"; unset inherits the policy's.
    'inconclusive-within-ci': (value) => (value === true ? 1 : value === false ? 0 : undefined),
};
const SLICE_FIELDS = {
    min: lowerBound,
    max: upperBound,
    'max-regression': upperBound,
    'max-gap': upperBound,
    // Slices with fewer examples are not judged: a larger min-n judges fewer slices.
    'min-n': (value) => (value === undefined ? 0 : Number(value)),
    level: (value) => (value === undefined ? undefined : LEVEL_LENIENCY[String(value)]),
};
/**
 * The changes from `base` to `proposed`; undefined stands for no policy file (nothing gated).
 * Metrics in the order the files name them, base first.
 */
function diffPolicies(base, proposed) {
    const changes = [];
    const before = base?.metrics ?? {};
    const after = proposed?.metrics ?? {};
    if (base && proposed) {
        changes.push(...fieldChanges(undefined, '', { 'on-missing-baseline': base['on-missing-baseline'] }, { 'on-missing-baseline': proposed['on-missing-baseline'] }, { 'on-missing-baseline': (v) => MISSING_BASELINE_LENIENCY[String(v)] }));
        changes.push(...fieldChanges(undefined, '', { 'inconclusive-within-ci': base['inconclusive-within-ci'] }, { 'inconclusive-within-ci': proposed['inconclusive-within-ci'] }, { 'inconclusive-within-ci': METRIC_FIELDS['inconclusive-within-ci'] }));
        changes.push(...fieldChanges(undefined, '', { 'notable-regressions': base['notable-regressions'] }, { 'notable-regressions': proposed['notable-regressions'] }, { 'notable-regressions': METRIC_FIELDS.level }));
    }
    for (const metric of new Set([...Object.keys(before), ...Object.keys(after)])) {
        const from = Object.hasOwn(before, metric) ? before[metric] : undefined;
        const to = Object.hasOwn(after, metric) ? after[metric] : undefined;
        if (!from && to)
            changes.push({ metric, kind: 'adds', effect: 'stricter', to: describeWhole(to) });
        else if (from && !to)
            changes.push({ metric, kind: 'removes', effect: 'looser', from: describeWhole(from) });
        else if (from && to)
            changes.push(...metricChanges(metric, from, to, [
                base?.['inconclusive-within-ci'] ?? false,
                proposed?.['inconclusive-within-ci'] ?? false,
            ]));
    }
    changes.push(...fairnessChanges(base?.fairness ?? {}, proposed?.fairness ?? {}));
    return changes;
}
const FAIRNESS_FIELDS = {
    'min-ratio': lowerBound,
    'max-difference': upperBound,
    'max-regression': upperBound,
    level: (value) => LEVEL_LENIENCY[String(value)],
};
/** The fairness rules' changes, each named `<measure> for <attribute>` as the comment names it. */
function fairnessChanges(before, after) {
    const changes = [];
    const rules = (policy) => {
        const all = new Map();
        for (const [attribute, measures] of Object.entries(policy))
            for (const [measure, rule] of Object.entries(measures))
                all.set(fairnessName({ attribute, measure }), rule);
        return all;
    };
    const from = rules(before);
    const to = rules(after);
    for (const name of new Set([...from.keys(), ...to.keys()])) {
        const was = from.get(name);
        const now = to.get(name);
        if (!was && now)
            changes.push({
                metric: name,
                kind: 'adds',
                effect: 'stricter',
                to: describeFairnessRule(now),
            });
        else if (was && !now)
            changes.push({
                metric: name,
                kind: 'removes',
                effect: 'looser',
                from: describeFairnessRule(was),
            });
        else if (was && now)
            changes.push(...fieldChanges(name, '', was, now, FAIRNESS_FIELDS));
    }
    return changes;
}
function describeWhole(rule) {
    return rule.slices
        ? `${describeRule(rule)}; by slice: ${describeSliceRule(rule.slices)}`
        : describeRule(rule);
}
/** `inherited`: the policies' own `inconclusive-within-ci`, which a metric without one follows. */
function metricChanges(metric, from, to, inherited) {
    const changes = fieldChanges(metric, '', from, to, METRIC_FIELDS);
    const softening = changes.find((change) => change.rule === 'inconclusive-within-ci');
    if (softening) {
        const was = from['inconclusive-within-ci'] ?? inherited[0];
        const now = to['inconclusive-within-ci'] ?? inherited[1];
        softening.effect = was === now ? 'other' : now ? 'looser' : 'stricter';
    }
    if (!from.slices && to.slices)
        changes.push({
            metric,
            rule: 'slices',
            kind: 'adds',
            effect: 'stricter',
            to: describeSliceRule(to.slices),
        });
    else if (from.slices && !to.slices)
        changes.push({
            metric,
            rule: 'slices',
            kind: 'removes',
            effect: 'looser',
            from: describeSliceRule(from.slices),
        });
    else if (from.slices && to.slices) {
        // An unset slice level is the metric's level.
        const level = (slices, rule) => ({
            ...slices,
            level: slices.level ?? rule.level,
        });
        changes.push(...fieldChanges(metric, 'slices.', level(from.slices, from), level(to.slices, to), SLICE_FIELDS));
    }
    return changes;
}
function fieldChanges(metric, prefix, from, to, fields) {
    const changes = [];
    for (const [key, leniency] of Object.entries(fields)) {
        const before = from[key];
        const after = to[key];
        if (before === after)
            continue;
        const was = leniency(before);
        const now = leniency(after);
        const effect = was === undefined || now === undefined || was === now
            ? 'other'
            : now > was
                ? 'looser'
                : 'stricter';
        const kind = before === undefined
            ? 'adds'
            : after === undefined
                ? 'removes'
                : effect === 'looser'
                    ? 'loosens'
                    : effect === 'stricter'
                        ? 'tightens'
                        : 'changes';
        changes.push({
            ...(metric === undefined ? {} : { metric }),
            rule: `${prefix}${key}`,
            kind,
            effect,
            ...(before === undefined ? {} : { from: show(before) }),
            ...(after === undefined ? {} : { to: show(after) }),
        });
    }
    return changes;
}
function show(value) {
    return typeof value === 'number' ? format(value) : String(value);
}
/** True when a change lets a candidate through that the base policy would stop. */
function loosens(changes) {
    return changes.some((change) => change.effect === 'looser');
}
/**
 * One change in words. `name` renders a metric name and `value` a rule or value (both come
 * from files, so a Markdown caller passes escaping functions; a plain-text caller may quote).
 */
function describeChange(change, render) {
    const subject = change.metric === undefined ? '' : `${render.name(change.metric)} `;
    const effect = change.effect === 'other' ? '' : ` (${change.effect})`;
    if (change.rule === undefined) {
        return change.kind === 'adds'
            ? `adds a gate on ${subject}(${render.value(change.to ?? '')})`
            : `removes the gate on ${subject}(${render.value(change.from ?? '')})${effect}`;
    }
    const rule = render.value(change.rule);
    switch (change.kind) {
        case 'adds':
            return `adds ${subject}${rule} ${render.value(change.to ?? '')}${effect}`;
        case 'removes':
            return `removes ${subject}${rule} ${render.value(change.from ?? '')}${effect}`;
        default:
            return `${change.kind} ${subject}${rule} from ${render.value(change.from ?? '')} to ${render.value(change.to ?? '')}`;
    }
}

;// CONCATENATED MODULE: ./shared/gates/policy-source.ts
/**
 * Which gate policy judges a run. On a pull request the checkout is the pull request's: a
 * `gates.yaml` there may have been loosened by the very change under test. So a pull request is
 * judged by the policy as it is on the base branch, read through the GitHub API at the base
 * commit, and the pull request's own version is only compared with it, to show reviewers what
 * it would change once merged. Outside pull requests (push, release, a laptop) the file in the
 * workspace is the policy, as it is what the branch holds.
 */









/** Where a pull request's policy comes from: `base` (the default) or `workspace` (the opt-out). */
const GATES_FROM = ['base', 'workspace'];
/** How many changes the comparison document keeps; the rest are counted. */
const MAX_CHANGES = 50;
/** Which policy judged the run and why, as the comparison document records it for the comment. */
const policySourceSchema = schemas/* discriminatedUnion */.gMt('kind', [
    /** The workspace file: not a pull request, or the repository opted out (`gates-from: workspace`). */
    schemas/* object */.Ikc({ kind: schemas/* literal */.euz('workspace'), path: schemas/* string */.YjP(), optedOut: schemas/* boolean */.zMY() }),
    schemas/* object */.Ikc({
        kind: schemas/* literal */.euz('base'),
        path: schemas/* string */.YjP(),
        baseRef: schemas/* string */.YjP(),
        baseSha: schemas/* string */.YjP().regex(/^[0-9a-f]{1,64}$/),
        /** False when the base branch has no file at the path: the run is judged without gates. */
        found: schemas/* boolean */.zMY(),
        /**
         * The pull request's version: the same, changed, added (the base has none), removed, absent
         * on both sides, or unknown (neither checked out here nor readable at a merge commit).
         */
        proposed: schemas/* enum */.k5n(['same', 'changed', 'added', 'removed', 'absent', 'unknown']),
        changes: schemas/* array */.YOg(policyChangeSchema).max(MAX_CHANGES),
        /** Changes left out of `changes`. */
        more: schemas/* number */.aig().int().nonnegative(),
    }),
]);
const OPT_OUT = 'set "gates-from: workspace" to judge pull requests by their own gate policy (a pull request can then loosen the gates it is judged by; see "Security model" in the README)';
async function resolveGatePolicy(request) {
    const { path, pullRequest } = request;
    if (!path)
        return { policy: EMPTY_POLICY };
    if (!pullRequest || request.from === 'workspace') {
        return {
            policy: await loadGatePolicy(path),
            source: { kind: 'workspace', path, optedOut: Boolean(pullRequest) },
        };
    }
    const repositoryPath = repositoryPathOf(path, request.workspace);
    const baseSha = pullRequest.baseSha;
    if (!baseSha || !/^[0-9a-f]{40,64}$/.test(baseSha)) {
        throw new errors/* UserError */.yo(`The event payload names no valid base commit for the pull request (pull_request.base.sha), so its base branch's gate policy "${path}" cannot be read. Run compare-metrics on pull_request events, or ${OPT_OUT}.`);
    }
    if (!request.readFile) {
        throw new errors/* UserError */.yo(`A pull request is judged by its base branch's gate policy "${path}", read through the GitHub API, but ${request.noApi ?? 'the API cannot be reached here'}. Give "github-token" a token that can read the repository (the default \${{ github.token }} with "permissions: contents: read"), or ${OPT_OUT}.`);
    }
    const readFile = request.readFile;
    const baseText = await readFile(repositoryPath, baseSha);
    const base = baseText === undefined
        ? undefined
        : await parsePolicy(baseText, repositoryPath, `base branch's gate policy (${pullRequest.baseRef} at ${baseSha.slice(0, 12)})`);
    const proposed = await proposedPolicy(request, repositoryPath, readFile);
    const changes = proposed === 'unknown' ? [] : diffPolicies(base, proposed);
    const source = {
        kind: 'base',
        path: repositoryPath,
        baseRef: pullRequest.baseRef,
        baseSha,
        found: base !== undefined,
        proposed: proposedState(base, proposed, changes),
        changes: changes.slice(0, MAX_CHANGES),
        more: Math.max(0, changes.length - MAX_CHANGES),
    };
    return { policy: base ?? EMPTY_POLICY, source };
}
function proposedState(base, proposed, changes) {
    if (proposed === 'unknown')
        return 'unknown';
    if (!base && !proposed)
        return 'absent';
    if (!base)
        return 'added';
    if (!proposed)
        return 'removed';
    return changes.length ? 'changed' : 'same';
}
/**
 * The pull request's version: the workspace's file when the job checked the pull request out,
 * else the file at the pull request's commit, read through the API. 'unknown' when neither can be read.
 */
async function proposedPolicy(request, repositoryPath, readFile) {
    if (request.workspaceIsPullRequest && (0,external_node_fs_.existsSync)((0,external_node_path_.resolve)(request.workspace, repositoryPath)))
        return loadGatePolicy(repositoryPath, request.workspace);
    if (!request.proposedRef)
        return 'unknown';
    // Only shown, never applied: a commit the API cannot serve leaves the change unknown rather
    // than failing the check.
    const text = await readFile(repositoryPath, request.proposedRef).catch((error) => {
        if ((0,errors/* isUserError */.iU)(error))
            return 'unknown';
        throw error;
    });
    if (text === 'unknown')
        return text;
    return text === undefined
        ? undefined
        : parsePolicy(text, repositoryPath, `pull request's gate policy (at ${request.proposedRef.slice(0, 12)})`);
}
async function parsePolicy(text, path, what) {
    return validateStructured(await parseStructured(text, path, what), gatePolicySchema, {
        path,
        what,
        text,
    });
}
/**
 * The `gates` input as a path in the repository: relative to the checkout's root, inside it, in
 * `/` form, without `..` or `.git`. An absolute path inside the workspace is accepted.
 */
function repositoryPathOf(path, workspace) {
    const refuse = (why) => new errors/* UserError */.yo(`Input "gates" is ${(0,identifiers/* quoteValue */.cl)(path)}: ${why}. It must be a path inside the repository, relative to its root, e.g. "gates.yaml" or "models/churn/gates.yaml".`);
    // eslint-disable-next-line no-control-regex -- control characters are what is refused here
    if (/[\u0000-\u001f\u007f]/.test(path))
        throw refuse('it contains a control character');
    if (path.includes('\\') && external_node_path_.sep !== '\\')
        throw refuse('it contains "\\"; use "/" between folders');
    if (/[?#]/.test(path))
        throw refuse('it contains "?" or "#", which a URL would read as a query or a fragment');
    const native = (0,external_node_path_.isAbsolute)(path) ? (0,external_node_path_.relative)((0,external_node_path_.resolve)(workspace), (0,external_node_path_.resolve)(path)) : path;
    const segments = native.split(/[\\/]/).filter((segment) => segment !== '' && segment !== '.');
    if ((0,external_node_path_.isAbsolute)(native) || ((0,external_node_path_.isAbsolute)(path) && segments[0] === '..'))
        throw refuse(`it lies outside the workspace ${workspace}`);
    if (segments.includes('..'))
        throw refuse('".." is not allowed');
    if (segments.some((segment) => segment.toLowerCase() === '.git'))
        throw refuse('files under ".git" are not the repository\'s');
    if (!segments.length)
        throw refuse("it names the repository's root, not a file");
    return segments.join('/');
}
/**
 * The policy for a step of an action: the request above, built from the run's context. The
 * GitHub client is only created when a pull request's base policy must be read.
 */
async function gatePolicyFor(args) {
    const { context, path, env } = args;
    const pullRequest = context.pullRequest;
    const request = {
        path,
        from: args.from,
        workspace: context.workspace,
        pullRequest,
    };
    if (!path || !pullRequest || args.from === 'workspace')
        return resolveGatePolicy(request);
    // On pull_request, GITHUB_SHA is the test merge commit: the policy as it would be once merged.
    // Other pull-request events (pull_request_target) check out the base: the PR's head then.
    const isPullRequestEvent = context.eventName === 'pull_request';
    request.workspaceIsPullRequest = isPullRequestEvent;
    request.proposedRef = isPullRequestEvent && env.GITHUB_SHA ? env.GITHUB_SHA : pullRequest.headSha;
    const repository = (0,client/* parseRepository */.SU)(context.repository);
    if (!args.token)
        request.noApi = 'no token was given ("github-token" is empty)';
    else if (!repository)
        request.noApi = 'GITHUB_REPOSITORY is not set';
    else {
        const { repositoryFileReader } = await __nccwpck_require__.e(/* import() */ 180).then(__nccwpck_require__.bind(__nccwpck_require__, 92180));
        request.readFile = repositoryFileReader(await args.github(args.token, repository, args.log));
    }
    return resolveGatePolicy(request);
}

;// CONCATENATED MODULE: ./shared/lineage/config-diff.ts
/**
 * A training config's values as the manifest records them, and what changed between two of
 * them, as `dvc params diff` shows it: flattened dotted keys (`model.max_depth`), each value
 * changed, added or removed.
 *
 * Secrets must not leak into a manifest, an artifact, a Release or a comment, so a value is
 * replaced by HIDDEN when any segment of its key looks like a credential (SECRET_WORDS, matched
 * on the words of a segment: `db_password`, `apiKey`, `auth.user`), when the value itself looks
 * like one (a token prefix, a private key, a URL with a password), or when a pattern of the
 * train-model input `hide-config-keys` matches its key. Masking happens when the manifest is
 * written and again when two manifests are compared (an older or a pull request's manifest
 * may hold raw values).
 */
/** What a hidden value reads as; real string values are recorded quoted, so it cannot clash. */
const HIDDEN = '(hidden)';
/** At most this many leaves are recorded; a larger config is recorded in part and says so. */
const MAX_CONFIG_LEAVES = 2000;
/** Keys and values longer than this are cut and marked with a hash of the whole (see clipText). */
const MAX_CONFIG_TEXT = 200;
/**
 * Words that make a key segment a credential's. A segment is split into words at anything but
 * letters and digits and at camelCase humps, so `max_depth` is not hidden and `dbPassword` is.
 * `key` alone hides too much (`sort_key`) on purpose: a hidden value costs a line of the diff,
 * a leaked one costs a rotation.
 */
const SECRET_WORDS = new Set([
    'password',
    'passwd',
    'pwd',
    'passphrase',
    'secret',
    'secrets',
    'token',
    'tokens',
    'key',
    'keys',
    'apikey',
    'credential',
    'credentials',
    'creds',
    'auth',
    'authorization',
    'bearer',
    'cookie',
    'session',
    'private',
    'privatekey',
    'signature',
    'salt',
    'dsn',
    'sas',
]);
/**
 * Values that are credentials whatever their key: GitHub, AWS, Slack, OpenAI-style and JWT
 * tokens, PEM private keys, and URLs carrying a password (`postgres://user:pass@host`).
 * Anchored or bounded, linear-time: values are hostile text.
 */
const SECRET_VALUES = [
    /^"?(?:gh[pousr]_|github_pat_|glpat-|xox[abprs]-|sk-|AKIA|ASIA|eyJ[A-Za-z0-9_-]{8,}\.)/,
    /-----BEGIN [A-Z ]{0,40}PRIVATE KEY/,
    /[a-z][a-z0-9+.-]{0,30}:\/\/[^\s/:@]{0,200}:[^\s/@]{1,200}@/i,
];
/** The words of a key segment: `dbPassword` → db, password; `API_KEY` → api, key, apikey. */
function wordsOf(segment) {
    const words = segment
        .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter(Boolean);
    // `api_key`, `private-key` read as one word as well.
    const joined = words.slice(1).map((word, index) => words[index] + word);
    return [...words, ...joined];
}
/** True when a segment of the key names a credential. */
function looksSecretKey(path) {
    return path.some((segment) => wordsOf(segment).some((word) => SECRET_WORDS.has(word)));
}
function looksSecretValue(value) {
    return SECRET_VALUES.some((pattern) => pattern.test(value));
}
/**
 * The dotted key of a path: segments joined with ".", a segment that holds ".", "[", "]", a
 * quote, white space or nothing written as `["…"]`, so that two paths never print alike.
 */
function dottedKey(path) {
    return path
        .map((segment, index) => /^[^.[\]"'\s]+$/.test(segment)
        ? `${index ? '.' : ''}${segment}`
        : `[${JSON.stringify(segment)}]`)
        .join('');
}
/**
 * A compiled `hide-config-keys` list: each line a dotted key or a glob over dotted keys (`*`
 * within one segment, `**` any number of segments). A pattern hides the key it matches and
 * everything below it (`db` hides `db.host`). Matching is segment by segment, by dynamic
 * programming (never a backtracking regular expression), since keys come from a pull request.
 */
function hidePatterns(lines) {
    const patterns = lines
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#'))
        .map((line) => line.split('.'));
    return (path) => patterns.some((pattern) => {
        for (let length = 1; length <= path.length; length++)
            if (matchSegments(pattern, path.slice(0, length)))
                return true;
        return false;
    });
}
/** Glob over segments: `**` matches any number of whole segments. */
function matchSegments(pattern, path) {
    // can[i][j]: pattern[i..] matches path[j..]
    const can = Array.from({ length: pattern.length + 1 }, () => new Array(path.length + 1).fill(false));
    can[pattern.length][path.length] = true;
    for (let i = pattern.length - 1; i >= 0; i--)
        for (let j = path.length; j >= 0; j--) {
            if (pattern[i] === '**')
                can[i][j] = can[i + 1][j] || (j < path.length && can[i][j + 1]);
            else
                can[i][j] = j < path.length && matchWildcard(pattern[i], path[j]) && can[i + 1][j + 1];
        }
    return can[0][0];
}
/** `*` (any run of characters) and `?` (one) within a segment; the two-pointer match, O(n·m). */
function matchWildcard(pattern, text) {
    let [p, t, star, mark] = [0, 0, -1, 0];
    while (t < text.length) {
        if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
            p++;
            t++;
        }
        else if (p < pattern.length && pattern[p] === '*') {
            star = p++;
            mark = t;
        }
        else if (star >= 0) {
            p = star + 1;
            t = ++mark;
        }
        else
            return false;
    }
    while (p < pattern.length && pattern[p] === '*')
        p++;
    return p === pattern.length;
}
/** Text cut to MAX_CONFIG_TEXT characters; a cut one ends with a hash of the whole, so a change past the cut still shows. */
function clipText(text, hash) {
    if (text.length <= MAX_CONFIG_TEXT)
        return text;
    // Cut in UTF-16 units (what the manifest's schema counts), never inside a surrogate pair.
    const head = text.slice(0, MAX_CONFIG_TEXT - 30).replace(/[\uD800-\uDBFF]$/, '');
    return `${head}… (sha256 ${hash(text).slice(0, 12)})`;
}
function recordConfigValues(leaves, hide, hash) {
    const values = new Map();
    const kept = leaves.slice(0, MAX_CONFIG_LEAVES);
    for (const leaf of kept) {
        const secret = looksSecretKey(leaf.path) || hide(leaf.path) || looksSecretValue(leaf.value);
        values.set(clipText(dottedKey(leaf.path), hash), secret ? HIDDEN : clipText(leaf.value, hash));
    }
    const omitted = leaves.length - kept.length;
    return { values: Object.fromEntries(values), ...(omitted > 0 ? { omitted } : {}) };
}
/** Masks again what a recorded map may still hold (an older manifest, or one a pull request wrote). */
function maskRecorded(values) {
    // A Map: keys come from a pull request, and `__proto__` is a key like any other here.
    const masked = new Map();
    for (const [key, value] of Object.entries(values))
        masked.set(key, looksSecretKey(splitDotted(key)) || looksSecretValue(value) ? HIDDEN : value);
    return masked;
}
/** The segments of a dotted key, for the key-word check (`["a.b"]` stays one segment). */
function splitDotted(key) {
    const segments = [];
    const pattern = /\["((?:[^"\\]|\\.)*)"\]|([^.[]+)/g;
    for (const match of key.matchAll(pattern))
        segments.push(match[1] ?? match[2] ?? '');
    return segments;
}
/** What changed from `before` (production's config) to `after` (the candidate's), keys sorted. */
function diffConfigValues(before, after) {
    const [old, now] = [maskRecorded(before), maskRecorded(after)];
    const diff = { changed: [], added: [], removed: [], hidden: 0, unchanged: 0 };
    const keys = [...new Set([...old.keys(), ...now.keys()])].sort();
    for (const key of keys) {
        const [from, to] = [old.get(key), now.get(key)];
        if (from === undefined)
            diff.added.push({ key, value: to });
        else if (to === undefined)
            diff.removed.push({ key, value: from });
        else if (from === HIDDEN || to === HIDDEN)
            diff.hidden++;
        else if (from !== to)
            diff.changed.push({ key, from, to });
        else
            diff.unchanged++;
    }
    return diff;
}

;// CONCATENATED MODULE: ./shared/files/expand.ts
/**
 * The one reading of a path list, as users write it in `data`, `code` and `outputs`, in every
 * action and the CLI: one entry a line, each a file, a folder (every file inside, recursively)
 * or a glob pattern (`data/*.csv`, `src/**`, `{train,eval}.csv`), and `!pattern` to leave files
 * out. Hidden files match, as in @actions/glob and actions/upload-artifact's patterns; `.git`
 * never does. Symbolic links are not followed while walking (a pull request's link to / or
 * /proc would have the walk read the runner's file system, or loop), but a link that leads to a
 * file is listed, so that the caller's confinement judges where it leads.
 */




const GLOB_CHARACTERS = /[*?[\]{}]/;
const NEVER_MATCHED = (/* unused pure expression or super */ null && (['**/.git/**', '.git/**']));
/** Absolute paths of the files the entries name, each once: in the order given, a pattern's or folder's matches sorted. */
async function expand_expandPaths(entries, baseDir, what) {
    const exclusions = entries.filter((e) => e.startsWith('!')).map((e) => e.slice(1));
    const excluded = exclusions.length ? await matchPatterns(exclusions, baseDir) : new Set();
    const files = new Set();
    for (const entry of entries) {
        if (entry.startsWith('!'))
            continue;
        const found = GLOB_CHARACTERS.test(entry)
            ? await patternMatches(entry, baseDir, what)
            : await filesAt(entry, baseDir, what);
        for (const file of found)
            if (!excluded.has(file))
                files.add(file);
    }
    return [...files];
}
/**
 * The same files as `expandPaths`, named as a report shows them: a file named by its path as
 * the user wrote it, a file found in a folder or by a pattern relative to `baseDir` when inside
 * it (absolute otherwise).
 */
async function expandPathsAsWritten(entries, baseDir, what) {
    const written = new Map(entries.filter((e) => !e.startsWith('!')).map((entry) => [resolve(baseDir, entry), entry]));
    return (await expand_expandPaths(entries, baseDir, what)).map((path) => written.get(path) ?? displayPath(path, baseDir));
}
/** `path` relative to `baseDir` when inside it, else absolute. */
function displayPath(path, baseDir) {
    const inside = relative(baseDir, path);
    return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}
// Each pattern alone, so that one matching nothing is reported by name.
async function patternMatches(pattern, baseDir, what) {
    const matched = [...(await matchPatterns([pattern], baseDir))].sort();
    if (matched.length === 0)
        throw new UserError(`The ${what} pattern "${pattern}" matches no file (relative paths resolve against ${baseDir}). Check the pattern, or that the files exist at this step.`);
    return matched;
}
async function matchPatterns(patterns, baseDir) {
    // Loaded only for patterns: most workflows name their files, and start-up counts.
    const { glob } = await __nccwpck_require__.e(/* import() */ 448).then(__nccwpck_require__.bind(__nccwpck_require__, 76448));
    const matches = await glob([...patterns], {
        cwd: baseDir,
        absolute: true,
        onlyFiles: true,
        dot: true,
        expandDirectories: false,
        followSymbolicLinks: false,
        ignore: NEVER_MATCHED,
    });
    return new Set(matches.map((path) => resolve(path)));
}
async function filesAt(entry, baseDir, what) {
    const absolute = resolve(baseDir, entry);
    const link = await lstat(absolute).catch((error) => {
        throw fileError(error, entry, what, baseDir);
    });
    const info = link.isSymbolicLink() ? await stat(absolute).catch(() => undefined) : link;
    // A link is the caller's to judge (confinement follows it and names where it leads), unless
    // it leads to a folder inside, which is read as the folder it stands for.
    if (!info?.isDirectory() && link.isSymbolicLink())
        return [absolute];
    if (!info || info.isFile())
        return [absolute];
    if (!info.isDirectory())
        throw new UserError(`The ${what} "${entry}" is neither a file nor a folder.`);
    const found = await readdir(absolute, { recursive: true, withFileTypes: true });
    const candidates = found
        .filter((d) => d.isFile() || d.isSymbolicLink())
        .map((d) => join(d.parentPath, d.name))
        .filter((path) => !path.slice(absolute.length).split(/[\\/]/).includes('.git'));
    const files = [];
    for (const path of candidates)
        if ((await stat(path).catch(() => undefined))?.isFile())
            files.push(path);
    if (files.length === 0)
        throw new UserError(`The ${what} folder "${entry}" holds no files.`);
    return files.sort();
}

;// CONCATENATED MODULE: ./shared/lineage/owner.ts
/**
 * Who owns a model: the GitHub handles (`@login`, `@org/team-slug`) or e-mail addresses that
 * train-model's `owner` input names, or else the owners CODEOWNERS gives the training code. The
 * manifest records them and promote-model copies the handles into the deployment payload, so
 * that the fleet view can show an owner, and flag one who has left, without a manifest.
 *
 * CODEOWNERS is read as GitHub reads it (docs.github.com, "About code owners"): the first of
 * `.github/CODEOWNERS`, `CODEOWNERS` and `docs/CODEOWNERS` at the repository root (the
 * workspace); a file of 3 MB or more is not loaded; `#` starts a comment; each line is a pattern
 * and its owners, and the LAST rule whose pattern matches a path decides its owners (a rule
 * without owners leaves the path unowned). A malformed line is skipped, as GitHub skips it,
 * with a warning naming the file and the line.
 *
 * Patterns follow gitignore's with GitHub's documented exceptions, which make those lines
 * invalid: no `!` negation, no `[ ]` character ranges, and no `\#` escape of a leading `#`. The
 * matching is not gitignore's either: `docs/*` owns `docs/a.md` but not `docs/build/b.md`
 * (GitHub's own example), where a gitignore matcher such as the `ignore` package also matches
 * the nested file through its ignored parent folder (`ignore` 5.3.2 gets `docs/*` and `/*`
 * wrong on 3 of 56 cases drawn from hmarr/codeowners' GitHub-checked pattern table). So
 * patterns are translated here, after those semantics (test/shared/owner.test.ts holds the
 * cases), and run by re2js: the file may come from a pull request, and RE2's automaton cannot
 * be made to backtrack by a pattern such as `*a*a*a*a*a*b` as a JavaScript RegExp can. Patterns
 * without wildcards (most of them) are compared as text.
 */









/** Where GitHub looks for CODEOWNERS, in the order it looks (the first found is used). */
const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];
/** GitHub does not load a CODEOWNERS file of 3 MB or more. */
const MAX_CODEOWNERS_BYTES = (/* unused pure expression or super */ null && (3 * 1024 * 1024));
/** A longer pattern is no path of a repository: the line is skipped rather than compiled. */
const MAX_PATTERN_LENGTH = 4096;
/** How many of the `code` files vote on the owner (a code list is a few files, not a tree). */
const MAX_VOTING_FILES = 1000;
/** How many handles an owner may have (the deployment payload carries them). */
const MAX_OWNER_HANDLES = 50;
/** GitHub shows at most 10 warning annotations of a step: the rest of the skipped lines are counted. */
const MAX_LINE_WARNINGS = 10;
/**
 * GitHub's login alphabet: letters, digits and "-", not starting with "-", at most 39
 * characters (older accounts may hold "--" or end in "-", so those are let through).
 */
const LOGIN = '[A-Za-z0-9][A-Za-z0-9-]{0,38}';
/** A team slug: GitHub derives it from the team's name, lower-case, with "-" (and "_", "."). */
const TEAM_SLUG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}';
/**
 * An e-mail address in a conservative alphabet: the local part's letters, digits and `._%+-`
 * and a dotted domain. No quote, space, `<`, `|` or backtick: a handle is shown in Markdown and
 * HTML by the fleet view, read back from a payload anyone who may deploy could have written.
 */
const EMAIL = '[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63})+';
const HANDLE = new RegExp(`^(?:@${LOGIN}(?:/${TEAM_SLUG})?|${EMAIL})$`);
const HANDLE_RULE = 'a GitHub handle ("@login" or "@org/team-slug", letters, digits and "-" in the login) or an e-mail address ("name@example.com")';
function isOwnerHandle(value) {
    return value.length <= 254 && HANDLE.test(value);
}
/** A handle read back from a manifest or a deployment payload: hostile until it passes. */
const ownerHandleSchema = schemas/* string */.YjP()
    .refine(isOwnerHandle, { message: `must be ${HANDLE_RULE}` });
const ownerSchema = schemas/* object */.Ikc({
    handles: schemas/* array */.YOg(ownerHandleSchema).min(1).max(MAX_OWNER_HANDLES),
    /** `input`: train-model's `owner`; `codeowners`: the rule of `file` at `line`. */
    source: schemas/* enum */.k5n(['input', 'codeowners']),
    file: schemas/* enum */.k5n(CODEOWNERS_LOCATIONS).optional(),
    line: schemas/* number */.aig().int().positive().optional(),
});
/**
 * The `owner` input's handles: one per line, or separated by commas or spaces; each once, in
 * the order given. `problem` completes `input "owner" …` when a value is no handle.
 */
function readOwnerHandles(text) {
    const handles = [...new Set(text.split(/[\s,]+/).filter((value) => value !== ''))];
    const bad = handles.filter((value) => !isOwnerHandle(value));
    if (bad.length) {
        const hint = bad.some((value) => /^[A-Za-z0-9][A-Za-z0-9-]*(?:\/\S+)?$/.test(value))
            ? ' A login or a team needs its leading "@" ("@octocat", "@octo-org/ml-team").'
            : '';
        return {
            handles,
            problem: `has ${bad
                .slice(0, 5)
                .map((value) => quoteValue(value))
                .join(', ')}${bad.length > 5 ? ` and ${bad.length - 5} more` : ''}, which ${bad.length === 1 ? 'is' : 'are'} not ${HANDLE_RULE}.${hint} Give one owner per line or separate them with commas`,
        };
    }
    if (handles.length > MAX_OWNER_HANDLES)
        return {
            handles,
            problem: `names ${handles.length} owners; at most ${MAX_OWNER_HANDLES} are recorded. Name a team ("@org/team-slug") instead of its members`,
        };
    return { handles };
}
/**
 * The rules of a CODEOWNERS file, in file order. `warn` hears of each malformed line (which is
 * skipped, as GitHub skips it) with its line number; the text is never an error.
 */
function parseCodeowners(text, warn = () => undefined) {
    const rules = [];
    // A byte-order mark is no part of the first pattern.
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    for (const [index, raw] of lines.entries()) {
        const line = raw.trim();
        if (line === '' || line.startsWith('#'))
            continue;
        const parsed = parseRule(line);
        if (typeof parsed === 'string')
            warn(index + 1, parsed);
        else
            rules.push({ ...parsed, line: index + 1 });
    }
    return rules;
}
function parseRule(line) {
    // eslint-disable-next-line no-control-regex -- control characters are what is refused here
    if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(line))
        return 'it holds a control character';
    const patternEnd = patternLength(line);
    const pattern = line.slice(0, patternEnd);
    const problem = patternProblem(pattern);
    if (problem)
        return problem;
    const owners = [];
    for (const token of line.slice(patternEnd).split(/\s+/)) {
        if (token === '')
            continue;
        if (token.startsWith('#'))
            break; // a comment after the owners
        if (!isOwnerHandle(token))
            return `the owner ${quoteValue(token)} is not ${HANDLE_RULE}, so GitHub skips the line`;
        owners.push(token);
    }
    return { pattern, owners: [...new Set(owners)], matches: compileCodeownersPattern(pattern) };
}
/** Where the pattern ends: at the first whitespace that no "\\" escapes (`my\\ file.txt`). */
function patternLength(line) {
    for (let at = 0; at < line.length; at++) {
        if (line[at] === '\\')
            at++;
        else if (/\s/.test(line[at]))
            return at;
    }
    return line.length;
}
/** Why GitHub would not read `pattern` as a CODEOWNERS pattern, or undefined when it would. */
function patternProblem(pattern) {
    if (pattern.length > MAX_PATTERN_LENGTH)
        return `its pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
    if (pattern.startsWith('\\#'))
        return 'its pattern escapes a leading "#" with "\\", which GitHub does not support in CODEOWNERS';
    if (pattern.startsWith('!'))
        return 'its pattern starts with "!": GitHub does not support negation in CODEOWNERS (give the files their own rule, with or without owners, below the broader one)';
    if (/(?<!\\)(?:\\\\)*[[\]]/.test(pattern))
        return 'its pattern has "[ ]": GitHub does not support character ranges in CODEOWNERS';
    if (pattern.includes('***'))
        return 'its pattern has "***"';
    if (/.\/\/./.test(pattern))
        return 'its pattern has an empty path segment ("//")';
    return undefined;
}
/**
 * A matcher of repository-relative "/"-separated paths for a valid pattern, with GitHub's
 * semantics: a pattern without a "/" but at its end matches at any depth; a leading "/" or a
 * "/" inside anchors it at the root; a trailing "/" matches only what is inside the folder;
 * otherwise the pattern matches the path and everything below it, except that a last segment
 * of a lone `*` matches one level only (`docs/*`). `*` and `?` never cross a "/"; `**` does.
 */
function compileCodeownersPattern(pattern) {
    if (pattern === '/')
        return () => false; // "/" names nothing (GitHub says so too)
    let segments = pattern.split('/');
    if (segments[0] === '')
        segments = segments.slice(1);
    else if ((segments.length === 1 || (segments.length === 2 && segments[1] === '')) &&
        segments[0] !== '**')
        segments = ['**', ...segments];
    if (segments.length > 1 && segments.at(-1) === '')
        segments[segments.length - 1] = '**';
    const literal = literalMatcher(segments);
    if (literal)
        return literal;
    // The text between wildcards must be in the path: a substring test turns most paths away
    // before the automaton (compiled on first use) runs, so thousands of rules cost milliseconds.
    const pieces = segments.flatMap(literalPieces);
    let compiled;
    const source = patternSource(segments);
    return (path) => pieces.every((piece) => path.includes(piece)) &&
        (compiled ??= RE2JS.compile(source)).testExact(path);
}
/** The runs of literal text in a segment, between its wildcards, escapes undone. */
function literalPieces(segment) {
    const pieces = [];
    let piece = '';
    for (let at = 0; at < segment.length; at++) {
        const char = segment[at];
        if (char === '\\' && at + 1 < segment.length)
            piece += segment[++at];
        else if (char === '*' || char === '?') {
            pieces.push(piece);
            piece = '';
        }
        else
            piece += char;
    }
    return [...pieces, piece].filter((text) => text !== '');
}
/** A text comparison for a pattern without wildcards (an optional leading and trailing `**`). */
function literalMatcher(segments) {
    const anywhere = segments[0] === '**' && segments.length > 1;
    const inside = segments.at(-1) === '**' && segments.length > 1;
    const middle = segments.slice(anywhere ? 1 : 0, inside ? -1 : undefined);
    if (middle.length === 0 || middle.some((segment) => /[*?]/.test(segment.replace(/\\./g, ''))))
        return undefined;
    const text = middle.map((segment) => segment.replace(/\\(.)/g, '$1')).join('/');
    return (path) => {
        const candidates = anywhere ? suffixes(path) : [path];
        return candidates.some((at) => inside ? at.startsWith(`${text}/`) : at === text || at.startsWith(`${text}/`));
    };
}
/** `a/b/c`, `b/c` and `c`: where a pattern that may start at any depth can start. */
function suffixes(path) {
    const found = [path];
    for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1))
        found.push(path.slice(at + 1));
    return found;
}
/** The RE2 expression of a pattern's segments (after the anchoring rules above). */
function patternSource(segments) {
    const last = segments.length - 1;
    let source = '';
    let needSlash = false;
    for (const [index, segment] of segments.entries()) {
        if (segment === '**') {
            if (index === 0 && index === last)
                source += '.+';
            else if (index === 0)
                source += '(?:.+/)?';
            else if (index === last)
                source += '/.*';
            else
                source += '(?:/.+)?';
            needSlash = index !== 0;
            continue;
        }
        if (needSlash)
            source += '/';
        if (segment === '*')
            source += '[^/]+';
        else {
            source += segmentSource(segment);
            if (index === last)
                source += '(?:/.*)?';
        }
        needSlash = true;
    }
    return `(?s)^${source}$`;
}
function segmentSource(segment) {
    let source = '';
    for (let at = 0; at < segment.length; at++) {
        const char = segment[at];
        if (char === '\\' && at + 1 < segment.length)
            source += RE2JS.quote(segment[++at]);
        else if (char === '*')
            source += '[^/]*';
        else if (char === '?')
            source += '[^/]';
        else
            source += RE2JS.quote(char);
    }
    return source;
}
/** The last rule that matches `path` (GitHub's precedence), or undefined when none does. */
function lastMatchingRule(rules, path) {
    for (let index = rules.length - 1; index >= 0; index--)
        if (rules[index].matches(path))
            return rules[index];
    return undefined;
}
/**
 * A name no file can have (NUL), for "any file directly in this folder": only rules that own
 * the folder whatever a file in it is called match it (`/models/churn/`, `models/`, `*`,
 * `/models/*`), not rules that single files out by name or extension (`*.py`, `README.md`).
 */
const ANY_FILE = '\u0000';
/**
 * The model's owner: the `owner` input's handles, or the owners CODEOWNERS gives the training
 * code. Which code: with `code` set, its files, and the owners are those of the rule owning the
 * most of them (a tie goes to the rule further down, which GitHub ranks higher); with `code`
 * empty, the working directory, and the owners are those of the last rule that owns any file
 * directly in it, as GitHub would request their review for a new file there. Undefined when
 * neither says (no input and no CODEOWNERS, or no rule with owners matches).
 */
async function resolveOwner(request) {
    if (request.handles?.length)
        return { handles: [...request.handles], source: 'input' };
    const found = await readCodeowners(request.confinement, request.log);
    if (!found)
        return undefined;
    let skipped = 0;
    const rules = parseCodeowners(found.text, (line, problem) => {
        if (++skipped <= MAX_LINE_WARNINGS)
            request.log.warning(`${found.file} line ${line} is skipped: ${problem}.`, {
                file: found.file,
                line,
                title: 'CODEOWNERS',
            });
    });
    if (skipped > MAX_LINE_WARNINGS)
        request.log.info(`${found.file}: ${skipped - MAX_LINE_WARNINGS} more lines are skipped, as GitHub skips them.`);
    const workspace = request.confinement.workspace;
    const rule = request.code?.length
        ? await ruleOfMostFiles(rules, request.code, request.cwd, workspace)
        : lastMatchingRule(rules, folderPath(request.cwd, workspace));
    if (!rule?.owners.length) {
        request.log.info(`${found.file} names no owner for the training code, so the manifest records none (set input "owner" to name one).`);
        return undefined;
    }
    if (rule.owners.length > MAX_OWNER_HANDLES)
        request.log.warning(`${found.file} line ${rule.line} names ${rule.owners.length} owners; the manifest records the first ${MAX_OWNER_HANDLES}. Name a team ("@org/team-slug") instead of its members.`);
    return {
        handles: rule.owners.slice(0, MAX_OWNER_HANDLES),
        source: 'codeowners',
        file: found.file,
        line: rule.line,
    };
}
/** `<folder>/<ANY_FILE>`, relative to the workspace with "/" separators. */
function folderPath(folder, workspace) {
    const inside = relative(workspace, folder).split(sep).join('/');
    return inside && !inside.startsWith('..') && !isAbsolute(inside)
        ? `${inside}/${ANY_FILE}`
        : ANY_FILE;
}
async function ruleOfMostFiles(rules, code, cwd, workspace) {
    const files = (await expandPaths(code, cwd, 'code path')).slice(0, MAX_VOTING_FILES);
    const votes = new Map();
    for (const file of files) {
        const path = relative(workspace, resolve(cwd, file)).split(sep).join('/');
        if (path.startsWith('..') || isAbsolute(path))
            continue;
        const rule = lastMatchingRule(rules, path);
        if (rule?.owners.length)
            votes.set(rule, (votes.get(rule) ?? 0) + 1);
    }
    let best;
    for (const [rule, count] of votes) {
        const bestCount = best ? votes.get(best) : 0;
        if (count > bestCount || (count === bestCount && rule.line > best.line))
            best = rule;
    }
    return best;
}
/**
 * The first CODEOWNERS file GitHub would use, read inside the workspace. A file that leads
 * outside it (a symbolic link), is no regular file, or is too large for GitHub is warned
 * about and not read: ownership is recorded, never a reason to fail training.
 */
async function readCodeowners(confinement, log) {
    for (const file of CODEOWNERS_LOCATIONS) {
        let path;
        try {
            path = await confinePath(file, confinement, {
                what: 'CODEOWNERS file',
                baseDir: confinement.workspace,
                kind: 'any',
            });
        }
        catch (error) {
            if (!isUserError(error))
                throw error;
            log.warning(`${error.message} The model's owner is not read from it.`);
            return undefined;
        }
        const info = await stat(path).catch(() => undefined);
        if (!info)
            continue;
        if (!info.isFile()) {
            log.warning(`${file} is not a regular file, so the model's owner is not read from CODEOWNERS.`);
            return undefined;
        }
        if (info.size >= MAX_CODEOWNERS_BYTES) {
            log.warning(`${file} is ${info.size} bytes; GitHub does not load a CODEOWNERS file of 3 MB or more, so neither does train-model: the model's owner is not read from it.`);
            return undefined;
        }
        return { file, text: await readUserFile(path, 'CODEOWNERS file') };
    }
    return undefined;
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(77598);
;// CONCATENATED MODULE: ./shared/files/hash.ts




function sha256Text(text) {
    return (0,external_node_crypto_.createHash)('sha256').update(text).digest('hex');
}
/** The sha256 of a file, streamed so that model and data files of any size hash in constant memory. */
async function sha256File(path, what = 'file', baseDir = process.cwd()) {
    const hash = createHash('sha256');
    try {
        for await (const chunk of createReadStream(resolve(baseDir, path)))
            hash.update(chunk);
    }
    catch (error) {
        throw fileError(error, path, what, baseDir);
    }
    return hash.digest('hex');
}
/** JSON with object keys sorted at every level, so that equal content hashes equally. */
function canonicalJson(value) {
    return JSON.stringify(sortKeys(value));
}
function sortKeys(value) {
    if (Array.isArray(value))
        return value.map(sortKeys);
    if (value && typeof value === 'object' && !(value instanceof Date)) {
        return Object.fromEntries(Object.keys(value)
            .sort()
            .map((key) => [key, sortKeys(value[key])]));
    }
    return value;
}

;// CONCATENATED MODULE: ./shared/lineage/runtime.ts
/**
 * What the training ran on, read after the command: the Python on the command's PATH (its
 * version and every installed distribution, as `pip freeze --all` lists them, read through
 * importlib.metadata so that pip need not be installed), R's version when Rscript is there, the
 * runner image (`ImageOS`/`ImageVersion`, set on GitHub's hosted runners) and the OS release
 * (/etc/os-release). Interpreters run with argument lists, never through a shell, with a
 * timeout and a bounded output; one that is missing or fails is left out, never fails the step.
 */




const LIMITS = {
    /** How long one interpreter may take to answer. */
    timeoutMs: 60_000,
    /** Bytes of its output (a large environment lists a few thousand packages, ~100 kB). */
    maxOutputBytes: 8 * 1024 * 1024,
    maxPackages: 20_000,
};
const runtime_text = schemas/* string */.YjP().max(500);
const packageSchema = schemas/* object */.Ikc({ name: schemas/* string */.YjP().max(200), version: schemas/* string */.YjP().max(200) });
const runtimeSchema = schemas/* object */.Ikc({
    python: schemas/* object */.Ikc({
        version: runtime_text,
        implementation: runtime_text.optional(),
        executable: schemas/* string */.YjP().max(4096).optional(),
        /** Every installed distribution, sorted by name: the `pip freeze --all` of the run. */
        packages: schemas/* array */.YOg(packageSchema).max(LIMITS.maxPackages).optional(),
    })
        .optional(),
    r: schemas/* object */.Ikc({ version: runtime_text }).optional(),
    /** GitHub's hosted-runner image: `ImageOS` (e.g. ubuntu24) and `ImageVersion`. */
    image: schemas/* object */.Ikc({ os: runtime_text.optional(), version: runtime_text.optional() }).optional(),
    /** From /etc/os-release. */
    osRelease: schemas/* object */.Ikc({ id: runtime_text.optional(), versionId: runtime_text.optional(), prettyName: runtime_text.optional() })
        .optional(),
});
/**
 * The runtime in a few fields, small enough for a deployment payload and a comparison: equal
 * summaries mean the same interpreter versions, image, OS and installed packages.
 */
const runtimeSummarySchema = schemas/* object */.Ikc({
    python: runtime_text.optional(),
    r: runtime_text.optional(),
    image: runtime_text.optional(),
    os: runtime_text.optional(),
    packages: schemas/* object */.Ikc({ count: schemas/* number */.aig().int().nonnegative(), sha256: schemas/* string */.YjP().regex(/^[0-9a-f]{64}$/) })
        .optional(),
});
function summariseRuntime(runtime) {
    if (!runtime)
        return undefined;
    const packages = runtime.python?.packages;
    const image = [runtime.image?.os, runtime.image?.version].filter(Boolean).join(' ');
    const os = runtime.osRelease?.prettyName ??
        ([runtime.osRelease?.id, runtime.osRelease?.versionId].filter(Boolean).join(' ') || undefined);
    const summary = {
        ...(runtime.python ? { python: runtime.python.version } : {}),
        ...(runtime.r ? { r: runtime.r.version } : {}),
        ...(image ? { image } : {}),
        ...(os ? { os } : {}),
        ...(packages
            ? {
                packages: {
                    count: packages.length,
                    sha256: sha256Text(canonicalJson(packages.map((p) => `${p.name}==${p.version}`))),
                },
            }
            : {}),
    };
    return Object.keys(summary).length ? summary : undefined;
}
/** Prints the interpreter's version and its installed distributions as JSON. */
const PYTHON_SCRIPT = (/* unused pure expression or super */ null && (`
import json, platform, sys
try:
    from importlib import metadata
    found = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found[name.lower()] = (name, dist.version or "")
    packages = [{"name": n, "version": v} for n, v in sorted(found.values(), key=lambda p: p[0].lower())]
except Exception:
    packages = None
print(json.dumps({"version": platform.python_version(), "implementation": platform.python_implementation(), "executable": sys.executable, "packages": packages}))
`));
/** The runtime the command ran with: `env` is the command's environment (its PATH finds the interpreters). */
async function readRuntime(env, cwd) {
    const [python, r, osRelease] = await Promise.all([
        readPython(env, cwd),
        readR(env, cwd),
        readOsRelease(),
    ]);
    const image = {
        ...(env.ImageOS ? { os: env.ImageOS } : {}),
        ...(env.ImageVersion ? { version: env.ImageVersion } : {}),
    };
    return runtimeSchema.parse({
        ...(python ? { python } : {}),
        ...(r ? { r } : {}),
        ...(Object.keys(image).length ? { image } : {}),
        ...(osRelease ? { osRelease } : {}),
    });
}
async function readPython(env, cwd) {
    for (const command of ['python3', 'python']) {
        const output = await run(command, ['-c', PYTHON_SCRIPT], env, cwd);
        if (output === undefined)
            continue;
        const parsed = runtimeSchema.shape.python.safeParse((() => {
            try {
                const value = JSON.parse(output);
                return { ...value, packages: value.packages ?? undefined };
            }
            catch {
                return undefined;
            }
        })());
        if (parsed.success && parsed.data)
            return parsed.data;
    }
    return undefined;
}
async function readR(env, cwd) {
    const output = await run('Rscript', ['-e', 'cat(as.character(getRversion()))'], env, cwd);
    const version = output?.trim();
    return version && /^\d+(\.\d+)*$/.test(version) ? { version } : undefined;
}
async function readOsRelease() {
    const content = await readFile('/etc/os-release', 'utf8').catch(() => undefined);
    if (content === undefined)
        return undefined;
    const fields = new Map();
    for (const line of content.split('\n')) {
        const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
        if (match)
            fields.set(match[1], match[2].replace(/^(["'])(.*)\1$/, '$2').slice(0, 500));
    }
    const release = {
        ...(fields.get('ID') ? { id: fields.get('ID') } : {}),
        ...(fields.get('VERSION_ID') ? { versionId: fields.get('VERSION_ID') } : {}),
        ...(fields.get('PRETTY_NAME') ? { prettyName: fields.get('PRETTY_NAME') } : {}),
    };
    return Object.keys(release).length ? release : undefined;
}
/** stdout of a program that exits 0 in time, else undefined (missing, failing, too slow or too talkative). */
function run(command, args, env, cwd) {
    return new Promise((resolve) => {
        execFile(command, args, {
            env,
            cwd,
            timeout: LIMITS.timeoutMs,
            maxBuffer: LIMITS.maxOutputBytes,
            encoding: 'utf8',
            windowsHide: true,
        }, (error, stdout) => resolve(error ? undefined : stdout));
    });
}

;// CONCATENATED MODULE: ./shared/lineage/manifest.ts
/**
 * The lineage manifest (`model-manifest.json`): what a model was built from and what it is.
 *
 * A manifest may come from a pull request's run, so it is hostile until validated: its model
 * name and version must be identifiers (they become tags, deployments and outputs), and the
 * paths it names must be relative paths inside the working directory, as train-model writes
 * them, since promote-model reads and publishes the files they name.
 */





const MANIFEST_FORMAT = 'mlops-actions/model-manifest@1';
/** Linux's PATH_MAX: no file a training command writes has a longer path. */
const MAX_PATH_LENGTH = 4096;
/**
 * Why `path` is not a relative, "/"-separated path that stays inside its base folder, or
 * undefined when it is one. `leadingParents` lets it start with ".." segments (a lock file of the
 * repository root or a shared data file, recorded from a working directory below it).
 */
function manifestPathProblem(path, leadingParents = false) {
    if (path === '')
        return 'it is empty';
    if (path.length > MAX_PATH_LENGTH)
        return `it is longer than ${MAX_PATH_LENGTH} characters`;
    // eslint-disable-next-line no-control-regex -- control characters are what is refused here
    if (/[\u0000-\u001f\u007f]/.test(path))
        return 'it holds a control character';
    if (path.includes('\\'))
        return 'it holds a "\\" (paths are recorded with "/")';
    if (path.startsWith('/') || /^[A-Za-z]:/.test(path))
        return 'it is absolute';
    const segments = path.split('/');
    const firstOwn = leadingParents ? segments.findIndex((segment) => segment !== '..') : 0;
    for (const [index, segment] of segments.entries()) {
        if (segment === '')
            return 'it has an empty segment ("//" or a "/" at either end)';
        if (segment === '.')
            return 'it has a "." segment';
        if (segment === '..' && index >= firstOwn)
            return leadingParents ? 'it has a ".." segment after its start' : 'it has a ".." segment';
    }
    return undefined;
}
const relativePath = (leadingParents = false) => schemas/* string */.YjP().superRefine((value, ctx) => {
    const problem = manifestPathProblem(value, leadingParents);
    if (problem) {
        const rule = leadingParents
            ? 'a relative path with "/" separators'
            : 'a relative path inside the working directory, with "/" separators';
        ctx.addIssue({
            code: 'custom',
            input: value,
            message: `must be ${rule}, but ${problem}; got ${(0,identifiers/* quoteValue */.cl)(value)}`,
        });
    }
});
const sha256 = schemas/* string */.YjP().regex(/^[0-9a-f]{64}$/);
const hashedFile = (path) => schemas/* object */.Ikc({ path, sha256, bytes: schemas/* number */.aig().int().nonnegative().optional() });
/**
 * Output files: each path once, and none inside another that is listed as a file (a release is
 * restored to these paths). With "/" sorting first, a path's descendants follow it directly, so
 * comparing neighbours finds every clash in O(n log n).
 */
const outputFiles = schemas/* array */.YOg(hashedFile(relativePath()))
    .min(1)
    .superRefine((outputs, ctx) => {
    const keys = outputs.map((output) => output.path.replaceAll('/', '\u0000'));
    const order = keys
        .map((_, index) => index)
        .sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
    for (let at = 1; at < order.length; at++) {
        const [before, index] = [order[at - 1], order[at]];
        const [earlier, path] = [outputs[before].path, outputs[index].path];
        if (keys[index] === keys[before])
            ctx.addIssue({
                code: 'custom',
                path: [index, 'path'],
                input: path,
                message: `lists ${(0,identifiers/* quoteValue */.cl)(path)} a second time (also at outputs[${before}])`,
            });
        else if (keys[index].startsWith(`${keys[before]}\u0000`))
            ctx.addIssue({
                code: 'custom',
                path: [index, 'path'],
                input: path,
                message: `puts ${(0,identifiers/* quoteValue */.cl)(path)} inside ${(0,identifiers/* quoteValue */.cl)(earlier)}, which is listed as a file`,
            });
    }
});
const manifestSchema = schemas/* object */.Ikc({
    format: schemas/* literal */.euz(MANIFEST_FORMAT),
    model: schemas/* object */.Ikc({ name: (0,identifiers/* identifier */.Cv)('model name'), version: (0,identifiers/* identifier */.Cv)('model version') }),
    fingerprint: sha256,
    config: schemas/* object */.Ikc({
        path: relativePath(),
        sha256: schemas/* string */.YjP(),
        canonicalSha256: schemas/* string */.YjP(),
        /**
         * The canonical config's values by dotted key, credentials hidden (config-diff.ts), for the
         * comment's "Config changes"; absent in manifests written before it was recorded.
         */
        values: schemas/* record */.g1P(schemas/* string */.YjP().max(MAX_CONFIG_TEXT), schemas/* string */.YjP().max(MAX_CONFIG_TEXT))
            .refine((values) => Object.keys(values).length <= MAX_CONFIG_LEAVES, {
            message: `must hold at most ${MAX_CONFIG_LEAVES} keys`,
        })
            .optional(),
        /** How many of the config's values were not recorded (past MAX_CONFIG_LEAVES). */
        valuesOmitted: schemas/* number */.aig().int().nonnegative().optional(),
    }),
    // Data may live beside the working directory (a monorepo's shared data/ folder): promotion
    // lists these files in the model card and never opens them.
    data: schemas/* array */.YOg(hashedFile(relativePath(true))),
    /** The code tree (see code-tree.ts): its sha256, where it came from and how many files. */
    code: schemas/* object */.Ikc({
        source: schemas/* enum */.k5n(['git', 'paths', 'none']),
        sha256: schemas/* string */.YjP(),
        files: schemas/* number */.aig().int().nonnegative(),
    })
        .optional(),
    /** Dependency lock files, each with its sha256. */
    lockFiles: schemas/* array */.YOg(hashedFile(relativePath(true))).optional(),
    /** Unpinned dependencies found (`strict-pins`), as `file:line: message`. */
    unpinned: schemas/* array */.YOg(schemas/* string */.YjP()).optional(),
    command: schemas/* string */.YjP(),
    /** The pins the command got in its environment (config path, seed, determinism settings). */
    environment: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* string */.YjP()).optional(),
    seed: schemas/* number */.aig().int(),
    workingDirectory: schemas/* string */.YjP(),
    outputs: outputFiles,
    runner: schemas/* object */.Ikc({
        os: schemas/* string */.YjP(),
        arch: schemas/* string */.YjP(),
        node: schemas/* string */.YjP(),
        platform: schemas/* string */.YjP().optional(),
    }),
    /** What the command ran on: Python and its packages, R, the runner image, the OS (runtime.ts). */
    runtime: runtimeSchema.optional(),
    /**
     * Who owns the model (owner.ts): train-model's `owner` input, or the CODEOWNERS rule of the
     * training code. Not a training input, so not part of the fingerprint. Absent when neither
     * names one.
     */
    owner: ownerSchema.optional(),
    /** The mlops-actions version that trained (part of the fingerprint). */
    actionVersion: schemas/* string */.YjP().optional(),
    git: schemas/* object */.Ikc({
        repository: schemas/* string */.YjP().optional(),
        sha: schemas/* string */.YjP().optional(),
        ref: schemas/* string */.YjP().optional(),
        runId: schemas/* string */.YjP().optional(),
        runUrl: schemas/* string */.YjP().optional(),
    }),
    training: schemas/* object */.Ikc({
        startedAt: schemas/* string */.YjP(),
        durationSeconds: schemas/* number */.aig().nonnegative(),
        /** Set when the outputs came from the run cache: the run that trained them. */
        restoredFrom: schemas/* object */.Ikc({
            runUrl: schemas/* string */.YjP().optional(),
            startedAt: schemas/* string */.YjP(),
            /** How long restoring the outputs took; `durationSeconds` is the training it saved. */
            restoreSeconds: schemas/* number */.aig().nonnegative().optional(),
        })
            .optional(),
    }),
});

;// CONCATENATED MODULE: ./shared/metrics/fairness-report.ts
/**
 * The `fairness` section of the metrics report: per sensitive attribute, each group's rows and
 * rates, and the disparity measures between groups as fairlearn names them
 * (fairlearn/metrics/_fairness_metrics.py). evaluate-model writes it (fairness.ts); the gates,
 * the comment, the manifest and the registry read it. The full table stays in the report;
 * anything published merges the small groups (publishableGroups).
 */

/** The group of rows whose sensitive value is missing (empty cell, NA, null). */
const MISSING_GROUP = '(missing)';
/** How an intersection's values are joined into one group name, in column order. */
const INTERSECTION_SEPARATOR = ', ';
const fairness_report_interval = schemas/* tuple */.PVZ([schemas/* number */.aig(), schemas/* number */.aig()]);
const groupMetric = schemas/* object */.Ikc({ value: schemas/* number */.aig(), ci: fairness_report_interval.optional() });
const fairnessGroupSchema = schemas/* object */.Ikc({
    rows: schemas/* number */.aig().int().nonnegative(),
    weight: schemas/* number */.aig().nonnegative(),
    /** rows < minGroupSize: reported, left out of the measures. */
    small: schemas/* boolean */.zMY(),
    /** Binary: the weighted share of positive labels. */
    baseRate: schemas/* number */.aig().nullable().optional(),
    /** Binary: the weighted share predicted positive. */
    selectionRate: schemas/* number */.aig().nullable().optional(),
    /** null = undefined (the group has no positive labels), never 0. */
    truePositiveRate: schemas/* number */.aig().nullable().optional(),
    /** null = undefined (the group has no negative labels). */
    falsePositiveRate: schemas/* number */.aig().nullable().optional(),
    /** Regression: the weighted mean prediction. */
    meanPrediction: schemas/* number */.aig().optional(),
    /** The task's headline metrics on the group's rows. */
    metrics: schemas/* record */.g1P(schemas/* string */.YjP(), groupMetric),
});
const fairnessMeasureSchema = schemas/* object */.Ikc({
    /** null when fewer than two groups qualify. */
    value: schemas/* number */.aig().nullable(),
    /** From the same seeded bootstrap as every metric, resampled within each group. */
    ci: fairness_report_interval.optional(),
    /** The group at the disadvantaged end (lowest selection rate, ...). */
    worstGroup: schemas/* string */.YjP().optional(),
    bestGroup: schemas/* string */.YjP().optional(),
    /** The groups the measure compared. */
    groups: schemas/* array */.YOg(schemas/* string */.YjP()),
});
const fairnessAttributeSchema = schemas/* object */.Ikc({
    /** ["sex"], or ["sex", "age_band"] for an intersection. */
    columns: schemas/* array */.YOg(schemas/* string */.YjP()).min(1),
    minGroupSize: schemas/* number */.aig().int().nonnegative(),
    /** The evaluation data fingerprint (the report's evaluation.dataSha256). */
    dataSha256: schemas/* string */.YjP(),
    groups: schemas/* record */.g1P(schemas/* string */.YjP(), fairnessGroupSchema),
    /**
     * Binary: demographic_parity_difference / _ratio, equalized_odds_difference / _ratio,
     * equal_opportunity_difference / _ratio. Multiclass: the same one-vs-rest, keyed
     * "<measure>[<class>]". Regression: mean_prediction_difference and "<metric>_difference".
     */
    measures: schemas/* record */.g1P(schemas/* string */.YjP(), fairnessMeasureSchema),
    notes: schemas/* array */.YOg(schemas/* string */.YjP()),
});
/** Keyed by attribute as the user wrote it: "sex", or "sex,age_band" for an intersection. */
const fairnessReportSchema = schemas/* record */.g1P(schemas/* string */.YjP(), fairnessAttributeSchema);
/** The name of the merged line of groups under the minimum size. */
function otherGroupName(minGroupSize) {
    return `other (fewer than ${minGroupSize} rows each)`;
}
/**
 * The groups as anything published (job summary, pull-request comment, Release notes) may show
 * them: groups are data about people, so those under min-group-size (whose rates could point at
 * a few individuals) are merged into one "other (fewer than k rows each)" line that carries only
 * their total rows and weight, never their rates. Largest groups first.
 */
function publishableGroups(attribute) {
    const lines = [];
    let smallRows = 0;
    let smallWeight = 0;
    let smallCount = 0;
    for (const [name, group] of Object.entries(attribute.groups)) {
        if (group.small) {
            smallRows += group.rows;
            smallWeight += group.weight;
            smallCount += 1;
            continue;
        }
        lines.push({
            name,
            rows: group.rows,
            weight: group.weight,
            groups: 1,
            merged: false,
            ...(group.baseRate !== undefined ? { baseRate: group.baseRate } : {}),
            ...(group.selectionRate !== undefined ? { selectionRate: group.selectionRate } : {}),
            ...(group.truePositiveRate !== undefined ? { truePositiveRate: group.truePositiveRate } : {}),
            ...(group.falsePositiveRate !== undefined
                ? { falsePositiveRate: group.falsePositiveRate }
                : {}),
            ...(group.meanPrediction !== undefined ? { meanPrediction: group.meanPrediction } : {}),
        });
    }
    lines.sort((a, b) => b.rows - a.rows || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (smallCount > 0)
        lines.push({
            name: otherGroupName(attribute.minGroupSize),
            rows: smallRows,
            weight: smallWeight,
            groups: smallCount,
            merged: true,
        });
    return lines;
}

;// CONCATENATED MODULE: ./shared/metrics/report.ts
/**
 * The metrics report, the contract between evaluate-model, compare-metrics and promote-model.
 * compare-metrics and promote-model also take plain or nested metrics files of the user's own
 * (JSON or YAML, as DVC and DVCLive write them): nested keys are joined with dots.
 */






const METRICS_REPORT_FORMAT = 'mlops-actions/metrics-report@1';
const metricValue = schemas/* object */.Ikc({
    value: schemas/* number */.aig(),
    ci: schemas/* tuple */.PVZ([schemas/* number */.aig(), schemas/* number */.aig()]).optional(),
    n: schemas/* number */.aig().int().nonnegative().optional(),
});
/** Most classes a confusion matrix of a report or a comparison holds (compute.ts keeps 50). */
const MAX_MATRIX_CLASSES = 200;
const confusionMatrixSchema = schemas/* object */.Ikc({
    classes: schemas/* array */.YOg(schemas/* string */.YjP()).max(MAX_MATRIX_CLASSES),
    matrix: schemas/* array */.YOg(schemas/* array */.YOg(schemas/* number */.aig()).max(MAX_MATRIX_CLASSES)).max(MAX_MATRIX_CLASSES),
    totalClasses: schemas/* number */.aig().int().positive().optional(),
})
    .refine((m) => m.matrix.length === m.classes.length &&
    m.matrix.every((row) => row.length === m.classes.length), { error: 'the confusion matrix must have one row and one column per class' });
const residualQuantilesSchema = schemas/* object */.Ikc({
    p5: schemas/* number */.aig(),
    p25: schemas/* number */.aig(),
    p50: schemas/* number */.aig(),
    p75: schemas/* number */.aig(),
    p95: schemas/* number */.aig(),
});
const metricsReportSchema = schemas/* object */.Ikc({
    format: schemas/* literal */.euz(METRICS_REPORT_FORMAT),
    // The model and version become outputs (compare-metrics' baseline-version) and are matched
    // against the manifest's, so they are identifiers.
    model: (0,identifiers/* identifier */.Cv)('model name'),
    version: (0,identifiers/* identifier */.Cv)('model version').optional(),
    fingerprint: schemas/* string */.YjP().optional(),
    task: schemas/* enum */.k5n(['binary', 'multiclass', 'regression']).optional(),
    evaluation: schemas/* object */.Ikc({
        predictions: schemas/* string */.YjP(),
        predictionsSha256: schemas/* string */.YjP(),
        /** sha256 of the true labels in row order: equal when two models were scored on the same examples. */
        dataSha256: schemas/* string */.YjP(),
        rows: schemas/* number */.aig().int().nonnegative(),
        /** How long computing the metrics took, for the comment's cost line. */
        seconds: schemas/* number */.aig().nonnegative().max(1e9).optional(),
    })
        .optional(),
    metrics: schemas/* record */.g1P(schemas/* string */.YjP(), metricValue),
    /** Metrics the task defines that could not be computed, each with the reason (scikit-learn's words where it has some). */
    skipped: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* string */.YjP()).optional(),
    /** Per slice (`column=value`), the same metrics on the slice's rows. */
    slices: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* record */.g1P(schemas/* string */.YjP(), metricValue)).default({}),
    /** Each slice's rows and whether it is under the minimum size; the largest gap per metric. */
    sliceSummary: schemas/* object */.Ikc({
        minSize: schemas/* number */.aig().int().nonnegative(),
        headline: schemas/* string */.YjP(),
        slices: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* object */.Ikc({
            column: schemas/* string */.YjP(),
            value: schemas/* string */.YjP(),
            rows: schemas/* number */.aig().int().nonnegative(),
            small: schemas/* boolean */.zMY(),
        })),
        gaps: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* object */.Ikc({
            best: schemas/* string */.YjP(),
            bestValue: schemas/* number */.aig(),
            worst: schemas/* string */.YjP(),
            worstValue: schemas/* number */.aig(),
            gap: schemas/* number */.aig(),
        })),
    })
        .optional(),
    /**
     * Classification: weighted counts, rows = true class, columns = predicted class, in `classes`
     * order. With more than MAX_REPORTED_CLASSES (50) classes, `classes` are those with the most
     * rows, `totalClasses` counts them all, and rows of the others (and their per-class metrics)
     * are left out.
     */
    confusionMatrix: confusionMatrixSchema.optional(),
    /** Regression: quantiles of prediction − label (weighted as the metrics are), see regression.ts. */
    residuals: residualQuantilesSchema.optional(),
    /** How the confidence intervals were computed; `requested` when the work budget allowed fewer resamples. */
    bootstrap: schemas/* object */.Ikc({
        method: schemas/* string */.YjP(),
        resamples: schemas/* number */.aig().int().positive(),
        requested: schemas/* number */.aig().int().positive().optional(),
        confidence: schemas/* number */.aig(),
        seed: schemas/* number */.aig().int(),
    })
        .optional(),
    /** Per sensitive attribute, the groups' rates and the disparity measures (fairness-report.ts). */
    fairness: fairnessReportSchema.optional(),
});
/** What compare-metrics takes from a metrics report, read from a file or a release asset. */
function loadedFromReport(report, source) {
    return {
        source,
        model: report.model,
        version: report.version,
        fingerprint: report.fingerprint,
        evaluationSha256: report.evaluation?.dataSha256,
        evaluationSeconds: report.evaluation?.seconds,
        metrics: report.metrics,
        skipped: report.skipped,
        slices: report.slices,
        ...(report.confusionMatrix ? { confusion: report.confusionMatrix } : {}),
        ...(report.residuals ? { residuals: report.residuals } : {}),
        ...(report.fairness ? { fairness: report.fairness } : {}),
    };
}
async function loadMetrics(path, what, baseDir = process.cwd()) {
    const text = await read_file_readUserFile(path, what, baseDir);
    const value = await parseStructured(text, path, what);
    if (value &&
        typeof value === 'object' &&
        value.format === METRICS_REPORT_FORMAT) {
        const report = await validateStructured(value, metricsReportSchema, { path, what, text });
        return loadedFromReport(report, path);
    }
    const metrics = flattenMetrics(value, path, what);
    if (Object.keys(metrics).length === 0)
        throw new errors/* UserError */.yo(`The ${what} "${path}" holds no numeric metrics. Expected a metrics report from evaluate-model or a JSON/YAML object of numbers.`);
    return { source: path, metrics };
}
/**
 * Flattens nested objects of numbers the way DVC does (`{"val": {"acc": 0.9}}` → `val.acc`).
 * Booleans, strings and nulls are not metrics and are left out; arrays are not supported.
 */
function flattenMetrics(value, path, what) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new errors/* UserError */.yo(`The ${what} "${path}" must be a JSON or YAML object of metrics (name: number); its top level is ${Array.isArray(value) ? 'a list' : typeof value}.`);
    }
    const out = {};
    const walk = (node, prefix) => {
        for (const [key, child] of Object.entries(node)) {
            const name = prefix ? `${prefix}.${key}` : key;
            if (typeof child === 'number')
                out[name] = { value: child };
            else if (child && typeof child === 'object' && !Array.isArray(child))
                walk(child, name);
        }
    };
    walk(value, '');
    return out;
}
function metricValues(loaded) {
    return Object.fromEntries(Object.entries(loaded.metrics).map(([name, metric]) => [name, metric.value]));
}

;// CONCATENATED MODULE: ./shared/registry/approvals.ts
/**
 * Who approved a promotion. The approval itself is GitHub's: a job that declares
 * `environment: production` waits until one of the environment's required reviewers approves.
 * The action only reads the run's review log and records it in the deployment and the release,
 * so the audit trail names the people who let the model through.
 */


const approvalSchema = schemas/* object */.Ikc({
    login: schemas/* string */.YjP(),
    state: schemas/* enum */.k5n(['approved', 'rejected', 'pending']),
    comment: schemas/* string */.YjP().optional(),
});
/** The reviews of this run that concern `environment`, oldest first; empty when the log cannot be read. */
async function readApprovals(registry, runId, environment, log) {
    if (!runId)
        return [];
    try {
        const reviews = await registry.listRunApprovals(Number(runId));
        return reviews
            .filter((review) => review.environments.includes(environment))
            .map((review) => ({
            login: review.login,
            state: approvalSchema.shape.state.catch('pending').parse(review.state),
            ...(review.comment ? { comment: review.comment } : {}),
        }));
    }
    catch (error) {
        const status = statusOf(error);
        if (status !== 403 && status !== 404)
            throw error;
        log.warning(`Could not read who approved this run's deployment to ${environment} (${status}); the job needs "permissions: actions: read". The promotion is recorded without its approvers.`);
        return [];
    }
}
/** "alice, bob (“ship it”)" for logs, release notes and the summary. */
function describeApprovals(approvals) {
    const approved = approvals.filter((a) => a.state === 'approved');
    if (!approved.length)
        return 'no recorded approval (the environment has no required reviewers, or the review log could not be read)';
    return approved.map((a) => `${a.login}${a.comment ? ` (“${a.comment}”)` : ''}`).join(', ');
}

;// CONCATENATED MODULE: ./shared/registry/fairness-record.ts
/**
 * The bias check a promotion records: which sensitive attributes the promoted model was checked
 * on, on which evaluation data, each fairness measure with its interval, and the rules the gates
 * applied to them. It comes from the metrics report promote-model promotes (evaluate-model's
 * `sensitive-features`) and goes into the promotion record, the deployment payload (where the
 * fleet view reads it back) and, through the model card, the production Release. It is a
 * compact summary: no group names, no rows; the full table stays in the metrics report, which the
 * production Release keeps as an asset.
 *
 * The manifest is written at training, before any evaluation, so it has no place for this.
 */

/** Most attributes and measures a record keeps: a deployment payload is not a report. */
const MAX_ATTRIBUTES = 20;
const MAX_MEASURES = 60;
const NAME_LENGTH = 300;
const fairness_record_name = schemas/* string */.YjP().min(1).max(NAME_LENGTH);
const finite = schemas/* number */.aig().finite();
const measureSchema = schemas/* object */.Ikc({
    /** "sex", or "sex,age_band" for an intersection, as evaluate-model keys it. */
    attribute: fairness_record_name,
    /** As fairlearn names it: demographic_parity_ratio, equalized_odds_difference[class], ... */
    measure: fairness_record_name,
    /** null when fewer than two groups qualified. */
    value: finite.nullable(),
    ci: schemas/* tuple */.PVZ([finite, finite]).optional(),
});
const ruleSchema = schemas/* object */.Ikc({
    attribute: fairness_record_name,
    measure: fairness_record_name,
    /** The rule in words, e.g. "≥ 0.8 (four-fifths rule)". */
    rule: schemas/* string */.YjP().max(NAME_LENGTH),
    status: schemas/* enum */.k5n(['pass', 'warn', 'fail', 'inconclusive', 'info']),
});
/**
 * Read back from a deployment payload, which anyone who may create deployments could have
 * written: bounded, finite, and (in the payload schema) dropped whole when malformed.
 */
const fairnessRecordSchema = schemas/* object */.Ikc({
    attributes: schemas/* array */.YOg(fairness_record_name).min(1).max(MAX_ATTRIBUTES),
    /** The evaluation data's fingerprint (the metrics report's evaluation.dataSha256). */
    dataSha256: schemas/* string */.YjP().max(128),
    /** Groups with fewer rows were left out of the measures. */
    minGroupSize: schemas/* number */.aig().int().nonnegative(),
    measures: schemas/* array */.YOg(measureSchema).max(MAX_MEASURES),
    /** Measures of the report not kept here (multiclass has six a class): they are in the report. */
    omittedMeasures: schemas/* number */.aig().int().positive().optional(),
    /** The fairness rules of the gate policy the promotion was judged by, when it had any. */
    rules: schemas/* array */.YOg(ruleSchema).max(MAX_MEASURES).optional(),
});
/** The promotion's record of a metrics report's fairness section; undefined when it has none. */
function summariseFairness(report, rules = []) {
    const attributes = Object.entries(report ?? {}).slice(0, MAX_ATTRIBUTES);
    if (!attributes.length)
        return undefined;
    const all = attributes.flatMap(([attribute, section]) => Object.entries(section.measures).map(([measure, m]) => ({
        attribute,
        measure,
        value: Number.isFinite(m.value) ? m.value : null,
        ...(m.ci && m.ci.every(Number.isFinite)
            ? { ci: [m.ci[0], m.ci[1]] }
            : {}),
    })));
    // Every attribute's headline first, so that a cut keeps what the one-line bias check shows.
    const headline = new Set(headlineOf(all, rules));
    const ordered = [...headline, ...all.filter((m) => !headline.has(m))];
    const kept = ordered.slice(0, MAX_MEASURES);
    const first = attributes[0][1];
    return {
        attributes: attributes.map(([attribute]) => attribute),
        dataSha256: first.dataSha256,
        minGroupSize: first.minGroupSize,
        measures: kept,
        ...(ordered.length > kept.length ? { omittedMeasures: ordered.length - kept.length } : {}),
        ...(rules.length ? { rules: rules.slice(0, MAX_MEASURES) } : {}),
    };
}
/**
 * A recorded bias check as the gates read a report's fairness section: the measures and their
 * intervals (no groups: the record keeps none). What promote-model judges `max-regression`
 * against, for the model in the environment, whose own report is not at hand.
 */
function fairnessOfRecord(record) {
    const report = {};
    for (const m of record.measures) {
        const section = (report[m.attribute] ??= {
            columns: m.attribute.split(','),
            minGroupSize: record.minGroupSize,
            dataSha256: record.dataSha256,
            groups: {},
            measures: {},
            notes: [],
        });
        section.measures[m.measure] = { value: m.value, ...(m.ci ? { ci: m.ci } : {}), groups: [] };
    }
    return report;
}
const RULE_STATUSES = new Set(ruleSchema.shape.status.options);
/** The fairness rules the gates applied (the policy's `fairness:` section), as the record keeps them. */
function fairnessRulesOf(gates) {
    return (gates?.fairness ?? []).flatMap((f) => f.rule && RULE_STATUSES.has(f.status)
        ? [
            {
                attribute: f.attribute,
                measure: f.measure,
                rule: f.rule,
                status: f.status,
            },
        ]
        : []);
}
/**
 * The measures the one-line bias check shows, one or more an attribute: those a rule was applied
 * to; else the demographic parity ratio, the four-fifths rule's measure (multiclass: the lowest
 * of its classes'); else (regression) the gap in mean prediction; else the attribute's first.
 */
function headlineOf(measures, rules) {
    const attributes = [...new Set(measures.map((m) => m.attribute))];
    return attributes.flatMap((attribute) => {
        const own = measures.filter((m) => m.attribute === attribute);
        const ruled = own.filter((m) => rules.some((r) => r.attribute === attribute && r.measure === m.measure));
        if (ruled.length)
            return ruled;
        const parity = own.filter((m) => /^demographic_parity_ratio(\[.*\])?$/.test(m.measure));
        if (parity.length)
            return [
                parity.reduce((low, m) => m.value !== null && (low.value === null || m.value < low.value) ? m : low),
            ];
        const mean = own.find((m) => m.measure === 'mean_prediction_difference');
        return mean ? [mean] : own.slice(0, 1);
    });
}
/**
 * What the fleet view and promote-model's summary show of a recorded check (FleetVersion's
 * `fairness`, which bias-check.ts puts in one line): the attributes and their headline measures.
 */
function biasCheckOf(record) {
    if (!record)
        return undefined;
    return {
        attributes: record.attributes,
        measures: headlineOf(record.measures, record.rules ?? []),
    };
}

;// CONCATENATED MODULE: ./shared/registry/github-registry.ts
/**
 * GitHub as the model registry. The model in an environment is the newest deployment of task
 * `model:<name>` to that environment whose latest status is success (or that succeeded and only
 * GitHub's own `auto_inactive` rule marked inactive since); its payload says which
 * version, fingerprint and metrics it is. Deployments that GitHub creates for a job declaring
 * `environment:` have task `deploy`, so they never count as models.
 *
 * Promotions are recorded with `auto_merge: false` (GitHub would otherwise merge the default
 * branch into the ref instead of deploying) and an explicit empty `required_contexts` (the
 * gates are checked by the action; omitting the field requires every commit status to pass),
 * and marked `production_environment` in every environment, so that GitHub's `auto_inactive`
 * rule never retires them (see createModelDeployment and holdsEnvironment).
 */









const DEPLOYMENT_PAYLOAD_FORMAT = 'mlops-actions/deployment@1';
/** GitHub rejects longer deployment status descriptions (422). */
const STATUS_DESCRIPTION_LIMIT = 140;

/**
 * Where the training data profile of a promotion lives, the reference monitor-model measures
 * drift against (shared/registry/reference-profile.ts reads it back): the Release asset
 * `data-profile.json` (production, and rollbacks whose Release has one), kept as long as the
 * Release; or else a workflow artifact of the promoting run, kept as long as the repository's
 * artifact retention. `sha256` is of the profile file's bytes.
 */
const profileReferenceSchema = schemas/* object */.Ikc({
    sha256: schemas/* string */.YjP().regex(/^[0-9a-f]{64}$/),
    /** The API URL of the Release asset. */
    asset: schemas/* string */.YjP().optional(),
    /** The workflow artifact `profile-<model>-<version>` holding `data-profile.json`. */
    artifact: schemas/* object */.Ikc({
        name: (0,identifiers/* identifier */.Cv)('artifact name'),
        id: schemas/* number */.aig().int().positive(),
        runId: schemas/* number */.aig().int().positive(),
    })
        .optional(),
});
/**
 * A payload is read back from GitHub, where anyone who may create deployments could have
 * written it; its identifiers become outputs (`previous-version`, `baseline-version`), so a
 * payload whose identifiers are not in their alphabets is not ours and is skipped.
 */
const deploymentPayloadSchema = schemas/* object */.Ikc({
    format: schemas/* literal */.euz(DEPLOYMENT_PAYLOAD_FORMAT),
    model: (0,identifiers/* identifier */.Cv)('model name'),
    version: (0,identifiers/* identifier */.Cv)('model version'),
    fingerprint: schemas/* string */.YjP(),
    metricsDigest: schemas/* string */.YjP(),
    /** The metric values the gates judged, so that the next promotion can compare with them. */
    metrics: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* number */.aig()),
    /** The gates' verdict on this promotion, for the fleet view; absent from earlier payloads. */
    verdict: schemas/* enum */.k5n(['pass', 'warn', 'fail', 'inconclusive']).optional().catch(undefined),
    /** The evaluation data the metrics come from (hash of the true labels), for like-for-like comparisons. */
    dataSha256: schemas/* string */.YjP().optional(),
    artifact: (0,identifiers/* identifier */.Cv)('artifact name').optional(),
    /**
     * Where the full metrics report (with confidence intervals and slices) lives: the API URL of a
     * release asset of this repository. compare-metrics reads it for its baseline when present.
     */
    metricsUrl: schemas/* string */.YjP().optional(),
    /** sha256 of the training config (the lineage manifest's config.sha256), shown in the comment's lineage. */
    configSha256: schemas/* string */.YjP().optional(),
    /** What the model was trained on, in short (lineage/runtime.ts); a malformed one is dropped, not the payload. */
    runtime: runtimeSummarySchema.optional().catch(undefined),
    /**
     * Who owns the model (the manifest's owner.handles), for the fleet view. Each handle is
     * checked against its alphabet (lineage/owner.ts): a list with one that is not is dropped,
     * not the payload.
     */
    owner: schemas/* array */.YOg(ownerHandleSchema).min(1).max(MAX_OWNER_HANDLES).optional().catch(undefined),
    /** The training data profile, the drift reference; a malformed one is dropped, not the payload. */
    profile: profileReferenceSchema.optional().catch(undefined),
    /**
     * The bias check the promotion recorded (fairness-record.ts: attributes, evaluation data
     * fingerprint, each measure with its interval, the rules applied); absent: never checked. A
     * malformed one is dropped, not the payload.
     */
    fairness: fairnessRecordSchema.optional().catch(undefined),
    runUrl: schemas/* string */.YjP().optional(),
    overrideReason: schemas/* string */.YjP().optional(),
    /** A one-time id of the promotion, by which a create that GitHub answered 5xx is found again. */
    promotionId: schemas/* string */.YjP().optional(),
    /** sha256 of the comparison the gates made against the model in the environment before. */
    comparisonDigest: schemas/* string */.YjP().optional(),
    /** The Release `<model>@<version>` that keeps the model (production promotions and rollbacks). */
    release: (0,identifiers/* identifier */.Cv)('release tag').optional(),
    /** The environment reviewers who approved the job that recorded this promotion. */
    approvals: schemas/* array */.YOg(approvalSchema).optional(),
    /** The comparison the reviewers approved (promote-model's approved-digest), found unchanged. */
    approval: schemas/* object */.Ikc({ digest: schemas/* string */.YjP(), by: schemas/* array */.YOg(schemas/* string */.YjP()), at: schemas/* string */.YjP() })
        .optional()
        .catch(undefined),
    /** Set when an earlier version was restored: the version it replaced and why. */
    rollback: schemas/* object */.Ikc({ from: (0,identifiers/* identifier */.Cv)('model version').optional(), reason: schemas/* string */.YjP() })
        .optional(),
});
/**
 * A payload read back from GitHub, or undefined when it is not ours. Payloads come back as an
 * object or as a JSON string, depending on how they were sent.
 */
function parsePayload(raw) {
    let value = raw;
    if (typeof value === 'string') {
        try {
            value = JSON.parse(value);
        }
        catch {
            return undefined;
        }
    }
    const parsed = deploymentPayloadSchema.safeParse(value);
    return parsed.success ? parsed.data : undefined;
}
/** The deployments the registry judges at once: one listing page, one status query. */
const BATCH = 100;
/**
 * Marks an `inactive` status the suite itself would set (to retire a model on purpose); one
 * without it was set by GitHub's `auto_inactive` rule, which the suite does not follow.
 */
const RETIRED_BY_SUITE = 'mlops-actions: retired';
/**
 * Whether a deployment holds its environment's model: its latest status is success, or it
 * succeeded and GitHub alone marked it inactive since. GitHub's `auto_inactive` rule adds an
 * `inactive` status to earlier successful deployments to the same environment name when a
 * later status succeeds (for deployments not marked `production_environment`), e.g. after any
 * job that declares `environment: staging`: that says nothing about which model is there.
 */
function holdsEnvironment(statuses) {
    const latest = statuses?.latest;
    if (latest?.state === 'success')
        return true;
    return (latest?.state === 'inactive' &&
        !latest.description.startsWith(RETIRED_BY_SUITE) &&
        statuses.states.includes('success') &&
        !statuses.states.some((state) => state === 'failure' || state === 'error'));
}
/**
 * The models that were in `environment`, newest first: deployments of the model's task that
 * hold the environment (see holdsEnvironment). Deployments of the task whose payload is not ours
 * are skipped, not trusted. Lazy and batched: each 100 deployments cost one listing page and
 * one status query, however many of them failed.
 */
async function* modelsInEnvironment(registry, model, environment) {
    for await (const batch of batches(registry.listDeployments({ task: (0,identifiers/* modelTask */.Zl)(model), environment }), BATCH)) {
        const statuses = await registry.deploymentStatuses(batch);
        for (const deployment of batch) {
            if (!holdsEnvironment(statuses.get(deployment.id)))
                continue;
            const payload = parsePayload(deployment.payload);
            if (!payload || payload.model !== model)
                continue;
            yield {
                deploymentId: deployment.id,
                environment,
                sha: deployment.sha,
                createdAt: deployment.createdAt,
                creator: deployment.creator,
                payload,
            };
        }
    }
}
/**
 * Groups a lazy listing into batches without reading ahead: a batch is handed over as soon as it
 * is full or the listing ends, so a consumer that stops early never fetches the next page.
 */
async function* batches(items, size) {
    let batch = [];
    for await (const item of items) {
        batch.push(item);
        if (batch.length === size) {
            yield batch;
            batch = [];
        }
    }
    if (batch.length)
        yield batch;
}
/** The model in `environment` now, and the version before it (a re-run needs both). */
async function currentAndPrevious(registry, model, environment) {
    let current;
    for await (const deployed of modelsInEnvironment(registry, model, environment)) {
        if (!current)
            current = deployed;
        else if (deployed.payload.version !== current.payload.version)
            return { current, previous: deployed };
    }
    return { current };
}
/** How often a deployment is created again after GitHub answered 5xx and none was found. */
const CREATE_ATTEMPTS = 3;
/**
 * Records a promotion as a deployment, exactly once. Every model deployment is marked
 * `production_environment`, whatever the environment's name: GitHub's `auto_inactive` rule
 * retires only non-production deployments, so a later job declaring `environment: staging`
 * cannot take staging's model away. A 5xx may come after GitHub created the deployment, so
 * each deployment carries a one-time `promotionId` and, after a 5xx, the deployments of the
 * commit are looked up before trying again: no orphan deployment is left behind.
 */
async function createModelDeployment(registry, deployment, log) {
    const promotionId = randomUUID();
    const request = {
        ref: deployment.sha,
        task: modelTask(deployment.model),
        environment: deployment.environment,
        payload: { ...deployment.payload, promotionId },
        description: shorten(deployment.description),
        productionEnvironment: true,
    };
    for (let attempt = 1;; attempt++) {
        try {
            return (await registry.createDeployment(request, { retries: 0 })).id;
        }
        catch (error) {
            const status = statusOf(error) ?? 0;
            if (status < 500 || attempt >= CREATE_ATTEMPTS)
                throw refusal(error, deployment);
            log?.warning(`GitHub answered ${status} while creating the deployment of ${deployment.model} to ${deployment.environment}; checking whether it was created before trying again.`);
            const created = await findByPromotionId(registry, request, promotionId);
            if (created)
                return created;
        }
    }
}
/** The deployment a create that answered 5xx made after all, found by its one-time id. */
async function findByPromotionId(registry, request, promotionId) {
    for await (const existing of registry.listDeployments({
        task: request.task,
        environment: request.environment,
        sha: request.ref,
    })) {
        const payload = existing.payload;
        const parsed = typeof payload === 'string' ? safeJson(payload) : payload;
        if (parsed?.promotionId === promotionId)
            return existing.id;
    }
    return undefined;
}
function safeJson(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}
function refusal(error, deployment) {
    if (statusOf(error) === 409) {
        return new UserError(`GitHub refused to create the deployment of ${deployment.model} to ${deployment.environment} (409 Conflict: ${error.message}). Nothing was recorded.`);
    }
    if (statusOf(error) === 403 || statusOf(error) === 404) {
        return new UserError(`GitHub refused to create the deployment (${statusOf(error)}): ${error.message}. The job needs "permissions: deployments: write". Nothing was recorded.`);
    }
    return error;
}
async function setDeploymentState(registry, deploymentId, state, details) {
    await registry.createDeploymentStatus(deploymentId, {
        state,
        description: shorten(details.description),
        logUrl: details.logUrl,
        environmentUrl: details.environmentUrl,
    });
}
/**
 * Records a failure on a deployment whose promotion could not finish, so that it never counts
 * as the model in the environment. Best effort: the original error is what the user must see.
 */
async function markDeploymentFailed(registry, deploymentId, reason, log, logUrl) {
    try {
        await setDeploymentState(registry, deploymentId, 'failure', { description: reason, logUrl });
    }
    catch (error) {
        log.warning(`Could not mark deployment ${deploymentId} as failed (${error.message}); its latest status is not success, so it does not count as the model in the environment.`);
    }
}
function shorten(text) {
    return text.length > STATUS_DESCRIPTION_LIMIT
        ? `${text.slice(0, STATUS_DESCRIPTION_LIMIT - 1)}…`
        : text;
}
/** The registry of this repository, or undefined where there is none (no token or repository: a laptop). */
async function openRegistry(token, context, log, connect) {
    const repository = (0,client/* parseRepository */.SU)(context.repository);
    if (!token || !repository) {
        log.info('No GitHub token or repository here (not a GitHub runner), so nothing is read from or recorded in the registry.');
        return undefined;
    }
    return connect(token, repository, log);
}

;// CONCATENATED MODULE: ./shared/comparison/baseline.ts





async function resolveBaseline(args) {
    if (args.file)
        return {
            metrics: await args.loadFile(args.file),
            source: { kind: 'file', path: args.file },
            history: [],
        };
    if (!args.registry)
        return {
            source: {
                kind: 'none',
                reason: 'no baseline file was given, and the registry cannot be read here (no GitHub token or repository)',
            },
            history: [],
        };
    const recent = [];
    try {
        for await (const deployed of modelsInEnvironment(args.registry, args.model, args.environment)) {
            recent.push(deployed);
            if (recent.length >= Math.max(1, args.history ?? 1))
                break;
        }
    }
    catch (error) {
        if ((0,client/* statusOf */.c2)(error) !== 403 && (0,client/* statusOf */.c2)(error) !== 404)
            throw error;
        args.log.warning(`Could not read the deployments of ${args.environment} (${(0,client/* statusOf */.c2)(error)}); the job needs "permissions: deployments: read". Comparing without a baseline.`);
        return {
            source: {
                kind: 'none',
                reason: `the deployments of ${args.environment} could not be read (the token lacks deployments: read)`,
            },
            history: [],
        };
    }
    const deployed = recent[0];
    if (!deployed)
        return {
            source: {
                kind: 'none',
                reason: `no model is in ${args.environment} yet (no successful deployment of task ${(0,identifiers/* modelTask */.Zl)(args.model)})`,
            },
            history: [],
        };
    const { payload } = deployed;
    const fromPayload = {
        source: `${args.environment} deployment ${deployed.deploymentId}`,
        model: payload.model,
        version: payload.version,
        fingerprint: payload.fingerprint,
        evaluationSha256: payload.dataSha256,
        metrics: Object.fromEntries(Object.entries(payload.metrics).map(([name, value]) => [name, { value }])),
    };
    let metrics = fromPayload;
    let report = 'payload';
    if (payload.metricsUrl) {
        const fetched = await fetchRecordedReport(args.registry, deployed, args.apiUrl ?? 'https://api.github.com', args.log);
        if (fetched) {
            metrics = {
                ...fetched,
                source: `${args.environment} deployment ${deployed.deploymentId} (${fetched.source})`,
            };
            report = 'fetched';
        }
        else
            report = 'unavailable';
    }
    const history = collapseRedeployments(recent)
        .reverse()
        .map((d) => ({ version: d.payload.version, metrics: d.payload.metrics }));
    return {
        metrics,
        source: { kind: 'registry', environment: args.environment, deployment: deployed, report },
        history,
    };
}
/** A model deployed again without a new version shows once in the history. */
function collapseRedeployments(newestFirst) {
    return newestFirst.filter((d, i) => i === 0 || d.payload.version !== newestFirst[i - 1].payload.version);
}
/**
 * The metrics report a deployment points at. Only a release asset of this repository, read
 * through the API with the job's token, is followed (a URL elsewhere is never sent the token),
 * and only a report whose values hash to the deployment's metricsDigest is used.
 */
async function fetchRecordedReport(registry, deployed, apiUrl, log) {
    const { owner, repo } = registry.repository;
    const url = deployed.payload.metricsUrl;
    const assetPattern = new RegExp(`^${escapeRegExp(apiUrl.replace(/\/$/, ''))}/repos/${escapeRegExp(owner)}/${escapeRegExp(repo)}/releases/assets/(\\d+)$`, 'i');
    const assetId = assetPattern.exec(url)?.[1];
    const where = `deployment ${deployed.deploymentId}`;
    if (!assetId) {
        log.warning(`The metrics report of ${where} is recorded at ${url}, which is not a release asset of ${owner}/${repo}; using the metric values of its payload.`);
        return undefined;
    }
    try {
        const text = (await registry.downloadReleaseAsset(Number(assetId))).toString('utf8');
        const source = `release asset ${assetId}`;
        const parsed = await validateStructured(JSON.parse(text), metricsReportSchema, {
            path: source,
            what: 'baseline metrics report',
            text,
        });
        const loaded = loadedFromReport(parsed, source);
        if (parsed.model !== deployed.payload.model ||
            sha256Text(canonicalJson(metricValues(loaded))) !== deployed.payload.metricsDigest) {
            log.warning(`The metrics report at ${url} is not the one ${where} recorded (model or metric values differ from its digest); using the metric values of its payload.`);
            return undefined;
        }
        return loaded;
    }
    catch (error) {
        log.warning(`Could not read the metrics report of ${where} at ${url} (${(0,client/* statusOf */.c2)(error) ?? error.message}); using the metric values of its payload.`);
        return undefined;
    }
}
function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
/** The baseline as the comparison document states it. */
function summarizeBaseline(source) {
    if (source.kind !== 'registry')
        return source;
    const { deployment } = source;
    return {
        kind: 'registry',
        environment: source.environment,
        model: deployment.payload.model,
        version: deployment.payload.version,
        deploymentId: deployment.deploymentId,
        sha: deployment.sha,
        createdAt: deployment.createdAt,
        report: source.report,
    };
}

;// CONCATENATED MODULE: ./shared/comparison/changes.ts
/**
 * What the pull request changed in what the model is built from, against the model in
 * production: the config's values (as `dvc params diff` shows them), the training data files
 * and the environment (interpreters, runner image, OS and package versions), from the two
 * lineage manifests. Production's manifest is the one published with it (the Release of a
 * production promotion, checked against the deployment's fingerprint) or the file given as
 * `baseline-manifest`.
 *
 * Both manifests may be hostile (a pull request's run wrote the candidate's; anyone who can
 * create deployments could have published the other): values are masked again (config-diff.ts),
 * every list is capped here and every text is escaped where it is rendered.
 */







/** Entries kept per list in the comparison document; the comment shows fewer (render.ts). */
const MAX_LISTED = 50;
/** A manifest records at most 2,000 config values and 20,000 packages: a few MB at most. */
const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;
const changes_text = schemas/* string */.YjP().max(400);
const count = schemas/* number */.aig().int().nonnegative();
const valueChange = schemas/* object */.Ikc({ key: changes_text, from: changes_text, to: changes_text });
const keyValue = schemas/* object */.Ikc({ key: changes_text, value: changes_text });
const listed = (item) => schemas/* object */.Ikc({ items: schemas/* array */.YOg(item).max(MAX_LISTED), total: count });
const changesSchema = schemas/* object */.Ikc({
    /** The production model the candidate is compared with, and where its manifest came from. */
    against: schemas/* object */.Ikc({ version: changes_text, source: schemas/* enum */.k5n(['release', 'file']) }),
    /** Absent when either manifest records no config values (one written before they were). */
    config: schemas/* object */.Ikc({
        changed: listed(valueChange),
        added: listed(keyValue),
        removed: listed(keyValue),
        hidden: count,
        unchanged: count,
        /** Either manifest recorded only part of its config (a very large one). */
        partial: schemas/* boolean */.zMY(),
    })
        .optional(),
    data: schemas/* object */.Ikc({
        changed: listed(changes_text),
        added: listed(changes_text),
        removed: listed(changes_text),
        unchanged: count,
    }),
    environment: schemas/* object */.Ikc({
        /** Python, R, runner image and OS, each when it differs. */
        changed: schemas/* array */.YOg(valueChange).max(8),
        packages: schemas/* object */.Ikc({ changed: listed(valueChange), added: listed(keyValue), removed: listed(keyValue) })
            .optional(),
    }),
});
function list(items) {
    return { items: items.slice(0, MAX_LISTED), total: items.length };
}
const clip = (value) => (value.length <= 400 ? value : `${value.slice(0, 399)}…`);
/** The changes from production's manifest to the candidate's. */
function describeChanges(candidate, production, source) {
    return {
        against: { version: production.model.version, source },
        ...configChanges(candidate, production),
        data: dataChanges(candidate, production),
        environment: environmentChanges(candidate, production),
    };
}
function configChanges(candidate, production) {
    const [before, after] = [production.config.values, candidate.config.values];
    if (!before || !after)
        return {};
    const diff = diffConfigValues(before, after);
    const pair = (entry) => ({
        key: clip(entry.key),
        value: clip(entry.value),
    });
    return {
        config: {
            changed: list(diff.changed.map((c) => ({ key: clip(c.key), from: clip(c.from), to: clip(c.to) }))),
            added: list(diff.added.map(pair)),
            removed: list(diff.removed.map(pair)),
            hidden: diff.hidden,
            unchanged: diff.unchanged,
            partial: Boolean(production.config.valuesOmitted || candidate.config.valuesOmitted),
        },
    };
}
/** Data files by path: a path whose sha256 differs changed; the others were added or removed. */
function dataChanges(candidate, production) {
    const before = new Map(production.data.map((file) => [file.path, file.sha256]));
    const after = new Map(candidate.data.map((file) => [file.path, file.sha256]));
    const changed = [...after].filter(([path, sha]) => before.has(path) && before.get(path) !== sha);
    return {
        changed: list(changed.map(([path]) => clip(path))),
        added: list([...after.keys()].filter((path) => !before.has(path)).map(clip)),
        removed: list([...before.keys()].filter((path) => !after.has(path)).map(clip)),
        unchanged: [...after].filter(([path, sha]) => before.get(path) === sha).length,
    };
}
function environmentChanges(candidate, production) {
    const [a, b] = [production.runtime, candidate.runtime];
    const image = (side) => [side?.image?.os, side?.image?.version].filter(Boolean).join(' ') || undefined;
    const os = (side) => side?.osRelease?.prettyName ??
        ([side?.osRelease?.id, side?.osRelease?.versionId].filter(Boolean).join(' ') || undefined);
    const facts = [
        ['Python', a?.python?.version, b?.python?.version],
        ['R', a?.r?.version, b?.r?.version],
        ['Runner image', image(a), image(b)],
        ['OS', os(a), os(b)],
    ];
    const changed = facts
        .filter(([, from, to]) => from !== undefined && to !== undefined && from !== to)
        .map(([key, from, to]) => ({ key, from: clip(from), to: clip(to) }));
    const [oldPackages, newPackages] = [a?.python?.packages, b?.python?.packages];
    if (!oldPackages || !newPackages)
        return { changed };
    // Distribution names compare as pip compares them (PEP 503: case and -_. runs alike).
    const normal = (name) => name.toLowerCase().replace(/[-_.]+/g, '-');
    const before = new Map(oldPackages.map((p) => [normal(p.name), p]));
    const after = new Map(newPackages.map((p) => [normal(p.name), p]));
    const versionChanges = [...after]
        .filter(([name, p]) => before.has(name) && before.get(name).version !== p.version)
        .map(([name, p]) => ({
        key: clip(p.name),
        from: clip(before.get(name).version),
        to: clip(p.version),
    }));
    const only = (mine, other) => [...mine]
        .filter(([name]) => !other.has(name))
        .map(([, p]) => ({ key: clip(p.name), value: clip(p.version) }));
    return {
        changed,
        packages: {
            changed: list(versionChanges),
            added: list(only(after, before)),
            removed: list(only(before, after)),
        },
    };
}
/**
 * The manifest published with the model in production: the `model-manifest.json` asset of its
 * Release, used only when it is the manifest of that deployment (same model and fingerprint).
 * Without a Release (an environment other than production) or when it cannot be read, undefined
 * and a line in the log: the comment then has no "Config changes".
 */
async function publishedManifest(registry, deployed, log) {
    const { payload } = deployed;
    const tag = payload.release ?? (0,identifiers/* releaseTag */.aF)(payload.model, payload.version);
    const where = `release ${tag}`;
    try {
        const release = await registry.getReleaseByTag(tag);
        const asset = release?.assets.find((a) => a.name === MANIFEST_FILE);
        if (!asset) {
            log.info(`${payload.model} ${payload.version} has no published ${MANIFEST_FILE} (${where}), so the comment cannot say what changed since it.`);
            return undefined;
        }
        const bytes = await registry.downloadReleaseAsset(asset.id);
        if (bytes.length > MAX_MANIFEST_BYTES) {
            log.warning(`The ${MANIFEST_FILE} of ${where} holds ${bytes.length} bytes, more than a manifest does (${MAX_MANIFEST_BYTES}); the comment leaves out what changed since it.`);
            return undefined;
        }
        const path = `${where}: ${MANIFEST_FILE}`;
        // parseStructured: the nesting budget, as for every file a pull request could write.
        const manifest = await validateStructured(await parseStructured(bytes.toString('utf8'), MANIFEST_FILE, 'manifest of the production model'), manifestSchema, { path, what: 'manifest of the production model' });
        if (manifest.model.name !== payload.model || manifest.fingerprint !== payload.fingerprint) {
            log.warning(`The ${MANIFEST_FILE} of ${where} is not the manifest of deployment ${deployed.deploymentId} (model or fingerprint differ); the comment leaves out what changed since it.`);
            return undefined;
        }
        return manifest;
    }
    catch (error) {
        log.warning(`Could not read the manifest of ${where} (${(0,client/* statusOf */.c2)(error) ?? error.message}); the comment leaves out what changed since it.`);
        return undefined;
    }
}

;// CONCATENATED MODULE: ./shared/comparison/document.ts
/**
 * The comparison as data: what compare-metrics writes as its `report` output and uploads with
 * the comment, and the only thing the comment is rendered from. A workflow_run workflow that
 * posts the comment for a pull request from a fork reads it back from that run's artifact, so
 * the schema below is a boundary: every byte of it may have been written by the fork's code.
 */






const COMPARISON_FORMAT = 'mlops-actions/comparison@1';
const ci = schemas/* tuple */.PVZ([schemas/* number */.aig(), schemas/* number */.aig()]);
const document_status = schemas/* enum */.k5n([
    'pass',
    'warn',
    'inconclusive',
    'fail',
    'info',
    'added',
    'removed',
]);
const verdict = schemas/* enum */.k5n(['pass', 'warn', 'inconclusive', 'fail']);
const sha = schemas/* string */.YjP().regex(/^[0-9a-f]{1,64}$/);
const metricComparison = schemas/* object */.Ikc({
    name: schemas/* string */.YjP(),
    baseline: schemas/* number */.aig().optional(),
    candidate: schemas/* number */.aig().optional(),
    candidateCi: ci.optional(),
    baselineCi: ci.optional(),
    n: schemas/* number */.aig().optional(),
    delta: schemas/* number */.aig().optional(),
    deltaRelative: schemas/* number */.aig().optional(),
    rule: schemas/* string */.YjP().optional(),
    status: document_status,
    reasons: schemas/* array */.YOg(schemas/* string */.YjP()),
    notComputed: schemas/* string */.YjP().optional(),
});
const sliceValue = schemas/* object */.Ikc({
    slice: schemas/* string */.YjP(),
    value: schemas/* number */.aig(),
    ci: ci.optional(),
    n: schemas/* number */.aig().optional(),
});
const sliceComparison = schemas/* object */.Ikc({
    metric: schemas/* string */.YjP(),
    rule: schemas/* string */.YjP().optional(),
    status: document_status,
    reasons: schemas/* array */.YOg(schemas/* string */.YjP()),
    worst: sliceValue.optional(),
    best: sliceValue.optional(),
    baselineWorst: sliceValue.optional(),
    gap: schemas/* number */.aig().optional(),
    rows: schemas/* array */.YOg(schemas/* object */.Ikc({
        slice: schemas/* string */.YjP(),
        candidate: sliceValue.optional(),
        baseline: sliceValue.optional(),
        ignored: schemas/* boolean */.zMY(),
    })),
});
const fairnessComparison = schemas/* object */.Ikc({
    attribute: schemas/* string */.YjP(),
    measure: schemas/* string */.YjP(),
    candidate: schemas/* number */.aig().nullable().optional(),
    candidateCi: ci.optional(),
    baseline: schemas/* number */.aig().nullable().optional(),
    baselineCi: ci.optional(),
    worstGroup: schemas/* string */.YjP().optional(),
    baselineWorstGroup: schemas/* string */.YjP().optional(),
    rule: schemas/* string */.YjP().optional(),
    status: document_status,
    reasons: schemas/* array */.YOg(schemas/* string */.YjP()),
});
/** A line of a published group table: a group, or the groups under min-group-size merged. */
const publishableGroup = schemas/* object */.Ikc({
    name: schemas/* string */.YjP(),
    rows: schemas/* number */.aig(),
    weight: schemas/* number */.aig(),
    groups: schemas/* number */.aig(),
    merged: schemas/* boolean */.zMY(),
    baseRate: schemas/* number */.aig().nullable().optional(),
    selectionRate: schemas/* number */.aig().nullable().optional(),
    truePositiveRate: schemas/* number */.aig().nullable().optional(),
    falsePositiveRate: schemas/* number */.aig().nullable().optional(),
    meanPrediction: schemas/* number */.aig().optional(),
});
/** Per sensitive attribute, the candidate's groups as anything published may show them. */
const fairnessGroups = schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* object */.Ikc({
    columns: schemas/* array */.YOg(schemas/* string */.YjP()),
    minGroupSize: schemas/* number */.aig(),
    groups: schemas/* array */.YOg(publishableGroup),
}));
const notableChange = schemas/* object */.Ikc({
    metric: schemas/* string */.YjP(),
    attribute: schemas/* string */.YjP().optional(),
    slice: schemas/* string */.YjP().optional(),
    baseline: schemas/* number */.aig(),
    candidate: schemas/* number */.aig(),
    delta: schemas/* number */.aig(),
    ci: ci.optional(),
    kind: schemas/* enum */.k5n(['regression', 'improvement', 'change']),
    basis: schemas/* enum */.k5n(['ci', 'relative']),
    size: schemas/* number */.aig(),
    gated: schemas/* boolean */.zMY(),
    status: document_status,
});
/** A side of the comparison's confusion matrices or residual summaries: the candidate's, and production's when its report has one. */
const bothSides = (schema) => schemas/* object */.Ikc({ candidate: schema, baseline: schema.optional() });
const seconds = schemas/* number */.aig().nonnegative().max(1e9);
const costSchema = schemas/* object */.Ikc({
    training: schemas/* object */.Ikc({
        /** How long the command ran; on a cache hit, the training the restore saved. */
        seconds,
        restoredFrom: schemas/* object */.Ikc({ runUrl: schemas/* string */.YjP().max(2000).optional(), restoreSeconds: seconds.optional() })
            .optional(),
    })
        .optional(),
    /** How long evaluate-model computed the candidate's metrics (its report says). */
    evaluationSeconds: seconds.optional(),
    comparisonSeconds: seconds,
});
/** Which baseline was used and why, as the comment states it. */
const baselineSummarySchema = schemas/* discriminatedUnion */.gMt('kind', [
    schemas/* object */.Ikc({ kind: schemas/* literal */.euz('file'), path: schemas/* string */.YjP() }),
    schemas/* object */.Ikc({
        kind: schemas/* literal */.euz('registry'),
        environment: schemas/* string */.YjP(),
        model: schemas/* string */.YjP(),
        version: schemas/* string */.YjP(),
        deploymentId: schemas/* number */.aig().int(),
        sha,
        createdAt: schemas/* string */.YjP(),
        /** fetched: its full metrics report (CIs, slices); payload: the values its deployment records; unavailable: the report could not be read. */
        report: schemas/* enum */.k5n(['fetched', 'payload', 'unavailable']),
    }),
    schemas/* object */.Ikc({ kind: schemas/* literal */.euz('none'), reason: schemas/* string */.YjP() }),
]);
const lineageSide = schemas/* object */.Ikc({
    version: schemas/* string */.YjP().optional(),
    fingerprint: sha.optional(),
    evaluationSha256: sha.optional(),
    configSha256: sha.optional(),
    dataFiles: schemas/* array */.YOg(schemas/* object */.Ikc({ path: schemas/* string */.YjP(), sha256: sha })).optional(),
    commit: sha.optional(),
    runUrl: schemas/* string */.YjP().optional(),
    /** What the model was trained on, in short (see lineage/runtime.ts). */
    runtime: runtimeSummarySchema.optional(),
});
const side = schemas/* object */.Ikc({
    source: schemas/* string */.YjP(),
    version: schemas/* string */.YjP().optional(),
    evaluationSha256: schemas/* string */.YjP().optional(),
});
const comparisonDocumentSchema = schemas/* object */.Ikc({
    format: schemas/* literal */.euz(COMPARISON_FORMAT),
    model: schemas/* string */.YjP().regex(identifiers/* MODEL_NAME_PATTERN */.lM),
    verdict,
    candidate: side,
    baseline: side.nullable(),
    baselineSource: baselineSummarySchema,
    /** Set when baseline and candidate were evaluated on different data (their evaluation hashes differ). */
    notLikeForLike: schemas/* boolean */.zMY(),
    gates: schemas/* string */.YjP().nullable(),
    /** Which gate policy judged the run: on a pull request, the base branch's, with what the pull request changes in it. */
    policy: policySourceSchema.optional(),
    metrics: schemas/* array */.YOg(metricComparison),
    slices: schemas/* array */.YOg(sliceComparison),
    /** The disparity measures per sensitive attribute, gated or not (absent from older documents). */
    fairness: schemas/* array */.YOg(fairnessComparison).optional(),
    /**
     * The candidate's groups per attribute: names, counts and rates only, never rows, and the
     * groups under min-group-size merged into one line (publishableGroups): people are in them.
     */
    fairnessGroups: fairnessGroups.optional(),
    /** The changes beyond the noise, gated or not, worst first (absent from documents of older versions). */
    notable: schemas/* array */.YOg(notableChange).optional(),
    /** Classification: the confusion matrices (weighted counts, rows = true class). */
    confusion: bothSides(confusionMatrixSchema).optional(),
    /** Regression: the quantiles of prediction − label. */
    residuals: bothSides(residualQuantilesSchema).optional(),
    lineage: schemas/* object */.Ikc({ candidate: lineageSide, baseline: lineageSide.optional() }).optional(),
    /** What the pull request changed in config, data and environment since production (changes.ts). */
    changes: changesSchema.optional(),
    /** What it cost: training (or the cache hit that saved it) and the comparison itself. */
    cost: costSchema.optional(),
    /** The recent models in the baseline environment, oldest first. */
    history: schemas/* array */.YOg(schemas/* object */.Ikc({ version: schemas/* string */.YjP(), metrics: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* number */.aig()) }))
        .optional(),
});
function gateResultOf(document) {
    return {
        verdict: document.verdict,
        metrics: document.metrics,
        slices: document.slices,
        fairness: document.fairness ?? [],
        notable: document.notable ?? [],
        hasBaseline: document.baseline !== null,
    };
}

// EXTERNAL MODULE: ./node_modules/zod/v4/core/errors.js
var core_errors = __nccwpck_require__(37428);
;// CONCATENATED MODULE: ./shared/comparison/fork-comment.ts
/**
 * Pull requests from forks get a read-only token, so their run cannot comment. The run uploads
 * its comparison and the pull request it belongs to as an artifact instead, and a workflow
 * triggered by workflow_run (with a write token, never running the fork's code) posts it.
 *
 * Everything in that artifact was written by a run of the fork's code, so the poster trusts
 * none of it: the files are validated, the comment is rendered again from the comparison data
 * (all text escaped, links built by the poster), and the pull request number is accepted only
 * when that pull request of this repository has the head commit the triggering run ran on.
 */








const COMMENT_REQUEST_FORMAT = 'mlops-actions/comment-request@1';
const REQUEST_FILE = 'pull-request.json';
const DOCUMENT_FILE = 'comparison.json';
/** The comparison documents this suite writes are far smaller; a bigger file is refused unread. */
const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
/** The full comparison of a run (JSON and Markdown), for reviewers who need more than the comment shows. */
function reportArtifactName(model, runAttempt) {
    return `comparison-${model}-attempt-${runAttempt ?? '1'}`;
}
/** What a run whose token could not comment hands to the workflow_run workflow. */
function commentArtifactName(model, runAttempt) {
    return `compare-metrics-comment-${model}-attempt-${runAttempt ?? '1'}`;
}
const requestSchema = schemas/* object */.Ikc({
    format: schemas/* literal */.euz(COMMENT_REQUEST_FORMAT),
    model: schemas/* string */.YjP().regex(identifiers/* MODEL_NAME_PATTERN */.lM),
    pullRequest: schemas/* number */.aig()
        .int()
        .positive()
        .max(2 ** 31),
    headSha: schemas/* string */.YjP().regex(/^[0-9a-f]{40}$/),
})
    .strict();
async function writeCommentRequest(dir, document, pullRequest) {
    await (0,promises_.mkdir)(dir, { recursive: true });
    const request = {
        format: COMMENT_REQUEST_FORMAT,
        model: document.model,
        pullRequest: pullRequest.number,
        headSha: pullRequest.headSha,
    };
    await (0,promises_.writeFile)((0,external_node_path_.join)(dir, REQUEST_FILE), JSON.stringify(request, null, 2) + '\n');
    await (0,promises_.writeFile)((0,external_node_path_.join)(dir, DOCUMENT_FILE), JSON.stringify(document) + '\n');
    return [
        { from: (0,external_node_path_.join)(dir, REQUEST_FILE), as: REQUEST_FILE },
        { from: (0,external_node_path_.join)(dir, DOCUMENT_FILE), as: DOCUMENT_FILE },
    ];
}
/** Reads and validates a downloaded comment artifact; the verdict is derived again from the statuses. */
async function readCommentRequest(dir, artifact, model) {
    const read = async (file, schema) => {
        const path = (0,external_node_path_.join)(dir, file);
        let text;
        try {
            text = await (0,promises_.readFile)(path, 'utf8');
        }
        catch {
            throw new errors/* UserError */.yo(`Artifact ${artifact} has no ${file}; it was not written by compare-metrics. Nothing was posted.`);
        }
        if (text.length > MAX_DOCUMENT_BYTES)
            throw new errors/* UserError */.yo(`${file} in artifact ${artifact} is larger than ${MAX_DOCUMENT_BYTES} bytes; refusing to read it. Nothing was posted.`);
        let value;
        try {
            value = JSON.parse(text);
        }
        catch {
            throw new errors/* UserError */.yo(`${file} in artifact ${artifact} is not JSON. Nothing was posted.`);
        }
        return validateStructured(value, schema, {
            path: `${artifact}/${file}`,
            what: 'comment artifact file',
            text,
        });
    };
    const request = await read(REQUEST_FILE, requestSchema);
    const document = await read(DOCUMENT_FILE, comparisonDocumentSchema);
    if (request.model !== model || document.model !== model) {
        throw new errors/* UserError */.yo(`Artifact ${artifact} holds the comparison of model "${document.model}" (request for "${request.model}"), not "${model}". Nothing was posted.`);
    }
    return {
        request,
        document: {
            ...document,
            verdict: overallVerdict([
                ...document.metrics,
                ...document.slices,
                ...(document.fairness ?? []),
            ]),
        },
        documentPath: (0,external_node_path_.join)(dir, DOCUMENT_FILE),
    };
}
/** The triggering run, from a workflow_run event payload. */
const workflowRunEvent = schemas/* object */.Ikc({
    workflow_run: schemas/* object */.Ikc({
        id: schemas/* number */.aig().int().positive(),
        run_attempt: schemas/* number */.aig().int().positive().default(1),
        event: schemas/* string */.YjP(),
        head_sha: schemas/* string */.YjP().regex(/^[0-9a-f]{40}$/),
        pull_requests: schemas/* array */.YOg(schemas/* object */.Ikc({ number: schemas/* number */.aig().int().positive() })).default([]),
    }),
});
function triggeringRun(payload, eventName) {
    if (eventName !== 'workflow_run') {
        throw new errors/* UserError */.yo(`"comment-from-run" posts the comment of the run that triggered this workflow, so the workflow must run "on: workflow_run" (this event is ${eventName ?? 'unknown'}). See examples/workflows/post-comment.yml.`);
    }
    const parsed = workflowRunEvent.safeParse(payload);
    if (!parsed.success)
        throw new errors/* UserError */.yo(`The workflow_run event payload has an unexpected shape: ${core_errors/* prettifyError */.S1(parsed.error)}`);
    return parsed.data.workflow_run;
}
/**
 * Accepts the artifact's pull request only if it is a pull request of this repository whose
 * head is the commit the triggering run ran on; when GitHub lists the run's pull requests
 * (same-repository branches), the number must be one of them.
 */
async function verifyPullRequest(request, run, repository, reader) {
    const refuse = (why) => {
        throw new errors/* UserError */.yo(`Refusing to post the comment of run ${run.id} on pull request #${request.pullRequest}: ${why}. The artifact may have been forged; nothing was posted.`);
    };
    if (request.headSha !== run.head_sha)
        refuse(`the artifact names head commit ${request.headSha.slice(0, 12)}, but the run ran on ${run.head_sha.slice(0, 12)}`);
    if (run.pull_requests.length &&
        !run.pull_requests.some((pr) => pr.number === request.pullRequest))
        refuse(`the run belongs to pull request(s) ${run.pull_requests.map((pr) => `#${pr.number}`).join(', ')}`);
    const pr = await reader.headOf(request.pullRequest);
    if (!pr)
        refuse(`${repository} has no such pull request`);
    if (pr.baseRepository.toLowerCase() !== repository.toLowerCase())
        refuse(`it is a pull request of ${pr.baseRepository}, not of ${repository}`);
    if (pr.headSha !== run.head_sha)
        refuse(`its head is ${pr.headSha.slice(0, 12)}, not ${run.head_sha.slice(0, 12)}, the commit the run ran on (a newer push will post its own comment)`);
}

// EXTERNAL MODULE: ./shared/markdown/escape.ts
var markdown_escape = __nccwpck_require__(32215);
;// CONCATENATED MODULE: ./shared/comparison/policy-note.ts
/**
 * The lines of a comparison that say which gate policy judged it: on a pull request, the base
 * branch's, and what the pull request would change in it once merged. Metric names and rule
 * values come from files the pull request controls (and, for a fork, from its artifact): all
 * are escaped here.
 */


/** How many changes the comment lists; the report holds the rest. */
const policy_note_MAX_LISTED = 15;
const MAX_TEXT = 120;
function clipped(text) {
    return text.length <= MAX_TEXT
        ? text
        : `${Array.from(text)
            .slice(0, MAX_TEXT - 1)
            .join('')}…`;
}
const asMarkdown = {
    name: (text) => (0,markdown_escape/* inlineCode */.ti)(clipped(text)),
    value: (text) => (0,markdown_escape/* escapeMarkdown */.FV)(clipped(text)),
};
/** One change as a Markdown sentence, e.g. "this PR loosens `accuracy` max-regression from 0.02 to 0.2". */
function changeLine(change) {
    return `${change.effect === 'looser' ? '⚠️ ' : ''}this PR ${describeChange(change, asMarkdown)}`;
}
/** The policy note as Markdown, or undefined when there is nothing to say (no policy, or not a pull request). */
function renderPolicyNote(source) {
    if (!source)
        return undefined;
    const path = (0,markdown_escape/* inlineCode */.ti)(clipped(source.path));
    if (source.kind === 'workspace') {
        return source.optedOut
            ? `> [!WARNING]\n> Judged by the pull request's own gate policy ${path} (\`gates-from: workspace\`): a pull request can change the gates it is judged by.`
            : undefined;
    }
    const base = `${(0,markdown_escape/* inlineCode */.ti)(clipped(source.baseRef))} at ${(0,markdown_escape/* inlineCode */.ti)(source.baseSha.slice(0, 12))}`;
    const list = (changes, more) => {
        const lines = changes.slice(0, policy_note_MAX_LISTED).map((change) => `> - ${changeLine(change)}`);
        const left = changes.length - Math.min(changes.length, policy_note_MAX_LISTED) + more;
        if (left > 0)
            lines.push(`> - … and ${left} more ${left === 1 ? 'change' : 'changes'}, in the step's \`report\` output.`);
        return lines.join('\n');
    };
    switch (source.proposed) {
        case 'same':
            return `Judged by the gate policy ${path} of the base branch (${base}).`;
        case 'unknown':
            return `Judged by the gate policy ${path} of the base branch (${base}). The pull request's own version was neither checked out in this job nor readable at its merge commit, so what it changes is not shown.`;
        case 'absent':
            return `> [!WARNING]\n> **No gate policy:** neither the base branch (${base}) nor this pull request has ${path}, so no metric is gated. Check the \`gates\` input.`;
        case 'added':
            return `> [!IMPORTANT]\n> **The base branch (${base}) has no gate policy ${path}**, so this run is judged without gates. This pull request adds one; it is not applied until merged:\n${list(source.changes, source.more)}`;
        case 'removed':
            return `> [!IMPORTANT]\n> **This pull request deletes the gate policy ${path}.** It is judged by the base branch's policy (${base}); the deletion is not applied until merged:\n${list(source.changes, source.more)}`;
        case 'changed':
            return `> [!IMPORTANT]\n> **This pull request changes the gate policy ${path}.** It is judged by the base branch's policy (${base}); these changes are not applied until merged:\n${list(source.changes, source.more)}`;
    }
}
/** The same in one plain line, for an annotation: a warning when a change loosens the gates. */
function policyAnnotation(source) {
    if (source?.kind !== 'base' || !['changed', 'added', 'removed'].includes(source.proposed))
        return undefined;
    const quote = (text) => JSON.stringify(clipped(text));
    const changes = source.changes
        .slice(0, 5)
        .map((change) => `this PR ${describeChange(change, { name: quote, value: clipped })}`);
    const more = source.changes.length + source.more - changes.length;
    const text = `The pull request changes the gate policy "${source.path}"; it was judged by the base branch's policy (${source.baseRef} at ${source.baseSha.slice(0, 12)}), and the changes are not applied until merged: ${changes.join('; ')}${more > 0 ? `; and ${more} more` : ''}.`;
    return { level: loosens(source.changes) ? 'warning' : 'notice', text };
}

;// CONCATENATED MODULE: ./shared/github/pull-request-comment.ts

/** Creates or updates the sticky comment. */
async function postPullRequestComment(request) {
    const { log } = request;
    const repository = (0,client/* parseRepository */.SU)(request.repository);
    if (!request.pullRequestNumber || !repository) {
        log.info(`Not a pull request run (event ${request.eventName ?? 'unknown'}), so no comment was posted; the body is in ${request.bodyFile}.`);
        return { posted: false, why: 'not-a-pull-request' };
    }
    const { upsertStickyComment } = await Promise.resolve(/* import() */).then(__nccwpck_require__.bind(__nccwpck_require__, 17853));
    const github = await request.github(request.token, repository, log);
    const result = await upsertStickyComment(github, { issueNumber: request.pullRequestNumber, marker: request.marker }, request.content, log);
    if (result.status === 'nothing-to-write')
        return { posted: false, why: 'nothing-to-write' };
    if (result.status === 'skipped') {
        log.warning(`No comment was posted on pull request #${request.pullRequestNumber}: ${result.reason}. The body is in ${request.bodyFile}.`);
        return { posted: false, why: 'read-only' };
    }
    log.info(`Comment ${result.status} on pull request #${request.pullRequestNumber}: ${result.url}`);
    return { posted: true, url: result.url };
}

// EXTERNAL MODULE: ./shared/github/sticky-comment.ts
var sticky_comment = __nccwpck_require__(17853);
;// CONCATENATED MODULE: ./shared/training/summary.ts

/** The job summary of a training: the version, what the fingerprint covers, and every output. */
function renderTrainingSummary(manifest) {
    const rows = manifest.outputs
        .map((o) => `| ${inlineCode(o.path)} | ${o.bytes ?? ''} | \`${o.sha256.slice(0, 16)}…\` |`)
        .join('\n');
    return [
        `### 🧪 Trained ${escapeMarkdown(manifest.model.name)} version \`${manifest.model.version}\``,
        `Fingerprint \`${manifest.fingerprint}\` over the config, ${manifest.data.length} data file(s), the code, ${manifest.lockFiles?.length ?? 0} lock file(s), the command and seed ${manifest.seed}.`,
        `**Cost:** ${describeCost(manifest.training)}`,
        ...(manifest.runtime ? [describeRuntime(manifest.runtime)] : []),
        ...(manifest.unpinned?.length
            ? [
                `⚠️ ${manifest.unpinned.length} unpinned dependenc${manifest.unpinned.length === 1 ? 'y' : 'ies'}: ${manifest.unpinned.map((u) => inlineCode(u)).join(', ')}`,
            ]
            : []),
        '| Output | Bytes | sha256 |\n| --- | --- | --- |\n' + rows,
    ].join('\n\n');
}
/** One line: the interpreters, how many packages, the image and the OS the command ran on. */
function describeRuntime(runtime) {
    const parts = [
        runtime.python &&
            `Python ${inlineCode(runtime.python.version)}${runtime.python.packages ? ` with ${runtime.python.packages.length} packages` : ''}`,
        runtime.r && `R ${inlineCode(runtime.r.version)}`,
        runtime.image &&
            `image ${inlineCode([runtime.image.os, runtime.image.version].filter(Boolean).join(' '))}`,
        runtime.osRelease?.prettyName && escapeMarkdown(runtime.osRelease.prettyName),
    ].filter(Boolean);
    const listed = runtime.python?.packages ? '; the manifest lists every installed package' : '';
    return `Ran on ${parts.length ? parts.join(', ') : 'an unknown runtime'}${listed}.`;
}
/** Training time, or on a cache hit the run it came from and the training time it saved. */
function describeCost(training) {
    const seconds = formatDuration;
    const from = training.restoredFrom;
    if (!from)
        return `training took ${seconds(training.durationSeconds)}.`;
    const run = from.runUrl ? markdownLink('the run', from.runUrl) : 'a run';
    const restore = from.restoreSeconds !== undefined ? ` in ${seconds(from.restoreSeconds)}` : '';
    return `restored from the cache${restore}: trained by ${run} of ${escapeMarkdown(from.startedAt.slice(0, 19).replace('T', ' '))} UTC, which saves ${seconds(training.durationSeconds)} of training.`;
}
/** A duration for a reader: `< 0.1 s`, `12.3 s`, `6 min 52 s`, `2 h 05 min`. */
function formatDuration(seconds) {
    if (seconds < 0.05)
        return '< 0.1 s';
    if (seconds < 100)
        return `${seconds.toFixed(1)} s`;
    const whole = Math.round(seconds);
    if (whole < 3600)
        return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
    const minutes = Math.round(whole / 60);
    return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

;// CONCATENATED MODULE: ./shared/comparison/chart.ts
/**
 * A key metric across the recent versions in production, and the candidate, as a Mermaid
 * xychart, which GitHub renders in comments without any image host, followed by the values in
 * one line of Markdown (a line chart shows the trend; the line says the numbers, and survives a
 * viewer that draws no charts). Labels come from deployment payloads and reports, so they pass
 * through mermaidLabel in the chart and inlineCode in the line.
 */


/**
 * The chart's colours, fixed whatever colour mode the reader has. GitHub draws a chart with
 * mermaid's "default" theme in light mode (its line is #ECECFF, pale lavender, nearly invisible
 * on white) and "dark" in dark mode; a chart of its own colours reads the same in both: a white
 * card with GitHub's text colour (#1f2328, 16:1 on white) and its accent blue (#0969da, 5:1) for
 * the line. The directive's JSON holds no label, only these constants.
 */
const CHART_COLOURS = {
    backgroundColor: '#ffffff',
    titleColor: '#1f2328',
    xAxisLabelColor: '#1f2328',
    xAxisTitleColor: '#1f2328',
    xAxisTickColor: '#59636e',
    xAxisLineColor: '#59636e',
    yAxisLabelColor: '#1f2328',
    yAxisTitleColor: '#1f2328',
    yAxisTickColor: '#59636e',
    yAxisLineColor: '#59636e',
    plotColorPalette: '#0969da',
};
/** Mermaid's default xychart is 700 by 500 pixels: a lower one keeps a comment short. */
const CHART_SIZE = { width: 700, height: 320 };
const CHART_THEME_DIRECTIVE = `%%{init: ${JSON.stringify({ theme: 'base', themeVariables: { xyChart: CHART_COLOURS }, xyChart: CHART_SIZE })}}%%`;
/** A line chart of `metric` over `history` (oldest first) and the candidate; undefined with fewer than two points. */
function metricChart(metric, history, candidate) {
    const points = history
        .filter((point) => Number.isFinite(point.metrics[metric]))
        .map((point) => ({ version: point.version, value: point.metrics[metric] }));
    const hasCandidate = candidate !== undefined && Number.isFinite(candidate);
    if (points.length + (hasCandidate ? 1 : 0) < 2)
        return undefined;
    const values = points.map((p) => p.value);
    const labels = points.map((p) => (0,markdown_escape/* mermaidLabel */._b)(p.version, 14));
    if (hasCandidate) {
        labels.push('this PR');
        values.push(candidate);
    }
    return [
        lineChart(metric, labels, values),
        '',
        valuesLine(metric, points, hasCandidate ? candidate : undefined),
    ].join('\n');
}
/**
 * A mermaid line chart of `values` over `labels` (already passed through mermaidLabel), titled
 * and with its y axis named `title` (hostile text: escaped here), in the fixed colours above.
 */
function lineChart(title, labels, values, range) {
    const [low, high] = range ?? yRange(Math.min(...values), Math.max(...values));
    return [
        '```mermaid',
        CHART_THEME_DIRECTIVE,
        'xychart-beta',
        `  title "${(0,markdown_escape/* mermaidLabel */._b)(title, 60)}"`,
        `  x-axis [${uniqueLabels(labels)
            .map((label) => `"${label}"`)
            .join(', ')}]`,
        `  y-axis "${(0,markdown_escape/* mermaidLabel */._b)(title, 30)}" ${format(low)} --> ${format(high)}`,
        `  line [${values.map((v) => format(v)).join(', ')}]`,
        '```',
    ].join('\n');
}
/** The chart's numbers, oldest first, the candidate's in bold: readable at a glance and by a screen reader. */
function valuesLine(metric, points, candidate) {
    const shown = points.map((p) => `${(0,markdown_escape/* inlineCode */.ti)([...p.version].slice(0, 14).join(''))} ${format(p.value)}`);
    if (candidate !== undefined)
        shown.push(`this PR **${format(candidate)}**`);
    return `<sub>${(0,markdown_escape/* inlineCode */.ti)(metric)}: ${shown.join(' → ')}</sub>`;
}
/** A range with some room around the values, so that a flat line is not drawn on the frame. */
function yRange(min, max) {
    const pad = max > min ? (max - min) * 0.25 : Math.abs(max) * 0.05 || 1;
    return [min - pad, max + pad];
}
/** Mermaid merges equal category labels, so repeated versions (a re-deployment) are numbered. */
function uniqueLabels(labels) {
    const seen = new Map();
    return labels.map((label) => {
        const count = (seen.get(label) ?? 0) + 1;
        seen.set(label, count);
        return count === 1 ? label : `${label} (${count})`;
    });
}

;// CONCATENATED MODULE: ./shared/comparison/render.ts
/**
 * The comparison of one model as reviewers read it: the headline verdict, which baseline and
 * why, what broke, the key metrics with confidence intervals, then collapsible sections for the
 * slices, every metric, the lineage and the history chart. The same Markdown is the model's
 * section of the pull-request comment and the job summary. Everything that came from a file or
 * a payload (metric and slice names, versions, paths, URLs) is escaped.
 *
 * Size: a section is rendered within a character budget. The fixed parts come first; the
 * tables get what remains, each cut at a row boundary with a note naming the report artifact
 * that holds everything, so a 5,000-metric report still yields a readable comment.
 */







/** How many rows of the key table, reasons and charts a section shows at most. */
const MAX_REASONS = 15;
const MAX_CHARTS = 4;
const MAX_KEY_ROWS_UNGATED = 10;
/** Names and versions longer than this are shortened in the comment (the report keeps them whole). */
const MAX_NAME = 120;
const MAX_REASON = 400;
/** Shortens text to `max` characters (whole code points), marking the cut with "…". */
function render_clip(text, max) {
    if (text.length <= max)
        return text;
    return (Array.from(text)
        .slice(0, max - 1)
        .join('') + '…');
}
/** A metric, slice or version name from a file: inline code, shortened. */
function code(text) {
    return (0,markdown_escape/* inlineCode */.ti)(render_clip(text, MAX_NAME));
}
const HEADLINE = {
    pass: '✅ passes its gates',
    warn: '⚠️ passes with warnings',
    inconclusive: '❔ is inconclusive: a regression within the noise',
    fail: '❌ fails its gates',
};
const STATUS = {
    pass: '✅ pass',
    warn: '⚠️ warn',
    inconclusive: '❔ inconclusive',
    fail: '❌ fail',
    info: 'ℹ️ info',
    added: '🆕 added',
    removed: '➖ removed',
};
const VERDICT_ICON = {
    pass: '✅',
    warn: '⚠️',
    inconclusive: '❔',
    fail: '❌',
};
/** The heading of a model's section, also used for the status table of a multi-model comment. */
function headline(model, candidateVersion, verdict, notable) {
    return `${(0,markdown_escape/* escapeMarkdown */.FV)(model)}${candidateVersion ? ` ${code(candidateVersion)}` : ''} ${HEADLINE[verdict]}${headlineNote(notable)}`;
}
function renderComparison(view, links, budget = Number.POSITIVE_INFINITY) {
    const { model, candidate } = view;
    const baseline = view.baseline ?? undefined;
    const result = gateResultOf(view);
    const pointer = links.reportArtifact
        ? `the full report is in the artifact ${(0,markdown_escape/* inlineCode */.ti)(links.reportArtifact)} of this run`
        : "the full report is in the step's `report` output";
    const fixedHead = [
        `### ${headline(model, candidate.version, result.verdict, view.notable)}`,
        mentionLine(result.verdict, links),
        tally(result),
        notableList(view.notable, Boolean(baseline), pointer) ?? '',
        describeBaseline(view.baselineSource, baseline, links),
    ];
    const policyNote = renderPolicyNote(view.policy);
    if (policyNote)
        fixedHead.push(policyNote);
    if (view.notLikeForLike) {
        fixedHead.push(`> [!WARNING]\n> Not like-for-like: the baseline and the candidate were evaluated on different data (evaluation data ${(0,markdown_escape/* inlineCode */.ti)(render_short(baseline?.evaluationSha256))} vs ${(0,markdown_escape/* inlineCode */.ti)(render_short(candidate.evaluationSha256))}), so the deltas do not compare the same examples.`);
    }
    const problems = [
        ...result.metrics.map((m) => ({ name: code(m.name), status: m.status, reasons: m.reasons })),
        ...result.slices.map((s) => ({
            name: `${code(s.metric)} by slice`,
            status: s.status,
            reasons: s.reasons,
        })),
        ...result.fairness.map((f) => ({
            name: `${code(f.measure)} for ${code(f.attribute)}`,
            status: f.status,
            reasons: f.reasons,
        })),
    ].filter((p) => p.status === 'fail' || p.status === 'warn' || p.status === 'inconclusive');
    problems.sort((a, b) => SEVERITY[b.status] - SEVERITY[a.status]);
    if (problems.length) {
        const shown = problems
            .slice(0, MAX_REASONS)
            .map((p) => `- ${STATUS[p.status]} ${p.name}: ${p.reasons.map((reason) => (0,markdown_escape/* escapeMarkdown */.FV)(render_clip(reason, MAX_REASON))).join('; ')}`);
        if (problems.length > MAX_REASONS)
            shown.push(`- … and ${problems.length - MAX_REASONS} more; ${pointer}.`);
        fixedHead.push(shown.join('\n'));
    }
    const unchecked = [
        ...new Set(result.fairness.filter((f) => f.rule && f.status === 'info').map((f) => f.attribute)),
    ];
    if (unchecked.length)
        fixedHead.push(`> [!WARNING]\n> Not checked for bias: the gate policy has fairness rules for ${unchecked.slice(0, 5).map(code).join(', ')}${unchecked.length > 5 ? ` and ${unchecked.length - 5} more` : ''}, but the candidate's metrics report has no fairness section. List the attributes in evaluate-model's \`sensitive-features\`.`);
    const baselineHeader = baselineColumn(view.baselineSource, baseline);
    const key = keyMetrics(result.metrics);
    const tail = [];
    const lineage = renderLineage(view, baselineHeader, links);
    if (lineage)
        tail.push(lineage);
    const charts = renderCharts(view, key);
    if (charts)
        tail.push(charts);
    tail.push(costLine(view.cost, links), footer(links));
    const join = (parts) => parts.filter(Boolean).join('\n\n') + '\n';
    const fixedLength = join([...fixedHead, ...tail]).length;
    // What is left goes to the tables, in order of importance; each note is part of its table.
    let room = budget - fixedLength - 200;
    const take = (render, what) => {
        const rendered = render(Math.max(0, room));
        const text = rendered.length <= room
            ? rendered
            : `_${what} left out to fit GitHub's comment size limit: ${pointer}._`;
        room -= text.length + 2;
        return text;
    };
    const tables = [];
    tables.push(take((space) => metricTable(key, baselineHeader, space, pointer), 'The metrics table was'));
    if (result.fairness.length || view.fairnessGroups)
        tables.push(take((space) => render_fairnessSection(result.fairness, view.fairnessGroups ?? {}, baselineHeader, space, pointer), 'The Fairness section was'));
    if (view.changes)
        tables.push(take((space) => renderChanges(view.changes, baselineHeader, space, pointer), 'What changed was'));
    if (view.confusion || view.residuals)
        tables.push(take((space) => errorSection(view, baselineHeader, space, pointer), 'The confusion matrix or residual summary was'));
    if (result.slices.length)
        tables.push(take((space) => sliceSection(result.slices, result.notable, baselineHeader, space, pointer), 'The slices were'));
    if (key.length < result.metrics.length)
        tables.push(take((space) => details(`All ${result.metrics.length} metrics`, metricTable(result.metrics, baselineHeader, space - 80, pointer)), 'The table of all metrics was'));
    const section = join([...fixedHead, ...tables, ...tail]);
    if (section.length <= budget)
        return section;
    // Even the fixed parts do not fit (very little room left by other models' sections): the
    // headline, the tally and where to find everything.
    return join([
        `### ${headline(model, candidate.version, result.verdict, view.notable)}`,
        tally(result),
        `_This section was shortened to fit GitHub's comment size limit: ${pointer}._`,
    ]);
}
/** One sentence counting the gated metrics by status, so the headline needs no scrolling. */
function tally(result) {
    const gated = [
        ...result.metrics.filter((m) => m.rule),
        ...result.slices.filter((s) => s.rule),
        ...result.fairness.filter((f) => f.rule),
    ];
    const ungated = result.metrics.length - result.metrics.filter((m) => m.rule).length;
    const counts = ['fail', 'inconclusive', 'warn', 'pass', 'info']
        .map((status) => [status, gated.filter((g) => g.status === status).length])
        .filter(([, n]) => n > 0);
    const gates = gated.length
        ? `${gated.length} ${gated.length === 1 ? 'gate' : 'gates'}: ${counts.map(([status, n]) => `${n} ${status === 'pass' ? 'passed' : status === 'fail' ? 'failed' : status}`).join(', ')}`
        : 'No gates apply (no gate policy, or it names none of these metrics)';
    return `**${gates}.** ${ungated ? `${ungated} ${gated.length ? 'more ' : ''}${ungated === 1 ? 'metric is' : 'metrics are'} reported without a gate.` : ''}`.trim();
}
/** The gated metrics and anything not passing; without a policy, the first few metrics. */
function keyMetrics(metrics) {
    const key = metrics.filter((m) => m.rule || SEVERITY[m.status] > 0);
    return key.length ? key : metrics.slice(0, MAX_KEY_ROWS_UNGATED);
}
function baselineColumn(source, baseline) {
    const label = source.kind === 'registry' ? render_capitalise(source.environment) : 'Baseline';
    return baseline?.version
        ? `${(0,markdown_escape/* escapeMarkdown */.FV)(label)} (${code(baseline.version)})`
        : (0,markdown_escape/* escapeMarkdown */.FV)(label);
}
function render_capitalise(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
}
function describeBaseline(source, baseline, links) {
    switch (source.kind) {
        case 'file':
            return `Compared with the baseline${baseline?.version ? ` ${(0,markdown_escape/* inlineCode */.ti)(baseline.version)}` : ''} from ${(0,markdown_escape/* inlineCode */.ti)(source.path)}, given as the \`baseline\` input.`;
        case 'registry': {
            const since = source.createdAt.slice(0, 10);
            const environmentUrl = links.repository
                ? `${links.serverUrl}/${links.repository}/deployments/${encodeURIComponent(source.environment)}`
                : undefined;
            const report = source.report === 'fetched'
                ? 'its full metrics report'
                : source.report === 'unavailable'
                    ? 'the metric values its deployment records (its full report could not be read)'
                    : 'the metric values its deployment records';
            return `Compared with ${(0,markdown_escape/* inlineCode */.ti)(source.version)}, the model in ${(0,markdown_escape/* inlineCode */.ti)(source.environment)} since ${(0,markdown_escape/* escapeMarkdown */.FV)(since)} (commit ${(0,markdown_escape/* inlineCode */.ti)(source.sha.slice(0, 12))}, ${(0,markdown_escape/* markdownLink */.iQ)(`deployment ${source.deploymentId}`, environmentUrl)}): the newest successful deployment of ${(0,markdown_escape/* inlineCode */.ti)(`model:${source.model}`)} there, using ${report}.`;
        }
        case 'none':
            return `**No baseline:** ${(0,markdown_escape/* escapeMarkdown */.FV)(source.reason)}. Only absolute bounds were checked; rules that compare with a baseline followed \`on-missing-baseline\`.`;
    }
}
function valueWithCi(value, ci) {
    if (value === undefined)
        return '—';
    return ci ? `${format(value)} <sub>${interval(ci)}</sub>` : format(value);
}
function metricRow(m) {
    return [
        code(m.name),
        valueWithCi(m.baseline, m.baselineCi),
        m.candidate === undefined && m.notComputed !== undefined
            ? 'not computed'
            : valueWithCi(m.candidate, m.candidateCi),
        m.delta === undefined ? '—' : signed(m.delta),
        m.deltaRelative === undefined
            ? '—'
            : (m.deltaRelative >= 0 ? '+' : '') + percent(m.deltaRelative),
        m.rule ? (0,markdown_escape/* escapeMarkdown */.FV)(m.rule) : '',
        STATUS[m.status],
    ];
}
function metricTable(metrics, baselineHeader, budget, pointer) {
    return fitTable(['Metric', baselineHeader, 'Candidate', 'Δ', 'Δ%', 'Rule', 'Status'], metrics.map(metricRow), budget, (left) => `_${left} more ${left === 1 ? 'metric' : 'metrics'} not shown here: ${pointer}._`);
}
/**
 * A table with as many rows as fit in `budget` characters, in their order, and a note saying
 * how many were left out. Rows are never cut in the middle.
 */
function fitTable(header, rows, budget, note) {
    const full = (0,markdown_escape/* markdownTable */.Qj)(header, rows);
    if (full.length <= budget)
        return full;
    const head = (0,markdown_escape/* markdownTable */.Qj)(header, []);
    const lines = full.split('\n').slice(2);
    let used = head.length + note(rows.length).length + 4;
    let count = 0;
    while (count < lines.length && used + lines[count].length + 1 <= budget)
        used += lines[count++].length + 1;
    if (count === 0)
        return note(rows.length);
    return [head, ...lines.slice(0, count)].join('\n') + '\n\n' + note(rows.length - count);
}
function details(summary, body, open = false) {
    return `<details${open ? ' open' : ''}><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}
function sliceCell(value) {
    if (!value)
        return '—';
    return (valueWithCi(value.value, value.ci) + (value.n !== undefined ? ` <sub>n=${value.n}</sub>` : ''));
}
/**
 * Per metric, its slices by change against the baseline, the largest regression first, in one
 * collapsible section; failing slice rules open it. The slices that moved beyond the noise are
 * marked in a named column; the worst and best by value only where a rule judges them.
 */
function sliceSection(slices, notable, baselineHeader, budget, pointer) {
    const moved = (metric) => notable.filter((n) => n.metric === metric && n.slice !== undefined);
    const regressed = (s) => moved(s.metric).some((n) => n.kind === 'regression');
    // Judged slices first, then those with a regression beyond the noise, then the rest.
    const ordered = [...slices].sort((a, b) => SEVERITY[b.status] - SEVERITY[a.status] ||
        Number(regressed(b)) - Number(regressed(a)) ||
        Number(Boolean(b.rule)) - Number(Boolean(a.rule)));
    const listed = ordered.slice(0, MAX_REASONS);
    const summaryLines = listed.map((s) => {
        const changes = moved(s.metric);
        const worstChange = changes.find((n) => n.kind === 'regression');
        const bestChange = changes.find((n) => n.kind === 'improvement');
        const change = (n) => `${code(n.slice)} ${format(n.baseline)} → ${format(n.candidate)}`;
        const parts = [
            worstChange ? `largest regression ${change(worstChange)}` : '',
            bestChange ? `largest improvement ${change(bestChange)}` : '',
        ].filter(Boolean);
        const movedText = parts.length ? parts.join(', ') : 'no slice moved beyond the noise';
        const uses = extremesUsed(s.rule);
        const byValue = uses.worst && s.worst
            ? `; worst by value ${code(s.worst.slice)} ${format(s.worst.value)}${uses.best && s.gap !== undefined ? `, gap ${format(s.gap)}` : ''}`
            : '';
        return `- ${STATUS[s.status]} ${code(s.metric)}: ${movedText}${byValue}${s.rule ? ` (${(0,markdown_escape/* escapeMarkdown */.FV)(s.rule)})` : ''}`;
    });
    if (ordered.length > listed.length)
        summaryLines.push(`- … and ${ordered.length - listed.length} more metrics by slice; ${pointer}.`);
    const open = slices.some((s) => SEVERITY[s.status] > 0);
    const parts = [summaryLines.join('\n')];
    let room = budget - parts[0].length - 120;
    for (const slice of listed) {
        // Which way is better: the extremes say when they differ, else the metric's name.
        const higher = slice.worst && slice.best && slice.worst.value !== slice.best.value
            ? slice.worst.value < slice.best.value
            : metricDirection(slice.metric) !== 'lower';
        const gain = (row) => row.candidate === undefined || row.baseline === undefined || row.ignored
            ? Infinity
            : (row.candidate.value - row.baseline.value) * (higher ? 1 : -1);
        const changes = moved(slice.metric);
        const largest = {
            regression: changes.find((n) => n.kind === 'regression')?.slice,
            improvement: changes.find((n) => n.kind === 'improvement')?.slice,
        };
        const marks = (row) => {
            if (row.ignored)
                return 'too few examples, not judged';
            const change = changes.find((n) => n.slice === row.slice);
            if (!change)
                return '';
            if (change.kind === 'regression')
                return row.slice === largest.regression ? '⚠️ largest regression' : '⚠️ regression';
            if (change.kind === 'improvement')
                return row.slice === largest.improvement ? '✅ largest improvement' : '✅ improvement';
            return '↕️ changed';
        };
        const uses = extremesUsed(slice.rule);
        const byValue = uses.worst || uses.best;
        const rows = [...slice.rows]
            .sort((a, b) => gain(a) - gain(b) || a.slice.localeCompare(b.slice))
            .map((row) => {
            const delta = row.candidate && row.baseline ? signed(row.candidate.value - row.baseline.value) : '—';
            const cells = [
                code(row.slice),
                sliceCell(row.baseline),
                sliceCell(row.candidate),
                delta,
                marks(row),
            ];
            if (byValue)
                cells.push(uses.worst && row.slice === slice.worst?.slice
                    ? 'worst'
                    : uses.best && row.slice === slice.best?.slice
                        ? 'best'
                        : '');
            return cells;
        });
        const table = fitTable([
            `${code(slice.metric)} by slice`,
            baselineHeader,
            'Candidate',
            'Δ',
            'Beyond the noise',
            ...(byValue ? [uses.best ? 'By value (gap rule)' : 'By value (worst-slice rule)'] : []),
        ], rows, Math.max(0, room), (left) => `_${left} more ${left === 1 ? 'slice' : 'slices'}: ${pointer}._`);
        room -= table.length + 2;
        parts.push(table);
        if (room <= 0)
            break;
    }
    return details(`Slices (${slices.length} ${slices.length === 1 ? 'metric' : 'metrics'})`, parts.join('\n\n'), open);
}
/** Most attributes and measure rows the Fairness section shows; the rest are in the report. */
const MAX_FAIRNESS_ATTRIBUTES = 10;
const MAX_FAIRNESS_MEASURES = 12;
const MAX_GROUP_ROWS = 12;
/** A rate of the group table: undefined (no positives, or no negatives) is said, never 0. */
function rateCell(value) {
    return value === undefined ? '—' : value === null ? 'undefined' : format(value);
}
function measureCell(value, ci) {
    return value === null ? 'undefined' : valueWithCi(value, ci);
}
/**
 * Per sensitive attribute: each disparity measure now and in production with its interval,
 * the worst group and the rule; then the candidate's groups (rows, selection rate, TPR, FPR).
 * The group names come from the predictions file (hostile text: code spans, shortened); the
 * groups under min-group-size arrive merged into one line (publishableGroups), so no table
 * here can point at a few people. Gated measures first; failing rules open the section.
 */
function render_fairnessSection(fairness, groups, baselineHeader, budget, pointer) {
    const attributes = [
        ...new Set([...fairness.map((f) => f.attribute), ...Object.keys(groups)]),
    ].sort((a, b) => worstStatus(fairness, b) - worstStatus(fairness, a) || (a < b ? -1 : a > b ? 1 : 0));
    const parts = [];
    let room = budget - 200;
    const listed = attributes.slice(0, MAX_FAIRNESS_ATTRIBUTES);
    for (const attribute of listed) {
        const measures = fairness
            .filter((f) => f.attribute === attribute)
            .sort((a, b) => SEVERITY[b.status] - SEVERITY[a.status] ||
            Number(Boolean(b.rule)) - Number(Boolean(a.rule)));
        const section = Object.hasOwn(groups, attribute) ? groups[attribute] : undefined;
        const merged = section?.groups.find((line) => line.merged);
        const shownGroups = section ? section.groups.length - (merged ? 1 : 0) : 0;
        const title = `**${code(attribute)}**${section && section.columns.length > 1 ? ' (intersection)' : ''}${section ? `: ${shownGroups} ${shownGroups === 1 ? 'group' : 'groups'}${merged ? `, and ${merged.groups} under ${section.minGroupSize} rows merged into one line` : ''}` : ''}`;
        const measureTable = fitTable(['Measure', baselineHeader, 'Candidate', 'Worst group', 'Rule', 'Status'], measures
            .slice(0, MAX_FAIRNESS_MEASURES)
            .map((f) => [
            code(f.measure),
            measureCell(f.baseline, f.baselineCi),
            measureCell(f.candidate, f.candidateCi),
            f.worstGroup === undefined ? '—' : code(f.worstGroup),
            f.rule ? (0,markdown_escape/* escapeMarkdown */.FV)(f.rule) : '',
            STATUS[f.status],
        ]), Math.max(0, room / 2), (left) => `_${left} more ${left === 1 ? 'measure' : 'measures'}: ${pointer}._`);
        const more = measures.length > MAX_FAIRNESS_MEASURES
            ? `\n\n_${measures.length - MAX_FAIRNESS_MEASURES} more measures: ${pointer}._`
            : '';
        const lines = section?.groups ?? [];
        const binary = lines.some((line) => line.selectionRate !== undefined);
        const regression = lines.some((line) => line.meanPrediction !== undefined);
        const groupTable = lines.length
            ? fitTable([
                'Group',
                'Rows',
                ...(binary ? ['Selection rate', 'TPR', 'FPR'] : []),
                ...(regression ? ['Mean prediction'] : []),
            ], lines
                .slice(0, MAX_GROUP_ROWS)
                .map((line) => [
                line.merged ? (0,markdown_escape/* escapeMarkdown */.FV)(render_clip(line.name, MAX_NAME)) : code(line.name),
                String(line.rows),
                ...(binary
                    ? line.merged
                        ? ['—', '—', '—']
                        : [
                            rateCell(line.selectionRate),
                            rateCell(line.truePositiveRate),
                            rateCell(line.falsePositiveRate),
                        ]
                    : []),
                ...(regression ? [line.merged ? '—' : rateCell(line.meanPrediction)] : []),
            ]), Math.max(0, room / 2 - measureTable.length), (left) => `_${left} more ${left === 1 ? 'group' : 'groups'}: ${pointer}._`) +
                (lines.length > MAX_GROUP_ROWS
                    ? `\n\n_${lines.length - MAX_GROUP_ROWS} more groups: ${pointer}._`
                    : '')
            : '';
        const text = [title, measures.length ? measureTable + more : '', groupTable]
            .filter(Boolean)
            .join('\n\n');
        if (text.length > room)
            break;
        parts.push(text);
        room -= text.length + 2;
    }
    if (parts.length < attributes.length)
        parts.push(`_${attributes.length - parts.length} more sensitive ${attributes.length - parts.length === 1 ? 'attribute' : 'attributes'}: ${pointer}._`);
    const gated = fairness.filter((f) => f.rule);
    const failing = gated.filter((f) => SEVERITY[f.status] > 0).length;
    const summary = `Fairness (${attributes.length} sensitive ${attributes.length === 1 ? 'attribute' : 'attributes'}${gated.length ? `, ${gated.length} ${gated.length === 1 ? 'gate' : 'gates'}${failing ? `, ${failing} not passing` : ''}` : ''})`;
    return details(summary, parts.join('\n\n'), failing > 0);
}
function worstStatus(fairness, attribute) {
    return Math.max(0, ...fairness.filter((f) => f.attribute === attribute).map((f) => SEVERITY[f.status]));
}
/** How many notable changes the section lists under its headline. */
const MAX_NOTABLE = 5;
const NOTABLE_ICON = {
    regression: '⚠️ worse',
    improvement: '✅ better',
    change: '↕️ changed',
};
/** The ungated notable regressions, counted in the headline: gated ones are their gate's. */
function ungatedRegressions(notable) {
    return distinct(notable ?? []).filter(({ change: n }) => n.kind === 'regression' && !n.gated)
        .length;
}
/**
 * The notable changes less repeats: one number under several names on the same rows (a binary
 * task's `recall` and `recall.1`, `balanced_accuracy` and `recall_macro`) is listed once, under
 * its first name, with the others as aliases.
 */
function distinct(notable) {
    const seen = new Map();
    for (const change of notable) {
        const key = JSON.stringify([
            change.attribute,
            change.slice,
            change.baseline,
            change.candidate,
            change.ci,
        ]);
        const first = seen.get(key);
        if (first && first.change.gated === change.gated)
            first.aliases.push(change.metric);
        else if (!first)
            seen.set(key, { change, aliases: [] });
        else
            seen.set(`${key}|${change.metric}`, { change, aliases: [] });
    }
    return [...seen.values()];
}
function headlineNote(notable) {
    const count = ungatedRegressions(notable);
    return count
        ? ` · ⚠️ ${count} notable ${count === 1 ? 'regression' : 'regressions'} without a gate`
        : '';
}
/**
 * The largest changes beyond the noise, gated or not, worst first: what a reviewer should see
 * before any table. Undefined for a document without them (older versions, or no baseline).
 */
function notableList(notable, hasBaseline, pointer) {
    if (!notable || !hasBaseline)
        return undefined;
    if (!notable.length)
        return '**No change beyond the noise:** every metric and slice the baseline also reports lies inside its confidence interval, or within 5% where it has none.';
    const listed = distinct(notable);
    const lines = listed.slice(0, MAX_NOTABLE).map(({ change: n, aliases }) => {
        const icon = n.kind === 'regression' && SEVERITY[n.status] > 0
            ? STATUS[n.status].split(' ')[0] + ' worse'
            : NOTABLE_ICON[n.kind];
        const where = n.attribute !== undefined
            ? `disparity ${code(n.metric)} for ${code(n.attribute)}`
            : n.slice === undefined
                ? code(n.metric)
                : `${code(n.metric)} on ${code(n.slice)}`;
        const noise = n.basis === 'ci' && n.ci
            ? `outside the candidate's interval ${interval(n.ci)}`
            : `${n.delta >= 0 ? '+' : '-'}${percent(Math.abs(n.delta) / Math.max(Math.abs(n.baseline), Math.abs(n.candidate)))}`;
        const gate = n.gated
            ? `gated: ${STATUS[n.status]}`
            : n.kind === 'regression' && n.status !== 'info'
                ? `no gate (${n.status})`
                : 'no gate';
        const same = aliases.length
            ? ` (the same as ${aliases.slice(0, 3).map(code).join(', ')}${aliases.length > 3 ? ` and ${aliases.length - 3} more` : ''})`
            : '';
        return `- ${icon}: ${where}${same}: ${format(n.baseline)} → ${format(n.candidate)} (${signed(n.delta)}, ${noise}) · ${gate}`;
    });
    const rest = listed.slice(MAX_NOTABLE).map(({ change }) => change);
    if (rest.length) {
        const kinds = ['regression', 'improvement', 'change']
            .map((kind) => [kind, rest.filter((n) => n.kind === kind).length])
            .filter(([, count]) => count > 0)
            .map(([kind, count]) => `${count} ${kind}${count === 1 ? '' : 's'}`);
        lines.push(kinds.length === 1
            ? `- +${kinds[0].replace(/^\d+ /, `${rest.length} more `)}: ${pointer}.`
            : `- +${rest.length} more (${kinds.join(', ')}): ${pointer}.`);
    }
    return `**Notable changes** (beyond the noise, gated or not):\n${lines.join('\n')}`;
}
/** Most classes a confusion matrix in the comment shows; the rest are summed into "other". */
const render_MAX_MATRIX_CLASSES = 10;
/** Most cells marked as changed. */
const MAX_MARKED_CELLS = 3;
const MAX_CLASS_NAME = 40;
/**
 * The matrix over `shown` classes (by name) and one "other" class holding every other row and
 * column, so that every count stays in the table.
 */
function foldMatrix(matrix, shown) {
    const size = shown.length + 1;
    const index = new Map(shown.map((name, i) => [name, i]));
    const folded = Array.from({ length: size }, () => new Array(size).fill(0));
    matrix.classes.forEach((truth, i) => {
        const row = index.get(truth) ?? shown.length;
        matrix.classes.forEach((predicted, j) => {
            folded[row][index.get(predicted) ?? shown.length] += matrix.matrix[i]?.[j] ?? 0;
        });
    });
    return folded;
}
function sum(values) {
    return values.reduce((a, b) => a + b, 0);
}
/**
 * The confusion matrix, the candidate's counts with production's beside them in small, the
 * cells whose share of the rows changed most in bold with an arrow. The classes with the most
 * rows first, at most `limit`, the rest as "other".
 */
function confusionTable(confusion, limit) {
    const { candidate, baseline } = confusion;
    const frequency = candidate.classes.map((name, i) => [name, sum(candidate.matrix[i] ?? [])]);
    const ranked = [...frequency].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    // The most frequent classes, shown in the report's order.
    const kept = new Set(ranked.slice(0, limit).map(([name]) => name));
    const shown = candidate.classes.filter((name) => kept.has(name));
    const others = candidate.classes.length - shown.length;
    const hasOther = others > 0 || Boolean(baseline?.classes.some((name) => !shown.includes(name)));
    const size = shown.length + (hasOther ? 1 : 0);
    const cand = foldMatrix(candidate, shown);
    const base = baseline ? foldMatrix(baseline, shown) : undefined;
    const candidateTotal = sum(cand.flat());
    const baselineTotal = base ? sum(base.flat()) : 0;
    // The cells whose share of all rows moved most (shares: the two evaluations may differ in size).
    const changes = [];
    if (base && candidateTotal > 0 && baselineTotal > 0)
        for (let i = 0; i < size; i++)
            for (let j = 0; j < size; j++)
                changes.push({
                    i,
                    j,
                    change: cand[i][j] / candidateTotal - base[i][j] / baselineTotal,
                });
    const largest = Math.max(0, ...changes.map((c) => Math.abs(c.change)));
    const marked = new Map(changes
        .filter((c) => largest > 1e-12 && Math.abs(c.change) >= largest / 2)
        .sort((a, b) => Math.abs(b.change) - Math.abs(a.change))
        .slice(0, MAX_MARKED_CELLS)
        .map((c) => [`${c.i},${c.j}`, c.change > 0 ? '↑' : '↓']));
    const name = (i) => i < shown.length
        ? (0,markdown_escape/* inlineCode */.ti)(render_clip(shown[i], MAX_CLASS_NAME))
        : `other (${others} ${others === 1 ? 'class' : 'classes'})`;
    const count = (value) => format(value);
    const rows = Array.from({ length: size }, (_, i) => [
        name(i),
        ...Array.from({ length: size }, (_, j) => {
            const arrow = marked.get(`${i},${j}`);
            const value = arrow ? `**${count(cand[i][j])} ${arrow}**` : count(cand[i][j]);
            return base ? `${value} <sub>${count(base[i][j])}</sub>` : value;
        }),
        count(sum(cand[i].slice(0, size))),
    ]);
    return (0,markdown_escape/* markdownTable */.Qj)(['True ╲ predicted', ...Array.from({ length: size }, (_, j) => name(j)), 'Total'], rows);
}
/**
 * The confusion matrix (classification) or the residual quantiles (regression), candidate
 * next to production; fewer classes when the room is short.
 */
function errorSection(view, baselineHeader, budget, pointer) {
    if (view.confusion) {
        const { candidate, baseline } = view.confusion;
        const classes = candidate.totalClasses ?? candidate.classes.length;
        const note = [
            'rows: the true class; columns: the predicted class',
            baseline
                ? `in small: ${baselineHeader}; in bold, the cells whose share of the rows changed most (↑ more, ↓ fewer)`
                : '',
            classes > candidate.classes.length
                ? `the report holds the ${candidate.classes.length} most frequent of ${classes} classes`
                : '',
        ]
            .filter(Boolean)
            .join('; ');
        for (let limit = render_MAX_MATRIX_CLASSES; limit >= 2; limit--) {
            const table = confusionTable(view.confusion, limit);
            const text = details(limit < classes
                ? `Confusion matrix (the ${limit} most frequent of ${classes} classes)`
                : 'Confusion matrix', `<sub>${note}.</sub>\n\n${table}`, candidate.classes.length <= 4);
            if (text.length <= budget)
                return text;
        }
        return `_Confusion matrix left out to fit GitHub's comment size limit: ${pointer}._`;
    }
    if (view.residuals) {
        const { candidate, baseline } = view.residuals;
        const quantiles = ['p5', 'p25', 'p50', 'p75', 'p95'];
        const row = (label, side) => [
            label,
            ...quantiles.map((q) => format(side[q])),
        ];
        return details('Residuals (prediction − label)', (0,markdown_escape/* markdownTable */.Qj)(['prediction − label', ...quantiles], [row('Candidate', candidate), ...(baseline ? [row(baselineHeader, baseline)] : [])]), true);
    }
    return '';
}
/** Which of the candidate's slice extremes a slice rule judges (its description, judge.ts). */
function extremesUsed(rule) {
    return {
        worst: Boolean(rule && /worst/.test(rule)),
        best: Boolean(rule && /best − worst/.test(rule)),
    };
}
function render_short(hash, length = 12) {
    return hash ? hash.slice(0, length) : '—';
}
function renderLineage(view, baselineHeader, links) {
    const lineage = view.lineage;
    if (!lineage)
        return undefined;
    const { candidate, baseline } = lineage;
    const code = (value) => (value ? (0,markdown_escape/* inlineCode */.ti)(render_short(value)) : '—');
    const rows = [
        [
            'Version',
            candidate.version ? (0,markdown_escape/* inlineCode */.ti)(candidate.version) : '—',
            baseline?.version ? (0,markdown_escape/* inlineCode */.ti)(baseline.version) : '—',
        ],
        ['Fingerprint', code(candidate.fingerprint), code(baseline?.fingerprint)],
        [
            'Evaluation data',
            code(candidate.evaluationSha256) + (view.notLikeForLike ? ' ⚠️ differs' : ''),
            code(baseline?.evaluationSha256),
        ],
        ['Config', code(candidate.configSha256), code(baseline?.configSha256)],
        [
            'Training data',
            candidate.dataFiles?.length
                ? candidate.dataFiles
                    .slice(0, 5)
                    .map((f) => `${(0,markdown_escape/* inlineCode */.ti)(f.path)} ${(0,markdown_escape/* inlineCode */.ti)(render_short(f.sha256))}`)
                    .join('<br>') +
                    (candidate.dataFiles.length > 5 ? `<br>… ${candidate.dataFiles.length - 5} more` : '')
                : '—',
            '—',
        ],
        ['Commit', code(candidate.commit), code(baseline?.commit)],
        ...runtimeRows(candidate.runtime, baseline?.runtime),
        [
            'Run',
            links.runUrl ? (0,markdown_escape/* markdownLink */.iQ)('this run', links.runUrl) : '—',
            baseline?.runUrl && isRunOf(links, baseline.runUrl)
                ? (0,markdown_escape/* markdownLink */.iQ)('workflow run', baseline.runUrl)
                : '—',
        ],
    ];
    const useful = rows.filter(([, a, b]) => a !== '—' || b !== '—');
    return details('Lineage', (0,markdown_escape/* markdownTable */.Qj)(['', 'Candidate', baselineHeader], useful));
}
/**
 * What each model was trained on (Python, R, installed packages, runner image, OS), each row
 * marked when both sides are known and differ: a metric change may come from the environment,
 * not the model. The values come from manifests and payloads, so they are shown as code.
 */
function runtimeRows(candidate, baseline) {
    if (!candidate && !baseline)
        return [];
    const row = (label, value, show = (side) => (0,markdown_escape/* inlineCode */.ti)(value(side))) => {
        const [a, b] = [candidate && value(candidate), baseline && value(baseline)];
        const differs = a !== undefined && b !== undefined && a !== b ? ' ⚠️ differs' : '';
        return [
            label,
            a !== undefined ? show(candidate) + differs : '—',
            b !== undefined ? show(baseline) : '—',
        ];
    };
    return [
        row('Python', (side) => side.python),
        row('R', (side) => side.r),
        row('Python packages', (side) => side.packages?.sha256, (side) => `${side.packages.count} (${(0,markdown_escape/* inlineCode */.ti)(render_short(side.packages.sha256))})`),
        row('Runner image', (side) => side.image),
        row('OS', (side) => side.os),
    ];
}
/** Only links to runs of this repository are shown: URLs in payloads and artifacts are not trusted. */
function isRunOf(links, url) {
    return (Boolean(links.repository) &&
        url.startsWith(`${links.serverUrl}/${links.repository}/actions/runs/`) &&
        /^[^\s()<>]+$/.test(url));
}
function renderCharts(view, key) {
    if (!view.history?.length)
        return undefined;
    const charts = key
        .map((m) => metricChart(m.name, view.history, m.candidate))
        .filter((chart) => chart !== undefined)
        .slice(0, MAX_CHARTS);
    if (!charts.length)
        return undefined;
    const environment = view.baselineSource.kind === 'registry'
        ? view.baselineSource.environment
        : 'the baseline environment';
    return details(`History: the last ${view.history.length} ${view.history.length === 1 ? 'version' : 'versions'} in ${(0,markdown_escape/* escapeMarkdown */.FV)(environment)} and this pull request`, charts.join('\n\n'));
}
function signed(value) {
    return (value >= 0 ? '+' : '') + format(value);
}
function footer(links) {
    const parts = [];
    if (links.postedFrom)
        parts.push((0,markdown_escape/* escapeMarkdown */.FV)(links.postedFrom));
    if (links.sha)
        parts.push(`commit ${(0,markdown_escape/* inlineCode */.ti)(links.sha.slice(0, 12))}`);
    if (links.runUrl)
        parts.push((0,markdown_escape/* markdownLink */.iQ)('workflow run', links.runUrl));
    if (links.reportArtifact)
        parts.push(`full report: artifact ${(0,markdown_escape/* inlineCode */.ti)(links.reportArtifact)}`);
    return parts.length ? `<sub>${parts.join(' · ')}</sub>` : '';
}
/** `cc @user @org/team` under the headline when the verdict is fail or warn. */
function mentionLine(verdict, links) {
    if (!links.mentions?.length || (verdict !== 'fail' && verdict !== 'warn'))
        return '';
    // Only handles that passed the input's check reach here; the check is repeated so that no
    // other text is ever written raw.
    const handles = links.mentions.filter((handle) => MENTION_PATTERN.test(handle));
    return handles.length ? `cc ${handles.join(' ')}` : '';
}
/** A GitHub user (`@login`) or team (`@org/team-slug`), as GitHub spells them. */
const MENTION_PATTERN = /^@[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}(?:\/[A-Za-z0-9](?:[A-Za-z0-9_-]){0,99})?$/;
/** How many config keys and packages the comment lists; the report holds up to MAX_LISTED. */
const MAX_CHANGES_SHOWN = 20;
const MAX_PACKAGES_SHOWN = 5;
const MAX_VALUE = 80;
/**
 * "What changed" since the production model: the config keys that differ (as `dvc params diff`
 * lists them), then one line each for the training data and the environment.
 */
function renderChanges(changes, baselineHeader, budget, pointer) {
    const lines = [
        `**What changed since ${code(changes.against.version)}** (from the two models' lineage manifests)`,
    ];
    const config = changes.config;
    const value = (text) => (0,markdown_escape/* inlineCode */.ti)(render_clip(spacedJson(text), MAX_VALUE));
    if (!config)
        lines.push('**Config:** not compared: a manifest written before mlops-actions recorded config values.');
    else {
        const rows = [
            ...config.changed.items.map((c) => [code(c.key), value(c.from), value(c.to)]),
            ...config.added.items.map((c) => [`${code(c.key)} 🆕`, '—', value(c.value)]),
            ...config.removed.items.map((c) => [`${code(c.key)} ➖`, value(c.value), '—']),
        ];
        const total = config.changed.total + config.added.total + config.removed.total;
        const unknown = config.hidden
            ? ` ${config.hidden} hidden ${config.hidden === 1 ? 'value is' : 'values are'} not compared.`
            : '';
        const partial = config.partial ? ' Only part of a very large config was recorded.' : '';
        if (!total)
            lines.push(`**Config:** unchanged (${config.unchanged} ${config.unchanged === 1 ? 'key' : 'keys'}).${unknown}${partial}`);
        else {
            const shown = rows.slice(0, MAX_CHANGES_SHOWN);
            const table = fitTable(['Config key', baselineHeader, 'Candidate'], shown, Math.max(0, budget - lines.join('\n\n').length - 600), (left) => `_${left} more not shown here: ${pointer}._`);
            const more = total - shown.length;
            lines.push(`**Config:** ${describeCounts([
                [config.changed.total, 'changed'],
                [config.added.total, 'added'],
                [config.removed.total, 'removed'],
            ])}, ${config.unchanged} unchanged.${unknown}${partial}`, table + (more > 0 ? `\n\n_+${more} more: ${pointer}._` : ''));
        }
    }
    lines.push(`**Data:** ${dataLine(changes.data)}`, `**Environment:** ${environmentLine(changes.environment)}`);
    return lines.join('\n\n');
}
/**
 * A list or object value with a space after each comma and colon, so that its code span wraps
 * in a narrow comment column instead of widening the table; scalars are shown as recorded.
 */
function spacedJson(text) {
    if (!/^[[{]/.test(text))
        return text;
    let spaced = '';
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const char = text[i];
        spaced += char;
        if (inString) {
            if (char === '\\')
                spaced += text[++i] ?? '';
            else if (char === '"')
                inString = false;
        }
        else if (char === '"')
            inString = true;
        else if ((char === ',' || char === ':') && text[i + 1] !== ' ')
            spaced += ' ';
    }
    return spaced;
}
function describeCounts(counts) {
    return counts
        .filter(([n]) => n > 0)
        .map(([n, what]) => `${n} ${what}`)
        .join(', ');
}
/** Paths by what happened to them, a few each. */
function dataLine(data) {
    const few = (paths) => paths.items
        .slice(0, 3)
        .map((path) => code(path))
        .join(', ') + (paths.total > 3 ? ` +${paths.total - 3} more` : '');
    const parts = [
        data.changed.total && `${data.changed.total} changed (${few(data.changed)})`,
        data.added.total && `${data.added.total} added (${few(data.added)})`,
        data.removed.total && `${data.removed.total} removed (${few(data.removed)})`,
    ].filter(Boolean);
    if (!parts.length)
        return data.unchanged
            ? `unchanged (${data.unchanged} ${data.unchanged === 1 ? 'file' : 'files'}).`
            : 'no data files recorded.';
    return `${parts.join('; ')}; ${data.unchanged} unchanged.`;
}
/** Interpreter, image and OS changes, then package versions, a few by name. */
function environmentLine(environment) {
    const arrow = (c) => `${(0,markdown_escape/* escapeMarkdown */.FV)(c.key)} ${(0,markdown_escape/* inlineCode */.ti)(render_clip(c.from, MAX_VALUE))} → ${(0,markdown_escape/* inlineCode */.ti)(render_clip(c.to, MAX_VALUE))}`;
    const parts = environment.changed.map(arrow);
    const packages = environment.packages;
    if (packages) {
        const changed = packages.changed.items
            .slice(0, MAX_PACKAGES_SHOWN)
            .map((p) => `${code(p.key)} ${(0,markdown_escape/* inlineCode */.ti)(render_clip(p.from, MAX_VALUE))} → ${(0,markdown_escape/* inlineCode */.ti)(render_clip(p.to, MAX_VALUE))}`);
        const more = packages.changed.total - changed.length;
        const counts = describeCounts([
            [packages.added.total, 'added'],
            [packages.removed.total, 'removed'],
        ]);
        if (changed.length || counts)
            parts.push(`packages: ${[...changed, ...(more > 0 ? [`+${more} more`] : [])].join(', ')}${changed.length && counts ? '; ' : ''}${counts}`);
    }
    if (parts.length)
        return `${parts.join('; ')}.`;
    return packages
        ? 'unchanged (the same interpreters, runner image, OS and package versions).'
        : 'unchanged.';
}
/** One line: training time (or the cache hit that saved it), evaluation and the comparison's own time. */
function costLine(cost, links) {
    if (!cost)
        return '';
    const seconds = formatDuration;
    const parts = [];
    const training = cost.training;
    if (training?.restoredFrom) {
        const { runUrl, restoreSeconds } = training.restoredFrom;
        const run = runUrl && isRunOf(links, runUrl) ? ` of ${(0,markdown_escape/* markdownLink */.iQ)('an earlier run', runUrl)}` : '';
        const took = restoreSeconds !== undefined ? ` in ${seconds(restoreSeconds)}` : '';
        parts.push(`training restored from the cache${run}${took}, saving ${seconds(training.seconds)}`);
    }
    else if (training)
        parts.push(`training ${seconds(training.seconds)}`);
    if (cost.evaluationSeconds !== undefined)
        parts.push(`evaluation ${seconds(cost.evaluationSeconds)}`);
    parts.push(`comparison ${seconds(cost.comparisonSeconds)}`);
    return `**Cost:** ${parts.join(' · ')}`;
}

;// CONCATENATED MODULE: ./shared/comparison/comment.ts
/**
 * One pull-request comment for every model compared in the run: a status table on top, then a
 * section per model. Each compare-metrics step (one per model, possibly in parallel matrix
 * jobs) replaces only its own section, between hidden markers, and rebuilds the status table
 * from the sections' metadata; the other models' sections are kept as they are.
 *
 * The markers are only recognised on lines of their own: everything hostile in a section
 * (metric names in code spans, escaped text) sits inside table rows, list items or headings,
 * so it can never start a line and pose as a marker.
 */




/** Finds the comment again on later runs (together with its author). */
const COMMENT_MARKER = '<!-- mlops-actions:compare-metrics -->';
const SECTION_START = /^<!-- mlops-actions:compare-metrics:section model=([A-Za-z0-9._-]+) meta=([A-Za-z0-9_-]*) -->$/;
const SECTION_END = /^<!-- \/mlops-actions:compare-metrics:section model=([A-Za-z0-9._-]+) -->$/;
const sectionMeta = schemas/* object */.Ikc({
    verdict: schemas/* enum */.k5n(['pass', 'warn', 'inconclusive', 'fail']),
    candidate: schemas/* string */.YjP().max(200).optional(),
    baseline: schemas/* string */.YjP().max(400).optional(),
    /** A digest of the metric and slice values, for `comment: on-change` (post.ts). */
    values: schemas/* string */.YjP()
        .regex(/^[0-9a-f]{16}$/)
        .optional(),
});
function sectionText(section) {
    if (!identifiers/* MODEL_NAME_PATTERN */.lM.test(section.model))
        throw new Error(`Model name ${JSON.stringify(section.model)} cannot be put in a marker`);
    const meta = Buffer.from(JSON.stringify(section.meta), 'utf8').toString('base64url');
    return `<!-- mlops-actions:compare-metrics:section model=${section.model} meta=${meta} -->\n${section.body.trimEnd()}\n<!-- /mlops-actions:compare-metrics:section model=${section.model} -->`;
}
/** The sections of a comment body; a section whose markers or metadata do not parse is dropped. */
function parseSections(body) {
    const sections = [];
    const lines = body.split('\n');
    for (let i = 0; i < lines.length; i++) {
        const start = SECTION_START.exec(lines[i]);
        if (!start)
            continue;
        const end = lines.findIndex((line, j) => j > i && SECTION_END.exec(line)?.[1] === start[1]);
        if (end < 0)
            break;
        const meta = sectionMeta.safeParse(decodeMeta(start[2]));
        if (meta.success)
            sections.push({
                model: start[1],
                meta: meta.data,
                body: lines.slice(i + 1, end).join('\n'),
            });
        i = end;
    }
    return sections;
}
function decodeMeta(encoded) {
    try {
        return JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    }
    catch {
        return undefined;
    }
}
/** The whole comment: marker, status table when there are several models, sections by model name. */
function composeComment(sections) {
    const sorted = [...sections].sort((a, b) => a.model.localeCompare(b.model));
    const parts = [COMMENT_MARKER];
    if (sorted.length > 1)
        parts.push(statusTable(sorted));
    parts.push(...sorted.map(sectionText));
    return parts.join('\n\n') + '\n';
}
function statusTable(sections) {
    const worst = ['fail', 'inconclusive', 'warn', 'pass'].find((verdict) => sections.some((s) => s.meta.verdict === verdict));
    const rows = sections.map((s) => [
        (0,markdown_escape/* escapeMarkdown */.FV)(s.model),
        `${VERDICT_ICON[s.meta.verdict]} ${s.meta.verdict}`,
        s.meta.candidate ? (0,markdown_escape/* inlineCode */.ti)(s.meta.candidate) : '—',
        s.meta.baseline ? (0,markdown_escape/* escapeMarkdown */.FV)(s.meta.baseline) : '—',
    ]);
    return `## ${VERDICT_ICON[worst]} ${sections.length} models compared\n\n${(0,markdown_escape/* markdownTable */.Qj)(['Model', 'Verdict', 'Candidate', 'Compared with'], rows)}`;
}
/** The existing comment with this model's section put in (or replaced). */
function mergeSection(existingBody, section) {
    const others = parseSections(existingBody ?? '').filter((s) => s.model !== section.model);
    return composeComment([...others, section]);
}
/** How many characters a model's section may take, given the other sections already in the comment. */
function sectionBudget(existingBody, model, limit) {
    const others = parseSections(existingBody ?? '').filter((s) => s.model !== model);
    const placeholder = {
        model,
        meta: {
            verdict: 'fail',
            candidate: 'x'.repeat(200),
            baseline: 'x'.repeat(400),
            values: '0'.repeat(16),
        },
        body: '',
    };
    return limit - composeComment([...others, placeholder]).length - 64;
}
/** True when `body` holds exactly this section: the check that a concurrent writer did not overwrite it. */
function holdsSection(body, section) {
    const found = parseSections(body).find((s) => s.model === section.model);
    return (found !== undefined &&
        found.body === section.body.trimEnd() &&
        JSON.stringify(found.meta) === JSON.stringify(section.meta));
}
/** True when `body` holds a section of another model: another job writes into this comment too. */
function holdsOtherSections(body, model) {
    return parseSections(body).some((s) => s.model !== model);
}

;// CONCATENATED MODULE: ./shared/comparison/post.ts





function renderSection(document, links, budget = Number.POSITIVE_INFINITY) {
    const source = document.baselineSource;
    const baseline = source.kind === 'registry'
        ? `${source.version} (${source.environment})`
        : source.kind === 'file'
            ? (document.baseline?.version ?? source.path)
            : 'no baseline';
    return {
        model: document.model,
        meta: {
            verdict: document.verdict,
            ...(document.candidate.version
                ? { candidate: document.candidate.version.slice(0, 200) }
                : {}),
            baseline: baseline.slice(0, 400),
            values: valuesDigest(document),
        },
        body: renderComparison(document, links, budget),
    };
}
/**
 * When compare-metrics writes its section (input `comment`): `always`; `on-change`, when the
 * verdict or a metric or slice value differs from the section already in the comment (or
 * there is none); `on-regression`, when the verdict is warn or fail or a change is a notable
 * regression, and otherwise only to update a section already there, so that a comment never
 * goes on showing a failure that is gone; `never`. The job summary always has the report.
 */
const COMMENT_MODES = ['always', 'on-change', 'on-regression', 'never'];
/** The verdict warns or fails, or a change (gated or not) is a notable regression. */
function isAlarming(document) {
    return (document.verdict === 'fail' ||
        document.verdict === 'warn' ||
        (document.notable ?? []).some((change) => change.kind === 'regression'));
}
/** Why the section is not written under `mode`, or undefined when it is. */
function holdBack(mode, written, existing, alarming) {
    if (mode === 'always')
        return undefined;
    if (mode === 'never')
        return 'comment is "never"';
    const changed = !existing ||
        existing.meta.verdict !== written.meta.verdict ||
        existing.meta.values !== written.meta.values;
    if (mode === 'on-change' || existing)
        return changed
            ? undefined
            : `comment is "${mode}", and the verdict and every metric value are those the comment already shows`;
    return alarming
        ? undefined
        : `comment is "on-regression", the verdict is ${written.meta.verdict} and no metric regressed notably`;
}
/**
 * 16 hex digits of a sha256 over the metric and slice values and statuses: what `on-change`
 * compares (the footer's commit and run link change on every run and do not count).
 */
function valuesDigest(document) {
    const values = {
        metrics: document.metrics.map((m) => [m.name, m.baseline, m.candidate, m.status]),
        slices: document.slices.map((s) => [
            s.metric,
            s.status,
            s.rows.map((row) => [row.slice, row.baseline?.value, row.candidate?.value]),
        ]),
        // Only when there are disparity measures, so older comments' digests stay as they were.
        ...(document.fairness?.length
            ? {
                fairness: document.fairness.map((f) => [
                    f.attribute,
                    f.measure,
                    f.baseline,
                    f.candidate,
                    f.status,
                ]),
            }
            : {}),
    };
    return sha256Text(canonicalJson(values)).slice(0, 16);
}
async function postSection(args) {
    let written;
    let heldBack;
    const mode = args.mode ?? 'always';
    const alarming = isAlarming(args.document);
    const result = await postPullRequestComment({
        repository: args.repository,
        pullRequestNumber: args.pullRequestNumber,
        eventName: args.eventName,
        token: args.token,
        marker: COMMENT_MARKER,
        bodyFile: args.bodyFile,
        log: args.log,
        github: args.github,
        content: {
            compose(existing) {
                written = renderSection(args.document, args.links, sectionBudget(existing, args.document.model, sticky_comment/* COMMENT_BODY_LIMIT */.t));
                const current = parseSections(existing ?? '').find((s) => s.model === written.model);
                heldBack = holdBack(mode, written, current, alarming);
                // Held back: an existing comment stays as it is, and none is created.
                return heldBack === undefined ? mergeSection(existing, written) : undefined;
            },
            holds: (body) => written !== undefined && holdsSection(body, written),
            shared: (body) => holdsOtherSections(body, args.document.model),
        },
    });
    if (heldBack === undefined)
        return result;
    args.log.info(`No comment was written on the pull request: ${heldBack}. The job summary has the full report.`);
    return { posted: false, why: 'held-back', reason: heldBack };
}

;// CONCATENATED MODULE: ./shared/comparison/compare.ts
/**
 * compare-metrics' comparison of a candidate, from its files to the posted comment: the
 * baseline (a file, or the model in an environment of the registry), the gate policy, the
 * comparison document with both sides' lineage, the report files and artifact, the annotation
 * policy, and the sticky comment (or, with a fork's read-only token, its hand-over as an
 * artifact for a workflow_run workflow).
 */



















/** Compares; the summary goes to the job summary as soon as it is written. */
async function compareCandidate(request, step, log) {
    const { model } = request;
    const started = performance.now();
    const context = step.context();
    const candidate = await loadMetrics(request.metrics, 'metrics file');
    const manifest = await candidateManifest(request);
    const registry = request.baseline
        ? undefined
        : await openRegistry(request.token, context, log, step.github);
    const resolved = await resolveBaseline({
        file: request.baseline,
        model,
        environment: request.baselineEnvironment,
        registry,
        history: request.history,
        apiUrl: step.env.GITHUB_API_URL,
        log,
        loadFile: (path) => loadMetrics(path, 'baseline metrics file'),
    });
    const baseline = resolved.metrics;
    const { policy, source: policySource } = await gatePolicyFor({
        path: request.gates,
        from: request.gatesFrom,
        context,
        token: request.token,
        log,
        env: step.env,
        github: step.github,
    });
    for (const [role, loaded] of [
        ['metrics', candidate],
        ['baseline', baseline],
    ]) {
        if (loaded?.model && loaded.model !== model) {
            throw new errors/* UserError */.yo(`The ${role} file "${loaded.source}" is a report for model "${loaded.model}", but "model-name" is "${model}". Compare reports of the same model.`);
        }
    }
    const result = evaluateGates(candidate.metrics, baseline?.metrics, policy, {
        candidateSlices: candidate.slices ?? {},
        baselineSlices: baseline?.slices,
        candidateSkipped: candidate.skipped,
        candidateFairness: candidate.fairness ?? {},
        ...(baseline?.fairness ? { baselineFairness: baseline.fairness } : {}),
    });
    const production = await productionManifest(request, resolved, registry, log);
    const document = {
        ...comparisonDocument(request, candidate, resolved, result, policySource, candidateLineage(candidate, manifest, context)),
        ...(manifest && production
            ? {
                changes: describeChanges(manifest, production.manifest, production.source),
            }
            : {}),
        cost: costOf(manifest, candidate.evaluationSeconds, started),
    };
    const dir = await (0,action_context/* createStepDir */.S)(context.tempDir, 'compare-metrics', model);
    const reportPath = (0,external_node_path_.join)(dir, 'comparison.json');
    const commentPath = (0,external_node_path_.join)(dir, 'comment.md');
    const fullPath = (0,external_node_path_.join)(dir, 'comparison.md');
    await (0,promises_.writeFile)(reportPath, JSON.stringify(document, null, 2) + '\n');
    const links = {
        serverUrl: context.serverUrl,
        repository: context.repository,
        sha: context.sha,
        runUrl: context.runUrl,
    };
    await (0,promises_.writeFile)(fullPath, renderSection(document, links).body);
    let reportArtifact = '';
    if (artifactServiceAvailable(step.env)) {
        const name = reportArtifactName(model, context.runAttempt);
        try {
            await uploadArtifact(name, [
                { from: reportPath, as: 'comparison.json' },
                { from: fullPath, as: 'comparison.md' },
            ], (0,external_node_path_.join)(dir, 'report-artifact'), log);
            reportArtifact = name;
        }
        catch (error) {
            log.warning(`Could not upload the full comparison as artifact ${name} (${error.message}); it is in ${reportPath}.`);
        }
    }
    const withArtifact = { ...links, ...(reportArtifact ? { reportArtifact } : {}) };
    // The job summary holds this model's section in full (up to GitHub's 1 MiB per step).
    const summary = renderSection(document, withArtifact, 900_000).body;
    await (0,promises_.writeFile)(commentPath, summary);
    log.appendSummary(summary);
    annotateVerdict(model, result, policySource, log);
    log.info(`Verdict for ${model}: ${result.verdict}. Report: ${reportPath}; comment body: ${commentPath}`);
    let commentUrl = '';
    let commentArtifact = '';
    if (request.comment !== 'never') {
        const posted = await postSection({
            document,
            mode: request.comment,
            links: { ...withArtifact, ...(request.mention ? { mentions: request.mention } : {}) },
            token: request.token,
            repository: context.repository,
            pullRequestNumber: context.pullRequest?.number,
            eventName: context.eventName,
            bodyFile: commentPath,
            log,
            github: step.github,
        });
        if (posted.posted)
            commentUrl = posted.url;
        else if (posted.why === 'read-only' && context.pullRequest)
            commentArtifact = await handOverComment(document, step, dir, log);
    }
    return { document, reportPath, commentPath, reportArtifact, commentUrl, commentArtifact };
}
function comparisonDocument(request, candidate, resolved, result, policy, candidateSide) {
    const baseline = resolved.metrics;
    return {
        format: COMPARISON_FORMAT,
        model: request.model,
        verdict: result.verdict,
        candidate: compare_side(candidate),
        baseline: baseline ? compare_side(baseline) : null,
        baselineSource: summarizeBaseline(resolved.source),
        notLikeForLike: Boolean(baseline?.evaluationSha256 &&
            candidate.evaluationSha256 &&
            baseline.evaluationSha256 !== candidate.evaluationSha256),
        gates: request.gates ?? null,
        ...(policy ? { policy } : {}),
        metrics: result.metrics,
        slices: result.slices,
        ...(result.fairness.length ? { fairness: result.fairness } : {}),
        ...(candidate.fairness && Object.keys(candidate.fairness).length
            ? { fairnessGroups: publishedGroups(candidate.fairness) }
            : {}),
        notable: result.notable,
        ...(candidate.confusion
            ? {
                confusion: {
                    candidate: candidate.confusion,
                    ...(baseline?.confusion ? { baseline: baseline.confusion } : {}),
                },
            }
            : {}),
        ...(candidate.residuals
            ? {
                residuals: {
                    candidate: candidate.residuals,
                    ...(baseline?.residuals ? { baseline: baseline.residuals } : {}),
                },
            }
            : {}),
        lineage: {
            candidate: candidateSide,
            ...(resolved.source.kind === 'registry'
                ? {
                    baseline: baselineLineage(resolved.source.deployment.payload, resolved.source.deployment.sha),
                }
                : baseline
                    ? {
                        baseline: {
                            version: baseline.version,
                            fingerprint: baseline.fingerprint,
                            evaluationSha256: baseline.evaluationSha256,
                        },
                    }
                    : {}),
        },
        ...(request.history > 0 && resolved.history.length
            ? { history: resolved.history.slice(-request.history) }
            : {}),
    };
}
/**
 * One annotation per metric or slice that fails (an error), warns or cannot be judged (a
 * warning), and one on the gate policy when the pull request changes it.
 */
function annotateVerdict(model, result, policySource, log) {
    const entries = [
        ...result.metrics.map((m) => ({ name: m.name, status: m.status, reasons: m.reasons })),
        ...result.slices.map((s) => ({
            name: `${s.metric} by slice`,
            status: s.status,
            reasons: s.reasons,
        })),
        ...result.fairness.map((f) => ({
            name: fairnessName(f),
            status: f.status,
            reasons: f.reasons,
        })),
    ];
    for (const entry of entries) {
        if (entry.status !== 'fail' && entry.status !== 'warn' && entry.status !== 'inconclusive')
            continue;
        const message = `${model}: ${entry.name} ${entry.reasons.join('; ')}`;
        if (entry.status === 'fail')
            log.error(message, { title: 'compare-metrics' });
        else
            log.warning(message, {
                title: entry.status === 'inconclusive' ? 'compare-metrics: inconclusive' : 'compare-metrics',
            });
    }
    for (const change of result.notable) {
        if (change.gated || (change.status !== 'fail' && change.status !== 'warn'))
            continue;
        const message = `${model}: ${describeNotable(change)} (notable-regressions: ${change.status})`;
        if (change.status === 'fail')
            log.error(message, { title: 'compare-metrics' });
        else
            log.warning(message, { title: 'compare-metrics' });
    }
    const policyNote = policyAnnotation(policySource);
    if (policyNote)
        log[policyNote.level](policyNote.text, { title: 'compare-metrics: gate policy' });
}
/**
 * The candidate's groups as the comment may show them: names, counts and rates, the groups
 * under min-group-size merged into one line. The comparison document is uploaded and the
 * comment public, so the full table stays in the metrics report.
 */
function publishedGroups(fairness) {
    return Object.fromEntries(Object.entries(fairness).map(([attribute, section]) => [
        attribute,
        {
            columns: section.columns,
            minGroupSize: section.minGroupSize,
            groups: publishableGroups(section),
        },
    ]));
}
function compare_side(loaded) {
    return {
        source: loaded.source,
        ...(loaded.version ? { version: loaded.version } : {}),
        ...(loaded.evaluationSha256 ? { evaluationSha256: loaded.evaluationSha256 } : {}),
    };
}
const SHA = /^[0-9a-f]{1,64}$/;
const ifSha = (value) => (value && SHA.test(value) ? value : undefined);
async function candidateManifest(request) {
    const manifest = request.manifest
        ? await readStructuredFile(request.manifest, manifestSchema, 'manifest')
        : undefined;
    if (manifest && manifest.model.name !== request.model) {
        throw new errors/* UserError */.yo(`The manifest "${request.manifest}" is for model "${manifest.model.name}", not "${request.model}". Pass the manifest output of the train-model step of this model.`);
    }
    return manifest;
}
/** Production's manifest: the `baseline-manifest` file, or the one published with the model in production. */
async function productionManifest(request, resolved, registry, log) {
    if (!request.manifest)
        return undefined;
    if (request.baselineManifest) {
        const manifest = await readStructuredFile(request.baselineManifest, manifestSchema, 'baseline manifest');
        if (manifest.model.name !== request.model)
            throw new errors/* UserError */.yo(`The baseline manifest "${request.baselineManifest}" is for model "${manifest.model.name}", not "${request.model}". Pass the manifest of the model the candidate is compared with.`);
        return { manifest, source: 'file' };
    }
    if (resolved.source.kind !== 'registry' || !registry)
        return undefined;
    const manifest = await publishedManifest(registry, resolved.source.deployment, log);
    return manifest ? { manifest, source: 'release' } : undefined;
}
/** Training time from the candidate's manifest, evaluation time from its report, and the comparison's own time up to now. */
function costOf(manifest, evaluationSeconds, started) {
    const training = manifest?.training;
    return {
        ...(training
            ? {
                training: {
                    seconds: training.durationSeconds,
                    ...(training.restoredFrom
                        ? {
                            restoredFrom: prune({
                                runUrl: training.restoredFrom.runUrl,
                                restoreSeconds: training.restoredFrom.restoreSeconds,
                            }),
                        }
                        : {}),
                },
            }
            : {}),
        ...(evaluationSeconds !== undefined ? { evaluationSeconds } : {}),
        comparisonSeconds: (performance.now() - started) / 1000,
    };
}
function candidateLineage(candidate, manifest, context) {
    return prune({
        version: candidate.version ?? manifest?.model.version,
        fingerprint: ifSha(candidate.fingerprint ?? manifest?.fingerprint),
        evaluationSha256: ifSha(candidate.evaluationSha256),
        configSha256: ifSha(manifest?.config.sha256),
        dataFiles: manifest?.data.map((file) => ({ path: file.path, sha256: file.sha256 })),
        commit: ifSha(manifest?.git.sha ?? context.sha),
        runtime: summariseRuntime(manifest?.runtime),
    });
}
function baselineLineage(payload, sha) {
    return prune({
        version: payload.version,
        fingerprint: ifSha(payload.fingerprint),
        evaluationSha256: ifSha(payload.dataSha256),
        configSha256: ifSha(payload.configSha256),
        commit: ifSha(sha),
        runUrl: payload.runUrl,
        runtime: payload.runtime,
    });
}
function prune(value) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
/**
 * With a read-only token (a pull request from a fork), the comparison and the pull request it
 * belongs to are uploaded for a workflow_run workflow to post; see examples/workflows/post-comment.yml.
 */
async function handOverComment(document, step, dir, log) {
    const context = step.context();
    if (!artifactServiceAvailable(step.env)) {
        log.warning('The comment could not be posted and there is no artifact service here to hand it to a workflow_run workflow.');
        return '';
    }
    const name = commentArtifactName(document.model, context.runAttempt);
    const files = await writeCommentRequest((0,external_node_path_.join)(dir, 'comment-request'), document, {
        number: context.pullRequest.number,
        headSha: context.pullRequest.headSha,
    });
    await uploadArtifact(name, files, (0,external_node_path_.join)(dir, 'comment-artifact'), log);
    log.notice(`The comment for pull request #${context.pullRequest.number} is in artifact ${name}: a workflow triggered by workflow_run can post it with compare-metrics and "comment-from-run: \${{ github.event.workflow_run.id }}".`, { title: 'compare-metrics' });
    return name;
}

// EXTERNAL MODULE: ./node_modules/zod/v4/core/core.js
var core = __nccwpck_require__(88532);
// EXTERNAL MODULE: ./shared/action/inputs.ts
var inputs = __nccwpck_require__(21736);
;// CONCATENATED MODULE: ./actions/compare-metrics/src/inputs.ts







const inputs_inputs = schemas/* object */.Ikc({
    'model-name': (0,inputs/* modelName */.fD)(),
    metrics: (0,inputs/* text */.Qq)().optional(),
    baseline: (0,inputs/* text */.Qq)().optional(),
    'baseline-environment': (0,inputs/* environmentName */.VE)(),
    gates: (0,inputs/* text */.Qq)().optional(),
    'gates-from': (0,inputs/* choice */.Yq)(GATES_FROM),
    manifest: (0,inputs/* text */.Qq)().optional(),
    'baseline-manifest': (0,inputs/* text */.Qq)().optional(),
    history: (0,inputs/* wholeNumber */.rD)(0, 50),
    'fail-on-regression': (0,inputs/* flag */.Jt)(),
    comment: commentMode(),
    mention: mentions(),
    'comment-from-run': schemas/* string */.YjP()
        .regex(/^[1-9]\d{0,19}$/, {
        error: 'must be a workflow run id (digits), e.g. ${{ github.event.workflow_run.id }}',
    })
        .optional(),
    'github-token': (0,inputs/* text */.Qq)(),
});
/** `always | on-change | on-regression | never`; `true` and `false` (the input's old values) read as always and never. */
function commentMode() {
    return schemas/* string */.YjP().transform((value, ctx) => {
        const mode = /^(?:true|True|TRUE)$/.test(value)
            ? 'always'
            : /^(?:false|False|FALSE)$/.test(value)
                ? 'never'
                : value;
        if (COMMENT_MODES.includes(mode))
            return mode;
        ctx.addIssue({
            code: 'custom',
            input: value,
            message: `must be one of ${COMMENT_MODES.join(', ')}; got ${(0,identifiers/* quoteValue */.cl)(value)}`,
        });
        return core/* NEVER */.tm;
    });
}
/** Users (`@login`) and teams (`@org/team`), one per line or separated by spaces or commas. */
function mentions() {
    return schemas/* string */.YjP()
        .transform((value) => value.split(/[\s,]+/).filter(Boolean))
        .superRefine((handles, ctx) => {
        for (const handle of handles)
            if (!MENTION_PATTERN.test(handle))
                ctx.addIssue({
                    code: 'custom',
                    input: handle,
                    message: `must list GitHub users as @login and teams as @org/team-slug; got ${(0,identifiers/* quoteValue */.cl)(handle)}`,
                });
        if (handles.length > 20)
            ctx.addIssue({ code: 'custom', input: handles, message: 'may name at most 20 handles' });
    })
        .optional();
}
/**
 * compare-metrics either compares a candidate ("metrics") or posts the comment another run
 * prepared ("comment-from-run"). Returns the metrics file, or undefined in the posting mode.
 */
function requireOneMode(input) {
    if (input['comment-from-run']) {
        if (input.metrics)
            throw new errors/* UserError */.yo('Give either "metrics" (compare a candidate) or "comment-from-run" (post the comment another run prepared), not both.');
        return undefined;
    }
    if (!input.metrics)
        throw new errors/* UserError */.yo('Input "metrics" is required: the candidate\'s metrics report from evaluate-model, or a JSON or YAML file of metrics.');
    return input.metrics;
}

;// CONCATENATED MODULE: ./actions/compare-metrics/src/outputs.ts
const OUTPUTS = [
    'passed',
    'verdict',
    'report',
    'comment-file',
    'baseline-version',
    'comment-url',
    'comment-artifact',
    'report-artifact',
];

;// CONCATENATED MODULE: ./actions/compare-metrics/src/post-from-run.ts
/**
 * The posting mode of compare-metrics, for a workflow triggered by workflow_run: it downloads
 * the comment artifact a pull request's run could not post (a fork's read-only token), checks
 * it against the triggering run, and posts it as the sticky comment. It never checks out or
 * runs anything from the pull request.
 */










async function postFromRun(input, step, runner, set) {
    const model = input['model-name'];
    const context = step.context();
    const run = triggeringRun(JSON.parse((0,external_node_fs_.readFileSync)(step.env.GITHUB_EVENT_PATH ?? '', 'utf8')), context.eventName);
    if (String(run.id) !== input['comment-from-run']) {
        throw new errors/* UserError */.yo(`"comment-from-run" is ${input['comment-from-run']}, but this workflow was triggered by run ${run.id}. Pass \${{ github.event.workflow_run.id }}: the pull request is checked against the triggering run.`);
    }
    const repository = (0,client/* parseRepository */.SU)(context.repository);
    if (!repository)
        throw new errors/* UserError */.yo('GITHUB_REPOSITORY is not set; "comment-from-run" only works on a GitHub runner.');
    const nothingPosted = () => {
        for (const name of OUTPUTS)
            set(name, '');
    };
    if (!/^pull_request/.test(run.event)) {
        runner.info(`Run ${run.id} was triggered by ${run.event}, not by a pull request; there is no comment to post.`);
        return nothingPosted();
    }
    const artifact = commentArtifactName(model, run.run_attempt);
    const dir = await (0,action_context/* createStepDir */.S)(context.tempDir, 'compare-metrics', model);
    const into = (0,external_node_path_.join)(dir, 'artifact');
    const fromRun = { runId: run.id, token: input['github-token'], repository };
    if (!(await downloadArtifactIfPresent({ name: artifact, into, log: runner, fromRun }))) {
        runner.info(`Run ${run.id} left no artifact ${artifact}: its comment was posted directly (or it compared no ${model}). Nothing to do.`);
        return nothingPosted();
    }
    const { request, document, documentPath } = await readCommentRequest(into, artifact, model);
    const github = await step.github(input['github-token'], repository, runner);
    await verifyPullRequest(request, run, context.repository, {
        headOf: (number) => github.getPullRequest(number),
    });
    const links = {
        serverUrl: context.serverUrl,
        repository: context.repository,
        sha: run.head_sha,
        runUrl: `${context.serverUrl}/${context.repository}/actions/runs/${run.id}`,
        postedFrom: `Posted for a pull request from a fork by a workflow_run workflow, from the artifact of run ${run.id}; the figures are as that run reported them.`,
    };
    const commentPath = (0,external_node_path_.join)(dir, 'comment.md');
    await (0,promises_.writeFile)(commentPath, renderSection(document, links).body);
    // The modes and mentions are this workflow's own inputs: nothing in the artifact chooses them.
    const posted = input.comment === 'never'
        ? { posted: false, why: 'held-back', reason: 'comment is "never"' }
        : await postSection({
            document,
            mode: input.comment,
            links: { ...links, ...(input.mention ? { mentions: input.mention } : {}) },
            token: input['github-token'],
            repository: context.repository,
            pullRequestNumber: request.pullRequest,
            eventName: 'pull_request',
            bodyFile: commentPath,
            log: runner,
            github: step.github,
        });
    if (!posted.posted && posted.why === 'held-back')
        runner.info(`Nothing posted on pull request #${request.pullRequest}: ${posted.reason}.`);
    else if (!posted.posted)
        throw new errors/* UserError */.yo(`The comment could not be posted on pull request #${request.pullRequest}: the token is read-only. Give the workflow "permissions: pull-requests: write".`);
    set('passed', document.verdict !== 'fail');
    set('verdict', document.verdict);
    set('report', documentPath);
    set('comment-file', commentPath);
    set('baseline-version', document.baseline?.version ?? '');
    set('comment-url', posted.posted ? posted.url : '');
    set('comment-artifact', '');
    set('report-artifact', '');
}

;// CONCATENATED MODULE: ./actions/compare-metrics/src/run.ts





const compareMetrics = {
    name: 'compare-metrics',
    inputs: inputs_inputs,
    async run(input, runner, step) {
        await confineFileInputs(input, ['metrics', 'baseline', 'gates', 'manifest', 'baseline-manifest'], await stepConfinement(step.workspace, step.tempDir));
        const set = (name, value) => runner.setOutput(name, value);
        const metrics = requireOneMode(input);
        if (metrics === undefined)
            return postFromRun(input, step, runner, set);
        const model = input['model-name'];
        const request = {
            model,
            metrics,
            baseline: input.baseline,
            baselineEnvironment: input['baseline-environment'],
            gates: input.gates,
            gatesFrom: input['gates-from'],
            manifest: input.manifest,
            baselineManifest: input['baseline-manifest'],
            history: input.history,
            token: input['github-token'],
            comment: input.comment,
            mention: input.mention,
        };
        const outcome = await compareCandidate(request, step, runner);
        const { verdict } = outcome.document;
        set('passed', verdict !== 'fail');
        set('verdict', verdict);
        set('report', outcome.reportPath);
        set('comment-file', outcome.commentPath);
        set('baseline-version', outcome.document.baseline?.version ?? '');
        set('comment-url', outcome.commentUrl);
        set('comment-artifact', outcome.commentArtifact);
        set('report-artifact', outcome.reportArtifact);
        if (verdict === 'fail' && input['fail-on-regression']) {
            throw new errors/* UserError */.yo(`${model} fails its gates (see the table in the job summary). Set fail-on-regression: false to report without failing.`);
        }
    },
};


/***/ }),

/***/ 36030:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   S: () => (/* binding */ createStepDir),
/* harmony export */   a: () => (/* binding */ stepEnvironment)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(51455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(48161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__nccwpck_require__.n(node_os__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(45586);
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_6__ = __nccwpck_require__(37428);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_5__ = __nccwpck_require__(91674);
/**
 * What the runner tells an action about the run: repository, commit, run URL, and the pull
 * request from the event payload. The payload is a boundary like any other: it is validated,
 * and only the fields this project uses are kept.
 */






const repoRef = zod__WEBPACK_IMPORTED_MODULE_4__/* .object */ .Ikc({ full_name: zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP() }).nullish();
const pullRequestEvent = zod__WEBPACK_IMPORTED_MODULE_4__/* .object */ .Ikc({
    pull_request: zod__WEBPACK_IMPORTED_MODULE_4__/* .object */ .Ikc({
        number: zod__WEBPACK_IMPORTED_MODULE_4__/* .number */ .aig().int().positive(),
        title: zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP(),
        html_url: zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP(),
        head: zod__WEBPACK_IMPORTED_MODULE_4__/* .object */ .Ikc({ sha: zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP(), ref: zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP(), repo: repoRef }),
        base: zod__WEBPACK_IMPORTED_MODULE_4__/* .object */ .Ikc({ ref: zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP(), sha: zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP().optional(), repo: repoRef }),
    })
        .optional(),
});
function readRunContext(env = process.env) {
    const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com';
    const repository = env.GITHUB_REPOSITORY || undefined;
    const runId = env.GITHUB_RUN_ID || undefined;
    const pullRequest = readPullRequest(env.GITHUB_EVENT_PATH);
    return {
        repository,
        sha: pullRequest?.headSha ?? (env.GITHUB_SHA || undefined),
        ref: env.GITHUB_REF || undefined,
        eventName: env.GITHUB_EVENT_NAME || undefined,
        runId,
        runAttempt: env.GITHUB_RUN_ATTEMPT || undefined,
        runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined,
        serverUrl,
        actor: env.GITHUB_ACTOR || undefined,
        workspace: env.GITHUB_WORKSPACE || process.cwd(),
        tempDir: runnerTempDir(env),
        runnerOs: env.RUNNER_OS || process.platform,
        pullRequest,
    };
}
function readPullRequest(eventPath) {
    if (!eventPath)
        return undefined;
    let payload;
    try {
        payload = JSON.parse((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(eventPath, 'utf8'));
    }
    catch (error) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .UserError */ .yo(`Could not read the event payload at GITHUB_EVENT_PATH "${eventPath}": ${error.message}.`);
    }
    const parsed = pullRequestEvent.safeParse(payload);
    if (!parsed.success) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .UserError */ .yo(`The event payload at GITHUB_EVENT_PATH "${eventPath}" has an unexpected pull_request shape: ${zod__WEBPACK_IMPORTED_MODULE_6__/* .prettifyError */ .S1(parsed.error)}`);
    }
    const pr = parsed.data.pull_request;
    if (!pr)
        return undefined;
    const headRepo = pr.head.repo?.full_name;
    return {
        number: pr.number,
        title: pr.title,
        headSha: pr.head.sha,
        headRef: pr.head.ref,
        baseRef: pr.base.ref,
        baseSha: pr.base.sha,
        url: pr.html_url,
        fromFork: headRepo !== undefined && headRepo !== pr.base.repo?.full_name,
    };
}
function stepEnvironment(env = process.env, github = restConnector(env), accounts = restAccounts(env)) {
    let context;
    return {
        env,
        workspace: env.GITHUB_WORKSPACE || process.cwd(),
        tempDir: runnerTempDir(env),
        context: () => (context ??= readRunContext(env)),
        github,
        accounts,
    };
}
function restAccounts(env) {
    return async (token, log, cache) => {
        const { createOctokitAccounts } = await __nccwpck_require__.e(/* import() */ 66).then(__nccwpck_require__.bind(__nccwpck_require__, 37066));
        return createOctokitAccounts(token, log, { env, ...(cache ? { cache } : {}) });
    };
}
/** GitHub's REST API at the step's GITHUB_API_URL; Octokit is loaded on first use only. */
function restConnector(env) {
    return async (token, repository, log) => {
        const { createOctokitPort } = await __nccwpck_require__.e(/* import() */ 66).then(__nccwpck_require__.bind(__nccwpck_require__, 37066));
        return createOctokitPort(token, repository, log, env);
    };
}
/** Scratch space for reports: RUNNER_TEMP on a runner, the OS temp folder elsewhere. */
function runnerTempDir(env = process.env) {
    return env.RUNNER_TEMP || (0,node_os__WEBPACK_IMPORTED_MODULE_2__.tmpdir)();
}
/**
 * A new folder for one step's files. Each step gets its own, so that two steps of one job
 * (validating train and eval data, evaluating on two data sets) never overwrite each other's
 * reports. Takes the temp folder rather than the whole context, so that actions that need no
 * more do not parse the event payload.
 */
async function createStepDir(tempDir, action, model) {
    const parent = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(tempDir, 'mlops-actions', action);
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdir)(parent, { recursive: true });
    return (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdtemp)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(parent, `${model}-`));
}


/***/ }),

/***/ 91674:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   UK: () => (/* binding */ errnoCode),
/* harmony export */   dz: () => (/* binding */ InputError),
/* harmony export */   iU: () => (/* binding */ isUserError),
/* harmony export */   yo: () => (/* binding */ UserError)
/* harmony export */ });
/**
 * A mistake the user can fix: a bad input, a missing or malformed file, a failing training
 * command. The message is shown as it is, without a stack trace, so it must say which input or
 * file is wrong, what was expected and what to do.
 */
class UserError extends Error {
    name = 'UserError';
}
/** One or more action inputs are missing or malformed. */
class InputError extends UserError {
    name = 'InputError';
}
function isUserError(error) {
    return error instanceof UserError;
}
/** Node's error code (ENOENT, EISDIR, ...) when there is one. */
function errnoCode(error) {
    return error instanceof Error && 'code' in error && typeof error.code === 'string'
        ? error.code
        : undefined;
}


/***/ }),

/***/ 21736:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Jt: () => (/* binding */ flag),
/* harmony export */   Ko: () => (/* binding */ readInputs),
/* harmony export */   Qq: () => (/* binding */ text),
/* harmony export */   VE: () => (/* binding */ environmentName),
/* harmony export */   Yq: () => (/* binding */ choice),
/* harmony export */   fD: () => (/* binding */ modelName),
/* harmony export */   rD: () => (/* binding */ wholeNumber)
/* harmony export */ });
/* unused harmony exports pathList, modelVersion, artifactName, decimalBetween */
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(45586);
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(88532);
/* harmony import */ var _identifiers_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(58434);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(91674);
/**
 * Action inputs: each action declares a zod object whose keys are exactly its action.yml input
 * names. Defaults live in action.yml only (the runner passes them as INPUT_* variables), so an
 * input with a default or `required: true` is non-optional here; a contract test checks both.
 */



const WORKFLOW_NAMING = {
    name: (input) => `input "${input}"`,
    whereToSet: 'set it under "with:" in the workflow step',
};
/** Reads every declared input and validates them together, so that all problems are reported at once. */
function readInputs(schema, getInput, naming = WORKFLOW_NAMING) {
    const raw = {};
    for (const name of Object.keys(schema.shape)) {
        const value = getInput(name);
        if (value !== undefined && value !== '')
            raw[name] = value;
    }
    const result = schema.safeParse(raw, { reportInput: true });
    if (!result.success)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(describeInputIssues(result.error.issues, raw, naming));
    return result.data;
}
function describeInputIssues(issues, supplied, naming) {
    const problems = issues.map((issue) => {
        const name = String(issue.path[0] ?? '?');
        if (!(name in supplied))
            return `${naming.name(name)} is required but was not supplied (${naming.whereToSet})`;
        return `${naming.name(name)} ${issue.message}`;
    });
    return naming === WORKFLOW_NAMING
        ? `Invalid action inputs: ${problems.join('; ')}.`
        : `${problems.join('; ')}.`;
}
/** Values are shown JSON-quoted, shortened and with control characters escaped: inputs may be hostile. */
const quote = (value) => (0,_identifiers_js__WEBPACK_IMPORTED_MODULE_0__/* .quoteValue */ .cl)(String(value));
/** Any non-empty text. */
const text = () => zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP();
/** One of a fixed set of values; the error lists them. */
const choice = (values) => zod__WEBPACK_IMPORTED_MODULE_2__/* ["enum"] */ .k5n(values, {
    error: (issue) => `must be one of ${values.join(', ')}; got ${quote(issue.input)}`,
});
const TRUE_SPELLINGS = ['true', 'True', 'TRUE'];
const FALSE_SPELLINGS = ['false', 'False', 'FALSE'];
/** A boolean with the YAML 1.2 spellings the runner accepts; anything else is an error, not false. */
const flag = () => zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().transform((value, ctx) => {
    if (TRUE_SPELLINGS.includes(value))
        return true;
    if (FALSE_SPELLINGS.includes(value))
        return false;
    ctx.addIssue({
        code: 'custom',
        input: value,
        message: `must be true or false; got ${quote(value)}`,
    });
    return zod__WEBPACK_IMPORTED_MODULE_3__/* .NEVER */ .tm;
});
/** A whole number within bounds. */
const wholeNumber = (min, max = Number.MAX_SAFE_INTEGER) => zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().transform((value, ctx) => {
    const number = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isSafeInteger(number) && number >= min && number <= max)
        return number;
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    ctx.addIssue({
        code: 'custom',
        input: value,
        message: `must be a whole number ${range}; got ${quote(value)}`,
    });
    return zod__WEBPACK_IMPORTED_MODULE_3__/* .NEVER */ .tm;
});
/** One path per line (blank lines ignored), as @actions/cache and upload-artifact take lists. */
const pathList = () => z.string().transform((value) => value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== ''));
/**
 * Identifiers (see shared/identifiers.ts for the alphabets). A model name becomes part of
 * deployment tasks (`model:<name>`), release tags (`<name>@<version>`), artifact names and file
 * names; versions, environment and artifact names end up in tags, payloads and outputs that
 * later steps interpolate into a shell.
 */
const modelName = () => (0,_identifiers_js__WEBPACK_IMPORTED_MODULE_0__/* .identifier */ .Cv)('model name');
const modelVersion = () => identifier('model version');
const environmentName = () => (0,_identifiers_js__WEBPACK_IMPORTED_MODULE_0__/* .identifier */ .Cv)('environment name');
const artifactName = () => identifier('artifact name');
/** A decimal number strictly between two bounds (e.g. a confidence level between 0 and 1). */
const decimalBetween = (low, high) => z.string().transform((value, ctx) => {
    const number = /^\s*-?(\d+\.?\d*|\.\d+)(e-?\d+)?\s*$/i.test(value) ? Number(value) : Number.NaN;
    if (number > low && number < high)
        return number;
    ctx.addIssue({
        code: 'custom',
        input: value,
        message: `must be a number between ${low} and ${high} (exclusive); got ${quote(value)}`,
    });
    return z.NEVER;
});


/***/ }),

/***/ 41825:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  C: () => (/* binding */ runAction)
});

// EXTERNAL MODULE: ./shared/action/errors.ts
var errors = __nccwpck_require__(91674);
;// CONCATENATED MODULE: ./shared/action/network-error.ts
/**
 * A request that never got an answer: the host refused the connection, has no address, or did
 * not answer in time. Not a bug and not GitHub's verdict, so it gets one line naming the host
 * and what to check, in a workflow step and on the command line alike.
 */
const REASONS = {
    ECONNREFUSED: 'the connection was refused',
    ECONNRESET: 'the connection was reset',
    ENOTFOUND: 'the host name has no address',
    EAI_AGAIN: 'the host name could not be looked up',
    ETIMEDOUT: 'it did not answer in time',
    EHOSTUNREACH: 'the host is unreachable',
    ENETUNREACH: 'the network is unreachable',
    UND_ERR_CONNECT_TIMEOUT: 'it did not answer in time',
    UND_ERR_HEADERS_TIMEOUT: 'it did not answer in time',
    UND_ERR_SOCKET: 'the connection broke',
};
/** The host and reason of a network failure anywhere in the error's `cause` chain, if it is one. */
function networkFailure(error) {
    let host;
    for (let at = error, depth = 0; at instanceof Object && depth < 8; depth++) {
        const fields = at;
        if (!host && typeof fields.request?.url === 'string')
            host = hostOf(fields.request.url);
        const code = typeof fields.code === 'string' ? fields.code : undefined;
        if (code && REASONS[code]) {
            const named = typeof fields.hostname === 'string'
                ? fields.hostname
                : typeof fields.address === 'string'
                    ? `${fields.address}${typeof fields.port === 'number' ? `:${fields.port}` : ''}`
                    : undefined;
            return { host: host ?? named ?? 'the server', reason: REASONS[code] };
        }
        at = fields.cause;
    }
    return undefined;
}
function hostOf(url) {
    try {
        return new URL(url).host;
    }
    catch {
        return undefined;
    }
}
/** The one line for a network failure: what failed, and what to check. */
function describeNetworkFailure({ host, reason }) {
    return `Could not reach ${host}: ${reason}. Check the network connection (and a proxy, if one is needed), and GITHUB_API_URL if it is set (it names the GitHub API to use).`;
}

// EXTERNAL MODULE: ./shared/action/context.ts
var context = __nccwpck_require__(36030);
// EXTERNAL MODULE: ./shared/action/inputs.ts
var action_inputs = __nccwpck_require__(21736);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(77598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(73024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __nccwpck_require__(48161);
;// CONCATENATED MODULE: ./shared/action/runner.ts
/**
 * The runner contract of a JavaScript action: inputs from `INPUT_*` variables, outputs and the
 * job summary through file commands, logs and annotations through workflow commands.
 *
 * Written here instead of importing @actions/core: on this project's bench, importing
 * @actions/core alone (it loads @actions/http-client, undici and @actions/exec at start-up for
 * OIDC and platform helpers we do not use) costs 3.3x `node -e 0`, which leaves no room for
 * the start-up budget of 3.5x. The formats below follow actions/toolkit
 * packages/core (command.ts, file-command.ts) and the runner's FileCommandManager.
 */



/** GitHub rejects step summaries over 1 MiB (runner FileCommandManager.AttachmentSizeLimit). */
const STEP_SUMMARY_LIMIT_BYTES = 1024 * 1024;
function inputVariableName(name) {
    return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}
/** Escaping of workflow-command data and properties, as actions/toolkit command.ts does it. */
function escapeCommandData(value) {
    return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeCommandProperty(value) {
    return escapeCommandData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
function formatCommand(command, message, properties = {}) {
    const props = Object.entries(properties)
        .filter(([, value]) => value !== undefined && value !== '')
        .map(([key, value]) => `${key}=${escapeCommandProperty(String(value))}`)
        .join(',');
    return `::${command}${props ? ` ${props}` : ''}::${escapeCommandData(message)}`;
}
/** A `name<<delimiter` block, the only safe form for multi-line or untrusted values. */
function formatFileCommandValue(name, value) {
    const delimiter = `ghadelimiter_${(0,external_node_crypto_.randomUUID)()}`;
    if (name.includes(delimiter) || value.includes(delimiter)) {
        throw new Error(`Unexpected delimiter collision while writing "${name}"`);
    }
    return `${name}<<${delimiter}${external_node_os_.EOL}${value}${external_node_os_.EOL}${delimiter}${external_node_os_.EOL}`;
}
function createRunner(env = process.env, write = (line) => process.stdout.write(line + external_node_os_.EOL)) {
    const outputFile = env.GITHUB_OUTPUT;
    const summaryFile = env.GITHUB_STEP_SUMMARY;
    let summaryTruncated = false;
    const runner = {
        getInput: (name) => env[inputVariableName(name)]?.trim(),
        setOutput(name, value) {
            const text = String(value);
            if (outputFile)
                (0,external_node_fs_.appendFileSync)(outputFile, formatFileCommandValue(name, text), 'utf8');
            else
                write(`output ${name}: ${text}`);
        },
        appendSummary(markdown) {
            if (!summaryFile || summaryTruncated)
                return;
            const used = fileSize(summaryFile);
            const bytes = Buffer.byteLength(markdown + external_node_os_.EOL, 'utf8');
            if (used + bytes > STEP_SUMMARY_LIMIT_BYTES) {
                summaryTruncated = true;
                (0,external_node_fs_.appendFileSync)(summaryFile, `${external_node_os_.EOL}_The rest of this summary was left out: GitHub shows at most 1 MiB per step. The full report is in the step's outputs._${external_node_os_.EOL}`);
                runner.warning("The job summary reached GitHub's 1 MiB limit; the rest was left out. See the report output for everything.");
                return;
            }
            (0,external_node_fs_.appendFileSync)(summaryFile, markdown + external_node_os_.EOL, 'utf8');
        },
        debug: (message) => write(formatCommand('debug', message)),
        info: (message) => write(message),
        notice: (message, where) => write(formatCommand('notice', message, where)),
        warning: (message, where) => write(formatCommand('warning', message, where)),
        error: (message, where) => write(formatCommand('error', message, where)),
        async group(name, body) {
            write(`::group::${escapeCommandData(name)}`);
            try {
                return await body();
            }
            finally {
                write('::endgroup::');
            }
        },
    };
    return runner;
}
function fileSize(path) {
    try {
        return (0,external_node_fs_.statSync)(path).size;
    }
    catch {
        return 0;
    }
}

;// CONCATENATED MODULE: ./shared/action/run-action.ts





async function runAction(action, runner = createRunner(), step = (0,context/* stepEnvironment */.a)(process.env)) {
    let status = 0;
    try {
        const inputs = (0,action_inputs/* readInputs */.Ko)(action.inputs, runner.getInput);
        await action.run(inputs, runner, step);
    }
    catch (error) {
        status = 1;
        reportFailure(action.name, error, runner);
    }
    return status;
}
function reportFailure(actionName, error, runner) {
    if ((0,errors/* isUserError */.iU)(error)) {
        runner.error(error.message, { title: actionName });
        return;
    }
    const network = networkFailure(error);
    if (network) {
        runner.error(describeNetworkFailure(network), { title: actionName });
        return;
    }
    const http = httpFailure(error);
    if (http) {
        runner.error(`GitHub answered ${http.status} to ${http.request} after retries: ${http.message}. This is a problem with GitHub or with the token's permissions, not with your data; re-run the job, and check the job's "permissions:" if it persists.`, { title: actionName });
        return;
    }
    const message = error instanceof Error ? error.message : String(error);
    runner.error(`${actionName} stopped on an unexpected error: ${message}. This is a bug in mlops-actions, not in your workflow; ` +
        'please report it with the step log (re-run with debug logging for the stack trace).', { title: actionName });
    if (error instanceof Error && error.stack)
        runner.debug(error.stack);
}
/** An Octokit RequestError (or alike): the API answered, with an error status. */
function httpFailure(error) {
    if (!(error instanceof Error) || !('status' in error) || typeof error.status !== 'number')
        return undefined;
    const request = error.request;
    const where = request?.url
        ? `${request.method ?? ''} ${new URL(request.url).pathname}`.trim()
        : 'a request';
    return {
        status: error.status,
        request: where,
        message: error.message.replace(/\s+/g, ' ').slice(0, 300),
    };
}


/***/ }),

/***/ 16317:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   EP: () => (/* binding */ isReadOnlyToken),
/* harmony export */   LX: () => (/* binding */ createGitHubClient),
/* harmony export */   SU: () => (/* binding */ parseRepository),
/* harmony export */   c2: () => (/* binding */ statusOf)
/* harmony export */ });
/* unused harmony export isPermissionDenied */
/** Statuses that retrying cannot fix; 409 is added to Octokit's list because a deployment conflict must not be retried. */
const DO_NOT_RETRY = [400, 401, 403, 404, 409, 410, 422, 451];
/** How often a rate-limited request is tried again before the step gives up. */
const RATE_LIMIT_RETRIES = 2;
/**
 * GraphQL queries of a client that only reads (the fleet view's), at most this many a second, one
 * at a time: 1,200 points a minute, within GitHub's secondary limit of 2,000 for GraphQL (a
 * query costs 1 point; "REST API rate limits: secondary rate limits"). Octokit's throttling
 * otherwise spaces every GraphQL request a second apart, as it does writes, which would make
 * reading a fleet of 100,000 deployments (1,000 status queries) take 17 minutes of waiting.
 */
const READ_ONLY_QUERIES_PER_SECOND = 20;
async function createGitHubClient(token, log, env = process.env, options = {}) {
    const [{ Octokit }, { restEndpointMethods }, { paginateRest }, { retry }, { throttling }, { default: Bottleneck },] = await Promise.all([
        __nccwpck_require__.e(/* import() */ 12).then(__nccwpck_require__.bind(__nccwpck_require__, 2012)),
        __nccwpck_require__.e(/* import() */ 210).then(__nccwpck_require__.bind(__nccwpck_require__, 49210)),
        __nccwpck_require__.e(/* import() */ 779).then(__nccwpck_require__.bind(__nccwpck_require__, 93779)),
        Promise.all(/* import() */[__nccwpck_require__.e(251), __nccwpck_require__.e(735)]).then(__nccwpck_require__.bind(__nccwpck_require__, 49735)),
        Promise.all(/* import() */[__nccwpck_require__.e(251), __nccwpck_require__.e(856)]).then(__nccwpck_require__.bind(__nccwpck_require__, 86856)),
        // The light build the throttling plugin itself uses (no Redis clustering).
        __nccwpck_require__.e(/* import() */ 251).then(__nccwpck_require__.t.bind(__nccwpck_require__, 63251, 23)),
    ]);
    const Client = Octokit.plugin(restEndpointMethods, paginateRest, retry, throttling);
    const onLimit = (kind) => (retryAfter, options, _octokit, retryCount) => {
        const again = retryCount < RATE_LIMIT_RETRIES;
        log.warning(`GitHub ${kind} rate limit on ${options.method} ${options.url}; ${again ? `trying again in ${retryAfter} s` : 'giving up'}.`);
        return again;
    };
    return new Client({
        auth: token,
        baseUrl: env.GITHUB_API_URL || 'https://api.github.com',
        userAgent: 'mlops-actions',
        retry: { doNotRetry: DO_NOT_RETRY },
        throttle: {
            onRateLimit: onLimit('primary'),
            onSecondaryRateLimit: onLimit('secondary'),
            // The plugin queues writes and GraphQL requests in its `write` group; a client that only
            // reads sends only queries there (watchRequests refuses its writes).
            ...(options.readOnly
                ? {
                    write: new Bottleneck.Group({
                        maxConcurrent: 1,
                        minTime: 1000 / READ_ONLY_QUERIES_PER_SECOND,
                    }),
                }
                : {}),
        },
        log: { debug: log.debug, info: log.debug, warn: log.debug, error: log.debug },
    });
}
/** The HTTP status of an Octokit error, if it is one. */
function statusOf(error) {
    return typeof error === 'object' &&
        error !== null &&
        'status' in error &&
        typeof error.status === 'number'
        ? error.status
        : undefined;
}
/** GitHub's answer to a write with a read-only token, e.g. on a pull request from a fork. */
function isReadOnlyToken(error) {
    return (statusOf(error) === 403 &&
        /Resource not accessible by integration/i.test(String(error.message)));
}
/**
 * A 403 that a permission would fix: a read-only token, or a token without the permission the
 * request needs (the job's `permissions:`, a fine-grained token's grants). Not a rate limit,
 * which GitHub answers with 403 too.
 */
function isPermissionDenied(error) {
    return statusOf(error) === 403 && !/rate limit/i.test(String(error.message));
}
function parseRepository(fullName) {
    const match = /^([^/\s]+)\/([^/\s]+)$/.exec(fullName ?? '');
    return match ? { owner: match[1], repo: match[2] } : undefined;
}


/***/ }),

/***/ 17853:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   t: () => (/* binding */ COMMENT_BODY_LIMIT),
/* harmony export */   upsertStickyComment: () => (/* binding */ upsertStickyComment)
/* harmony export */ });
/* unused harmony export lazyLogin */
/* harmony import */ var _client_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(16317);

/** GitHub rejects longer comment bodies (422); JavaScript string length is what it counts. */
const COMMENT_BODY_LIMIT = 65_536;
/** How often a section is written again after a concurrent writer overwrote it. */
const MAX_WRITES = 3;
async function upsertStickyComment(github, target, content, log) {
    const { compose, holds } = typeof content === 'string' ? { compose: () => content, holds: undefined } : content;
    try {
        const author = lazyLogin(github);
        const found = await findStickyComment(github, target, author);
        if (!found) {
            const body = compose(undefined);
            if (body === undefined)
                return { status: 'nothing-to-write' };
            return await createOnce(github, target, fitToCommentLimit(body), log, content);
        }
        let existing = found;
        for (let attempt = 1;; attempt++) {
            const composed = compose(existing.body);
            const text = composed === undefined ? existing.body : fitToCommentLimit(composed);
            if (existing.body === text)
                return { status: 'unchanged', url: existing.htmlUrl };
            const updated = await github.updateComment(existing.id, text);
            if (!holds || !content.shared?.(existing.body))
                return { status: 'updated', url: updated.htmlUrl };
            // GitHub has no conditional update for comments: read it back to see whether a job
            // writing another model's section at the same moment replaced this one.
            const reread = await github.getComment(existing.id);
            if (holds(reread.body))
                return { status: 'updated', url: updated.htmlUrl };
            if (attempt >= MAX_WRITES) {
                log.warning(`Another job kept rewriting comment ${updated.htmlUrl} at the same time; this model's section could not be confirmed after ${MAX_WRITES} writes.`);
                return { status: 'updated', url: updated.htmlUrl };
            }
            log.info(`Another job rewrote comment ${updated.htmlUrl} at the same time; writing this model's section again (write ${attempt + 1} of ${MAX_WRITES}).`);
            existing = reread;
        }
    }
    catch (error) {
        if ((0,_client_js__WEBPACK_IMPORTED_MODULE_0__/* .isReadOnlyToken */ .EP)(error)) {
            return {
                status: 'skipped',
                reason: 'the token is read-only (a pull request from a fork gets one), so the comment could not be written',
            };
        }
        throw error;
    }
}
/**
 * Creates the comment without automatic retries: a 5xx may come after GitHub created it, so the
 * comments are looked up again before one more try, and a write is never made twice. When
 * several jobs write sections of one comment, two of them may both find none and both create
 * one: the later one then merges its section into the older comment and deletes its own.
 */
async function createOnce(github, target, body, log, content) {
    const create = (retries) => github.createComment(target.issueNumber, body, { retries });
    let created;
    try {
        created = await create(0);
    }
    catch (error) {
        if (((0,_client_js__WEBPACK_IMPORTED_MODULE_0__/* .statusOf */ .c2)(error) ?? 0) < 500)
            throw error;
        log.warning(`GitHub answered ${(0,_client_js__WEBPACK_IMPORTED_MODULE_0__/* .statusOf */ .c2)(error)} while creating the comment; checking whether it was created before trying again.`);
        const existing = await findStickyComment(github, target, lazyLogin(github));
        if (existing)
            return { status: existing.body === body ? 'created' : 'updated', url: existing.htmlUrl };
        created = await create(3);
    }
    if (typeof content === 'string' || !content.holds)
        return { status: 'created', url: created.htmlUrl };
    // The comment just created says who the token writes as: no need to ask.
    const oldest = await findStickyComment(github, target, async () => created.author ?? '');
    if (!oldest || oldest.id === created.id)
        return { status: 'created', url: created.htmlUrl };
    log.info(`Another job created comment ${oldest.htmlUrl} at the same time; moving this model's section into it.`);
    const result = await upsertStickyComment(github, target, content, log);
    await github.deleteComment(created.id);
    return result;
}
/**
 * Who the token writes as, asked once and only when a comment carrying the marker is found (a
 * pull request without one needs no answer): one GraphQL request, which works for personal,
 * workflow and GitHub App installation tokens alike. Never guessed: a token whose account
 * cannot be told makes the step fail rather than write into someone else's comment.
 */
function lazyLogin(github) {
    let login;
    return () => (login ??= github.getAuthenticatedUser());
}
/**
 * Reads the pull request's comments page by page, oldest first, and stops at the first of ours
 * carrying the marker (the oldest wins): the sticky comment is usually among the first, so a
 * busy pull request costs one page, not all of them.
 */
async function findStickyComment(github, target, author) {
    for await (const comment of github.listIssueComments(target.issueNumber)) {
        if (comment.body.includes(target.marker) && comment.author === (await author()))
            return comment;
    }
    return undefined;
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


/***/ }),

/***/ 58434:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Cv: () => (/* binding */ identifier),
/* harmony export */   Zl: () => (/* binding */ modelTask),
/* harmony export */   aF: () => (/* binding */ releaseTag),
/* harmony export */   cl: () => (/* binding */ quoteValue),
/* harmony export */   lM: () => (/* binding */ MODEL_NAME_PATTERN)
/* harmony export */ });
/* unused harmony exports isIdentifier, identifierProblem, requireIdentifier, modelArtifactName, metricsArtifactName, profileArtifactName */
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(45586);
/* harmony import */ var _action_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(91674);
/* harmony import */ var _markdown_escape_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(32215);
/**
 * The identifiers the suite records and hands on: model names, model versions, environment
 * names, artifact names, release tags (`<model>@<version>`) and deployment tasks
 * (`model:<model>`). They become Git tags, deployment payloads, file and artifact names, and
 * step outputs that later `run:` steps interpolate into a shell, so each has a safe alphabet,
 * checked where the value enters: an action input, a field of a manifest, a metrics report or a
 * deployment payload, a name read from the GitHub API. None of these alphabets holds a shell
 * metacharacter, a space, a quote, a path separator or a control character.
 *
 * The checks are plain character classes and substring tests, so they run in linear time on any
 * value. The README ("Identifiers") states the same rules; keep the two in step.
 */



/** Letters, digits, ".", "_" and "-", starting with a letter or digit: no shell, path or Markdown syntax. */
const safeWord = (max) => new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${max - 1}}$`);
/** The model name pattern (at most 100 characters); see MODEL_NAME for the whole rule. */
const MODEL_NAME_PATTERN = safeWord(100);
const VERSION_PATTERN = safeWord(64);
const ENVIRONMENT_PATTERN = safeWord(100);
const ARTIFACT_PATTERN = safeWord(200);
const MODEL_NAME = {
    rule: 'start with a letter or digit and use only letters, digits, ".", "_" and "-", without ".." (at most 100 characters)',
    // ".." is refused because `<model>@<version>` must be a valid Git tag name.
    test: (value) => MODEL_NAME_PATTERN.test(value) && !value.includes('..'),
};
/**
 * versionOf() gives 12 hex digits; the alphabet leaves room for versions of the user's own
 * (`1.4.0`, `2024-06-01_rc1`) while keeping the release tag a valid Git tag name: no "..", and
 * not ending in "." or ".lock".
 */
const MODEL_VERSION = {
    rule: 'start and end with a letter or digit and use only letters, digits, ".", "_" and "-", without ".." and not ending in ".lock" (at most 64 characters)',
    test: (value) => VERSION_PATTERN.test(value) &&
        /[A-Za-z0-9]$/.test(value) &&
        !value.includes('..') &&
        !value.endsWith('.lock'),
};
/**
 * GitHub allows almost any character in an environment name; this is the subset that is safe
 * in a shell, a file name and a URL, and that covers the names people use (`production`,
 * `staging`, `eu-west-1`, `prod_2`, `qa.eu`). Names with spaces or "/" are refused.
 */
const ENVIRONMENT_NAME = {
    rule: 'start with a letter or digit and use only letters, digits, ".", "_" and "-" (at most 100 characters; spaces and "/" are not allowed)',
    test: (value) => ENVIRONMENT_PATTERN.test(value),
};
/** The suite's artifact names are `model-<model>-<version>` and `metrics-<model>-<version>`. */
const ARTIFACT_NAME = {
    rule: 'start with a letter or digit and use only letters, digits, ".", "_" and "-" (at most 200 characters)',
    test: (value) => ARTIFACT_PATTERN.test(value),
};
const RELEASE_TAG = {
    rule: 'be "<model>@<version>": a model name, "@" and a model version',
    test: (value) => {
        const at = value.indexOf('@');
        return at > 0 && MODEL_NAME.test(value.slice(0, at)) && MODEL_VERSION.test(value.slice(at + 1));
    },
};
const ALPHABETS = {
    'model name': MODEL_NAME,
    'model version': MODEL_VERSION,
    'environment name': ENVIRONMENT_NAME,
    'artifact name': ARTIFACT_NAME,
    'release tag': RELEASE_TAG,
};
function isIdentifier(kind, value) {
    return typeof value === 'string' && ALPHABETS[kind].test(value);
}
/** Why `value` is not a `kind`, as "must …; got "…"", or undefined when it is one. */
function identifierProblem(kind, value) {
    return isIdentifier(kind, value)
        ? undefined
        : `must ${ALPHABETS[kind].rule}; got ${quoteValue(value)}`;
}
/**
 * A zod string that must be a `kind`: for action inputs and for the fields of files and payloads,
 * whose errors then name the input, or the file, field and line (see validateStructured).
 */
function identifier(kind) {
    return zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP().refine((value) => isIdentifier(kind, value), {
        error: (issue) => identifierProblem(kind, issue.input),
    });
}
/** `value` when it is a `kind`; otherwise a UserError that starts with `where` ("The artifact name", "Input \"version\""). */
function requireIdentifier(kind, value, where, advice = '') {
    const problem = identifierProblem(kind, value);
    if (problem)
        throw new _action_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UserError */ .yo(`${where} ${problem}.${advice ? ` ${advice}` : ''}`);
    return value;
}
function releaseTag(model, version) {
    return requireIdentifier('release tag', `${model}@${version}`, 'The release tag');
}
function modelArtifactName(model, version) {
    return requireIdentifier('artifact name', `model-${model}-${version}`, 'The artifact name');
}
function metricsArtifactName(model, version) {
    return requireIdentifier('artifact name', `metrics-${model}-${version}`, 'The artifact name');
}
/** Where promote-model keeps a non-production model's training data profile (the drift reference). */
function profileArtifactName(model, version) {
    return requireIdentifier('artifact name', `profile-${model}-${version}`, 'The artifact name');
}
/** The deployment task of a model's promotions. */
function modelTask(model) {
    return `model:${requireIdentifier('model name', model, 'The model name')}`;
}
const SHOWN_CHARACTERS = 60;
/**
 * A value as an error message may show it: JSON-quoted (so control characters are escaped),
 * at most 60 characters of it, with line and paragraph separators and bidirectional controls
 * escaped too, since they would reorder or break the annotation line.
 */
function quoteValue(value) {
    if (typeof value !== 'string')
        return String(JSON.stringify(value) ?? value).slice(0, SHOWN_CHARACTERS);
    const characters = [...value];
    // JSON escapes the C0 controls; the rest of the invisible characters are escaped after it.
    const shown = (0,_markdown_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeInvisible */ .ts)(JSON.stringify(characters.slice(0, SHOWN_CHARACTERS).join('')));
    return characters.length > SHOWN_CHARACTERS
        ? `${shown}… (${characters.length} characters)`
        : shown;
}


/***/ }),

/***/ 32215:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   FV: () => (/* binding */ escapeMarkdown),
/* harmony export */   Qj: () => (/* binding */ markdownTable),
/* harmony export */   _b: () => (/* binding */ mermaidLabel),
/* harmony export */   iQ: () => (/* binding */ markdownLink),
/* harmony export */   ti: () => (/* binding */ inlineCode),
/* harmony export */   ts: () => (/* binding */ escapeInvisible)
/* harmony export */ });
/* unused harmony export hasInvisible */
/**
 * Text from data files and pull requests (metric names, column names, cell values, branch
 * names) is hostile: it must render as the literal text, never as Markdown, HTML, a table
 * break or a notification. GitHub ignores backslash escapes for @mentions, so a zero-width
 * space goes after every "@" (the fix Dependabot uses).
 */
// Parentheses and colons are left alone: with "[" and "]" escaped they cannot form a link, and
// escaping them only clutters the raw text reviewers may read.
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]#+!|~$]/g;
function escapeMarkdown(text) {
    return text
        .replace(/\r\n|\r|\n/g, ' ')
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(MARKDOWN_PUNCTUATION, (char) => `\\${char}`)
        .replace(/@/g, '@\u200B');
}
/** Inline code for hostile text: a backtick fence longer than any run inside it, mentions broken. */
function inlineCode(text) {
    // GFM has no empty code span: a pair of backticks around nothing is shown as two backticks.
    if (text === '')
        return '_(empty)_';
    const flat = text.replace(/\r\n|\r|\n/g, ' ').replace(/@/g, '@\u200B');
    const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
    const fence = '`'.repeat(longestRun + 1);
    const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
    return `${fence}${pad}${flat}${pad}${fence}`;
}
/**
 * A GFM table. GFM splits cells on every unescaped "|", even inside code spans, so each cell's
 * remaining pipes are escaped here, the one place tables are built.
 */
function markdownTable(header, rows) {
    const line = (cells) => `| ${cells.map((cell) => cell.replace(/(?<!\\)\|/g, '\\|')).join(' | ')} |`;
    return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
/**
 * A link whose target came from a file or an API payload: only http(s) URLs, with the
 * characters that could end the link or start markup percent-encoded. Anything else is shown as
 * plain text, never followed.
 */
function markdownLink(label, url) {
    if (!url || !/^https?:\/\/[^\s]+$/i.test(url))
        return label;
    return `[${label}](${percentEncodeUnsafe(url)})`;
}
/** What a URL may hold as it is: RFC 3986's unreserved and reserved characters, less those that end a Markdown link or start markup. */
const URL_SAFE = /[A-Za-z0-9\-._~:/?#@!$&*+,;=]/;
/**
 * Percent-encodes every character a Markdown link target may not hold, leaving escapes already
 * in the URL alone (GitHub's release URLs carry the tag's "@" as %40; decoding and encoding
 * again, as encodeURI(decodeURI(url)) does, turns that into %2540).
 */
function percentEncodeUnsafe(url) {
    let out = '';
    for (let i = 0; i < url.length;) {
        const codePoint = url.codePointAt(i);
        const char = String.fromCodePoint(codePoint);
        i += char.length;
        if (URL_SAFE.test(char) || (char === '%' && /^[0-9A-Fa-f]{2}/.test(url.slice(i, i + 2))))
            out += char;
        else
            for (const byte of Buffer.from(char, 'utf8'))
                out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    return out;
}
/**
 * Text for a Mermaid label: Mermaid parses quotes, brackets, backticks, `%%` directives and
 * entity codes, and renders labels as HTML, so only a plain alphabet is kept.
 */
function mermaidLabel(text, maxLength = 24) {
    const plain = text.replace(/[^A-Za-z0-9 ._:=+\-/]/g, '_');
    return plain.length > maxLength ? `${plain.slice(0, maxLength - 1)}…` : plain;
}
/**
 * Control, invisible and bidirectional characters (C0 and C1 controls, soft hyphen, zero-width
 * and direction marks, line and paragraph separators, the BOM): in a log line, an annotation or
 * an error message they break the line, hide text or reorder it.
 */
const INVISIBLE = 
// eslint-disable-next-line no-control-regex -- matching control characters is the point
/[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'g');
function hasInvisible(text) {
    return INVISIBLE.test(text);
}
/** `text` with each invisible character written as an escape (`\n`, `\t`, `\u200b`). */
function escapeInvisible(text) {
    return text.replace(INVISIBLE_ALL, (char) => {
        const code = char.charCodeAt(0);
        return code === 0x0a
            ? '\\n'
            : code === 0x0d
                ? '\\r'
                : code === 0x09
                    ? '\\t'
                    : `\\u${code.toString(16).padStart(4, '0')}`;
    });
}


/***/ }),

/***/ 42613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 20181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 35317:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");

/***/ }),

/***/ 49140:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("constants");

/***/ }),

/***/ 76982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 24434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 79896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 91943:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs/promises");

/***/ }),

/***/ 58611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 65692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 73339:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("module");

/***/ }),

/***/ 69278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 34589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 16698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 37540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 77598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 53053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 40610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 78474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 73024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 51455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 37067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 32467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 44708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 98995:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:module");

/***/ }),

/***/ 77030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 48161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 76760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:process");

/***/ }),

/***/ 41792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 57075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 46193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:string_decoder");

/***/ }),

/***/ 41692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 73136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 57975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 73429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 75919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 38522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 70857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 16928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 13193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 53557:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers");

/***/ }),

/***/ 64756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 52018:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tty");

/***/ }),

/***/ 87016:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("url");

/***/ }),

/***/ 39023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 43106:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("zlib");

/***/ }),

/***/ 45586:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  YOg: () => (/* binding */ array),
  zMY: () => (/* binding */ schemas_boolean),
  gMt: () => (/* binding */ discriminatedUnion),
  k5n: () => (/* binding */ schemas_enum),
  euz: () => (/* binding */ literal),
  aig: () => (/* binding */ schemas_number),
  Ikc: () => (/* binding */ object),
  g1P: () => (/* binding */ record),
  rej: () => (/* binding */ strictObject),
  YjP: () => (/* binding */ schemas_string),
  PVZ: () => (/* binding */ tuple),
  L5J: () => (/* binding */ unknown)
});

// UNUSED EXPORTS: ZodAny, ZodArray, ZodBase64, ZodBase64URL, ZodBigInt, ZodBigIntFormat, ZodBoolean, ZodCIDRv4, ZodCIDRv6, ZodCUID, ZodCUID2, ZodCatch, ZodCodec, ZodCreditCard, ZodCustom, ZodCustomStringFormat, ZodDate, ZodDefault, ZodDiscriminatedUnion, ZodE164, ZodEmail, ZodEmoji, ZodEnum, ZodExactOptional, ZodFile, ZodFunction, ZodGUID, ZodIBAN, ZodIPv4, ZodIPv6, ZodISODate, ZodISODateTime, ZodISODuration, ZodISOTime, ZodInstanceOf, ZodIntersection, ZodJWT, ZodKSUID, ZodLazy, ZodLiteral, ZodMAC, ZodMap, ZodNaN, ZodNanoID, ZodNever, ZodNonOptional, ZodNull, ZodNullable, ZodNumber, ZodNumberFormat, ZodObject, ZodOptional, ZodPipe, ZodPrefault, ZodPreprocess, ZodPromise, ZodReadonly, ZodRecord, ZodSet, ZodString, ZodStringFormat, ZodSuccess, ZodSymbol, ZodTemplateLiteral, ZodTransform, ZodTuple, ZodType, ZodULID, ZodURL, ZodUUID, ZodUndefined, ZodUnion, ZodUnknown, ZodVoid, ZodXID, ZodXor, _ZodString, _default, _function, any, base64, base64url, bigint, catch, check, cidrv4, cidrv6, codec, creditCard, cuid, cuid2, currencyCode, custom, date, describe, e164, email, emoji, exactOptional, file, float32, float64, function, guid, hash, hex, hostname, httpUrl, iban, instanceof, int, int32, int64, intersection, invertCodec, ipv4, ipv6, json, jwt, keyof, ksuid, lazy, looseObject, looseRecord, mac, map, meta, nan, nanoid, nativeEnum, never, nonoptional, null, nullable, nullish, optional, partialRecord, pipe, prefault, preprocess, promise, readonly, refine, set, stringFormat, stringbool, success, superRefine, symbol, templateLiteral, transform, uint32, uint64, ulid, undefined, union, url, uuid, uuidv4, uuidv6, uuidv7, void, xid, xor

// EXTERNAL MODULE: ./node_modules/zod/v4/core/core.js
var core_core = __nccwpck_require__(88532);
// EXTERNAL MODULE: ./node_modules/zod/v4/core/util.js
var core_util = __nccwpck_require__(54723);
;// CONCATENATED MODULE: ./node_modules/zod/v4/core/memoizer.js

class $ZodCyclicError extends Error {
    constructor() {
        super(`Cannot parse a reference cycle that closes through a transform`);
        this.name = "ZodCyclicError";
    }
}
/** Keyed off the context object every schema in one parse call already shares. */
const STATE = "~memo";
const NO_ISSUES = [];
// a value a cycle can close through
function isRef(value) {
    return value !== null && typeof value === "object";
}
// Receivers prefix paths in place, so the cache and every hand-out need their own copies.
function cloneIssues(issues) {
    return issues.map((iss) => (iss.path ? { ...iss, path: iss.path.slice() } : { ...iss }));
}
const recursive = /*@__PURE__*/ new WeakMap();
/** What the walk established, in order of certainty: ordered so the strongest answer among children wins. */
const NONE = 0;
const ASSUMED = 1;
const PROVEN = 2;
/** Whether this schema's subtree contains a cycle, so one parse can re-enter it. */
function isRecursive(inst, stack, resolve) {
    const cached = recursive.get(inst);
    if (cached !== undefined)
        return cached ? PROVEN : NONE;
    // Relative to the walk in progress, so not cached.
    if (stack.has(inst))
        return PROVEN;
    stack.add(inst);
    let result = NONE;
    const check = (child) => {
        if (result !== PROVEN && child?._zod) {
            const answer = isRecursive(child, stack, resolve);
            if (answer > result)
                result = answer;
        }
    };
    // `Reflect.ownKeys` rather than `Object.keys`, so a cycle through a declared symbol key is still seen
    const shape = (sh, spread) => {
        let answer = NONE;
        for (const key of Reflect.ownKeys(sh)) {
            const desc = Object.getOwnPropertyDescriptor(sh, key);
            // an object resolves its shape by spread, so a key it does not enumerate is never parsed; `z.properties` reads every own key and so keeps them all
            if (spread && !desc.enumerable)
                continue;
            // resolving runs user code, and a factory mints a fresh subtree per read, so an edge the walk can't follow counts as a cycle
            const child = desc.get ? ASSUMED : desc.value?._zod ? isRecursive(desc.value, stack, resolve) : NONE;
            if (child > answer)
                answer = child;
        }
        return answer;
    };
    const merge = (answer) => {
        if (answer > result)
            result = answer;
    };
    const def = inst._zod.def;
    const kind = def.type;
    switch (kind) {
        case "object": {
            const raw = core_util/* rawShape */.MO(def);
            // a def with no raw shape answers `shape` from an accessor of its own, and running that can mint a whole fresh subtree
            merge(raw ? shape(raw, true) : ASSUMED);
            check(def.catchall);
            break;
        }
        case "array":
            check(def.element);
            break;
        case "tuple":
            for (const el of def.items)
                check(el);
            check(def.rest);
            break;
        case "record":
        case "map":
            check(def.keyType);
            check(def.valueType);
            break;
        case "set":
            check(def.valueType);
            break;
        case "union":
            for (const el of def.options)
                check(el);
            break;
        case "intersection":
            check(def.left);
            check(def.right);
            break;
        case "optional":
        case "nullable":
        case "default":
        case "prefault":
        case "catch":
        case "readonly":
        case "nonoptional":
        case "promise":
        case "success":
            check(def.innerType);
            break;
        case "pipe":
            check(def.in);
            check(def.out);
            break;
        case "function":
            check(def.input);
            check(def.output);
            break;
        // `$ZodLazy` caches its inner on the def, so a resolved edge is followed exactly
        case "lazy": {
            const inner = def._cachedInner ?? (resolve ? inst._zod.innerType : undefined);
            // walked with resolution off: one hop sees past the deferral, and a lazy that yields only another unresolved lazy is generative, so it stops there
            merge(inner ? isRecursive(inner, stack, false) : ASSUMED);
            break;
        }
        // a leaf by choice: `parts` are regex fragments, not data positions
        case "template_literal":
        // leaves
        case "string":
        case "number":
        case "int":
        case "boolean":
        case "bigint":
        case "symbol":
        case "undefined":
        case "null":
        case "void":
        case "never":
        case "any":
        case "unknown":
        case "date":
        case "nan":
        case "enum":
        case "literal":
        case "file":
        case "transform":
        case "custom":
            break;
        default: {
            // a new built-in kind becomes a compile error here
            kind;
            // a user-defined kind can still hold children, and only its author knows where, so fall back to scanning the def — skipping accessors, since reading one can run user code
            for (const key in def) {
                const desc = Object.getOwnPropertyDescriptor(def, key);
                if (!desc || desc.get)
                    continue;
                const value = desc.value;
                if (!value || typeof value !== "object")
                    continue;
                if (value._zod)
                    check(value);
                else if (Array.isArray(value))
                    for (const el of value)
                        check(el);
            }
        }
    }
    stack.delete(inst);
    return settle(inst, result);
}
/** An assumed answer must not outlive the resolution that settles it, so only a certain one is cached. */
function settle(inst, answer) {
    if (answer !== ASSUMED)
        recursive.set(inst, answer === PROVEN);
    return answer;
}
/**
 * Whether one parse can re-enter this schema, i.e. its subtree contains a cycle.
 * Exported for `z.compile`, which refuses to compile such a schema: cycle
 * breaking is driven from here off state keyed on the parse context, and a
 * generated fast path has no context to key on.
 */
function isRecursiveSchema(inst) {
    // z.compile never parses, so nothing would ever resolve a lazy for it; it runs once and already treats a throw here as recursive
    return isRecursive(inst, new Set(), true) !== NONE;
}
function bucketFor(state, inst) {
    let bucket = state.buckets.get(inst);
    if (!bucket) {
        bucket = new WeakMap();
        state.buckets.set(inst, bucket);
    }
    return bucket;
}
// Set immediately before delegating to core and cleared immediately after, so `alloc` registers only for a visit this module is driving.
let handoff;
// Allocated but unfinished entries. `alloc` and the matching pop both happen in the synchronous part of a parse, so they nest even when children are async, and one stack serves every schema.
const memoizer_open = [];
const memo = {
    alloc(_inst, payload, empty) {
        const bucket = handoff;
        if (!bucket)
            return empty;
        handoff = undefined;
        const entry = { value: empty, issues: null };
        bucket.set(payload.value, entry);
        memoizer_open.push(entry);
        return empty;
    },
    guard(inst) {
        var _a;
        (_a = inst._zod).deferred ?? (_a.deferred = []);
        inst._zod.deferred.push(() => {
            const base = inst._zod.parse;
            const wrapped = (payload, ctx) => {
                // The value is a placeholder a back-edge is still waiting on, so the cycle closes through this transform. Its output can't exist in time to bind.
                if (ctx.direction !== "backward" && isBackEdge(ctx, payload.value))
                    throw new $ZodCyclicError();
                return base(payload, ctx);
            };
            inst._zod.parse = wrapped;
            if (inst._zod.run === base)
                inst._zod.run = wrapped;
        });
    },
    attach(inst) {
        var _a;
        let isRecursiveInst;
        let rechecked = false;
        // a recursive schema is re-entered many times per parse and its bucket never changes
        let lastCtx;
        let lastBucket;
        // Wraps `parse` in a deferred so it sees the container's final parse. Core's own deferred copies `parse` into `run` when there are no checks, and it ran first, so `run` is patched to match; with checks, `run` reads `parse` dynamically.
        (_a = inst._zod).deferred ?? (_a.deferred = []);
        inst._zod.deferred.push(() => {
            const base = inst._zod.parse;
            const wrapped = (payload, ctx) => {
                if (isRecursiveInst === undefined) {
                    const walked = isRecursive(inst, new Set(), false);
                    if (walked === NONE) {
                        // Nothing here can ever fire, so take it back out.
                        inst._zod.parse = base;
                        if (inst._zod.run === wrapped)
                            inst._zod.run = base;
                        return base(payload, ctx);
                    }
                    // this parse resolves the deferred edges on its own path, so ask once more before latching
                    if (walked === PROVEN || rechecked)
                        isRecursiveInst = true;
                    else
                        rechecked = true;
                }
                const input = payload.value;
                if (!isRef(input))
                    return base(payload, ctx);
                let state = ctx[STATE];
                if (!state) {
                    state = { buckets: new WeakMap(), backEdges: undefined };
                    ctx[STATE] = state;
                }
                let bucket;
                if (lastCtx === ctx) {
                    bucket = lastBucket;
                }
                else {
                    bucket = bucketFor(state, inst);
                    lastCtx = ctx;
                    lastBucket = bucket;
                }
                const hit = bucket.get(input);
                if (hit) {
                    payload.value = hit.value;
                    if (hit.issues) {
                        if (hit.issues.length)
                            payload.issues.push(...cloneIssues(hit.issues));
                    }
                    else {
                        // Still being parsed: its own checks cover it, so skip them here.
                        payload.memo = true;
                        state.backEdges ?? (state.backEdges = new WeakSet());
                        state.backEdges.add(hit.value);
                    }
                    return payload;
                }
                handoff = bucket;
                const depth = memoizer_open.length;
                const result = base(payload, ctx);
                handoff = undefined;
                // A container that rejected its input outright allocated nothing.
                const entry = memoizer_open.length > depth ? memoizer_open.pop() : undefined;
                // Both paths written out so the sync one allocates no closure. It runs once per node, and capturing here cost more than everything else combined.
                if (result instanceof Promise) {
                    return result.then((r) => {
                        if (entry)
                            entry.issues = r.issues.length ? cloneIssues(r.issues) : NO_ISSUES;
                        return r;
                    });
                }
                if (entry)
                    entry.issues = result.issues.length ? cloneIssues(result.issues) : NO_ISSUES;
                return result;
            };
            inst._zod.parse = wrapped;
            if (inst._zod.run === base)
                inst._zod.run = wrapped;
        });
    },
};
/** The memoizer that gives containers cycle support. `zod` installs it by default; `zod/mini` opts in with `config({ memoizer: memoizer() })`. */
function memoizer() {
    return memo;
}
/** Whether this value is a node a back-edge resolved to before it finished. */
function isBackEdge(ctx, value) {
    const backEdges = ctx[STATE]?.backEdges;
    return backEdges !== undefined && isRef(value) && backEdges.has(value);
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/regexes.js

/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link cuid2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const cuid = /^[cC][0-9a-z]{6,}$/;
const cuid2 = /^[0-9a-z]+$/;
const ulid = /^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$/;
const xid = /^[0-9a-vA-V]{20}$/;
const ksuid = /^[A-Za-z0-9]{27}$/;
const nanoid = /^[a-zA-Z0-9_-]{21}$/;
function nanoidOfLength(length) {
    return new RegExp(`^[a-zA-Z0-9_-]{${length}}$`);
}
/** ISO 8601-1 duration regex. Does not support the 8601-2 extensions like negative durations or fractional/negative components. */
const duration = /^P(?:(\d+W)|(?!.*W)(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+([.,]\d+)?S)?)?)$/;
/** Implements ISO 8601-2 extensions like explicit +- prefixes, mixing weeks with other units, and fractional/negative components. */
const extendedDuration = /^[-+]?P(?!$)(?:(?:[-+]?\d+Y)|(?:[-+]?\d+[.,]\d+Y$))?(?:(?:[-+]?\d+M)|(?:[-+]?\d+[.,]\d+M$))?(?:(?:[-+]?\d+W)|(?:[-+]?\d+[.,]\d+W$))?(?:(?:[-+]?\d+D)|(?:[-+]?\d+[.,]\d+D$))?(?:T(?=[\d+-])(?:(?:[-+]?\d+H)|(?:[-+]?\d+[.,]\d+H$))?(?:(?:[-+]?\d+M)|(?:[-+]?\d+[.,]\d+M$))?(?:[-+]?\d+(?:[.,]\d+)?S)?)??$/;
/** A regex for any UUID-like identifier: 8-4-4-4-12 hex pattern */
const guid = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;
/** Returns a regex for validating an RFC 9562/4122 UUID.
 *
 * @param version Optionally specify a version 1-8. If no version is specified, all versions are supported. */
const uuid = (version) => {
    if (!version)
        return /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;
    return new RegExp(`^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-${version}[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12})$`);
};
const uuid4 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(4)));
const uuid6 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(6)));
const uuid7 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(7)));
/** Practical email validation */
const email = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;
/** Equivalent to the HTML5 input[type=email] validation implemented by browsers. Source: https://developer.mozilla.org/en-US/docs/Web/HTML/Element/input/email */
const html5Email = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
/** The classic emailregex.com regex for RFC 5322-compliant emails */
const rfc5322Email = /^(([^<>()\[\]\\.,;:\s@"]+(\.[^<>()\[\]\\.,;:\s@"]+)*)|(".+"))@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))$/;
/** A loose regex that allows Unicode characters, enforces length limits, and that's about it. */
const unicodeEmail = /^[^\s@"]{1,64}@[^\s@]{1,255}$/u;
const idnEmail = (/* unused pure expression or super */ null && (unicodeEmail));
const browserEmail = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
// from https://thekevinscott.com/emojis-in-javascript/#writing-a-regular-expression
// Single character class, not an alternation: the two properties overlap (U+1F9B0-U+1F9B3), so `(A|B)+` backtracks exponentially on a failed match. The leading lookahead then demands one anchor — a pictograph, a regional indicator, or the enclosing keycap — because `\p{Emoji_Component}` on its own covers ASCII digits, `#`, `*`, ZWJ, variation selectors and skin tone modifiers, none of which is an emoji without a base.
const _emoji = `^(?=[\\s\\S]*[\\p{Extended_Pictographic}\\p{Regional_Indicator}\\u20E3])[\\p{Extended_Pictographic}\\p{Emoji_Component}]+$`;
function emoji() {
    return new RegExp(_emoji, "u");
}
const ipv4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$/;
const ipv6 = /^(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:))$/;
const mac = (delimiter) => {
    const escapedDelim = util.escapeRegex(delimiter ?? ":");
    return new RegExp(`^(?:[0-9A-F]{2}${escapedDelim}){5}[0-9A-F]{2}$|^(?:[0-9a-f]{2}${escapedDelim}){5}[0-9a-f]{2}$`);
};
const cidrv4 = /^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\/([0-9]|[1-2][0-9]|3[0-2])$/;
const cidrv6 = /^(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:))\/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$/;
// https://stackoverflow.com/questions/7860392/determine-if-string-is-in-base64-using-javascript
const base64 = /^$|^(?:[0-9a-zA-Z+/]{4})*(?:(?:[0-9a-zA-Z+/]{2}==)|(?:[0-9a-zA-Z+/]{3}=))?$/;
const base64url = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$/;
// based on https://stackoverflow.com/questions/106179/regular-expression-to-match-dns-hostname-or-ip-address
// export const hostname: RegExp = /^([a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+$/;
const hostname = /^(?=.{1,253}\.?$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-0-9a-zA-Z]{0,61}[0-9a-zA-Z])?)*\.?$/;
const domain = /^(?=.{1,253}$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$/;
const httpProtocol = /^https?$/;
// https://blog.stevenlevithan.com/archives/validate-phone-number#r4-3 (regex sans spaces) E.164: leading digit must be 1-9; total digits (excluding '+') between 7-15
const e164 = /^\+[1-9]\d{6,14}$/;
// Credit card shape: 12–19 digits, optionally separated by single spaces or single hyphens. ISO/IEC 7812 caps the PAN at 19 digits; 12 is the shortest issued length (Maestro).
const creditCard = /^\d(?:[ -]?\d){11,18}$/;
// ISO 4217 alpha codes from the SIX list, regenerated by scripts/update-iso-4217.ts
const currencyCode = /^(?:AED|AFN|ALL|AMD|AOA|ARS|AUD|AWG|AZN|BAM|BBD|BDT|BHD|BIF|BMD|BND|BOB|BOV|BRL|BSD|BTN|BWP|BYN|BZD|CAD|CDF|CHE|CHF|CHW|CLF|CLP|CNY|COP|COU|CRC|CUP|CVE|CZK|DJF|DKK|DOP|DZD|EGP|ERN|ETB|EUR|FJD|FKP|GBP|GEL|GHS|GIP|GMD|GNF|GTQ|GYD|HKD|HNL|HTG|HUF|IDR|ILS|INR|IQD|IRR|ISK|JMD|JOD|JPY|KES|KGS|KHR|KMF|KPW|KRW|KWD|KYD|KZT|LAK|LBP|LKR|LRD|LSL|LYD|MAD|MDL|MGA|MKD|MMK|MNT|MOP|MRU|MUR|MVR|MWK|MXN|MXV|MYR|MZN|NAD|NGN|NIO|NOK|NPR|NZD|OMR|PAB|PEN|PGK|PHP|PKR|PLN|PYG|QAR|RON|RSD|RUB|RWF|SAR|SBD|SCR|SDG|SEK|SGD|SHP|SLE|SOS|SRD|SSP|STN|SVC|SYP|SZL|THB|TJS|TMT|TND|TOP|TRY|TTD|TWD|TZS|UAH|UGX|USD|USN|UYI|UYU|UYW|UZS|VED|VES|VND|VUV|WST|XAD|XAF|XAG|XAU|XBA|XBB|XBC|XBD|XCD|XCG|XDR|XOF|XPD|XPF|XPT|XSU|XTS|XUA|XXX|YER|ZAR|ZMW|ZWG)$/;
// iban electronic format: 2-letter country, check digits 02-98 (the only values `98 - remainder` can produce), 11-30 bban characters
const iban = /^[A-Z]{2}(?!00|01|99)\d{2}[A-Z0-9]{11,30}$/;
const dateSource = `(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))`;
/** Anchors a pattern source. The interpolation lives here rather than at the call site because
 * esbuild will not drop a `@__PURE__` call whose own argument interpolates a variable, but it
 * will drop `anchor(dateSource)`. Keeping it inline pinned `date` into every bundle. */
function regexes_anchor(source) {
    return new RegExp(`^${source}$`);
}
const date = /*@__PURE__*/ regexes_anchor(dateSource);
function timeSource(args) {
    const hhmm = `(?:[01]\\d|2[0-3]):[0-5]\\d`;
    const regex = typeof args.precision === "number"
        ? args.precision === -1
            ? `${hhmm}`
            : args.precision === 0
                ? `${hhmm}:[0-5]\\d`
                : `${hhmm}:[0-5]\\d\\.\\d{${args.precision}}`
        : args.seconds
            ? `${hhmm}:[0-5]\\d(?:\\.\\d+)?`
            : `${hhmm}(?::[0-5]\\d(?:\\.\\d+)?)?`;
    return regex;
}
function time(args) {
    return new RegExp(`^${timeSource(args)}$`);
}
// Adapted from https://stackoverflow.com/a/3143231
function datetime(args) {
    const opts = ["Z"];
    // if (args.offset) opts.push(`([+-]\\d{2}:\\d{2})`);
    if (args.offset)
        opts.push(`([+-](?:[01]\\d|2[0-3]):[0-5]\\d)`);
    // RFC 3339 mandates seconds wherever the time carries a `Z` or an offset, so only the unqualified form `local` adds may omit them
    const qualified = `${timeSource({ precision: args.precision, seconds: true })}(?:${opts.join("|")})`;
    const timeRegex = args.local ? `${qualified}|${timeSource({ precision: args.precision })}` : qualified;
    return new RegExp(`^${dateSource}T(?:${timeRegex})$`);
}
// the unbounded form of `string()` as a literal, so every plain string shares one instance instead of building its own
const anyString = /^[\s\S]{0,}$/;
const string = (params) => {
    const regex = params ? `[\\s\\S]{${params?.minimum ?? 0},${params?.maximum ?? ""}}` : `[\\s\\S]*`;
    return new RegExp(`^${regex}$`);
};
const bigint = /^-?\d+n?$/;
const integer = /^-?\d+$/;
const number = /^-?\d+(?:\.\d+)?$/;
const regexes_boolean = /^(?:true|false)$/i;
const _null = /^null$/i;

const _undefined = /^undefined$/i;

// regex for string with no uppercase letters
const lowercase = /^[^A-Z]*$/;
// regex for string with no lowercase letters
const uppercase = /^[^a-z]*$/;
// regex for hexadecimal strings (any length)
const hex = /^[0-9a-fA-F]*$/;
// Hash regexes for different algorithms and encodings
// Helper function to create base64 regex with exact length and padding
function fixedBase64(bodyLength, padding) {
    return new RegExp(`^[A-Za-z0-9+/]{${bodyLength}}${padding}$`);
}
// Helper function to create base64url regex with exact length (no padding)
function fixedBase64url(length) {
    return new RegExp(`^[A-Za-z0-9_-]{${length}}$`);
}
// MD5 (16 bytes): base64 = 24 chars total (22 + "==")
const md5_hex = /^[0-9a-fA-F]{32}$/;
const md5_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(22, "==")));
const md5_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(22)));
// SHA1 (20 bytes): base64 = 28 chars total (27 + "=")
const sha1_hex = /^[0-9a-fA-F]{40}$/;
const sha1_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(27, "=")));
const sha1_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(27)));
// SHA256 (32 bytes): base64 = 44 chars total (43 + "=")
const sha256_hex = /^[0-9a-fA-F]{64}$/;
const sha256_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(43, "=")));
const sha256_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(43)));
// SHA384 (48 bytes): base64 = 64 chars total (no padding)
const sha384_hex = /^[0-9a-fA-F]{96}$/;
const sha384_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(64, "")));
const sha384_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(64)));
// SHA512 (64 bytes): base64 = 88 chars total (86 + "==")
const sha512_hex = /^[0-9a-fA-F]{128}$/;
const sha512_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(86, "==")));
const sha512_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(86)));

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/checks.js
// import { $ZodType } from "./schemas.js";



const $ZodCheck = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheck", (inst, def) => {
    var _a;
    inst._zod ?? (inst._zod = {});
    inst._zod.def = def;
    (_a = inst._zod).onattach ?? (_a.onattach = []);
});
/** Default `when` for size-based checks: run only on non-nullish values with a `size`. */
const _whenHasSize = (payload) => {
    const val = payload.value;
    return !util.nullish(val) && val.size !== undefined;
};
/** Default `when` for length-based checks: run only on non-nullish values with a `length`. */
const _whenHasLength = (payload) => {
    const val = payload.value;
    return !core_util/* nullish */.cl(val) && val.length !== undefined;
};
const numericOriginMap = {
    number: "number",
    bigint: "bigint",
    object: "date",
};
const $ZodCheckLessThan = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckLessThan", (inst, def) => {
    $ZodCheck.init(inst, def);
    const origin = numericOriginMap[typeof def.value];
    inst._zod.check = (payload) => {
        if (def.inclusive ? payload.value <= def.value : payload.value < def.value) {
            return;
        }
        payload.issues.push({
            origin: numericOriginMap[typeof payload.value] ?? origin,
            code: "too_big",
            maximum: typeof def.value === "object" ? def.value.getTime() : def.value,
            input: payload.value,
            inclusive: def.inclusive,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckGreaterThan = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckGreaterThan", (inst, def) => {
    $ZodCheck.init(inst, def);
    const origin = numericOriginMap[typeof def.value];
    inst._zod.check = (payload) => {
        if (def.inclusive ? payload.value >= def.value : payload.value > def.value) {
            return;
        }
        payload.issues.push({
            origin: numericOriginMap[typeof payload.value] ?? origin,
            code: "too_small",
            minimum: typeof def.value === "object" ? def.value.getTime() : def.value,
            input: payload.value,
            inclusive: def.inclusive,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckMultipleOf = 
/*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckMultipleOf", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        if (typeof payload.value !== typeof def.value)
            throw new Error("Cannot mix number and bigint in multiple_of check.");
        const isMultiple = typeof payload.value === "bigint"
            ? // `value % 0n` throws, and nothing is a multiple of zero — the number branch already fails this way via NaN
                def.value !== BigInt(0) && payload.value % def.value === BigInt(0)
            : core_util/* floatSafeRemainder */.LG(payload.value, def.value) === 0;
        if (isMultiple)
            return;
        payload.issues.push({
            origin: typeof payload.value,
            code: "not_multiple_of",
            divisor: def.value,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckNumberFormat = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckNumberFormat", (inst, def) => {
    $ZodCheck.init(inst, def); // no format checks
    def.format = def.format || "float64";
    const isInt = def.format?.includes("int");
    const origin = isInt ? "int" : "number";
    const [minimum, maximum] = core_util/* NUMBER_FORMAT_RANGES */.zH[def.format];
    inst._zod.check = (payload) => {
        const input = payload.value;
        if (isInt) {
            if (!Number.isInteger(input)) {
                // invalid_format issue
                // payload.issues.push({
                //   expected: def.format,
                //   format: def.format,
                //   code: "invalid_format",
                //   input,
                //   inst,
                // });
                // invalid_type issue
                payload.issues.push({
                    expected: origin,
                    format: def.format,
                    code: "invalid_type",
                    continue: false,
                    input,
                    inst,
                });
                return;
                // not_multiple_of issue
                // payload.issues.push({
                //   code: "not_multiple_of",
                //   origin: "number",
                //   input,
                //   inst,
                //   divisor: 1,
                // });
            }
            if (!Number.isSafeInteger(input)) {
                if (input > 0) {
                    // too_big
                    payload.issues.push({
                        input,
                        code: "too_big",
                        maximum: Number.MAX_SAFE_INTEGER,
                        note: "Integers must be within the safe integer range.",
                        inst,
                        origin,
                        inclusive: true,
                        continue: !def.abort,
                    });
                }
                else {
                    // too_small
                    payload.issues.push({
                        input,
                        code: "too_small",
                        minimum: Number.MIN_SAFE_INTEGER,
                        note: "Integers must be within the safe integer range.",
                        inst,
                        origin,
                        inclusive: true,
                        continue: !def.abort,
                    });
                }
                return;
            }
        }
        if (input < minimum) {
            payload.issues.push({
                origin: "number",
                input,
                code: "too_small",
                minimum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
        if (input > maximum) {
            payload.issues.push({
                origin: "number",
                input,
                code: "too_big",
                maximum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
    };
});
const $ZodCheckBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckBigIntFormat", (inst, def) => {
    $ZodCheck.init(inst, def); // no format checks
    const [minimum, maximum] = util.BIGINT_FORMAT_RANGES[def.format];
    inst._zod.check = (payload) => {
        const input = payload.value;
        if (input < minimum) {
            payload.issues.push({
                origin: "bigint",
                input,
                code: "too_small",
                minimum: minimum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
        if (input > maximum) {
            payload.issues.push({
                origin: "bigint",
                input,
                code: "too_big",
                maximum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
    };
})));
const $ZodCheckMaxSize = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMaxSize", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size <= def.maximum)
            return;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            code: "too_big",
            maximum: def.maximum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckMinSize = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMinSize", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size >= def.minimum)
            return;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            code: "too_small",
            minimum: def.minimum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckSizeEquals = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckSizeEquals", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size === def.size)
            return;
        const tooBig = size > def.size;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            ...(tooBig ? { code: "too_big", maximum: def.size } : { code: "too_small", minimum: def.size }),
            inclusive: true,
            exact: true,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckMaxLength = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckMaxLength", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // Strings are measured in Unicode code points, not UTF-16 units. A code point is at most two units, so a string that already fits in units fits in code points; only an overflow has to be counted.
        const length = typeof input === "string" && units > def.maximum ? core_util/* codePointLength */.O7(input) : units;
        if (length <= def.maximum)
            return;
        const origin = core_util/* getLengthableOrigin */.Rc(input);
        payload.issues.push({
            origin,
            code: "too_big",
            maximum: def.maximum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckMinLength = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckMinLength", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // A code point is one or two UTF-16 units, so fewer units than the floor can never reach it and twice the floor always clears it. Only in between is the exact count in doubt.
        const length = typeof input === "string" && units >= def.minimum && units < def.minimum * 2
            ? core_util/* codePointLength */.O7(input)
            : units;
        if (length >= def.minimum)
            return;
        const origin = core_util/* getLengthableOrigin */.Rc(input);
        payload.issues.push({
            origin,
            code: "too_small",
            minimum: def.minimum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckLengthEquals = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckLengthEquals", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // A code point is one or two UTF-16 units, so outside `[length, length * 2]` units the target is missed either way — and missed in the same direction in both measures.
        const length = typeof input === "string" && units >= def.length && units <= def.length * 2
            ? core_util/* codePointLength */.O7(input)
            : units;
        if (length === def.length)
            return;
        const origin = core_util/* getLengthableOrigin */.Rc(input);
        const tooBig = length > def.length;
        payload.issues.push({
            origin,
            ...(tooBig ? { code: "too_big", maximum: def.length } : { code: "too_small", minimum: def.length }),
            inclusive: true,
            exact: true,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckStringFormat = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckStringFormat", (inst, def) => {
    var _a, _b;
    $ZodCheck.init(inst, def);
    if (def.pattern)
        (_a = inst._zod).check ?? (_a.check = (payload) => {
            def.pattern.lastIndex = 0;
            if (def.pattern.test(payload.value))
                return;
            payload.issues.push({
                origin: "string",
                code: "invalid_format",
                format: def.format,
                input: payload.value,
                ...(def.pattern ? { pattern: def.pattern.toString() } : {}),
                inst,
                continue: !def.abort,
            });
        });
    else
        (_b = inst._zod).check ?? (_b.check = () => { });
});
const $ZodCheckRegex = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckRegex", (inst, def) => {
    $ZodCheckStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        def.pattern.lastIndex = 0;
        if (def.pattern.test(payload.value))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "regex",
            input: payload.value,
            pattern: def.pattern.toString(),
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckLowerCase = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckLowerCase", (inst, def) => {
    def.pattern ?? (def.pattern = lowercase);
    $ZodCheckStringFormat.init(inst, def);
});
const $ZodCheckUpperCase = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckUpperCase", (inst, def) => {
    def.pattern ?? (def.pattern = uppercase);
    $ZodCheckStringFormat.init(inst, def);
});
const $ZodCheckIncludes = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckIncludes", (inst, def) => {
    $ZodCheck.init(inst, def);
    const escapedRegex = core_util/* escapeRegex */.sD(def.includes);
    // `String.prototype.includes(sub, position)` matches `sub` at `position`
    // OR LATER, so the pattern must allow at least `position` leading chars
    // (`{N,}`), not exactly `position` chars (`{N}`).
    const pattern = new RegExp(typeof def.position === "number" ? `^.{${def.position},}${escapedRegex}` : escapedRegex);
    def.pattern = pattern;
    inst._zod.check = (payload) => {
        if (payload.value.includes(def.includes, def.position))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "includes",
            includes: def.includes,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckStartsWith = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckStartsWith", (inst, def) => {
    $ZodCheck.init(inst, def);
    const pattern = new RegExp(`^${core_util/* escapeRegex */.sD(def.prefix)}.*`);
    def.pattern ?? (def.pattern = pattern);
    inst._zod.check = (payload) => {
        if (payload.value.startsWith(def.prefix))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "starts_with",
            prefix: def.prefix,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckEndsWith = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckEndsWith", (inst, def) => {
    $ZodCheck.init(inst, def);
    const pattern = new RegExp(`.*${core_util/* escapeRegex */.sD(def.suffix)}$`);
    def.pattern ?? (def.pattern = pattern);
    inst._zod.check = (payload) => {
        if (payload.value.endsWith(def.suffix))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "ends_with",
            suffix: def.suffix,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
///////////////////////////////////
/////    $ZodCheckProperty    /////
///////////////////////////////////
function handleCheckPropertyResult(result, payload, property) {
    if (result.issues.length) {
        payload.issues.push(...core_util/* prefixIssues */.lQ(property, result.issues));
    }
}
const $ZodCheckProperty = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckProperty", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        const result = def.schema._zod.run({
            value: payload.value[def.property],
            issues: [],
        }, {});
        if (result instanceof Promise) {
            return result.then((result) => handleCheckPropertyResult(result, payload, def.property));
        }
        handleCheckPropertyResult(result, payload, def.property);
        return;
    };
})));
const $ZodCheckProperties = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckProperties", (inst, def) => {
    $ZodCheck.init(inst, def);
    core_util/* hide */.jD(inst, Symbol.iterator, function* () {
        yield inst;
    });
    // key and schema snapshotted together: reading one live and the other cached lets a later mutation of the caller's shape object pair a stale key with a missing schema
    let entries;
    inst._zod.check = (payload) => {
        // the base schema already typed the value, so only a nullish one is rejected here: the properties read on a primitive too, matching z.property() on a string's length
        if (payload.value == null) {
            payload.issues.push({ expected: "object", code: "invalid_type", input: payload.value, inst });
            return undefined;
        }
        entries ?? (entries = Reflect.ownKeys(def.shape).map((key) => [key, def.shape[key]]));
        const input = payload.value;
        let proms;
        for (const [key, schema] of entries) {
            const result = schema._zod.run({ value: input[key], issues: [] }, {});
            if (result instanceof Promise) {
                proms ?? (proms = []);
                proms.push(result.then((result) => handleCheckPropertyResult(result, payload, key)));
            }
            else {
                handleCheckPropertyResult(result, payload, key);
            }
        }
        if (proms)
            return Promise.all(proms).then(() => undefined);
        return undefined;
    };
});
const $ZodCheckMimeType = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMimeType", (inst, def) => {
    $ZodCheck.init(inst, def);
    const mimeSet = new Set(def.mime);
    inst._zod.check = (payload) => {
        if (mimeSet.has(payload.value.type))
            return;
        payload.issues.push({
            code: "invalid_value",
            values: def.mime,
            input: payload.value.type,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckOverwrite = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckOverwrite", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        payload.value = def.tx(payload.value);
    };
});

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/doc.js
class Doc {
    constructor(args = [], closed = {}) {
        this.content = [];
        this.indent = 0;
        this.args = args;
        this.closed = closed;
    }
    // the compiler catches a child's throw and keeps writing into this doc, so the indent has to unwind with it
    indented(fn) {
        this.indent += 1;
        try {
            fn(this);
        }
        finally {
            this.indent -= 1;
        }
    }
    write(arg) {
        if (typeof arg === "function") {
            arg(this, { execution: "sync" });
            arg(this, { execution: "async" });
            return;
        }
        const content = arg;
        const lines = content.split("\n").filter((x) => x);
        const minIndent = Math.min(...lines.map((x) => x.length - x.trimStart().length));
        const dedented = lines.map((x) => x.slice(minIndent)).map((x) => " ".repeat(this.indent * 2) + x);
        for (const line of dedented) {
            this.content.push(line);
        }
    }
    compile() {
        const F = Function;
        const content = this?.content ?? [``];
        const factory = new F(...Object.keys(this.closed), `return function (${this.args.join(", ")}) {\n${content.join("\n")}\n};`);
        return factory(...Object.values(this.closed));
    }
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/versions.js
const version = {
    major: 4,
    minor: 6,
    patch: 7,
};

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/schemas.js







const $ZodType = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodType", (inst, def) => {
    var _a;
    inst ?? (inst = {});
    inst._zod.def = def; // set _def property
    inst._zod.bag = inst._zod.bag || {}; // initialize _bag object
    inst._zod.version = version;
    const defChecks = inst._zod.def.checks;
    // if inst is itself a checks.$ZodCheck, run it as a check
    const checks = inst._zod.traits.has("$ZodCheck")
        ? [inst, ...(defChecks ?? [])]
        : defChecks?.length
            ? [...defChecks]
            : [];
    for (const ch of checks) {
        for (const fn of ch._zod.onattach) {
            fn(inst);
        }
    }
    if (checks.length === 0) {
        // deferred initializer inst._zod.parse is not yet defined
        (_a = inst._zod).deferred ?? (_a.deferred = []);
        inst._zod.deferred?.push(() => {
            inst._zod.run = inst._zod.parse;
        });
    }
    else {
        const runChecks = (payload, checks, ctx) => {
            if (payload.memo)
                return payload;
            let isAborted = core_util/* aborted */.QH(payload);
            let asyncResult;
            for (const ch of checks) {
                if (ch._zod.def.when) {
                    if (core_util/* explicitlyAborted */.rL(payload))
                        continue;
                    const shouldRun = ch._zod.def.when(payload);
                    if (!shouldRun)
                        continue;
                }
                else if (isAborted) {
                    continue;
                }
                const currLen = payload.issues.length;
                const _ = ch._zod.check(payload);
                if (_ instanceof Promise && ctx?.async === false) {
                    throw new core_core/* $ZodAsyncError */.GT();
                }
                if (asyncResult || _ instanceof Promise) {
                    asyncResult = (asyncResult ?? Promise.resolve()).then(async () => {
                        await _;
                        const nextLen = payload.issues.length;
                        if (nextLen === currLen)
                            return;
                        core_util/* attachSchema */.d3(payload.issues, currLen, inst);
                        if (!isAborted)
                            isAborted = core_util/* aborted */.QH(payload, currLen);
                    });
                }
                else {
                    const nextLen = payload.issues.length;
                    if (nextLen === currLen)
                        continue;
                    core_util/* attachSchema */.d3(payload.issues, currLen, inst);
                    if (!isAborted)
                        isAborted = core_util/* aborted */.QH(payload, currLen);
                }
            }
            if (asyncResult) {
                return asyncResult.then(() => {
                    return payload;
                });
            }
            return payload;
        };
        const handleCanaryResult = (canary, payload, ctx) => {
            // abort if the canary is aborted
            if (core_util/* aborted */.QH(canary)) {
                canary.aborted = true;
                return canary;
            }
            // run checks first, then
            const checkResult = runChecks(payload, checks, ctx);
            if (checkResult instanceof Promise) {
                if (ctx.async === false)
                    throw new core_core/* $ZodAsyncError */.GT();
                return checkResult.then((checkResult) => inst._zod.parse(checkResult, ctx));
            }
            return inst._zod.parse(checkResult, ctx);
        };
        inst._zod.run = (payload, ctx) => {
            if (ctx.skipChecks) {
                return inst._zod.parse(payload, ctx);
            }
            if (ctx.direction === "backward") {
                // run canary initial pass (no checks)
                const canary = inst._zod.parse({ value: payload.value, issues: [] }, { ...ctx, skipChecks: true });
                if (canary instanceof Promise) {
                    return canary.then((canary) => {
                        return handleCanaryResult(canary, payload, ctx);
                    });
                }
                return handleCanaryResult(canary, payload, ctx);
            }
            // forward
            const result = inst._zod.parse(payload, ctx);
            if (result instanceof Promise) {
                if (ctx.async === false)
                    throw new core_core/* $ZodAsyncError */.GT();
                return result.then((result) => runChecks(result, checks, ctx));
            }
            return runChecks(result, checks, ctx);
        };
    }
}, {
    // Wrappers extend this by installing a richer factory over it; reading it eagerly would defeat the laziness.
    get "~standard"() {
        return core_util/* hide */.jD(this, "~standard", standardProps(this));
    },
    set "~standard"(value) {
        core_util/* own */.qh(this, "~standard", value);
    },
});
/** The Standard Schema surface for `inst`. Shared so wrappers can extend it without forcing it. */
// a Standard Schema result only reports issues, so a failure finalizes them straight off the raw payload: no ZodError, and no lazy result to read through
const toStandardResult = (r, ctx) => r.issues.length ? { issues: r.issues.map((iss) => core_util/* finalizeIssue */.iR(iss, ctx, core_core/* config */.$W())) } : { value: r.value };
async function validateAsync(inst, value) {
    const ctx = { async: true };
    return toStandardResult((await inst._zod.run({ value, issues: [] }, ctx)), ctx);
}
function standardProps(inst) {
    return {
        validate: (value) => {
            const ctx = { async: false };
            try {
                const r = inst._zod.run({ value, issues: [] }, ctx);
                if (!(r instanceof Promise))
                    return toStandardResult(r, ctx);
            }
            catch (_) { }
            // async function so a synchronously throwing check rejects instead of escaping validate
            return validateAsync(inst, value);
        },
        vendor: "zod",
        version: 1,
    };
}

const $ZodString = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodString", (inst, def) => {
    $ZodType.init(inst, def);
    // a format's own pattern, else unbounded; a template literal derives the check-aware form itself
    inst._zod.pattern = def.pattern ?? anyString;
    inst._zod.parse = (payload, _) => {
        if (def.coerce)
            try {
                payload.value = String(payload.value);
            }
            catch (_) { }
        if (typeof payload.value === "string")
            return payload;
        payload.issues.push({
            expected: "string",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
});
const $ZodStringFormat = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodStringFormat", (inst, def) => {
    // check initialization must come first
    $ZodCheckStringFormat.init(inst, def);
    $ZodString.init(inst, def);
});
const $ZodGUID = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodGUID", (inst, def) => {
    def.pattern ?? (def.pattern = guid);
    $ZodStringFormat.init(inst, def);
});
const $ZodUUID = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodUUID", (inst, def) => {
    if (def.version) {
        const versionMap = {
            v1: 1,
            v2: 2,
            v3: 3,
            v4: 4,
            v5: 5,
            v6: 6,
            v7: 7,
            v8: 8,
        };
        const v = versionMap[def.version];
        if (v === undefined)
            throw new Error(`Invalid UUID version: "${def.version}"`);
        def.pattern ?? (def.pattern = uuid(v));
    }
    else
        def.pattern ?? (def.pattern = uuid());
    $ZodStringFormat.init(inst, def);
});
const $ZodEmail = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodEmail", (inst, def) => {
    def.pattern ?? (def.pattern = email);
    $ZodStringFormat.init(inst, def);
});
/** The `://` guard rejected the input before the URL constructor saw it. */
const URL_BAD_FORMAT = 1;
/** The URL parser rejected the input. */
const URL_UNPARSEABLE = 2;
function canParseURL(input) {
    try {
        if (typeof URL !== "undefined" && typeof URL.canParse === "function")
            return URL.canParse(input);
        new URL(input);
        return true;
    }
    catch {
        return false;
    }
}
function validateURL(trimmed, def) {
    if (!("normalize" in def) && !("hostname" in def) && !("protocol" in def)) {
        return canParseURL(trimmed) || URL_UNPARSEABLE;
    }
    return parseURLObject(trimmed, def);
}
/** Parses a URL while preserving the non-normalizing HTTP guard. */
function parseURLObject(trimmed, def) {
    // When normalize is off, require :// for http/https URLs. This prevents strings like "http:example.com" or "https:/path" from being silently accepted
    if (!def.normalize && def.protocol?.source === httpProtocol.source && !/^https?:\/\//i.test(trimmed)) {
        return URL_BAD_FORMAT;
    }
    try {
        if (typeof URL !== "undefined") {
            const URLStatic = URL;
            if (typeof URLStatic.parse === "function")
                return URLStatic.parse(trimmed) ?? URL_UNPARSEABLE;
        }
        // @ts-ignore
        return new URL(trimmed);
    }
    catch {
        return URL_UNPARSEABLE;
    }
}
const asciiTabOrNewline = /[\t\n\r]/g;
/** The URL parser deletes every ASCII tab, LF and CR from its input before it parses, so `new URL("https://exa\nmple.com")` reports on `example.com`. Applying the same deletion to the returned value closes the half of that divergence which can move the host; the parser's other rewrite, stripping C0 controls at the edges, cannot. */
function stripTabAndNewline(value) {
    return value.replace(asciiTabOrNewline, "");
}
function urlHostnameOk(url, hostname) {
    hostname.lastIndex = 0;
    return hostname.test(url.hostname);
}
function urlProtocolOk(url, protocol) {
    protocol.lastIndex = 0;
    return protocol.test(url.protocol.endsWith(":") ? url.protocol.slice(0, -1) : url.protocol);
}
const $ZodURL = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodURL", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        try {
            // Trim whitespace from input
            const trimmed = payload.value.trim();
            const url = validateURL(trimmed, def);
            if (url === URL_BAD_FORMAT) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid URL format",
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
                return;
            }
            if (url === URL_UNPARSEABLE) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
                return;
            }
            if (url === true) {
                payload.value = stripTabAndNewline(trimmed);
                return;
            }
            if (def.hostname && !urlHostnameOk(url, def.hostname)) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid hostname",
                    pattern: def.hostname.source,
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
            }
            if (def.protocol && !urlProtocolOk(url, def.protocol)) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid protocol",
                    pattern: def.protocol.source,
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
            }
            // Set the output value based on normalize flag
            payload.value = def.normalize ? url.href : stripTabAndNewline(trimmed);
            return;
        }
        catch (_) {
            payload.issues.push({
                code: "invalid_format",
                format: "url",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
});
const $ZodEmoji = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodEmoji", (inst, def) => {
    def.pattern ?? (def.pattern = emoji());
    $ZodStringFormat.init(inst, def);
});
const $ZodNanoID = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodNanoID", (inst, def) => {
    if (def.length !== undefined && (!Number.isInteger(def.length) || def.length < 1))
        throw new Error(`Invalid nanoid length: ${def.length}`);
    def.pattern ?? (def.pattern = def.length === undefined ? nanoid : nanoidOfLength(def.length));
    $ZodStringFormat.init(inst, def);
});
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link $ZodCUID2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const $ZodCUID = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCUID", (inst, def) => {
    def.pattern ?? (def.pattern = cuid);
    $ZodStringFormat.init(inst, def);
});
const $ZodCUID2 = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCUID2", (inst, def) => {
    def.pattern ?? (def.pattern = cuid2);
    $ZodStringFormat.init(inst, def);
});
const $ZodULID = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodULID", (inst, def) => {
    def.pattern ?? (def.pattern = ulid);
    $ZodStringFormat.init(inst, def);
});
const $ZodXID = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodXID", (inst, def) => {
    def.pattern ?? (def.pattern = xid);
    $ZodStringFormat.init(inst, def);
});
const $ZodKSUID = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodKSUID", (inst, def) => {
    def.pattern ?? (def.pattern = ksuid);
    $ZodStringFormat.init(inst, def);
});
const $ZodISODateTime = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodISODateTime", (inst, def) => {
    def.pattern ?? (def.pattern = datetime(def));
    $ZodStringFormat.init(inst, def);
});
const $ZodISODate = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodISODate", (inst, def) => {
    def.pattern ?? (def.pattern = date);
    $ZodStringFormat.init(inst, def);
});
const $ZodISOTime = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodISOTime", (inst, def) => {
    def.pattern ?? (def.pattern = time(def));
    $ZodStringFormat.init(inst, def);
});
const $ZodISODuration = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodISODuration", (inst, def) => {
    def.pattern ?? (def.pattern = duration);
    $ZodStringFormat.init(inst, def);
});
const $ZodIPv4 = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodIPv4", (inst, def) => {
    def.pattern ?? (def.pattern = ipv4);
    $ZodStringFormat.init(inst, def);
});
/** An IPv6 address is written with hex digits, colons and dots, and nothing else. The guard is what makes the check below an IPv6 check: `new URL("http://[...]")` parses an authority, not an address, so `@` and `\` re-delimit it and `"::@1\\"` validates against the host `0.0.0.1`. The URL parser also deletes ASCII tab, LF and CR rather than failing, which is how `"::1\n"` validated as `::1`. */
const ipv6Alphabet = /^[0-9a-fA-F:.]+$/;
function isValidIPv6(value) {
    if (!ipv6Alphabet.test(value))
        return false;
    return canParseURL(`http://[${value}]`);
}
const $ZodIPv6 = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodIPv6", (inst, def) => {
    def.pattern ?? (def.pattern = ipv6);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (!isValidIPv6(payload.value)) {
            payload.issues.push({
                code: "invalid_format",
                format: "ipv6",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
});
const $ZodMAC = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodMAC", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.mac(def.delimiter));
    $ZodStringFormat.init(inst, def);
})));
const $ZodCIDRv4 = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCIDRv4", (inst, def) => {
    def.pattern ?? (def.pattern = cidrv4);
    $ZodStringFormat.init(inst, def);
});
function isValidCIDRv6(value) {
    const parts = value.split("/");
    if (parts.length !== 2)
        return false;
    const [address, prefix] = parts;
    if (!prefix)
        return false;
    const prefixNum = Number(prefix);
    if (`${prefixNum}` !== prefix)
        return false;
    if (prefixNum < 0 || prefixNum > 128)
        return false;
    return isValidIPv6(address);
}
const $ZodCIDRv6 = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCIDRv6", (inst, def) => {
    def.pattern ?? (def.pattern = cidrv6); // not used for validation
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (!isValidCIDRv6(payload.value)) {
            payload.issues.push({
                code: "invalid_format",
                format: "cidrv6",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
});
//////////////////////////////   ZodBase64   //////////////////////////////
function isValidBase64(data) {
    if (data === "")
        return true;
    // atob ignores whitespace, so reject it up front.
    if (/\s/.test(data))
        return false;
    if (data.length % 4 !== 0)
        return false;
    try {
        // @ts-ignore
        atob(data);
        return true;
    }
    catch {
        return false;
    }
}
// lax on purpose: the quantified regexes.base64 overflows the regex stack on multi-MB input and its leading ^$| alternation leaks through template-literal composition; isValidBase64 enforces length and padding
const base64Charset = /^[0-9a-zA-Z+/]*={0,2}$/;
const $ZodBase64 = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodBase64", (inst, def) => {
    def.pattern ?? (def.pattern = base64Charset);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidBase64(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "base64",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
//////////////////////////////   ZodBase64URL   //////////////////////////////
// lax on purpose: the quantified regexes.base64url overflows the regex stack on multi-MB input; isValidBase64 enforces length on the padded string
const base64urlCharset = /^[A-Za-z0-9_-]*$/;
function isValidBase64URL(data) {
    if (!base64urlCharset.test(data))
        return false;
    const base64 = data.replace(/[-_]/g, (c) => (c === "-" ? "+" : "/"));
    const padded = base64.padEnd(Math.ceil(base64.length / 4) * 4, "=");
    return isValidBase64(padded);
}
const $ZodBase64URL = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodBase64URL", (inst, def) => {
    def.pattern ?? (def.pattern = base64urlCharset);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidBase64URL(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "base64url",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodE164 = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodE164", (inst, def) => {
    def.pattern ?? (def.pattern = e164);
    $ZodStringFormat.init(inst, def);
});
//////////////////////////////   ZodCreditCard   //////////////////////////////
const CC_SANITIZE = /[- ]/g;
/** Luhn checksum on a digit-only string. Adapted from valibot (MIT). */
function isLuhnAlgo(digits) {
    let length = digits.length;
    let bit = 1;
    let sum = 0;
    while (length) {
        const value = digits.charCodeAt(--length) - 48;
        bit ^= 1;
        sum += bit ? [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][value] : value;
    }
    return sum % 10 === 0;
}
function isValidCreditCard(input) {
    if (!regexes.creditCard.test(input))
        return false;
    return isLuhnAlgo(input.replace(CC_SANITIZE, ""));
}
const $ZodCreditCard = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCreditCard", (inst, def) => {
    // Shape only — the Luhn check below is not expressible as a pattern, so consumers of `pattern` (JSON Schema, template literals) get the length and separator rules alone.
    def.pattern ?? (def.pattern = regexes.creditCard);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidCreditCard(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "credit_card",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
//////////////////////////////   ZodIBAN   //////////////////////////////
// iso 7064 mod 97-10 checksum without BigInt
function isIso7064Mod97(iban) {
    let remainder = 0;
    const len = iban.length;
    for (let i = 4; i < len; i++) {
        const code = iban.charCodeAt(i);
        remainder = (code >= 65 ? remainder * 100 + (code - 55) : remainder * 10 + (code - 48)) % 97;
    }
    for (let i = 0; i < 4; i++) {
        const code = iban.charCodeAt(i);
        remainder = (code >= 65 ? remainder * 100 + (code - 55) : remainder * 10 + (code - 48)) % 97;
    }
    return remainder === 1;
}
function isValidIBAN(input) {
    if (!regexes.iban.test(input))
        return false;
    return isIso7064Mod97(input);
}
const $ZodIBAN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodIBAN", (inst, def) => {
    // shape only — checksum is not expressible as a pattern
    def.pattern ?? (def.pattern = regexes.iban);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidIBAN(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "iban",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
//////////////////////////////   ZodJWT   //////////////////////////////
function isValidJWT(token, algorithm = null) {
    try {
        const tokensParts = token.split(".");
        if (tokensParts.length !== 3)
            return false;
        const [header] = tokensParts;
        if (!header)
            return false;
        // @ts-ignore
        const parsedHeader = JSON.parse(atob(header));
        if ("typ" in parsedHeader && parsedHeader?.typ !== "JWT")
            return false;
        if (!parsedHeader.alg)
            return false;
        if (algorithm && (!("alg" in parsedHeader) || parsedHeader.alg !== algorithm))
            return false;
        return true;
    }
    catch {
        return false;
    }
}
const $ZodJWT = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodJWT", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidJWT(payload.value, def.alg))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "jwt",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCustomStringFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCustomStringFormat", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (def.fn(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: def.format,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodNumber = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodNumber", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = number;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = Number(payload.value);
            }
            catch (_) { }
        const input = payload.value;
        if (typeof input === "number" && !Number.isNaN(input) && Number.isFinite(input)) {
            return payload;
        }
        const received = typeof input === "number"
            ? Number.isNaN(input)
                ? "NaN"
                : !Number.isFinite(input)
                    ? String(input)
                    : undefined
            : undefined;
        payload.issues.push({
            expected: "number",
            code: "invalid_type",
            input,
            inst,
            ...(received ? { received } : {}),
        });
        return payload;
    };
});
const $ZodNumberFormat = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodNumberFormat", (inst, def) => {
    $ZodCheckNumberFormat.init(inst, def);
    $ZodNumber.init(inst, def); // no format checks
});
const $ZodBoolean = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodBoolean", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes_boolean;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = Boolean(payload.value);
            }
            catch (_) { }
        const input = payload.value;
        if (typeof input === "boolean")
            return payload;
        payload.issues.push({
            expected: "boolean",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
});
const $ZodBigInt = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodBigInt", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = bigint;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = BigInt(payload.value);
            }
            catch (_) { }
        if (typeof payload.value === "bigint")
            return payload;
        payload.issues.push({
            expected: "bigint",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
});
const $ZodBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodBigIntFormat", (inst, def) => {
    checks.$ZodCheckBigIntFormat.init(inst, def);
    $ZodBigInt.init(inst, def); // no format checks
})));
const $ZodSymbol = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSymbol", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "symbol")
            return payload;
        payload.issues.push({
            expected: "symbol",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodUndefined = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodUndefined", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes.undefined;
    inst._zod.values = new Set([undefined]);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "undefined")
            return payload;
        payload.issues.push({
            expected: "undefined",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodNull = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodNull", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes.null;
    inst._zod.values = new Set([null]);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (input === null)
            return payload;
        payload.issues.push({
            expected: "null",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodAny = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodAny", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload) => payload;
})));
const $ZodUnknown = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodUnknown", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload) => payload;
});
const $ZodNever = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodNever", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        payload.issues.push({
            expected: "never",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
});
const $ZodVoid = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodVoid", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "undefined")
            return payload;
        payload.issues.push({
            expected: "void",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodDate = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodDate", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce) {
            try {
                payload.value = new Date(payload.value);
            }
            catch (_err) { }
        }
        const input = payload.value;
        const isDate = input instanceof Date;
        const isValidDate = isDate && !Number.isNaN(input.getTime());
        if (isValidDate)
            return payload;
        payload.issues.push({
            expected: "date",
            code: "invalid_type",
            input,
            ...(isDate ? { received: "Invalid Date" } : {}),
            inst,
        });
        return payload;
    };
});
// an oversized container fails its leading size checks before any element is parsed
function capSize(inst, size) {
    const caps = core_util/* sizeCaps */.hi(inst._zod.def.checks);
    if (!caps.length)
        return;
    const cap = Math.min(...caps.map((c) => c[0]));
    const parse = inst._zod.parse;
    inst._zod.parse = (payload, ctx) => {
        const n = size(payload.value);
        if (n > cap && !ctx?.skipChecks && ctx?.direction !== "backward") {
            for (const [max, ch] of core_util/* sizeCaps */.hi(inst._zod.def.checks)) {
                if (n > max && ch._zod.def.when(payload)) {
                    const start = payload.issues.length;
                    ch._zod.check(payload);
                    // the value is still the raw input, so no later check may read it
                    payload.issues[start].continue = false;
                    core_util/* attachSchema */.d3(payload.issues, start, inst);
                    return payload;
                }
            }
        }
        return parse(payload, ctx);
    };
}
const arraySize = (input) => (Array.isArray(input) ? input.length : -1);
const mapSize = (input) => (input instanceof Map ? input.size : -1);
const setSize = (input) => (input instanceof Set ? input.size : -1);
function handleArrayResult(result, final, index) {
    if (result.issues.length) {
        final.issues.push(...core_util/* prefixIssues */.lQ(index, result.issues));
    }
    final.value[index] = result.value;
}
const $ZodArray = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodArray", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core_core/* globalConfig */.cr.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!Array.isArray(input)) {
            payload.issues.push({
                expected: "array",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, Array(input.length), ctx) : Array(input.length);
        const proms = [];
        const abortEarly = ctx?.abortEarly;
        for (let i = 0; i < input.length; i++) {
            const item = input[i];
            const result = def.element._zod.run({
                value: item,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                proms.push(result.then((result) => handleArrayResult(result, payload, i)));
            }
            else {
                handleArrayResult(result, payload, i);
                // the element's payload is authoritative here, since handleArrayResult forwards every issue; an object's is not, because it drops a failed absent optional
                if (abortEarly && result.issues.length !== 0 && core_util/* aborted */.QH(result))
                    break;
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => payload);
        }
        return payload; //handleArrayResultsAsync(parseResults, final);
    };
    capSize(inst, arraySize);
});
function handlePropertyResult(result, final, key, input, optin, optout) {
    const isPresent = key in input;
    const isOptionalOut = optout === "optional";
    // The middle rung means "absence permitted, nothing supplied in its place", so an absent key contributes nothing — whatever the schema made of `undefined` is invented, not substituted. Only `optional` reaches this with a value: `defaulted` substitutes, and a schema that isn't optional-out has to keep the key.
    if (!isPresent && isOptionalOut && optin === "optional") {
        return;
    }
    if (result.issues.length) {
        // For optional-in/out schemas, ignore errors on absent keys.
        if (optin !== undefined && isOptionalOut && !isPresent) {
            return;
        }
        final.issues.push(...core_util/* prefixIssues */.lQ(key, result.issues));
    }
    if (!isPresent && optin === undefined) {
        if (!result.issues.length) {
            final.issues.push({
                code: "invalid_type",
                expected: "nonoptional",
                input: undefined,
                path: [key],
            });
        }
        return;
    }
    if (result.value === undefined) {
        if (isPresent || (optin === "defaulted" && !isOptionalOut)) {
            final.value[key] = undefined;
        }
    }
    else {
        final.value[key] = result.value;
    }
}
// one shared instance; a fresh [] per schema cost 56 bytes retained
const NO_SYMBOL_KEYS = [];
function normalizeDef(def) {
    const keys = Object.keys(def.shape);
    const ownSymbols = Object.getOwnPropertySymbols(def.shape);
    const symbolKeys = ownSymbols.length ? ownSymbols : NO_SYMBOL_KEYS;
    // aliases `keys` when there are no symbols, so a string-only shape keeps one array
    const allKeys = symbolKeys.length ? [...keys, ...symbolKeys] : keys;
    for (const k of allKeys) {
        if (!def.shape?.[k]?._zod?.traits?.has("$ZodType")) {
            throw new Error(`Invalid element at key "${String(k)}": expected a Zod schema`);
        }
    }
    const okeys = core_util/* optionalKeys */.NM(def.shape);
    return {
        ...def,
        allKeys,
        symbolKeys,
        // string-only: handleCatchall matches it against `for...in`, which never yields a symbol
        keySet: new Set(keys),
        numKeys: keys.length,
        optionalKeys: new Set(okeys),
    };
}
function handleCatchall(proms, input, payload, ctx, def, inst, abortEarly) {
    const unrecognized = [];
    const keySet = def.keySet;
    const _catchall = def.catchall._zod;
    const t = _catchall.def.type;
    const optin = _catchall.optin;
    const optout = _catchall.optout;
    // starts at 0, not the current length: the shape phase already ran and may have aborted
    let seen = 0;
    for (const key in input) {
        if (abortEarly && payload.issues.length !== seen) {
            if (core_util/* aborted */.QH(payload, seen))
                break;
            seen = payload.issues.length;
        }
        // Must precede the __proto__ branch: a declared key is not unrecognized, even though the shape loop deliberately strips __proto__ from the parsed output.
        if (keySet.has(key))
            continue;
        // Don't copy an undeclared __proto__ into the result; assignment to a plain {} would replace the result prototype. But in strict mode it is still an unknown key, so report it before skipping.
        if (key === "__proto__") {
            if (t === "never")
                unrecognized.push(key);
            continue;
        }
        if (t === "never") {
            unrecognized.push(key);
            continue;
        }
        const r = _catchall.run({ value: input[key], issues: [] }, ctx);
        if (r instanceof Promise) {
            proms.push(r.then((r) => handlePropertyResult(r, payload, key, input, optin, optout)));
        }
        else {
            handlePropertyResult(r, payload, key, input, optin, optout);
        }
    }
    if (unrecognized.length) {
        payload.issues.push({
            code: "unrecognized_keys",
            keys: unrecognized,
            input,
            inst,
            // Describes the shape of the input, not the validity of the parsed value, so it never aborts. The parse still fails; the schema's own checks just get to run first, and an enclosing intersection can reconcile the key against a sibling operand.
            continue: true,
        });
    }
    if (!proms.length)
        return payload;
    return Promise.all(proms).then(() => {
        return payload;
    });
}
const $ZodObject = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodObject", (inst, def) => {
    // requires cast because technically $ZodObject doesn't extend
    $ZodType.init(inst, def);
    const desc = Object.getOwnPropertyDescriptor(def, "shape");
    // a cloned def carries its source's accessor, which knows the shape it answers from; adopting that keeps the clone's keys readable without running it
    const sh = desc?.get ? desc.get.raw : (def.shape ?? {});
    if (sh) {
        // Freezes the shape on first read, so its getters resolve once and every later read sees the same schemas.
        const get = () => {
            const newSh = { ...sh };
            Object.defineProperty(def, "shape", { value: newSh });
            get.raw = newSh;
            return newSh;
        };
        get.raw = sh;
        Object.defineProperty(def, "shape", { get });
    }
    const _normalized = core_util/* cached */.PO(() => normalizeDef(def));
    core_util/* defineLazyInternal */.v5(inst, "propValues", (zod) => {
        const shape = zod.def.shape;
        const propValues = {};
        for (const key in shape) {
            const field = shape[key]._zod;
            if (field.values) {
                if (!Object.prototype.hasOwnProperty.call(propValues, key)) {
                    core_util/* assignProp */.Vy(propValues, key, new Set());
                }
                for (const v of field.values)
                    propValues[key].add(v);
                // An omittable slot reads back as undefined at a discriminator lookup, so it has to claim undefined: two options that can both omit the key are not discriminable on it.
                if (field.optin !== undefined)
                    propValues[key].add(undefined);
            }
        }
        return propValues;
    });
    const isObject = core_util/* isObject */.Gv;
    const catchall = def.catchall;
    let value;
    const memo = core_core/* globalConfig */.cr.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        value ?? (value = _normalized.value);
        const input = payload.value;
        if (!isObject(input)) {
            payload.issues.push({
                expected: "object",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
        const proms = [];
        const shape = value.shape;
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const key of value.allKeys) {
            if (abortEarly && payload.issues.length !== seen) {
                if (core_util/* aborted */.QH(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            if (key === "__proto__")
                continue;
            const el = shape[key];
            const optin = el._zod.optin;
            const optout = el._zod.optout;
            const r = el._zod.run({ value: input[key], issues: [] }, ctx);
            if (r instanceof Promise) {
                proms.push(r.then((r) => handlePropertyResult(r, payload, key, input, optin, optout)));
            }
            else {
                handlePropertyResult(r, payload, key, input, optin, optout);
            }
        }
        if (!catchall) {
            return proms.length ? Promise.all(proms).then(() => payload) : payload;
        }
        return handleCatchall(proms, input, payload, ctx, _normalized.value, inst, abortEarly === true);
    };
});
const $ZodObjectJIT = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodObjectJIT", (inst, def) => {
    // requires cast because technically $ZodObject doesn't extend
    $ZodObject.init(inst, def);
    const superParse = inst._zod.parse;
    const _normalized = core_util/* cached */.PO(() => normalizeDef(def));
    const memo = core_core/* globalConfig */.cr.memoizer;
    const generateFastpass = (shape) => {
        const normalized = _normalized.value;
        const syms = normalized.symbolKeys;
        // a symbol has no source literal, so it is read as `syms[i]` off the closed-over scope
        const doc = new Doc(["payload", "ctx"], { shape, inst, memo, syms });
        const parseStr = (k) => `shape[${k}]._zod.run({ value: input[${k}], issues: [] }, ctx)`;
        // prefixes in place, like util.prefixIssues. newResult must land before the early return: a catchall runs after this and would otherwise write onto the caller's input
        const prefixStr = (id, k) => `
          let ${id}_ab = false;
          for (let i = 0; i < ${id}.issues.length; i++) {
            const iss = ${id}.issues[i];
            iss.path = iss.path ? [${k}, ...iss.path] : [${k}];
            payload.issues.push(iss);
            if (iss.continue !== true) ${id}_ab = true;
          }
          if (${id}_ab && ctx && ctx.abortEarly) {
            payload.value = newResult;
            return payload;
          }`;
        doc.write(`const input = payload.value;`);
        const ids = Object.create(null);
        let counter = 0;
        for (const key of normalized.allKeys) {
            ids[key] = `key_${counter++}`;
        }
        // A: preserve key order {
        doc.write(memo ? `const newResult = memo.alloc(inst, payload, {}, ctx);` : `const newResult = {};`);
        for (const key of normalized.allKeys) {
            if (key === "__proto__")
                continue;
            const id = ids[key];
            const k = typeof key === "symbol" ? `syms[${syms.indexOf(key)}]` : core_util/* esc */.UQ(key);
            const isPresent = `${k} in input`;
            const schema = shape[key];
            const optin = schema?._zod?.optin;
            const isOptionalIn = optin !== undefined;
            const isOptionalOut = schema?._zod?.optout === "optional";
            doc.write(`const ${id} = ${parseStr(k)};`);
            if (isOptionalIn && isOptionalOut) {
                // For optional-in/out schemas, ignore errors on absent keys — and, like the interpreted path, drop the value produced alongside them. The middle rung goes further: it permits absence without supplying anything in its place, so an absent key contributes nothing at all.
                const assign = optin === "optional" ? `${id}_present` : `${id}.value !== undefined || ${id}_present`;
                doc.write(`
        const ${id}_present = ${isPresent};
        if (!${id}.issues.length || ${id}_present) {
          if (${id}.issues.length) {${prefixStr(id, k)}
          }

          if (${assign}) {
            newResult[${k}] = ${id}.value;
          }
        }

      `);
            }
            else if (!isOptionalIn) {
                doc.write(`
        const ${id}_present = ${isPresent};
        if (${id}.issues.length) {${prefixStr(id, k)}
        }
        if (!${id}_present && !${id}.issues.length) {
          payload.issues.push({
            code: "invalid_type",
            expected: "nonoptional",
            input: undefined,
            path: [${k}]
          });
          if (ctx && ctx.abortEarly) {
            payload.value = newResult;
            return payload;
          }
        }

        if (${id}_present) {
          newResult[${k}] = ${id}.value;
        }

      `);
            }
            else {
                doc.write(`
        if (${id}.issues.length) {${prefixStr(id, k)}
        }
      `);
                if (optin === "defaulted") {
                    doc.write(`newResult[${k}] = ${id}.value;`);
                }
                else {
                    doc.write(`
        if (${id}.value !== undefined || ${isPresent}) {
          newResult[${k}] = ${id}.value;
        }
      `);
                }
            }
        }
        doc.write(`payload.value = newResult;`);
        doc.write(`return payload;`);
        // closing `shape` in is what pays: turbofan specializes the parser against that one shape object, so every `shape[k]._zod.run` folds to a known callee. as a parameter it stays a generic load and measures 13% slower even with the forwarding frame gone
        return doc.compile();
    };
    let fastpass;
    const isObject = core_util/* isObject */.Gv;
    const jit = !core_core/* globalConfig */.cr.jitless;
    const allowsEval = core_util/* allowsEval */.hI;
    const fastEnabled = jit && allowsEval.value; // && !def.catchall;
    const catchall = def.catchall;
    let value;
    inst._zod.parse = (payload, ctx) => {
        value ?? (value = _normalized.value);
        const input = payload.value;
        if (!isObject(input)) {
            payload.issues.push({
                expected: "object",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        if (jit && fastEnabled && ctx?.async === false && ctx.jitless !== true) {
            // always synchronous
            if (!fastpass)
                fastpass = generateFastpass(def.shape);
            payload = fastpass(payload, ctx);
            if (!catchall)
                return payload;
            return handleCatchall([], input, payload, ctx, value, inst, ctx?.abortEarly === true);
        }
        return superParse(payload, ctx);
    };
});
function handleUnionResults(results, final, inst, ctx) {
    for (const result of results) {
        if (result.issues.length === 0) {
            final.value = result.value;
            return final;
        }
    }
    const nonaborted = results.filter((r) => !core_util/* aborted */.QH(r));
    if (nonaborted.length === 1) {
        final.value = nonaborted[0].value;
        return nonaborted[0];
    }
    final.issues.push({
        code: "invalid_union",
        input: final.value,
        inst,
        errors: results.map((result) => result.issues.map((iss) => core_util/* finalizeIssue */.iR(iss, ctx, core_core/* config */.$W()))),
    });
    return final;
}
const $ZodUnion = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodUnion", (inst, def) => {
    $ZodType.init(inst, def);
    core_util/* defineLazyInternal */.v5(inst, "optin", (zod) => zod.def.options.some((o) => o._zod.optin === "defaulted")
        ? "defaulted"
        : zod.def.options.some((o) => o._zod.optin !== undefined)
            ? "optional"
            : undefined);
    core_util/* defineLazyInternal */.v5(inst, "optout", (zod) => zod.def.options.some((o) => o._zod.optout === "optional") ? "optional" : undefined);
    core_util/* defineLazyInternal */.v5(inst, "values", (zod) => {
        if (zod.def.options.every((o) => o._zod.values)) {
            return new Set(zod.def.options.flatMap((option) => Array.from(option._zod.values)));
        }
        return undefined;
    });
    core_util/* defineLazyInternal */.v5(inst, "pattern", (zod) => {
        if (zod.def.options.every((o) => o._zod.pattern)) {
            const patterns = zod.def.options.map((o) => o._zod.pattern);
            return new RegExp(`^(${patterns.map((p) => core_util/* cleanRegex */.p6(p.source)).join("|")})$`);
        }
        return undefined;
    });
    const first = def.options.length === 1 ? def.options[0]._zod.run : null;
    inst._zod.parse = (payload, ctx) => {
        if (first) {
            return first(payload, ctx);
        }
        let async = false;
        const results = [];
        for (const option of def.options) {
            const result = option._zod.run({
                value: payload.value,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                results.push(result);
                async = true;
            }
            else {
                if (result.issues.length === 0)
                    return result;
                results.push(result);
            }
        }
        if (!async)
            return handleUnionResults(results, payload, inst, ctx);
        return Promise.all(results).then((results) => {
            return handleUnionResults(results, payload, inst, ctx);
        });
    };
});
function handleExclusiveUnionResults(results, final, inst, ctx) {
    const matches = [];
    for (let i = 0; i < results.length; i++) {
        if (results[i].issues.length === 0)
            matches.push(i);
    }
    if (matches.length === 1) {
        final.value = results[matches[0]].value;
        return final;
    }
    if (matches.length === 0) {
        // No matches - same as regular union
        final.issues.push({
            code: "invalid_union",
            input: final.value,
            inst,
            errors: results.map((result) => result.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config()))),
        });
    }
    else {
        // Multiple matches - exclusive union failure
        final.issues.push({
            code: "invalid_union",
            input: final.value,
            inst,
            errors: [],
            inclusive: false,
            matches,
        });
    }
    return final;
}
const $ZodXor = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodXor", (inst, def) => {
    $ZodUnion.init(inst, def);
    def.inclusive = false;
    const first = def.options.length === 1 ? def.options[0]._zod.run : null;
    inst._zod.parse = (payload, ctx) => {
        if (first) {
            return first(payload, ctx);
        }
        let async = false;
        const results = [];
        for (const option of def.options) {
            const result = option._zod.run({
                value: payload.value,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                results.push(result);
                async = true;
            }
            else {
                results.push(result);
            }
        }
        if (!async)
            return handleExclusiveUnionResults(results, payload, inst, ctx);
        return Promise.all(results).then((results) => {
            return handleExclusiveUnionResults(results, payload, inst, ctx);
        });
    };
})));
/** Returns the option whose discriminator claims `value`, or throws if ambiguous. */
function getDiscriminatedOption(union, value) {
    const internals = union._zod;
    let map = internals.bag.optionsMap;
    if (!map) {
        map = discriminatorMap(internals.def);
        internals.bag.optionsMap = map;
    }
    const option = map.get(value);
    if (option === null)
        throw new Error(`Ambiguous discriminator value "${String(value)}"`);
    return option;
}
function discriminatorMap(def) {
    const map = new Map();
    for (const option of def.options) {
        const values = option._zod.propValues?.[def.discriminator];
        if (!values || values.size === 0)
            throw new Error(`Invalid discriminated union option at index "${def.options.indexOf(option)}"`);
        for (const value of values) {
            if (map.has(value)) {
                if (value !== undefined)
                    throw new Error(`Duplicate discriminator value "${String(value)}"`);
                // keep the collision marked so a later member cannot reclaim it
                map.set(value, null);
            }
            else {
                map.set(value, option);
            }
        }
    }
    return map;
}
const $ZodDiscriminatedUnion = 
/*@__PURE__*/
core_core/* $constructor */.xI("$ZodDiscriminatedUnion", (inst, def) => {
    def.inclusive = false;
    $ZodUnion.init(inst, def);
    const _super = inst._zod.parse;
    core_util/* defineLazyInternal */.v5(inst, "propValues", (zod) => {
        const propValues = {};
        let undefinedCount = 0;
        for (const option of zod.def.options) {
            const pv = option._zod.propValues;
            if (!pv || Object.keys(pv).length === 0)
                throw new Error(`Invalid discriminated union option at index "${zod.def.options.indexOf(option)}"`);
            if (pv[zod.def.discriminator]?.has(undefined))
                undefinedCount++;
            for (const [k, v] of Object.entries(pv)) {
                if (!Object.prototype.hasOwnProperty.call(propValues, k)) {
                    core_util/* assignProp */.Vy(propValues, k, new Set());
                }
                for (const val of v) {
                    propValues[k].add(val);
                }
            }
        }
        if (!zod.def.unionFallback && undefinedCount > 1)
            propValues[zod.def.discriminator]?.delete(undefined);
        return propValues;
    });
    // Checked now rather than in the lookup map below, so an option that lacks the discriminator fails at the `discriminatedUnion` call instead of on the first object parsed. Options whose shape cannot be enumerated without resolving it — pipes and lazies — are left to the map.
    def.options.forEach((option, i) => {
        const propShape = core_util/* rawShape */.MO(option._zod.def);
        if (propShape && !Object.prototype.hasOwnProperty.call(propShape, def.discriminator)) {
            throw new Error(`Invalid discriminated union option at index "${i}"`);
        }
    });
    const disc = core_util/* cached */.PO(() => discriminatorMap(def));
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!core_util/* isObject */.Gv(input)) {
            payload.issues.push({
                code: "invalid_type",
                expected: "object",
                input,
                inst,
            });
            return payload;
        }
        const value = input?.[def.discriminator];
        const opt = disc.value.get(value);
        // forward metadata cannot choose an encoder for an absent tag
        if (opt && (value !== undefined || ctx.direction !== "backward")) {
            return opt._zod.run(payload, ctx);
        }
        // Fall back to union matching when the fast discriminator path fails:
        // - explicitly enabled via unionFallback, or
        // - during backward direction (encode), since codec-based discriminators have different values in forward vs backward directions
        if (def.unionFallback || ctx.direction === "backward") {
            return _super(payload, ctx);
        }
        // no matching discriminator
        payload.issues.push({
            code: "invalid_union",
            errors: [],
            note: "No matching discriminator",
            discriminator: def.discriminator,
            options: Array.from(disc.value.keys()).filter((value) => disc.value.get(value) !== null),
            input,
            path: [def.discriminator],
            inst,
        });
        return payload;
    };
});
const $ZodIntersection = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodIntersection", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        const left = def.left._zod.run({ value: input, issues: [] }, ctx);
        const right = def.right._zod.run({ value: input, issues: [] }, ctx);
        const async = left instanceof Promise || right instanceof Promise;
        if (async) {
            return Promise.all([left, right]).then(([left, right]) => {
                return handleIntersectionResults(payload, left, right);
            });
        }
        return handleIntersectionResults(payload, left, right);
    };
});
function mergeValues(a, b) {
    // const aType = parse.t(a);
    // const bType = parse.t(b);
    if (a === b) {
        return { valid: true, data: a };
    }
    if (a instanceof Date && b instanceof Date && +a === +b) {
        return { valid: true, data: a };
    }
    if (core_util/* isPlainObject */.Qd(a) && core_util/* isPlainObject */.Qd(b)) {
        const bKeys = Object.keys(b);
        const sharedKeys = Object.keys(a).filter((key) => bKeys.indexOf(key) !== -1);
        const newObj = { ...a, ...b };
        if (Object.prototype.hasOwnProperty.call(newObj, "__proto__"))
            delete newObj.__proto__;
        for (const key of sharedKeys) {
            if (key === "__proto__")
                continue;
            const sharedValue = mergeValues(a[key], b[key]);
            if (!sharedValue.valid) {
                return {
                    valid: false,
                    mergeErrorPath: [key, ...sharedValue.mergeErrorPath],
                };
            }
            newObj[key] = sharedValue.data;
        }
        return { valid: true, data: newObj };
    }
    if (Array.isArray(a) && Array.isArray(b)) {
        if (a.length !== b.length) {
            return { valid: false, mergeErrorPath: [] };
        }
        const newArray = [];
        for (let index = 0; index < a.length; index++) {
            const itemA = a[index];
            const itemB = b[index];
            const sharedValue = mergeValues(itemA, itemB);
            if (!sharedValue.valid) {
                return {
                    valid: false,
                    mergeErrorPath: [index, ...sharedValue.mergeErrorPath],
                };
            }
            newArray.push(sharedValue.data);
        }
        return { valid: true, data: newArray };
    }
    return { valid: false, mergeErrorPath: [] };
}
function handleIntersectionResults(result, left, right) {
    // Track which side(s) reject each key. A key rejection is reported only when BOTH sides reject it, so a key owned by one branch survives the other's key schema. strictObject reports these as unrecognized_keys; a record with an open key schema reports one invalid_key per key.
    const unrecKeys = new Map();
    let unrecIssue;
    const keyIssues = new Map();
    const collect = (iss, side) => {
        let keys;
        if (iss.code === "unrecognized_keys" && !iss.path?.length) {
            unrecIssue ?? (unrecIssue = iss);
            keys = iss.keys;
        }
        else if (iss.code === "invalid_key" && iss.origin === "record" && iss.path?.length === 1) {
            const k = String(iss.path[0]);
            if (!keyIssues.has(k))
                keyIssues.set(k, iss);
            keys = [k];
        }
        else {
            return false;
        }
        for (const k of keys) {
            if (!unrecKeys.has(k))
                unrecKeys.set(k, {});
            unrecKeys.get(k)[side] = true;
        }
        return true;
    };
    for (const iss of left.issues) {
        if (!collect(iss, "l"))
            result.issues.push(iss);
    }
    for (const iss of right.issues) {
        if (!collect(iss, "r"))
            result.issues.push(iss);
    }
    // Report only keys rejected by BOTH sides
    const bothKeys = [...unrecKeys].filter(([, f]) => f.l && f.r).map(([k]) => k);
    if (bothKeys.length) {
        const aggregated = unrecIssue ? bothKeys.filter((k) => unrecIssue.keys.includes(k)) : [];
        if (aggregated.length)
            result.issues.push({ ...unrecIssue, keys: aggregated });
        for (const k of bothKeys) {
            if (!aggregated.includes(k) && keyIssues.has(k))
                result.issues.push(keyIssues.get(k));
        }
    }
    const merged = mergeValues(left.value, right.value);
    if (!merged.valid) {
        if (core_util/* aborted */.QH(result))
            return result;
        throw new Error(`Unmergable intersection. Error path: ` + `${JSON.stringify(merged.mergeErrorPath)}`);
    }
    result.value = merged.data;
    return result;
}
const $ZodTuple = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodTuple", (inst, def) => {
    $ZodType.init(inst, def);
    const items = def.items;
    const memo = core_core/* globalConfig */.cr.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!Array.isArray(input)) {
            payload.issues.push({
                input,
                inst,
                expected: "tuple",
                code: "invalid_type",
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, [], ctx) : [];
        const proms = [];
        const optinStart = getTupleOptStart(items, "optin");
        const optoutStart = getTupleOptStart(items, "optout");
        if (!def.rest) {
            if (input.length < optinStart) {
                payload.issues.push({
                    code: "too_small",
                    minimum: optinStart,
                    inclusive: true,
                    input,
                    inst,
                    origin: "array",
                });
                return payload;
            }
            if (input.length > items.length) {
                payload.issues.push({
                    code: "too_big",
                    maximum: items.length,
                    inclusive: true,
                    input,
                    inst,
                    origin: "array",
                });
            }
        }
        // Run every item in parallel, collecting results into an indexed array. The post-processing in `handleTupleResults` walks them in order so it can decide whether an absent optional-output error can truncate the tail or must be reported to preserve required output.
        const itemResults = new Array(items.length);
        // only tracked when there is a rest loop to skip
        const abortEarly = def.rest ? ctx?.abortEarly : undefined;
        let itemAborted = false;
        for (let i = 0; i < items.length; i++) {
            const r = items[i]._zod.run({ value: input[i], issues: [] }, ctx);
            if (r instanceof Promise) {
                proms.push(r.then((rr) => {
                    itemResults[i] = rr;
                }));
            }
            else {
                itemResults[i] = r;
                if (abortEarly && !itemAborted && r.issues.length)
                    itemAborted = core_util/* aborted */.QH(r);
            }
        }
        // sound because rest is non-empty exactly when every fixed index is present, the one case handleTupleResults cannot discard an item's issues
        if (def.rest && !itemAborted) {
            let i = items.length - 1;
            const rest = input.slice(items.length);
            let seen = payload.issues.length;
            for (const el of rest) {
                if (abortEarly && payload.issues.length !== seen) {
                    if (core_util/* aborted */.QH(payload, seen))
                        break;
                    seen = payload.issues.length;
                }
                i++;
                const result = def.rest._zod.run({ value: el, issues: [] }, ctx);
                if (result instanceof Promise) {
                    proms.push(result.then((r) => handleTupleResult(r, payload, i)));
                }
                else {
                    handleTupleResult(result, payload, i);
                }
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => handleTupleResults(itemResults, payload, items, input, optoutStart));
        }
        return handleTupleResults(itemResults, payload, items, input, optoutStart);
    };
});
function getTupleOptStart(items, key) {
    for (let i = items.length - 1; i >= 0; i--) {
        // optin is a three-rung ladder so any rung above `undefined` permits an absent slot; optout stays two-valued.
        const omittable = key === "optin" ? items[i]._zod.optin !== undefined : items[i]._zod.optout === "optional";
        if (!omittable)
            return i + 1;
    }
    return 0;
}
function handleTupleResult(result, final, index) {
    if (result.issues.length) {
        final.issues.push(...core_util/* prefixIssues */.lQ(index, result.issues));
    }
    final.value[index] = result.value;
}
function handleTupleResults(itemResults, final, items, input, optoutStart) {
    // Walk results in order. Mirror $ZodObject's swallow-on-absent-optional rule, but only after `optoutStart`: the first index where the output tuple tail can be absent.
    for (let i = 0; i < items.length; i++) {
        const r = itemResults[i];
        const isPresent = i < input.length;
        // The array analog of `handlePropertyResult`'s absent-key early return: the middle rung permits absence without supplying anything in its place, so the tail truncates here instead of materializing whatever the item made of `undefined`.
        if (!isPresent && i >= optoutStart && items[i]._zod.optin === "optional") {
            final.value.length = i;
            break;
        }
        if (r.issues.length) {
            if (!isPresent && i >= optoutStart) {
                final.value.length = i;
                break;
            }
            final.issues.push(...core_util/* prefixIssues */.lQ(i, r.issues));
        }
        final.value[i] = r.value;
    }
    // Drop trailing slots that produced `undefined` for absent input
    // (the array analog of an absent optional key on an object). The
    // `i >= input.length` floor is critical: an explicit `undefined`
    // *inside* the input must be preserved even when the schema is
    // optional-out (e.g. `z.string().or(z.undefined())` accepting an
    // explicit undefined value).
    for (let i = final.value.length - 1; i >= input.length; i--) {
        if (items[i]._zod.optout === "optional" && final.value[i] === undefined) {
            final.value.length = i;
        }
        else {
            break;
        }
    }
    return final;
}
const $ZodRecord = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodRecord", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core_core/* globalConfig */.cr.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!core_util/* isPlainObject */.Qd(input)) {
            payload.issues.push({
                expected: "record",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        // no guard in either loop below: a record's invalid_key aborts but an enclosing intersection can reconcile it, so a stopped loop hides keys the sibling does not own and the intersection then rejects nothing
        const proms = [];
        const values = def.keyType._zod.values;
        if (values && !def.partial) {
            payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
            const recordKeys = new Set();
            for (const key of values) {
                if (typeof key === "string" || typeof key === "number" || typeof key === "symbol") {
                    recordKeys.add(typeof key === "number" ? key.toString() : key);
                    // A declared __proto__ is stripped but is not an unrecognized key.
                    if (key === "__proto__")
                        continue;
                    const keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
                    if (keyResult instanceof Promise) {
                        throw new Error("Async schemas not supported in object keys currently");
                    }
                    if (keyResult.issues.length) {
                        payload.issues.push({
                            code: "invalid_key",
                            origin: "record",
                            issues: keyResult.issues.map((iss) => core_util/* finalizeIssue */.iR(iss, ctx, core_core/* config */.$W())),
                            input: key,
                            path: [key],
                            inst,
                        });
                        continue;
                    }
                    const outKey = keyResult.value;
                    if (outKey === "__proto__")
                        continue;
                    const result = def.valueType._zod.run({ value: input[key], issues: [] }, ctx);
                    if (result instanceof Promise) {
                        proms.push(result.then((result) => {
                            if (result.issues.length) {
                                payload.issues.push(...core_util/* prefixIssues */.lQ(key, result.issues));
                            }
                            payload.value[outKey] = result.value;
                        }));
                    }
                    else {
                        if (result.issues.length) {
                            payload.issues.push(...core_util/* prefixIssues */.lQ(key, result.issues));
                        }
                        payload.value[outKey] = result.value;
                    }
                }
            }
            let unrecognized;
            for (const key in input) {
                if (!recordKeys.has(key)) {
                    if (def.mode === "loose") {
                        // skip __proto__ so it can't replace the result prototype via the assignment setter on the plain {} we build into
                        if (key === "__proto__")
                            continue;
                        payload.value[key] = input[key];
                    }
                    else {
                        unrecognized = unrecognized ?? [];
                        unrecognized.push(key);
                    }
                }
            }
            if (unrecognized && unrecognized.length > 0) {
                payload.issues.push({
                    code: "unrecognized_keys",
                    input,
                    inst,
                    keys: unrecognized,
                    continue: true,
                });
            }
        }
        else {
            payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
            // An enumerable key schema declares which keys the record owns, so a key outside the set is unrecognized. A non-enumerable one (regex, refine) is a constraint every key must satisfy, so a failing key is invalid. Only the former is reconcilable against the other side of an intersection.
            let unrecognized;
            // Reflect.ownKeys for Symbol-key support; filter non-enumerable to match z.object()
            for (const key of Reflect.ownKeys(input)) {
                if (key === "__proto__")
                    continue;
                if (!Object.prototype.propertyIsEnumerable.call(input, key))
                    continue;
                let keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
                if (keyResult instanceof Promise) {
                    throw new Error("Async schemas not supported in object keys currently");
                }
                // Numeric string fallback: if key is a numeric string and failed, retry with Number(key). This handles z.number(), z.literal([1, 2, 3]), and unions containing numeric literals
                const checkNumericKey = typeof key === "string" && number.test(key) && keyResult.issues.length;
                if (checkNumericKey) {
                    const retryResult = def.keyType._zod.run({ value: Number(key), issues: [] }, ctx);
                    if (retryResult instanceof Promise) {
                        throw new Error("Async schemas not supported in object keys currently");
                    }
                    if (retryResult.issues.length === 0) {
                        keyResult = retryResult;
                    }
                }
                if (keyResult.issues.length) {
                    if (def.mode === "loose") {
                        // Pass through unchanged
                        payload.value[key] = input[key];
                    }
                    else if (values) {
                        unrecognized = unrecognized ?? [];
                        unrecognized.push(key);
                    }
                    else {
                        // Default "strict" behavior: error on invalid key
                        payload.issues.push({
                            code: "invalid_key",
                            origin: "record",
                            issues: keyResult.issues.map((iss) => core_util/* finalizeIssue */.iR(iss, ctx, core_core/* config */.$W())),
                            input: key,
                            path: [key],
                            inst,
                        });
                    }
                    continue;
                }
                // the guard above tests the raw input key, but the key schema can normalize an ordinary key into __proto__; re-check the key we actually write under
                const outKey = keyResult.value;
                if (outKey === "__proto__")
                    continue;
                const result = def.valueType._zod.run({ value: input[key], issues: [] }, ctx);
                if (result instanceof Promise) {
                    proms.push(result.then((result) => {
                        if (result.issues.length) {
                            payload.issues.push(...core_util/* prefixIssues */.lQ(key, result.issues));
                        }
                        payload.value[outKey] = result.value;
                    }));
                }
                else {
                    if (result.issues.length) {
                        payload.issues.push(...core_util/* prefixIssues */.lQ(key, result.issues));
                    }
                    payload.value[outKey] = result.value;
                }
            }
            if (unrecognized && unrecognized.length > 0) {
                payload.issues.push({
                    code: "unrecognized_keys",
                    input,
                    inst,
                    keys: unrecognized,
                    continue: true,
                });
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => payload);
        }
        return payload;
    };
});
const $ZodMap = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodMap", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core.globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!(input instanceof Map)) {
            payload.issues.push({
                expected: "map",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        const proms = [];
        payload.value = memo ? memo.alloc(inst, payload, new Map(), ctx) : new Map();
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const [key, value] of input) {
            if (abortEarly && payload.issues.length !== seen) {
                if (util.aborted(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            const keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
            const valueResult = def.valueType._zod.run({ value: value, issues: [] }, ctx);
            if (keyResult instanceof Promise || valueResult instanceof Promise) {
                proms.push(Promise.all([keyResult, valueResult]).then(([keyResult, valueResult]) => {
                    handleMapResult(keyResult, valueResult, payload, key, input, inst, ctx);
                }));
            }
            else {
                handleMapResult(keyResult, valueResult, payload, key, input, inst, ctx);
            }
        }
        if (proms.length)
            return Promise.all(proms).then(() => payload);
        return payload;
    };
    capSize(inst, mapSize);
})));
function handleMapResult(keyResult, valueResult, final, key, input, inst, ctx) {
    if (keyResult.issues.length) {
        if (util.propertyKeyTypes.has(typeof key)) {
            final.issues.push(...util.prefixIssues(key, keyResult.issues));
        }
        else {
            final.issues.push({
                code: "invalid_key",
                origin: "map",
                input,
                inst,
                issues: keyResult.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config())),
            });
        }
    }
    if (valueResult.issues.length) {
        if (util.propertyKeyTypes.has(typeof key)) {
            final.issues.push(...util.prefixIssues(key, valueResult.issues));
        }
        else {
            final.issues.push({
                origin: "map",
                code: "invalid_element",
                input,
                inst,
                key: key,
                issues: valueResult.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config())),
            });
        }
    }
    final.value.set(keyResult.value, valueResult.value);
}
const $ZodSet = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSet", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core.globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!(input instanceof Set)) {
            payload.issues.push({
                input,
                inst,
                expected: "set",
                code: "invalid_type",
            });
            return payload;
        }
        const proms = [];
        payload.value = memo ? memo.alloc(inst, payload, new Set(), ctx) : new Set();
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const item of input) {
            if (abortEarly && payload.issues.length !== seen) {
                if (util.aborted(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            const result = def.valueType._zod.run({ value: item, issues: [] }, ctx);
            if (result instanceof Promise) {
                proms.push(result.then((result) => handleSetResult(result, payload)));
            }
            else
                handleSetResult(result, payload);
        }
        if (proms.length)
            return Promise.all(proms).then(() => payload);
        return payload;
    };
    capSize(inst, setSize);
})));
function handleSetResult(result, final) {
    if (result.issues.length) {
        final.issues.push(...result.issues);
    }
    final.value.add(result.value);
}
const $ZodEnum = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodEnum", (inst, def) => {
    $ZodType.init(inst, def);
    const values = core_util/* getEnumValues */.w5(def.entries);
    const valuesSet = new Set(values);
    inst._zod.values = valuesSet;
    core_util/* defineLazyInternal */.v5(inst, "pattern", (zod) => {
        const patternValues = core_util/* getEnumValues */.w5(zod.def.entries).filter((k) => core_util/* propertyKeyTypes */.qQ.has(typeof k));
        // unmatchable fallback, RE2-safe: an empty alternation would compile to /^()$/, which matches ""
        return new RegExp(patternValues.length ? `^(${patternValues.map((o) => core_util/* escapeRegex */.sD(o.toString())).join("|")})$` : "^[^\\s\\S]$");
    });
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (valuesSet.has(input)) {
            return payload;
        }
        payload.issues.push({
            code: "invalid_value",
            values,
            input,
            inst,
        });
        return payload;
    };
});
const $ZodLiteral = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodLiteral", (inst, def) => {
    $ZodType.init(inst, def);
    const values = new Set(def.values);
    inst._zod.values = values;
    core_util/* defineLazyInternal */.v5(inst, "pattern", (zod) => {
        const vals = zod.def.values;
        // unmatchable fallback, RE2-safe: an empty alternation would compile to /^()$/, which matches ""
        return new RegExp(vals.length
            ? `^(${vals
                .map((o) => typeof o === "string" ? core_util/* escapeRegex */.sD(o) : o ? core_util/* escapeRegex */.sD(o.toString()) : String(o))
                .join("|")})$`
            : "^[^\\s\\S]$");
    });
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (values.has(input)) {
            return payload;
        }
        payload.issues.push({
            code: "invalid_value",
            values: def.values,
            input,
            inst,
        });
        return payload;
    };
});
const $ZodFile = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodFile", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        // @ts-ignore
        if (input instanceof File)
            return payload;
        payload.issues.push({
            expected: "file",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodTransform = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodTransform", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.optin = "optional";
    core_core/* globalConfig */.cr.memoizer?.guard(inst);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            throw new core_core/* $ZodEncodeError */.cV(inst.constructor.name);
        }
        const _out = def.transform(payload.value, payload);
        if (ctx.async) {
            const output = _out instanceof Promise ? _out : Promise.resolve(_out);
            return output.then((output) => {
                payload.value = output;
                return payload;
            });
        }
        if (_out instanceof Promise) {
            throw new core_core/* $ZodAsyncError */.GT();
        }
        payload.value = _out;
        return payload;
    };
});
function handleOptionalResult(payload, result) {
    // A substituting schema that still failed has no usable answer; yield undefined. Its issues are simply dropped: it ran on a payload of its own, so there is no shared array to truncate and nothing of the caller's to lose with it.
    payload.value = result.issues.length ? undefined : result.value;
    return payload;
}
const $ZodOptional = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodOptional", (inst, def) => {
    $ZodType.init(inst, def);
    // .optional() propagates absence rather than substituting for it, so a defaulted inner keeps its rung.
    core_util/* defineLazyInternal */.v5(inst, "optin", (zod) => zod.def.innerType._zod.optin === "defaulted" ? "defaulted" : "optional");
    inst._zod.optout = "optional";
    core_util/* defineLazyInternal */.v5(inst, "values", (zod) => {
        const values = zod.def.innerType._zod.values;
        return values ? new Set([...values, undefined]) : undefined;
    });
    core_util/* defineLazyInternal */.v5(inst, "pattern", (zod) => {
        const pattern = zod.def.innerType._zod.pattern;
        return pattern ? new RegExp(`^(${core_util/* cleanRegex */.p6(pattern.source)})?$`) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        if (payload.value === undefined) {
            // Only the top rung substitutes a value for absence; everything else leaves it intact, which is what .optional() means.
            if (def.innerType._zod.optin !== "defaulted")
                return payload;
            // Its own payload, for the same reason $ZodCatch gets one: a pipe forwards an unrecognized key through the caller's issues array, and this must not read that as the substituting schema failing and drop it.
            const result = def.innerType._zod.run({ value: payload.value, issues: [] }, ctx);
            if (result instanceof Promise)
                return result.then((result) => handleOptionalResult(payload, result));
            return handleOptionalResult(payload, result);
        }
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodExactOptional = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodExactOptional", (inst, def) => {
    // Call parent init - inherits optin/optout = "optional"
    $ZodOptional.init(inst, def);
    // Override values/pattern to NOT add undefined
    core_util/* defineLazyInternal */.v5(inst, "values", (zod) => zod.def.innerType._zod.values);
    core_util/* defineLazyInternal */.v5(inst, "pattern", (zod) => zod.def.innerType._zod.pattern);
    // Override parse to just delegate (no undefined handling)
    inst._zod.parse = (payload, ctx) => {
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodNullable = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodNullable", (inst, def) => {
    $ZodType.init(inst, def);
    core_util/* defineLazyInternal */.v5(inst, "optin", (zod) => zod.def.innerType._zod.optin);
    core_util/* defineLazyInternal */.v5(inst, "optout", (zod) => zod.def.innerType._zod.optout);
    core_util/* defineLazyInternal */.v5(inst, "pattern", (zod) => {
        const pattern = zod.def.innerType._zod.pattern;
        return pattern ? new RegExp(`^(${core_util/* cleanRegex */.p6(pattern.source)}|null)$`) : undefined;
    });
    core_util/* defineLazyInternal */.v5(inst, "values", (zod) => {
        return zod.def.innerType._zod.values ? new Set([...zod.def.innerType._zod.values, null]) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        // Forward direction (decode): allow null to pass through
        if (payload.value === null)
            return payload;
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodDefault = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodDefault", (inst, def) => {
    $ZodType.init(inst, def);
    // inst._zod.qin = "true";
    inst._zod.optin = "defaulted";
    core_util/* defineLazyInternal */.v5(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply defaults for undefined input
        if (payload.value === undefined) {
            payload.value = def.defaultValue;
            /**
             * $ZodDefault returns the default value immediately in forward direction.
             * It doesn't pass the default value into the validator ("prefault"). There's no reason to pass the default value through validation. The validity of the default is enforced by TypeScript statically. Otherwise, it's the responsibility of the user to ensure the default is valid. In the case of pipes with divergent in/out types, you can specify the default on the `in` schema of your ZodPipe to set a "prefault" for the pipe.   */
            return payload;
        }
        // Forward direction: continue with default handling
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleDefaultResult(result, def));
        }
        return handleDefaultResult(result, def);
    };
});
function handleDefaultResult(payload, def) {
    if (payload.value === undefined) {
        payload.value = def.defaultValue;
    }
    return payload;
}
const $ZodPrefault = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodPrefault", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.optin = "defaulted";
    core_util/* defineLazyInternal */.v5(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply prefault for undefined input
        if (payload.value === undefined) {
            payload.value = def.defaultValue;
        }
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodNonOptional = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodNonOptional", (inst, def) => {
    $ZodType.init(inst, def);
    core_util/* defineLazyInternal */.v5(inst, "values", (zod) => {
        const v = zod.def.innerType._zod.values;
        return v ? new Set([...v].filter((x) => x !== undefined)) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleNonOptionalResult(result, inst));
        }
        return handleNonOptionalResult(result, inst);
    };
});
function handleNonOptionalResult(payload, inst) {
    if (!payload.issues.length && payload.value === undefined) {
        payload.issues.push({
            code: "invalid_type",
            expected: "nonoptional",
            input: payload.value,
            inst,
        });
    }
    return payload;
}
const $ZodSuccess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSuccess", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            throw new core.$ZodEncodeError("ZodSuccess");
        }
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => {
                payload.value = result.issues.length === 0;
                return payload;
            });
        }
        payload.value = result.issues.length === 0;
        return payload;
    };
})));
function handleCatchResult(payload, result, def, ctx) {
    if (!result.issues.length) {
        payload.value = result.value;
        // The value carries up, so the flag describing it has to carry with it: a back-edge into a node still being parsed must not be frozen by an enclosing readonly, and its checks belong to the node itself. Guarded so the ordinary case adds no own property.
        if (result.memo)
            payload.memo = true;
        return payload;
    }
    // Spread the inner's own payload, not ours: `value` has to stay the input the catch was handed, and the inner ran on a payload of its own so its issues are already private to this call.
    payload.value = def.catchValue({
        ...result,
        value: payload.value,
        error: {
            issues: result.issues.map((iss) => core_util/* finalizeIssue */.iR(iss, ctx, core_core/* config */.$W())),
        },
        input: payload.value,
    });
    return payload;
}
const $ZodCatch = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCatch", (inst, def) => {
    $ZodType.init(inst, def);
    core_util/* defineLazyInternal */.v5(inst, "optin", (zod) => zod.def.innerType._zod.optin === "defaulted" ? "defaulted" : "optional");
    core_util/* defineLazyInternal */.v5(inst, "optout", (zod) => zod.def.innerType._zod.optout);
    core_util/* defineLazyInternal */.v5(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply catch logic
        const result = def.innerType._zod.run({ value: payload.value, issues: [] }, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleCatchResult(payload, result, def, ctx));
        }
        return handleCatchResult(payload, result, def, ctx);
    };
});
const $ZodNaN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodNaN", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "number" || !Number.isNaN(payload.value)) {
            payload.issues.push({
                input: payload.value,
                inst,
                expected: "nan",
                code: "invalid_type",
            });
            return payload;
        }
        return payload;
    };
})));
const $ZodPipe = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodPipe", (inst, def) => {
    $ZodType.init(inst, def);
    core_util/* defineLazyInternal */.v5(inst, "values", (zod) => zod.def.in._zod.values);
    core_util/* defineLazyInternal */.v5(inst, "optin", (zod) => zod.def.in._zod.optin);
    core_util/* defineLazyInternal */.v5(inst, "optout", (zod) => zod.def.out._zod.optout);
    core_util/* defineLazyInternal */.v5(inst, "propValues", (zod) => zod.def.in._zod.propValues);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            const right = def.out._zod.run(payload, ctx);
            if (right instanceof Promise) {
                return right.then((right) => handlePipeResult(right, def.in, ctx));
            }
            return handlePipeResult(right, def.in, ctx);
        }
        const left = def.in._zod.run(payload, ctx);
        if (left instanceof Promise) {
            return left.then((left) => handlePipeResult(left, def.out, ctx));
        }
        return handlePipeResult(left, def.out, ctx);
    };
});
function handlePipeResult(left, next, ctx) {
    // Any issue stops the pipe, so a failing refinement never feeds its transform. An unrecognized key is the exception: it describes the input's extra properties, not the value being piped, and an enclosing intersection may yet reconcile it.
    if (left.issues.some((iss) => iss.code !== "unrecognized_keys")) {
        // prevent further checks
        left.aborted = true;
        return left;
    }
    return next._zod.run({ value: left.value, issues: left.issues }, ctx);
}
const $ZodCodec = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCodec", (inst, def) => {
    $ZodType.init(inst, def);
    util.defineLazyInternal(inst, "values", (zod) => zod.def.in._zod.values);
    util.defineLazyInternal(inst, "optin", (zod) => zod.def.in._zod.optin);
    util.defineLazyInternal(inst, "optout", (zod) => zod.def.out._zod.optout);
    util.defineLazyInternal(inst, "propValues", (zod) => zod.def.in._zod.propValues);
    inst._zod.parse = (payload, ctx) => {
        const direction = ctx.direction || "forward";
        if (direction === "forward") {
            const left = def.in._zod.run(payload, ctx);
            if (left instanceof Promise) {
                return left.then((left) => handleCodecAResult(left, def, ctx));
            }
            return handleCodecAResult(left, def, ctx);
        }
        else {
            const right = def.out._zod.run(payload, ctx);
            if (right instanceof Promise) {
                return right.then((right) => handleCodecAResult(right, def, ctx));
            }
            return handleCodecAResult(right, def, ctx);
        }
    };
})));
function handleCodecAResult(result, def, ctx) {
    if (result.issues.length) {
        // prevent further checks
        result.aborted = true;
        return result;
    }
    const direction = ctx.direction || "forward";
    if (direction === "forward") {
        const transformed = def.transform(result.value, result);
        if (transformed instanceof Promise) {
            return transformed.then((value) => handleCodecTxResult(result, value, def.out, ctx));
        }
        return handleCodecTxResult(result, transformed, def.out, ctx);
    }
    else {
        const transformed = def.reverseTransform(result.value, result);
        if (transformed instanceof Promise) {
            return transformed.then((value) => handleCodecTxResult(result, value, def.in, ctx));
        }
        return handleCodecTxResult(result, transformed, def.in, ctx);
    }
}
function handleCodecTxResult(left, value, nextSchema, ctx) {
    // Check if transform added any issues
    if (left.issues.length) {
        left.aborted = true;
        return left;
    }
    return nextSchema._zod.run({ value, issues: left.issues }, ctx);
}
const $ZodPreprocess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodPreprocess", (inst, def) => {
    $ZodPipe.init(inst, def);
})));
const $ZodReadonly = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodReadonly", (inst, def) => {
    $ZodType.init(inst, def);
    core_util/* defineLazyInternal */.v5(inst, "propValues", (zod) => zod.def.innerType._zod.propValues);
    core_util/* defineLazyInternal */.v5(inst, "values", (zod) => zod.def.innerType._zod.values);
    core_util/* defineLazyInternal */.v5(inst, "optin", (zod) => zod.def.innerType?._zod?.optin);
    core_util/* defineLazyInternal */.v5(inst, "optout", (zod) => zod.def.innerType?._zod?.optout);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then(handleReadonlyResult);
        }
        return handleReadonlyResult(result);
    };
});
function handleReadonlyResult(payload) {
    // A repeat visit hands back a node that is still being built; freezing it here would make the rest of its keys fail to assign.
    if (!payload.memo)
        payload.value = Object.freeze(payload.value);
    return payload;
}
// a leaf's pattern source with its own checks folded in: the last pattern-carrying check wins, else length bounds narrow the catch-all, else an integer format narrows the number form. the fold lives here instead of on `_zod.pattern` so a bundle without template literals never pays for it
function leafPattern(schema) {
    const def = schema._zod.def;
    let pattern = def.pattern;
    let isInt = !!def.format?.includes("int");
    let minimum;
    let maximum;
    for (const ch of def.checks ?? []) {
        const d = ch._zod.def;
        if (d.pattern)
            pattern = d.pattern;
        isInt || (isInt = !!d.format?.includes("int"));
        const lo = d.minimum ?? d.length;
        const hi = d.maximum ?? d.length;
        if (lo !== undefined && (minimum === undefined || lo > minimum))
            minimum = lo;
        if (hi !== undefined && (maximum === undefined || hi < maximum))
            maximum = hi;
    }
    if (pattern)
        return pattern.source;
    // an empty range matches nothing at runtime, and `{8,5}` is not a legal quantifier
    if (minimum !== undefined && maximum !== undefined && minimum > maximum)
        return "(?!)";
    if (minimum !== undefined || maximum !== undefined)
        return regexes.string({ minimum, maximum }).source;
    const own = schema._zod.pattern;
    return (isInt && own === regexes.number ? regexes.integer : own)?.source;
}
// a part's pattern source. a wrapper's pattern embeds its inner pattern's source verbatim, so the folded form is substituted in place without knowing the wrapper's own composition; a union's options are joined the way the union builds its own pattern
function partPattern(schema) {
    const def = schema._zod.def;
    const own = schema._zod.pattern?.source;
    // lazy resolves its inner on the internals, not the def
    const inner = def.innerType ?? schema._zod.innerType;
    if (inner) {
        const before = inner._zod.pattern?.source;
        const after = partPattern(inner);
        if (own && before && after && after !== before) {
            return own.replace(util.cleanRegex(before), () => util.cleanRegex(after));
        }
        return own;
    }
    if (def.options) {
        const sources = def.options.map(partPattern);
        if (sources.every(Boolean))
            return `^(${sources.map((s) => util.cleanRegex(s)).join("|")})$`;
    }
    return leafPattern(schema);
}
const $ZodTemplateLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodTemplateLiteral", (inst, def) => {
    $ZodType.init(inst, def);
    const regexParts = [];
    for (const part of def.parts) {
        if (typeof part === "object" && part !== null) {
            // is Zod schema
            const source = partPattern(part);
            if (!source) {
                throw new Error(`Invalid template literal part, no pattern found: ${[...part._zod.traits].shift()}`);
            }
            regexParts.push(util.cleanRegex(source));
        }
        else if (part === null || util.primitiveTypes.has(typeof part)) {
            regexParts.push(util.escapeRegex(`${part}`));
        }
        else {
            throw new Error(`Invalid template literal part: ${part}`);
        }
    }
    inst._zod.pattern = new RegExp(`^${regexParts.join("")}$`);
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "string") {
            payload.issues.push({
                input: payload.value,
                inst,
                expected: "string",
                code: "invalid_type",
            });
            return payload;
        }
        inst._zod.pattern.lastIndex = 0;
        if (!inst._zod.pattern.test(payload.value)) {
            payload.issues.push({
                input: payload.value,
                inst,
                code: "invalid_format",
                format: def.format ?? "template_literal",
                pattern: inst._zod.pattern.source,
            });
            return payload;
        }
        return payload;
    };
})));
const $ZodFunction = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodFunction", (inst, def) => {
    $ZodType.init(inst, def);
    // Defined, not assigned: the classic prototype exposes `_def` as a getter with no setter.
    Object.defineProperty(inst, "_def", { value: def });
    inst._zod.def = def;
    inst.implement = (func) => {
        if (typeof func !== "function") {
            throw new Error("implement() must be called with a function");
        }
        // Defined inline so the closure stays anonymous: binding it to a `const` first names it, which costs 256 bytes per implemented function.
        return Object.defineProperty(function (...args) {
            const parsedArgs = inst._def.input ? parse(inst._def.input, args) : args;
            const result = Reflect.apply(func, this, parsedArgs);
            if (inst._def.output) {
                return parse(inst._def.output, result);
            }
            return result;
        }, "_zod", { value: inst._zod, enumerable: false });
    };
    inst.implementAsync = (func) => {
        if (typeof func !== "function") {
            throw new Error("implementAsync() must be called with a function");
        }
        return Object.defineProperty(async function (...args) {
            const parsedArgs = inst._def.input ? await parseAsync(inst._def.input, args) : args;
            const result = await Reflect.apply(func, this, parsedArgs);
            if (inst._def.output) {
                return await parseAsync(inst._def.output, result);
            }
            return result;
        }, "_zod", { value: inst._zod, enumerable: false });
    };
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "function") {
            payload.issues.push({
                code: "invalid_type",
                expected: "function",
                input: payload.value,
                inst,
            });
            return payload;
        }
        // Check if output is a promise type to determine if we should use async implementation
        const hasPromiseOutput = inst._def.output && inst._def.output._zod.def.type === "promise";
        if (hasPromiseOutput) {
            payload.value = inst.implementAsync(payload.value);
        }
        else {
            payload.value = inst.implement(payload.value);
        }
        return payload;
    };
    inst.input = (...args) => {
        const F = inst.constructor;
        if (Array.isArray(args[0])) {
            return new F({
                type: "function",
                input: new $ZodTuple({
                    type: "tuple",
                    items: args[0],
                    rest: args[1],
                }),
                output: inst._def.output,
            });
        }
        return new F({
            type: "function",
            input: args[0],
            output: inst._def.output,
        });
    };
    inst.output = (output) => {
        const F = inst.constructor;
        return new F({
            type: "function",
            input: inst._def.input,
            output,
        });
    };
    return inst;
})));
const $ZodPromise = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodPromise", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        return Promise.resolve(payload.value).then((inner) => def.innerType._zod.run({ value: inner, issues: [] }, ctx));
    };
})));
const $ZodLazy = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodLazy", (inst, def) => {
    $ZodType.init(inst, def);
    // Cache the resolved inner type on the shared `def` so all clones of this lazy (e.g. via `.describe()`/`.meta()`) share the same inner instance, preserving identity for cycle detection on recursive schemas.
    util.defineLazy(inst._zod, "innerType", () => {
        const d = def;
        if (!d._cachedInner)
            d._cachedInner = def.getter();
        return d._cachedInner;
    });
    util.defineLazyInternal(inst, "pattern", (zod) => zod.innerType?._zod?.pattern);
    util.defineLazyInternal(inst, "propValues", (zod) => zod.innerType?._zod?.propValues);
    util.defineLazyInternal(inst, "optin", (zod) => zod.innerType?._zod?.optin ?? undefined);
    util.defineLazyInternal(inst, "optout", (zod) => zod.innerType?._zod?.optout ?? undefined);
    inst._zod.parse = (payload, ctx) => {
        const inner = inst._zod.innerType;
        return inner._zod.run(payload, ctx);
    };
})));
const $ZodCustom = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCustom", (inst, def) => {
    $ZodCheck.init(inst, def);
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _) => {
        return payload;
    };
    inst._zod.check = (payload) => {
        const input = payload.value;
        const r = def.fn(input);
        if (r instanceof Promise) {
            return r.then((r) => handleRefineResult(r, payload, input, inst));
        }
        handleRefineResult(r, payload, input, inst);
        return;
    };
});
function handleRefineResult(result, payload, input, inst) {
    if (!result) {
        const _iss = {
            code: "custom",
            input,
            inst, // incorporates params.error into issue reporting
            path: [...(inst._zod.def.path ?? [])], // incorporates params.error into issue reporting
            continue: !inst._zod.def.abort,
            // params: inst._zod.def.params,
        };
        if (inst._zod.def.params)
            _iss.params = inst._zod.def.params;
        payload.issues.push(core_util/* issue */.sn(_iss));
    }
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/registries.js
var _a;
const $output = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("ZodOutput")));
const $input = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("ZodInput")));
class $ZodRegistry {
    constructor() {
        this._map = new WeakMap();
        this._idmap = new Map();
    }
    add(schema, ..._meta) {
        const meta = _meta[0];
        this._map.set(schema, meta);
        if (meta && typeof meta === "object" && "id" in meta) {
            this._idmap.set(meta.id, schema);
        }
        return this;
    }
    clear() {
        this._map = new WeakMap();
        this._idmap = new Map();
        return this;
    }
    remove(schema) {
        const meta = this._map.get(schema);
        if (meta && typeof meta === "object" && "id" in meta) {
            this._idmap.delete(meta.id);
        }
        this._map.delete(schema);
        return this;
    }
    get(schema) {
        // return this._map.get(schema) as any;
        // inherit metadata
        const p = schema._zod.parent;
        if (p) {
            const pm = { ...(this.get(p) ?? {}) };
            delete pm.id; // do not inherit id
            const f = { ...pm, ...this._map.get(schema) };
            return Object.keys(f).length ? f : undefined;
        }
        return this._map.get(schema);
    }
    has(schema) {
        return this._map.has(schema);
    }
}
// registries
function registry() {
    return new $ZodRegistry();
}
(_a = globalThis).__zod_globalRegistry ?? (_a.__zod_globalRegistry = registry());
const globalRegistry = globalThis.__zod_globalRegistry;

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/api.js




function snapshotChecks(def) {
    if (def.checks)
        def.checks = [...def.checks];
    return def;
}
// @__NO_SIDE_EFFECTS__
function _string(Class, params) {
    return new Class(snapshotChecks({ type: "string", ...core_util/* normalizeParams */.A2(params) }));
}
// @__NO_SIDE_EFFECTS__
function _coercedString(Class, params) {
    return new Class(snapshotChecks({ type: "string", coerce: true, ...util.normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _email(Class, params) {
    return new Class({
        type: "string",
        format: "email",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _guid(Class, params) {
    return new Class({
        type: "string",
        format: "guid",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuid(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv4(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v4",
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv6(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v6",
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv7(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v7",
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _url(Class, params) {
    return new Class({
        type: "string",
        format: "url",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_emoji(Class, params) {
    return new Class({
        type: "string",
        format: "emoji",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _nanoid(Class, params) {
    return new Class({
        type: "string",
        format: "nanoid",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link _cuid2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
// @__NO_SIDE_EFFECTS__
function _cuid(Class, params) {
    return new Class({
        type: "string",
        format: "cuid",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cuid2(Class, params) {
    return new Class({
        type: "string",
        format: "cuid2",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ulid(Class, params) {
    return new Class({
        type: "string",
        format: "ulid",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _xid(Class, params) {
    return new Class({
        type: "string",
        format: "xid",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ksuid(Class, params) {
    return new Class({
        type: "string",
        format: "ksuid",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ipv4(Class, params) {
    return new Class({
        type: "string",
        format: "ipv4",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ipv6(Class, params) {
    return new Class({
        type: "string",
        format: "ipv6",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _mac(Class, params) {
    return new Class({
        type: "string",
        format: "mac",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cidrv4(Class, params) {
    return new Class({
        type: "string",
        format: "cidrv4",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cidrv6(Class, params) {
    return new Class({
        type: "string",
        format: "cidrv6",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _base64(Class, params) {
    return new Class({
        type: "string",
        format: "base64",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _base64url(Class, params) {
    return new Class({
        type: "string",
        format: "base64url",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _e164(Class, params) {
    return new Class({
        type: "string",
        format: "e164",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _creditCard(Class, params) {
    return new Class({
        type: "string",
        format: "credit_card",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _iban(Class, params) {
    return new Class({
        type: "string",
        format: "iban",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _jwt(Class, params) {
    return new Class({
        type: "string",
        format: "jwt",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
const TimePrecision = {
    Any: null,
    Minute: -1,
    Second: 0,
    Millisecond: 3,
    Microsecond: 6,
};
// @__NO_SIDE_EFFECTS__
function _isoDateTime(Class, params) {
    return new Class({
        type: "string",
        format: "datetime",
        check: "string_format",
        offset: false,
        local: false,
        precision: null,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoDate(Class, params) {
    return new Class({
        type: "string",
        format: "date",
        check: "string_format",
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoTime(Class, params) {
    return new Class({
        type: "string",
        format: "time",
        check: "string_format",
        precision: null,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoDuration(Class, params) {
    return new Class({
        type: "string",
        format: "duration",
        check: "string_format",
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _number(Class, params) {
    return new Class(snapshotChecks({ type: "number", checks: [], ...core_util/* normalizeParams */.A2(params) }));
}
// @__NO_SIDE_EFFECTS__
function _coercedNumber(Class, params) {
    return new Class(snapshotChecks({ type: "number", coerce: true, checks: [], ...util.normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _int(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "safeint",
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _float32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "float32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _float64(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "float64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _int32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "int32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uint32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "uint32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _boolean(Class, params) {
    return new Class({
        type: "boolean",
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedBoolean(Class, params) {
    return new Class({
        type: "boolean",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _bigint(Class, params) {
    return new Class({
        type: "bigint",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedBigint(Class, params) {
    return new Class({
        type: "bigint",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _int64(Class, params) {
    return new Class({
        type: "bigint",
        check: "bigint_format",
        abort: false,
        format: "int64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uint64(Class, params) {
    return new Class({
        type: "bigint",
        check: "bigint_format",
        abort: false,
        format: "uint64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _symbol(Class, params) {
    return new Class({
        type: "symbol",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_undefined(Class, params) {
    return new Class({
        type: "undefined",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_null(Class, params) {
    return new Class({
        type: "null",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _any(Class) {
    return new Class({
        type: "any",
    });
}
// @__NO_SIDE_EFFECTS__
function _unknown(Class) {
    return new Class({
        type: "unknown",
    });
}
// @__NO_SIDE_EFFECTS__
function _never(Class, params) {
    return new Class({
        type: "never",
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _void(Class, params) {
    return new Class({
        type: "void",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _date(Class, params) {
    return new Class({
        type: "date",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedDate(Class, params) {
    return new Class({
        type: "date",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _nan(Class, params) {
    return new Class({
        type: "nan",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _lt(value, params) {
    return new $ZodCheckLessThan({
        check: "less_than",
        ...core_util/* normalizeParams */.A2(params),
        value,
        inclusive: false,
    });
}
// @__NO_SIDE_EFFECTS__
function _lte(value, params) {
    return new $ZodCheckLessThan({
        check: "less_than",
        ...core_util/* normalizeParams */.A2(params),
        value,
        inclusive: true,
    });
}

// @__NO_SIDE_EFFECTS__
function _gt(value, params) {
    return new $ZodCheckGreaterThan({
        check: "greater_than",
        ...core_util/* normalizeParams */.A2(params),
        value,
        inclusive: false,
    });
}
// @__NO_SIDE_EFFECTS__
function _gte(value, params) {
    return new $ZodCheckGreaterThan({
        check: "greater_than",
        ...core_util/* normalizeParams */.A2(params),
        value,
        inclusive: true,
    });
}

// @__NO_SIDE_EFFECTS__
function _positive(params) {
    return _gt(0, params);
}
// negative
// @__NO_SIDE_EFFECTS__
function _negative(params) {
    return _lt(0, params);
}
// nonpositive
// @__NO_SIDE_EFFECTS__
function _nonpositive(params) {
    return _lte(0, params);
}
// nonnegative
// @__NO_SIDE_EFFECTS__
function _nonnegative(params) {
    return _gte(0, params);
}
// @__NO_SIDE_EFFECTS__
function _multipleOf(value, params) {
    return new $ZodCheckMultipleOf({
        check: "multiple_of",
        ...core_util/* normalizeParams */.A2(params),
        value,
    });
}
// @__NO_SIDE_EFFECTS__
function _maxSize(maximum, params) {
    return new checks.$ZodCheckMaxSize({
        check: "max_size",
        ...util.normalizeParams(params),
        maximum,
    });
}
// @__NO_SIDE_EFFECTS__
function _minSize(minimum, params) {
    return new checks.$ZodCheckMinSize({
        check: "min_size",
        ...util.normalizeParams(params),
        minimum,
    });
}
// @__NO_SIDE_EFFECTS__
function _size(size, params) {
    return new checks.$ZodCheckSizeEquals({
        check: "size_equals",
        ...util.normalizeParams(params),
        size,
    });
}
// @__NO_SIDE_EFFECTS__
function _maxLength(maximum, params) {
    const ch = new $ZodCheckMaxLength({
        check: "max_length",
        ...core_util/* normalizeParams */.A2(params),
        maximum,
    });
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _minLength(minimum, params) {
    return new $ZodCheckMinLength({
        check: "min_length",
        ...core_util/* normalizeParams */.A2(params),
        minimum,
    });
}
// @__NO_SIDE_EFFECTS__
function _length(length, params) {
    return new $ZodCheckLengthEquals({
        check: "length_equals",
        ...core_util/* normalizeParams */.A2(params),
        length,
    });
}
// @__NO_SIDE_EFFECTS__
function _regex(pattern, params) {
    return new $ZodCheckRegex({
        check: "string_format",
        format: "regex",
        ...core_util/* normalizeParams */.A2(params),
        pattern,
    });
}
// @__NO_SIDE_EFFECTS__
function _lowercase(params) {
    return new $ZodCheckLowerCase({
        check: "string_format",
        format: "lowercase",
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uppercase(params) {
    return new $ZodCheckUpperCase({
        check: "string_format",
        format: "uppercase",
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _includes(includes, params) {
    return new $ZodCheckIncludes({
        check: "string_format",
        format: "includes",
        ...core_util/* normalizeParams */.A2(params),
        includes,
    });
}
// @__NO_SIDE_EFFECTS__
function _startsWith(prefix, params) {
    return new $ZodCheckStartsWith({
        check: "string_format",
        format: "starts_with",
        ...core_util/* normalizeParams */.A2(params),
        prefix,
    });
}
// @__NO_SIDE_EFFECTS__
function _endsWith(suffix, params) {
    return new $ZodCheckEndsWith({
        check: "string_format",
        format: "ends_with",
        ...core_util/* normalizeParams */.A2(params),
        suffix,
    });
}
// @__NO_SIDE_EFFECTS__
function _property(property, schema, params) {
    return new checks.$ZodCheckProperty({
        check: "property",
        property,
        schema,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _properties(shape, params) {
    return new $ZodCheckProperties({
        check: "properties",
        shape,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _mime(types, params) {
    return new checks.$ZodCheckMimeType({
        check: "mime_type",
        mime: types,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _overwrite(tx) {
    return new $ZodCheckOverwrite({
        check: "overwrite",
        tx,
    });
}
// normalize
// @__NO_SIDE_EFFECTS__
function _normalize(form) {
    return _overwrite((input) => input.normalize(form));
}
// trim
// @__NO_SIDE_EFFECTS__
function _trim() {
    return _overwrite((input) => input.trim());
}
// toLowerCase
// @__NO_SIDE_EFFECTS__
function _toLowerCase() {
    return _overwrite((input) => input.toLowerCase());
}
// toUpperCase
// @__NO_SIDE_EFFECTS__
function _toUpperCase() {
    return _overwrite((input) => input.toUpperCase());
}
// slugify
// @__NO_SIDE_EFFECTS__
function _slugify() {
    return _overwrite((input) => core_util/* slugify */.Yv(input));
}
// @__NO_SIDE_EFFECTS__
function _array(Class, element, params) {
    return new Class({
        type: "array",
        element,
        // get element() {
        //   return element;
        // },
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _union(Class, options, params) {
    return new Class({
        type: "union",
        options,
        ...util.normalizeParams(params),
    });
}
function _xor(Class, options, params) {
    return new Class({
        type: "union",
        options,
        inclusive: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _discriminatedUnion(Class, discriminator, options, params) {
    return new Class({
        type: "union",
        options: options,
        discriminator,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _intersection(Class, left, right) {
    return new Class({
        type: "intersection",
        left,
        right,
    });
}
// export function _tuple(
//   Class: util.SchemaClass<schemas.$ZodTuple>,
//   items: [],
//   params?: string | $ZodTupleParams
// ): schemas.$ZodTuple<[], null>;
// @__NO_SIDE_EFFECTS__
function _tuple(Class, items, _paramsOrRest, _params) {
    const hasRest = _paramsOrRest instanceof schemas.$ZodType;
    const params = hasRest ? _params : _paramsOrRest;
    const rest = hasRest ? _paramsOrRest : null;
    return new Class({
        type: "tuple",
        items,
        rest,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _record(Class, keyType, valueType, params) {
    return new Class({
        type: "record",
        keyType,
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _map(Class, keyType, valueType, params) {
    return new Class({
        type: "map",
        keyType,
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _set(Class, valueType, params) {
    return new Class({
        type: "set",
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _enum(Class, values, params) {
    const entries = Array.isArray(values) ? Object.fromEntries(values.map((v) => [v, v])) : values;
    // if (Array.isArray(values)) {
    //   for (const value of values) {
    //     entries[value] = value;
    //   }
    // } else {
    //   Object.assign(entries, values);
    // }
    // const entries: util.EnumLike = {};
    // for (const val of values) {
    //   entries[val] = val;
    // }
    return new Class({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
/** @deprecated This API has been merged into `z.enum()`. Use `z.enum()` instead.
 *
 * ```ts
 * enum Colors { red, green, blue }
 * z.enum(Colors);
 * ```
 */
function _nativeEnum(Class, entries, params) {
    return new Class({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _literal(Class, value, params) {
    return new Class({
        type: "literal",
        values: Array.isArray(value) ? value : [value],
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _file(Class, params) {
    return new Class({
        type: "file",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _transform(Class, fn) {
    return new Class({
        type: "transform",
        transform: fn,
    });
}
// @__NO_SIDE_EFFECTS__
function _optional(Class, innerType) {
    return new Class({
        type: "optional",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _nullable(Class, innerType) {
    return new Class({
        type: "nullable",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _default(Class, innerType, defaultValue) {
    return new Class({
        type: "default",
        innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : util.shallowClone(defaultValue);
        },
    });
}
// @__NO_SIDE_EFFECTS__
function _nonoptional(Class, innerType, params) {
    return new Class({
        type: "nonoptional",
        innerType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _success(Class, innerType) {
    return new Class({
        type: "success",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _catch(Class, innerType, catchValue) {
    return new Class({
        type: "catch",
        innerType,
        catchValue: (typeof catchValue === "function" ? catchValue : util.constantCatch(catchValue)),
    });
}
// @__NO_SIDE_EFFECTS__
function _pipe(Class, in_, out) {
    return new Class({
        type: "pipe",
        in: in_,
        out,
    });
}
// @__NO_SIDE_EFFECTS__
function _readonly(Class, innerType) {
    return new Class({
        type: "readonly",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _templateLiteral(Class, parts, params) {
    return new Class({
        type: "template_literal",
        parts,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _lazy(Class, getter) {
    return new Class({
        type: "lazy",
        getter,
    });
}
// @__NO_SIDE_EFFECTS__
function _promise(Class, innerType) {
    return new Class({
        type: "promise",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _custom(Class, fn, _params) {
    const norm = util.normalizeParams(_params);
    norm.abort ?? (norm.abort = true); // default to abort:false
    const schema = new Class({
        type: "custom",
        check: "custom",
        fn: fn,
        ...norm,
    });
    return schema;
}
// same as _custom but defaults to abort:false
// @__NO_SIDE_EFFECTS__
function _refine(Class, fn, _params) {
    const schema = new Class({
        type: "custom",
        check: "custom",
        fn: fn,
        ...core_util/* normalizeParams */.A2(_params),
    });
    return schema;
}
// @__NO_SIDE_EFFECTS__
function _superRefine(fn, params) {
    const ch = _check((payload) => {
        payload.addIssue = (issue) => {
            if (typeof issue === "string") {
                payload.issues.push(core_util/* issue */.sn(issue, payload.value, ch._zod.def));
            }
            else {
                // for Zod 3 backwards compatibility
                const _issue = issue;
                if (_issue.fatal)
                    _issue.continue = false;
                _issue.code ?? (_issue.code = "custom");
                if (!("input" in _issue))
                    _issue.input = payload.value;
                _issue.inst ?? (_issue.inst = ch);
                _issue.continue ?? (_issue.continue = !ch._zod.def.abort); // abort is always undefined, so this is always true...
                payload.issues.push(core_util/* issue */.sn(_issue));
            }
        };
        return fn(payload.value, payload);
    }, params);
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _check(fn, params) {
    const ch = new $ZodCheck({
        check: "custom",
        ...core_util/* normalizeParams */.A2(params),
    });
    ch._zod.check = fn;
    return ch;
}
// @__NO_SIDE_EFFECTS__
function describe(description) {
    const ch = new $ZodCheck({ check: "describe" });
    ch._zod.onattach = [
        (inst) => {
            const existing = globalRegistry.get(inst) ?? {};
            globalRegistry.add(inst, { ...existing, description });
        },
    ];
    ch._zod.check = () => { }; // no-op check
    return ch;
}
// @__NO_SIDE_EFFECTS__
function meta(metadata) {
    const ch = new $ZodCheck({ check: "meta" });
    ch._zod.onattach = [
        (inst) => {
            const existing = globalRegistry.get(inst) ?? {};
            globalRegistry.add(inst, { ...existing, ...metadata });
        },
    ];
    ch._zod.check = () => { }; // no-op check
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _stringbool(Classes, _params) {
    const params = util.normalizeParams(_params);
    let truthyArray = params.truthy ?? ["true", "1", "yes", "on", "y", "enabled"];
    let falsyArray = params.falsy ?? ["false", "0", "no", "off", "n", "disabled"];
    if (params.case !== "sensitive") {
        truthyArray = truthyArray.map((v) => (typeof v === "string" ? v.toLowerCase() : v));
        falsyArray = falsyArray.map((v) => (typeof v === "string" ? v.toLowerCase() : v));
    }
    const truthySet = new Set(truthyArray);
    const falsySet = new Set(falsyArray);
    const _Codec = Classes.Codec ?? schemas.$ZodCodec;
    const _Boolean = Classes.Boolean ?? schemas.$ZodBoolean;
    const _String = Classes.String ?? schemas.$ZodString;
    const stringSchema = new _String({ type: "string", error: params.error });
    const booleanSchema = new _Boolean({ type: "boolean", error: params.error });
    const codec = new _Codec({
        type: "pipe",
        in: stringSchema,
        out: booleanSchema,
        transform: ((input, payload) => {
            let data = input;
            if (params.case !== "sensitive")
                data = data.toLowerCase();
            if (truthySet.has(data)) {
                return true;
            }
            else if (falsySet.has(data)) {
                return false;
            }
            else {
                payload.issues.push({
                    code: "invalid_value",
                    expected: "stringbool",
                    values: [...truthySet, ...falsySet],
                    input: payload.value,
                    inst: codec,
                    continue: false,
                });
                return {};
            }
        }),
        reverseTransform: ((input, _payload) => {
            if (input === true) {
                return truthyArray[0] || "true";
            }
            else {
                return falsyArray[0] || "false";
            }
        }),
        error: params.error,
    });
    codec._zod.bag.truthy = truthyArray;
    codec._zod.bag.falsy = falsyArray;
    codec._zod.bag.case = params.case ?? "insensitive";
    return codec;
}
// @__NO_SIDE_EFFECTS__
function _stringFormat(Class, format, fnOrRegex, _params = {}) {
    const params = util.normalizeParams(_params);
    const def = {
        check: "string_format",
        type: "string",
        format,
        fn: typeof fnOrRegex === "function" ? fnOrRegex : (val) => fnOrRegex.test(val),
        ...params,
    };
    if (fnOrRegex instanceof RegExp) {
        def.pattern = fnOrRegex;
    }
    const inst = new Class(def);
    return inst;
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/to-json-schema.js


function assignProps(target, ...sources) {
    for (const source of sources) {
        for (const key of Reflect.ownKeys(source)) {
            if (Object.prototype.propertyIsEnumerable.call(source, key)) {
                (0,core_util/* assignProp */.Vy)(target, key, source[key]);
            }
        }
    }
    return target;
}
// function initializeContext<T extends schemas.$ZodType>(inputs: JSONSchemaGeneratorParams<T>): ToJSONSchemaContext<T> {
//   return {
//     processor: inputs.processor,
//     metadataRegistry: inputs.metadata ?? globalRegistry,
//     target: inputs.target ?? "draft-2020-12",
//     unrepresentable: inputs.unrepresentable ?? "throw",
//   };
// }
function to_json_schema_initializeContext(params) {
    // Normalize target: convert old non-hyphenated versions to hyphenated versions
    let target = params?.target ?? "draft-2020-12";
    if (target === "draft-4")
        target = "draft-04";
    if (target === "draft-7")
        target = "draft-07";
    return {
        processors: params.processors ?? {},
        metadataRegistry: params?.metadata ?? globalRegistry,
        target,
        unrepresentable: params?.unrepresentable ?? "throw",
        override: params?.override ?? (() => { }),
        io: params?.io ?? "output",
        counter: 0,
        seen: new Map(),
        sharedDefsExtractedFor: undefined,
        sharedEmitDoneFor: undefined,
        cycles: params?.cycles ?? "ref",
        reused: params?.reused ?? "inline",
        intersections: [],
        deferred: [],
        external: params?.external ?? undefined,
    };
}
/**
 * Applies the `unrepresentable` setting at a site that has no JSON Schema equivalent. Throws
 * `message` unless the setting (or the handler's return value) says otherwise. Returns `true` if a
 * custom JSON Schema was written into `json`, in which case the caller must not write its own.
 */
function handleUnrepresentable(schema, ctx, json, params, message) {
    const result = typeof ctx.unrepresentable === "function"
        ? ctx.unrepresentable({ zodSchema: schema, path: params.path, message })
        : ctx.unrepresentable;
    if (result === "any")
        return false;
    if (result === undefined || result === "throw")
        throw new Error(message);
    Object.assign(json, result);
    return true;
}
// never rename this back to `process`: bundler polyfills inject a top-level `const process` that a lexical declaration of the same name collides with (#6397)
function to_json_schema_processSchema(schema, ctx, _params = { path: [], schemaPath: [] }) {
    var _a;
    const def = schema._zod.def;
    // check for schema in seens
    const seen = ctx.seen.get(schema);
    if (seen) {
        seen.count++;
        // check if cycle
        const isCycle = _params.schemaPath.includes(schema);
        if (isCycle) {
            seen.cycle = _params.path;
        }
        return seen.schema;
    }
    // initialize
    const result = { schema: {}, count: 1, cycle: undefined, path: _params.path };
    ctx.seen.set(schema, result);
    ctx.sharedDefsExtractedFor = undefined;
    ctx.sharedEmitDoneFor = undefined;
    // custom method overrides default behavior
    const overrideSchema = schema._zod.toJSONSchema?.();
    if (overrideSchema) {
        result.schema = overrideSchema;
    }
    else {
        const params = {
            ..._params,
            schemaPath: [..._params.schemaPath, schema],
            path: _params.path,
        };
        if (schema._zod.processJSONSchema) {
            schema._zod.processJSONSchema(ctx, result.schema, params);
        }
        else {
            const _json = result.schema;
            const processor = ctx.processors[def.type];
            if (!processor) {
                throw new Error(`[toJSONSchema]: Non-representable type encountered: ${def.type}`);
            }
            processor(schema, ctx, _json, params);
        }
        const parent = schema._zod.parent;
        if (parent) {
            // Also set ref if processor didn't (for inheritance)
            if (!result.ref)
                result.ref = parent;
            to_json_schema_processSchema(parent, ctx, params);
            ctx.seen.get(parent).isParent = true;
        }
    }
    // metadata
    const meta = ctx.metadataRegistry.get(schema);
    if (meta)
        assignProps(result.schema, meta);
    if (ctx.io === "input" && isTransforming(schema)) {
        // examples/defaults only apply to output type of pipe
        delete result.schema.examples;
        delete result.schema.default;
    }
    // set prefault as default
    if (ctx.io === "input" && "_prefault" in result.schema)
        (_a = result.schema).default ?? (_a.default = result.schema._prefault);
    delete result.schema._prefault;
    // pulling fresh from ctx.seen in case it was overwritten
    const _result = ctx.seen.get(schema);
    return _result.schema;
}
/** @deprecated Renamed to `processSchema`. An export alias declares no binding, so it is safe to keep. */

// Escape a reference token for use in a JSON Pointer fragment (RFC 6901): `~` becomes `~0` and `/` becomes `~1`. The `~` replacement must run first.
function encodeJSONPointerSegment(segment) {
    return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}
function to_json_schema_extractDefs(ctx, schema
// params: EmitParams
) {
    // iterate over seen map;
    const root = ctx.seen.get(schema);
    if (!root)
        throw new Error("Unprocessed schema. This is a bug in Zod.");
    // With `external` set, every registered schema resolves through the external branch of `makeURI`, so the root branch below produces the same ref the external branch would — this pass is identical whichever schema it is called with, and only needs to run once.
    if (ctx.external && ctx.sharedDefsExtractedFor === ctx.external)
        return;
    // Track ids to detect duplicates across different schemas
    const idToSchema = new Map();
    for (const entry of ctx.seen.entries()) {
        const id = ctx.metadataRegistry.get(entry[0])?.id;
        if (id) {
            const existing = idToSchema.get(id);
            if (existing && existing !== entry[0]) {
                throw new Error(`Duplicate schema id "${id}" detected during JSON Schema conversion. Two different schemas cannot share the same id when converted together.`);
            }
            idToSchema.set(id, entry[0]);
        }
    }
    // returns a ref to the schema defId will be empty if the ref points to an external schema (or #)
    const makeURI = (entry) => {
        // comparing the seen objects because sometimes multiple schemas map to the same seen object. e.g. lazy
        // external is configured
        const defsSegment = ctx.target === "draft-2020-12" ? "$defs" : "definitions";
        if (ctx.external) {
            const externalId = ctx.external.registry.get(entry[0])?.id; // ?? "__shared";// `__schema${ctx.counter++}`;
            // check if schema is in the external registry
            const uriGenerator = ctx.external.uri ?? ((id) => id);
            if (externalId) {
                return { ref: uriGenerator(externalId) };
            }
            // otherwise, add to __shared
            const id = entry[1].defId ?? entry[1].schema.id ?? `schema${ctx.counter++}`;
            entry[1].defId = id; // set defId so it will be reused if needed
            return { defId: id, ref: `${uriGenerator("__shared")}#/${defsSegment}/${encodeJSONPointerSegment(id)}` };
        }
        const uriPrefix = `#`;
        const defUriPrefix = `${uriPrefix}/${defsSegment}/`;
        // an id-less root has nowhere to be extracted to, so it stays inline and self-references as `#`
        if (entry[1] === root && !entry[1].schema.id) {
            return { ref: uriPrefix };
        }
        // self-contained schema
        const defId = entry[1].schema.id ?? `__schema${ctx.counter++}`;
        return { defId, ref: defUriPrefix + encodeJSONPointerSegment(defId) };
    };
    // stored cached version in `def` property remove all properties, set $ref
    const extractToDef = (entry) => {
        // if the schema is already a reference, do not extract it
        if (entry[1].schema.$ref) {
            return;
        }
        const seen = entry[1];
        const { ref, defId } = makeURI(entry);
        seen.def = { ...seen.schema };
        // defId won't be set if the schema is a reference to an external schema or if the schema is the root schema
        if (defId)
            seen.defId = defId;
        // wipe away all properties except $ref
        const schema = seen.schema;
        for (const key in schema) {
            delete schema[key];
        }
        schema.$ref = ref;
    };
    // throw on cycles
    // break cycles
    if (ctx.cycles === "throw") {
        for (const entry of ctx.seen.entries()) {
            const seen = entry[1];
            if (seen.cycle) {
                throw new Error("Cycle detected: " +
                    `#/${seen.cycle?.join("/")}/<root>` +
                    '\n\nSet the `cycles` parameter to `"ref"` to resolve cyclical schemas with defs.');
            }
        }
    }
    // extract schemas into $defs
    for (const entry of ctx.seen.entries()) {
        const seen = entry[1];
        // convert root schema to # $ref
        if (schema === entry[0]) {
            extractToDef(entry); // this has special handling for the root schema
            continue;
        }
        // extract schemas that are in the external registry
        if (ctx.external) {
            const ext = ctx.external.registry.get(entry[0])?.id;
            if (schema !== entry[0] && ext) {
                extractToDef(entry);
                continue;
            }
        }
        // extract schemas with `id` meta
        const id = ctx.metadataRegistry.get(entry[0])?.id;
        if (id) {
            extractToDef(entry);
            continue;
        }
        // break cycles
        if (seen.cycle) {
            // any
            extractToDef(entry);
            continue;
        }
        // extract reused schemas
        if (seen.count > 1) {
            if (ctx.reused === "ref") {
                extractToDef(entry);
            }
        }
    }
    if (ctx.external)
        ctx.sharedDefsExtractedFor = ctx.external;
}
/** Rewrites `anyOf: [{type: "a"}, {type: "b"}]` to `type: ["a", "b"]`, which every JSON Schema draft treats as equivalent and most consumers render far better for the nullable case. Only branches that are a bare type assertion qualify — anything carrying a constraint, `$ref`, `const` or metadata is left alone. Runs after `flattenRef`, so a branch an override decorated or `$defs` extraction turned into a `$ref` is no longer bare and correctly stays in `anyOf`. `oneOf` is excluded: `integer` and `number` overlap, so "exactly one" and "at least one" are not the same there. OpenAPI 3.0 is excluded: its `type` must be a single string. */
function compactTypeUnion(schema) {
    const options = schema.anyOf;
    if (!Array.isArray(options) || options.length === 0 || schema.type !== undefined)
        return;
    const types = [];
    for (const option of options) {
        if (!option || typeof option !== "object")
            return;
        // A branch that is itself a compactible union folds into this one — nested `anyOf` and a flat `type` array say the same thing. Compacting it first also makes the result independent of the order this pass walks the seen map in.
        compactTypeUnion(option);
        const keys = Object.keys(option);
        if (keys.length !== 1 || keys[0] !== "type")
            return;
        const type = option.type;
        for (const member of Array.isArray(type) ? type : [type]) {
            if (typeof member !== "string")
                return;
            if (!types.includes(member))
                types.push(member);
        }
    }
    delete schema.anyOf;
    // A `type` array must be non-empty and unique (metaschema); a single member is spelled as a bare string.
    schema.type = types.length === 1 ? types[0] : types;
}
/** Keywords `foldIntersection` knows how to combine. Anything else — `$ref`, `patternProperties`,
 * an annotation like `description` — makes a member unfoldable, so a constraint this does not
 * understand leaves the `allOf` alone instead of being silently dropped or misattributed. */
const FOLDABLE_KEYS = new Set(["type", "properties", "required", "additionalProperties"]);
const UNION_KEYS = ["oneOf", "anyOf"];
/** A member's constraint on a key it does not declare itself. A `catchall` states one; `false`, an absent `additionalProperties`, and the empty schema a loose object emits state nothing. */
function undeclaredConstraint(member) {
    const extra = member.additionalProperties;
    if (extra === undefined || extra === false || typeof extra !== "object" || extra === null)
        return null;
    return Object.keys(extra).length ? extra : null;
}
/** Combines object members into the single object they describe together, or returns `null` if any of them carries a keyword outside {@link FOLDABLE_KEYS}. */
function foldObjects(members) {
    const objects = [];
    for (const member of members) {
        // A boolean subschema is legal JSON Schema and carries no keywords to fold.
        if (typeof member !== "object" || member.type !== "object")
            return null;
        for (const key in member) {
            if (!FOLDABLE_KEYS.has(key))
                return null;
        }
        objects.push(member);
    }
    const properties = {};
    const required = new Set();
    for (const object of objects) {
        for (const key in object.properties) {
            // `in` would report a `__proto__` key as already present via the prototype chain and skip it.
            if (Object.prototype.hasOwnProperty.call(properties, key))
                continue;
            // Every member constrains this key: the ones that declare it say how, and a `catchall` member constrains it too even though it does not name it. The key has to satisfy all of them, which is the same intersection one level down.
            const parts = [];
            for (const other of objects) {
                const part = other.properties?.[key] ?? undeclaredConstraint(other);
                if (part === null || part === undefined)
                    continue;
                if (!parts.some((seen) => JSON.stringify(seen) === JSON.stringify(part)))
                    parts.push(part);
            }
            const merged = parts.length === 1
                ? parts[0]
                : (foldObjects(parts) ?? { allOf: parts });
            (0,core_util/* assignProp */.Vy)(properties, key, merged);
        }
        for (const key of object.required ?? [])
            required.add(key);
    }
    const folded = { type: "object", properties };
    if (required.size)
        folded.required = [...required];
    // A key no member declares is rejected only when every member rejects it, so the fold is closed only when every member is. Otherwise it carries whatever the `catchall` members demand of such a key.
    if (objects.every((object) => object.additionalProperties === false)) {
        folded.additionalProperties = false;
    }
    else {
        const constraints = [];
        for (const object of objects) {
            const constraint = undeclaredConstraint(object);
            if (constraint && !constraints.some((seen) => JSON.stringify(seen) === JSON.stringify(constraint)))
                constraints.push(constraint);
        }
        if (constraints.length === 1)
            folded.additionalProperties = constraints[0];
        else if (constraints.length > 1)
            folded.additionalProperties = { allOf: constraints };
    }
    return folded;
}
/** `additionalProperties` in an `allOf` member sees only that member's own `properties`, so two
 * closed object members reject each other's keys and the schema validates nothing. Zod's parser
 * pools the key sets instead — `handleIntersectionResults` reports a key as unrecognized only when
 * *every* side rejects it — so the emitted schema has to pool them too, and folding the members
 * into one object is the encoding that says so on every target.
 *
 * This runs from `finalize`, after `extractDefs`, which is what keeps it clear of the `$ref`
 * machinery: a member extracted into `$defs` is already a `$ref` by now and declines to fold, so it
 * keeps its reference and its own closedness rather than being inlined as a stale copy. */
function foldIntersection(json) {
    const allOf = json.allOf;
    if (!Array.isArray(allOf) || allOf.length < 2)
        return;
    // An `override` runs before this pass and may have written object keywords onto the intersection itself. Those are deliberate, so decline rather than overwrite them.
    for (const key of FOLDABLE_KEYS)
        if (key in json)
            return;
    // An intersection distributes over a union: `A & (X | Y)` is `(A & X) | (A & Y)`. Only the first union is distributed over; a second one stays among the members every branch folds against, where it fails the object check and declines the whole intersection rather than multiplying out.
    const unions = allOf.filter((m) => UNION_KEYS.some((k) => Array.isArray(m[k])));
    let folded = null;
    if (!unions.length) {
        folded = foldObjects(allOf);
    }
    else {
        const union = unions[0];
        const keyword = UNION_KEYS.find((k) => Array.isArray(union[k]));
        if (Object.keys(union).length !== 1)
            return;
        const rest = allOf.filter((m) => m !== union);
        const branches = union[keyword].map((branch) => foldObjects([...rest, branch]));
        if (branches.some((b) => !b))
            return;
        folded = { [keyword]: branches };
    }
    if (!folded)
        return;
    delete json.allOf;
    assignProps(json, folded);
}
function to_json_schema_finalize(ctx, schema) {
    const root = ctx.seen.get(schema);
    if (!root)
        throw new Error("Unprocessed schema. This is a bug in Zod.");
    // flatten refs - inherit properties from parent schemas
    const flattenRef = (zodSchema) => {
        const seen = ctx.seen.get(zodSchema);
        // already processed
        if (seen.ref === null)
            return;
        const schema = seen.def ?? seen.schema;
        const _cached = { ...schema };
        const ref = seen.ref;
        seen.ref = null; // prevent infinite recursion
        if (ref) {
            flattenRef(ref);
            const refSeen = ctx.seen.get(ref);
            const refSchema = refSeen.schema;
            // merge referenced schema into current
            if (refSchema.$ref && (ctx.target === "draft-07" || ctx.target === "draft-04" || ctx.target === "openapi-3.0")) {
                // older drafts can't combine $ref with other properties
                schema.allOf = schema.allOf ?? [];
                schema.allOf.push(refSchema);
            }
            else {
                assignProps(schema, refSchema);
            }
            // restore child's own properties (child wins)
            assignProps(schema, _cached);
            const isParentRef = zodSchema._zod.parent === ref;
            // For parent chain, child is a refinement - remove parent-only properties
            if (isParentRef) {
                for (const key in schema) {
                    if (key === "$ref" || key === "allOf")
                        continue;
                    if (!(key in _cached)) {
                        delete schema[key];
                    }
                }
            }
            // When ref was extracted to $defs, remove properties that match the definition
            if (refSchema.$ref && refSeen.def) {
                for (const key in schema) {
                    if (key === "$ref" || key === "allOf")
                        continue;
                    if (key in refSeen.def && JSON.stringify(schema[key]) === JSON.stringify(refSeen.def[key])) {
                        delete schema[key];
                    }
                }
            }
        }
        // If parent was extracted (has $ref), propagate $ref to this schema. This handles cases like: readonly().meta({id}).describe() where processor sets ref to innerType but parent should be referenced
        const parent = zodSchema._zod.parent;
        if (parent && parent !== ref) {
            // Ensure parent is processed first so its def has inherited properties
            flattenRef(parent);
            const parentSeen = ctx.seen.get(parent);
            if (parentSeen?.schema.$ref) {
                schema.$ref = parentSeen.schema.$ref;
                // De-duplicate with parent's definition
                if (parentSeen.def) {
                    for (const key in schema) {
                        if (key === "$ref" || key === "allOf")
                            continue;
                        if (key in parentSeen.def && JSON.stringify(schema[key]) === JSON.stringify(parentSeen.def[key])) {
                            delete schema[key];
                        }
                    }
                }
            }
        }
        // execute overrides
        ctx.override({
            zodSchema: zodSchema,
            jsonSchema: schema,
            path: seen.path ?? [],
        });
    };
    // Flattening walks the whole map and clears each `ref` as it goes, so a second call over the same map is a no-op scan. Skip it outright once it has run for a registry conversion.
    if (!ctx.external || ctx.sharedEmitDoneFor !== ctx.external) {
        for (const entry of [...ctx.seen.entries()].reverse()) {
            flattenRef(entry[0]);
        }
        if (ctx.target !== "openapi-3.0") {
            for (const entry of ctx.seen.entries()) {
                compactTypeUnion(entry[1].def ?? entry[1].schema);
            }
        }
        for (const rewrite of ctx.deferred)
            rewrite();
        // After flattening, every member that was extracted is a `$ref`, so the fold sees the final shape. A schema that inherits an intersection — through `z.lazy`, or any `ref` chain — holds the same `allOf` array, so fold by array identity to catch every copy.
        if (ctx.intersections.length) {
            const carriers = new Map();
            for (const seen of ctx.seen.values()) {
                for (const json of [seen.schema, seen.def]) {
                    const allOf = json?.allOf;
                    if (!Array.isArray(allOf))
                        continue;
                    const existing = carriers.get(allOf);
                    if (existing)
                        existing.push(json);
                    else
                        carriers.set(allOf, [json]);
                }
            }
            for (const allOf of ctx.intersections) {
                for (const json of carriers.get(allOf) ?? [])
                    foldIntersection(json);
            }
        }
    }
    const result = {};
    if (ctx.target === "draft-2020-12") {
        result.$schema = "https://json-schema.org/draft/2020-12/schema";
    }
    else if (ctx.target === "draft-07") {
        result.$schema = "http://json-schema.org/draft-07/schema#";
    }
    else if (ctx.target === "draft-04") {
        result.$schema = "http://json-schema.org/draft-04/schema#";
    }
    else if (ctx.target === "openapi-3.0") {
        // OpenAPI 3.0 schema objects should not include a $schema property
    }
    else {
        // Arbitrary string values are allowed but won't have a $schema property set
    }
    if (ctx.external?.uri) {
        const id = ctx.external.registry.get(schema)?.id;
        if (!id)
            throw new Error("Schema is missing an `id` property");
        result.$id = ctx.external.uri(id);
    }
    // when the root was extracted into $defs, `root.schema` is the `$ref` wrapper and `root.def` is the body that now lives under $defs
    assignProps(result, root.defId ? root.schema : (root.def ?? root.schema));
    // The `id` in `.meta()` is a Zod-specific registration tag used to extract schemas into $defs — it is not user-facing JSON Schema metadata. Strip it from the output body where it would otherwise leak. The id is preserved implicitly via the $defs key (and via $ref paths).
    const rootMetaId = ctx.metadataRegistry.get(schema)?.id;
    if (rootMetaId !== undefined && result.id === rootMetaId)
        delete result.id;
    // build defs object. With `external`, `defs` is the shared object every schema writes into, so the same entries are reassigned on every call. Without it, `defs` is fresh per call and must be rebuilt.
    const defs = ctx.external?.defs ?? {};
    if (!ctx.external || ctx.sharedEmitDoneFor !== ctx.external) {
        for (const entry of ctx.seen.entries()) {
            const seen = entry[1];
            if (seen.def && seen.defId) {
                if (seen.def.id === seen.defId)
                    delete seen.def.id;
                (0,core_util/* assignProp */.Vy)(defs, seen.defId, seen.def);
            }
        }
    }
    if (ctx.external)
        ctx.sharedEmitDoneFor = ctx.external;
    // set definitions in result
    if (ctx.external) {
    }
    else {
        if (Object.keys(defs).length > 0) {
            if (ctx.target === "draft-2020-12") {
                result.$defs = defs;
            }
            else {
                result.definitions = defs;
            }
        }
    }
    try {
        // this "finalizes" this schema and ensures all cycles are removed each call to finalize() is functionally independent though the seen map is shared
        const finalized = JSON.parse(JSON.stringify(result));
        Object.defineProperty(finalized, "~standard", {
            value: {
                ...schema["~standard"],
                jsonSchema: {
                    input: createStandardJSONSchemaMethod(schema, "input", ctx.processors),
                    output: createStandardJSONSchemaMethod(schema, "output", ctx.processors),
                },
            },
            enumerable: false,
            writable: false,
        });
        return finalized;
    }
    catch (_err) {
        throw new Error("Error converting schema to JSON.");
    }
}
function isTransforming(_schema, _ctx) {
    const ctx = _ctx ?? { seen: new Set() };
    if (ctx.seen.has(_schema))
        return false;
    ctx.seen.add(_schema);
    const def = _schema._zod.def;
    if (def.type === "transform")
        return true;
    if (def.type === "array")
        return isTransforming(def.element, ctx);
    if (def.type === "set")
        return isTransforming(def.valueType, ctx);
    if (def.type === "lazy")
        return isTransforming(def.getter(), ctx);
    if (def.type === "promise" ||
        def.type === "optional" ||
        def.type === "nonoptional" ||
        def.type === "nullable" ||
        def.type === "readonly" ||
        def.type === "default" ||
        def.type === "prefault" ||
        def.type === "catch") {
        return isTransforming(def.innerType, ctx);
    }
    if (def.type === "intersection") {
        return isTransforming(def.left, ctx) || isTransforming(def.right, ctx);
    }
    if (def.type === "record" || def.type === "map") {
        return isTransforming(def.keyType, ctx) || isTransforming(def.valueType, ctx);
    }
    if (def.type === "pipe") {
        if (_schema._zod.traits.has("$ZodCodec"))
            return true;
        return isTransforming(def.in, ctx) || isTransforming(def.out, ctx);
    }
    if (def.type === "object") {
        for (const key in def.shape) {
            if (isTransforming(def.shape[key], ctx))
                return true;
        }
        return false;
    }
    if (def.type === "union") {
        for (const option of def.options) {
            if (isTransforming(option, ctx))
                return true;
        }
        return false;
    }
    if (def.type === "tuple") {
        for (const item of def.items) {
            if (isTransforming(item, ctx))
                return true;
        }
        if (def.rest && isTransforming(def.rest, ctx))
            return true;
        return false;
    }
    return false;
}
/**
 * Creates a toJSONSchema method for a schema instance.
 * This encapsulates the logic of initializing context, processing, extracting defs, and finalizing.
 */
const createToJSONSchemaMethod = (schema, processors = {}) => (params) => {
    const ctx = to_json_schema_initializeContext({ ...params, processors });
    to_json_schema_processSchema(schema, ctx);
    to_json_schema_extractDefs(ctx, schema);
    return to_json_schema_finalize(ctx, schema);
};
const createStandardJSONSchemaMethod = (schema, io, processors = {}) => (params) => {
    const { libraryOptions, target } = params ?? {};
    const ctx = to_json_schema_initializeContext({ ...(libraryOptions ?? {}), target, io, processors });
    to_json_schema_processSchema(schema, ctx);
    to_json_schema_extractDefs(ctx, schema);
    return to_json_schema_finalize(ctx, schema);
};

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/json-schema-processors.js




const narrowMin = (agg, key, value) => {
    if (agg[key] === undefined || value > agg[key])
        agg[key] = value;
};
const narrowMax = (agg, key, value) => {
    if (agg[key] === undefined || value < agg[key])
        agg[key] = value;
};
const narrowBoth = (agg, value) => {
    narrowMin(agg, "minimum", value);
    narrowMax(agg, "maximum", value);
};
const addDivisor = (agg, value) => {
    agg.multipleOf ?? (agg.multipleOf = []);
    if (!agg.multipleOf.includes(value))
        agg.multipleOf.push(value);
};
const addPattern = (agg, pattern) => {
    agg.patterns ?? (agg.patterns = new Set());
    agg.patterns.add(pattern);
};
const intersectMime = (agg, mime) => {
    agg.mime = agg.mime ? agg.mime.filter((m) => mime.includes(m)) : [...mime];
};
// last-wins, matching the bag's historical write order; the flag keeps an integer format from being lost to a later float one
const setFormat = (agg, format) => {
    agg.format = format;
    if (format.includes("int"))
        agg.isInt = true;
};
const minContributor = (agg, def) => narrowMin(agg, "minimum", def.minimum);
const maxContributor = (agg, def) => narrowMax(agg, "maximum", def.maximum);
const formatContributor = (ranges) => (agg, def) => {
    setFormat(agg, def.format);
    const [minimum, maximum] = ranges[def.format];
    narrowMin(agg, "minimum", minimum);
    narrowMax(agg, "maximum", maximum);
};
const contributors = {
    greater_than: (agg, def) => narrowMin(agg, def.inclusive ? "minimum" : "exclusiveMinimum", def.value),
    less_than: (agg, def) => narrowMax(agg, def.inclusive ? "maximum" : "exclusiveMaximum", def.value),
    multiple_of: (agg, def) => addDivisor(agg, def.value),
    number_format: formatContributor(core_util/* NUMBER_FORMAT_RANGES */.zH),
    bigint_format: formatContributor(core_util/* BIGINT_FORMAT_RANGES */.NR),
    min_length: minContributor,
    max_length: maxContributor,
    length_equals: (agg, def) => narrowBoth(agg, def.length),
    min_size: minContributor,
    max_size: maxContributor,
    size_equals: (agg, def) => narrowBoth(agg, def.size),
    string_format: (agg, def) => {
        setFormat(agg, def.format);
        if (def.pattern)
            addPattern(agg, def.pattern);
        if (def.format === "base64" || def.format === "base64url")
            agg.contentEncoding = def.format;
        if (def.local || def.precision === -1)
            agg.laxFormat = true;
    },
    mime_type: (agg, def) => intersectMime(agg, def.mime),
};
function aggregateChecks(schema) {
    const agg = {};
    const def = schema._zod.def;
    // a format schema is its own first check, same rule as $ZodType init
    const list = schema._zod.traits.has("$ZodCheck")
        ? [schema, ...(def.checks ?? [])]
        : (def.checks ?? []);
    for (const ch of list)
        contributors[ch._zod.def.check]?.(agg, ch._zod.def);
    // reconcile with the bag so third-party onattach contributions still land; first-party residue is never tighter than the fold, so merging it back is idempotent for one and additive for the other
    const bag = schema._zod.bag;
    if (bag.minimum !== undefined)
        narrowMin(agg, "minimum", bag.minimum);
    if (bag.exclusiveMinimum !== undefined)
        narrowMin(agg, "exclusiveMinimum", bag.exclusiveMinimum);
    if (bag.maximum !== undefined)
        narrowMax(agg, "maximum", bag.maximum);
    if (bag.exclusiveMaximum !== undefined)
        narrowMax(agg, "exclusiveMaximum", bag.exclusiveMaximum);
    if (bag.multipleOf !== undefined)
        addDivisor(agg, bag.multipleOf);
    if (bag.format !== undefined) {
        agg.format ?? (agg.format = bag.format);
        if (bag.format.includes("int"))
            agg.isInt = true;
    }
    if (bag.mime)
        intersectMime(agg, bag.mime);
    for (const pattern of bag.patterns ?? [])
        addPattern(agg, pattern);
    return agg;
}
const formatMap = {
    guid: "uuid",
    url: "uri",
    datetime: "date-time",
    json_string: "json-string",
    regex: "", // do not set
};
// ==================== SIMPLE TYPE PROCESSORS ====================
// the runtime patterns are lax so parse paths never overflow the regex stack; the emitted schema swaps in the exact block forms, which zod itself never executes
const exactPatterns = new Map([
    [base64Charset, base64],
    [base64urlCharset, base64url],
]);
const exactPattern = (p) => exactPatterns.get(p) ?? p;
const stringProcessor = (schema, ctx, _json, _params) => {
    const json = _json;
    json.type = "string";
    const { minimum, maximum, format, patterns, contentEncoding, laxFormat } = aggregateChecks(schema);
    if (typeof minimum === "number")
        json.minLength = minimum;
    if (typeof maximum === "number")
        json.maxLength = maximum;
    // custom pattern overrides format
    if (format) {
        json.format = formatMap[format] ?? format;
        if (json.format === "")
            delete json.format; // empty format is not valid
        // `z.iso.time()` is never full-time, and `laxFormat` carries the datetime shapes that also accept what their keyword forbids
        if (format === "time" || laxFormat) {
            delete json.format;
        }
    }
    if (contentEncoding)
        json.contentEncoding = contentEncoding;
    if (patterns && patterns.size > 0) {
        const patternList = [...patterns].map(exactPattern);
        if (patternList.length === 1)
            json.pattern = patternList[0].source;
        else if (patternList.length > 1) {
            json.allOf = [
                ...patternList.map((regex) => ({
                    ...(ctx.target === "draft-07" || ctx.target === "draft-04" || ctx.target === "openapi-3.0"
                        ? { type: "string" }
                        : {}),
                    pattern: regex.source,
                })),
            ];
        }
    }
};
const numberProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const { minimum, maximum, multipleOf, exclusiveMaximum, exclusiveMinimum, isInt } = aggregateChecks(schema);
    json.type = isInt ? "integer" : "number";
    // when both minimum and exclusiveMinimum exist, pick the more restrictive one
    const exMin = typeof exclusiveMinimum === "number" && exclusiveMinimum >= (minimum ?? Number.NEGATIVE_INFINITY);
    const exMax = typeof exclusiveMaximum === "number" && exclusiveMaximum <= (maximum ?? Number.POSITIVE_INFINITY);
    const legacy = ctx.target === "draft-04" || ctx.target === "openapi-3.0";
    if (exMin) {
        if (legacy) {
            json.minimum = exclusiveMinimum;
            json.exclusiveMinimum = true;
        }
        else {
            json.exclusiveMinimum = exclusiveMinimum;
        }
    }
    else if (typeof minimum === "number") {
        json.minimum = minimum;
    }
    if (exMax) {
        if (legacy) {
            json.maximum = exclusiveMaximum;
            json.exclusiveMaximum = true;
        }
        else {
            json.exclusiveMaximum = exclusiveMaximum;
        }
    }
    else if (typeof maximum === "number") {
        json.maximum = maximum;
    }
    if (multipleOf) {
        // JSON Schema requires a divisor strictly greater than zero, and a non-finite one does not survive JSON at all. A negative divisor accepts exactly what its absolute value accepts, so it still maps; zero, NaN and Infinity have no keyword form.
        const divisors = new Set();
        for (const divisor of multipleOf) {
            if (Number.isFinite(divisor) && divisor !== 0)
                divisors.add(Math.abs(divisor));
            else
                handleUnrepresentable(schema, ctx, json, params, `A multipleOf divisor of ${divisor} cannot be represented in JSON Schema`);
        }
        // chained divisors are a conjunction the keyword cannot carry alone, so extras ride an allOf, same as stacked patterns
        const [first, ...rest] = divisors;
        if (first !== undefined)
            json.multipleOf = first;
        if (rest.length)
            json.allOf = [...(json.allOf ?? []), ...rest.map((m) => ({ multipleOf: m }))];
    }
};
const booleanProcessor = (_schema, _ctx, json, _params) => {
    json.type = "boolean";
};
const bigintProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "BigInt cannot be represented in JSON Schema");
};
const symbolProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Symbols cannot be represented in JSON Schema");
};
const nullProcessor = (_schema, ctx, json, _params) => {
    if (ctx.target === "openapi-3.0") {
        json.type = "string";
        json.nullable = true;
        json.enum = [null];
    }
    else {
        json.type = "null";
    }
};
const undefinedProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Undefined cannot be represented in JSON Schema");
};
const voidProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Void cannot be represented in JSON Schema");
};
const neverProcessor = (_schema, _ctx, json, _params) => {
    json.not = {};
};
const anyProcessor = (_schema, _ctx, _json, _params) => {
    // empty schema accepts anything
};
const unknownProcessor = (_schema, _ctx, _json, _params) => {
    // empty schema accepts anything
};
const dateProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Date cannot be represented in JSON Schema");
};
const enumProcessor = (schema, _ctx, json, _params) => {
    const def = schema._zod.def;
    const values = (0,core_util/* getEnumValues */.w5)(def.entries);
    // an empty enum accepts nothing, same as z.never()
    if (values.length === 0) {
        json.not = {};
        return;
    }
    // Number enums can have both string and number values
    if (values.every((v) => typeof v === "number"))
        json.type = "number";
    if (values.every((v) => typeof v === "string"))
        json.type = "string";
    json.enum = values;
};
const literalProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    // a literal with no values accepts nothing, same as z.never()
    if (def.values.length === 0) {
        json.not = {};
        return;
    }
    const vals = [];
    for (const val of def.values) {
        if (val === undefined) {
            // a custom schema replaces the whole literal, so there is nothing left to accumulate
            if (handleUnrepresentable(schema, ctx, json, params, "Literal `undefined` cannot be represented in JSON Schema"))
                return;
            // otherwise do not add to vals
        }
        else if (typeof val === "bigint") {
            if (handleUnrepresentable(schema, ctx, json, params, "BigInt literals cannot be represented in JSON Schema"))
                return;
            vals.push(Number(val));
        }
        else {
            vals.push(val);
        }
    }
    if (vals.length === 0) {
        // do nothing (an undefined literal was stripped)
    }
    else if (vals.length === 1) {
        const val = vals[0];
        json.type = val === null ? "null" : typeof val;
        if (ctx.target === "draft-04" || ctx.target === "openapi-3.0") {
            json.enum = [val];
        }
        else {
            json.const = val;
        }
    }
    else {
        if (vals.every((v) => typeof v === "number"))
            json.type = "number";
        if (vals.every((v) => typeof v === "string"))
            json.type = "string";
        if (vals.every((v) => typeof v === "boolean"))
            json.type = "boolean";
        if (vals.every((v) => v === null))
            json.type = "null";
        json.enum = vals;
    }
};
const nanProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "NaN cannot be represented in JSON Schema");
};
const templateLiteralProcessor = (schema, _ctx, json, _params) => {
    const _json = json;
    const pattern = schema._zod.pattern;
    if (!pattern)
        throw new Error("Pattern not found in template literal");
    _json.type = "string";
    _json.pattern = pattern.source;
};
const fileProcessor = (schema, _ctx, json, _params) => {
    const _json = json;
    _json.type = "string";
    _json.format = "binary";
    _json.contentEncoding = "binary";
    const { minimum, maximum, mime } = aggregateChecks(schema);
    if (minimum !== undefined)
        _json.minLength = minimum;
    if (maximum !== undefined)
        _json.maxLength = maximum;
    if (!mime)
        return;
    // an empty intersection means the mime checks share no value, so nothing passes at runtime; `anyOf` must be non-empty, so the false schema is `not: {}`
    if (mime.length === 0)
        _json.not = {};
    else if (mime.length === 1)
        _json.contentMediaType = mime[0];
    // only contentMediaType differs, so the shared props stay at the root
    else
        _json.anyOf = mime.map((m) => ({ contentMediaType: m }));
};
const successProcessor = (_schema, _ctx, json, _params) => {
    json.type = "boolean";
};
const customProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Custom types cannot be represented in JSON Schema");
};
const functionProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Function types cannot be represented in JSON Schema");
};
const transformProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Transforms cannot be represented in JSON Schema");
};
const mapProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Map cannot be represented in JSON Schema");
};
const setProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Set cannot be represented in JSON Schema");
};
// ==================== COMPOSITE TYPE PROCESSORS ====================
const arrayProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    const { minimum, maximum } = aggregateChecks(schema);
    if (typeof minimum === "number")
        json.minItems = minimum;
    if (typeof maximum === "number")
        json.maxItems = maximum;
    json.type = "array";
    json.items = to_json_schema_processSchema(def.element, ctx, {
        ...params,
        path: [...params.path, "items"],
    });
};
// Transform and catch set `optin = "optional"` at runtime so the parser lets them observe an
// absent key, but their declared input type stays required. An input JSON Schema describes the
// declared type, so resolve past them to the schema that actually carries the optionality.
// Used by both `objectProcessor` (for `required`) and `tupleProcessor` (for `minItems`); see
// wiki/optionality.md, "The JSON Schema emitter reads the *static* value".
function inputOptin(schema) {
    const def = schema._zod.def;
    if (def.type === "pipe" && def.in._zod.traits.has("$ZodTransform")) {
        return inputOptin(def.out);
    }
    if (def.type === "catch") {
        return inputOptin(def.innerType);
    }
    return schema._zod.optin;
}
const objectProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    const shape = def.shape;
    // dropping it while still emitting `additionalProperties: false` would emit a schema that rejects data this one requires
    const symbolKeys = Object.getOwnPropertySymbols(shape);
    if (symbolKeys.length &&
        handleUnrepresentable(schema, ctx, json, params, "Symbol keys cannot be represented in JSON Schema")) {
        return;
    }
    json.type = "object";
    json.properties = {};
    for (const key in shape) {
        // assignProp so a __proto__ key becomes an own property instead of hitting the inherited setter on the plain {} we build into
        (0,core_util/* assignProp */.Vy)(json.properties, key, to_json_schema_processSchema(shape[key], ctx, {
            ...params,
            path: [...params.path, "properties", key],
        }));
    }
    // required keys
    const requiredKeys = [];
    for (const key of Object.keys(shape)) {
        const field = def.shape[key];
        if (ctx.io === "input" ? inputOptin(field) === undefined : field._zod.optout === undefined) {
            requiredKeys.push(key);
        }
    }
    if (requiredKeys.length > 0) {
        json.required = requiredKeys;
    }
    // catchall
    if (def.catchall?._zod.def.type === "never") {
        // strict
        json.additionalProperties = false;
    }
    else if (!def.catchall) {
        // regular
        if (ctx.io === "output")
            json.additionalProperties = false;
    }
    else if (def.catchall) {
        json.additionalProperties = to_json_schema_processSchema(def.catchall, ctx, {
            ...params,
            path: [...params.path, "additionalProperties"],
        });
    }
};
const unionProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    // Exclusive unions (inclusive === false) use oneOf (exactly one match) instead of anyOf (one or more matches). This includes both z.xor() and discriminated unions
    const isExclusive = def.inclusive === false;
    const options = def.options.map((x, i) => to_json_schema_processSchema(x, ctx, {
        ...params,
        path: [...params.path, isExclusive ? "oneOf" : "anyOf", i],
    }));
    if (isExclusive) {
        json.oneOf = options;
    }
    else {
        json.anyOf = options;
    }
};
const intersectionProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    const a = to_json_schema_processSchema(def.left, ctx, {
        ...params,
        path: [...params.path, "allOf", 0],
    });
    const b = to_json_schema_processSchema(def.right, ctx, {
        ...params,
        path: [...params.path, "allOf", 1],
    });
    const isSimpleIntersection = (val) => "allOf" in val && Object.keys(val).length === 1;
    const allOf = [
        ...(isSimpleIntersection(a) ? a.allOf : [a]),
        ...(isSimpleIntersection(b) ? b.allOf : [b]),
    ];
    json.allOf = allOf;
    // Recorded innermost first, so a nested intersection has already folded by the time this one is considered. The array is the handle rather than the schema, because a wrapper that inherits this schema shares the same array; `finalize` folds every object holding it. See `foldIntersection`.
    ctx.intersections.push(allOf);
};
const tupleProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    json.type = "array";
    const prefixPath = ctx.target === "draft-2020-12" ? "prefixItems" : "items";
    const restPath = ctx.target === "draft-2020-12" ? "items" : ctx.target === "openapi-3.0" ? "items" : "additionalItems";
    const prefixItems = def.items.map((x, i) => to_json_schema_processSchema(x, ctx, {
        ...params,
        path: [...params.path, prefixPath, i],
    }));
    const rest = def.rest
        ? to_json_schema_processSchema(def.rest, ctx, {
            ...params,
            path: [...params.path, restPath, ...(ctx.target === "openapi-3.0" ? [def.items.length] : [])],
        })
        : null;
    let minItems = def.items.length;
    while (minItems > 0) {
        const item = def.items[minItems - 1];
        const optional = ctx.io === "input" ? inputOptin(item) !== undefined : item._zod.optout === "optional";
        if (!optional)
            break;
        minItems--;
    }
    const maxItems = def.items.length;
    const isClosed = !def.rest;
    if (ctx.target === "draft-2020-12") {
        json.prefixItems = prefixItems;
        if (isClosed) {
            json.items = false;
        }
        else if (rest) {
            json.items = rest;
        }
        if (minItems > 0)
            json.minItems = minItems;
        if (isClosed)
            json.maxItems = maxItems;
    }
    else if (ctx.target === "openapi-3.0") {
        json.items = {
            anyOf: prefixItems,
        };
        if (rest) {
            json.items.anyOf.push(rest);
        }
        if (minItems > 0)
            json.minItems = minItems;
        if (isClosed)
            json.maxItems = maxItems;
    }
    else {
        json.items = prefixItems;
        if (isClosed) {
            json.additionalItems = false;
        }
        else if (rest) {
            json.additionalItems = rest;
        }
        if (minItems > 0)
            json.minItems = minItems;
        if (isClosed)
            json.maxItems = maxItems;
    }
    // explicit user-defined length checks take precedence
    const { minimum, maximum } = aggregateChecks(schema);
    if (typeof minimum === "number")
        json.minItems = minimum;
    if (typeof maximum === "number")
        json.maxItems = maximum;
};
/** JSON object keys are always strings, so a numeric record key schema is re-expressed over the
 * numeric-string form the record parser matches. Deferred to `finalize`, after the flatten: a key
 * behind a wrapper only carries its own `type` before then, and a union key only has its branches.
 *
 * A numeric bound cannot apply to a property name, so `minimum` and its siblings are dropped rather
 * than carried over: keeping them beside `type: "string"` reproduces the match-nothing schema this
 * exists to fix. A key that carries one therefore emits wider than the record parses — `z.record(z.number().min(5), V)`
 * accepts `"3"` — which is the deliberate trade, since throwing on it would reject an ordinary schema
 * outright. */
function stringifyKeyNames(bySchema, json, visited) {
    // an extracted key that rewrites cannot go on sharing its definition — the string form a key position needs is not the number form every other reference wants — so it inlines. One that does not rewrite keeps the `$ref`.
    if (json.$ref) {
        // a recursive key holds its own reference inside its definition, so a node already on the path is left alone rather than resolved again
        if (visited.has(json))
            return json;
        visited.add(json);
        const def = bySchema.get(json)?.def;
        if (!def)
            return json;
        const inlined = stringifyKeyNames(bySchema, def, visited);
        return inlined === def ? json : inlined;
    }
    for (const keyword of ["anyOf", "oneOf"]) {
        const branches = json[keyword];
        if (!Array.isArray(branches))
            continue;
        const mapped = branches.map((branch) => stringifyKeyNames(bySchema, branch, visited));
        // rebuilding regardless would detach a key that had nothing to re-express, dropping its `$ref` and leaking the internal `id`
        if (mapped.some((branch, i) => branch !== branches[i]))
            json = { ...json, [keyword]: mapped };
    }
    // a member that already admits a string leaves the key unconstrained, so the node's own type re-expresses only when every member is numeric
    const types = Array.isArray(json.type) ? json.type : [json.type];
    const numericType = !types.includes("string") && types.some((t) => t === "number" || t === "integer");
    // a heterogeneous key carries no type at all, so its numeric members are caught here instead
    const values = json.enum ?? (json.const !== undefined ? [json.const] : undefined);
    if (!numericType && !values?.some((v) => typeof v === "number"))
        return json;
    const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf, format, id, ...rest } = json;
    if (rest.enum)
        rest.enum = rest.enum.map((v) => (typeof v === "number" ? String(v) : v));
    else if (typeof rest.const === "number")
        rest.const = String(rest.const);
    // a heterogeneous key keeps its absent type: the stringified members already say what a key may be
    if (!numericType)
        return rest;
    rest.type = "string";
    if (!values)
        rest.pattern = (types.includes("number") ? number : integer).source;
    return rest;
}
/** Every record of one conversion, so the carriers are found in a single pass rather than once per record. */
const pendingRecords = new WeakMap();
function rewriteKeyNames(ctx) {
    // an extracted key is resolved by the object `extractToDef` left in its place, so the map is built once rather than searched per reference. `_zod.toJSONSchema` can hand the same object to two schemas, so the first entry carrying a body wins, as a search would have found it.
    const bySchema = new Map();
    for (const entry of ctx.seen.values()) {
        if (entry.def && !bySchema.has(entry.schema))
            bySchema.set(entry.schema, entry);
    }
    const rewrites = new Map();
    for (const record of pendingRecords.get(ctx) ?? []) {
        const seen = ctx.seen.get(record);
        const names = (seen?.def ?? seen?.schema)?.propertyNames;
        if (!names || names === true || rewrites.has(names))
            continue;
        const rewritten = stringifyKeyNames(bySchema, names, new Set());
        if (rewritten !== names)
            rewrites.set(names, rewritten);
    }
    if (!rewrites.size)
        return;
    // the flatten has already copied each record's own properties onto every wrapper by reference, and an extracted body is another such copy, so every carrier holding a rewritten key is updated together
    for (const entry of ctx.seen.values()) {
        for (const carrier of [entry.schema, entry.def]) {
            const rewritten = carrier && rewrites.get(carrier.propertyNames);
            if (rewritten)
                carrier.propertyNames = rewritten;
        }
    }
}
const recordProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    json.type = "object";
    // For looseRecord with regex patterns, use patternProperties. This correctly represents "only validate keys matching the pattern" semantics and composes well with allOf (intersections)
    const keyType = def.keyType;
    const patterns = aggregateChecks(keyType).patterns;
    if (def.mode === "loose" && patterns && patterns.size > 0) {
        // Use patternProperties for looseRecord with regex patterns
        const valueSchema = to_json_schema_processSchema(def.valueType, ctx, {
            ...params,
            path: [...params.path, "patternProperties", "*"],
        });
        json.patternProperties = {};
        for (const pattern of patterns) {
            (0,core_util/* assignProp */.Vy)(json.patternProperties, exactPattern(pattern).source, valueSchema);
        }
    }
    else {
        // Default behavior: use propertyNames + additionalProperties
        if (ctx.target === "draft-07" || ctx.target === "draft-2020-12") {
            json.propertyNames = to_json_schema_processSchema(def.keyType, ctx, {
                ...params,
                path: [...params.path, "propertyNames"],
            });
            let pending = pendingRecords.get(ctx);
            if (!pending) {
                pending = [];
                pendingRecords.set(ctx, pending);
                ctx.deferred.push(() => rewriteKeyNames(ctx));
            }
            pending.push(schema);
        }
        json.additionalProperties = to_json_schema_processSchema(def.valueType, ctx, {
            ...params,
            path: [...params.path, "additionalProperties"],
        });
    }
    // Add required for keys with discrete values (enum, literal, etc.)
    const keyValues = keyType._zod.values;
    // Every key shares one value schema, so an optional-in value makes the whole key set omittable on input. Output keeps them: the exhaustive branch assigns every key, even one whose value came back undefined.
    const omittableOnInput = ctx.io === "input" && inputOptin(def.valueType) !== undefined;
    if (keyValues && !def.partial && !omittableOnInput) {
        const validKeyValues = [...keyValues].filter((v) => typeof v === "string" || typeof v === "number");
        if (validKeyValues.length > 0) {
            json.required = validKeyValues.map(String);
        }
    }
};
const nullableProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    const inner = to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    if (ctx.target === "openapi-3.0") {
        seen.ref = def.innerType;
        json.nullable = true;
    }
    else {
        json.anyOf = [inner, { type: "null" }];
    }
};
const nonoptionalProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
};
/** Round-trips a default value through JSON so the emitted schema is guaranteed to be valid JSON.
 * A BigInt has no reliable encoding, so it goes through `unrepresentable` like any other
 * unrepresentable value. Returns a sentinel when the caller must not write a default of its own. */
const UNREPRESENTABLE_DEFAULT = Symbol();
function serializeDefaultValue(value, schema, ctx, json, params) {
    let unrepresentable = false;
    const serialized = JSON.stringify(value, (_, val) => {
        if (typeof val !== "bigint")
            return val;
        unrepresentable = true;
        return null;
    });
    if (!unrepresentable)
        return JSON.parse(serialized);
    handleUnrepresentable(schema, ctx, json, params, "BigInt defaults cannot be represented in JSON Schema");
    return UNREPRESENTABLE_DEFAULT;
}
const defaultProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    const value = serializeDefaultValue(def.defaultValue, schema, ctx, json, params);
    if (value !== UNREPRESENTABLE_DEFAULT)
        json.default = value;
};
const prefaultProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    if (ctx.io !== "input")
        return;
    const value = serializeDefaultValue(def.defaultValue, schema, ctx, json, params);
    if (value !== UNREPRESENTABLE_DEFAULT)
        json._prefault = value;
};
const catchProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    let catchValue;
    try {
        catchValue = def.catchValue(undefined);
    }
    catch {
        handleUnrepresentable(schema, ctx, json, params, "Dynamic catch values are not supported in JSON Schema");
        return;
    }
    json.default = catchValue;
};
const pipeProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    const inIsTransform = def.in._zod.traits.has("$ZodTransform");
    const innerType = ctx.io === "input" ? (inIsTransform ? def.out : def.in) : def.out;
    to_json_schema_processSchema(innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = innerType;
};
const readonlyProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    json.readOnly = true;
};
const promiseProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
};
const optionalProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
};
const lazyProcessor = (schema, ctx, _json, params) => {
    const innerType = schema._zod.innerType;
    to_json_schema_processSchema(innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = innerType;
};
// ==================== ALL PROCESSORS ====================
const allProcessors = {
    string: stringProcessor,
    number: numberProcessor,
    boolean: booleanProcessor,
    bigint: bigintProcessor,
    symbol: symbolProcessor,
    null: nullProcessor,
    undefined: undefinedProcessor,
    void: voidProcessor,
    never: neverProcessor,
    any: anyProcessor,
    unknown: unknownProcessor,
    date: dateProcessor,
    enum: enumProcessor,
    literal: literalProcessor,
    nan: nanProcessor,
    template_literal: templateLiteralProcessor,
    file: fileProcessor,
    success: successProcessor,
    custom: customProcessor,
    function: functionProcessor,
    transform: transformProcessor,
    map: mapProcessor,
    set: setProcessor,
    array: arrayProcessor,
    object: objectProcessor,
    union: unionProcessor,
    intersection: intersectionProcessor,
    tuple: tupleProcessor,
    record: recordProcessor,
    nullable: nullableProcessor,
    nonoptional: nonoptionalProcessor,
    default: defaultProcessor,
    prefault: prefaultProcessor,
    catch: catchProcessor,
    pipe: pipeProcessor,
    readonly: readonlyProcessor,
    promise: promiseProcessor,
    optional: optionalProcessor,
    lazy: lazyProcessor,
};
function toJSONSchema(input, params) {
    if ("_idmap" in input) {
        // Registry case
        const registry = input;
        const ctx = initializeContext({ ...params, processors: allProcessors });
        const defs = {};
        // First pass: process all schemas to build the seen map
        for (const entry of registry._idmap.entries()) {
            const [_, schema] = entry;
            processSchema(schema, ctx);
        }
        const schemas = {};
        const external = {
            registry,
            uri: params?.uri,
            defs,
        };
        // Update the context with external configuration
        ctx.external = external;
        // Second pass: emit each schema
        for (const entry of registry._idmap.entries()) {
            const [key, schema] = entry;
            extractDefs(ctx, schema);
            assignProp(schemas, key, finalize(ctx, schema));
        }
        if (Object.keys(defs).length > 0) {
            const defsSegment = ctx.target === "draft-2020-12" ? "$defs" : "definitions";
            schemas.__shared = {
                [defsSegment]: defs,
            };
        }
        return { schemas };
    }
    // Single schema case
    const ctx = initializeContext({ ...params, processors: allProcessors });
    processSchema(input, ctx);
    extractDefs(ctx, input);
    return finalize(ctx, input);
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/locales/en.js

const error = () => {
    const Sizable = {
        string: { unit: "characters", verb: "to have" },
        file: { unit: "bytes", verb: "to have" },
        array: { unit: "items", verb: "to have" },
        set: { unit: "items", verb: "to have" },
        map: { unit: "entries", verb: "to have" },
    };
    function getSizing(origin) {
        return Sizable[origin] ?? null;
    }
    const FormatDictionary = {
        regex: "input",
        email: "email address",
        url: "URL",
        emoji: "emoji",
        uuid: "UUID",
        uuidv4: "UUIDv4",
        uuidv6: "UUIDv6",
        nanoid: "nanoid",
        guid: "GUID",
        cuid: "cuid",
        cuid2: "cuid2",
        ulid: "ULID",
        xid: "XID",
        ksuid: "KSUID",
        datetime: "ISO datetime",
        date: "ISO date",
        time: "ISO time",
        duration: "ISO duration",
        ipv4: "IPv4 address",
        ipv6: "IPv6 address",
        mac: "MAC address",
        cidrv4: "IPv4 range",
        cidrv6: "IPv6 range",
        base64: "base64-encoded string",
        base64url: "base64url-encoded string",
        json_string: "JSON string",
        e164: "E.164 number",
        currency_code: "currency code",
        credit_card: "credit card number",
        iban: "IBAN",
        jwt: "JWT",
        template_literal: "input",
    };
    // type names: missing keys = do not translate (use raw value via ?? fallback)
    const TypeDictionary = {
        // Compatibility: "nan" -> "NaN" for display
        nan: "NaN",
        // All other type names omitted - they fall back to raw values via ?? operator
    };
    function getTypeName(type, input) {
        if (type === "number" && typeof input === "number" && !Number.isFinite(input)) {
            return String(input);
        }
        return TypeDictionary[type] ?? type;
    }
    return (issue) => {
        switch (issue.code) {
            case "invalid_type": {
                const expected = getTypeName(issue.expected);
                const receivedType = core_util/* parsedType */.GW(issue.input);
                const received = getTypeName(receivedType, issue.input);
                return `Invalid input: expected ${expected}, received ${received}`;
            }
            case "invalid_value":
                if (issue.values.length === 1)
                    return `Invalid input: expected ${core_util/* stringifyPrimitive */.B7(issue.values[0])}`;
                return `Invalid option: expected one of ${core_util/* joinValues */.jw(issue.values, "|")}`;
            case "too_big": {
                const adj = issue.exact ? "exactly " : issue.inclusive ? "<=" : "<";
                const sizing = getSizing(issue.origin);
                if (sizing)
                    return `Too big: expected ${issue.origin ?? "value"} to have ${adj}${issue.maximum.toString()} ${sizing.unit ?? "elements"}`;
                return `Too big: expected ${issue.origin ?? "value"} to be ${adj}${issue.maximum.toString()}`;
            }
            case "too_small": {
                const adj = issue.exact ? "exactly " : issue.inclusive ? ">=" : ">";
                const sizing = getSizing(issue.origin);
                if (sizing) {
                    return `Too small: expected ${issue.origin} to have ${adj}${issue.minimum.toString()} ${sizing.unit}`;
                }
                return `Too small: expected ${issue.origin} to be ${adj}${issue.minimum.toString()}`;
            }
            case "invalid_format": {
                const _issue = issue;
                if (_issue.format === "starts_with") {
                    return `Invalid string: must start with "${_issue.prefix}"`;
                }
                if (_issue.format === "ends_with")
                    return `Invalid string: must end with "${_issue.suffix}"`;
                if (_issue.format === "includes")
                    return `Invalid string: must include "${_issue.includes}"`;
                if (_issue.format === "regex")
                    return `Invalid string: must match pattern ${_issue.pattern}`;
                return `Invalid ${FormatDictionary[_issue.format] ?? issue.format}`;
            }
            case "not_multiple_of":
                return `Invalid number: must be a multiple of ${issue.divisor}`;
            case "unrecognized_keys":
                return `Unrecognized key${issue.keys.length > 1 ? "s" : ""}: ${core_util/* joinValues */.jw(issue.keys, ", ")}`;
            case "invalid_key":
                return `Invalid key in ${issue.origin}`;
            case "invalid_union":
                if (issue.options && Array.isArray(issue.options) && issue.options.length > 0) {
                    const opts = issue.options.map((o) => `'${o}'`).join(" | ");
                    return `Invalid discriminator value. Expected ${opts}`;
                }
                if (issue.inclusive === false) {
                    return "Invalid input: more than one option matched";
                }
                return "Invalid input";
            case "invalid_element":
                return `Invalid value in ${issue.origin}`;
            default:
                return `Invalid input`;
        }
    };
};
/* harmony default export */ function en() {
    return {
        localeError: error(),
    };
}

// EXTERNAL MODULE: ./node_modules/zod/v4/core/errors.js
var errors = __nccwpck_require__(37428);
;// CONCATENATED MODULE: ./node_modules/zod/v4/core/parse.js



// Always both keys, so the `_params` read site in `_parse` sees one object shape rather than two.
function finalizeParams(callee, params) {
    return { callee: params?.callee ?? callee, Err: params?.Err };
}
const _parse = (_Err) => {
    const fn = (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, async: false } : { async: false };
        const result = schema._zod.run({ value, issues: [] }, ctx);
        if (result instanceof Promise) {
            throw new core_core/* $ZodAsyncError */.GT();
        }
        if (result.issues.length) {
            const e = new (_params?.Err ?? _Err)(result.issues.map((iss) => core_util/* finalizeIssue */.iR(iss, ctx, core_core/* config */.$W())));
            core_util/* captureStackTrace */.gx(e, _params?.callee ?? fn);
            throw e;
        }
        return result.value;
    };
    return fn;
};
const parse_parse = /* @__PURE__*/ _parse(errors/* $ZodRealError */.Kd);
const _parseAsync = (_Err) => {
    const fn = async (schema, value, _ctx, params) => {
        const ctx = _ctx ? { ..._ctx, async: true } : { async: true };
        let result = schema._zod.run({ value, issues: [] }, ctx);
        if (result instanceof Promise)
            result = await result;
        if (result.issues.length) {
            const e = new (params?.Err ?? _Err)(result.issues.map((iss) => core_util/* finalizeIssue */.iR(iss, ctx, core_core/* config */.$W())));
            core_util/* captureStackTrace */.gx(e, params?.callee ?? fn);
            throw e;
        }
        return result.value;
    };
    return fn;
};
const parse_parseAsync = /* @__PURE__*/ _parseAsync(errors/* $ZodRealError */.Kd);
const _safeParse = (_Err) => (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, async: false } : { async: false };
    const result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise) {
        throw new core_core/* $ZodAsyncError */.GT();
    }
    return result.issues.length ? failure(_Err, result.issues, ctx) : { success: true, data: result.value };
};
const safeParse = /* @__PURE__*/ _safeParse(errors/* $ZodRealError */.Kd);
// the error is built on the first read of `error`: finalizing the issues and constructing the instance is most of a failing parse, and a caller that only branches on `success` never pays it. a getter in the literal keeps this small; the alternative, one shared accessor descriptor plus a hidden state slot, reads ~15% faster but costs ~75 B gzipped in every bundle
function failure(Err, issues, ctx) {
    let error;
    return {
        success: false,
        get error() {
            if (!error) {
                error = new Err(issues.map((iss) => core_util/* finalizeIssue */.iR(iss, ctx, core_core/* config */.$W())));
                // finalizeIssue drops `input`, so the built error holds nothing; keeping the raw issues past this point pins the parsed value for the life of the result
                issues = undefined;
                ctx = undefined;
            }
            return error;
        },
        set error(e) {
            error = e;
            // a replacement makes the getter's branch unreachable, so the captures have to go here too
            issues = undefined;
            ctx = undefined;
        },
    };
}
const _safeParseAsync = (_Err) => async (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, async: true } : { async: true };
    let result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise)
        result = await result;
    return result.issues.length ? failure(_Err, result.issues, ctx) : { success: true, data: result.value };
};
const safeParseAsync = /* @__PURE__*/ _safeParseAsync(errors/* $ZodRealError */.Kd);
// registry mirrors of the compiler's sentinels, so this module never imports the compiler
const COMPILE_INVALID = /* @__PURE__ */ Symbol.for("zod.compile.invalid");
const COMPILE_FALLBACK = /* @__PURE__ */ Symbol.for("zod.compile.fallback");
// Deliberately tiny, because v8 will not inline a body carrying the fallback's object literals and throw. Everything that is not the compiled happy path lives in validateFallback, and that split is worth ~35% on a compiled schema.
const validate = ((schema, value, _ctx) => {
    const validator = schema._zod.bag.validator;
    if (validator !== undefined) {
        if (validator(value) !== COMPILE_INVALID)
            return true;
        // a definite sentinel means the runtime would reject, so skip the re-parse; a ctx can still change the answer
        if (validator.definite === true && _ctx === undefined)
            return false;
    }
    return validateFallback(schema, value, _ctx);
});
function validateFallback(schema, value, _ctx) {
    const ctx = _ctx
        ? { ..._ctx, async: false, abortEarly: true }
        : { async: false, abortEarly: true };
    const fallbackRun = schema._zod.bag.fallbackRun;
    let result;
    if (fallbackRun) {
        // skip nested fast paths on the fallback, so user callbacks keep the at-most-twice bound
        ctx[COMPILE_FALLBACK] = true;
        result = fallbackRun({ value, issues: [] }, ctx);
    }
    else {
        result = schema._zod.run({ value, issues: [] }, ctx);
    }
    if (result instanceof Promise) {
        throw new core_core/* $ZodAsyncError */.GT();
    }
    return result.issues.length === 0;
}
// no fast path: the compiler keeps async parses on the runtime, because a promise-returning callback that is not declared async compiles to a throw
const parse_validateAsync = async (schema, value, _ctx) => {
    const ctx = _ctx
        ? { ..._ctx, async: true, abortEarly: true }
        : { async: true, abortEarly: true };
    let result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise)
        result = await result;
    return result.issues.length === 0;
};
const _encode = (_Err) => {
    const parse = _parse(_Err);
    const fn = (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
        return parse(schema, value, ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const encode = /* @__PURE__*/ _encode(errors/* $ZodRealError */.Kd);
const _decode = (_Err) => {
    const parse = _parse(_Err);
    const fn = (schema, value, _ctx, _params) => {
        return parse(schema, value, _ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const decode = /* @__PURE__*/ _decode(errors/* $ZodRealError */.Kd);
const _encodeAsync = (_Err) => {
    const parseAsync = _parseAsync(_Err);
    const fn = async (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
        return (await parseAsync(schema, value, ctx, finalizeParams(fn, _params)));
    };
    return fn;
};
const encodeAsync = /* @__PURE__*/ _encodeAsync(errors/* $ZodRealError */.Kd);
const _decodeAsync = (_Err) => {
    const parseAsync = _parseAsync(_Err);
    const fn = async (schema, value, _ctx, _params) => {
        return await parseAsync(schema, value, _ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const decodeAsync = /* @__PURE__*/ _decodeAsync(errors/* $ZodRealError */.Kd);
const _safeEncode = (_Err) => (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
    return _safeParse(_Err)(schema, value, ctx);
};
const safeEncode = /* @__PURE__*/ _safeEncode(errors/* $ZodRealError */.Kd);
const _safeDecode = (_Err) => (schema, value, _ctx) => {
    return _safeParse(_Err)(schema, value, _ctx);
};
const safeDecode = /* @__PURE__*/ _safeDecode(errors/* $ZodRealError */.Kd);
const _safeEncodeAsync = (_Err) => async (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
    return _safeParseAsync(_Err)(schema, value, ctx);
};
const safeEncodeAsync = /* @__PURE__*/ _safeEncodeAsync(errors/* $ZodRealError */.Kd);
const _safeDecodeAsync = (_Err) => async (schema, value, _ctx) => {
    return _safeParseAsync(_Err)(schema, value, _ctx);
};
const safeDecodeAsync = /* @__PURE__*/ _safeDecodeAsync(errors/* $ZodRealError */.Kd);

;// CONCATENATED MODULE: ./node_modules/zod/v4/classic/errors.js



/* Prototypes that already carry the lazy helper methods. Seeded with the
 * intrinsics so that `init` on a foreign object — it accepts any object —
 * can never install an accessor onto a prototype we do not own. */
const _installedErrorProtos = /* @__PURE__ */ new WeakSet([Object.prototype, Error.prototype]);
/* Helper methods live as non-enumerable lazy getters on the shared
 * prototype instead of own properties on every instance. On first
 * access the getter allocates the per-instance closure and caches it
 * as a non-enumerable own property, so detached usage still works and
 * the allocation only happens for methods actually touched. */
function _lazyMethod(proto, key, make) {
    Object.defineProperty(proto, key, {
        configurable: true,
        enumerable: false,
        get() {
            const value = make(this);
            Object.defineProperty(this, key, { value, configurable: true, writable: true });
            return value;
        },
        set(value) {
            Object.defineProperty(this, key, { value, configurable: true, writable: true });
        },
    });
}
const initializer = (inst, issues) => {
    errors/* $ZodError */.a$.init(inst, issues);
    inst.name = "ZodError";
    const proto = Object.getPrototypeOf(inst);
    if (_installedErrorProtos.has(proto))
        return;
    _installedErrorProtos.add(proto);
    _lazyMethod(proto, "format", (self) => (mapper) => errors/* formatError */.Wk(self, mapper));
    _lazyMethod(proto, "flatten", (self) => (mapper) => errors/* flattenError */.JM(self, mapper));
    _lazyMethod(proto, "addIssue", (self) => (issue) => {
        self.issues.push(issue);
        self.message = JSON.stringify(self.issues, core_util/* jsonStringifyReplacer */.k8, 2);
    });
    _lazyMethod(proto, "addIssues", (self) => (issues) => {
        self.issues.push(...issues);
        self.message = JSON.stringify(self.issues, core_util/* jsonStringifyReplacer */.k8, 2);
    });
    Object.defineProperty(proto, "isEmpty", {
        configurable: true,
        enumerable: false,
        get() {
            return this.issues.length === 0;
        },
    });
};
const ZodError = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodError", initializer)));
const ZodRealError = /*@__PURE__*/ core_core/* $constructor */.xI("ZodError", initializer, undefined, {
    Parent: Error,
});
// /** @deprecated Use `z.core.$ZodErrorMapCtx` instead. */
// export type ErrorMapCtx = core.$ZodErrorMapCtx;

;// CONCATENATED MODULE: ./node_modules/zod/v4/classic/parse.js


const classic_parse_parse = /* @__PURE__ */ _parse(ZodRealError);
const classic_parse_parseAsync = /* @__PURE__ */ _parseAsync(ZodRealError);
const parse_safeParse = /* @__PURE__ */ _safeParse(ZodRealError);
const parse_safeParseAsync = /* @__PURE__ */ _safeParseAsync(ZodRealError);

// Codec functions
const parse_encode = /* @__PURE__ */ _encode(ZodRealError);
const parse_decode = /* @__PURE__ */ _decode(ZodRealError);
const parse_encodeAsync = /* @__PURE__ */ _encodeAsync(ZodRealError);
const parse_decodeAsync = /* @__PURE__ */ _decodeAsync(ZodRealError);
const parse_safeEncode = /* @__PURE__ */ _safeEncode(ZodRealError);
const parse_safeDecode = /* @__PURE__ */ _safeDecode(ZodRealError);
const parse_safeEncodeAsync = /* @__PURE__ */ _safeEncodeAsync(ZodRealError);
const parse_safeDecodeAsync = /* @__PURE__ */ _safeDecodeAsync(ZodRealError);

;// CONCATENATED MODULE: ./node_modules/zod/v4/classic/schemas.js








// Register English as the default locale on first ZodType construction. Hooked into the `ZodType` `$constructor` (rather than a top-level `config(en())` in `external.ts`) so bundlers honoring `sideEffects: false` can't tree-shake it out — see #5953, #5725. An explicit `z.config(z.locales.xx())` call wins regardless of order, since this only sets the default when none is present.
function _ensureDefaultLocale() {
    if (!core_core/* globalConfig */.cr.localeError)
        core_core/* config */.$W(en());
}
// the default memoizer is read by the core container init, which runs before `ZodType.init`, so each container calls this first
function _ensureDefaultMemoizer() {
    if (!core_core/* globalConfig */.cr.memoizer)
        core_core/* config */.$W({ memoizer: memoizer() });
}
const ZodType = /*@__PURE__*/ core_core/* $constructor */.xI("ZodType", (inst, def) => {
    _ensureDefaultLocale();
    $ZodType.init(inst, def);
    inst.def = def;
    inst.type = def.type;
    return inst;
}, {
    check(...chks) {
        const def = this.def;
        return this.clone(core_util/* mergeDefs */.zM(def, {
            checks: [
                ...(def.checks ?? []),
                ...chks.map((ch) => typeof ch === "function" ? { _zod: { check: ch, def: { check: "custom" }, onattach: [] } } : ch),
            ],
        }), { parent: true });
    },
    with(...chks) {
        return this.check(...chks);
    },
    clone(def, params) {
        return core_util/* clone */.o8(this, def, params);
    },
    brand() {
        return this;
    },
    register(reg, meta) {
        reg.add(this, meta);
        return this;
    },
    refine(check, params) {
        return this.check(refine(check, params));
    },
    superRefine(refinement, params) {
        return this.check(superRefine(refinement, params));
    },
    overwrite(fn) {
        return this.check(_overwrite(fn));
    },
    optional() {
        return optional(this);
    },
    exactOptional() {
        return exactOptional(this);
    },
    nullable() {
        return nullable(this);
    },
    nullish() {
        return optional(nullable(this));
    },
    nonoptional(params) {
        return nonoptional(this, params);
    },
    array() {
        return array(this);
    },
    or(arg) {
        return union([this, arg]);
    },
    and(arg) {
        return intersection(this, arg);
    },
    transform(tx) {
        return pipe(this, transform(tx));
    },
    default(d) {
        return schemas_default(this, d);
    },
    prefault(d) {
        return prefault(this, d);
    },
    catch(params) {
        return schemas_catch(this, params);
    },
    pipe(target) {
        return pipe(this, target);
    },
    readonly() {
        return readonly(this);
    },
    describe(description) {
        const cl = this.clone();
        globalRegistry.add(cl, { description });
        return cl;
    },
    meta(...args) {
        // overloaded: meta() returns the registered metadata, meta(data) returns a clone with `data` registered. The mapped type picks up the second overload, so we accept variadic any-args and return `any` to satisfy both at runtime.
        if (args.length === 0)
            return globalRegistry.get(this);
        const cl = this.clone();
        globalRegistry.add(cl, args[0]);
        return cl;
    },
    isOptional() {
        return this.safeParse(undefined).success;
    },
    isNullable() {
        return this.safeParse(null).success;
    },
    apply(fn, ...args) {
        return args.length === 0 ? fn(this) : fn(this, ...args);
    },
    // Overrides core's `~standard` to add `jsonSchema`. Must stay a prototype entry: redefining it per instance demotes instances to dictionary mode.
    get "~standard"() {
        return core_util/* hide */.jD(this, "~standard", {
            ...standardProps(this),
            jsonSchema: {
                input: createStandardJSONSchemaMethod(this, "input"),
                output: createStandardJSONSchemaMethod(this, "output"),
            },
        });
    },
    set "~standard"(value) {
        core_util/* own */.qh(this, "~standard", value);
    },
    parse: function _parse(data, params) {
        return classic_parse_parse(this, data, params, { callee: _parse });
    },
    parseAsync: async function _parseAsync(data, params) {
        return await classic_parse_parseAsync(this, data, params, { callee: _parseAsync });
    },
    safeParse(data, params) {
        return parse_safeParse(this, data, params);
    },
    async safeParseAsync(data, params) {
        return parse_safeParseAsync(this, data, params);
    },
    // `spa` is an alias: same function object as `safeParseAsync`, as before.
    get spa() {
        return this?.safeParseAsync;
    },
    set spa(value) {
        core_util/* own */.qh(this, "spa", value);
    },
    validate(data, params) {
        return validate(this, data, params);
    },
    validateAsync(data, params) {
        return parse_validateAsync(this, data, params);
    },
    encode: function _encode(data, params) {
        return parse_encode(this, data, params, { callee: _encode });
    },
    decode: function _decode(data, params) {
        return parse_decode(this, data, params, { callee: _decode });
    },
    encodeAsync: async function _encodeAsync(data, params) {
        return await parse_encodeAsync(this, data, params, { callee: _encodeAsync });
    },
    decodeAsync: async function _decodeAsync(data, params) {
        return await parse_decodeAsync(this, data, params, { callee: _decodeAsync });
    },
    safeEncode(data, params) {
        return parse_safeEncode(this, data, params);
    },
    safeDecode(data, params) {
        return parse_safeDecode(this, data, params);
    },
    async safeEncodeAsync(data, params) {
        return parse_safeEncodeAsync(this, data, params);
    },
    async safeDecodeAsync(data, params) {
        return parse_safeDecodeAsync(this, data, params);
    },
    toJSONSchema(params) {
        return createToJSONSchemaMethod(this, {})(params);
    },
    // Reads through to the registry on every access, so it must not cache.
    get description() {
        return globalRegistry.get(this)?.description;
    },
    // No setter: `schema._def = x` throws, as it did when `_def` was a non-writable own property.
    get _def() {
        return this._zod.def;
    },
});
/** @internal */
const _ZodString = /*@__PURE__*/ core_core/* $constructor */.xI("_ZodString", (inst, def) => {
    $ZodString.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => stringProcessor(inst, ctx, json, params);
}, 
/*@__PURE__*/ core_util/* derived */.un({
    format: (inst) => aggregateChecks(inst).format ?? null,
    minLength: (inst) => aggregateChecks(inst).minimum ?? null,
    maxLength: (inst) => aggregateChecks(inst).maximum ?? null,
}, {
    regex(...args) {
        return this.check(_regex(...args));
    },
    includes(...args) {
        return this.check(_includes(...args));
    },
    startsWith(...args) {
        return this.check(_startsWith(...args));
    },
    endsWith(...args) {
        return this.check(_endsWith(...args));
    },
    min(...args) {
        return this.check(_minLength(...args));
    },
    max(...args) {
        return this.check(_maxLength(...args));
    },
    length(...args) {
        return this.check(_length(...args));
    },
    nonempty(...args) {
        return this.check(_minLength(1, ...args));
    },
    lowercase(params) {
        return this.check(_lowercase(params));
    },
    uppercase(params) {
        return this.check(_uppercase(params));
    },
    trim() {
        return this.check(_trim());
    },
    normalize(...args) {
        return this.check(_normalize(...args));
    },
    toLowerCase() {
        return this.check(_toLowerCase());
    },
    toUpperCase() {
        return this.check(_toUpperCase());
    },
    slugify() {
        return this.check(_slugify());
    },
}));
const ZodString = /*@__PURE__*/ core_core/* $constructor */.xI("ZodString", (inst, def) => {
    $ZodString.init(inst, def);
    _ZodString.init(inst, def);
}, {
    email(params) {
        return this.check(_email(ZodEmail, params));
    },
    url(params) {
        return this.check(_url(ZodURL, params));
    },
    jwt(params) {
        return this.check(_jwt(ZodJWT, params));
    },
    emoji(params) {
        return this.check(api_emoji(ZodEmoji, params));
    },
    guid(params) {
        return this.check(_guid(ZodGUID, params));
    },
    uuid(params) {
        return this.check(_uuid(ZodUUID, params));
    },
    uuidv4(params) {
        return this.check(_uuidv4(ZodUUID, params));
    },
    uuidv6(params) {
        return this.check(_uuidv6(ZodUUID, params));
    },
    uuidv7(params) {
        return this.check(_uuidv7(ZodUUID, params));
    },
    nanoid(params) {
        return this.check(_nanoid(ZodNanoID, params));
    },
    cuid(params) {
        return this.check(_cuid(ZodCUID, params));
    },
    cuid2(params) {
        return this.check(_cuid2(ZodCUID2, params));
    },
    ulid(params) {
        return this.check(_ulid(ZodULID, params));
    },
    base64(params) {
        return this.check(_base64(ZodBase64, params));
    },
    base64url(params) {
        return this.check(_base64url(ZodBase64URL, params));
    },
    xid(params) {
        return this.check(_xid(ZodXID, params));
    },
    ksuid(params) {
        return this.check(_ksuid(ZodKSUID, params));
    },
    ipv4(params) {
        return this.check(_ipv4(ZodIPv4, params));
    },
    ipv6(params) {
        return this.check(_ipv6(ZodIPv6, params));
    },
    cidrv4(params) {
        return this.check(_cidrv4(ZodCIDRv4, params));
    },
    cidrv6(params) {
        return this.check(_cidrv6(ZodCIDRv6, params));
    },
    e164(params) {
        return this.check(_e164(ZodE164, params));
    },
    datetime(params) {
        return this.check(_isoDateTime(ZodISODateTime, params));
    },
    date(params) {
        return this.check(_isoDate(ZodISODate, params));
    },
    time(params) {
        return this.check(_isoTime(ZodISOTime, params));
    },
    duration(params) {
        return this.check(_isoDuration(ZodISODuration, params));
    },
});
function schemas_string(params) {
    return _string(ZodString, params);
}
const ZodStringFormat = /*@__PURE__*/ core_core/* $constructor */.xI("ZodStringFormat", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    _ZodString.init(inst, def);
});
const ZodISODateTime = /*@__PURE__*/ core_core/* $constructor */.xI("ZodISODateTime", (inst, def) => {
    $ZodISODateTime.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodISODate = /*@__PURE__*/ core_core/* $constructor */.xI("ZodISODate", (inst, def) => {
    $ZodISODate.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodISOTime = /*@__PURE__*/ core_core/* $constructor */.xI("ZodISOTime", (inst, def) => {
    $ZodISOTime.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodISODuration = /*@__PURE__*/ core_core/* $constructor */.xI("ZodISODuration", (inst, def) => {
    $ZodISODuration.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodEmail = /*@__PURE__*/ core_core/* $constructor */.xI("ZodEmail", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodEmail.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_email(params) {
    return core._email(ZodEmail, params);
}
const ZodGUID = /*@__PURE__*/ core_core/* $constructor */.xI("ZodGUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodGUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_guid(params) {
    return core._guid(ZodGUID, params);
}
const ZodUUID = /*@__PURE__*/ core_core/* $constructor */.xI("ZodUUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodUUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_uuid(params) {
    return core._uuid(ZodUUID, params);
}
function uuidv4(params) {
    return core._uuidv4(ZodUUID, params);
}
// ZodUUIDv6
function uuidv6(params) {
    return core._uuidv6(ZodUUID, params);
}
// ZodUUIDv7
function uuidv7(params) {
    return core._uuidv7(ZodUUID, params);
}
const ZodURL = /*@__PURE__*/ core_core/* $constructor */.xI("ZodURL", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodURL.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function url(params) {
    return core._url(ZodURL, params);
}
function httpUrl(params) {
    return core._url(ZodURL, {
        protocol: regexes.httpProtocol,
        hostname: regexes.domain,
        ...util.normalizeParams(params),
    });
}
const ZodEmoji = /*@__PURE__*/ core_core/* $constructor */.xI("ZodEmoji", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodEmoji.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_emoji(params) {
    return core._emoji(ZodEmoji, params);
}
const ZodNanoID = /*@__PURE__*/ core_core/* $constructor */.xI("ZodNanoID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodNanoID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_nanoid(params) {
    return core._nanoid(ZodNanoID, params);
}
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link ZodCUID2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const ZodCUID = /*@__PURE__*/ core_core/* $constructor */.xI("ZodCUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodCUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
/**
 * Validates a CUID v1 string.
 *
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link cuid2 | `z.cuid2()`} instead.
 * See https://github.com/paralleldrive/cuid.
 */
function schemas_cuid(params) {
    return core._cuid(ZodCUID, params);
}
const ZodCUID2 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodCUID2", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodCUID2.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_cuid2(params) {
    return core._cuid2(ZodCUID2, params);
}
const ZodULID = /*@__PURE__*/ core_core/* $constructor */.xI("ZodULID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodULID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ulid(params) {
    return core._ulid(ZodULID, params);
}
const ZodXID = /*@__PURE__*/ core_core/* $constructor */.xI("ZodXID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodXID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_xid(params) {
    return core._xid(ZodXID, params);
}
const ZodKSUID = /*@__PURE__*/ core_core/* $constructor */.xI("ZodKSUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodKSUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ksuid(params) {
    return core._ksuid(ZodKSUID, params);
}
const ZodIPv4 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodIPv4", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodIPv4.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ipv4(params) {
    return core._ipv4(ZodIPv4, params);
}
const ZodMAC = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMAC", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    core.$ZodMAC.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function schemas_mac(params) {
    return core._mac(ZodMAC, params);
}
const ZodIPv6 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodIPv6", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodIPv6.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ipv6(params) {
    return core._ipv6(ZodIPv6, params);
}
const ZodCIDRv4 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodCIDRv4", (inst, def) => {
    $ZodCIDRv4.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_cidrv4(params) {
    return core._cidrv4(ZodCIDRv4, params);
}
const ZodCIDRv6 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodCIDRv6", (inst, def) => {
    $ZodCIDRv6.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_cidrv6(params) {
    return core._cidrv6(ZodCIDRv6, params);
}
const ZodBase64 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodBase64", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodBase64.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_base64(params) {
    return core._base64(ZodBase64, params);
}
const ZodBase64URL = /*@__PURE__*/ core_core/* $constructor */.xI("ZodBase64URL", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodBase64URL.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_base64url(params) {
    return core._base64url(ZodBase64URL, params);
}
const ZodE164 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodE164", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodE164.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_e164(params) {
    return core._e164(ZodE164, params);
}
const ZodCreditCard = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodCreditCard", (inst, def) => {
    core.$ZodCreditCard.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function schemas_creditCard(params) {
    return core._creditCard(ZodCreditCard, params);
}
const ZodIBAN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodIBAN", (inst, def) => {
    core.$ZodIBAN.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function schemas_iban(params) {
    return core._iban(ZodIBAN, params);
}
const ZodJWT = /*@__PURE__*/ core_core/* $constructor */.xI("ZodJWT", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodJWT.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function jwt(params) {
    return core._jwt(ZodJWT, params);
}
const ZodCustomStringFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodCustomStringFormat", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    core.$ZodCustomStringFormat.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function stringFormat(format, fnOrRegex, _params = {}) {
    return core._stringFormat(ZodCustomStringFormat, format, fnOrRegex, _params);
}
function schemas_hostname(_params) {
    return core._stringFormat(ZodCustomStringFormat, "hostname", regexes.hostname, _params);
}
function schemas_hex(_params) {
    return core._stringFormat(ZodCustomStringFormat, "hex", regexes.hex, _params);
}
function schemas_currencyCode(_params) {
    return core._stringFormat(ZodCustomStringFormat, "currency_code", regexes.currencyCode, _params);
}
function hash(alg, params) {
    const enc = params?.enc ?? "hex";
    const format = `${alg}_${enc}`;
    const regex = core.regexes[format];
    if (!regex)
        throw new Error(`Unrecognized hash format: ${format}`);
    return core._stringFormat(ZodCustomStringFormat, format, regex, params);
}
const ZodNumber = /*@__PURE__*/ core_core/* $constructor */.xI("ZodNumber", (inst, def) => {
    $ZodNumber.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => numberProcessor(inst, ctx, json, params);
    inst.isFinite = true;
}, 
/*@__PURE__*/ core_util/* derived */.un({
    minValue: (inst) => {
        const { minimum, exclusiveMinimum } = aggregateChecks(inst);
        return Math.max(minimum ?? Number.NEGATIVE_INFINITY, exclusiveMinimum ?? Number.NEGATIVE_INFINITY);
    },
    maxValue: (inst) => {
        const { maximum, exclusiveMaximum } = aggregateChecks(inst);
        return Math.min(maximum ?? Number.POSITIVE_INFINITY, exclusiveMaximum ?? Number.POSITIVE_INFINITY);
    },
    isInt: (inst) => {
        const { isInt, multipleOf } = aggregateChecks(inst);
        return !!isInt || !!multipleOf?.some(Number.isSafeInteger);
    },
    format: (inst) => aggregateChecks(inst).format ?? null,
}, {
    gt(value, params) {
        return this.check(_gt(value, params));
    },
    gte(value, params) {
        return this.check(_gte(value, params));
    },
    min(value, params) {
        return this.check(_gte(value, params));
    },
    lt(value, params) {
        return this.check(_lt(value, params));
    },
    lte(value, params) {
        return this.check(_lte(value, params));
    },
    max(value, params) {
        return this.check(_lte(value, params));
    },
    int(params) {
        return this.check(schemas_int(params));
    },
    safe(params) {
        return this.check(schemas_int(params));
    },
    positive(params) {
        return this.check(_gt(0, params));
    },
    nonnegative(params) {
        return this.check(_gte(0, params));
    },
    negative(params) {
        return this.check(_lt(0, params));
    },
    nonpositive(params) {
        return this.check(_lte(0, params));
    },
    multipleOf(value, params) {
        return this.check(_multipleOf(value, params));
    },
    step(value, params) {
        return this.check(_multipleOf(value, params));
    },
    finite() {
        return this;
    },
}));
function schemas_number(params) {
    return _number(ZodNumber, params);
}
const ZodNumberFormat = /*@__PURE__*/ core_core/* $constructor */.xI("ZodNumberFormat", (inst, def) => {
    $ZodNumberFormat.init(inst, def);
    ZodNumber.init(inst, def);
});
function schemas_int(params) {
    return _int(ZodNumberFormat, params);
}
function float32(params) {
    return core._float32(ZodNumberFormat, params);
}
function float64(params) {
    return core._float64(ZodNumberFormat, params);
}
function int32(params) {
    return core._int32(ZodNumberFormat, params);
}
function uint32(params) {
    return core._uint32(ZodNumberFormat, params);
}
const ZodBoolean = /*@__PURE__*/ core_core/* $constructor */.xI("ZodBoolean", (inst, def) => {
    $ZodBoolean.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => booleanProcessor(inst, ctx, json, params);
});
function schemas_boolean(params) {
    return _boolean(ZodBoolean, params);
}
const ZodBigInt = /*@__PURE__*/ core_core/* $constructor */.xI("ZodBigInt", (inst, def) => {
    $ZodBigInt.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => bigintProcessor(inst, ctx, json, params);
}, 
/*@__PURE__*/ core_util/* derived */.un({
    minValue: (inst) => aggregateChecks(inst).minimum ?? null,
    maxValue: (inst) => aggregateChecks(inst).maximum ?? null,
    format: (inst) => aggregateChecks(inst).format ?? null,
}, {
    gte(value, params) {
        return this.check(_gte(value, params));
    },
    min(value, params) {
        return this.check(_gte(value, params));
    },
    gt(value, params) {
        return this.check(_gt(value, params));
    },
    lt(value, params) {
        return this.check(_lt(value, params));
    },
    lte(value, params) {
        return this.check(_lte(value, params));
    },
    max(value, params) {
        return this.check(_lte(value, params));
    },
    positive(params) {
        return this.check(_gt(BigInt(0), params));
    },
    negative(params) {
        return this.check(_lt(BigInt(0), params));
    },
    nonpositive(params) {
        return this.check(_lte(BigInt(0), params));
    },
    nonnegative(params) {
        return this.check(_gte(BigInt(0), params));
    },
    multipleOf(value, params) {
        return this.check(_multipleOf(value, params));
    },
}));
function schemas_bigint(params) {
    return core._bigint(ZodBigInt, params);
}
const ZodBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodBigIntFormat", (inst, def) => {
    core.$ZodBigIntFormat.init(inst, def);
    ZodBigInt.init(inst, def);
})));
function int64(params) {
    return core._int64(ZodBigIntFormat, params);
}
function uint64(params) {
    return core._uint64(ZodBigIntFormat, params);
}
const ZodSymbol = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodSymbol", (inst, def) => {
    core.$ZodSymbol.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.symbolProcessor(inst, ctx, json, params);
})));
function symbol(params) {
    return core._symbol(ZodSymbol, params);
}
const ZodUndefined = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodUndefined", (inst, def) => {
    core.$ZodUndefined.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.undefinedProcessor(inst, ctx, json, params);
})));
function schemas_undefined(params) {
    return core._undefined(ZodUndefined, params);
}

const ZodNull = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodNull", (inst, def) => {
    core.$ZodNull.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.nullProcessor(inst, ctx, json, params);
})));
function schemas_null(params) {
    return core._null(ZodNull, params);
}

const ZodAny = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodAny", (inst, def) => {
    core.$ZodAny.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.anyProcessor(inst, ctx, json, params);
})));
function any() {
    return core._any(ZodAny);
}
const ZodUnknown = /*@__PURE__*/ core_core/* $constructor */.xI("ZodUnknown", (inst, def) => {
    $ZodUnknown.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => unknownProcessor(inst, ctx, json, params);
});
function unknown() {
    return _unknown(ZodUnknown);
}
const ZodNever = /*@__PURE__*/ core_core/* $constructor */.xI("ZodNever", (inst, def) => {
    $ZodNever.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => neverProcessor(inst, ctx, json, params);
});
function never(params) {
    return _never(ZodNever, params);
}
const ZodVoid = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodVoid", (inst, def) => {
    core.$ZodVoid.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.voidProcessor(inst, ctx, json, params);
})));
function schemas_void(params) {
    return core._void(ZodVoid, params);
}

const ZodDate = /*@__PURE__*/ core_core/* $constructor */.xI("ZodDate", (inst, def) => {
    $ZodDate.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => dateProcessor(inst, ctx, json, params);
    inst.min = (value, params) => inst.check(_gte(value, params));
    inst.max = (value, params) => inst.check(_lte(value, params));
}, 
/*@__PURE__*/ core_util/* derived */.un({
    minDate: (inst) => {
        const { minimum } = aggregateChecks(inst);
        return minimum ? new Date(minimum) : null;
    },
    maxDate: (inst) => {
        const { maximum } = aggregateChecks(inst);
        return maximum ? new Date(maximum) : null;
    },
}, {}));
function schemas_date(params) {
    return core._date(ZodDate, params);
}
const ZodArray = /*@__PURE__*/ core_core/* $constructor */.xI("ZodArray", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodArray.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => arrayProcessor(inst, ctx, json, params);
    inst.element = def.element;
}, {
    min(n, params) {
        return this.check(_minLength(n, params));
    },
    nonempty(params) {
        return this.check(_minLength(1, params));
    },
    max(n, params) {
        return this.check(_maxLength(n, params));
    },
    length(n, params) {
        return this.check(_length(n, params));
    },
    unwrap() {
        return this.element;
    },
});
function array(element, params) {
    return _array(ZodArray, element, params);
}
// .keyof
function keyof(schema) {
    const shape = schema._zod.def.shape;
    return schemas_enum(Object.keys(shape));
}
const ZodObject = /*@__PURE__*/ core_core/* $constructor */.xI("ZodObject", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodObjectJIT.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => objectProcessor(inst, ctx, json, params);
    core_util/* installLazyProp */.X(inst, "shape", (self) => self._zod.def.shape, false);
}, {
    keyof() {
        return schemas_enum(Object.keys(this._zod.def.shape));
    },
    catchall(catchall) {
        // `mergeDefs` rather than a spread: spreading reads `shape`, and resolving it can mint a whole fresh subtree
        return this.clone(core_util/* mergeDefs */.zM(this._zod.def, { catchall: catchall }));
    },
    passthrough() {
        return this.clone(core_util/* mergeDefs */.zM(this._zod.def, { catchall: unknown() }));
    },
    loose() {
        return this.clone(core_util/* mergeDefs */.zM(this._zod.def, { catchall: unknown() }));
    },
    strict() {
        return this.clone(core_util/* mergeDefs */.zM(this._zod.def, { catchall: never() }));
    },
    strip() {
        return this.clone(core_util/* mergeDefs */.zM(this._zod.def, { catchall: undefined }));
    },
    extend(incoming) {
        return core_util/* extend */.X$(this, incoming);
    },
    safeExtend(incoming) {
        return core_util/* safeExtend */.W0(this, incoming);
    },
    merge(other) {
        return core_util/* merge */.h1(this, other);
    },
    pick(mask) {
        return core_util/* pick */.Up(this, mask);
    },
    omit(mask) {
        return core_util/* omit */.cJ(this, mask);
    },
    partial(...args) {
        return core_util/* partial */.OH(ZodOptional, this, args[0]);
    },
    exactPartial(...args) {
        return core_util/* partial */.OH(ZodExactOptional, this, args[0], "exactPartial");
    },
    required(...args) {
        return core_util/* required */.mw(ZodNonOptional, this, args[0]);
    },
});
function object(shape, params) {
    const def = {
        type: "object",
        shape: shape ?? {},
        ...core_util/* normalizeParams */.A2(params),
    };
    return new ZodObject(def);
}
// strictObject
function strictObject(shape, params) {
    return new ZodObject({
        type: "object",
        shape,
        catchall: never(),
        ...core_util/* normalizeParams */.A2(params),
    });
}
// looseObject
function looseObject(shape, params) {
    return new ZodObject({
        type: "object",
        shape,
        catchall: unknown(),
        ...util.normalizeParams(params),
    });
}
const ZodUnion = /*@__PURE__*/ core_core/* $constructor */.xI("ZodUnion", (inst, def) => {
    $ZodUnion.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => unionProcessor(inst, ctx, json, params);
    inst.options = def.options;
});
function union(options, params) {
    return new ZodUnion({
        type: "union",
        options: options,
        ...core_util/* normalizeParams */.A2(params),
    });
}
const ZodXor = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodXor", (inst, def) => {
    ZodUnion.init(inst, def);
    core.$ZodXor.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.unionProcessor(inst, ctx, json, params);
    inst.options = def.options;
})));
/** Creates an exclusive union (XOR) where exactly one option must match.
 * Unlike regular unions that succeed when any option matches, xor fails if
 * zero or more than one option matches the input. */
function xor(options, params) {
    return new ZodXor({
        type: "union",
        options: options,
        inclusive: false,
        ...util.normalizeParams(params),
    });
}
const ZodDiscriminatedUnion = /*@__PURE__*/ core_core/* $constructor */.xI("ZodDiscriminatedUnion", (inst, def) => {
    ZodUnion.init(inst, def);
    $ZodDiscriminatedUnion.init(inst, def);
});
function discriminatedUnion(discriminator, options, params) {
    // const [options, params] = args;
    return new ZodDiscriminatedUnion({
        type: "union",
        options: options,
        discriminator,
        ...core_util/* normalizeParams */.A2(params),
    });
}
const ZodIntersection = /*@__PURE__*/ core_core/* $constructor */.xI("ZodIntersection", (inst, def) => {
    $ZodIntersection.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => intersectionProcessor(inst, ctx, json, params);
});
function intersection(left, right) {
    return new ZodIntersection({
        type: "intersection",
        left: left,
        right: right,
    });
}
const ZodTuple = /*@__PURE__*/ core_core/* $constructor */.xI("ZodTuple", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodTuple.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => tupleProcessor(inst, ctx, json, params);
}, {
    rest(rest) {
        return this.clone({
            ...this._zod.def,
            rest: rest,
        });
    },
    partial() {
        const def = this._zod.def;
        // a refinement was authored against the full arity; partialing would run it on a shorter array
        if (def.checks?.length)
            throw new Error(".partial() cannot be used on tuple schemas containing refinements");
        return this.clone({
            ...def,
            items: def.items.map((item) => new ZodOptional({ type: "optional", innerType: item })),
        });
    },
});
function tuple(items, _paramsOrRest, _params) {
    const hasRest = _paramsOrRest instanceof $ZodType;
    const params = hasRest ? _params : _paramsOrRest;
    const rest = hasRest ? _paramsOrRest : null;
    return new ZodTuple({
        type: "tuple",
        items: items,
        rest,
        ...core_util/* normalizeParams */.A2(params),
    });
}
const ZodRecord = /*@__PURE__*/ core_core/* $constructor */.xI("ZodRecord", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodRecord.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => recordProcessor(inst, ctx, json, params);
    inst.keyType = def.keyType;
    inst.valueType = def.valueType;
});
function record(keyType, valueType, params) {
    // v3-compat: z.record(valueType, params?) — defaults keyType to z.string()
    if (!valueType || !valueType._zod) {
        return new ZodRecord({
            type: "record",
            keyType: schemas_string(),
            valueType: keyType,
            ...core_util/* normalizeParams */.A2(valueType),
        });
    }
    return new ZodRecord({
        type: "record",
        keyType,
        valueType: valueType,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// type alksjf = core.output<core.$ZodRecordKey>;
function partialRecord(keyType, valueType, params) {
    return new ZodRecord({
        type: "record",
        keyType,
        valueType: valueType,
        ...util.normalizeParams(params),
        partial: true,
    });
}
function looseRecord(keyType, valueType, params) {
    return new ZodRecord({
        type: "record",
        keyType,
        valueType: valueType,
        mode: "loose",
        ...util.normalizeParams(params),
    });
}
const ZodMap = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMap", (inst, def) => {
    _ensureDefaultMemoizer();
    core.$ZodMap.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.mapProcessor(inst, ctx, json, params);
    inst.keyType = def.keyType;
    inst.valueType = def.valueType;
    inst.min = (...args) => inst.check(core._minSize(...args));
    inst.nonempty = (params) => inst.check(core._minSize(1, params));
    inst.max = (...args) => inst.check(core._maxSize(...args));
    inst.size = (...args) => inst.check(core._size(...args));
})));
function map(keyType, valueType, params) {
    return new ZodMap({
        type: "map",
        keyType: keyType,
        valueType: valueType,
        ...util.normalizeParams(params),
    });
}
const ZodSet = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodSet", (inst, def) => {
    _ensureDefaultMemoizer();
    core.$ZodSet.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.setProcessor(inst, ctx, json, params);
    inst.min = (...args) => inst.check(core._minSize(...args));
    inst.nonempty = (params) => inst.check(core._minSize(1, params));
    inst.max = (...args) => inst.check(core._maxSize(...args));
    inst.size = (...args) => inst.check(core._size(...args));
})));
function set(valueType, params) {
    return new ZodSet({
        type: "set",
        valueType: valueType,
        ...util.normalizeParams(params),
    });
}
const ZodEnum = /*@__PURE__*/ core_core/* $constructor */.xI("ZodEnum", (inst, def) => {
    $ZodEnum.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => enumProcessor(inst, ctx, json, params);
    inst.enum = def.entries;
    // reuse the parsed value set so a numeric TS enum's reverse-mapping keys stay out
    inst.options = [...inst._zod.values];
    const keys = new Set(Object.keys(def.entries));
    inst.extract = (values, params) => {
        const newEntries = {};
        for (const value of values) {
            if (keys.has(value)) {
                newEntries[value] = def.entries[value];
            }
            else
                throw new Error(`Key ${value} not found in enum`);
        }
        return new ZodEnum({
            ...def,
            checks: [],
            ...core_util/* normalizeParams */.A2(params),
            entries: newEntries,
        });
    };
    inst.exclude = (values, params) => {
        const newEntries = { ...def.entries };
        for (const value of values) {
            if (keys.has(value)) {
                delete newEntries[value];
            }
            else
                throw new Error(`Key ${value} not found in enum`);
        }
        return new ZodEnum({
            ...def,
            checks: [],
            ...core_util/* normalizeParams */.A2(params),
            entries: newEntries,
        });
    };
});
function schemas_enum(values, params) {
    const entries = Array.isArray(values) ? Object.fromEntries(values.map((v) => [v, v])) : values;
    return new ZodEnum({
        type: "enum",
        entries,
        ...core_util/* normalizeParams */.A2(params),
    });
}

/** @deprecated This API has been merged into `z.enum()`. Use `z.enum()` instead.
 *
 * ```ts
 * enum Colors { red, green, blue }
 * z.enum(Colors);
 * ```
 */
function nativeEnum(entries, params) {
    return new ZodEnum({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
const ZodLiteral = /*@__PURE__*/ core_core/* $constructor */.xI("ZodLiteral", (inst, def) => {
    $ZodLiteral.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => literalProcessor(inst, ctx, json, params);
    inst.values = new Set(def.values);
    Object.defineProperty(inst, "value", {
        get() {
            if (def.values.length > 1) {
                throw new Error("This schema contains multiple valid literal values. Use `.values` instead.");
            }
            return def.values[0];
        },
    });
});
function literal(value, params) {
    return new ZodLiteral({
        type: "literal",
        values: Array.isArray(value) ? value : [value],
        ...core_util/* normalizeParams */.A2(params),
    });
}
const ZodFile = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodFile", (inst, def) => {
    core.$ZodFile.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.fileProcessor(inst, ctx, json, params);
    inst.min = (size, params) => inst.check(core._minSize(size, params));
    inst.max = (size, params) => inst.check(core._maxSize(size, params));
    inst.mime = (types, params) => inst.check(core._mime(Array.isArray(types) ? types : [types], params));
})));
function file(params) {
    return core._file(ZodFile, params);
}
const ZodTransform = /*@__PURE__*/ core_core/* $constructor */.xI("ZodTransform", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodTransform.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => transformProcessor(inst, ctx, json, params);
    inst._zod.parse = (payload, _ctx) => {
        if (_ctx.direction === "backward") {
            throw new core_core/* $ZodEncodeError */.cV(inst.constructor.name);
        }
        payload.addIssue = (issue) => {
            if (typeof issue === "string") {
                payload.issues.push(core_util/* issue */.sn(issue, payload.value, def));
            }
            else {
                // for Zod 3 backwards compatibility
                const _issue = issue;
                if (_issue.fatal)
                    _issue.continue = false;
                _issue.code ?? (_issue.code = "custom");
                if (!("input" in _issue))
                    _issue.input = payload.value;
                _issue.inst ?? (_issue.inst = inst);
                // _issue.continue ??= true;
                payload.issues.push(core_util/* issue */.sn(_issue));
            }
        };
        const output = def.transform(payload.value, payload);
        if (output instanceof Promise) {
            return output.then((output) => {
                payload.value = output;
                return payload;
            });
        }
        payload.value = output;
        return payload;
    };
});
function transform(fn) {
    return new ZodTransform({
        type: "transform",
        transform: fn,
    });
}
const ZodOptional = /*@__PURE__*/ core_core/* $constructor */.xI("ZodOptional", (inst, def) => {
    $ZodOptional.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => optionalProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function optional(innerType) {
    return new ZodOptional({
        type: "optional",
        innerType: innerType,
    });
}
const ZodExactOptional = /*@__PURE__*/ core_core/* $constructor */.xI("ZodExactOptional", (inst, def) => {
    $ZodExactOptional.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => optionalProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function exactOptional(innerType) {
    return new ZodExactOptional({
        type: "optional",
        innerType: innerType,
    });
}
const ZodNullable = /*@__PURE__*/ core_core/* $constructor */.xI("ZodNullable", (inst, def) => {
    $ZodNullable.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => nullableProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function nullable(innerType) {
    return new ZodNullable({
        type: "nullable",
        innerType: innerType,
    });
}
// nullish
function nullish(innerType) {
    return optional(nullable(innerType));
}
const ZodDefault = /*@__PURE__*/ core_core/* $constructor */.xI("ZodDefault", (inst, def) => {
    $ZodDefault.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => defaultProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
    inst.removeDefault = inst.unwrap;
});
function schemas_default(innerType, defaultValue) {
    return new ZodDefault({
        type: "default",
        innerType: innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : core_util/* shallowClone */.yG(defaultValue);
        },
    });
}
const ZodPrefault = /*@__PURE__*/ core_core/* $constructor */.xI("ZodPrefault", (inst, def) => {
    $ZodPrefault.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => prefaultProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function prefault(innerType, defaultValue) {
    return new ZodPrefault({
        type: "prefault",
        innerType: innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : core_util/* shallowClone */.yG(defaultValue);
        },
    });
}
const ZodNonOptional = /*@__PURE__*/ core_core/* $constructor */.xI("ZodNonOptional", (inst, def) => {
    $ZodNonOptional.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => nonoptionalProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function nonoptional(innerType, params) {
    return new ZodNonOptional({
        type: "nonoptional",
        innerType: innerType,
        ...core_util/* normalizeParams */.A2(params),
    });
}
const ZodSuccess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodSuccess", (inst, def) => {
    core.$ZodSuccess.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.successProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
})));
function success(innerType) {
    return new ZodSuccess({
        type: "success",
        innerType: innerType,
    });
}
const ZodCatch = /*@__PURE__*/ core_core/* $constructor */.xI("ZodCatch", (inst, def) => {
    $ZodCatch.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => catchProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
    inst.removeCatch = inst.unwrap;
});
function schemas_catch(innerType, catchValue) {
    return new ZodCatch({
        type: "catch",
        innerType: innerType,
        catchValue: (typeof catchValue === "function" ? catchValue : core_util/* constantCatch */.SS(catchValue)),
    });
}

const ZodNaN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodNaN", (inst, def) => {
    core.$ZodNaN.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.nanProcessor(inst, ctx, json, params);
})));
function nan(params) {
    return core._nan(ZodNaN, params);
}
const ZodPipe = /*@__PURE__*/ core_core/* $constructor */.xI("ZodPipe", (inst, def) => {
    $ZodPipe.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => pipeProcessor(inst, ctx, json, params);
    inst.in = def.in;
    inst.out = def.out;
});
function pipe(in_, out) {
    return new ZodPipe({
        type: "pipe",
        in: in_,
        out: out,
        // ...util.normalizeParams(params),
    });
}
const ZodCodec = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodCodec", (inst, def) => {
    ZodPipe.init(inst, def);
    core.$ZodCodec.init(inst, def);
})));
function codec(in_, out, params) {
    return new ZodCodec({
        type: "pipe",
        in: in_,
        out: out,
        transform: params.decode,
        reverseTransform: params.encode,
    });
}
function invertCodec(codec) {
    const def = codec._zod.def;
    return new ZodCodec({
        type: "pipe",
        in: def.out,
        out: def.in,
        transform: def.reverseTransform,
        reverseTransform: def.transform,
    });
}
const ZodPreprocess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodPreprocess", (inst, def) => {
    ZodPipe.init(inst, def);
    core.$ZodPreprocess.init(inst, def);
})));
const ZodReadonly = /*@__PURE__*/ core_core/* $constructor */.xI("ZodReadonly", (inst, def) => {
    $ZodReadonly.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => readonlyProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function readonly(innerType) {
    return new ZodReadonly({
        type: "readonly",
        innerType: innerType,
    });
}
const ZodTemplateLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodTemplateLiteral", (inst, def) => {
    core.$ZodTemplateLiteral.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.templateLiteralProcessor(inst, ctx, json, params);
})));
function templateLiteral(parts, params) {
    return new ZodTemplateLiteral({
        type: "template_literal",
        parts,
        ...util.normalizeParams(params),
    });
}
const ZodLazy = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodLazy", (inst, def) => {
    core.$ZodLazy.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.lazyProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.getter();
})));
function lazy(getter) {
    return new ZodLazy({
        type: "lazy",
        getter: getter,
    });
}
const ZodPromise = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodPromise", (inst, def) => {
    core.$ZodPromise.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.promiseProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
})));
function promise(innerType) {
    return new ZodPromise({
        type: "promise",
        innerType: innerType,
    });
}
const ZodFunction = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodFunction", (inst, def) => {
    core.$ZodFunction.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.functionProcessor(inst, ctx, json, params);
})));
function _function(params) {
    return new ZodFunction({
        type: "function",
        input: Array.isArray(params?.input) ? tuple(params?.input) : (params?.input ?? array(unknown())),
        output: params?.output ?? unknown(),
    });
}

const ZodCustom = /*@__PURE__*/ core_core/* $constructor */.xI("ZodCustom", (inst, def) => {
    $ZodCustom.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => customProcessor(inst, ctx, json, params);
});
// custom checks
function check(fn) {
    const ch = new core.$ZodCheck({
        check: "custom",
        // ...util.normalizeParams(params),
    });
    ch._zod.check = fn;
    return ch;
}
function custom(fn, _params) {
    return core._custom(ZodCustom, fn ?? (() => true), _params);
}
function refine(fn, _params = {}) {
    return _refine(ZodCustom, fn, _params);
}
// superRefine
function superRefine(fn, params) {
    return _superRefine(fn, params);
}
// Re-export describe and meta from core
const schemas_describe = describe;
const schemas_meta = meta;
const ZodInstanceOf = /*@__PURE__*/ core_core/* $constructor */.xI("ZodInstanceOf", (inst, def) => {
    ZodCustom.init(inst, def);
}, {
    properties(shape, params) {
        // asserts in place, so the narrowed output type is truthful without a wrapper
        return this.check(_properties(shape, params));
    },
});
function _instanceof(cls, params = {}) {
    const inst = new ZodInstanceOf({
        type: "custom",
        check: "custom",
        fn: (data) => data instanceof cls,
        abort: true,
        ...util.normalizeParams(params),
    });
    inst._zod.bag.Class = cls;
    // Override check to emit invalid_type instead of custom
    inst._zod.check = (payload) => {
        if (!(payload.value instanceof cls)) {
            payload.issues.push({
                code: "invalid_type",
                expected: cls.name,
                input: payload.value,
                inst,
                path: [...(inst._zod.def.path ?? [])],
            });
        }
    };
    return inst;
}

// stringbool
const stringbool = (...args) => core._stringbool({
    Codec: ZodCodec,
    Boolean: ZodBoolean,
    String: ZodString,
}, ...args);
function json(params) {
    const jsonSchema = lazy(() => {
        return union([schemas_string(params), schemas_number(), schemas_boolean(), schemas_null(), array(jsonSchema), record(schemas_string(), jsonSchema)]);
    });
    return jsonSchema;
}
// preprocess
function preprocess(fn, schema) {
    return new ZodPreprocess({
        type: "pipe",
        in: transform(fn),
        out: schema,
    });
}


/***/ }),

/***/ 88532:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $W: () => (/* binding */ config),
/* harmony export */   GT: () => (/* binding */ $ZodAsyncError),
/* harmony export */   cV: () => (/* binding */ $ZodEncodeError),
/* harmony export */   cr: () => (/* binding */ globalConfig),
/* harmony export */   tm: () => (/* binding */ NEVER),
/* harmony export */   xI: () => (/* binding */ $constructor)
/* harmony export */ });
/* unused harmony export $brand */
/* harmony import */ var _util_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(54723);
var _a;

/** A special constant with type `never` */
const NEVER = /*@__PURE__*/ Object.freeze({
    status: "aborted",
});
/* Shared descriptor for installing `_zod`; defineProperty reads it
 * synchronously, so reusing one object avoids a per-instance allocation. */
const _zodDesc = { value: undefined, enumerable: false };
// null where suppressing the capture would be unrecoverable: `parse()` puts the frames back with `captureStackTrace`, so without it the throw would lose its stack. also latched to null once `stackTraceLimit` proves unassignable, which a realm can do at any point by hardening Error
let _E = "captureStackTrace" in Error ? Error : null;
// v8 captures a stack trace inside the Error constructor, which dominates a failed parse; costs only the frames, and parse() restores those. the constructor must RUN: Object.create is cheaper and passes instanceof, but Error.isError and util.types.isNativeError check an internal slot
function newError(Definition) {
    const E = _E;
    if (E) {
        const saved = E.stackTraceLimit;
        if (typeof saved === "number") {
            try {
                E.stackTraceLimit = 0;
            }
            catch {
                _E = null;
                return new Definition();
            }
            try {
                return new Definition();
            }
            finally {
                E.stackTraceLimit = saved;
            }
        }
    }
    return new Definition();
}
function $constructor(name, initializer, 
/** This trait's members, installed once on every prototype that composes it. They cannot be declared in the initializer above: that runs per instance, and the prototype is shared. */
proto, params) {
    // Prototype for this constructor's `_zod` internals. Lazily-derived fields (`values`, `pattern`, `optin`, …) install here once rather than as an accessor on every instance.
    const zodProto = {};
    // Assigning the fields in the constructor body is what gives instances in-object slots; building the object literally and reparenting it costs a second allocation and a generic property copy.
    function Internals(def) {
        this.def = def;
        this.constr = _;
        this.traits = new Set();
    }
    Internals.prototype = zodProto;
    const protoMembers = proto;
    // One trait's members land on every prototype whose chain composes it, so the answer is per prototype rather than per trait.
    const initialized = protoMembers && new WeakSet();
    function init(inst, def) {
        if (!inst._zod) {
            _zodDesc.value = new Internals(def);
            try {
                Object.defineProperty(inst, "_zod", _zodDesc);
            }
            finally {
                // Cleared even on throw, so the shared descriptor never leaks one instance's internals into the next.
                _zodDesc.value = undefined;
            }
        }
        else if (inst._zod.traits.has(name)) {
            return;
        }
        inst._zod.traits.add(name);
        initializer(inst, def);
        if (initialized) {
            // `super(def)` from a user subclass gives `this` a prototype the subclass owns, and installing there would overwrite whatever the subclass declared. `constr` built the instance, so its prototype is the one below the subclass's that should carry the members. A receiver whose chain never reaches that prototype installs on its own, which for a plain object handed straight to `init` means `Object.prototype` — unchanged from before.
            const own = Object.getPrototypeOf(inst);
            const ctorProto = inst._zod.constr.prototype;
            let up = own;
            while (up && up !== ctorProto)
                up = Object.getPrototypeOf(up);
            const target = up ?? own;
            if (!initialized.has(target)) {
                initialized.add(target);
                (0,_util_js__WEBPACK_IMPORTED_MODULE_0__/* .members */ .ol)(target, protoMembers);
            }
        }
        // support prototype modifications; for-in avoids the array allocation of Object.keys on the (usually empty) prototype
        const proto = _.prototype;
        for (const k in proto) {
            if (!Object.prototype.hasOwnProperty.call(proto, k))
                continue;
            if (!(k in inst)) {
                inst[k] = proto[k].bind(inst);
            }
        }
    }
    // doesn't work if Parent has a constructor with arguments
    const Parent = params?.Parent ?? Object;
    class Definition extends Parent {
    }
    Object.defineProperty(Definition, "name", { value: name });
    function _(def) {
        const inst = params?.Parent ? newError(Definition) : this;
        init(inst, def);
        const deferred = inst._zod.deferred;
        if (deferred) {
            for (const fn of deferred) {
                fn();
            }
            // Released: initializers run once, and the list would otherwise be retained for the schema's lifetime.
            inst._zod.deferred = undefined;
        }
        // Global post-processor hook. Internal: installed by `import "zod/compile"` to enable AOT compilation for every constructed schema. Runs last, once the instance is fully built, because it hands the instance to compile(). The post-processor is expected to be reentrancy-guarded by its own implementation.
        const pp = globalThis.__zod_globalConfig?.postProcessor;
        if (pp)
            pp(inst);
        return inst;
    }
    Object.defineProperty(_, "init", { value: init });
    Object.defineProperty(_, Symbol.hasInstance, {
        value: (inst) => {
            if (params?.Parent && inst instanceof params.Parent)
                return true;
            return inst?._zod?.traits?.has(name);
        },
    });
    Object.defineProperty(_, "name", { value: name });
    return _;
}
//////////////////////////////   UTILITIES   ///////////////////////////////////////
const $brand = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("zod_brand")));
class $ZodAsyncError extends Error {
    constructor() {
        super(`Encountered Promise during synchronous parse. Use .parseAsync() instead.`);
    }
}
class $ZodEncodeError extends Error {
    constructor(name) {
        super(`Encountered unidirectional transform during encode: ${name}`);
        this.name = "ZodEncodeError";
    }
}
(_a = globalThis).__zod_globalConfig ?? (_a.__zod_globalConfig = {});
const globalConfig = globalThis.__zod_globalConfig;
function config(newConfig) {
    if (newConfig)
        Object.assign(globalConfig, newConfig);
    return globalConfig;
}


/***/ }),

/***/ 37428:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   JM: () => (/* binding */ flattenError),
/* harmony export */   Kd: () => (/* binding */ $ZodRealError),
/* harmony export */   S1: () => (/* binding */ prettifyError),
/* harmony export */   Wk: () => (/* binding */ formatError),
/* harmony export */   a$: () => (/* binding */ $ZodError)
/* harmony export */ });
/* unused harmony exports treeifyError, toDotPath */
/* harmony import */ var _core_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(88532);
/* harmony import */ var _util_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(54723);


/* Computing the message eagerly is expensive (pretty-printed JSON of all
 * issues), so defer it until first read. The accessor functions and
 * descriptors are shared across instances to keep error construction
 * cheap; the computed message is cached on the internals object. The
 * setter preserves plain assignment semantics for consumers that
 * overwrite `message`. */
function _getMessage() {
    const internals = this._zod;
    internals.message ?? (internals.message = JSON.stringify(internals.def, _util_js__WEBPACK_IMPORTED_MODULE_0__/* .jsonStringifyReplacer */ .k8, 2));
    return internals.message;
}
function _setMessage(value) {
    this._zod.message = value;
}
const _messageDesc = {
    get: _getMessage,
    set: _setMessage,
    enumerable: true,
    configurable: true,
};
const _issuesDesc = { value: undefined, enumerable: false };
/* Prototypes that already carry the lazy `toString`. Seeded with the
 * intrinsics so that `init` on a foreign object — it accepts any object —
 * can never install an accessor onto a prototype we do not own. */
const _installedToString = /* @__PURE__ */ new WeakSet([Object.prototype, Error.prototype]);
const initializer = (inst, def) => {
    inst.name = "$ZodError";
    // `_zod` is already non-enumerable: $constructor's init defined it with this same descriptor
    _issuesDesc.value = def;
    Object.defineProperty(inst, "issues", _issuesDesc);
    // Clear the shared slot; a retained `value` pins the last error's issues.
    _issuesDesc.value = undefined;
    Object.defineProperty(inst, "message", _messageDesc);
    /* `toString` lives as a non-enumerable lazy getter on the shared
     * prototype; on first access it caches a per-instance closure so
     * detached usage still works. */
    const proto = Object.getPrototypeOf(inst);
    if (!_installedToString.has(proto)) {
        _installedToString.add(proto);
        Object.defineProperty(proto, "toString", {
            configurable: true,
            enumerable: false,
            get() {
                const value = () => this.message;
                Object.defineProperty(this, "toString", { value, configurable: true, writable: true });
                return value;
            },
            set(value) {
                Object.defineProperty(this, "toString", { value, configurable: true, writable: true });
            },
        });
    }
};
const $ZodError = (0,_core_js__WEBPACK_IMPORTED_MODULE_1__/* .$constructor */ .xI)("$ZodError", initializer);
const $ZodRealError = (0,_core_js__WEBPACK_IMPORTED_MODULE_1__/* .$constructor */ .xI)("$ZodError", initializer, undefined, {
    Parent: Error,
});
/** Get-or-create `obj[key]` as an own data property. A path segment naming an inherited member
 * ("toString", "constructor") would otherwise read through to the prototype, and assigning
 * "__proto__" would hit the setter instead of creating a key. */
function node(obj, key, make) {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) {
        if (key === "__proto__") {
            Object.defineProperty(obj, key, { value: make(), writable: true, enumerable: true, configurable: true });
        }
        else {
            obj[key] = make();
        }
    }
    return obj[key];
}
function flattenError(error, mapper = (issue) => issue.message) {
    const fieldErrors = {};
    const formErrors = [];
    for (const sub of error.issues) {
        if (sub.path.length > 0) {
            node(fieldErrors, sub.path[0], () => []).push(mapper(sub));
        }
        else {
            formErrors.push(mapper(sub));
        }
    }
    return { formErrors, fieldErrors };
}
function formatError(error, mapper = (issue) => issue.message) {
    const fieldErrors = { _errors: [] };
    const processError = (error, path = []) => {
        for (const issue of error.issues) {
            if (issue.code === "invalid_union" && issue.errors.length) {
                issue.errors.map((issues) => processError({ issues }, [...path, ...issue.path]));
            }
            else if (issue.code === "invalid_key") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else if (issue.code === "invalid_element") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else {
                const fullpath = [...path, ...issue.path];
                if (fullpath.length === 0) {
                    fieldErrors._errors.push(mapper(issue));
                }
                else {
                    let curr = fieldErrors;
                    let i = 0;
                    while (i < fullpath.length) {
                        const el = fullpath[i];
                        const terminal = i === fullpath.length - 1;
                        // `_errors` is reserved by this legacy format, so merge a matching path segment into the current node instead of treating its array as a child.
                        if (el === "_errors") {
                            if (terminal)
                                curr._errors.push(mapper(issue));
                            i++;
                            continue;
                        }
                        // A path element may collide with an inherited property name such as
                        // "__proto__" or "constructor". Truthiness checks read the prototype
                        // (so no node is created, then ._errors.push throws), and bracket
                        // assignment of "__proto__" hits the setter instead of creating an
                        // own key. Guard the read with hasOwnProperty and create the node
                        // with defineProperty so any path element becomes a real own key.
                        if (!Object.prototype.hasOwnProperty.call(curr, el)) {
                            Object.defineProperty(curr, el, {
                                value: { _errors: [] },
                                enumerable: true,
                                writable: true,
                                configurable: true,
                            });
                        }
                        const node = curr[el];
                        if (terminal) {
                            node._errors.push(mapper(issue));
                        }
                        curr = node;
                        i++;
                    }
                }
            }
        }
    };
    processError(error);
    return fieldErrors;
}
function treeifyError(error, mapper = (issue) => issue.message) {
    const result = { errors: [] };
    const processError = (error, path = []) => {
        var _a;
        for (const issue of error.issues) {
            if (issue.code === "invalid_union" && issue.errors.length) {
                // regular union error
                issue.errors.map((issues) => processError({ issues }, [...path, ...issue.path]));
            }
            else if (issue.code === "invalid_key") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else if (issue.code === "invalid_element") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else {
                const fullpath = [...path, ...issue.path];
                if (fullpath.length === 0) {
                    result.errors.push(mapper(issue));
                    continue;
                }
                let curr = result;
                let i = 0;
                while (i < fullpath.length) {
                    const el = fullpath[i];
                    const terminal = i === fullpath.length - 1;
                    if (typeof el === "string") {
                        curr.properties ?? (curr.properties = {});
                        // el may collide with an inherited property name ("__proto__",
                        // "constructor", ...); ??= reads the prototype so the node is never
                        // created and curr.errors.push throws. Guard with hasOwnProperty and
                        // create the node with defineProperty so "__proto__" becomes a real
                        // own key rather than invoking the prototype setter.
                        if (!Object.prototype.hasOwnProperty.call(curr.properties, el)) {
                            Object.defineProperty(curr.properties, el, {
                                value: { errors: [] },
                                enumerable: true,
                                writable: true,
                                configurable: true,
                            });
                        }
                        curr = curr.properties[el];
                    }
                    else {
                        curr.items ?? (curr.items = []);
                        (_a = curr.items)[el] ?? (_a[el] = { errors: [] });
                        curr = curr.items[el];
                    }
                    if (terminal) {
                        curr.errors.push(mapper(issue));
                    }
                    i++;
                }
            }
        }
    };
    processError(error);
    return result;
}
/** Format a ZodError as a human-readable string in the following form.
 *
 * From
 *
 * ```ts
 * ZodError {
 *   issues: [
 *     {
 *       expected: 'string',
 *       code: 'invalid_type',
 *       path: [ 'username' ],
 *       message: 'Invalid input: expected string'
 *     },
 *     {
 *       expected: 'number',
 *       code: 'invalid_type',
 *       path: [ 'favoriteNumbers', 1 ],
 *       message: 'Invalid input: expected number'
 *     }
 *   ];
 * }
 * ```
 *
 * to
 *
 * ```
 * username
 *   ✖ Expected number, received string at "username
 * favoriteNumbers[0]
 *   ✖ Invalid input: expected number
 * ```
 */
function toDotPath(_path) {
    const segs = [];
    const path = _path.map((seg) => (typeof seg === "object" ? seg.key : seg));
    for (const seg of path) {
        if (typeof seg === "number")
            segs.push(`[${seg}]`);
        else if (typeof seg === "symbol")
            segs.push(`[${JSON.stringify(String(seg))}]`);
        else if (/[^\w$]/.test(seg))
            segs.push(`[${JSON.stringify(seg)}]`);
        else {
            if (segs.length)
                segs.push(".");
            segs.push(seg);
        }
    }
    return segs.join("");
}
function prettifyError(error) {
    const lines = [];
    // sort by path length
    const issues = [...error.issues].sort((a, b) => (a.path ?? []).length - (b.path ?? []).length);
    // Process each issue
    for (const issue of issues) {
        lines.push(`✖ ${issue.message}`);
        if (issue.path?.length)
            lines.push(`  → at ${toDotPath(issue.path)}`);
    }
    // Convert Map to formatted string
    return lines.join("\n");
}


/***/ }),

/***/ 54723:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   A2: () => (/* binding */ normalizeParams),
/* harmony export */   B7: () => (/* binding */ stringifyPrimitive),
/* harmony export */   GW: () => (/* binding */ parsedType),
/* harmony export */   Gv: () => (/* binding */ isObject),
/* harmony export */   LG: () => (/* binding */ floatSafeRemainder),
/* harmony export */   MO: () => (/* binding */ rawShape),
/* harmony export */   NM: () => (/* binding */ optionalKeys),
/* harmony export */   NR: () => (/* binding */ BIGINT_FORMAT_RANGES),
/* harmony export */   O7: () => (/* binding */ codePointLength),
/* harmony export */   OH: () => (/* binding */ partial),
/* harmony export */   PO: () => (/* binding */ cached),
/* harmony export */   QH: () => (/* binding */ aborted),
/* harmony export */   Qd: () => (/* binding */ isPlainObject),
/* harmony export */   Rc: () => (/* binding */ getLengthableOrigin),
/* harmony export */   SS: () => (/* binding */ constantCatch),
/* harmony export */   UQ: () => (/* binding */ esc),
/* harmony export */   Up: () => (/* binding */ pick),
/* harmony export */   Vy: () => (/* binding */ assignProp),
/* harmony export */   W0: () => (/* binding */ safeExtend),
/* harmony export */   X: () => (/* binding */ installLazyProp),
/* harmony export */   X$: () => (/* binding */ extend),
/* harmony export */   Yv: () => (/* binding */ slugify),
/* harmony export */   cJ: () => (/* binding */ omit),
/* harmony export */   cl: () => (/* binding */ nullish),
/* harmony export */   d3: () => (/* binding */ attachSchema),
/* harmony export */   gx: () => (/* binding */ captureStackTrace),
/* harmony export */   h1: () => (/* binding */ merge),
/* harmony export */   hI: () => (/* binding */ allowsEval),
/* harmony export */   hi: () => (/* binding */ sizeCaps),
/* harmony export */   iR: () => (/* binding */ finalizeIssue),
/* harmony export */   jD: () => (/* binding */ hide),
/* harmony export */   jw: () => (/* binding */ joinValues),
/* harmony export */   k8: () => (/* binding */ jsonStringifyReplacer),
/* harmony export */   lQ: () => (/* binding */ prefixIssues),
/* harmony export */   mw: () => (/* binding */ required),
/* harmony export */   o8: () => (/* binding */ clone),
/* harmony export */   ol: () => (/* binding */ members),
/* harmony export */   p6: () => (/* binding */ cleanRegex),
/* harmony export */   qQ: () => (/* binding */ propertyKeyTypes),
/* harmony export */   qh: () => (/* binding */ own),
/* harmony export */   rL: () => (/* binding */ explicitlyAborted),
/* harmony export */   sD: () => (/* binding */ escapeRegex),
/* harmony export */   sn: () => (/* binding */ issue),
/* harmony export */   un: () => (/* binding */ derived),
/* harmony export */   v5: () => (/* binding */ defineLazyInternal),
/* harmony export */   w5: () => (/* binding */ getEnumValues),
/* harmony export */   yG: () => (/* binding */ shallowClone),
/* harmony export */   zH: () => (/* binding */ NUMBER_FORMAT_RANGES),
/* harmony export */   zM: () => (/* binding */ mergeDefs)
/* harmony export */ });
/* unused harmony exports assertEqual, assertNotEqual, toZod, assertIs, assertNever, assert, defineLazy, objectClone, cloneDef, getElementAtPath, promiseAllObject, randomString, numKeys, getParsedType, primitiveTypes, createTransparentProxy, unwrapMessage, getSizableOrigin, cleanEnum, base64ToUint8Array, uint8ArrayToBase64, base64urlToUint8Array, uint8ArrayToBase64url, hexToUint8Array, uint8ArrayToHex, Class, CONSTANT_CATCH */
/* harmony import */ var _core_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(88532);

// functions
function assertEqual(val) {
    return val;
}
function assertNotEqual(val) {
    return val;
}
function toZod() {
    return (schema) => schema;
}
function assertIs(_arg) { }
function assertNever(_x) {
    throw new Error("Unexpected value in exhaustive check");
}
function assert(_) { }
function getEnumValues(entries) {
    const numericValues = Object.values(entries).filter((v) => typeof v === "number");
    const values = Object.entries(entries)
        .filter(([k, _]) => numericValues.indexOf(+k) === -1)
        .map(([_, v]) => v);
    return values;
}
function joinValues(array, separator = "|") {
    return array.map((val) => stringifyPrimitive(val)).join(separator);
}
function jsonStringifyReplacer(_, value) {
    if (typeof value === "bigint")
        return value.toString();
    return value;
}
// the accessor lives on a shared prototype: an own accessor makes every box a dictionary-mode object (~360 B and a slow load per read against ~100 B and an inlined getter here)
class Cached {
    constructor(getter) {
        this._getter = getter;
        this._value = undefined;
    }
    get value() {
        const getter = this._getter;
        if (getter !== undefined) {
            this._value = getter();
            this._getter = undefined;
        }
        return this._value;
    }
}
function cached(getter) {
    return new Cached(getter);
}
function nullish(input) {
    return input === null || input === undefined;
}
function cleanRegex(source) {
    const start = source.startsWith("^") ? 1 : 0;
    const end = source.endsWith("$") ? source.length - 1 : source.length;
    return source.slice(start, end);
}
function floatSafeRemainder(val, step) {
    const ratio = val / step;
    const roundedRatio = Math.round(ratio);
    // `val` and `step` each round to a double before the division rounds again, so a true decimal multiple's quotient can sit up to 1.5 of these scaled epsilons from the integer. A 1x tolerance therefore rejected 2.03 as a multiple of 0.07; 4x covers the worst case with margin.
    const tolerance = 4 * Number.EPSILON * Math.max(Math.abs(ratio), 1);
    if (Math.abs(ratio - roundedRatio) < tolerance)
        return 0;
    return ratio - roundedRatio;
}
const EVALUATING = /* @__PURE__*/ (/* unused pure expression or super */ null && (Symbol("evaluating")));
function defineLazy(object, key, getter) {
    let value = undefined;
    Object.defineProperty(object, key, {
        get() {
            if (value === EVALUATING) {
                // Circular reference detected, return undefined to break the cycle
                return undefined;
            }
            if (value === undefined) {
                value = EVALUATING;
                value = getter();
            }
            return value;
        },
        set(v) {
            Object.defineProperty(object, key, {
                value: v,
                // configurable: true,
            });
            // object[key] = v;
        },
        configurable: true,
    });
}
function objectClone(obj) {
    return Object.create(Object.getPrototypeOf(obj), Object.getOwnPropertyDescriptors(obj));
}
function assignProp(target, prop, value) {
    Object.defineProperty(target, prop, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
    });
}
/**
 * Whichever object a def's `shape` currently answers from: the one the caller passed until the first read, the frozen copy after it.
 *
 * Its keys and descriptors read without invoking anything, which is what lets a discriminated union check its discriminator, and the cycle walk read a shape, without resolving a getter that references the schema being constructed. A def that answers `shape` from an accessor of its own has none.
 */
function rawShape(def) {
    const desc = Object.getOwnPropertyDescriptor(def, "shape");
    return desc?.get ? desc.get.raw : desc?.value;
}
// where a builder reads its source's keys and descriptors, resolving only a shape a def answers for itself. A shape resolves by object spread, so only its enumerable keys are ever part of it.
function sourceShape(schema) {
    return rawShape(schema._zod.def) ?? schema._zod.def.shape;
}
// a key whose value is not settled yet, self-caching so every read after the first gets the same one
function deferProp(target, key, getter) {
    Object.defineProperty(target, key, {
        get() {
            const value = getter();
            assignProp(this, key, value);
            return value;
        },
        enumerable: true,
        configurable: true,
    });
}
// Writes a settled key. A plain assignment is much cheaper than `defineProperty` and produces the same descriptor, but it runs whatever setter already answers to the key — an accessor this shape deferred, or an inherited one, which `__proto__` has on every object and prototype pollution can add for any name.
function putProp(target, key, value) {
    if (key in target)
        assignProp(target, key, value);
    else
        target[key] = value;
}
/**
 * Copies `keys` of `source`'s shape onto `target`, each value passed through `wrap`.
 *
 * A key the source has resolved is copied through now, so the derived shape states it outright and nothing has to resolve it to learn what it holds. A key the source still defers stays deferred, and reads back through the source's own `shape`, so it resolves once and both shapes get that one schema.
 */
function mirrorShape(target, source, keys, wrap) {
    const raw = sourceShape(source);
    for (const key of keys) {
        const desc = Object.getOwnPropertyDescriptor(raw, key);
        if (!desc.enumerable)
            continue;
        if (desc.get) {
            deferProp(target, key, () => {
                const value = source._zod.def.shape[key];
                return wrap ? wrap(value, key) : value;
            });
        }
        else
            putProp(target, key, wrap ? wrap(desc.value, key) : desc.value);
    }
}
// same, for a plain shape a caller passed rather than a schema's
function mirrorProps(target, source) {
    for (const key of Reflect.ownKeys(source)) {
        const desc = Object.getOwnPropertyDescriptor(source, key);
        if (!desc.enumerable)
            continue;
        if (desc.get)
            deferProp(target, key, () => source[key]);
        else
            putProp(target, key, desc.value);
    }
}
function mergeDefs(...defs) {
    const mergedDescriptors = {};
    for (const def of defs) {
        const descriptors = Object.getOwnPropertyDescriptors(def);
        Object.assign(mergedDescriptors, descriptors);
    }
    return Object.defineProperties({}, mergedDescriptors);
}
function cloneDef(schema) {
    return mergeDefs(schema._zod.def);
}
function getElementAtPath(obj, path) {
    if (!path)
        return obj;
    return path.reduce((acc, key) => acc?.[key], obj);
}
function promiseAllObject(promisesObj) {
    const keys = Object.keys(promisesObj);
    const promises = keys.map((key) => promisesObj[key]);
    return Promise.all(promises).then((results) => {
        const resolvedObj = {};
        for (let i = 0; i < keys.length; i++) {
            resolvedObj[keys[i]] = results[i];
        }
        return resolvedObj;
    });
}
function randomString(length = 10) {
    const chars = "abcdefghijklmnopqrstuvwxyz";
    let str = "";
    for (let i = 0; i < length; i++) {
        str += chars[Math.floor(Math.random() * chars.length)];
    }
    return str;
}
function esc(str) {
    return JSON.stringify(str);
}
function slugify(input) {
    return input
        .toLowerCase()
        .trim()
        .replace(/[^\w\s-]/g, "")
        .replace(/[\s_-]+/g, "-")
        .replace(/^-+|-+$/g, "");
}
const captureStackTrace = ("captureStackTrace" in Error ? Error.captureStackTrace : (..._args) => { });
function isObject(data) {
    return typeof data === "object" && data !== null && !Array.isArray(data);
}
const allowsEval = /* @__PURE__*/ cached(() => {
    // Skip the probe under `jitless`: strict CSPs report the caught `new Function` as a `securitypolicyviolation` even though the throw is swallowed.
    if (_core_js__WEBPACK_IMPORTED_MODULE_0__/* .globalConfig */ .cr.jitless) {
        return false;
    }
    // @ts-ignore
    if (typeof navigator !== "undefined" && navigator?.userAgent?.includes("Cloudflare")) {
        return false;
    }
    try {
        const F = Function;
        new F("");
        return true;
    }
    catch (_) {
        return false;
    }
});
function isPlainObject(o) {
    if (isObject(o) === false)
        return false;
    // modified constructor
    const ctor = o.constructor;
    if (ctor === undefined)
        return true;
    if (typeof ctor !== "function")
        return true;
    // modified prototype
    const prot = ctor.prototype;
    if (isObject(prot) === false)
        return false;
    // ctor doesn't have static `isPrototypeOf`
    if (Object.prototype.hasOwnProperty.call(prot, "isPrototypeOf") === false) {
        return false;
    }
    return true;
}
function shallowClone(o) {
    if (isPlainObject(o))
        return { ...o };
    if (Array.isArray(o))
        return [...o];
    if (o instanceof Map)
        return new Map(o);
    if (o instanceof Set)
        return new Set(o);
    return o;
}
function numKeys(data) {
    let keyCount = 0;
    for (const key in data) {
        if (Object.prototype.hasOwnProperty.call(data, key)) {
            keyCount++;
        }
    }
    return keyCount;
}
const getParsedType = (data) => {
    const t = typeof data;
    switch (t) {
        case "undefined":
            return "undefined";
        case "string":
            return "string";
        case "number":
            return Number.isNaN(data) ? "nan" : "number";
        case "boolean":
            return "boolean";
        case "function":
            return "function";
        case "bigint":
            return "bigint";
        case "symbol":
            return "symbol";
        case "object":
            if (Array.isArray(data)) {
                return "array";
            }
            if (data === null) {
                return "null";
            }
            if (data.then && typeof data.then === "function" && data.catch && typeof data.catch === "function") {
                return "promise";
            }
            if (typeof Map !== "undefined" && data instanceof Map) {
                return "map";
            }
            if (typeof Set !== "undefined" && data instanceof Set) {
                return "set";
            }
            if (typeof Date !== "undefined" && data instanceof Date) {
                return "date";
            }
            // @ts-ignore
            if (typeof File !== "undefined" && data instanceof File) {
                return "file";
            }
            return "object";
        default:
            throw new Error(`Unknown data type: ${t}`);
    }
};
const propertyKeyTypes = /* @__PURE__*/ new Set(["string", "number", "symbol"]);
const primitiveTypes = /* @__PURE__*/ new Set([
    "string",
    "number",
    "bigint",
    "boolean",
    "symbol",
    "undefined",
]);
function escapeRegex(str) {
    return str.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
// zod-specific utils
function clone(inst, def, params) {
    const cl = new inst._zod.constr(def ?? inst._zod.def);
    if (!def || params?.parent)
        cl._zod.parent = inst;
    return cl;
}
function normalizeParams(_params) {
    const params = _params;
    if (!params)
        return {};
    if (typeof params === "string")
        return { error: () => params };
    if (params?.message !== undefined) {
        if (params?.error !== undefined)
            throw new Error("Cannot specify both `message` and `error` params");
        params.error = params.message;
    }
    delete params.message;
    if (typeof params.error === "string")
        return { ...params, error: () => params.error };
    return params;
}
function createTransparentProxy(getter) {
    let target;
    return new Proxy({}, {
        get(_, prop, receiver) {
            target ?? (target = getter());
            return Reflect.get(target, prop, receiver);
        },
        set(_, prop, value, receiver) {
            target ?? (target = getter());
            return Reflect.set(target, prop, value, receiver);
        },
        has(_, prop) {
            target ?? (target = getter());
            return Reflect.has(target, prop);
        },
        deleteProperty(_, prop) {
            target ?? (target = getter());
            return Reflect.deleteProperty(target, prop);
        },
        ownKeys(_) {
            target ?? (target = getter());
            return Reflect.ownKeys(target);
        },
        getOwnPropertyDescriptor(_, prop) {
            target ?? (target = getter());
            return Reflect.getOwnPropertyDescriptor(target, prop);
        },
        defineProperty(_, prop, descriptor) {
            target ?? (target = getter());
            return Reflect.defineProperty(target, prop, descriptor);
        },
    });
}
function stringifyPrimitive(value) {
    if (typeof value === "bigint")
        return value.toString() + "n";
    if (typeof value === "string")
        return `"${value}"`;
    return `${value}`;
}
function optionalKeys(shape) {
    return Object.keys(shape).filter((k) => {
        return shape[k]._zod.optin !== undefined && shape[k]._zod.optout === "optional";
    });
}
// Wrapped in a `@__PURE__` IIFE: esbuild never tree-shakes a top-level initializer that contains a member access on `Number`, so the bare object literal survived into every bundle.
const NUMBER_FORMAT_RANGES = /*@__PURE__*/ (() => ({
    safeint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    int32: [-2147483648, 2147483647],
    uint32: [0, 4294967295],
    float32: [-3.4028234663852886e38, 3.4028234663852886e38],
    float64: [-Number.MAX_VALUE, Number.MAX_VALUE],
}))();
const BIGINT_FORMAT_RANGES = {
    int64: [/* @__PURE__*/ BigInt("-9223372036854775808"), /* @__PURE__*/ BigInt("9223372036854775807")],
    uint64: [/* @__PURE__*/ BigInt(0), /* @__PURE__*/ BigInt("18446744073709551615")],
};
function pick(schema, mask) {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(".pick() cannot be used on object schemas containing refinements");
    }
    const newShape = {};
    mirrorShape(newShape, schema, maskedKeys(schema, mask));
    return clone(schema, mergeDefs(currDef, { shape: newShape, checks: [] }));
}
// the mask keys that select something, checked against the source's shape without resolving it
function maskedKeys(schema, mask) {
    const raw = sourceShape(schema);
    const keys = [];
    // `for...in` skips symbols, so a symbol in the mask would select nothing
    for (const key of Reflect.ownKeys(mask)) {
        if (!Object.getOwnPropertyDescriptor(raw, key)?.enumerable) {
            throw new Error(`Unrecognized key: "${String(key)}"`);
        }
        if (mask[key])
            keys.push(key);
    }
    return keys;
}
function omit(schema, mask) {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(".omit() cannot be used on object schemas containing refinements");
    }
    const omitted = new Set(maskedKeys(schema, mask));
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)).filter((key) => !omitted.has(key)));
    return clone(schema, mergeDefs(currDef, { shape: newShape, checks: [] }));
}
function extend(schema, shape) {
    if (!isPlainObject(shape)) {
        throw new Error("Invalid input to extend: expected a plain object");
    }
    const checks = schema._zod.def.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        // Only throw if new shape overlaps with existing shape. Use getOwnPropertyDescriptor to check key existence without accessing values
        const existingShape = sourceShape(schema);
        for (const key of Reflect.ownKeys(shape)) {
            if (Object.getOwnPropertyDescriptor(existingShape, key) !== undefined) {
                throw new Error("Cannot overwrite keys on object schemas containing refinements. Use `.safeExtend()` instead.");
            }
        }
    }
    return clone(schema, mergeDefs(schema._zod.def, { shape: extended(schema, shape) }));
}
// the source's keys, then the caller's overlaid on top
function extended(schema, shape) {
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)));
    mirrorProps(newShape, shape);
    return newShape;
}
function safeExtend(schema, shape) {
    if (!isPlainObject(shape)) {
        throw new Error("Invalid input to safeExtend: expected a plain object");
    }
    return clone(schema, mergeDefs(schema._zod.def, { shape: extended(schema, shape) }));
}
function merge(a, b) {
    if (!b?._zod?.def) {
        throw new Error("Invalid input to merge: expected an object schema. To merge a plain shape, use `.extend()`.");
    }
    if (a._zod.def.checks?.length) {
        throw new Error(".merge() cannot be used on object schemas containing refinements. Use .safeExtend() instead.");
    }
    const newShape = {};
    mirrorShape(newShape, a, Reflect.ownKeys(sourceShape(a)));
    mirrorShape(newShape, b, Reflect.ownKeys(sourceShape(b)));
    const def = mergeDefs(a._zod.def, {
        shape: newShape,
        get catchall() {
            return b._zod.def.catchall;
        },
        checks: b._zod.def.checks ?? [],
    });
    return clone(a, def);
}
function partial(Class, schema, mask, name = "partial") {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(`.${name}() cannot be used on object schemas containing refinements`);
    }
    const selected = mask ? new Set(maskedKeys(schema, mask)) : undefined;
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)), Class &&
        ((value, key) => (selected && !selected.has(key) ? value : new Class({ type: "optional", innerType: value }))));
    return clone(schema, mergeDefs(schema._zod.def, { shape: newShape, checks: [] }));
}
function required(Class, schema, mask) {
    const selected = mask ? new Set(maskedKeys(schema, mask)) : undefined;
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)), (value, key) => 
    // overwrite with non-optional
    selected && !selected.has(key) ? value : new Class({ type: "nonoptional", innerType: value }));
    return clone(schema, mergeDefs(schema._zod.def, { shape: newShape }));
}
// invalid_type | too_big | too_small | invalid_format | not_multiple_of | unrecognized_keys | invalid_union | invalid_key | invalid_element | invalid_value | custom
function aborted(x, startIndex = 0) {
    if (x.aborted === true)
        return true;
    for (let i = startIndex; i < x.issues.length; i++) {
        if (x.issues[i]?.continue !== true) {
            return true;
        }
    }
    return false;
}
// Checks for explicit abort (continue === false), as opposed to implicit abort (continue === undefined). Used to respect `abort: true` in .refine() even for checks that have a `when` function.
function explicitlyAborted(x, startIndex = 0) {
    if (x.aborted === true)
        return true;
    for (let i = startIndex; i < x.issues.length; i++) {
        if (x.issues[i]?.continue === false) {
            return true;
        }
    }
    return false;
}
function prefixIssues(path, issues) {
    return issues.map((iss) => {
        var _a;
        (_a = iss).path ?? (_a.path = []);
        iss.path.unshift(path);
        return iss;
    });
}
function unwrapMessage(message) {
    return typeof message === "string" ? message : message?.message;
}
/* A check holds no link back to the schema it is attached to — the same check instance is shared by every clone of that schema — so the owner is stamped onto the issues a check just raised, at the only point where both are in scope. Runs on the failure path only; `start` is the issue count from before the check ran. */
/** The leading size checks of `defChecks` that set an upper bound, each paired with it. */
function sizeCaps(defChecks) {
    const caps = [];
    for (const ch of defChecks ?? []) {
        const d = ch._zod.def;
        // a later check may rewrite the value
        if (!/_(length|size)$|_equals$/.test(d.check))
            break;
        const max = d.maximum ?? d.length ?? d.size;
        if (max >= 0)
            caps.push([max, ch]);
    }
    return caps;
}
function attachSchema(issues, start, inst) {
    var _a;
    for (let i = start; i < issues.length; i++) {
        (_a = issues[i]).schema ?? (_a.schema = inst);
    }
}
function finalizeIssue(iss, ctx, config) {
    var _a;
    // A schema that raised an issue itself owns it outright, and outranks any stamp an enclosing check left in `attachSchema`. String formats and z.custom() are schema and check at once, so when they act as a check they defer to that stamp instead.
    const traits = iss.inst?._zod?.traits;
    if (traits?.has("$ZodType")) {
        if (traits.has("$ZodCheck"))
            (_a = iss).schema ?? (_a.schema = iss.inst);
        else
            iss.schema = iss.inst;
    }
    // Decreasing specificity, first map to return a message wins. `inst` is whatever raised the issue, so a check's own map outranks the owning schema's.
    const schemaError = iss.schema !== iss.inst ? iss.schema?._zod.def?.error : undefined;
    const message = iss.message
        ? iss.message
        : (unwrapMessage(iss.inst?._zod.def?.error?.(iss)) ??
            unwrapMessage(schemaError?.(iss)) ??
            unwrapMessage(ctx?.error?.(iss)) ??
            unwrapMessage(config.customError?.(iss)) ??
            unwrapMessage(config.localeError?.(iss)) ??
            "Invalid input");
    // an explicit own-key copy beats object rest with excluded keys, which v8 routes through a generic runtime call; Object.keys rather than for-in so an issue pushed with a prototype does not leak inherited keys, and an own __proto__ key is dropped rather than assigned through the setter
    const full = {};
    for (const k of Object.keys(iss)) {
        if (k === "inst" || k === "schema" || k === "continue" || k === "input" || k === "__proto__")
            continue;
        full[k] = iss[k];
    }
    full.path ?? (full.path = []);
    full.message = message;
    if (ctx?.reportInput) {
        full.input = iss.input;
    }
    return full;
}
function getSizableOrigin(input) {
    if (input instanceof Set)
        return "set";
    if (input instanceof Map)
        return "map";
    // @ts-ignore
    if (input instanceof File)
        return "file";
    return "unknown";
}
const highSurrogate = /[\uD800-\uDBFF]/;
// Code points in `str`: a surrogate pair counts once, a lone surrogate as itself. Hand-rolled because the string iterator allocates and runs ~250x slower on this path; the regex probe exits ~50x quicker for a string with no astral characters.
function codePointLength(str) {
    const units = str.length;
    if (!highSurrogate.test(str))
        return units;
    let count = units;
    for (let i = 0; i < units - 1; i++) {
        if ((str.charCodeAt(i) & 0xfc00) === 0xd800 && (str.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
            count--;
            i++;
        }
    }
    return count;
}
function getLengthableOrigin(input) {
    if (Array.isArray(input))
        return "array";
    if (typeof input === "string")
        return "string";
    return "unknown";
}
function parsedType(data) {
    const t = typeof data;
    switch (t) {
        case "number": {
            return Number.isNaN(data) ? "nan" : "number";
        }
        case "object": {
            if (data === null) {
                return "null";
            }
            if (Array.isArray(data)) {
                return "array";
            }
            const obj = data;
            if (obj && Object.getPrototypeOf(obj) !== Object.prototype && "constructor" in obj && obj.constructor) {
                return obj.constructor.name;
            }
        }
    }
    return t;
}
function issue(...args) {
    const [iss, input, inst] = args;
    if (typeof iss === "string") {
        return {
            message: iss,
            code: "custom",
            input,
            inst,
        };
    }
    return { ...iss };
}
function cleanEnum(obj) {
    return Object.entries(obj)
        .filter(([k, _]) => {
        // return true if NaN, meaning it's not a number, thus a string key
        return Number.isNaN(Number.parseInt(k, 10));
    })
        .map((el) => el[1]);
}
// Codec utility functions
function base64ToUint8Array(base64) {
    const binaryString = atob(base64);
    const bytes = new Uint8Array(binaryString.length);
    for (let i = 0; i < binaryString.length; i++) {
        bytes[i] = binaryString.charCodeAt(i);
    }
    return bytes;
}
function uint8ArrayToBase64(bytes) {
    let binaryString = "";
    for (let i = 0; i < bytes.length; i++) {
        binaryString += String.fromCharCode(bytes[i]);
    }
    return btoa(binaryString);
}
function base64urlToUint8Array(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const padding = "=".repeat((4 - (base64.length % 4)) % 4);
    return base64ToUint8Array(base64 + padding);
}
function uint8ArrayToBase64url(bytes) {
    return uint8ArrayToBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=/g, "");
}
function hexToUint8Array(hex) {
    const cleanHex = hex.replace(/^0x/, "");
    if (cleanHex.length % 2 !== 0) {
        throw new Error("Invalid hex string length");
    }
    const bytes = new Uint8Array(cleanHex.length / 2);
    for (let i = 0; i < cleanHex.length; i += 2) {
        bytes[i / 2] = Number.parseInt(cleanHex.slice(i, i + 2), 16);
    }
    return bytes;
}
function uint8ArrayToHex(bytes) {
    return Array.from(bytes)
        .map((b) => b.toString(16).padStart(2, "0"))
        .join("");
}
// instanceof
class Class {
    constructor(..._args) { }
}
//////////    PROTOTYPE INSTALLERS     //////////
//
// Members live on the prototype and materialize per instance on first read, which keeps own-property count under the step where V8 stops using inline slots. Changing anything here means re-measuring runtime, memory and bundle size together — see "The three axes" in AGENTS.md.
/**
 * Installs a trait's members on its prototype. Each value builds that member for the instance on first read; the built value shadows the accessor as an own property, so a detached `const { parse } = schema` keeps working.
 *
 * Call this from a `proto` initializer, which runs once per prototype — never per instance.
 */
function members(proto, table) {
    for (const key in table) {
        const desc = Object.getOwnPropertyDescriptor(table, key);
        // a getter installs as written, so it stays live: `description` reads through to the registry on every access. not enumerable: an object literal's is, and a prototype member never was
        if (desc.get)
            Object.defineProperty(proto, key, { ...desc, enumerable: false });
        // a method materializes bound on first read, which is what keeps a detached member working: `const opt = schema.optional; opt()`
        else
            defineBound(proto, key, desc.value);
    }
}
/** Shadows a prototype member with an own value, so a getter that builds from the instance runs once. */
function own(inst, key, value, enumerable = true) {
    Object.defineProperty(inst, key, { configurable: true, writable: true, enumerable, value });
    return value;
}
/** Like {@link own}, for a member that was never an own data property and has to stay out of `Object.keys`. */
function hide(inst, key, value) {
    return own(inst, key, value, false);
}
/** Adds members a table derives from the instance: each builds on first read and shadows as own data, and assignment shadows the same way, as when these were own properties. */
function derived(computes, table) {
    for (const key in computes) {
        const compute = computes[key];
        // an object literal's accessor is configurable and enumerable, and `members` copies the descriptor as written
        Object.defineProperty(table, key, {
            configurable: true,
            enumerable: true,
            get() {
                return own(this, key, compute(this));
            },
            set(value) {
                own(this, key, value);
            },
        });
    }
    return table;
}
function defineBound(proto, key, fn) {
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // vitest's spyOn calls a prototype getter bare to find the function it wraps, so a nullish receiver answers the raw method
            return this == null ? fn : own(this, key, fn.bind(this));
        },
        set(value) {
            own(this, key, value);
        },
    });
}
/** Returns the prototype to install on, or `undefined` if this group is already installed on it. */
function claim(inst, sentinel) {
    const proto = Object.getPrototypeOf(inst);
    // Runs on every construction, so `in` rather than the costlier `hasOwnProperty.call`. Sentinels are keys the group itself defines.
    return sentinel in proto ? undefined : proto;
}
// The internals whose init chain is installing. A second call for the same one is a derived constructor overriding its base, so it must not construct another schema in between or the override is dropped.
let installing;
// Set while a getter is running, so a value that resolved through a recursion break is not memoized. One shared descriptor shadows the key for the duration, which costs no per-key allocation.
let broke = false;
const breaker = {
    configurable: true,
    get() {
        broke = true;
        return undefined;
    },
};
/**
 * Installs a lazily-derived internal on the `_zod` prototype of `inst`'s
 * constructor, computed from the internals object itself and cached there on
 * first read. One accessor per constructor rather than one per instance.
 */
function defineLazyInternal(inst, key, compute) {
    const proto = Object.getPrototypeOf(inst._zod);
    if (key in proto && installing !== inst._zod) {
        // A repeat construction: everything is installed already. Cleared here so the reference is not held past the first construction of every type.
        installing = undefined;
        return;
    }
    installing = inst._zod;
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // Shadowed before computing so a re-entrant read from a recursive schema resolves to undefined instead of running the getter again.
            Object.defineProperty(this, key, breaker);
            const outer = broke;
            broke = false;
            try {
                const value = compute(this);
                // A result that resolved through a recursion break is recomputed once the graph is complete; everything else memoizes, undefined included.
                if (broke)
                    delete this[key];
                else
                    Object.defineProperty(this, key, { configurable: true, writable: true, value });
                broke = broke || outer;
                return value;
            }
            catch (err) {
                // A compute that threw memoizes nothing, so a later read runs it again and fails the same way. The shadow goes with it, since leaving it installed would answer undefined for every later read.
                delete this[key];
                broke = broke || outer;
                throw err;
            }
        },
        set(value) {
            Object.defineProperty(this, key, { configurable: true, writable: true, value });
        },
    });
}
/**
 * Installs `key` on `inst`'s prototype, computed by `make` on first read and cached there as an own
 * data property. One accessor per constructor rather than one per instance, because an own accessor
 * puts every instance after the first into v8 dictionary mode. The key doubles as the sentinel.
 */
function installLazyProp(inst, key, make, enumerable) {
    const proto = claim(inst, key);
    if (!proto)
        return;
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // Shadowed before computing, so a re-entrant read from a self-referential shape resolves to undefined instead of running the getter again. A data property rather than an accessor: an own accessor is the dictionary-mode transition this exists to avoid.
            const desc = { configurable: true, writable: true, enumerable, value: undefined };
            Object.defineProperty(this, key, desc);
            // a compute that throws leaves the shadow behind, so later reads answer undefined instead of re-throwing; `defineLazy` did the same, and `defineLazyInternal`'s delete-on-catch would cost bytes in every bundle for a case only a throwing user getter reaches
            desc.value = make(this);
            Object.defineProperty(this, key, desc);
            return desc.value;
        },
        set(value) {
            Object.defineProperty(this, key, { configurable: true, writable: true, enumerable, value });
        },
    });
}
/** Marks the thunk `_catch` synthesises for a constant catch value. `Function.length` cannot tell that thunk from a user callback — rest and defaulted parameters both report arity 0 — and a user callback reads `ctx.error`, whose issues only finalize correctly against the caller's per-parse error map. Provenance can say what arity cannot. A plain string key rather than `Symbol.for`, whose call at module scope no bundler can prove pure — the same shape that anchored `urlCanParse` into every build. */
const CONSTANT_CATCH = "~constantCatch";
/** Wraps a constant catch value in a thunk tagged with {@link CONSTANT_CATCH}. */
function constantCatch(value) {
    const fn = () => value;
    fn[CONSTANT_CATCH] = true;
    return fn;
}


/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		id: moduleId,
/******/ 		loaded: false,
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Flag the module as loaded
/******/ 	module.loaded = true;
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/node module decorator */
/******/ (() => {
/******/ 	__nccwpck_require__.nmd = (module) => {
/******/ 		module.paths = [];
/******/ 		if (!module.children) module.children = [];
/******/ 		return module;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(80223);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
