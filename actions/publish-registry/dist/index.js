import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 195:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _shared_action_run_action_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(8447);
/* harmony import */ var _run_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(2268);


process.exitCode = await (0,_shared_action_run_action_js__WEBPACK_IMPORTED_MODULE_0__/* .runAction */ .C)(_run_js__WEBPACK_IMPORTED_MODULE_1__/* .publishRegistry */ .n);

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 2268:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  n: () => (/* binding */ publishRegistry)
});

// EXTERNAL MODULE: ./shared/action/errors.ts
var errors = __nccwpck_require__(1674);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
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

;// CONCATENATED MODULE: ./shared/fleet/flags.ts
/** A day, for ages and the stale rule (the fleet counts whole days). */
const DAY_MS = 86_400_000;
function flagEnvironment(environment, owner, rules) {
    const reasons = {};
    const { current, monitor } = environment;
    if (current) {
        const lastSeen = Math.max(Date.parse(current.promotedAt), monitor ? Date.parse(monitor.checkedAt) : -Infinity);
        const idleDays = Math.floor((rules.now.getTime() - lastSeen) / DAY_MS);
        if (idleDays > rules.staleAfterDays)
            reasons.stale = `Neither promoted nor checked by the monitor for ${idleDays} days (more than ${rules.staleAfterDays}): last promoted ${current.promotedAt.slice(0, 10)}${monitor ? `, last monitored ${monitor.checkedAt.slice(0, 10)}` : ', never monitored'}.`;
        if (current.overrideReason)
            reasons.overridden = `Promoted with its gates overridden: ${current.overrideReason}`;
    }
    const orphaned = orphanReason(owner);
    if (orphaned)
        reasons.orphaned = orphaned;
    if (!monitor && current && rules.watchedEnvironments.includes(environment.name))
        reasons.unwatched = `No monitor reports on it: no monitor issue of monitor-model names this model in ${environment.name}.`;
    const flags = ['stale', 'orphaned', 'unwatched', 'overridden'].filter((flag) => reasons[flag]);
    return { ...environment, flags, reasons };
}
function orphanReason(owner) {
    if (!owner.handles.length)
        return 'No owner was recorded at training (train-model `owner`, or a CODEOWNERS entry for the training code).';
    if (!owner.checked)
        return undefined;
    if (owner.gone.length === owner.handles.length)
        return `Its owner${owner.handles.length > 1 ? 's' : ''} ${owner.gone.join(', ')} no longer belong${owner.handles.length > 1 ? '' : 's'} to the repository (not a collaborator, or the team is gone).`;
    return undefined;
}

// EXTERNAL MODULE: ./shared/markdown/escape.ts
var markdown_escape = __nccwpck_require__(2215);
// EXTERNAL MODULE: ./node_modules/zod/v4/core/api.js
var api = __nccwpck_require__(3759);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 10 modules
var schemas = __nccwpck_require__(3798);
;// CONCATENATED MODULE: ./node_modules/zod/v4/classic/iso.js



function datetime(params) {
    return api/* _isoDateTime */.G1(schemas/* ZodISODateTime */.You, params);
}
function date(params) {
    return core._isoDate(ZodISODate, params);
}
function time(params) {
    return core._isoTime(ZodISOTime, params);
}
function duration(params) {
    return core._isoDuration(ZodISODuration, params);
}

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
const interval = schemas/* tuple */.PVZ([schemas/* number */.aig(), schemas/* number */.aig()]);
const groupMetric = schemas/* object */.Ikc({ value: schemas/* number */.aig(), ci: interval.optional() });
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
    ci: interval.optional(),
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

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
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

;// CONCATENATED MODULE: ./shared/monitor/report.ts
/**
 * The drift report, `mlops-actions/drift-report@1`: a JSON document, stable and versioned like
 * the profile. Field meanings are in docs/monitoring.md; a change that renames or removes a
 * field is a new format version. Shares and rates are in [0, 1]; a `bound` is the most a
 * statistic read from sketches may differ from its exact value (0 on the exact path).
 */



const DRIFT_REPORT_FORMAT = 'mlops-actions/drift-report@1';
const share = schemas/* number */.aig().min(0).max(1);
const finite = schemas/* number */.aig().finite();
const profileIdentity = schemas/* object */.Ikc({
    /** sha256 of the profile document as read (or of the raw columns on the exact path). */
    digest: schemas/* string */.YjP().regex(/^sha256:[0-9a-f]{64}$/),
    rows: schemas/* number */.aig().int().min(0),
    sources: schemas/* array */.YOg(schemas/* object */.Ikc({ path: schemas/* string */.YjP(), format: schemas/* string */.YjP(), rows: schemas/* number */.aig() })),
});
const ks = schemas/* object */.Ikc({
    statistic: share,
    method: schemas/* enum */.k5n(['exact', 'asymp']),
    pValue: share,
    bound: finite.min(0),
    pValueRange: schemas/* tuple */.PVZ([share, share]),
});
const wassersteinSchema = schemas/* object */.Ikc({
    distance: finite.min(0),
    normalised: finite.min(0),
    norm: finite.positive(),
    bound: finite.min(0),
});
const binnedPsi = schemas/* object */.Ikc({
    value: finite.min(0),
    edges: schemas/* array */.YOg(finite),
    reference: schemas/* array */.YOg(share),
    current: schemas/* array */.YOg(share),
    bounds: schemas/* tuple */.PVZ([finite.min(0), finite.min(0)]),
});
const categorical = schemas/* object */.Ikc({
    buckets: schemas/* array */.YOg(schemas/* string */.YjP()),
    reference: schemas/* array */.YOg(share),
    current: schemas/* array */.YOg(share),
    psi: finite.min(0),
    jensenShannon: finite.min(0),
    chiSquare: schemas/* object */.Ikc({ statistic: finite.min(0), pValue: share, dof: schemas/* number */.aig().int().min(0) }),
    newCategories: schemas/* array */.YOg(schemas/* object */.Ikc({ value: schemas/* string */.YjP(), count: finite.min(0) })),
    newShare: share,
    exact: schemas/* boolean */.zMY(),
    shareError: finite.min(0),
});
const featureDrift = schemas/* object */.Ikc({
    name: schemas/* string */.YjP(),
    /** The column's type in the profile (number, integer, string, boolean, …). */
    type: schemas/* string */.YjP(),
    /** How it is compared: numeric, or categorical (text, booleans, numbers with ≤ 5 values). */
    kind: schemas/* enum */.k5n(['numeric', 'categorical']),
    /** exact: from every value; sketch: from the profiles' sketches, within the stated bounds. */
    source: schemas/* enum */.k5n(['exact', 'sketch']),
    test: schemas/* object */.Ikc({
        name: schemas/* enum */.k5n(DRIFT_TESTS),
        measures: schemas/* enum */.k5n(['p-value', 'distance']),
        value: finite,
        threshold: finite,
        drifted: schemas/* boolean */.zMY(),
        /** default: Evidently's choice for the column; override: the policy named it. */
        chosen: schemas/* enum */.k5n(['default', 'override']),
    }),
    missing: schemas/* object */.Ikc({ reference: share, current: share, change: finite }),
    /** Current values outside the reference's [min, max] (numeric) or in new categories. */
    outsideRange: schemas/* object */.Ikc({ share, bound: finite.min(0) }),
    numeric: schemas/* object */.Ikc({ ks, wasserstein: wassersteinSchema, psi: binnedPsi }).nullable(),
    categorical: categorical.nullable(),
});
const driftReport = schemas/* object */.Ikc({
    format: schemas/* literal */.euz(DRIFT_REPORT_FORMAT),
    reference: profileIdentity,
    current: profileIdentity,
    dataset: schemas/* object */.Ikc({
        drifted: schemas/* boolean */.zMY(),
        /** Drifted features ÷ compared features. */
        share,
        /** The data drifts when share ≥ driftShare. */
        driftShare: share,
        compared: schemas/* number */.aig().int().min(0),
        driftedFeatures: schemas/* array */.YOg(schemas/* string */.YjP()),
    }),
    features: schemas/* array */.YOg(featureDrift),
    /** Columns not compared, and why (e.g. a date column, or text past 128 distinct values). */
    skipped: schemas/* array */.YOg(schemas/* object */.Ikc({ name: schemas/* string */.YjP(), reason: schemas/* string */.YjP() })),
});
/** sha256 of a JSON value as text: the identity of a profile (or of raw columns). */
function digestOf(value) {
    return `sha256:${createHash('sha256').update(JSON.stringify(value)).digest('hex')}`;
}
function identifyProfile(profile) {
    return {
        digest: digestOf(profile),
        rows: profile.rows,
        sources: profile.sources.map(({ path, format, rows }) => ({ path, format, rows })),
    };
}

;// CONCATENATED MODULE: ./shared/monitor/monitor-report.ts
/**
 * The monitor report, `mlops-actions/monitor-report@1`: what one monitor-model run found about a
 * model in an environment. It holds the drift reports whole (`drift-report@1`), the quality
 * findings, the performance (measured with labels, or estimated from scores) judged by the gate
 * policy, the status, and what the run did on GitHub (the issue, the retraining dispatch).
 * Field meanings are in docs/monitoring.md; renaming or removing a field is a new version.
 */



const MONITOR_REPORT_FORMAT = 'mlops-actions/monitor-report@1';
const MONITOR_STATUSES = ['healthy', 'drifting', 'degraded'];
const FINDING_KINDS = [
    'data-drift',
    'prediction-drift',
    'data-quality',
    'validation',
    'performance',
    'estimated-performance',
    'fairness',
];
const finding = schemas/* object */.Ikc({
    kind: schemas/* enum */.k5n(FINDING_KINDS),
    level: schemas/* enum */.k5n(['fail', 'warn', 'info']),
    /** One sentence; names in it are as the data wrote them (escape before rendering). */
    message: schemas/* string */.YjP(),
    feature: schemas/* string */.YjP().optional(),
});
const judgedMetric = schemas/* object */.Ikc({
    name: schemas/* string */.YjP(),
    value: schemas/* number */.aig().optional(),
    ci: schemas/* tuple */.PVZ([schemas/* number */.aig(), schemas/* number */.aig()]).optional(),
    baseline: schemas/* number */.aig().optional(),
    status: schemas/* string */.YjP(),
    rule: schemas/* string */.YjP().optional(),
    reasons: schemas/* array */.YOg(schemas/* string */.YjP()),
});
const monitor_report_performance = schemas/* discriminatedUnion */.gMt('source', [
    schemas/* object */.Ikc({
        source: schemas/* literal */.euz('labels'),
        rows: schemas/* number */.aig().int().min(0),
        verdict: schemas/* string */.YjP(),
        metrics: schemas/* array */.YOg(judgedMetric),
    }),
    schemas/* object */.Ikc({
        source: schemas/* literal */.euz('estimate'),
        method: schemas/* literal */.euz('cbpe'),
        calibrated: schemas/* boolean */.zMY(),
        rows: schemas/* number */.aig().int().min(0),
        confidence: schemas/* number */.aig(),
        verdict: schemas/* string */.YjP(),
        metrics: schemas/* array */.YOg(judgedMetric),
    }),
    schemas/* object */.Ikc({ source: schemas/* literal */.euz('none'), reason: schemas/* string */.YjP() }),
]);
/**
 * Selection-rate parity on the window (fairness.ts), per attribute in the metrics report's
 * shape: each group's rows and selection rate, demographic_parity_difference and _ratio.
 */
const fairness = schemas/* object */.Ikc({
    minRatio: schemas/* number */.aig(),
    maxDifference: schemas/* number */.aig().optional(),
    minGroupSize: schemas/* number */.aig().int(),
    /** The rows with a prediction the measures were taken on. */
    rows: schemas/* number */.aig().int().min(0).optional(),
    /** Why nothing was measured (a window of profiles, a column the window lacks). */
    reason: schemas/* string */.YjP().optional(),
    attributes: fairnessReportSchema,
});
const monitorReportSchema = schemas/* object */.Ikc({
    format: schemas/* literal */.euz(MONITOR_REPORT_FORMAT),
    model: schemas/* string */.YjP(),
    environment: schemas/* string */.YjP(),
    /** The model in the environment the window was served by (absent with a reference file and no registry). */
    deployed: schemas/* object */.Ikc({
        version: schemas/* string */.YjP(),
        deploymentId: schemas/* number */.aig().optional(),
        since: schemas/* string */.YjP().optional(),
    })
        .optional(),
    generatedAt: schemas/* string */.YjP(),
    runUrl: schemas/* string */.YjP().optional(),
    status: schemas/* enum */.k5n(MONITOR_STATUSES),
    /** Worst first: fail, warn, info. */
    findings: schemas/* array */.YOg(finding),
    drift: driftReport,
    predictionDrift: driftReport.nullable(),
    validation: schemas/* object */.Ikc({ errors: schemas/* number */.aig().int(), warnings: schemas/* number */.aig().int(), report: schemas/* string */.YjP() })
        .optional(),
    performance: monitor_report_performance,
    /** Present when the policy's monitor.fairness names attributes. */
    fairness: fairness.optional(),
    issue: schemas/* object */.Ikc({ action: schemas/* string */.YjP(), url: schemas/* string */.YjP().optional(), number: schemas/* number */.aig().optional() })
        .optional(),
    retrain: schemas/* object */.Ikc({ workflow: schemas/* string */.YjP(), dispatched: schemas/* boolean */.zMY(), reason: schemas/* string */.YjP() })
        .optional(),
});

;// CONCATENATED MODULE: ./shared/fleet/fleet-document.ts
/**
 * The fleet document (`fleet.json`, format `mlops-actions/fleet@1`): every model of one or many
 * repositories, the version in each environment with its history, owner, monitor status and
 * health flags, and the lineage of every version. publish-registry reads GitHub into it
 * (read-fleet.ts) and renders it (the site, a table, Markdown); `mlops-actions registry --format
 * json` prints it. It is the contract between the reader and the renderers, and a document users
 * may feed to their own tools, so it is checked with this schema wherever it is read back.
 *
 * Everything in it came from repositories (names, payloads, release assets, issue bodies): the
 * renderers escape every string; identifiers (models, versions, environments) were checked where
 * they entered, so they are safe in file names and URLs.
 */


const FLEET_FORMAT = 'mlops-actions/fleet@1';
const isoTime = datetime({ offset: true });
const fleet_document_interval = schemas/* tuple */.PVZ([schemas/* number */.aig(), schemas/* number */.aig()]);
const metricValue = schemas/* object */.Ikc({ value: schemas/* number */.aig(), ci: fleet_document_interval.optional() });
/** The flags a model in an environment can carry, in the order the fleet page shows them. */
const FLAGS = ['stale', 'orphaned', 'unwatched', 'overridden'];
/** One entry of an environment's timeline: what happened to it, newest first. */
const timelineEventSchema = schemas/* object */.Ikc({
    /**
     * `promotion`: a version became the model; `rollback`: an earlier version was restored (with
     * its reason); `failed`: a promotion that never took effect (its latest status is failure or
     * error); `retired`: the suite marked it inactive.
     */
    kind: schemas/* enum */.k5n(['promotion', 'rollback', 'failed', 'retired']),
    version: schemas/* string */.YjP(),
    at: isoTime,
    deploymentId: schemas/* number */.aig().int(),
    /** Who recorded it (the deployment's creator). */
    by: schemas/* string */.YjP().optional(),
    approvedBy: schemas/* array */.YOg(schemas/* string */.YjP()).default([]),
    /** The gates were overridden, with this reason. */
    overrideReason: schemas/* string */.YjP().optional(),
    /** A rollback: the version it replaced and why. */
    rollback: schemas/* object */.Ikc({ from: schemas/* string */.YjP().optional(), reason: schemas/* string */.YjP() }).optional(),
    runUrl: schemas/* string */.YjP().optional(),
    /** The latest status's description (why a promotion failed). */
    status: schemas/* string */.YjP().optional(),
});
/** The monitor's last word on a model in an environment, read from its monitor issue. */
const monitorSchema = schemas/* object */.Ikc({
    status: schemas/* enum */.k5n(MONITOR_STATUSES),
    checkedAt: isoTime,
    issue: schemas/* object */.Ikc({
        number: schemas/* number */.aig().int(),
        url: schemas/* string */.YjP(),
        state: schemas/* enum */.k5n(['open', 'closed']),
    }),
    runUrl: schemas/* string */.YjP().optional(),
    /** Share of the monitored features that drift, 0–1. */
    driftShare: schemas/* number */.aig(),
    /** The performance metric the monitor tracks, as of its last run. */
    metric: schemas/* object */.Ikc({ name: schemas/* string */.YjP(), value: schemas/* number */.aig() }).optional(),
    /** The last runs, oldest first, for a small chart. */
    history: schemas/* array */.YOg(schemas/* object */.Ikc({ at: isoTime, status: schemas/* enum */.k5n(MONITOR_STATUSES), driftShare: schemas/* number */.aig() }))
        .default([]),
});
/** A model in one environment: the version there now, its age, health and history. */
const environmentSchema = schemas/* object */.Ikc({
    name: schemas/* string */.YjP(),
    /** The version there now; undefined when no promotion holds the environment (all failed or retired). */
    current: schemas/* object */.Ikc({
        version: schemas/* string */.YjP(),
        deploymentId: schemas/* number */.aig().int(),
        promotedAt: isoTime,
        promotedBy: schemas/* string */.YjP().optional(),
        approvedBy: schemas/* array */.YOg(schemas/* string */.YjP()).default([]),
        overrideReason: schemas/* string */.YjP().optional(),
        rollback: schemas/* object */.Ikc({ from: schemas/* string */.YjP().optional(), reason: schemas/* string */.YjP() }).optional(),
        /** Whole days between promotedAt and the document's generatedAt. */
        ageDays: schemas/* number */.aig().int().nonnegative(),
    })
        .optional(),
    monitor: monitorSchema.optional(),
    flags: schemas/* array */.YOg(schemas/* enum */.k5n(FLAGS)).default([]),
    /** Why each flag is raised, in a sentence, by flag. */
    reasons: schemas/* partialRecord */.jgl(schemas/* enum */.k5n(FLAGS), schemas/* string */.YjP()).default({}),
    timeline: schemas/* array */.YOg(timelineEventSchema).default([]),
});
const hashedFile = schemas/* object */.Ikc({
    path: schemas/* string */.YjP(),
    sha256: schemas/* string */.YjP(),
    bytes: schemas/* number */.aig().int().nonnegative().optional(),
});
/** A column of the training data profile, in short. */
const profileColumnSchema = schemas/* object */.Ikc({
    name: schemas/* string */.YjP(),
    type: schemas/* string */.YjP(),
    count: schemas/* number */.aig().int().nonnegative(),
    nulls: schemas/* number */.aig().int().nonnegative(),
    min: schemas/* union */.KCZ([schemas/* number */.aig(), schemas/* string */.YjP()]).optional(),
    max: schemas/* union */.KCZ([schemas/* number */.aig(), schemas/* string */.YjP()]).optional(),
    mean: schemas/* number */.aig().optional(),
    distinct: schemas/* number */.aig().optional(),
});
/**
 * What one version was built from and how it did: from its deployment payload always, and from
 * the Release assets (manifest, metrics report, data profile) when it was published.
 */
const lineageSchema = schemas/* object */.Ikc({
    /** Where the details came from: the Release's files, or the deployment payload alone. */
    source: schemas/* enum */.k5n(['release', 'payload']),
    /** Why there is no Release detail (no Release: never in production; an asset missing or unreadable). */
    missing: schemas/* string */.YjP().optional(),
    trainedAt: isoTime.optional(),
    command: schemas/* string */.YjP().optional(),
    seed: schemas/* number */.aig().int().optional(),
    data: schemas/* array */.YOg(hashedFile).default([]),
    config: schemas/* object */.Ikc({
        path: schemas/* string */.YjP().optional(),
        sha256: schemas/* string */.YjP(),
        /** The canonical config's values by dotted key, credentials hidden, as the manifest records them. */
        values: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* string */.YjP()).optional(),
    })
        .optional(),
    code: schemas/* object */.Ikc({ source: schemas/* string */.YjP(), sha256: schemas/* string */.YjP(), files: schemas/* number */.aig().int().nonnegative() })
        .optional(),
    lockFiles: schemas/* array */.YOg(hashedFile).default([]),
    runtime: schemas/* object */.Ikc({
        python: schemas/* string */.YjP().optional(),
        r: schemas/* string */.YjP().optional(),
        image: schemas/* string */.YjP().optional(),
        os: schemas/* string */.YjP().optional(),
        /** Every installed distribution as `name==version` (from the manifest; empty from a payload). */
        packages: schemas/* array */.YOg(schemas/* string */.YjP()).default([]),
        packagesCount: schemas/* number */.aig().int().nonnegative().optional(),
    })
        .optional(),
    evaluation: schemas/* object */.Ikc({
        task: schemas/* string */.YjP().optional(),
        rows: schemas/* number */.aig().int().nonnegative().optional(),
        dataSha256: schemas/* string */.YjP().optional(),
    })
        .optional(),
    /** Per slice (`column=value`), the metrics with intervals, from the metrics report. */
    slices: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* record */.g1P(schemas/* string */.YjP(), metricValue)).default({}),
    profile: schemas/* object */.Ikc({ rows: schemas/* number */.aig().int().nonnegative(), columns: schemas/* array */.YOg(profileColumnSchema) })
        .optional(),
});
/** One version of a model, as promoted: its evidence and where it has been. */
const versionSchema = schemas/* object */.Ikc({
    version: schemas/* string */.YjP(),
    fingerprint: schemas/* string */.YjP(),
    /** The commit it was trained from. */
    commit: schemas/* string */.YjP(),
    /** The environments it has held, in order of first promotion. */
    environments: schemas/* array */.YOg(schemas/* string */.YjP()),
    firstPromotedAt: isoTime,
    /** The metrics the gates judged, with intervals where the metrics report gives them. */
    metrics: schemas/* record */.g1P(schemas/* string */.YjP(), metricValue),
    /** The gates' verdict at its latest promotion, when recorded. */
    verdict: schemas/* string */.YjP().optional(),
    runUrl: schemas/* string */.YjP().optional(),
    release: schemas/* object */.Ikc({
        tag: schemas/* string */.YjP(),
        url: schemas/* string */.YjP().optional(),
        /** The model card's download URL. */
        modelCardUrl: schemas/* string */.YjP().optional(),
    })
        .optional(),
    /** The comparison the approvers saw (promote-model's digest), who approved and when. */
    approval: schemas/* object */.Ikc({ digest: schemas/* string */.YjP(), by: schemas/* array */.YOg(schemas/* string */.YjP()), at: isoTime }).optional(),
    comparisonDigest: schemas/* string */.YjP().optional(),
    overrideReason: schemas/* string */.YjP().optional(),
    /**
     * The bias check recorded with the version (evaluate-model's `sensitive-features`): the
     * attributes checked and each fairness measure with its interval; undefined: never checked.
     */
    fairness: schemas/* object */.Ikc({
        attributes: schemas/* array */.YOg(schemas/* string */.YjP()),
        measures: schemas/* array */.YOg(schemas/* object */.Ikc({
            attribute: schemas/* string */.YjP(),
            measure: schemas/* string */.YjP(),
            value: schemas/* number */.aig().nullable(),
            ci: fleet_document_interval.optional(),
        })),
    })
        .optional(),
    lineage: lineageSchema,
});
/** Who owns a model, and whether they still can. */
const ownerSchema = schemas/* object */.Ikc({
    /** GitHub handles (`@login`, `@org/team`) or e-mail addresses; empty when none was recorded. */
    handles: schemas/* array */.YOg(schemas/* string */.YjP()).default([]),
    /** The handles that are no longer collaborators of the repository or members of their organisation or team. */
    gone: schemas/* array */.YOg(schemas/* string */.YjP()).default([]),
    /** Whether membership could be checked (a token that may not list collaborators cannot). */
    checked: schemas/* boolean */.zMY(),
});
const modelSchema = schemas/* object */.Ikc({
    /** `<owner>/<repo>/<model>`: unique across the fleet, and the model page's path. */
    id: schemas/* string */.YjP(),
    repository: schemas/* string */.YjP(),
    name: schemas/* string */.YjP(),
    owner: ownerSchema,
    environments: schemas/* array */.YOg(environmentSchema),
    /** Every version ever promoted, newest first. */
    versions: schemas/* array */.YOg(versionSchema),
});
const fleetDocumentSchema = schemas/* object */.Ikc({
    format: schemas/* literal */.euz(FLEET_FORMAT),
    /** When GitHub was read: the page says how fresh it is. */
    generatedAt: isoTime,
    staleAfterDays: schemas/* number */.aig().positive(),
    /** The repositories read, and those left out with the reason (no access, archived, no models). */
    repositories: schemas/* array */.YOg(schemas/* object */.Ikc({
        fullName: schemas/* string */.YjP(),
        url: schemas/* string */.YjP(),
        models: schemas/* number */.aig().int().nonnegative(),
        skipped: schemas/* string */.YjP().optional(),
    })),
    models: schemas/* array */.YOg(modelSchema),
    /** What reading GitHub cost: REST and GraphQL requests, 304s (free), asset downloads. */
    cost: schemas/* object */.Ikc({
        rest: schemas/* number */.aig().int().nonnegative(),
        graphql: schemas/* number */.aig().int().nonnegative(),
        notModified: schemas/* number */.aig().int().nonnegative(),
        downloads: schemas/* number */.aig().int().nonnegative(),
        seconds: schemas/* number */.aig().nonnegative(),
    }),
});

;// CONCATENATED MODULE: ./shared/fleet/site/html.ts
/**
 * HTML from hostile text. Every string of the fleet document came from a repository (model
 * names, reasons, issue titles, config values, handles): the `html` tag escapes each value it
 * interpolates unless it is already `Html`, so markup is only ever written by this module's
 * callers' templates, never by the data. Links are followed only when they are http(s); other
 * schemes (`javascript:`, `data:`) are shown as text.
 */
/** Markup built by the renderers: interpolated as it is by `html`. */
class Html {
    markup;
    constructor(markup) {
        this.markup = markup;
    }
    toString() {
        return this.markup;
    }
}
const ENTITIES = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
};
/**
 * Control, invisible and direction characters (as shared/markdown/escape.ts's INVISIBLE): in a
 * page they hide text or reorder what follows (an RTL override turns "gpj.exe" around), so each
 * is shown as its code point, marked, rather than obeyed.
 */
const INVISIBLE = 
// eslint-disable-next-line no-control-regex -- matching control characters is the point
/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;
const NEEDS_ESCAPE = new RegExp(`[&<>"']|${INVISIBLE.source}`);
const codePoint = (char) => `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
/** Text for an attribute value (always written in double quotes): invisible characters as `U+XXXX`. */
function escapeAttribute(text) {
    return text
        .replace(INVISIBLE, (char) => `[${codePoint(char)}]`)
        .replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
/** Text for an element's content: escaped, invisible characters shown as a marked `U+XXXX`. */
function escapeText(text) {
    // Most strings (versions, dates, numbers) need nothing: one test instead of two replaces.
    if (!NEEDS_ESCAPE.test(text))
        return text;
    return text
        .replace(/[&<>"']/g, (c) => ENTITIES[c])
        .replace(INVISIBLE, (char) => `<span class="invisible" title="an invisible character in the data">${codePoint(char)}</span>`);
}
function render(part) {
    if (part === undefined || part === null || part === false)
        return '';
    if (part instanceof Html)
        return part.markup;
    if (typeof part === 'number')
        return escapeText(String(part));
    if (typeof part === 'string')
        return escapeText(part);
    return part.map(render).join('');
}
/**
 * Markup from a template: the literal parts are the caller's markup, each value is escaped as
 * text. Values in attributes must be wrapped in `attr()` (the template cannot tell where it is).
 */
function html(strings, ...values) {
    let out = strings[0];
    values.forEach((value, i) => {
        out += render(value) + strings[i + 1];
    });
    return new Html(out);
}
/** An attribute's value, escaped for a double-quoted attribute. */
function attr(value) {
    return new Html(escapeAttribute(String(value)));
}
/** Markup from several parts, with a separator between them. */
function html_join(parts, separator = '') {
    return new Html(parts
        .filter((part) => part !== undefined && part !== null && part !== false && part !== '')
        .map(render)
        .join(render(separator)));
}
/**
 * The URL when it is an absolute http(s) URL, normalised (spaces and quotes percent-encoded by
 * the URL parser); otherwise undefined: `javascript:`, `data:`, relative or unparseable targets
 * are never made links.
 */
function safeUrl(url) {
    if (!url || !/^https?:\/\//i.test(url.trim()))
        return undefined;
    try {
        const parsed = new URL(url.trim());
        return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
    }
    catch {
        return undefined;
    }
}
/** A link to an outside page when the URL is http(s); the label alone otherwise. */
function externalLink(label, url) {
    const href = safeUrl(url);
    return href ? html `<a href="${attr(href)}">${label}</a>` : html `${label}`;
}

;// CONCATENATED MODULE: ./shared/fleet/site/format.ts
/** How the site writes times, numbers and GitHub handles. */

/** `2026-12-07 04:46 UTC`, in a <time> element a reader's tools can read. */
function format_time(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime()))
        return html `${iso}`;
    const text = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    return html `<time datetime="${attr(date.toISOString())}">${text}</time>`;
}
/** The date alone, for tight cells. */
function day(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime()))
        return html `${iso}`;
    return html `<time datetime="${attr(date.toISOString())}"
    >${date.toISOString().slice(0, 10)}</time
  >`;
}
/** A metric or measure: integers as they are, others to 3 significant decimals at most. */
function number(value) {
    if (value === null || value === undefined || !Number.isFinite(value))
        return 'not computed';
    if (Number.isInteger(value))
        return count(value);
    const abs = Math.abs(value);
    const digits = abs >= 100 ? 1 : abs >= 1 ? 3 : 3;
    return String(Number(value.toFixed(digits)));
}
/** `0.93 [0.88, 0.97]`: a value with its interval when there is one. */
function withInterval(value, ci) {
    return ci ? `${number(value)} [${number(ci[0])}, ${number(ci[1])}]` : number(value);
}
/** A count, in groups of three digits past 9999 (`100,000 rows`). */
const count = (value) => Math.abs(value) >= 10_000 ? value.toLocaleString('en-US') : String(value);
const plural = (value, one, many = `${one}s`) => `${count(value)} ${value === 1 ? one : many}`;
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const TEAM = /^[A-Za-z0-9._-]{1,100}$/;
/**
 * A GitHub handle as a link to its profile (`@login`) or its organisation's team page
 * (`@org/team`); anything else (an e-mail address, a name) as text. A login may come with or
 * without its "@".
 */
function handle(value, gone = false) {
    const bare = value.startsWith('@') ? value.slice(1) : value;
    // A GitHub App's bot (`github-actions[bot]`) has its page under /apps/.
    const bot = /^([A-Za-z0-9-]{1,39})\[bot\]$/.exec(bare);
    if (bot)
        return externalLink(bare, `https://github.com/apps/${bot[1]}`);
    const [login, team, ...rest] = bare.split('/');
    let url;
    if (rest.length === 0 && login && LOGIN.test(login)) {
        if (team === undefined)
            url = `https://github.com/${login}`;
        else if (TEAM.test(team))
            url = `https://github.com/orgs/${login}/teams/${team}`;
    }
    const label = url ? `@${bare}` : value;
    const link = externalLink(label, url);
    return gone
        ? html `<span class="gone"
        ><span class="was">${link}</span> <span class="note">(no longer a member)</span></span
      >`
        : link;
}

;// CONCATENATED MODULE: ./shared/fleet/bias-check.ts

const NEVER_CHECKED = 'never checked for bias';
function biasCheckText(version) {
    const fairness = version.fairness;
    if (!fairness)
        return NEVER_CHECKED;
    const measures = fairness.measures.map((m) => `${m.measure.replace(/_/g, ' ')}${fairness.attributes.length > 1 ? ` (${m.attribute})` : ''} ${withInterval(m.value, m.ci)}`);
    return `checked for bias on ${fairness.attributes.join(', ')}${measures.length ? `: ${measures.join('; ')}` : ''}`;
}

;// CONCATENATED MODULE: ./shared/fleet/site/cells.ts



function owners(owner) {
    if (owner.handles.length === 0)
        return html `<span class="warning">no owner recorded</span>`;
    const gone = new Set(owner.gone);
    return html_join(owner.handles.map((h) => handle(h, gone.has(h))), ', ');
}
function people(logins) {
    return logins && logins.length > 0
        ? html_join(logins.map((login) => handle(login)), ', ')
        : html `—`;
}
/** `drifting since 2026-12-01`, linked to the monitor issue; "not monitored" without one. */
function monitorStatus(environment) {
    const monitor = environment.monitor;
    if (!monitor)
        return html `<span class="muted">not monitored</span>`;
    const label = html `<span class="${attr(`status status-${monitor.status}`)}"
    >${monitor.status}</span
  >`;
    return html `${externalLink(label, monitor.issue.url)}
    <span class="note">as of ${day(monitor.checkedAt)}</span>`;
}
/** "checked for bias on sex, age_band: demographic parity ratio (sex) 0.93 [0.88, 0.97]" (bias-check.ts). */
function biasCheck(version) {
    if (!version)
        return html `—`;
    const text = biasCheckText(version);
    return version.fairness
        ? html `${text}`
        : html `<span class="warning"><span aria-hidden="true">⚠ </span>${text}</span>`;
}
function flagList(environment) {
    if (environment.flags.length === 0)
        return html `<span class="muted">none</span>`;
    return html `<ul class="flags">
    ${environment.flags.map((flag) => {
        const reason = environment.reasons[flag];
        return html `<li>
        <span class="${attr(`flag flag-${flag}`)}" ${reason ? html ` title="${attr(reason)}"` : ''}
          >${flag}</span
        >${reason ? html ` <span class="reason">${reason}</span>` : ''}
      </li>`;
    })}
  </ul>`;
}

;// CONCATENATED MODULE: ./shared/fleet/site/paths.ts
const ASSETS = { css: 'assets/site.css', js: 'assets/site.js' };
const FLEET_PAGE = 'index.html';
const FLEET_JSON = 'fleet.json';
const hex = (char) => [...Buffer.from(char, 'utf8')]
    .map((byte) => `~${byte.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
/** One path segment from a name: safe characters kept, others as `~XX`, never "." or "..". */
function segment(name) {
    if (name === '')
        return '~';
    const safe = [...name].map((char) => (/[A-Za-z0-9._-]/.test(char) ? char : hex(char))).join('');
    // A leading "." would make "." or ".." or a hidden file.
    return safe.startsWith('.') ? `~2E${safe.slice(1)}` : safe;
}
function modelBase(model) {
    const repository = model.repository.split('/').map(segment).join('/');
    return `models/${repository}/${segment(model.name)}`;
}
const modelPage = (model) => `${modelBase(model)}.html`;
const versionPage = (model, version) => `${modelBase(model)}/${segment(version)}.html`;
/** The link from one page of the site to another file of it, each segment URL-encoded. */
function relativeHref(from, to) {
    const depth = from.split('/').length - 1;
    return '../'.repeat(depth) + to.split('/').map(encodeURIComponent).join('/');
}

;// CONCATENATED MODULE: ./shared/fleet/site/layout.ts



/**
 * No network and no inline script: the stylesheet and the script are the site's own files, and a
 * `<script>` that slipped through escaping could not run. Images: inline SVG only.
 */
const POLICY = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";
/** The freshness line: the script adds "(N hours ago when opened)" to the element it marks. */
function freshness(doc) {
    return html `Data read from GitHub at ${format_time(doc.generatedAt)}<span
      data-age-of="${attr(doc.generatedAt)}"
    ></span
    >.`;
}
function page(doc, path, title, crumbs, body) {
    const href = (to) => attr(relativeHref(path, to));
    const trail = crumbs.map((crumb, i) => crumb.path && i < crumbs.length - 1
        ? html `<li><a href="${href(crumb.path)}">${crumb.label}</a></li>`
        : html `<li><span aria-current="page">${crumb.label}</span></li>`);
    return html `<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta http-equiv="Content-Security-Policy" content="${POLICY}" />
        <meta name="color-scheme" content="light dark" />
        <title>${title} · Model fleet</title>
        <link rel="stylesheet" href="${href(ASSETS.css)}" />
        <script src="${href(ASSETS.js)}" defer></script>
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="site-header">
          <p class="site-name"><a href="${href(FLEET_PAGE)}">Model fleet</a></p>
          <nav aria-label="Breadcrumb">
            <ol class="breadcrumbs">
              ${trail}
            </ol>
          </nav>
        </header>
        <main id="main">${body}</main>
        <footer class="site-footer">
          <p>
            ${freshness(doc)} Built by mlops-actions publish-registry from
            ${doc.repositories.length}
            ${doc.repositories.length === 1 ? 'repository' : 'repositories'};
            <a href="${href('fleet.json')}">the data as JSON</a>.
          </p>
        </footer>
      </body>
    </html> `.markup;
}

;// CONCATENATED MODULE: ./shared/fleet/site/fleet-page.ts
/**
 * The fleet page: one row per model and environment, with its version, age, people, owner,
 * monitor status, bias check and flags (each with its reason), the counts above it and the
 * repositories left out below. The table is complete without script; the script sorts it (the
 * header buttons) and filters it (text, flags, environment).
 */






/** The environment counted as "in production". */
const PRODUCTION = 'production';
function fleetRows(doc) {
    return doc.models.flatMap((model) => model.environments.length > 0
        ? model.environments.map((environment) => ({ model, environment }))
        : [{ model }]);
}
function fleetCounts(doc) {
    const rows = fleetRows(doc);
    const flagged = (flag) => rows.filter((row) => row.environment?.flags.includes(flag)).length;
    return {
        models: doc.models.length,
        inProduction: doc.models.filter((model) => model.environments.some((e) => e.name === PRODUCTION && e.current)).length,
        stale: flagged('stale'),
        orphaned: flagged('orphaned'),
        unwatched: flagged('unwatched'),
        overridden: flagged('overridden'),
        drifting: rows.filter((row) => row.environment?.monitor?.status === 'drifting').length,
        degraded: rows.filter((row) => row.environment?.monitor?.status === 'degraded').length,
    };
}
const COLUMNS = [
    'Repository',
    'Model',
    'Environment',
    'Version',
    'Age',
    'Promoted by',
    'Approved by',
    'Owner',
    'Monitor',
    'Bias check',
    'Flags',
];
function row(doc, { model, environment }) {
    const link = (to, label) => html `<a href="${attr(relativeHref(FLEET_PAGE, to))}">${label}</a>`;
    const repository = doc.repositories.find((r) => r.fullName === model.repository);
    const current = environment?.current;
    const version = current && model.versions.find((v) => v.version === current.version);
    const monitorRank = environment?.monitor
        ? ['healthy', 'drifting', 'degraded'].indexOf(environment.monitor.status)
        : -1;
    const cells = [
        html `<td>${externalLink(model.repository, repository?.url)}</td>`,
        html `<th scope="row">${link(modelPage(model), model.name)}</th>`,
        html `<td>${environment?.name ?? html `<span class="muted">no environment</span>`}</td>`,
        html `<td>
      ${current ? link(versionPage(model, current.version), current.version) : html `<span class="muted">none</span>`}
    </td>`,
        html `<td class="numeric" data-sort="${current ? current.ageDays : ''}">
      ${current ? plural(current.ageDays, 'day') : '—'}
    </td>`,
        html `<td>${current?.promotedBy ? people([current.promotedBy]) : '—'}</td>`,
        html `<td>${people(current?.approvedBy)}</td>`,
        html `<td>${owners(model.owner)}</td>`,
        html `<td data-sort="${monitorRank}">${environment ? monitorStatus(environment) : '—'}</td>`,
        html `<td>${current ? biasCheck(version) : '—'}</td>`,
        html `<td data-sort="${environment?.flags.length ?? 0}">
      ${environment ? flagList(environment) : '—'}
    </td>`,
    ];
    // data-label: the column's name, shown beside each cell when a phone lays a row out as a card.
    const labelled = cells.map((cell, i) => new Html(cell.markup.replace(/^<(td|th)/, `<$1 data-label="${escapeAttribute(COLUMNS[i])}"`)));
    return html `<tr
    data-env="${attr(environment?.name ?? '')}"
    data-flags="${attr((environment?.flags ?? []).join(' '))}"
  >
    ${labelled}
  </tr>`;
}
function counts(doc) {
    const c = fleetCounts(doc);
    const item = (value, label, warn = false) => html `<div class="${attr(`count${warn && value > 0 ? ' count-warn' : ''}`)}">
      <dt>${label}</dt>
      <dd>${value}</dd>
    </div>`;
    return html `<dl class="counts">
    ${[
        item(c.models, 'Models'),
        item(c.inProduction, 'In production'),
        item(c.stale, 'Stale', true),
        item(c.orphaned, 'Orphaned', true),
        item(c.unwatched, 'Unwatched', true),
        item(c.drifting, 'Drifting', true),
        c.degraded > 0 && item(c.degraded, 'Degraded', true),
    ]}
  </dl>`;
}
function filters(doc, total) {
    const environments = [
        ...new Set(doc.models.flatMap((m) => m.environments.map((e) => e.name))),
    ].sort();
    return html `<div class="filters" role="search" aria-label="Filter the fleet" data-filters hidden>
    <div class="filter">
      <label for="filter-text">Search</label
      ><input
        type="search"
        id="filter-text"
        placeholder="model, repository, owner…"
        autocomplete="off"
      />
    </div>
    <div class="filter">
      <label for="filter-environment">Environment</label
      ><select id="filter-environment">
        <option value="">All environments</option>
        ${environments.map((name) => html `<option value="${attr(name)}">${name}</option>`)}
      </select>
    </div>
    <fieldset class="filter">
      <legend>Only rows flagged</legend>
      ${FLAGS.map((flag) => html `<label class="check"
            ><input type="checkbox" name="flag" value="${flag}" /> ${flag}</label
          >`)}
    </fieldset>
    <p class="filter-status" role="status" aria-live="polite" data-filter-status>
      Showing all ${total} rows.
    </p>
  </div>`;
}
function skipped(doc) {
    const left = doc.repositories.filter((r) => r.skipped);
    const read = doc.repositories.filter((r) => !r.skipped);
    return html `<section aria-labelledby="repositories">
    <h2 id="repositories">Repositories</h2>
    <p>
      ${plural(read.length, 'repository', 'repositories')}
      read${read.length > 0 ? ': ' : '.'}${html_join(read.map((r) => html `${externalLink(r.fullName, r.url)} (${plural(r.models, 'model')})`), ', ')}
    </p>
    ${left.length > 0
        ? html `<h3>Skipped</h3>
            <ul class="skipped">
              ${left.map((r) => html `<li>${externalLink(r.fullName, r.url)}: ${r.skipped}</li>`)}
            </ul>`
        : html `<p>No repository was skipped.</p>`}
  </section>`;
}
function fleetPage(doc) {
    const rows = fleetRows(doc);
    const body = html `<h1>Model fleet</h1>
    <p class="freshness">
      ${freshness(doc)} A model is stale after ${plural(doc.staleAfterDays, 'day')} without a
      promotion or a monitor run.
    </p>
    <section aria-labelledby="summary">
      <h2 id="summary" class="visually-hidden">Summary</h2>
      ${counts(doc)}
    </section>
    <section aria-labelledby="models">
      <h2 id="models">Every model in every environment</h2>
      ${filters(doc, rows.length)}
      <div class="table-scroll" role="region" aria-labelledby="models" tabindex="0">
        <table class="fleet" data-sortable>
          <thead>
            <tr>
              ${COLUMNS.map((column) => html `<th scope="col" aria-sort="none">
                    <button type="button" class="sort">
                      ${column}<span class="sort-mark" aria-hidden="true"></span>
                    </button>
                  </th>`)}
            </tr>
          </thead>
          <tbody>
            ${rows.length > 0
        ? rows.map((r) => row(doc, r))
        : html `<tr>
                    <td colspan="${COLUMNS.length}">No models found.</td>
                  </tr>`}
          </tbody>
        </table>
      </div>
    </section>
    ${skipped(doc)}`;
    return page(doc, FLEET_PAGE, 'Every model', [{ label: 'Fleet' }], body);
}

;// CONCATENATED MODULE: ./shared/fleet/fleet-markdown.ts
/**
 * The fleet as Markdown for a job summary (or `registry --format markdown`): the counts, then
 * one compact row per model and environment (model, environment, version, age, owner, monitor,
 * flags), then the repositories skipped. Every string from the document is escaped
 * (shared/markdown/escape.ts: no markup, no table break, no @mention); links only to http(s).
 * GitHub refuses a step summary over 1 MiB, so rows past the budget are left out and counted.
 */



/** GitHub's limit on one step's summary, less room for what other steps of the job add. */
const SUMMARY_BUDGET = 1024 * 1024 - 64 * 1024;
const HEADER = ['Model', 'Environment', 'Version', 'Age', 'Owner', 'Monitor', 'Flags'];
const fleet_markdown_plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
function renderFleetMarkdown(doc, options = {}) {
    const budget = options.budget ?? SUMMARY_BUDGET;
    const c = fleetCounts(doc);
    const base = options.siteUrl?.replace(/\/*$/, '/');
    const head = [
        '## Model fleet',
        '',
        `${fleet_markdown_plural(c.models, 'model')}, ${c.inProduction} in production: ${c.stale} stale, ${c.orphaned} orphaned, ${c.unwatched} unwatched, ${c.overridden} overridden, ${c.drifting} drifting${c.degraded > 0 ? `, ${c.degraded} degraded` : ''}. Data read from GitHub at ${doc.generatedAt.replace('T', ' ').slice(0, 16)} UTC.`,
        '',
    ];
    const rows = fleetRows(doc).map(({ model, environment }) => {
        const name = (0,markdown_escape/* escapeMarkdown */.FV)(`${model.repository}/${model.name}`);
        const current = environment?.current;
        const monitor = environment?.monitor;
        const owner = model.owner.handles.length
            ? model.owner.handles
                .map((h) => `${(0,markdown_escape/* escapeMarkdown */.FV)(h)}${model.owner.gone.includes(h) ? ' (gone)' : ''}`)
                .join(', ')
            : '_none recorded_';
        return [
            base ? (0,markdown_escape/* markdownLink */.iQ)(name, `${base}${modelPage(model)}`) : name,
            environment ? (0,markdown_escape/* escapeMarkdown */.FV)(environment.name) : '—',
            current ? (0,markdown_escape/* escapeMarkdown */.FV)(current.version) : '—',
            current ? fleet_markdown_plural(current.ageDays, 'day') : '—',
            owner,
            monitor ? (0,markdown_escape/* markdownLink */.iQ)((0,markdown_escape/* escapeMarkdown */.FV)(monitor.status), monitor.issue.url) : 'not monitored',
            environment && environment.flags.length > 0
                ? environment.flags.map((f) => `**${f}**`).join(', ')
                : '—',
        ];
    });
    const skipped = doc.repositories.filter((r) => r.skipped);
    const tail = skipped.length
        ? [
            '',
            '**Skipped:**',
            ...skipped.map((r) => `- ${(0,markdown_escape/* escapeMarkdown */.FV)(r.fullName)}: ${(0,markdown_escape/* escapeMarkdown */.FV)(r.skipped)}`),
        ]
        : [];
    const size = (lines) => Buffer.byteLength(lines.join('\n'), 'utf8');
    // Whole rows until the budget, keeping room for the note on what was left out.
    const fixed = size([...head, (0,markdown_escape/* markdownTable */.Qj)(HEADER, []), ...tail]) + 200;
    let used = fixed;
    let kept = 0;
    for (const row of rows) {
        const bytes = Buffer.byteLength((0,markdown_escape/* markdownTable */.Qj)(HEADER, [row]), 'utf8') -
            Buffer.byteLength((0,markdown_escape/* markdownTable */.Qj)(HEADER, []), 'utf8');
        if (used + bytes > budget)
            break;
        used += bytes;
        kept++;
    }
    const note = kept < rows.length
        ? [
            '',
            `_${rows.length - kept} more ${rows.length - kept === 1 ? 'row' : 'rows'} left out to keep the summary within GitHub's 1 MiB limit: the site and fleet.json have them all._`,
        ]
        : [];
    return [...head, (0,markdown_escape/* markdownTable */.Qj)(HEADER, rows.slice(0, kept)), ...note, ...tail, ''].join('\n');
}

// EXTERNAL MODULE: ./shared/github/conditional-requests.ts
var conditional_requests = __nccwpck_require__(3299);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
;// CONCATENATED MODULE: ./shared/files/read-file.ts



/**
 * Reads a user-named file, turning the usual mistakes into messages that say which file, what
 * was expected and what to do. `what` names the file in the user's terms ("schema file").
 */
async function read_file_readUserFile(path, what, baseDir = process.cwd()) {
    try {
        return await readFile(resolve(baseDir, path), 'utf8');
    }
    catch (error) {
        throw read_file_fileError(error, path, what, baseDir);
    }
}
/** `path` as the user wrote it; `baseDir` is what relative paths resolve against. */
function read_file_fileError(error, path, what, baseDir = process.cwd()) {
    const code = errnoCode(error);
    const where = `${what} "${path}"`;
    if (code === 'ENOENT') {
        return new UserError(`The ${where} does not exist (looked for ${resolve(baseDir, path)}). Check the path: relative paths resolve against ${baseDir}.`);
    }
    if (code === 'EISDIR')
        return new UserError(`The ${where} is a directory; a file was expected.`);
    if (code === 'EACCES')
        return new UserError(`The ${where} cannot be read: permission denied.`);
    return error instanceof Error ? error : new Error(String(error));
}

;// CONCATENATED MODULE: ./shared/files/hash.ts




function hash_sha256Text(text) {
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
function hash_canonicalJson(value) {
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

;// CONCATENATED MODULE: ./shared/fleet/fleet-cache.ts
/**
 * Where the fleet's remembered answers (ETags of listings, Release contents read) live between
 * runs: the Actions cache on a runner, a file on a laptop. Best effort both ways: a cache that
 * cannot be restored or saved costs requests and a notice, never the step. @actions/cache is
 * loaded only here.
 */



/** Where the cache file sits while @actions/cache saves or restores it (paths are workspace-relative). */
const CACHE_FILE = (0,external_node_path_.join)('.mlops-actions', 'fleet-http-cache.json.gz');
/** Keys differ per set of sources and account, so two fleets never share an entry. */
function keyPrefix(scope, account) {
    return `mlops-actions-fleet-${hash_sha256Text(`${account}\n${scope}`).slice(0, 16)}-`;
}
/** Takes the saved answers into `into`. */
async function restoreFleetCache(into, location, scope, account, log) {
    try {
        if (location.file) {
            into.absorb(await (0,promises_.readFile)(location.file).catch(() => undefined), account);
            return;
        }
        if (!location.actions)
            return;
        const cache = await __nccwpck_require__.e(/* import() */ 559).then(__nccwpck_require__.bind(__nccwpck_require__, 3559));
        if (!cache.isFeatureAvailable())
            return;
        const path = (0,external_node_path_.join)(location.actions.workspace, CACHE_FILE);
        const prefix = keyPrefix(scope, account);
        const matched = await cache.restoreCache([CACHE_FILE], prefix, [prefix]);
        if (!matched) {
            log.info('No earlier fleet cache: every listing and Release is read afresh.');
            return;
        }
        into.absorb(await (0,promises_.readFile)(path), account);
        await (0,promises_.rm)(path, { force: true });
        log.info(`Restored the fleet cache ${matched} (${into.size} remembered answers).`);
    }
    catch (error) {
        log.notice(`The fleet cache could not be restored (${error.message}); everything is read afresh.`);
    }
}
async function saveFleetCache(location, cache, scope, account, log) {
    try {
        const bytes = await cache.save(account);
        if (location.file) {
            await (0,promises_.mkdir)((0,external_node_path_.dirname)(location.file), { recursive: true });
            await (0,promises_.writeFile)(location.file, bytes);
            return;
        }
        if (!location.actions)
            return;
        const actionsCache = await __nccwpck_require__.e(/* import() */ 559).then(__nccwpck_require__.bind(__nccwpck_require__, 3559));
        if (!actionsCache.isFeatureAvailable())
            return;
        const path = (0,external_node_path_.join)(location.actions.workspace, CACHE_FILE);
        await (0,promises_.mkdir)((0,external_node_path_.dirname)(path), { recursive: true });
        await (0,promises_.writeFile)(path, bytes);
        // A cache entry is immutable: each run saves its own, and the next run restores the newest by prefix.
        const key = `${keyPrefix(scope, account)}${location.actions.runId}-${location.actions.attempt}`;
        await actionsCache.saveCache([(0,external_node_path_.relative)(location.actions.workspace, path)], key);
        log.info(`Saved the fleet cache as ${key} (${(bytes.length / 1024).toFixed(0)} kB).`);
    }
    catch (error) {
        log.notice(`The fleet cache could not be saved (${error.message}); the next run reads everything afresh.`);
    }
    finally {
        if (location.actions)
            await (0,promises_.rm)((0,external_node_path_.join)(location.actions.workspace, CACHE_FILE), { force: true });
    }
}

// EXTERNAL MODULE: ./shared/github/client.ts
var client = __nccwpck_require__(6317);
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
function nesting_jsonDepthExceeded(text, limit) {
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

// EXTERNAL MODULE: ./shared/identifiers.ts
var identifiers = __nccwpck_require__(8434);
;// CONCATENATED MODULE: ./shared/monitor/monitor-issue.ts
/**
 * The one monitor issue of a model in an environment. It is found again on every run by the
 * hidden marker on the first line of its body AND its author, the token's account (as the sticky
 * pull-request comment is): an issue someone else opened with the same marker is never touched.
 * It is opened when the model is unhealthy (mode `on-failure`) or on every run (`always`),
 * updated in place on later runs, and closed as completed, with a comment, once the model is
 * healthy again. In `on-failure` mode every run leaves its record, quietly: a healthy run
 * updates the closed issue's body without reopening it, and the first healthy run of a model
 * that has none opens one and closes it at once, so that the fleet view (monitor-status.ts)
 * can tell a watched, healthy model from an unwatched one, and when it was last checked. The
 * key numbers of the last runs travel in the body itself, in a hidden block, so that the
 * charts need no other storage; that block is hostile text when read back (anyone who may
 * edit the issue may edit it) and is validated entry by entry.
 */








/** GitHub refuses longer issue bodies (422), as it does comment bodies. */
const ISSUE_BODY_LIMIT = (/* unused pure expression or super */ null && (COMMENT_BODY_LIMIT));
/** Runs kept in the hidden history block (the charts show these). */
const HISTORY_LIMIT = 30;
/** A history block longer than this is not decoded: ours stays far below it. */
const HISTORY_READ_LIMIT = 64 * 1024;
/** GitHub refuses longer issue titles. */
const TITLE_LIMIT = 256;
/** GitHub refuses longer label names. */
const LABEL_LIMIT = 50;
/**
 * How many issues are read when looking beyond the open ones with our labels (the closed ones
 * with them, the open ones without them): ours is among the newest, and a repository with
 * thousands of issues is not read to the end on every run.
 */
const SCAN_LIMIT = 1000;
/**
 * One run's key numbers as the issue keeps them. Read back from a body anyone with write
 * access may have edited: the time, status and drift share must be right or the entry is left
 * out; a metric or run URL that is not (a non-finite value, a control character, a URL other
 * than https) is left out of its entry.
 */
const historyEntrySchema = schemas/* object */.Ikc({
    at: datetime({ offset: true }),
    status: schemas/* enum */.k5n(MONITOR_STATUSES),
    driftShare: schemas/* number */.aig().min(0).max(1),
    metric: schemas/* object */.Ikc({
        // Metric names are the user's (a metrics file may hold any); shown escaped by the renderer.
        name: schemas/* string */.YjP()
            .min(1)
            .max(200)
            .regex(/^[^\p{Cc}\p{Cf}]+$/u),
        value: schemas/* number */.aig(),
    })
        .optional()
        .catch(undefined),
    runUrl: schemas/* url */.OZ5({ protocol: /^https$/ })
        .max(500)
        .optional()
        .catch(undefined),
});
/** The hidden first line of the monitor issue of a model in an environment. */
function monitorIssueMarker(model, environment) {
    requireIdentifier('model name', model, 'The model name');
    requireIdentifier('environment name', environment, 'The environment name');
    return `<!-- mlops-actions:monitor model=${model} environment=${environment} -->`;
}
/** The marker line as written by monitorIssueMarker, its names not yet checked. */
const MARKER_LINE = /^<!-- mlops-actions:monitor model=(\S*) environment=(\S*) -->$/;
/**
 * The model and environment named by the marker on the first line of an issue body; undefined
 * when the first line is no monitor marker, a `problem` when it is one whose names are not
 * identifiers (monitorIssueMarker never writes such a marker: someone else did).
 */
function readMonitorIssueMarker(body) {
    const match = MARKER_LINE.exec(firstLine(body));
    if (!match)
        return undefined;
    const [, model, environment] = match;
    const problem = (0,identifiers/* identifierProblem */.rD)('model name', model) ?? (0,identifiers/* identifierProblem */.rD)('environment name', environment);
    if (problem)
        return {
            problem: `its marker names ${(0,identifiers/* identifierProblem */.rD)('model name', model) ? 'a model' : 'an environment'} that is not an identifier (it ${problem})`,
        };
    return { model, environment };
}
const HISTORY_BLOCK = /<!-- mlops-actions:monitor-history ([A-Za-z0-9+/=]*) -->/g;
/**
 * The history kept in an issue body: the last hidden block's entries that parse, oldest first,
 * at most HISTORY_LIMIT; or, when there is no block or it cannot be read (over 64 KiB, bad
 * base64 or JSON, too deep, not an array), why not. An entry of the wrong shape is left out.
 */
function decodeMonitorHistory(body) {
    const blocks = [...body.matchAll(HISTORY_BLOCK)];
    const encoded = blocks.at(-1)?.[1];
    if (!encoded)
        return { problem: 'it has no history block' };
    if (encoded.length > HISTORY_READ_LIMIT)
        return { problem: `its history block is longer than ${HISTORY_READ_LIMIT} characters` };
    const text = Buffer.from(encoded, 'base64').toString('utf8');
    // Entries nest two levels; anything deeper is not ours and is not walked.
    if (nesting_jsonDepthExceeded(text, 3) !== undefined)
        return { problem: 'its history block nests deeper than a history does' };
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        return { problem: 'its history block is not base64-encoded JSON' };
    }
    if (!Array.isArray(parsed))
        return { problem: 'its history block is not a list of runs' };
    const history = parsed
        .flatMap((item) => {
        const entry = historyEntrySchema.safeParse(item);
        return entry.success ? [entry.data] : [];
    })
        .slice(-HISTORY_LIMIT);
    return { history };
}
/**
 * The history kept in an issue body, oldest first, at most HISTORY_LIMIT: what
 * decodeMonitorHistory reads, and nothing when it cannot, rather than failing the run.
 */
function readMonitorHistory(body) {
    const decoded = decodeMonitorHistory(body);
    return 'history' in decoded ? decoded.history : [];
}
/**
 * The history read from `previous` with this run's entry last, at most HISTORY_LIMIT. One entry
 * per run: a run synced again (a re-run of its job, the same run URL or time) replaces its entry.
 */
function withEntry(previous, entry) {
    const history = previous === undefined ? [] : readMonitorHistory(previous);
    const last = history.at(-1);
    if (last &&
        (last.at === entry.at || (entry.runUrl !== undefined && last.runUrl === entry.runUrl)))
        history.pop();
    return [...history, entry].slice(-HISTORY_LIMIT);
}
function historyBlock(history) {
    const encoded = Buffer.from(JSON.stringify(history), 'utf8').toString('base64');
    return `<!-- mlops-actions:monitor-history ${encoded} -->`;
}
/**
 * The first visible line of an `on-failure` issue. A closed issue in the list says why it
 * exists: it is the record of a watched model, not a problem someone dismissed.
 */
function onFailureIntro(model, environment) {
    return `_This issue records the monitor's runs of ${inlineCode(model)} in ${inlineCode(environment)}: it is closed while the model is healthy and reopens when it drifts or degrades._`;
}
/**
 * The whole body: marker, the intro line if any, the visible part, the history block. Within
 * GitHub's limit, the visible part comes first: the oldest history entries are dropped before
 * it is cut (at a line break, saying so).
 */
function composeBody(marker, intro, render, history) {
    const rendered = render(history).trimEnd();
    const visible = intro ? `${intro}\n\n${rendered}` : rendered;
    let kept = history;
    const length = () => marker.length + visible.length + historyBlock(kept).length + 4;
    while (kept.length > 1 && length() > ISSUE_BODY_LIMIT)
        kept = kept.slice(1);
    const block = historyBlock(kept);
    const room = ISSUE_BODY_LIMIT - marker.length - block.length - 4;
    return `${marker}\n${fitVisible(visible, room)}\n\n${block}\n`;
}
function fitVisible(text, room) {
    if (text.length <= room)
        return text;
    const note = `\n\n_This issue was cut to GitHub's limit of ${ISSUE_BODY_LIMIT} characters. The rest is in the job summary and the report file of the run._`;
    const cut = text.lastIndexOf('\n', room - note.length);
    return text.slice(0, cut > 0 ? cut : room - note.length) + note;
}
/** Labels the issue listing can filter by: it takes them as one comma-separated parameter. */
function checkIssueLabels(labels) {
    for (const label of labels) {
        if (!label.trim() || label.includes(',') || label.length > LABEL_LIMIT)
            throw new errors/* UserError */.yo(`The issue label ${(0,identifiers/* quoteValue */.cl)(label)} cannot be used: a label must be 1 to ${LABEL_LIMIT} characters without a comma. Change the issue labels.`);
    }
}
function checkRequest(request) {
    const marker = monitorIssueMarker(request.model, request.environment);
    checkIssueLabels(request.labels);
    const title = request.title.trim().replace(/\s+/g, ' ');
    if (!title)
        throw new UserError('The monitor issue needs a title; it was empty.');
    return {
        marker,
        title: title.length > TITLE_LIMIT ? `${title.slice(0, TITLE_LIMIT - 1)}…` : title,
    };
}
/**
 * Opens, updates, reopens or closes the monitor issue of `model` in `environment`, as `mode`
 * and the model's health say. A closed issue of ours is reopened rather than a new one opened:
 * one issue per model and environment keeps the whole story (the charts, the discussion, the
 * links people made to it) in one place, and a model that goes back and forth between healthy
 * and drifting does not leave a trail of duplicates. Ours is looked for among the open issues
 * carrying the labels; when the model needs an issue and none is found there, among the newest
 * open issues without them (someone took a label off: it is put back), then among the newest
 * closed ones with them, and only then is a new one opened. A healthy run in `on-failure` mode
 * looks in the same places, the closed ones first (where a healthy model's issue is), and
 * records itself without notifying anyone needlessly: the closed issue's body is edited in
 * place (GitHub sends no notification for an edit), and a model with no issue at all gets one
 * opened and closed at once, once.
 */
async function syncMonitorIssue(github, request) {
    if (request.mode === 'never')
        return { action: 'none', reason: 'the issue mode is "never"' };
    const { marker, title } = checkRequest(request);
    const wanted = request.mode === 'always' || request.unhealthy;
    // Checked as it will be read back, so that this run's numbers are not lost on the next one.
    const entry = historyEntrySchema.parse({ ...request.entry, at: request.now.toISOString() });
    const intro = request.mode === 'on-failure' ? onFailureIntro(request.model, request.environment) : undefined;
    const bodyFor = (previous) => composeBody(marker, intro, request.renderBody, withEntry(previous, entry));
    const login = lazyLogin(github);
    const closeWithComment = async (issue, labels) => {
        await github.createComment(issue.number, fitVisible(request.closingComment, ISSUE_BODY_LIMIT));
        const closed = await github.updateIssue(issue.number, {
            title,
            body: bodyFor(issue.body),
            state: 'closed',
            stateReason: 'completed',
            ...(labels ? { labels } : {}),
        });
        return { action: 'closed', url: closed.htmlUrl, number: closed.number };
    };
    /** Our open issue whose labels someone took off, found without them, and its labels with ours put back. */
    const findDetached = async () => {
        if (!request.labels.length)
            return undefined;
        const issue = await findOurs(github, marker, [], 'open', login, SCAN_LIMIT);
        if (!issue)
            return undefined;
        const has = new Set(issue.labels.map((label) => label.toLowerCase()));
        const labels = [
            ...issue.labels,
            ...request.labels.filter((label) => !has.has(label.toLowerCase())),
        ];
        return { issue, labels };
    };
    const findClosed = () => findOurs(github, marker, request.labels, 'closed', login, SCAN_LIMIT);
    try {
        const open = await findOurs(github, marker, request.labels, 'open', login);
        if (open) {
            if (!wanted)
                return await closeWithComment(open);
            const body = bodyFor(open.body);
            if (open.body === body && open.title === title)
                return { action: 'left', url: open.htmlUrl, number: open.number };
            const updated = await github.updateIssue(open.number, { title, body });
            return { action: 'updated', url: updated.htmlUrl, number: updated.number };
        }
        if (!wanted) {
            // Healthy, `on-failure`: the record of the run, without reopening or notifying.
            const closed = await findClosed();
            if (closed) {
                const body = bodyFor(closed.body);
                if (closed.body === body && closed.title === title)
                    return { action: 'left', url: closed.htmlUrl, number: closed.number };
                const updated = await github.updateIssue(closed.number, { title, body });
                return { action: 'updated', url: updated.htmlUrl, number: updated.number };
            }
            const detached = await findDetached();
            if (detached)
                return await closeWithComment(detached.issue, detached.labels);
            const created = await createOnce(github, request, { title, body: bodyFor(undefined) }, marker);
            const recorded = await github.updateIssue(created.number, {
                state: 'closed',
                stateReason: 'completed',
            });
            return { action: 'recorded', url: recorded.htmlUrl, number: recorded.number };
        }
        const detached = await findDetached();
        if (detached) {
            const updated = await github.updateIssue(detached.issue.number, {
                title,
                body: bodyFor(detached.issue.body),
                labels: detached.labels,
            });
            return { action: 'updated', url: updated.htmlUrl, number: updated.number };
        }
        const closed = await findClosed();
        if (closed) {
            const reopened = await github.updateIssue(closed.number, {
                title,
                body: bodyFor(closed.body),
                state: 'open',
            });
            return { action: 'opened', reopened: true, url: reopened.htmlUrl, number: reopened.number };
        }
        const created = await createOnce(github, request, { title, body: bodyFor(undefined) }, marker);
        return { action: 'opened', reopened: false, url: created.htmlUrl, number: created.number };
    }
    catch (error) {
        if (!isPermissionDenied(error))
            throw error;
        const reason = `GitHub refused to write the monitor issue (403: ${error.message.split(' - ')[0]}); the job needs "permissions: issues: write"`;
        request.log.warning(`${reason}.`);
        return { action: 'none', reason, denied: true };
    }
}
/**
 * Our issue among those in `state` carrying every label, newest first: the marker on the first
 * line and the token's account as author (asked only once a marker matches).
 */
async function findOurs(github, marker, labels, state, login, limit = Infinity) {
    let seen = 0;
    for await (const issue of github.listIssues({ state, labels: [...labels] })) {
        if (firstLine(issue.body) === marker && issue.author === (await login()))
            return issue;
        if (++seen >= limit)
            return undefined;
    }
    return undefined;
}
/** GitHub keeps the line ends an editor sent: a body edited on the web has CRLF. */
const firstLine = (body) => body.split('\n', 1)[0].trimEnd();
/**
 * Opens the issue without automatic retries: a 5xx may come after GitHub opened it, so ours is
 * looked for again before one more try, and no duplicate is opened.
 */
async function createOnce(github, request, content, marker) {
    const create = (retries) => github.createIssue({ ...content, labels: [...request.labels] }, { retries });
    try {
        return await create(0);
    }
    catch (error) {
        if ((statusOf(error) ?? 0) < 500)
            throw error;
        request.log.warning(`GitHub answered ${statusOf(error)} while opening the monitor issue; checking whether it was opened before trying again.`);
        const existing = await findOurs(github, marker, request.labels, 'open', lazyLogin(github));
        return existing ?? (await create(3));
    }
}

;// CONCATENATED MODULE: ./shared/monitor/monitor-status.ts
/**
 * The monitor status of every model and environment of a repository, as the fleet view shows
 * it, read from the monitor issues monitor-model keeps (monitor-issue.ts): one issue per model
 * and environment, named by the marker on its first line, its last runs in a hidden history
 * block. In `on-failure` mode a healthy model has a closed issue too, so a model with no issue
 * here is one nobody monitors (or that is monitored with `issue: never`).
 *
 * Trust: the monitor finds its own issue by the marker AND its author, the monitor's token's
 * account; the fleet view reads with another token and cannot know that account, so the author
 * cannot be checked here. The rule is the label plus the marker on the first line: on GitHub
 * only people with triage access or more can label an issue (someone who may only open issues
 * cannot), so an issue carrying the labels was opened by the monitor or labelled by a
 * maintainer. That is why at least one label is required, and why no issue form or template
 * of the repository should apply the monitor's label (GitHub applies a template's labels to
 * anyone's issue). Everything in the body is still
 * hostile text: the names in the marker must be identifiers and the history is validated as
 * the monitor validates it when reading it back.
 */


/** The key of a model in an environment in the map readMonitorStatuses returns. */
const monitorStatusKey = (model, environment) => `${model}\u0000${environment}`;
/**
 * The status of each model and environment with a monitor issue, keyed by monitorStatusKey:
 * from the newest issue (by creation) per marker among the issues carrying every label, open or
 * closed, reading at most `limit` issues. An issue whose marker names a model or environment
 * that is not an identifier, or whose history is missing, unreadable or empty, is skipped (the
 * next newest with the same marker may count) and never fails the read.
 */
async function readMonitorStatuses(github, options) {
    if (!options.labels.length)
        throw new errors/* UserError */.yo('Reading the monitor status needs the labels of the monitor issues (monitor-model\'s "issue-labels", "model-monitoring" by default): without one, any issue anyone opens with a marker would count.');
    checkIssueLabels(options.labels);
    const limit = options.limit ?? SCAN_LIMIT;
    const statuses = new Map();
    let seen = 0;
    for await (const issue of github.listIssues({ state: 'all', labels: [...options.labels] })) {
        if (seen++ >= limit) {
            options.onLimit?.(limit);
            break;
        }
        const named = readMonitorIssueMarker(issue.body);
        if (!named)
            continue;
        const skip = (reason) => options.onSkip?.({ number: issue.number, url: issue.htmlUrl, reason });
        if ('problem' in named) {
            skip(named.problem);
            continue;
        }
        const key = monitorStatusKey(named.model, named.environment);
        // Newest first: a newer issue with the same marker was read already.
        if (statuses.has(key))
            continue;
        const decoded = decodeMonitorHistory(issue.body);
        if ('problem' in decoded) {
            skip(decoded.problem);
            continue;
        }
        const newest = decoded.history.at(-1);
        if (!newest) {
            skip('its history block holds no valid run');
            continue;
        }
        statuses.set(key, {
            model: named.model,
            environment: named.environment,
            status: newest.status,
            checkedAt: newest.at,
            issue: { number: issue.number, url: issue.htmlUrl, state: issue.state },
            ...(newest.runUrl ? { runUrl: newest.runUrl } : {}),
            driftShare: newest.driftShare,
            ...(newest.metric ? { metric: newest.metric } : {}),
            history: decoded.history,
        });
    }
    return statuses;
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
    const { glob } = await __nccwpck_require__.e(/* import() */ 448).then(__nccwpck_require__.bind(__nccwpck_require__, 6448));
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
const owner_LOGIN = '[A-Za-z0-9][A-Za-z0-9-]{0,38}';
/** A team slug: GitHub derives it from the team's name, lower-case, with "-" (and "_", "."). */
const TEAM_SLUG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}';
/**
 * An e-mail address in a conservative alphabet: the local part's letters, digits and `._%+-`
 * and a dotted domain. No quote, space, `<`, `|` or backtick: a handle is shown in Markdown and
 * HTML by the fleet view, read back from a payload anyone who may deploy could have written.
 */
const EMAIL = '[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63})+';
const HANDLE = new RegExp(`^(?:@${owner_LOGIN}(?:/${TEAM_SLUG})?|${EMAIL})$`);
const HANDLE_RULE = 'a GitHub handle ("@login" or "@org/team-slug", letters, digits and "-" in the login) or an e-mail address ("name@example.com")';
function isOwnerHandle(value) {
    return value.length <= 254 && HANDLE.test(value);
}
/** A handle read back from a manifest or a deployment payload: hostile until it passes. */
const ownerHandleSchema = schemas/* string */.YjP()
    .refine(isOwnerHandle, { message: `must be ${HANDLE_RULE}` });
const owner_ownerSchema = schemas/* object */.Ikc({
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
const fairness_record_finite = schemas/* number */.aig().finite();
const measureSchema = schemas/* object */.Ikc({
    /** "sex", or "sex,age_band" for an intersection, as evaluate-model keys it. */
    attribute: fairness_record_name,
    /** As fairlearn names it: demographic_parity_ratio, equalized_odds_difference[class], ... */
    measure: fairness_record_name,
    /** null when fewer than two groups qualified. */
    value: fairness_record_finite.nullable(),
    ci: schemas/* tuple */.PVZ([fairness_record_finite, fairness_record_finite]).optional(),
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
    for await (const batch of batches(registry.listDeployments({ task: modelTask(model), environment }), BATCH)) {
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
    const repository = parseRepository(context.repository);
    if (!token || !repository) {
        log.info('No GitHub token or repository here (not a GitHub runner), so nothing is read from or recorded in the registry.');
        return undefined;
    }
    return connect(token, repository, log);
}

;// CONCATENATED MODULE: ./shared/fleet/model-history.ts




const MODEL_TASK = /^model:(.+)$/;
/**
 * The deployments whose task is `model:<identifier>` and whose payload is ours for that model;
 * anything else (GitHub's `deploy` deployments of jobs, tasks anyone with deployment access could
 * have named, payloads that are not ours) is left out.
 */
function modelDeployments(deployments, statuses) {
    const byModel = new Map();
    for (const deployment of deployments) {
        const model = MODEL_TASK.exec(deployment.task)?.[1];
        if (!(0,identifiers/* isIdentifier */._5)('model name', model))
            continue;
        if (!(0,identifiers/* isIdentifier */._5)('environment name', deployment.environment))
            continue;
        const payload = parsePayload(deployment.payload);
        if (!payload || payload.model !== model)
            continue;
        const list = byModel.get(model) ?? [];
        list.push({ deployment, payload, statuses: statuses.get(deployment.id) });
        byModel.set(model, list);
    }
    return byModel;
}
/** What a deployment was, from its latest status; undefined while it is still under way. */
function eventKind(statuses) {
    if (holdsEnvironment(statuses))
        return 'holds';
    const latest = statuses?.latest;
    if (!latest)
        return undefined;
    if (latest.state === 'failure' || latest.state === 'error')
        return 'failed';
    if (latest.state === 'inactive')
        return latest.description.startsWith(RETIRED_BY_SUITE) ? 'retired' : 'failed';
    return undefined;
}
function timelineEvent(entry, kind) {
    const { deployment, payload } = entry;
    return {
        kind,
        version: payload.version,
        at: deployment.createdAt,
        deploymentId: deployment.id,
        ...(deployment.creator ? { by: deployment.creator } : {}),
        approvedBy: approvers(payload),
        ...(payload.overrideReason ? { overrideReason: payload.overrideReason } : {}),
        ...(payload.rollback ? { rollback: payload.rollback } : {}),
        ...(payload.runUrl ? { runUrl: payload.runUrl } : {}),
        ...(kind === 'failed' || kind === 'retired'
            ? { status: entry.statuses?.latest?.description ?? '' }
            : {}),
    };
}
/** The reviewers who approved, from GitHub's review log, or the bound approval. */
function approvers(payload) {
    const approved = (payload.approvals ?? [])
        .filter((approval) => approval.state === 'approved')
        .map((approval) => approval.login);
    return [...new Set(approved.length ? approved : (payload.approval?.by ?? []))];
}
/**
 * The model's environments, sorted by name: each with its timeline (newest first) and the
 * version there now. `entries` are newest first, as GitHub lists deployments.
 */
function environmentsOf(entries, now) {
    const byEnvironment = new Map();
    for (const entry of entries) {
        const list = byEnvironment.get(entry.deployment.environment) ?? [];
        list.push(entry);
        byEnvironment.set(entry.deployment.environment, list);
    }
    return [...byEnvironment.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, list]) => {
        const timeline = [];
        let current;
        for (const entry of newestFirst(list)) {
            const kind = eventKind(entry.statuses);
            if (!kind)
                continue;
            if (kind !== 'holds') {
                timeline.push(timelineEvent(entry, kind));
                continue;
            }
            const event = timelineEvent(entry, entry.payload.rollback ? 'rollback' : 'promotion');
            timeline.push(event);
            current ??= {
                version: event.version,
                deploymentId: event.deploymentId,
                promotedAt: event.at,
                ...(event.by ? { promotedBy: event.by } : {}),
                approvedBy: event.approvedBy,
                ...(event.overrideReason ? { overrideReason: event.overrideReason } : {}),
                ...(event.rollback ? { rollback: event.rollback } : {}),
                ageDays: wholeDays(now.getTime() - Date.parse(event.at)),
            };
        }
        return { name, ...(current ? { current } : {}), flags: [], reasons: {}, timeline };
    });
}
/** GitHub lists deployments newest first; sorted again so that a merged or seeded list is too. */
function newestFirst(list) {
    return [...list].sort((a, b) => Date.parse(b.deployment.createdAt) - Date.parse(a.deployment.createdAt) ||
        b.deployment.id - a.deployment.id);
}
const wholeDays = (ms) => Math.max(0, Math.floor(ms / DAY_MS));
/**
 * Every version that held an environment, newest first, with the evidence its latest promotion
 * recorded. Versions whose every promotion failed are left out: they never were the model.
 */
function versionsOf(entries) {
    const byVersion = new Map();
    for (const entry of newestFirst(entries)) {
        if (eventKind(entry.statuses) !== 'holds')
            continue;
        const list = byVersion.get(entry.payload.version) ?? [];
        list.push(entry);
        byVersion.set(entry.payload.version, list);
    }
    return [...byVersion.values()].map((list) => {
        const latest = list[0];
        const oldestFirst = [...list].reverse();
        const { payload } = latest;
        // The approval may be on an earlier promotion of the version (a rollback to it needs none).
        const approval = list.find((entry) => entry.payload.approval)?.payload.approval;
        return {
            version: payload.version,
            fingerprint: payload.fingerprint,
            commit: latest.deployment.sha,
            environments: [...new Set(oldestFirst.map((entry) => entry.deployment.environment))],
            firstPromotedAt: oldestFirst[0].deployment.createdAt,
            metrics: Object.fromEntries(Object.entries(payload.metrics).map(([name, value]) => [name, { value }])),
            ...(payload.verdict ? { verdict: payload.verdict } : {}),
            ...(payload.runUrl ? { runUrl: payload.runUrl } : {}),
            ...(payload.release ? { release: { tag: payload.release } } : {}),
            ...(approval ? { approval } : {}),
            ...(payload.comparisonDigest ? { comparisonDigest: payload.comparisonDigest } : {}),
            ...(payload.overrideReason ? { overrideReason: payload.overrideReason } : {}),
            ...(payload.fairness ? { fairness: biasCheckOf(payload.fairness) } : {}),
            lineage: payloadLineage(payload),
        };
    });
}
/** What the payload alone says of a version's lineage (the Release's files say more). */
function payloadLineage(payload) {
    const runtime = payload.runtime;
    return {
        source: 'payload',
        missing: payload.release
            ? `the files of Release ${payload.release} were not read`
            : 'no Release: this version was never promoted to production, so its manifest, metrics report and data profile lived only in workflow artifacts',
        data: [],
        lockFiles: [],
        slices: {},
        ...(payload.configSha256 ? { config: { sha256: payload.configSha256 } } : {}),
        ...(runtime
            ? {
                runtime: {
                    ...(runtime.python ? { python: runtime.python } : {}),
                    ...(runtime.r ? { r: runtime.r } : {}),
                    ...(runtime.image ? { image: runtime.image } : {}),
                    ...(runtime.os ? { os: runtime.os } : {}),
                    packages: [],
                    ...(runtime.packages ? { packagesCount: runtime.packages.count } : {}),
                },
            }
            : {}),
        ...(payload.dataSha256 ? { evaluation: { dataSha256: payload.dataSha256 } } : {}),
    };
}

;// CONCATENATED MODULE: ./shared/fleet/owners.ts
const owners_TEAM = /^@([^/]+)\/(.+)$/;
const owners_LOGIN = /^@([^/@]+)$/;
class OwnerCheck {
    github;
    answers = new Map();
    constructor(github) {
        this.github = github;
    }
    async ownerOf(repository, handles) {
        const answers = await Promise.all(handles.map((handle) => this.belongs(repository, handle)));
        return {
            handles: [...handles],
            gone: handles.filter((_, index) => answers[index] === false),
            checked: answers.every((answer) => answer !== undefined),
        };
    }
    /** true: belongs; false: gone; undefined: the token may not ask. */
    belongs(repository, handle) {
        const team = owners_TEAM.exec(handle);
        const login = owners_LOGIN.exec(handle);
        const key = team
            ? `team ${team[1].toLowerCase()}/${team[2].toLowerCase()}`
            : `${repository.owner}/${repository.repo} ${handle.toLowerCase()}`;
        let answer = this.answers.get(key);
        if (!answer) {
            answer = team
                ? this.github.teamExists(team[1], team[2])
                : login
                    ? this.github.isCollaborator(repository, login[1])
                    : Promise.resolve(true);
            this.answers.set(key, answer);
        }
        return answer;
    }
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
async function structured_parseStructured(text, path, what) {
    if (formatOf(path) === 'json') {
        let value;
        try {
            value = JSON.parse(text);
        }
        catch (error) {
            throw new UserError(`The ${what} "${path}" is not valid JSON: ${await describeJsonError(error, text)}.`);
        }
        const tooDeep = jsonDepthExceeded(text, STRUCTURED_LIMITS.maxDepth);
        if (tooDeep !== undefined) {
            const { line, column } = lineAndColumn(text, tooDeep);
            throw new UserError(`The ${what} "${path}" nests objects and arrays more than ${STRUCTURED_LIMITS.maxDepth} levels deep (at line ${line}, column ${column}). A ${what} needs far fewer; flatten it.`);
        }
        return value;
    }
    const yaml = await __nccwpck_require__.e(/* import() */ 243).then(__nccwpck_require__.bind(__nccwpck_require__, 3243));
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
            throw new UserError(`The ${what} "${path}" has more than ${STRUCTURED_LIMITS.maxAliases} YAML aliases (the one past the limit is${mark}); write the values out instead of repeating anchors.`);
        }
        if (/maxDepth/.test(error.reason)) {
            throw new UserError(`The ${what} "${path}" nests mappings and lists more than ${STRUCTURED_LIMITS.maxDepth} levels deep${mark}. A ${what} needs far fewer; flatten it.`);
        }
        throw new UserError(`The ${what} "${path}" is not valid YAML${mark}: ${error.reason}.`);
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
        throw new UserError(`The ${what} "${path}" has a YAML alias inside the node it refers to, so it would contain itself; write the values out.`);
    if (values > distinct && values > STRUCTURED_LIMITS.maxExpandedValues) {
        throw new UserError(`The ${what} "${path}" has YAML aliases that expand to more than ${STRUCTURED_LIMITS.maxExpandedValues.toLocaleString('en-US')} values; write the values out (a ${what} needs far fewer).`);
    }
    if (depth > STRUCTURED_LIMITS.maxDepth) {
        throw new UserError(`The ${what} "${path}" has YAML aliases that nest mappings and lists more than ${STRUCTURED_LIMITS.maxDepth} levels deep once expanded; write the values out.`);
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
async function structured_readStructuredFile(path, schema, what, baseDir = process.cwd()) {
    const text = await readUserFile(path, what, baseDir);
    const value = await structured_parseStructured(text, path, what);
    return structured_validateStructured(value, schema, { path, what, text });
}
async function structured_validateStructured(value, schema, source) {
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
    throw new UserError(`The ${source.what} "${source.path}" is not valid: ${problems.join('; ')}${more}.`);
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
    const yaml = await __nccwpck_require__.e(/* import() */ 243).then(__nccwpck_require__.bind(__nccwpck_require__, 3243));
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
const SECRET_VALUES = (/* unused pure expression or super */ null && ([
    /^"?(?:gh[pousr]_|github_pat_|glpat-|xox[abprs]-|sk-|AKIA|ASIA|eyJ[A-Za-z0-9_-]{8,}\.)/,
    /-----BEGIN [A-Z ]{0,40}PRIVATE KEY/,
    /[a-z][a-z0-9+.-]{0,30}:\/\/[^\s/:@]{0,200}:[^\s/@]{1,200}@/i,
]));
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
const manifest_hashedFile = (path) => schemas/* object */.Ikc({ path, sha256, bytes: schemas/* number */.aig().int().nonnegative().optional() });
/**
 * Output files: each path once, and none inside another that is listed as a file (a release is
 * restored to these paths). With "/" sorting first, a path's descendants follow it directly, so
 * comparing neighbours finds every clash in O(n log n).
 */
const outputFiles = schemas/* array */.YOg(manifest_hashedFile(relativePath()))
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
const manifest_manifestSchema = schemas/* object */.Ikc({
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
    data: schemas/* array */.YOg(manifest_hashedFile(relativePath(true))),
    /** The code tree (see code-tree.ts): its sha256, where it came from and how many files. */
    code: schemas/* object */.Ikc({
        source: schemas/* enum */.k5n(['git', 'paths', 'none']),
        sha256: schemas/* string */.YjP(),
        files: schemas/* number */.aig().int().nonnegative(),
    })
        .optional(),
    /** Dependency lock files, each with its sha256. */
    lockFiles: schemas/* array */.YOg(manifest_hashedFile(relativePath(true))).optional(),
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
    owner: owner_ownerSchema.optional(),
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

;// CONCATENATED MODULE: ./shared/registry/model-release.ts
/**
 * A production model as a GitHub Release `<model>@<version>`: artifacts expire, a production
 * model must not. The release is created as a draft, filled with the manifest, the metrics
 * report, the model card and every model file (staged), and published last, once the deployment
 * that names it exists, so that a failure leaves an unpublished draft (which a re-run completes)
 * and never a half-filled public release; this is also the order immutable releases require.
 */









/** The names of the release assets that describe the model (the model files keep their paths). */
const MODEL_CARD_ASSET = 'MODEL_CARD.md';
const MANIFEST_ASSET = 'model-manifest.json';
const METRICS_ASSET = 'metrics.json';
const PROFILE_ASSET = 'data-profile.json';

/** A release asset name for a manifest path: assets cannot hold "/". */
function assetName(path) {
    return path.replace(/\//g, '__');
}
/** The release's files; each model file at its real path inside the model's folder (see manifest-files.ts). */
async function releaseFiles(args) {
    const outputs = [];
    for (const [index, output] of args.manifest.outputs.entries()) {
        const path = await manifestFilePath(args.model, `outputs[${index}].path`, output.path);
        outputs.push({
            name: assetName(output.path),
            path,
            contentType: 'application/octet-stream',
            sha256: output.sha256,
        });
    }
    return [
        { name: MODEL_CARD_ASSET, path: args.modelCardPath, contentType: 'text/markdown' },
        { name: MANIFEST_ASSET, path: args.manifestPath, contentType: 'application/json' },
        { name: METRICS_ASSET, path: args.metricsPath, contentType: 'application/json' },
        ...outputs,
    ];
}
/**
 * Creates the release as a draft (or finds the draft an earlier attempt left, or the release
 * published before) and uploads every file it lacks. Nothing is public until
 * `publishStagedRelease`, so the deployment can name the assets before the release is out.
 */
async function stageModelRelease(registry, release, log) {
    const tag = releaseTag(release.model, release.version);
    const published = await registry.getReleaseByTag(tag);
    if (published) {
        log.info(`Release ${tag} is already published (${published.htmlUrl}); nothing is uploaded again.`);
        return {
            id: published.id,
            tag,
            url: published.htmlUrl,
            alreadyPublished: true,
            assetUrls: new Map(published.assets.map((a) => [a.name, a.url])),
            uploaded: new Set(),
        };
    }
    const draft = await findDraft(registry, tag);
    const target = draft ??
        (await createDraftOnce(registry, { tag, targetCommitish: release.sha, name: release.title, body: release.body, draft: true }, log));
    if (draft)
        log.info(`Completing the draft release ${tag} left by an earlier attempt.`);
    const assetUrls = new Map(target.assets.map((asset) => [asset.name, asset.url]));
    const uploaded = new Set();
    for (const file of release.files) {
        if (assetUrls.has(file.name))
            continue;
        const bytes = await readFile(file.path);
        // The bytes uploaded are the bytes verified: a file swapped since the check is not published.
        if (file.sha256 !== undefined && sha256Text(bytes) !== file.sha256) {
            throw new UserError(`The model file for release asset "${file.name}" changed after it was checked against the manifest (sha256 ${sha256Text(bytes).slice(0, 16)}…, the manifest says ${file.sha256.slice(0, 16)}…). Nothing was published; promote only what train-model produced, unmodified.`);
        }
        const asset = await registry.uploadReleaseAsset(target, {
            name: file.name,
            contentType: file.contentType,
            bytes,
        });
        assetUrls.set(file.name, asset.url);
        uploaded.add(file.name);
    }
    return { id: target.id, tag, url: target.htmlUrl, alreadyPublished: false, assetUrls, uploaded };
}
/** How often a draft is created again after GitHub answered 5xx and none was found. */
const model_release_CREATE_ATTEMPTS = 3;
async function findDraft(registry, tag) {
    const releases = await registry.listReleases();
    return releases.find((candidate) => candidate.draft && candidate.tag === tag);
}
/**
 * Creates the draft exactly once: a 5xx may come after GitHub created it, so the drafts are
 * looked up again before another try, and no second draft of the same tag is left behind.
 */
async function createDraftOnce(registry, draft, log) {
    for (let attempt = 1;; attempt++) {
        try {
            return await registry.createRelease(draft, { retries: 0 });
        }
        catch (error) {
            const status = statusOf(error) ?? 0;
            if (status < 500 || attempt >= model_release_CREATE_ATTEMPTS)
                throw error;
            log.warning(`GitHub answered ${status} while creating the draft release ${draft.tag}; checking whether it was created before trying again.`);
            const created = await findDraft(registry, draft.tag);
            if (created)
                return created;
        }
    }
}
/** Publishes a staged draft (last, as immutable releases require); returns the release page. */
async function publishStagedRelease(registry, staged, log) {
    if (staged.alreadyPublished)
        return staged.url;
    const published = await registry.updateRelease(staged.id, { draft: false });
    log.info(`Published release ${staged.tag} with ${staged.assetUrls.size} file(s): ${published.htmlUrl}`);
    return published.htmlUrl;
}
/**
 * Downloads a published model release into `into`: its manifest and metrics report at the root,
 * each model file at its manifest path, so that the same checks as for a fresh model apply.
 * This is how a rollback gets an earlier production model back after its artifacts expired.
 */
async function downloadModelRelease(registry, release, log) {
    const tag = releaseTag(release.model, release.version);
    const found = await registry.getReleaseByTag(tag);
    if (!found) {
        throw new UserError(`There is no published release ${tag} to restore ${release.model} ${release.version} from. Only versions that were promoted to production are kept as releases; give "manifest" or "artifact" to promote a new model.`);
    }
    const assets = new Map(found.assets.map((asset) => [asset.name, asset.id]));
    const fetchAsset = async (name, to) => {
        const id = assets.get(name);
        if (id === undefined)
            throw new UserError(`Release ${tag} has no asset "${name}", so ${release.model} ${release.version} cannot be restored from it intact. Promote it from its manifest or artifact instead.`);
        const bytes = await registry.downloadReleaseAsset(id);
        await mkdir(dirname(to), { recursive: true });
        await writeFile(to, bytes);
    };
    const manifestPath = join(release.into, MANIFEST_ASSET);
    const metricsPath = join(release.into, METRICS_ASSET);
    await fetchAsset(MANIFEST_ASSET, manifestPath);
    await fetchAsset(METRICS_ASSET, metricsPath);
    const manifest = await readStructuredFile(manifestPath, manifestSchema, `manifest of release ${tag}`);
    // Asset names come from GitHub and are only looked up; each file is written at its manifest
    // path (relative, without "..", by the manifest's schema), checked to stay in the folder.
    const files = { manifest: `manifest of release ${tag}`, baseDir: release.into };
    for (const [index, output] of manifest.outputs.entries()) {
        await fetchAsset(assetName(output.path), await manifestFilePath(files, `outputs[${index}].path`, output.path));
    }
    log.info(`Downloaded release ${tag}: the manifest, the metrics report and ${manifest.outputs.length} model file(s).`);
    return {
        manifestPath,
        metricsPath,
        url: found.htmlUrl,
        metricsUrl: found.assets.find((a) => a.name === METRICS_ASSET)?.url,
        profileUrl: found.assets.find((a) => a.name === PROFILE_ASSET)?.url,
    };
}
/**
 * The id of a release asset of `repository` from its API URL (`…/repos/<owner>/<repo>/releases/assets/<id>`),
 * or undefined for any other URL. Only the id is used, through the registry, so the token never
 * goes to a URL read from a payload.
 */
function releaseAssetId(url, repository) {
    const suffix = `/repos/${repository.owner}/${repository.repo}/releases/assets/`.toLowerCase();
    const at = url.toLowerCase().lastIndexOf(suffix);
    if (at < 0)
        return undefined;
    const id = url.slice(at + suffix.length);
    return /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : undefined;
}

;// CONCATENATED MODULE: ./shared/metrics/report.ts
/**
 * The metrics report, the contract between evaluate-model, compare-metrics and promote-model.
 * compare-metrics and promote-model also take plain or nested metrics files of the user's own
 * (JSON or YAML, as DVC and DVCLive write them): nested keys are joined with dots.
 */






const METRICS_REPORT_FORMAT = 'mlops-actions/metrics-report@1';
const report_metricValue = schemas/* object */.Ikc({
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
    metrics: schemas/* record */.g1P(schemas/* string */.YjP(), report_metricValue),
    /** Metrics the task defines that could not be computed, each with the reason (scikit-learn's words where it has some). */
    skipped: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* string */.YjP()).optional(),
    /** Per slice (`column=value`), the same metrics on the slice's rows. */
    slices: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* record */.g1P(schemas/* string */.YjP(), report_metricValue)).default({}),
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
    const text = await readUserFile(path, what, baseDir);
    const value = await parseStructured(text, path, what);
    if (value &&
        typeof value === 'object' &&
        value.format === METRICS_REPORT_FORMAT) {
        const report = await validateStructured(value, metricsReportSchema, { path, what, text });
        return loadedFromReport(report, path);
    }
    const metrics = flattenMetrics(value, path, what);
    if (Object.keys(metrics).length === 0)
        throw new UserError(`The ${what} "${path}" holds no numeric metrics. Expected a metrics report from evaluate-model or a JSON/YAML object of numbers.`);
    return { source: path, metrics };
}
/**
 * Flattens nested objects of numbers the way DVC does (`{"val": {"acc": 0.9}}` → `val.acc`).
 * Booleans, strings and nulls are not metrics and are left out; arrays are not supported.
 */
function flattenMetrics(value, path, what) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new UserError(`The ${what} "${path}" must be a JSON or YAML object of metrics (name: number); its top level is ${Array.isArray(value) ? 'a list' : typeof value}.`);
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

;// CONCATENATED MODULE: ./shared/profile/sketches/quantiles.ts
/**
 * KLL sketch (Karnin, Lang, Liberty 2016): compactors whose items weigh 2^level; a full level
 * is sorted and every other item is promoted. With k = 200 the rank error is about 1.3%
 * (normalised, 99% confidence) and about 3k numbers are kept, whatever the column's length.
 * While a column has fewer values than level 0 holds, quantiles are exact. Compaction
 * alternates the kept half deterministically, so that a run is reproducible.
 */
class quantiles_QuantileSketch {
    k;
    n = 0;
    /**
     * Level 0: 4k values written in place and sorted natively when full. Every value lands
     * here, so this is the hot path: no array growth, no comparator, and compactions are rare.
     * The larger first level only adds accuracy.
     */
    base;
    baseCount = 0;
    /** Levels 1 and up, each kept sorted (promoted runs are merged in); an item at level h weighs 2^h. */
    upper = [];
    flip = 0;
    constructor(k = 200) {
        this.k = k;
        this.base = new Float64Array(4 * k);
    }
    get levels() {
        return [Array.from(this.base.subarray(0, this.baseCount)), ...this.upper];
    }
    capacity(level) {
        const depth = this.upper.length - level;
        return Math.max(8, Math.ceil(this.k * Math.pow(2 / 3, depth)));
    }
    add(x) {
        this.n++;
        this.base[this.baseCount++] = x;
        if (this.baseCount === this.base.length)
            this.flushBase();
    }
    /** Half of every other item of a sorted run, alternating which half from one compaction to the next. */
    promote(sorted, end) {
        const offset = (this.flip ^= 1);
        const promoted = [];
        for (let i = offset; i < end; i += 2)
            promoted.push(sorted[i]);
        return promoted;
    }
    flushBase() {
        const sorted = sortFinite(this.base);
        this.upper[0] = mergeSorted(this.upper[0] ?? [], this.promote(sorted, sorted.length));
        this.baseCount = 0;
        this.compress();
    }
    compress() {
        for (let i = 0; i < this.upper.length; i++) {
            const items = this.upper[i];
            if (items.length < this.capacity(i + 1))
                continue;
            if (i + 1 === this.upper.length)
                this.upper.push([]);
            const odd = items.length % 2 === 1;
            const end = odd ? items.length - 1 : items.length;
            this.upper[i + 1] = mergeSorted(this.upper[i + 1], this.promote(items, end));
            this.upper[i] = odd ? [items[end]] : [];
        }
    }
    merge(other) {
        const [base = [], ...upper] = other.levels;
        const n = this.n + other.n;
        for (const x of base)
            this.add(x);
        upper.forEach((items, i) => {
            while (this.upper.length <= i)
                this.upper.push([]);
            this.upper[i] = mergeSorted(this.upper[i], [...items].sort((a, b) => a - b));
        });
        this.n = n;
        // Compress until every level fits again (a merge can overfill several).
        while (this.upper.some((items, i) => items.length >= this.capacity(i + 1)))
            this.compress();
    }
    weighted() {
        const pairs = [];
        this.levels.forEach((items, level) => items.forEach((value) => pairs.push([value, 2 ** level])));
        pairs.sort((a, b) => a[0] - b[0]);
        return {
            values: pairs.map((p) => p[0]),
            weights: pairs.map((p) => p[1]),
            total: pairs.reduce((sum, p) => sum + p[1], 0),
        };
    }
    /** Quantiles at each q in [0, 1]; the lower of two middle values, as a rank statistic. */
    quantiles(qs) {
        const { values, weights, total } = this.weighted();
        if (!values.length)
            return null;
        return qs.map((q) => {
            const target = q * total;
            let cumulative = 0;
            for (let i = 0; i < values.length; i++) {
                cumulative += weights[i];
                if (cumulative >= target && cumulative > 0)
                    return values[i];
            }
            return values[values.length - 1];
        });
    }
    /** Estimated number of values ≤ each edge. */
    ranks(edges) {
        const { values, weights } = this.weighted();
        return edges.map((edge) => {
            let rank = 0;
            for (let i = 0; i < values.length && values[i] <= edge; i++)
                rank += weights[i];
            return rank;
        });
    }
    toJSON() {
        return { k: this.k, n: this.n, levels: this.levels.map((items) => [...items]) };
    }
    static from(state) {
        const sketch = new quantiles_QuantileSketch(state.k);
        sketch.merge(state);
        return sketch;
    }
}
// 512 buckets for a base level of 800 values: fewer left empty than with 1,024 (every bucket is
// visited three times a sort), still few values to insertion-sort in each.
const BUCKETS = 512;
const bucketEnds = new Uint32Array(BUCKETS + 1);
let bucketed = new Float64Array(0);
/** Each value's bucket, computed once rather than in both passes. */
let bucketOfValue = new Uint16Array(0);
/**
 * Sorts finite numbers in place, ascending: spread over 512 buckets between their minimum
 * and maximum, then each bucket sorted on its own (by insertion while small; a bucket of one
 * repeated value not at all). A full KLL base level is sorted for every 800 values a column
 * holds, and on the bench's columns this takes a third of the time of the native sort; values
 * clustered in a few buckets (heavy tails) fall back to it bucket by bucket.
 */
function sortFinite(values) {
    const n = values.length;
    let min = values[0];
    let max = min;
    // Ids and timestamps often come in order: then the scan that finds the range finds nothing to do.
    let ascending = true;
    for (let i = 1; i < n; i++) {
        const v = values[i];
        if (v < max)
            ascending = false;
        if (v < min)
            min = v;
        else if (v > max)
            max = v;
    }
    if (ascending)
        return values;
    const scale = BUCKETS / (max - min);
    if (!(scale > 0 && scale < Infinity))
        return min === max ? values : values.sort(); // all equal, or a span beyond the doubles
    if (bucketed.length < n) {
        bucketed = new Float64Array(n);
        bucketOfValue = new Uint16Array(n);
    }
    const ends = bucketEnds.fill(0);
    const which = bucketOfValue;
    for (let i = 0; i < n; i++) {
        const bucket = Math.min(BUCKETS - 1, ((values[i] - min) * scale) | 0);
        which[i] = bucket;
        ends[bucket + 1]++;
    }
    for (let b = 1; b <= BUCKETS; b++)
        ends[b] += ends[b - 1];
    for (let i = 0; i < n; i++)
        bucketed[ends[which[i]]++] = values[i];
    // ends[b] is now where bucket b ends.
    for (let b = 0, start = 0; b < BUCKETS; start = ends[b++]) {
        const end = ends[b];
        if (end - start > 16) {
            if (!allEqual(bucketed, start, end))
                bucketed.subarray(start, end).sort();
            continue;
        }
        for (let i = start + 1; i < end; i++) {
            const v = bucketed[i];
            let j = i - 1;
            for (; j >= start && bucketed[j] > v; j--)
                bucketed[j + 1] = bucketed[j];
            bucketed[j + 1] = v;
        }
    }
    values.set(bucketed.subarray(0, n));
    return values;
}
function allEqual(values, start, end) {
    for (let i = start + 1; i < end; i++)
        if (values[i] !== values[start])
            return false;
    return true;
}
/** Two ascending arrays as one ascending array, in linear time. */
function mergeSorted(a, b) {
    if (a.length === 0)
        return b;
    if (b.length === 0)
        return a;
    const out = new Array(a.length + b.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < a.length && j < b.length)
        out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
    while (i < a.length)
        out[k++] = a[i++];
    while (j < b.length)
        out[k++] = b[j++];
    return out;
}

;// CONCATENATED MODULE: ./shared/profile/profile.ts
/**
 * The data profile: per-column statistics of validated data, as a versioned JSON document
 * (`mlops-actions/profile@1`). Every statistic is either exact and mergeable (counts, min,
 * max, mean, variance) or comes from a mergeable sketch kept in the column's `state`
 * (quantiles and the reference-decile histogram from KLL, the distinct estimate from
 * HyperLogLog, top values from Misra–Gries). So the profiles of shards validated in a job
 * matrix merge into the profile of the whole data (`mergeProfiles`), and serve later as the
 * reference for drift.
 *
 * Document shape:
 *   { format: 'mlops-actions/profile@1', rows, sources: [{path, format, rows}],
 *     columns: [{ name, type, count, nulls, invalid, nan, inf, distinct, distinctExact,
 *                 min, max, mean, stdev, quantiles: {q, values},
 *                 histogram: {kind: 'reference-deciles', edges (11), counts (10)},
 *                 topValues: [{value, count}], topValuesExact, state: {...sketches} }] }
 * `count` is the rows that have the column; `nulls` the missing values among them; `invalid`
 * the values that do not cast to the type; numeric statistics cover the finite values of
 * number and integer columns; `nan` and `inf` count the rest.
 */







const PROFILE_FORMAT = 'mlops-actions/profile@1';
const PROFILE_QUANTILES = (/* unused pure expression or super */ null && ([0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1]));
const DECILES = (/* unused pure expression or super */ null && ([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]));
const TOP_VALUES = 20;
/** The running statistics of one column, fed value by value by the validator. */
class ColumnStats {
    name;
    type;
    count = 0;
    nulls = 0;
    invalid = 0;
    nan = 0;
    inf = 0;
    moments;
    quantiles;
    distinct = new DistinctCounter();
    /**
     * Top values are kept for categorical columns (text, booleans, fields with an enum or
     * categories, targets), not for measurements, where they mean little and cost time.
     */
    top;
    constructor(name, type, topValues = type === 'string' || type === 'boolean') {
        this.name = name;
        this.type = type;
        const numeric = type === 'number' || type === 'integer';
        this.moments = numeric ? new Moments() : undefined;
        this.quantiles = numeric ? new QuantileSketch() : undefined;
        this.top = topValues ? new TopValues() : undefined;
    }
    /**
     * Stops counting top values: past 1,024 distinct values a column is not categorical, and
     * keeping heavy hitters of it would cost more time than the rest of its statistics.
     */
    dropTopValues() {
        this.top = undefined;
    }
    addNumber(x) {
        if (Number.isNaN(x))
            this.nan++;
        else if (!Number.isFinite(x))
            this.inf++;
        else {
            this.moments?.add(x);
            this.quantiles?.add(x);
        }
    }
    static fromProfile(column) {
        const stats = new ColumnStats(column.name, column.type, column.state.top !== undefined);
        stats.mergeProfile(column);
        return stats;
    }
    /** The counts and sketch states: what another ColumnStats needs to merge this one in. */
    tally() {
        return {
            count: this.count,
            nulls: this.nulls,
            invalid: this.invalid,
            nan: this.nan,
            inf: this.inf,
            state: {
                ...(this.moments && { moments: this.moments.toJSON() }),
                ...(this.quantiles && { quantiles: this.quantiles.toJSON() }),
                distinct: this.distinct.toJSON(),
                ...(this.top && { top: this.top.toJSON() }),
            },
        };
    }
    mergeProfile(column) {
        this.count += column.count;
        this.nulls += column.nulls;
        this.invalid += column.invalid;
        this.nan += column.nan;
        this.inf += column.inf;
        if (column.state.moments)
            this.moments?.merge(column.state.moments);
        if (column.state.quantiles)
            this.quantiles?.merge(column.state.quantiles);
        this.distinct.merge(column.state.distinct);
        if (column.state.top)
            this.top?.merge(column.state.top);
        else
            this.dropTopValues();
    }
    toProfile() {
        const moments = this.moments?.n ? this.moments : undefined;
        const quantileValues = this.exactEnds(this.quantiles?.quantiles(PROFILE_QUANTILES));
        return {
            name: this.name,
            type: this.type,
            count: this.count,
            nulls: this.nulls,
            invalid: this.invalid,
            nan: this.nan,
            inf: this.inf,
            distinct: this.distinct.estimate(),
            distinctExact: this.distinct.isExact(),
            min: moments ? moments.min : null,
            max: moments ? moments.max : null,
            mean: moments ? moments.mean : null,
            stdev: moments ? moments.stdev() : null,
            quantiles: quantileValues ? { q: [...PROFILE_QUANTILES], values: quantileValues } : null,
            histogram: this.histogram(),
            // Once counters were cut, only values that stand out above the cut are worth showing.
            topValues: this.top
                ? this.top.top(TOP_VALUES).filter((v) => v.count > this.top.error)
                : null,
            topValuesExact: this.top ? this.top.error === 0 : false,
            state: this.tally().state,
        };
    }
    /**
     * Quantile estimates whose ends are the exact minimum and maximum (kept by the moments):
     * KLL may drop a lone outlier from its sample, and q0 and q1 are what drift and the reader
     * take as the range of the data. The inner estimates are kept inside that range.
     */
    exactEnds(values) {
        const moments = this.moments?.n ? this.moments : undefined;
        if (!values || !moments)
            return values ?? null;
        const { min, max } = moments;
        return values.map((v, i) => i === 0 ? min : i === values.length - 1 ? max : Math.min(max, Math.max(min, v)));
    }
    /** Ten bins between the deciles of this data: the reference bins of PSI-style drift checks; the outer edges are the exact minimum and maximum. */
    histogram() {
        const edges = this.exactEnds(this.quantiles?.quantiles(DECILES));
        if (!edges || !this.quantiles)
            return null;
        const ranks = this.quantiles.ranks(edges);
        // Bin i holds (edges[i], edges[i + 1]]; the first also holds the minimum itself.
        const counts = edges.slice(1).map((_, i) => ranks[i + 1] - (i === 0 ? 0 : ranks[i]));
        return { kind: 'reference-deciles', edges, counts };
    }
}
function buildProfile(columns, sources) {
    return {
        format: PROFILE_FORMAT,
        rows: sources.reduce((sum, s) => sum + s.rows, 0),
        sources,
        columns: columns.map((c) => c.toProfile()),
    };
}
/**
 * One profile of the union of the data behind several profiles. Columns are matched by name
 * (a column missing from a shard simply contributes nothing there); their types must agree.
 */
function mergeProfiles(profiles) {
    if (profiles.length === 0)
        throw new UserError('There are no profiles to merge: give at least one profile file.');
    const merged = new Map();
    for (const profile of profiles) {
        for (const column of profile.columns) {
            const existing = merged.get(column.name);
            if (!existing)
                merged.set(column.name, ColumnStats.fromProfile(column));
            else if (existing.type !== column.type) {
                throw new UserError(`Cannot merge profiles: column "${column.name}" is ${existing.type} in one profile and ${column.type} in another. Profile every shard with the same schema.`);
            }
            else
                existing.mergeProfile(column);
        }
    }
    const profile = buildProfile([...merged.values()], profiles.flatMap((p) => p.sources));
    const roles = new Map(profiles.flatMap((p) => p.columns.filter((c) => c.role).map((c) => [c.name, c.role])));
    for (const column of profile.columns) {
        const role = roles.get(column.name);
        if (role)
            column.role = role;
    }
    return profile;
}
const looseState = schemas/* object */.Ikc({
    distinct: schemas/* union */.KCZ([
        schemas/* object */.Ikc({ p: schemas/* number */.aig(), exact: schemas/* array */.YOg(schemas/* number */.aig()) }),
        schemas/* object */.Ikc({ p: schemas/* number */.aig(), registers: schemas/* string */.YjP() }),
    ]),
})
    .passthrough();
const profileFile = schemas/* object */.Ikc({
    format: schemas/* literal */.euz(PROFILE_FORMAT, {
        error: `not a profile: "format" must be "${PROFILE_FORMAT}"`,
    }),
    rows: schemas/* number */.aig(),
    sources: schemas/* array */.YOg(schemas/* object */.Ikc({ path: schemas/* string */.YjP(), format: schemas/* string */.YjP(), rows: schemas/* number */.aig() })),
    columns: schemas/* array */.YOg(schemas/* object */.Ikc({
        name: schemas/* string */.YjP(),
        type: schemas/* string */.YjP(),
        count: schemas/* number */.aig(),
        nulls: schemas/* number */.aig(),
        invalid: schemas/* number */.aig(),
        nan: schemas/* number */.aig(),
        inf: schemas/* number */.aig(),
        state: looseState,
    })
        .passthrough()),
});
async function readProfile(path) {
    return (await readStructuredFile(path, profileFile, 'profile file'));
}
/**
 * A profile from its text, when the bytes are needed too (promote-model publishes the bytes it
 * checked) or come from elsewhere than a file (a release asset, an artifact): `source` names it
 * in errors, and a name ending in `.json` is parsed as JSON.
 */
async function parseProfile(text, source) {
    const value = await parseStructured(text, source, 'profile file');
    return (await validateStructured(value, profileFile, {
        path: source,
        what: 'profile file',
        text,
    }));
}

;// CONCATENATED MODULE: ./shared/fleet/release-lineage.ts
/**
 * The full lineage of a production version, from the files its Release keeps: the lineage
 * manifest (data, config values, code, command, environment), the metrics report (intervals,
 * slices) and the training data profile. Release assets are written once by promote-model and
 * an asset id never changes its bytes, so what was read of a Release is kept in the fleet's cache
 * by asset ids and never downloaded again.
 *
 * The files are hostile (a release asset can be uploaded by anyone with write access): each is
 * checked with the schema its writer uses, and one that fails leaves its part of the lineage out
 * with the reason, never the page.
 */





/** A lineage file larger than this is not read (a manifest listing 20,000 packages is ~1 MB). */
const ASSET_READ_LIMIT = 16 * 1024 * 1024;
/** The parts of a data profile the version page shows; the rest of a profile is not read. */
const profileSummarySchema = schemas/* object */.Ikc({
    format: schemas/* literal */.euz(PROFILE_FORMAT),
    rows: schemas/* number */.aig().int().nonnegative(),
    columns: schemas/* array */.YOg(schemas/* object */.Ikc({
        name: schemas/* string */.YjP(),
        type: schemas/* string */.YjP(),
        count: schemas/* number */.aig().int().nonnegative(),
        nulls: schemas/* number */.aig().int().nonnegative(),
        min: schemas/* number */.aig().nullish(),
        max: schemas/* number */.aig().nullish(),
        mean: schemas/* number */.aig().nullish(),
        distinct: schemas/* number */.aig().nullish(),
    }))
        .max(10_000),
});
const storedLineageSchema = schemas/* object */.Ikc({
    /** The ids of the manifest, metrics and profile assets it was read from. */
    assetIds: schemas/* array */.YOg(schemas/* number */.aig()),
    htmlUrl: schemas/* string */.YjP(),
    modelCard: schemas/* boolean */.zMY(),
    lineage: schemas/* custom */.IeY((value) => typeof value === 'object' && value !== null),
    metrics: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* object */.Ikc({ value: schemas/* number */.aig(), ci: schemas/* tuple */.PVZ([schemas/* number */.aig(), schemas/* number */.aig()]).optional() })),
});
/**
 * The lineage of a version from its Release `tag`. With `fetch`, the Release is asked for (a
 * conditional request: unchanged, it costs no rate limit) and its files are read unless the
 * store holds what was read from these very files; without, only what the store kept from an
 * earlier run. Undefined when there is nothing: not fetched and never kept, or no such Release
 * (`gone` says so).
 */
async function releaseLineage(github, tag, store, fetch) {
    const key = `release ${github.repository.owner}/${github.repository.repo} ${tag}`;
    const stored = storedLineageSchema.safeParse(store?.recall(key));
    if (!fetch)
        return stored.success ? { ...stored.data, downloads: 0 } : undefined;
    const release = await github.getReleaseByTag(tag);
    if (!release)
        return { gone: true };
    const assets = new Map(release.assets.map((asset) => [asset.name, asset]));
    const ids = [MANIFEST_ASSET, METRICS_ASSET, PROFILE_ASSET].map((name) => assets.get(name)?.id ?? 0);
    if (stored.success && stored.data.assetIds.join() === ids.join())
        return { ...stored.data, htmlUrl: release.htmlUrl, downloads: 0 };
    return readRelease(github, release, assets, ids, key, store);
}
async function readRelease(github, release, assets, ids, key, store) {
    const problems = [];
    let downloads = 0;
    const read = async (name, schema) => {
        const asset = assets.get(name);
        if (!asset) {
            problems.push(`the Release has no ${name}`);
            return undefined;
        }
        downloads++;
        const bytes = await github.downloadReleaseAsset(asset.id);
        if (bytes.length > ASSET_READ_LIMIT) {
            problems.push(`${name} is larger than ${ASSET_READ_LIMIT / 1024 / 1024} MB and was not read`);
            return undefined;
        }
        try {
            const parsed = schema.safeParse(JSON.parse(bytes.toString('utf8')));
            if (parsed.success)
                return parsed.data;
            const issue = parsed.error.issues[0];
            problems.push(`${name} is not valid (${issue?.path.join('.') || 'top level'}: ${issue?.message})`);
        }
        catch {
            problems.push(`${name} is not JSON`);
        }
        return undefined;
    };
    const manifest = await read(MANIFEST_ASSET, manifest_manifestSchema);
    const report = await read(METRICS_ASSET, metricsReportSchema);
    const profile = await read(PROFILE_ASSET, profileSummarySchema);
    const result = {
        lineage: {
            source: 'release',
            ...(problems.length ? { missing: problems.join('; ') } : {}),
            data: manifest?.data ?? [],
            lockFiles: manifest?.lockFiles ?? [],
            ...manifestLineage(manifest),
            ...reportLineage(report),
            slices: report?.slices ?? {},
            ...(profile
                ? {
                    profile: {
                        rows: profile.rows,
                        columns: profile.columns.map((column) => ({
                            name: column.name,
                            type: column.type,
                            count: column.count,
                            nulls: column.nulls,
                            ...(typeof column.min === 'number' ? { min: column.min } : {}),
                            ...(typeof column.max === 'number' ? { max: column.max } : {}),
                            ...(typeof column.mean === 'number' ? { mean: column.mean } : {}),
                            ...(typeof column.distinct === 'number' ? { distinct: column.distinct } : {}),
                        })),
                    },
                }
                : {}),
        },
        metrics: Object.fromEntries(Object.entries(report?.metrics ?? {}).map(([name, metric]) => [
            name,
            { value: metric.value, ...(metric.ci ? { ci: metric.ci } : {}) },
        ])),
    };
    // A Release whose files could not be read is asked again next time (it may be fixed).
    const kept = {
        assetIds: ids,
        htmlUrl: release.htmlUrl,
        modelCard: assets.has(MODEL_CARD_ASSET),
        ...result,
    };
    if (!problems.length)
        store?.keep(key, kept);
    return { ...kept, downloads };
}
function manifestLineage(manifest) {
    if (!manifest)
        return {};
    const python = manifest.runtime?.python;
    const image = [manifest.runtime?.image?.os, manifest.runtime?.image?.version]
        .filter(Boolean)
        .join(' ');
    return {
        trainedAt: manifest.training.startedAt,
        command: manifest.command,
        seed: manifest.seed,
        config: {
            path: manifest.config.path,
            sha256: manifest.config.sha256,
            ...(manifest.config.values ? { values: manifest.config.values } : {}),
        },
        ...(manifest.code ? { code: manifest.code } : {}),
        runtime: {
            ...(python ? { python: python.version } : {}),
            ...(manifest.runtime?.r ? { r: manifest.runtime.r.version } : {}),
            ...(image ? { image } : {}),
            ...(manifest.runtime?.osRelease?.prettyName
                ? { os: manifest.runtime.osRelease.prettyName }
                : {}),
            packages: (python?.packages ?? []).map((p) => `${p.name}==${p.version}`),
            ...(python?.packages ? { packagesCount: python.packages.length } : {}),
        },
    };
}
function reportLineage(report) {
    if (!report)
        return {};
    return {
        evaluation: {
            ...(report.task ? { task: report.task } : {}),
            ...(report.evaluation
                ? { rows: report.evaluation.rows, dataSha256: report.evaluation.dataSha256 }
                : {}),
        },
    };
}

;// CONCATENATED MODULE: ./shared/fleet/read-fleet.ts










/** How many repositories are read at once: enough to hide latency, few enough for secondary rate limits. */
const REPOSITORIES_AT_ONCE = 4;
/** GraphQL's `nodes` takes at most 100 ids. */
const STATUS_BATCH = 100;
const OWNER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPOSITORY_NAME = /^[A-Za-z0-9._-]{1,100}$/;
/**
 * The `repositories` input: one per line (or comma-separated), `owner/name` for one repository,
 * `owner/*` or `owner` for every repository of an organisation or user that has models.
 * Empty: `fallback` (the repository the workflow runs in).
 */
function parseFleetSources(text, fallback) {
    const entries = text
        .split(/[\n,]/)
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#'));
    if (!entries.length && fallback)
        entries.push(fallback);
    if (!entries.length)
        throw new errors/* UserError */.yo('Name the repositories to read: input "repositories" (owner/name, or owner/* for every repository of an organisation or user), one per line.');
    const sources = { repositories: [], owners: [] };
    for (const entry of entries) {
        const [owner, name, ...rest] = entry.split('/');
        if (!OWNER_NAME.test(owner ?? '') ||
            rest.length ||
            (name !== undefined && name !== '*' && !REPOSITORY_NAME.test(name)))
            throw new errors/* UserError */.yo(`Input "repositories" holds ${(0,identifiers/* quoteValue */.cl)(entry)}: expected owner/name (e.g. octo-org/churn-model), owner/* or owner, with GitHub's characters for account and repository names.`);
        if (name === undefined || name === '*')
            sources.owners.push(owner);
        else
            sources.repositories.push({ owner: owner, repo: name });
    }
    return sources;
}
async function readFleet(sources, options) {
    const started = performance.now();
    const targets = await repositoriesToRead(sources, options);
    const owners = new OwnerCheck(options.github);
    const readings = await mapLimited(targets, REPOSITORIES_AT_ONCE, (target) => readRepository(target, options, owners));
    const counts = options.github.counts();
    const document = {
        format: FLEET_FORMAT,
        generatedAt: options.now.toISOString(),
        staleAfterDays: options.staleAfterDays,
        repositories: readings
            .filter((reading) => reading.models.length || reading.skipped || namedOnItsOwn(reading, sources))
            .map(({ fullName, url, models, skipped }) => ({
            fullName,
            url,
            models: models.length,
            ...(skipped ? { skipped } : {}),
        })),
        models: readings.flatMap((reading) => reading.models),
        cost: {
            ...counts,
            downloads: readings.reduce((sum, reading) => sum + reading.downloads, 0),
            seconds: (performance.now() - started) / 1000,
        },
    };
    // Checked as any reader of fleet.json will check it: what is written is what is promised.
    return fleetDocumentSchema.parse(document);
}
/** A repository named on its own is listed even without models; one found through its owner only when it has some. */
function namedOnItsOwn(reading, sources) {
    return sources.repositories.some((repository) => `${repository.owner}/${repository.repo}`.toLowerCase() === reading.fullName.toLowerCase());
}
async function repositoriesToRead(sources, options) {
    const seen = new Set();
    const targets = [];
    const add = (repository, url) => {
        const key = `${repository.owner}/${repository.repo}`.toLowerCase();
        if (seen.has(key))
            return;
        seen.add(key);
        targets.push({ repository, url });
    };
    for (const repository of sources.repositories)
        add(repository, `https://github.com/${repository.owner}/${repository.repo}`);
    for (const owner of sources.owners) {
        try {
            for await (const found of options.github.listRepositories(owner)) {
                const repository = (0,client/* parseRepository */.SU)(found.fullName);
                // An archived repository is read-only: whatever it served, nobody can promote or fix it there.
                if (repository && !found.archived)
                    add(repository, found.htmlUrl);
            }
        }
        catch (error) {
            const status = (0,client/* statusOf */.c2)(error);
            if (status !== 404 && status !== 403)
                throw error;
            throw new errors/* UserError */.yo(`GitHub answered ${status} when listing the repositories of ${(0,identifiers/* quoteValue */.cl)(owner)}: ${status === 404 ? 'no such organisation or user' : 'the token may not list them'}. Check the name in "repositories", or name the repositories one by one.`);
        }
    }
    return targets;
}
async function readRepository({ repository, url }, options, owners) {
    const fullName = `${repository.owner}/${repository.repo}`;
    const github = options.github.port(repository);
    const reading = { fullName, url, models: [], downloads: 0 };
    let byModel;
    try {
        byModel = await readModelDeployments(github);
    }
    catch (error) {
        const status = (0,client/* statusOf */.c2)(error);
        if (status !== 403 && status !== 404)
            throw error;
        options.log.warning(`Skipped ${fullName}: GitHub answered ${status} to reading its deployments.`);
        return {
            ...reading,
            skipped: `GitHub answered ${status} to reading its deployments: ${status === 404 ? 'no such repository, or the token cannot see it' : 'the token may not read deployments ("permissions: deployments: read", or a token with access to this repository)'}.`,
        };
    }
    if (!byModel.size)
        return reading;
    const monitors = await monitorStatusesOf(github, fullName, options);
    const rules = {
        now: options.now,
        staleAfterDays: options.staleAfterDays,
        watchedEnvironments: options.watchedEnvironments,
    };
    for (const [name, entries] of [...byModel.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        const handles = entries.find((entry) => entry.payload.owner?.length)?.payload.owner ?? [];
        const owner = await owners.ownerOf(repository, handles);
        const versions = await withReleaseLineage(github, versionsOf(entries), url, options, reading);
        const environments = environmentsOf(entries, options.now).map((environment) => {
            const monitor = monitors.get(monitorStatusKey(name, environment.name));
            return flagEnvironment(monitor
                ? {
                    ...environment,
                    monitor: {
                        status: monitor.status,
                        checkedAt: monitor.checkedAt,
                        issue: monitor.issue,
                        ...(monitor.runUrl ? { runUrl: monitor.runUrl } : {}),
                        driftShare: monitor.driftShare,
                        ...(monitor.metric ? { metric: monitor.metric } : {}),
                        history: monitor.history.map(({ at, status, driftShare }) => ({
                            at,
                            status,
                            driftShare,
                        })),
                    },
                }
                : environment, owner, rules);
        });
        reading.models.push({
            id: `${fullName}/${name}`,
            repository: fullName,
            name,
            owner,
            environments,
            versions,
        });
    }
    return reading;
}
/**
 * The monitor statuses of a repository's models, from its monitor issues. A repository whose
 * issues are disabled (GitHub answers 410) or hidden from the token (403, 404) has none: its
 * production models show as unwatched, and the log says why.
 */
async function monitorStatusesOf(github, fullName, options) {
    try {
        return await readMonitorStatuses(github, {
            labels: options.monitorLabels,
            onSkip: (skipped) => options.log.info(`${fullName}: monitor issue #${skipped.number} not read: ${skipped.reason}`),
            onLimit: (limit) => options.log.warning(`${fullName}: only the newest ${limit} issues were read for monitor statuses; models monitored in older issues show as unwatched.`),
        });
    }
    catch (error) {
        const status = (0,client/* statusOf */.c2)(error);
        if (status !== 410 && status !== 403 && status !== 404)
            throw error;
        options.log.warning(`${fullName}: its issues could not be read (GitHub answered ${status}${status === 410 ? ': issues are disabled' : ''}), so no monitor status is known there.`);
        return new Map();
    }
}
/** The repository's model deployments with their statuses: one listing, one status query per 100. */
async function readModelDeployments(github) {
    const ours = [];
    for await (const deployment of github.listDeployments({}))
        if (deployment.task.startsWith('model:'))
            ours.push(deployment);
    const statuses = new Map();
    for (let start = 0; start < ours.length; start += STATUS_BATCH)
        for (const [id, summary] of await github.deploymentStatuses(ours.slice(start, start + STATUS_BATCH)))
            statuses.set(id, summary);
    return modelDeployments(ours, statuses);
}
/**
 * Each version that was published as a Release gets its Release's files: the newest
 * `detailedVersions` are asked for (a conditional request, and the files read only when they
 * are new), older ones show what an earlier run kept, else what their deployment recorded.
 */
async function withReleaseLineage(github, versions, repositoryUrl, options, reading) {
    let published = 0;
    const out = [];
    for (const version of versions) {
        const tag = version.release?.tag;
        if (!tag) {
            out.push(version);
            continue;
        }
        const read = await releaseLineage(github, tag, options.store, published++ < options.detailedVersions);
        const url = read && !('gone' in read)
            ? read.htmlUrl
            : `${repositoryUrl}/releases/tag/${encodeURIComponent(tag)}`;
        const release = {
            tag,
            url,
            ...(read && !('gone' in read) && read.modelCard
                ? {
                    modelCardUrl: `${url.replace('/releases/tag/', '/releases/download/')}/${MODEL_CARD_ASSET}`,
                }
                : {}),
        };
        if (!read || 'gone' in read) {
            out.push({
                ...version,
                release,
                ...(read
                    ? {
                        lineage: {
                            ...version.lineage,
                            missing: `Release ${tag} was not found: it was deleted, or is a draft again`,
                        },
                    }
                    : {}),
            });
            continue;
        }
        reading.downloads += read.downloads;
        out.push({
            ...version,
            release,
            // The payload's values are what the gates judged; the report adds their intervals.
            metrics: Object.fromEntries(Object.entries(version.metrics).map(([name, metric]) => [
                name,
                { ...metric, ...(read.metrics[name]?.ci ? { ci: read.metrics[name].ci } : {}) },
            ])),
            lineage: {
                ...read.lineage,
                ...(version.lineage.evaluation && !read.lineage.evaluation
                    ? { evaluation: version.lineage.evaluation }
                    : {}),
            },
        });
    }
    return out;
}
/**
 * Runs `work` on every item, at most `limit` at once, keeping the items' order. Written here
 * rather than taken from a library: a dozen lines, used once, with no queueing or cancelling.
 */
async function mapLimited(items, limit, work) {
    const results = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const index = next++;
            results[index] = await work(items[index]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}

;// CONCATENATED MODULE: ./shared/fleet/publish-fleet.ts



async function buildFleet(request, connect, log) {
    const cache = new conditional_requests/* ResponseCache */.C();
    const github = await connect(request.token, log, request.cache ? cache : undefined);
    const { sources, token: _token, cache: location, ...options } = request;
    // The cache is per account: another token may see other repositories and other answers.
    const account = location ? await github.viewer() : '';
    const scope = JSON.stringify(sources);
    if (location)
        await restoreFleetCache(cache, location, scope, account, log);
    const fleet = await readFleet(sources, {
        ...options,
        github,
        ...(location ? { store: cache } : {}),
        log,
    });
    if (location)
        await saveFleetCache(location, cache, scope, account, log);
    return fleet;
}

;// CONCATENATED MODULE: ./shared/fleet/site/charts.ts


const WIDTH = 320;
const HEIGHT = 150;
const PAD = { left: 44, right: 12, top: 12, bottom: 34 };
const plotWidth = WIDTH - PAD.left - PAD.right;
const plotHeight = HEIGHT - PAD.top - PAD.bottom;
/** The x position of point `i` of `n`, evenly spaced (runs and versions are events, not a clock). */
const INSET = 12;
const xAt = (i, n) => PAD.left +
    INSET +
    (n === 1 ? (plotWidth - 2 * INSET) / 2 : (i * (plotWidth - 2 * INSET)) / (n - 1));
function scale(values) {
    let lo = Math.min(...values);
    let hi = Math.max(...values);
    if (lo === hi) {
        const pad = Math.abs(lo) * 0.1 || 1;
        lo -= pad;
        hi += pad;
    }
    else {
        const pad = (hi - lo) * 0.1;
        lo -= pad;
        hi += pad;
    }
    return {
        y: (v) => PAD.top + plotHeight - ((v - lo) / (hi - lo)) * plotHeight,
        ticks: [lo, (lo + hi) / 2, hi],
    };
}
const round = (v) => Math.round(v * 10) / 10;
function charts_frame(id, title, description, body) {
    return html `<svg
    class="chart"
    viewBox="0 0 ${WIDTH} ${HEIGHT}"
    role="img"
    aria-labelledby="${attr(`${id}-title ${id}-desc`)}"
    xmlns="http://www.w3.org/2000/svg"
  >
    <title id="${attr(`${id}-title`)}">${title}</title>
    <desc id="${attr(`${id}-desc`)}">${description}</desc>
    ${body}
  </svg>`;
}
function axes(ticks, y, format) {
    return html_join([
        html `<line
        class="chart-axis"
        x1="${PAD.left}"
        y1="${PAD.top}"
        x2="${PAD.left}"
        y2="${PAD.top + plotHeight}"
      />`,
        html `<line
        class="chart-axis"
        x1="${PAD.left}"
        y1="${PAD.top + plotHeight}"
        x2="${WIDTH - PAD.right}"
        y2="${PAD.top + plotHeight}"
      />`,
        ...ticks.map((tick) => html `<text
            class="chart-label"
            x="${PAD.left - 4}"
            y="${round(y(tick)) + 3}"
            text-anchor="end"
            >${format(tick)}</text
          >`),
    ], '');
}
/** A label under the x axis, cut to fit (the table below the chart has it whole). */
const charts_short = (text, max = 10) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
function driftChart(id, history) {
    if (history.length === 0)
        return html `<p class="note">No monitor runs recorded yet.</p>`;
    const { y, ticks } = scale([0, 1, ...history.map((run) => run.driftShare)]);
    const points = history.map((run, i) => ({
        run,
        x: round(xAt(i, history.length)),
        y: round(y(run.driftShare)),
    }));
    const line = points.map((p) => `${p.x},${p.y}`).join(' ');
    const last = history[history.length - 1];
    const description = `${history.length} monitor runs from ${history[0].at.slice(0, 10)} to ${last.at.slice(0, 10)}; drifting share of features from ${percent(Math.min(...history.map((r) => r.driftShare)))} to ${percent(Math.max(...history.map((r) => r.driftShare)))}; last run ${last.status}, ${percent(last.driftShare)}.`;
    const body = html_join([
        axes([0, 0.5, 1].filter((t) => t >= ticks[0] && t <= ticks[2]), y, percent),
        html `<polyline class="chart-line" points="${line}" />`,
        ...points.map((p) => html `<circle
          class="${attr(`chart-point status-${p.run.status}`)}"
          cx="${p.x}"
          cy="${p.y}"
          r="4"
          ><title>
            ${p.run.at.slice(0, 10)}: ${p.run.status}, ${percent(p.run.driftShare)} drifting
          </title></circle
        >`),
        html `<text class="chart-label" x="${PAD.left}" y="${HEIGHT - 8}"
      >${history[0].at.slice(0, 10)}</text
    >`,
        history.length > 1 &&
            html `<text class="chart-label" x="${WIDTH - PAD.right}" y="${HEIGHT - 8}" text-anchor="end"
        >${last.at.slice(0, 10)}</text
      >`,
    ]);
    const table = chartTable('Drift history as a table', ['Run', 'Status', 'Drifting features'], history.map((run) => [
        run.at.replace('T', ' ').slice(0, 16),
        run.status,
        percent(run.driftShare),
    ]));
    return html `<figure class="chart-figure">
    ${charts_frame(id, 'Share of features drifting, by monitor run', description, body)}
    <figcaption>Share of monitored features drifting, oldest run first.</figcaption>
    ${table}
  </figure>`;
}
/** Points a 320-pixel chart can tell apart; the table under it has every version. */
const MAX_DRAWN = 30;
function metricChart(id, metric, all) {
    if (all.length === 0)
        return html ``;
    const points = all.slice(-MAX_DRAWN);
    const cut = all.length > points.length
        ? ` (the last ${points.length} of ${all.length}; the table has them all)`
        : '';
    const { y, ticks } = scale(points.flatMap((p) => [p.value, ...(p.ci ?? [])]));
    const drawn = points.map((p, i) => ({
        p,
        i,
        x: round(xAt(i, points.length)),
        y: round(y(p.value)),
    }));
    const description = `${metric} across ${points.length} versions${cut}, oldest first: ${points.map((p) => `${p.version} ${withInterval(p.value, p.ci)}`).join('; ')}.`;
    const body = html_join([
        axes(ticks, y, number),
        points.length > 1 &&
            html `<polyline class="chart-line" points="${drawn.map((d) => `${d.x},${d.y}`).join(' ')}" />`,
        ...drawn.map((d) => html `${d.p.ci &&
            html `<line
                class="chart-whisker"
                x1="${d.x}"
                x2="${d.x}"
                y1="${round(y(d.p.ci[0]))}"
                y2="${round(y(d.p.ci[1]))}"
              /><line
                class="chart-whisker"
                x1="${d.x - 4}"
                x2="${d.x + 4}"
                y1="${round(y(d.p.ci[0]))}"
                y2="${round(y(d.p.ci[0]))}"
              /><line
                class="chart-whisker"
                x1="${d.x - 4}"
                x2="${d.x + 4}"
                y1="${round(y(d.p.ci[1]))}"
                y2="${round(y(d.p.ci[1]))}"
              />`}<circle class="chart-point" cx="${d.x}" cy="${d.y}" r="3.5"
            ><title>${d.p.version}: ${withInterval(d.p.value, d.p.ci)}</title></circle
          >${labelled(d.i, points.length) && html `<text class="chart-label" x="${d.x}" y="${HEIGHT - 8}" text-anchor="middle">${charts_short(d.p.version)}</text>`}`),
    ]);
    const table = chartTable(`${metric} as a table`, ['Version', metric, 'Interval'], all.map((p) => [
        p.version,
        number(p.value),
        p.ci ? `${number(p.ci[0])} to ${number(p.ci[1])}` : '—',
    ]));
    return html `<figure class="chart-figure">
    ${charts_frame(id, `${metric} by version`, description, body)}
    <figcaption>${metric}, oldest version first${cut}; whiskers: the interval.</figcaption>
    ${table}
  </figure>`;
}
/** Every version's label while they fit; with more, the first and the last. */
const labelled = (i, n) => n <= 5 || i === 0 || i === n - 1;
function percent(share) {
    return `${Math.round(share * 100)}%`;
}
/** A chart's numbers as a table under it, collapsed: the text alternative a screen reader reads. */
function chartTable(summary, headers, rows) {
    return html `<details class="chart-data">
    <summary>${summary}</summary>
    <div class="table-scroll">
      <table>
        <thead>
          <tr>
            ${headers.map((header) => html `<th scope="col">${header}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${rows.map((cells) => html `<tr>
                ${cells.map((cell) => html `<td>${cell}</td>`)}
              </tr>`)}
        </tbody>
      </table>
    </div>
  </details>`;
}

;// CONCATENATED MODULE: ./shared/fleet/site/model-page.ts






const KIND_LABEL = {
    promotion: 'promoted',
    rollback: 'rolled back to',
    failed: 'promotion failed',
    retired: 'retired',
};
function timeline(model, path, events) {
    if (events.length === 0)
        return html `<p class="muted">Nothing recorded.</p>`;
    const known = new Set(model.versions.map((v) => v.version));
    const versionLink = (version) => known.has(version)
        ? html `<a href="${attr(relativeHref(path, versionPage(model, version)))}">${version}</a>`
        : html `${version}`;
    return html `<ol class="timeline">
    ${events.map((event) => html `<li class="${attr(`event event-${event.kind}`)}">
          <p>
            <span class="${attr(`kind kind-${event.kind}`)}">${KIND_LABEL[event.kind]}</span>
            ${versionLink(event.version)}
            <span class="note"
              >${format_time(event.at)}${event.by ? html ` by ${people([event.by])}` : ''}</span
            >
          </p>
          ${event.approvedBy.length > 0 ? html `<p>Approved by ${people(event.approvedBy)}</p>` : ''}
          ${event.rollback ? html `<p class="reason-line">Rolled back${event.rollback.from ? html ` from ${versionLink(event.rollback.from)}` : ''}: <q>${event.rollback.reason}</q></p>` : ''}
          ${event.overrideReason ? html `<p class="reason-line warning">Gates overridden: <q>${event.overrideReason}</q></p>` : ''}
          ${event.status ? html `<p class="reason-line">Status: ${event.status}</p>` : ''}
          ${event.runUrl ? html `<p>${externalLink('The workflow run', event.runUrl)}</p>` : ''}
        </li>`)}
  </ol>`;
}
/** The metrics of the versions that held the environment, oldest first, one chart per metric. */
function trends(model, environment, idPrefix) {
    const held = model.versions
        .filter((v) => v.environments.includes(environment.name))
        .sort((a, b) => a.firstPromotedAt.localeCompare(b.firstPromotedAt));
    const metrics = [...new Set(held.flatMap((v) => Object.keys(v.metrics)))];
    if (metrics.length === 0)
        return html `<p class="muted">No metrics recorded.</p>`;
    return html `<div class="charts">
    ${metrics.map((metric, i) => {
        const points = held.flatMap((v) => {
            const m = v.metrics[metric];
            return m ? [{ version: v.version, value: m.value, ci: m.ci }] : [];
        });
        return metricChart(`${idPrefix}-metric-${i}`, metric, points);
    })}
  </div>`;
}
function environmentSection(model, path, environment, index) {
    const current = environment.current;
    const id = `env-${index}`;
    const version = current && model.versions.find((v) => v.version === current.version);
    return html `<section aria-labelledby="${id}" class="environment">
    <h2 id="${id}">${environment.name}</h2>
    <dl class="facts">
      <div>
        <dt>Version now</dt>
        <dd>
          ${current
        ? html `<a href="${attr(relativeHref(path, versionPage(model, current.version)))}"
                    >${current.version}</a
                  >, promoted ${format_time(current.promotedAt)} (${plural(current.ageDays, 'day')}
                  ago)${current.promotedBy ? html ` by ${people([current.promotedBy])}` : ''}`
        : html `<span class="muted">none: no promotion holds it</span>`}
        </dd>
      </div>
      ${current
        ? html `<div>
              <dt>Approved by</dt>
              <dd>${people(current.approvedBy)}</dd>
            </div>`
        : ''}
      ${current?.overrideReason
        ? html `<div>
              <dt>Gates overridden</dt>
              <dd class="warning"><q>${current.overrideReason}</q></dd>
            </div>`
        : ''}
      ${current?.rollback
        ? html `<div>
              <dt>Rolled back</dt>
              <dd>
                ${current.rollback.from ? html `from ${current.rollback.from}: ` : ''}<q
                  >${current.rollback.reason}</q
                >
              </dd>
            </div>`
        : ''}
      <div>
        <dt>Bias check</dt>
        <dd>${current ? biasCheck(version) : '—'}</dd>
      </div>
      <div>
        <dt>Monitor</dt>
        <dd>
          ${monitorStatus(environment)}${environment.monitor
        ? html `; issue
                ${externalLink(`#${environment.monitor.issue.number}`, environment.monitor.issue.url)}
                (${environment.monitor.issue.state})${environment.monitor.metric ? `; ${environment.monitor.metric.name} ${number(environment.monitor.metric.value)}` : ''}${environment.monitor.runUrl ? html `; ${externalLink('last run', environment.monitor.runUrl)}` : ''}`
        : ''}
        </dd>
      </div>
      <div>
        <dt>Flags</dt>
        <dd>${flagList(environment)}</dd>
      </div>
    </dl>
    ${environment.monitor
        ? html `<h3>Drift history</h3>
            ${driftChart(`${id}-drift`, environment.monitor.history)}`
        : ''}
    <h3>Metrics of the versions that held ${environment.name}</h3>
    ${trends(model, environment, id)}
    <h3>Timeline</h3>
    ${timeline(model, path, environment.timeline)}
  </section>`;
}
function modelPageHtml(doc, model) {
    const path = modelPage(model);
    const versions = html `<section aria-labelledby="versions">
    <h2 id="versions">Versions</h2>
    <ul class="version-list">
      ${model.versions.map((v) => html `<li>
            <a href="${attr(relativeHref(path, versionPage(model, v.version)))}">${v.version}</a>
            <span class="note"
              >first promoted
              ${format_time(v.firstPromotedAt)}${v.environments.length > 0 ? `; held ${v.environments.join(', ')}` : ''}</span
            >
          </li>`)}
    </ul>
  </section>`;
    const body = html `<h1><span class="muted">${model.repository} /</span> ${model.name}</h1>
    <dl class="facts">
      <div>
        <dt>Owner</dt>
        <dd>
          ${owners(model.owner)}${model.owner.checked ? '' : html ` <span class="note">(membership not checked)</span>`}
        </dd>
      </div>
      <div>
        <dt>Environments</dt>
        <dd>
          ${model.environments.length > 0
        ? html_join(model.environments.map((e, i) => html `<a href="#env-${i}">${e.name}</a>`), ', ')
        : 'none'}
        </dd>
      </div>
    </dl>
    ${model.environments.map((environment, i) => environmentSection(model, path, environment, i))}
    ${versions}`;
    return page(doc, path, `${model.repository}/${model.name}`, [{ label: 'Fleet', path: FLEET_PAGE }, { label: `${model.repository}/${model.name}` }], body);
}

;// CONCATENATED MODULE: ./shared/fleet/site/site-script.ts
/**
 * The site's script, as text (written to assets/site.js): plain ES2017 for any browser, no
 * library. It is a string rather than a function's source because the TypeScript build tools
 * rewrite functions (helpers, renamed variables); what runs in the browser is what is here.
 *
 * Without it every page is complete; with it the fleet table sorts (its header buttons) and
 * filters (search text, flags, environment), and the freshness line says how old the data is
 * when the page is opened.
 */
const SITE_SCRIPT = String.raw `(function () {
  'use strict';
  document.documentElement.classList.add('js');

  function ageText(from) {
    var hours = (Date.now() - new Date(from).getTime()) / 3600000;
    if (!isFinite(hours)) return '';
    if (hours < 1) return ' (less than an hour ago when opened)';
    if (hours < 48) { var h = Math.floor(hours); return ' (' + h + (h === 1 ? ' hour' : ' hours') + ' ago when opened)'; }
    return ' (' + Math.floor(hours / 24) + ' days ago when opened)';
  }
  Array.prototype.forEach.call(document.querySelectorAll('[data-age-of]'), function (el) {
    el.textContent = ageText(el.getAttribute('data-age-of'));
  });

  var table = document.querySelector('table[data-sortable]');
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);

  function sortValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return '';
    var value = cell.getAttribute('data-sort');
    return value === null ? cell.textContent.trim().toLowerCase() : value;
  }
  function compare(a, b) {
    if (a === b) return 0;
    if (a === '') return 1;
    if (b === '') return -1;
    var x = Number(a), y = Number(b);
    if (!isNaN(x) && !isNaN(y)) return x - y;
    return a < b ? -1 : 1;
  }
  headers.forEach(function (th, index) {
    var button = th.querySelector('button');
    if (!button) return;
    button.addEventListener('click', function () {
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      headers.forEach(function (other) { other.setAttribute('aria-sort', 'none'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var sorted = rows.slice().sort(function (r1, r2) {
        var a = sortValue(r1, index), b = sortValue(r2, index);
        // Rows without a value stay last in both directions.
        if (a === '' || b === '') return compare(a, b);
        return ascending ? compare(a, b) : compare(b, a);
      });
      sorted.forEach(function (row) { body.appendChild(row); });
    });
  });

  var panel = document.querySelector('[data-filters]');
  if (!panel) return;
  panel.hidden = false;
  var text = panel.querySelector('#filter-text');
  var environment = panel.querySelector('#filter-environment');
  var flags = Array.prototype.slice.call(panel.querySelectorAll('input[name="flag"]'));
  var status = panel.querySelector('[data-filter-status]');

  function apply() {
    var needle = text.value.trim().toLowerCase();
    var env = environment.value;
    var wanted = flags.filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
    var shown = 0;
    rows.forEach(function (row) {
      var rowFlags = (row.getAttribute('data-flags') || '').split(' ');
      var visible = (!needle || row.textContent.toLowerCase().indexOf(needle) !== -1) &&
        (!env || row.getAttribute('data-env') === env) &&
        (wanted.length === 0 || wanted.some(function (flag) { return rowFlags.indexOf(flag) !== -1; }));
      row.hidden = !visible;
      if (visible) shown++;
    });
    status.textContent = shown === rows.length
      ? 'Showing all ' + rows.length + ' rows.'
      : 'Showing ' + shown + ' of ' + rows.length + ' rows.';
  }
  text.addEventListener('input', apply);
  environment.addEventListener('change', apply);
  flags.forEach(function (box) { box.addEventListener('change', apply); });
  apply();
})();
`;

;// CONCATENATED MODULE: ./shared/fleet/site/site-style.ts
/**
 * The site's stylesheet (assets/site.css): system fonts (no web font), light and dark by the
 * reader's colour scheme, colours chosen for at least 4.5:1 contrast on their background, and a
 * fleet table that turns into one card per row on a phone.
 */
const SITE_STYLE = String.raw `:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --subtle: #f6f8fa;
  --link: #0550ae; --warn-fg: #7d4e00; --warn-bg: #fff8c5; --bad-fg: #a40e26; --bad-bg: #ffebe9;
  --ok-fg: #116329; --ok-bg: #dafbe1; --accent: #0969da; --focus: #0969da;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --border: #3d444d; --subtle: #151b23;
    --link: #4493f8; --warn-fg: #e3b341; --warn-bg: #2e2208; --bad-fg: #ff9492; --bad-bg: #3c1618;
    --ok-fg: #56d364; --ok-bg: #0f2d1a; --accent: #4493f8; --focus: #4493f8;
  }
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif;
  overflow-wrap: break-word;
}
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible, [tabindex]:focus-visible {
  outline: 2px solid var(--focus); outline-offset: 2px;
}
code, pre, .hash { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
.hash { word-break: break-all; }
pre { white-space: pre-wrap; background: var(--subtle); border: 1px solid var(--border); border-radius: 6px; padding: 12px; overflow-x: auto; }
.skip-link { position: absolute; left: -9999px; top: 0; background: var(--bg); padding: 8px; z-index: 10; }
.skip-link:focus { left: 8px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.site-header, main, .site-footer { max-width: 1400px; margin: 0 auto; padding: 0 16px; }
.site-header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; padding-top: 12px; border-bottom: 1px solid var(--border); }
.site-name { margin: 0 0 8px; font-weight: 600; }
.site-name a { color: var(--fg); text-decoration: none; }
.breadcrumbs { list-style: none; display: flex; flex-wrap: wrap; margin: 0 0 8px; padding: 0; color: var(--muted); }
.breadcrumbs li + li::before { content: "/"; padding: 0 6px; }
.site-footer { border-top: 1px solid var(--border); margin-top: 32px; color: var(--muted); font-size: 0.9em; }
h1 { font-size: 1.6em; margin: 16px 0 8px; }
h2 { font-size: 1.3em; margin: 28px 0 8px; border-bottom: 1px solid var(--border); padding-bottom: 4px; }
h3 { font-size: 1.05em; margin: 20px 0 8px; }
.muted, .note { color: var(--muted); }
.note { font-size: 0.9em; }
.warning { color: var(--warn-fg); }
.invisible { color: var(--bad-fg); border: 1px dashed currentColor; border-radius: 3px; font-size: 0.8em; padding: 0 2px; }
.freshness { color: var(--muted); margin-top: 0; }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; padding: 0; }
.count { border: 1px solid var(--border); border-radius: 6px; padding: 6px 12px; min-width: 96px; background: var(--subtle); }
.count dt { font-size: 0.85em; color: var(--muted); }
.count dd { margin: 0; font-size: 1.4em; font-weight: 600; }
.count-warn { border-color: var(--warn-fg); }
.count-warn dd { color: var(--warn-fg); }
.filters { display: flex; flex-wrap: wrap; gap: 8px 20px; align-items: flex-end; margin: 8px 0 12px; }
.filters[hidden] { display: none; }
.filter { display: flex; flex-direction: column; gap: 2px; margin: 0; }
fieldset.filter { flex-direction: row; flex-wrap: wrap; gap: 4px 12px; border: 1px solid var(--border); border-radius: 6px; padding: 4px 10px 6px; }
fieldset.filter legend { padding: 0 4px; font-size: 0.9em; }
.filter label { font-size: 0.9em; }
.filter input[type=search], .filter select {
  font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--muted); border-radius: 6px; padding: 4px 8px; min-width: 12em; max-width: 100%;
}
.check { display: inline-flex; align-items: center; gap: 4px; }
.filter-status { margin: 0; color: var(--muted); font-size: 0.9em; flex-basis: 100%; }
.table-scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 0.92em; }
table.fleet { width: 100%; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid var(--border); padding: 6px 8px; text-align: left; vertical-align: top; unicode-bidi: isolate; }
thead th { background: var(--subtle); white-space: nowrap; }
tbody th { font-weight: 600; }
td.numeric { text-align: right; white-space: nowrap; }
button.sort { all: unset; cursor: pointer; font-weight: 600; }
html:not(.js) button.sort { cursor: text; }
.sort-mark::after { content: ""; padding-left: 4px; }
th[aria-sort=ascending] .sort-mark::after { content: "▲"; }
th[aria-sort=descending] .sort-mark::after { content: "▼"; }
.flags { list-style: none; margin: 0; padding: 0; }
.flags li + li { margin-top: 4px; }
.flag, .status, .kind { display: inline-block; white-space: nowrap; border-radius: 10px; padding: 0 8px; font-size: 0.85em; font-weight: 600; border: 1px solid currentColor; }
.flag { color: var(--warn-fg); background: var(--warn-bg); }
.flag-orphaned { color: var(--bad-fg); background: var(--bad-bg); }
.reason { display: block; color: var(--muted); font-size: 0.85em; }
.status-healthy { color: var(--ok-fg); background: var(--ok-bg); }
.status-drifting { color: var(--warn-fg); background: var(--warn-bg); }
.status-degraded { color: var(--bad-fg); background: var(--bad-bg); }
.kind { color: var(--fg); background: var(--subtle); }
.kind-rollback, .kind-failed { color: var(--bad-fg); background: var(--bad-bg); }
.gone .was { text-decoration-line: line-through; text-decoration-color: var(--bad-fg); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0; }
.facts div { display: contents; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; min-width: 0; }
.notice { border: 1px solid var(--warn-fg); background: var(--warn-bg); border-radius: 6px; padding: 0 12px; margin: 12px 0; }
.timeline { list-style: none; margin: 0; padding: 0 0 0 16px; border-left: 2px solid var(--border); }
.timeline li { margin: 0 0 12px; }
.timeline p { margin: 2px 0; }
.reason-line q { font-style: italic; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
.chart-figure { margin: 0; width: 340px; max-width: 100%; }
.chart { width: 100%; height: auto; display: block; background: var(--subtle); border: 1px solid var(--border); border-radius: 6px; }
.chart-axis { stroke: var(--muted); stroke-width: 1; }
.chart-line { fill: none; stroke: var(--accent); stroke-width: 1.5; }
.chart-whisker { stroke: var(--fg); stroke-width: 1.2; }
.chart-point { fill: var(--accent); }
.chart-point.status-healthy { fill: var(--ok-fg); }
.chart-point.status-drifting { fill: var(--warn-fg); }
.chart-point.status-degraded { fill: var(--bad-fg); }
.chart-label { fill: var(--muted); font-size: 10px; font-family: inherit; }
figcaption { font-size: 0.85em; color: var(--muted); }
.chart-data summary, .packages summary { cursor: pointer; font-size: 0.9em; }
.packages ul { columns: 16em; margin: 4px 0; }
.version-list { padding-left: 20px; }
@media (max-width: 720px) {
  .site-header, main, .site-footer { padding: 0 10px; }
  table.fleet, table.fleet tbody, table.fleet tr, table.fleet td, table.fleet tbody th { display: block; }
  table.fleet { border: 0; }
  table.fleet thead tr { display: flex; flex-wrap: wrap; align-items: center; gap: 4px; }
  table.fleet thead tr::before { content: "Sort by"; color: var(--muted); font-size: 0.9em; margin-right: 4px; }
  table.fleet thead th { border-radius: 10px; padding: 2px 8px; font-size: 0.85em; }
  html:not(.js) table.fleet thead { display: none; }
  table.fleet tbody tr { border: 1px solid var(--border); border-radius: 6px; margin: 10px 0; padding: 6px 10px; }
  table.fleet tbody tr[hidden] { display: none; }
  table.fleet td, table.fleet tbody th { overflow-wrap: anywhere; border: 0; padding: 2px 0 2px 7.5rem; position: relative; text-align: left; white-space: normal; min-height: 1.5em; }
  table.fleet td::before, table.fleet tbody th::before { content: attr(data-label); position: absolute; left: 0; width: 7rem; color: var(--muted); font-weight: 400; font-size: 0.92rem; }
  table.fleet tbody th { font-size: 1.05em; }
  .counts { gap: 6px; }
  .count { min-width: 0; padding: 2px 10px; }
  .count dd { font-size: 1.15em; }
  .facts { grid-template-columns: 1fr; gap: 0; }
  .facts dd { margin-bottom: 6px; }
}
`;

;// CONCATENATED MODULE: ./shared/fleet/site/version-page.ts





const COMMIT = /^[0-9a-f]{7,64}$/i;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
function commitLink(repository, commit) {
    const url = COMMIT.test(commit) && REPOSITORY.test(repository)
        ? `https://github.com/${repository}/commit/${commit}`
        : undefined;
    return externalLink(html `<code>${commit}</code>`, url);
}
const fact = (term, value) => value === undefined || value === ''
    ? ''
    : html `<div>
        <dt>${term}</dt>
        <dd>${value}</dd>
      </div>`;
function table(caption, headers, rows) {
    return html `<div class="table-scroll" role="region" aria-label="${attr(caption)}" tabindex="0">
    <table>
      <caption>
        ${caption}
      </caption>
      <thead>
        <tr>
          ${headers.map((h) => html `<th scope="col">${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.map(([first, ...rest]) => html `<tr>
              <th scope="row">${first}</th>
              ${rest.map((cell) => html `<td>${cell}</td>`)}
            </tr>`)}
      </tbody>
    </table>
  </div>`;
}
const hash = (sha) => html `<code class="hash">${sha}</code>`;
function metrics(version) {
    const names = Object.keys(version.metrics);
    const slices = Object.entries(version.lineage.slices);
    return html `<section aria-labelledby="metrics">
    <h2 id="metrics">Metrics</h2>
    ${names.length > 0
        ? table('Metrics the gates judged', ['Metric', 'Value', 'Interval'], names.map((name) => {
            const m = version.metrics[name];
            return [
                name,
                number(m.value),
                m.ci ? `${number(m.ci[0])} to ${number(m.ci[1])}` : '—',
            ];
        }))
        : html `<p class="muted">No metrics recorded.</p>`}
    ${slices.length > 0
        ? table('Metrics by slice', ['Slice', 'Metrics'], slices.map(([slice, values]) => [
            slice,
            Object.entries(values)
                .map(([name, m]) => `${name} ${withInterval(m.value, m.ci)}`)
                .join('; '),
        ]))
        : ''}
    <dl class="facts">
      ${fact('Gates verdict', version.verdict ?? html `<span class="muted">not recorded</span>`)}${fact('Evaluation', version.lineage.evaluation && html_join([version.lineage.evaluation.task, version.lineage.evaluation.rows !== undefined && plural(version.lineage.evaluation.rows, 'row'), version.lineage.evaluation.dataSha256 && html `data ${hash(version.lineage.evaluation.dataSha256)}`], ', '))}
    </dl>
  </section>`;
}
function version_page_fairness(version) {
    const f = version.fairness;
    return html `<section aria-labelledby="fairness">
    <h2 id="fairness">Bias check</h2>
    ${f
        ? html `<p>Checked for bias on ${f.attributes.join(', ')}.</p>
            ${f.measures.length > 0
            ? table('Fairness measures', ['Measure', 'Attribute', 'Value', 'Interval'], f.measures.map((m) => [
                m.measure,
                m.attribute,
                number(m.value),
                m.ci ? `${number(m.ci[0])} to ${number(m.ci[1])}` : '—',
            ]))
            : ''}`
        : html `<p class="warning">
            <span aria-hidden="true">⚠ </span>Never checked for bias: no sensitive features were
            given to evaluate-model for this version.
          </p>`}
  </section>`;
}
/**
 * Who approved, when, and what they saw: promote-model's digest of the comparison the reviewers
 * approved, which the promotion recomputed and found unchanged (so the approval binds to these
 * metrics, this baseline and these gates, not to whatever was promoted later).
 */
function approval(version) {
    const a = version.approval;
    const digest = a?.digest ?? version.comparisonDigest;
    return html `<section aria-labelledby="approval">
    <h2 id="approval">Approval</h2>
    <dl class="facts">
      ${fact('Approved by', a ? people(a.by) : html `<span class="muted">no approval recorded</span>`)}${fact('Approved at', a && format_time(a.at))}${fact(a ? 'Digest the approvers saw' : 'Comparison digest', digest && html `${hash(digest)}${a ? html ` <span class="note">(recomputed unchanged at promotion)</span>` : html ` <span class="note">(no approval bound to it)</span>`}`)}${fact('Gates overridden', version.overrideReason && html `<q class="warning">${version.overrideReason}</q>`)}${fact('Release', version.release && externalLink(version.release.tag, version.release.url))}${fact('Model card', version.release?.modelCardUrl ? externalLink('model card', version.release.modelCardUrl) : version.release ? html `<span class="muted">none</span>` : '')}
    </dl>
  </section>`;
}
function data(lineage) {
    const profile = lineage.profile;
    return html `<section aria-labelledby="data">
    <h2 id="data">Training data</h2>
    ${lineage.data.length > 0
        ? table('Data files', ['File', 'SHA-256', 'Bytes'], lineage.data.map((f) => [
            f.path,
            hash(f.sha256),
            f.bytes !== undefined ? count(f.bytes) : '—',
        ]))
        : html `<p class="muted">No data files recorded.</p>`}
    ${profile
        ? html `<h3>Profile</h3>
            <p>${plural(profile.rows, 'row')}, ${plural(profile.columns.length, 'column')}.</p>
            ${table('Profile of the training data', ['Column', 'Type', 'Count', 'Nulls', 'Min', 'Max', 'Mean', 'Distinct'], profile.columns.map((c) => [
            c.name,
            c.type,
            count(c.count),
            count(c.nulls),
            c.min === undefined ? '—' : typeof c.min === 'number' ? number(c.min) : c.min,
            c.max === undefined ? '—' : typeof c.max === 'number' ? number(c.max) : c.max,
            c.mean === undefined ? '—' : number(c.mean),
            c.distinct === undefined ? '—' : count(c.distinct),
        ]))}`
        : ''}
  </section>`;
}
function build(model, version) {
    const l = version.lineage;
    const runtime = l.runtime;
    const config = l.config;
    const values = Object.entries(config?.values ?? {});
    return html `<section aria-labelledby="build">
    <h2 id="build">How it was built</h2>
    <dl class="facts">
      ${fact('Code commit', commitLink(model.repository, version.commit))}${fact('Run', version.runUrl ? externalLink('the workflow run', version.runUrl) : '')}${fact('Trained at', l.trainedAt && format_time(l.trainedAt))}${fact('Command', l.command && html `<code>${l.command}</code>`)}${fact('Seed', l.seed)}${fact('Code', l.code && html `${l.code.source}, ${plural(l.code.files, 'file')}, ${hash(l.code.sha256)}`)}${fact('Config', config && html `${config.path ?? 'config'} ${hash(config.sha256)}`)}${fact('Fingerprint', hash(version.fingerprint))}
    </dl>
    ${values.length > 0
        ? table('Config values', ['Key', 'Value'], values.map(([key, value]) => [key, html `<code>${value}</code>`]))
        : ''}
    ${l.lockFiles.length > 0
        ? table('Lock files', ['File', 'SHA-256'], l.lockFiles.map((f) => [f.path, hash(f.sha256)]))
        : ''}
    <h3>Environment</h3>
    ${runtime
        ? html `<dl class="facts">
              ${fact('Python', runtime.python)}${fact('R', runtime.r)}${fact('Image', runtime.image && html `<code>${runtime.image}</code>`)}${fact('Operating system', runtime.os)}
            </dl>
            ${runtime.packages.length > 0
            ? html `<details class="packages">
                    <summary>${plural(runtime.packages.length, 'package')} installed</summary>
                    <ul>
                      ${runtime.packages.map((p) => html `<li><code>${p}</code></li>`)}
                    </ul>
                  </details>`
            : runtime.packagesCount !== undefined
                ? html `<p>
                      ${plural(runtime.packagesCount, 'package')} installed (the list is in the
                      manifest).
                    </p>`
                : ''}`
        : html `<p class="muted">Not recorded.</p>`}
  </section>`;
}
function versionPageHtml(doc, model, version) {
    const path = versionPage(model, version.version);
    const lineage = version.lineage;
    const body = html `<h1><span class="muted">${model.name}</span> ${version.version}</h1>
    ${lineage.source === 'payload'
        ? html `<div class="notice" role="note">
            <p>
              <strong>Lineage from the deployment payload only.</strong>
              ${lineage.missing ?? 'The Release files (manifest, metrics report, data profile) were not read.'}
            </p>
          </div>`
        : lineage.missing
            ? html `<div class="notice" role="note"><p>${lineage.missing}</p></div>`
            : ''}
    <dl class="facts">
      ${fact('Model', html `<a href="${attr(relativeHref(path, modelPage(model)))}">${model.repository}/${model.name}</a>`)}${fact('Environments held', version.environments.length > 0 ? version.environments.join(', ') : 'none')}${fact('First promoted', format_time(version.firstPromotedAt))}${fact('Lineage from', lineage.source === 'release' ? 'the Release files' : 'the deployment payload')}
    </dl>
    ${data(lineage)} ${build(model, version)} ${metrics(version)} ${version_page_fairness(version)}
    ${approval(version)}`;
    return page(doc, path, `${model.name} ${version.version}`, [
        { label: 'Fleet', path: FLEET_PAGE },
        { label: `${model.repository}/${model.name}`, path: modelPage(model) },
        { label: version.version },
    ], body);
}

;// CONCATENATED MODULE: ./shared/fleet/site/index.ts






function renderSite(doc) {
    return new Map(siteFiles(doc));
}
/**
 * The same files one at a time, for a writer that streams them to disk: a fleet of 50
 * repositories × 10 models × 100 versions is about a gigabyte of pages, which need not all be
 * held at once.
 */
function* siteFiles(doc) {
    yield [FLEET_PAGE, fleetPage(doc)];
    yield [ASSETS.css, SITE_STYLE];
    yield [ASSETS.js, SITE_SCRIPT];
    // Compact: the document of a large fleet is hundreds of megabytes indented.
    yield [FLEET_JSON, JSON.stringify(doc)];
    for (const model of doc.models) {
        yield [modelPage(model), modelPageHtml(doc, model)];
        for (const version of model.versions)
            yield [versionPage(model, version.version), versionPageHtml(doc, model, version)];
    }
}


;// CONCATENATED MODULE: ./shared/fleet/write-site.ts
/**
 * Writes the fleet site into its folder. The folder is replaced whole, so a model that left the
 * fleet leaves no page behind; and since replacing means deleting, only a folder that is empty
 * or holds an earlier fleet site (its fleet.json) is replaced: pointing `out` at the repository
 * root or a docs folder by mistake is refused, not wiped.
 */






async function writeSite(out, files, confinement, baseDir) {
    const folder = await confine_confinePath(out, confinement, {
        what: 'site folder',
        input: 'out',
        baseDir,
        kind: 'any',
    });
    if (confinement.roots.some((root) => (0,external_node_path_.resolve)(root) === folder) || folder === (0,external_node_path_.resolve)(baseDir))
        throw new errors/* UserError */.yo(`input "out": the site folder "${out}" is the workspace itself; give a folder of its own, e.g. registry-site.`);
    await clearEarlierSite(folder, out);
    for (const [path, content] of files) {
        const target = (0,external_node_path_.join)(folder, path);
        await (0,promises_.mkdir)((0,external_node_path_.dirname)(target), { recursive: true });
        await (0,promises_.writeFile)(target, content);
    }
    return folder;
}
async function readStart(path) {
    const handle = await (0,promises_.open)(path, 'r').catch(() => undefined);
    if (!handle)
        return '';
    try {
        const buffer = Buffer.alloc(256);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        return buffer.subarray(0, bytesRead).toString('utf8');
    }
    finally {
        await handle.close();
    }
}
async function clearEarlierSite(folder, out) {
    const entries = await (0,promises_.readdir)(folder).catch((error) => {
        if ((0,errors/* errnoCode */.UK)(error) === 'ENOENT')
            return undefined;
        if ((0,errors/* errnoCode */.UK)(error) === 'ENOTDIR')
            throw new errors/* UserError */.yo(`input "out": "${out}" is a file; give a folder for the site.`);
        throw error;
    });
    if (!entries?.length)
        return;
    // The document opens with its format (read-fleet writes it first); a large one is not read whole.
    const earlier = await readStart((0,external_node_path_.join)(folder, FLEET_JSON));
    if (!earlier.replace(/\s+/g, '').startsWith(`{"format":"${FLEET_FORMAT}"`))
        throw new errors/* UserError */.yo(`input "out": the folder "${out}" already holds files and no fleet site (no ${FLEET_JSON} of format ${FLEET_FORMAT}), so it is not replaced. Give an empty or new folder, e.g. registry-site.`);
    await (0,promises_.rm)(folder, { recursive: true });
}

// EXTERNAL MODULE: ./shared/action/inputs.ts
var inputs = __nccwpck_require__(1736);
;// CONCATENATED MODULE: ./shared/monitor/policy.ts
/**
 * The `monitor:` section of the gate policy file: how monitor-model judges a window of serving
 * data. Performance is judged by the policy's own `metrics:` rules (the window's metrics against
 * those recorded with the deployed model, by the same evaluator as a pull request), so one file
 * says what "good enough" means before and after release; this section adds what only the
 * monitor sees: drift, data quality, and when to ask for retraining.
 */


const LEVELS = ['fail', 'warn', 'info'];
const policy_share = schemas/* number */.aig().min(0).max(1);
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
    share: policy_share.default(DEFAULT_DRIFT_SHARE),
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
    'max-missing-increase': policy_share.default(0.05),
    /** Share of values outside the reference's range, or in categories it never had. */
    'max-outside-range': policy_share.default(0.05),
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
    'min-ratio': policy_share.default(0.8),
    /** The largest demographic_parity_difference allowed; absent: not judged. */
    'max-difference': policy_share.optional(),
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

;// CONCATENATED MODULE: ./actions/publish-registry/src/inputs.ts




const inputs_inputs = schemas/* object */.Ikc({
    repositories: schemas/* string */.YjP(),
    'stale-after': durationSchema,
    'watched-environments': (0,inputs/* pathList */.CN)().pipe(schemas/* array */.YOg((0,identifiers/* identifier */.Cv)('environment name'))),
    'monitor-labels': (0,inputs/* pathList */.CN)(),
    'detailed-versions': (0,inputs/* wholeNumber */.rD)(0, 1000),
    out: (0,inputs/* text */.Qq)().min(1),
    cache: (0,inputs/* flag */.Jt)(),
    'github-token': (0,inputs/* text */.Qq)(),
});

;// CONCATENATED MODULE: ./actions/publish-registry/src/run.ts












const publishRegistry = {
    name: 'publish-registry',
    inputs: inputs_inputs,
    async run(input, runner, step) {
        const context = step.context();
        const sources = parseFleetSources(input.repositories, context.repository);
        checkIssueLabels(input['monitor-labels']);
        if (!input['github-token'])
            throw new errors/* UserError */.yo('input "github-token" is empty: reading the registry needs a token that can read deployments, releases and issues (the default, ${{ github.token }}, does for this repository).');
        // Checked before GitHub is read, so a wrong folder fails in a second, not after the reading.
        const confinement = await stepConfinement(context.workspace, context.tempDir);
        const fleet = await buildFleet({
            sources,
            token: input['github-token'],
            now: new Date(),
            staleAfterDays: input['stale-after'] / DAY_MS,
            watchedEnvironments: input['watched-environments'],
            monitorLabels: input['monitor-labels'],
            detailedVersions: input['detailed-versions'],
            ...(input.cache && context.runId
                ? {
                    cache: {
                        actions: {
                            workspace: context.workspace,
                            runId: context.runId,
                            attempt: context.runAttempt ?? '1',
                        },
                    },
                }
                : {}),
        }, step.accounts, runner);
        const site = await writeSite(input.out, siteFiles(fleet), confinement, context.workspace);
        runner.appendSummary(renderFleetMarkdown(fleet));
        const counts = fleetCounts(fleet);
        runner.info(`${counts.models} model(s) in ${fleet.repositories.length} repositories, ${counts.inProduction} in production; flagged: ${counts.stale} stale, ${counts.orphaned} orphaned, ${counts.unwatched} unwatched, ${counts.overridden} overridden. Read with ${fleet.cost.rest} REST requests (${fleet.cost.notModified} answered 304), ${fleet.cost.graphql} GraphQL queries and ${fleet.cost.downloads} Release downloads in ${fleet.cost.seconds.toFixed(1)} s. Site: ${site}`);
        const set = (name, value) => runner.setOutput(name, value);
        set('site', site);
        set('fleet', `${site}/${FLEET_JSON}`);
        set('models', String(fleet.models.length));
        set('stale', String(counts.stale));
    },
};


/***/ }),

/***/ 1674:
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

/***/ 1736:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   CN: () => (/* binding */ pathList),
/* harmony export */   Jt: () => (/* binding */ flag),
/* harmony export */   Ko: () => (/* binding */ readInputs),
/* harmony export */   Qq: () => (/* binding */ text),
/* harmony export */   rD: () => (/* binding */ wholeNumber)
/* harmony export */ });
/* unused harmony exports choice, modelName, modelVersion, environmentName, artifactName, decimalBetween */
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(3798);
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(8532);
/* harmony import */ var _identifiers_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(8434);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(1674);
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
const choice = (values) => z.enum(values, {
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
const pathList = () => zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().transform((value) => value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== ''));
/**
 * Identifiers (see shared/identifiers.ts for the alphabets). A model name becomes part of
 * deployment tasks (`model:<name>`), release tags (`<name>@<version>`), artifact names and file
 * names; versions, environment and artifact names end up in tags, payloads and outputs that
 * later steps interpolate into a shell.
 */
const modelName = () => identifier('model name');
const modelVersion = () => identifier('model version');
const environmentName = () => identifier('environment name');
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

/***/ 8447:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  C: () => (/* binding */ runAction)
});

// EXTERNAL MODULE: ./shared/action/errors.ts
var errors = __nccwpck_require__(1674);
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

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __nccwpck_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 10 modules
var schemas = __nccwpck_require__(3798);
// EXTERNAL MODULE: ./node_modules/zod/v4/core/errors.js
var core_errors = __nccwpck_require__(7428);
;// CONCATENATED MODULE: ./shared/action/context.ts
/**
 * What the runner tells an action about the run: repository, commit, run URL, and the pull
 * request from the event payload. The payload is a boundary like any other: it is validated,
 * and only the fields this project uses are kept.
 */






const repoRef = schemas/* object */.Ikc({ full_name: schemas/* string */.YjP() }).nullish();
const pullRequestEvent = schemas/* object */.Ikc({
    pull_request: schemas/* object */.Ikc({
        number: schemas/* number */.aig().int().positive(),
        title: schemas/* string */.YjP(),
        html_url: schemas/* string */.YjP(),
        head: schemas/* object */.Ikc({ sha: schemas/* string */.YjP(), ref: schemas/* string */.YjP(), repo: repoRef }),
        base: schemas/* object */.Ikc({ ref: schemas/* string */.YjP(), sha: schemas/* string */.YjP().optional(), repo: repoRef }),
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
        payload = JSON.parse((0,external_node_fs_.readFileSync)(eventPath, 'utf8'));
    }
    catch (error) {
        throw new errors/* UserError */.yo(`Could not read the event payload at GITHUB_EVENT_PATH "${eventPath}": ${error.message}.`);
    }
    const parsed = pullRequestEvent.safeParse(payload);
    if (!parsed.success) {
        throw new errors/* UserError */.yo(`The event payload at GITHUB_EVENT_PATH "${eventPath}" has an unexpected pull_request shape: ${core_errors/* prettifyError */.S1(parsed.error)}`);
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
        const { createOctokitAccounts } = await __nccwpck_require__.e(/* import() */ 113).then(__nccwpck_require__.bind(__nccwpck_require__, 2113));
        return createOctokitAccounts(token, log, { env, ...(cache ? { cache } : {}) });
    };
}
/** GitHub's REST API at the step's GITHUB_API_URL; Octokit is loaded on first use only. */
function restConnector(env) {
    return async (token, repository, log) => {
        const { createOctokitPort } = await __nccwpck_require__.e(/* import() */ 113).then(__nccwpck_require__.bind(__nccwpck_require__, 2113));
        return createOctokitPort(token, repository, log, env);
    };
}
/** Scratch space for reports: RUNNER_TEMP on a runner, the OS temp folder elsewhere. */
function runnerTempDir(env = process.env) {
    return env.RUNNER_TEMP || (0,external_node_os_.tmpdir)();
}
/**
 * A new folder for one step's files. Each step gets its own, so that two steps of one job
 * (validating train and eval data, evaluating on two data sets) never overwrite each other's
 * reports. Takes the temp folder rather than the whole context, so that actions that need no
 * more do not parse the event payload.
 */
async function createStepDir(tempDir, action, model) {
    const parent = join(tempDir, 'mlops-actions', action);
    await mkdir(parent, { recursive: true });
    return mkdtemp(join(parent, `${model}-`));
}

// EXTERNAL MODULE: ./shared/action/inputs.ts
var action_inputs = __nccwpck_require__(1736);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
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





async function runAction(action, runner = createRunner(), step = stepEnvironment(process.env)) {
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

/***/ 6317:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   LX: () => (/* binding */ createGitHubClient),
/* harmony export */   SU: () => (/* binding */ parseRepository),
/* harmony export */   c2: () => (/* binding */ statusOf)
/* harmony export */ });
/* unused harmony exports isReadOnlyToken, isPermissionDenied */
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
        __nccwpck_require__.e(/* import() */ 210).then(__nccwpck_require__.bind(__nccwpck_require__, 9210)),
        __nccwpck_require__.e(/* import() */ 779).then(__nccwpck_require__.bind(__nccwpck_require__, 3779)),
        Promise.all(/* import() */[__nccwpck_require__.e(251), __nccwpck_require__.e(735)]).then(__nccwpck_require__.bind(__nccwpck_require__, 9735)),
        Promise.all(/* import() */[__nccwpck_require__.e(251), __nccwpck_require__.e(856)]).then(__nccwpck_require__.bind(__nccwpck_require__, 6856)),
        // The light build the throttling plugin itself uses (no Redis clustering).
        __nccwpck_require__.e(/* import() */ 251).then(__nccwpck_require__.t.bind(__nccwpck_require__, 3251, 23)),
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

/***/ 3299:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   C: () => (/* binding */ ResponseCache),
/* harmony export */   O: () => (/* binding */ watchRequests)
/* harmony export */ });
/* harmony import */ var node_events__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(8474);
/* harmony import */ var node_events__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_events__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(8522);
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_zlib__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(3798);
/* harmony import */ var _client_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(6317);
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
const cachedAnswerSchema = zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({
    etag: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    link: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().optional(),
    data: zod__WEBPACK_IMPORTED_MODULE_2__/* .unknown */ .L5J(),
});
const CACHE_FORMAT = 'mlops-actions/http-cache@2';
const cacheHeaderSchema = zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({
    format: zod__WEBPACK_IMPORTED_MODULE_2__/* .literal */ .euz(CACHE_FORMAT),
    /** The token's account the answers were read with: another token may see other things. */
    account: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
});
const cacheLineSchema = zod__WEBPACK_IMPORTED_MODULE_2__/* .tuple */ .PVZ([zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(), cachedAnswerSchema]);
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
            const text = (0,node_zlib__WEBPACK_IMPORTED_MODULE_1__.gunzipSync)(bytes);
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
        const gzip = (0,node_zlib__WEBPACK_IMPORTED_MODULE_1__.createGzip)();
        const chunks = [];
        gzip.on('data', (chunk) => chunks.push(chunk));
        const done = new Promise((resolve, reject) => {
            gzip.on('end', resolve);
            gzip.on('error', reject);
        });
        const write = async (value) => {
            if (!gzip.write(`${JSON.stringify(value)}\n`))
                await (0,node_events__WEBPACK_IMPORTED_MODULE_0__.once)(gzip, 'drain');
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
            if ((0,_client_js__WEBPACK_IMPORTED_MODULE_3__/* .statusOf */ .c2)(error) !== 304 || !remembered)
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


/***/ }),

/***/ 8434:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Cv: () => (/* binding */ identifier),
/* harmony export */   _5: () => (/* binding */ isIdentifier),
/* harmony export */   cl: () => (/* binding */ quoteValue),
/* harmony export */   rD: () => (/* binding */ identifierProblem)
/* harmony export */ });
/* unused harmony exports MODEL_NAME_PATTERN, requireIdentifier, releaseTag, modelArtifactName, metricsArtifactName, profileArtifactName, modelTask */
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3798);
/* harmony import */ var _markdown_escape_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(2215);
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
        throw new UserError(`${where} ${problem}.${advice ? ` ${advice}` : ''}`);
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

/***/ 2215:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   FV: () => (/* binding */ escapeMarkdown),
/* harmony export */   Qj: () => (/* binding */ markdownTable),
/* harmony export */   iQ: () => (/* binding */ markdownLink),
/* harmony export */   ts: () => (/* binding */ escapeInvisible)
/* harmony export */ });
/* unused harmony exports inlineCode, mermaidLabel, hasInvisible */
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

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 5317:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");

/***/ }),

/***/ 6982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 3339:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("module");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 7540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 1455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 4708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 8995:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:module");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 8161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 6760:
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

/***/ 1792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 6928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 3557:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 2018:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tty");

/***/ }),

/***/ 7016:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("url");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 3798:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  You: () => (/* binding */ ZodISODateTime),
  YOg: () => (/* binding */ array),
  zMY: () => (/* binding */ schemas_boolean),
  IeY: () => (/* binding */ custom),
  gMt: () => (/* binding */ discriminatedUnion),
  k5n: () => (/* binding */ _enum),
  euz: () => (/* binding */ literal),
  aig: () => (/* binding */ number),
  Ikc: () => (/* binding */ object),
  jgl: () => (/* binding */ partialRecord),
  g1P: () => (/* binding */ record),
  rej: () => (/* binding */ strictObject),
  YjP: () => (/* binding */ string),
  PVZ: () => (/* binding */ tuple),
  KCZ: () => (/* binding */ union),
  L5J: () => (/* binding */ unknown),
  OZ5: () => (/* binding */ url)
});

// UNUSED EXPORTS: ZodAny, ZodArray, ZodBase64, ZodBase64URL, ZodBigInt, ZodBigIntFormat, ZodBoolean, ZodCIDRv4, ZodCIDRv6, ZodCUID, ZodCUID2, ZodCatch, ZodCodec, ZodCreditCard, ZodCustom, ZodCustomStringFormat, ZodDate, ZodDefault, ZodDiscriminatedUnion, ZodE164, ZodEmail, ZodEmoji, ZodEnum, ZodExactOptional, ZodFile, ZodFunction, ZodGUID, ZodIBAN, ZodIPv4, ZodIPv6, ZodISODate, ZodISODuration, ZodISOTime, ZodInstanceOf, ZodIntersection, ZodJWT, ZodKSUID, ZodLazy, ZodLiteral, ZodMAC, ZodMap, ZodNaN, ZodNanoID, ZodNever, ZodNonOptional, ZodNull, ZodNullable, ZodNumber, ZodNumberFormat, ZodObject, ZodOptional, ZodPipe, ZodPrefault, ZodPreprocess, ZodPromise, ZodReadonly, ZodRecord, ZodSet, ZodString, ZodStringFormat, ZodSuccess, ZodSymbol, ZodTemplateLiteral, ZodTransform, ZodTuple, ZodType, ZodULID, ZodURL, ZodUUID, ZodUndefined, ZodUnion, ZodUnknown, ZodVoid, ZodXID, ZodXor, _ZodString, _default, _function, any, base64, base64url, bigint, catch, check, cidrv4, cidrv6, codec, creditCard, cuid, cuid2, currencyCode, date, describe, e164, email, emoji, exactOptional, file, float32, float64, function, guid, hash, hex, hostname, httpUrl, iban, instanceof, int, int32, int64, intersection, invertCodec, ipv4, ipv6, json, jwt, keyof, ksuid, lazy, looseObject, looseRecord, mac, map, meta, nan, nanoid, nativeEnum, never, nonoptional, null, nullable, nullish, optional, pipe, prefault, preprocess, promise, readonly, refine, set, stringFormat, stringbool, success, superRefine, symbol, templateLiteral, transform, uint32, uint64, ulid, undefined, uuid, uuidv4, uuidv6, uuidv7, void, xid, xor

// EXTERNAL MODULE: ./node_modules/zod/v4/core/core.js
var core_core = __nccwpck_require__(8532);
// EXTERNAL MODULE: ./node_modules/zod/v4/core/util.js
var core_util = __nccwpck_require__(4723);
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

// EXTERNAL MODULE: ./node_modules/zod/v4/core/checks.js
var core_checks = __nccwpck_require__(4890);
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

// EXTERNAL MODULE: ./node_modules/zod/v4/core/regexes.js
var core_regexes = __nccwpck_require__(3908);
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
    inst._zod.pattern = def.pattern ?? core_regexes/* anyString */.gp;
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
    core_checks/* $ZodCheckStringFormat */.ql.init(inst, def);
    $ZodString.init(inst, def);
});
const $ZodGUID = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodGUID", (inst, def) => {
    def.pattern ?? (def.pattern = core_regexes/* guid */.Os);
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
        def.pattern ?? (def.pattern = core_regexes/* uuid */.uR(v));
    }
    else
        def.pattern ?? (def.pattern = core_regexes/* uuid */.uR());
    $ZodStringFormat.init(inst, def);
});
const $ZodEmail = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodEmail", (inst, def) => {
    def.pattern ?? (def.pattern = core_regexes/* email */.Rp);
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
    if (!def.normalize && def.protocol?.source === core_regexes/* httpProtocol */.F.source && !/^https?:\/\//i.test(trimmed)) {
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
    def.pattern ?? (def.pattern = core_regexes/* emoji */.Zg());
    $ZodStringFormat.init(inst, def);
});
const $ZodNanoID = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodNanoID", (inst, def) => {
    if (def.length !== undefined && (!Number.isInteger(def.length) || def.length < 1))
        throw new Error(`Invalid nanoid length: ${def.length}`);
    def.pattern ?? (def.pattern = def.length === undefined ? core_regexes/* nanoid */.Ak : core_regexes/* nanoidOfLength */.D2(def.length));
    $ZodStringFormat.init(inst, def);
});
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link $ZodCUID2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const $ZodCUID = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCUID", (inst, def) => {
    def.pattern ?? (def.pattern = core_regexes/* cuid */.gF);
    $ZodStringFormat.init(inst, def);
});
const $ZodCUID2 = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCUID2", (inst, def) => {
    def.pattern ?? (def.pattern = core_regexes/* cuid2 */.Gl);
    $ZodStringFormat.init(inst, def);
});
const $ZodULID = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodULID", (inst, def) => {
    def.pattern ?? (def.pattern = core_regexes/* ulid */.Z0);
    $ZodStringFormat.init(inst, def);
});
const $ZodXID = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodXID", (inst, def) => {
    def.pattern ?? (def.pattern = core_regexes/* xid */.kM);
    $ZodStringFormat.init(inst, def);
});
const $ZodKSUID = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodKSUID", (inst, def) => {
    def.pattern ?? (def.pattern = core_regexes/* ksuid */.fO);
    $ZodStringFormat.init(inst, def);
});
const $ZodISODateTime = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodISODateTime", (inst, def) => {
    def.pattern ?? (def.pattern = core_regexes/* datetime */.w$(def));
    $ZodStringFormat.init(inst, def);
});
const $ZodISODate = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodISODate", (inst, def) => {
    def.pattern ?? (def.pattern = core_regexes/* date */.p6);
    $ZodStringFormat.init(inst, def);
});
const $ZodISOTime = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodISOTime", (inst, def) => {
    def.pattern ?? (def.pattern = core_regexes/* time */.kB(def));
    $ZodStringFormat.init(inst, def);
});
const $ZodISODuration = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodISODuration", (inst, def) => {
    def.pattern ?? (def.pattern = core_regexes/* duration */.p0);
    $ZodStringFormat.init(inst, def);
});
const $ZodIPv4 = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodIPv4", (inst, def) => {
    def.pattern ?? (def.pattern = core_regexes/* ipv4 */.uX);
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
    def.pattern ?? (def.pattern = core_regexes/* ipv6 */.ug);
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
    def.pattern ?? (def.pattern = core_regexes/* cidrv4 */.zr);
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
    def.pattern ?? (def.pattern = core_regexes/* cidrv6 */.l7); // not used for validation
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
    def.pattern ?? (def.pattern = core_regexes/* e164 */.hQ);
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
    inst._zod.pattern = core_regexes/* number */.ai;
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
    core_checks/* $ZodCheckNumberFormat */.KH.init(inst, def);
    $ZodNumber.init(inst, def); // no format checks
});
const $ZodBoolean = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodBoolean", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = core_regexes/* boolean */.zM;
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
    inst._zod.pattern = core_regexes/* bigint */.o;
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
                const checkNumericKey = typeof key === "string" && core_regexes/* number */.ai.test(key) && keyResult.issues.length;
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
    core_checks/* $ZodCheck */.QP.init(inst, def);
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

// EXTERNAL MODULE: ./node_modules/zod/v4/core/registries.js
var registries = __nccwpck_require__(9396);
// EXTERNAL MODULE: ./node_modules/zod/v4/core/api.js
var api = __nccwpck_require__(3759);
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
        metadataRegistry: params?.metadata ?? registries/* globalRegistry */.fd,
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
    [base64Charset, core_regexes/* base64 */.K3],
    [base64urlCharset, core_regexes/* base64url */.r0],
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
        rest.pattern = (types.includes("number") ? core_regexes/* number */.ai : core_regexes/* integer */.nd).source;
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
var errors = __nccwpck_require__(7428);
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
        return this.check(api/* _overwrite */.bS(fn));
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
        return _default(this, d);
    },
    prefault(d) {
        return prefault(this, d);
    },
    catch(params) {
        return _catch(this, params);
    },
    pipe(target) {
        return pipe(this, target);
    },
    readonly() {
        return readonly(this);
    },
    describe(description) {
        const cl = this.clone();
        registries/* globalRegistry */.fd.add(cl, { description });
        return cl;
    },
    meta(...args) {
        // overloaded: meta() returns the registered metadata, meta(data) returns a clone with `data` registered. The mapped type picks up the second overload, so we accept variadic any-args and return `any` to satisfy both at runtime.
        if (args.length === 0)
            return registries/* globalRegistry */.fd.get(this);
        const cl = this.clone();
        registries/* globalRegistry */.fd.add(cl, args[0]);
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
        return registries/* globalRegistry */.fd.get(this)?.description;
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
        return this.check(api/* _regex */.Fk(...args));
    },
    includes(...args) {
        return this.check(api/* _includes */.dR(...args));
    },
    startsWith(...args) {
        return this.check(api/* _startsWith */.$S(...args));
    },
    endsWith(...args) {
        return this.check(api/* _endsWith */.ER(...args));
    },
    min(...args) {
        return this.check(api/* _minLength */.m9(...args));
    },
    max(...args) {
        return this.check(api/* _maxLength */.Eb(...args));
    },
    length(...args) {
        return this.check(api/* _length */.YA(...args));
    },
    nonempty(...args) {
        return this.check(api/* _minLength */.m9(1, ...args));
    },
    lowercase(params) {
        return this.check(api/* _lowercase */.hH(params));
    },
    uppercase(params) {
        return this.check(api/* _uppercase */.qF(params));
    },
    trim() {
        return this.check(api/* _trim */.WN());
    },
    normalize(...args) {
        return this.check(api/* _normalize */.lo(...args));
    },
    toLowerCase() {
        return this.check(api/* _toLowerCase */.Il());
    },
    toUpperCase() {
        return this.check(api/* _toUpperCase */.xY());
    },
    slugify() {
        return this.check(api/* _slugify */.TL());
    },
}));
const ZodString = /*@__PURE__*/ core_core/* $constructor */.xI("ZodString", (inst, def) => {
    $ZodString.init(inst, def);
    _ZodString.init(inst, def);
}, {
    email(params) {
        return this.check(api/* _email */.Mu(ZodEmail, params));
    },
    url(params) {
        return this.check(api/* _url */.Fn(ZodURL, params));
    },
    jwt(params) {
        return this.check(api/* _jwt */.rk(ZodJWT, params));
    },
    emoji(params) {
        return this.check(api/* _emoji */.aC(ZodEmoji, params));
    },
    guid(params) {
        return this.check(api/* _guid */.tB(ZodGUID, params));
    },
    uuid(params) {
        return this.check(api/* _uuid */.Be(ZodUUID, params));
    },
    uuidv4(params) {
        return this.check(api/* _uuidv4 */.nA(ZodUUID, params));
    },
    uuidv6(params) {
        return this.check(api/* _uuidv6 */.pY(ZodUUID, params));
    },
    uuidv7(params) {
        return this.check(api/* _uuidv7 */.wA(ZodUUID, params));
    },
    nanoid(params) {
        return this.check(api/* _nanoid */.Dl(ZodNanoID, params));
    },
    cuid(params) {
        return this.check(api/* _cuid */.fs(ZodCUID, params));
    },
    cuid2(params) {
        return this.check(api/* _cuid2 */.Bj(ZodCUID2, params));
    },
    ulid(params) {
        return this.check(api/* _ulid */.Ct(ZodULID, params));
    },
    base64(params) {
        return this.check(api/* _base64 */.rt(ZodBase64, params));
    },
    base64url(params) {
        return this.check(api/* _base64url */.cU(ZodBase64URL, params));
    },
    xid(params) {
        return this.check(api/* _xid */.Pw(ZodXID, params));
    },
    ksuid(params) {
        return this.check(api/* _ksuid */._z(ZodKSUID, params));
    },
    ipv4(params) {
        return this.check(api/* _ipv4 */.Ny(ZodIPv4, params));
    },
    ipv6(params) {
        return this.check(api/* _ipv6 */.$O(ZodIPv6, params));
    },
    cidrv4(params) {
        return this.check(api/* _cidrv4 */.Uy(ZodCIDRv4, params));
    },
    cidrv6(params) {
        return this.check(api/* _cidrv6 */.gP(ZodCIDRv6, params));
    },
    e164(params) {
        return this.check(api/* _e164 */.KB(ZodE164, params));
    },
    datetime(params) {
        return this.check(api/* _isoDateTime */.G1(ZodISODateTime, params));
    },
    date(params) {
        return this.check(api/* _isoDate */.db(ZodISODate, params));
    },
    time(params) {
        return this.check(api/* _isoTime */.Kn(ZodISOTime, params));
    },
    duration(params) {
        return this.check(api/* _isoDuration */.f2(ZodISODuration, params));
    },
});
function string(params) {
    return api/* _string */.Rl(ZodString, params);
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
function email(params) {
    return core._email(ZodEmail, params);
}
const ZodGUID = /*@__PURE__*/ core_core/* $constructor */.xI("ZodGUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodGUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function guid(params) {
    return core._guid(ZodGUID, params);
}
const ZodUUID = /*@__PURE__*/ core_core/* $constructor */.xI("ZodUUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodUUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function uuid(params) {
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
    return api/* _url */.Fn(ZodURL, params);
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
function emoji(params) {
    return core._emoji(ZodEmoji, params);
}
const ZodNanoID = /*@__PURE__*/ core_core/* $constructor */.xI("ZodNanoID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodNanoID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function nanoid(params) {
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
function cuid(params) {
    return core._cuid(ZodCUID, params);
}
const ZodCUID2 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodCUID2", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodCUID2.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function cuid2(params) {
    return core._cuid2(ZodCUID2, params);
}
const ZodULID = /*@__PURE__*/ core_core/* $constructor */.xI("ZodULID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodULID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function ulid(params) {
    return core._ulid(ZodULID, params);
}
const ZodXID = /*@__PURE__*/ core_core/* $constructor */.xI("ZodXID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodXID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function xid(params) {
    return core._xid(ZodXID, params);
}
const ZodKSUID = /*@__PURE__*/ core_core/* $constructor */.xI("ZodKSUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodKSUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function ksuid(params) {
    return core._ksuid(ZodKSUID, params);
}
const ZodIPv4 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodIPv4", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodIPv4.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function ipv4(params) {
    return core._ipv4(ZodIPv4, params);
}
const ZodMAC = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMAC", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    core.$ZodMAC.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function mac(params) {
    return core._mac(ZodMAC, params);
}
const ZodIPv6 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodIPv6", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodIPv6.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function ipv6(params) {
    return core._ipv6(ZodIPv6, params);
}
const ZodCIDRv4 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodCIDRv4", (inst, def) => {
    $ZodCIDRv4.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function cidrv4(params) {
    return core._cidrv4(ZodCIDRv4, params);
}
const ZodCIDRv6 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodCIDRv6", (inst, def) => {
    $ZodCIDRv6.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function cidrv6(params) {
    return core._cidrv6(ZodCIDRv6, params);
}
const ZodBase64 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodBase64", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodBase64.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function base64(params) {
    return core._base64(ZodBase64, params);
}
const ZodBase64URL = /*@__PURE__*/ core_core/* $constructor */.xI("ZodBase64URL", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodBase64URL.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function base64url(params) {
    return core._base64url(ZodBase64URL, params);
}
const ZodE164 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodE164", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodE164.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function e164(params) {
    return core._e164(ZodE164, params);
}
const ZodCreditCard = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodCreditCard", (inst, def) => {
    core.$ZodCreditCard.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function creditCard(params) {
    return core._creditCard(ZodCreditCard, params);
}
const ZodIBAN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodIBAN", (inst, def) => {
    core.$ZodIBAN.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function iban(params) {
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
function hostname(_params) {
    return core._stringFormat(ZodCustomStringFormat, "hostname", regexes.hostname, _params);
}
function hex(_params) {
    return core._stringFormat(ZodCustomStringFormat, "hex", regexes.hex, _params);
}
function currencyCode(_params) {
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
        return this.check(api/* _gt */.Tx(value, params));
    },
    gte(value, params) {
        return this.check(api/* _gte */.qm(value, params));
    },
    min(value, params) {
        return this.check(api/* _gte */.qm(value, params));
    },
    lt(value, params) {
        return this.check(api/* _lt */.Au(value, params));
    },
    lte(value, params) {
        return this.check(api/* _lte */.Zm(value, params));
    },
    max(value, params) {
        return this.check(api/* _lte */.Zm(value, params));
    },
    int(params) {
        return this.check(schemas_int(params));
    },
    safe(params) {
        return this.check(schemas_int(params));
    },
    positive(params) {
        return this.check(api/* _gt */.Tx(0, params));
    },
    nonnegative(params) {
        return this.check(api/* _gte */.qm(0, params));
    },
    negative(params) {
        return this.check(api/* _lt */.Au(0, params));
    },
    nonpositive(params) {
        return this.check(api/* _lte */.Zm(0, params));
    },
    multipleOf(value, params) {
        return this.check(api/* _multipleOf */.Hi(value, params));
    },
    step(value, params) {
        return this.check(api/* _multipleOf */.Hi(value, params));
    },
    finite() {
        return this;
    },
}));
function number(params) {
    return api/* _number */.F7(ZodNumber, params);
}
const ZodNumberFormat = /*@__PURE__*/ core_core/* $constructor */.xI("ZodNumberFormat", (inst, def) => {
    $ZodNumberFormat.init(inst, def);
    ZodNumber.init(inst, def);
});
function schemas_int(params) {
    return api/* _int */.LK(ZodNumberFormat, params);
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
    return api/* _boolean */._L(ZodBoolean, params);
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
        return this.check(api/* _gte */.qm(value, params));
    },
    min(value, params) {
        return this.check(api/* _gte */.qm(value, params));
    },
    gt(value, params) {
        return this.check(api/* _gt */.Tx(value, params));
    },
    lt(value, params) {
        return this.check(api/* _lt */.Au(value, params));
    },
    lte(value, params) {
        return this.check(api/* _lte */.Zm(value, params));
    },
    max(value, params) {
        return this.check(api/* _lte */.Zm(value, params));
    },
    positive(params) {
        return this.check(api/* _gt */.Tx(BigInt(0), params));
    },
    negative(params) {
        return this.check(api/* _lt */.Au(BigInt(0), params));
    },
    nonpositive(params) {
        return this.check(api/* _lte */.Zm(BigInt(0), params));
    },
    nonnegative(params) {
        return this.check(api/* _gte */.qm(BigInt(0), params));
    },
    multipleOf(value, params) {
        return this.check(api/* _multipleOf */.Hi(value, params));
    },
}));
function bigint(params) {
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
function _undefined(params) {
    return core._undefined(ZodUndefined, params);
}

const ZodNull = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodNull", (inst, def) => {
    core.$ZodNull.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.nullProcessor(inst, ctx, json, params);
})));
function _null(params) {
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
    return api/* _unknown */.em(ZodUnknown);
}
const ZodNever = /*@__PURE__*/ core_core/* $constructor */.xI("ZodNever", (inst, def) => {
    $ZodNever.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => neverProcessor(inst, ctx, json, params);
});
function never(params) {
    return api/* _never */.G8(ZodNever, params);
}
const ZodVoid = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodVoid", (inst, def) => {
    core.$ZodVoid.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.voidProcessor(inst, ctx, json, params);
})));
function _void(params) {
    return core._void(ZodVoid, params);
}

const ZodDate = /*@__PURE__*/ core_core/* $constructor */.xI("ZodDate", (inst, def) => {
    $ZodDate.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => dateProcessor(inst, ctx, json, params);
    inst.min = (value, params) => inst.check(api/* _gte */.qm(value, params));
    inst.max = (value, params) => inst.check(api/* _lte */.Zm(value, params));
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
function date(params) {
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
        return this.check(api/* _minLength */.m9(n, params));
    },
    nonempty(params) {
        return this.check(api/* _minLength */.m9(1, params));
    },
    max(n, params) {
        return this.check(api/* _maxLength */.Eb(n, params));
    },
    length(n, params) {
        return this.check(api/* _length */.YA(n, params));
    },
    unwrap() {
        return this.element;
    },
});
function array(element, params) {
    return api/* _array */.dZ(ZodArray, element, params);
}
// .keyof
function keyof(schema) {
    const shape = schema._zod.def.shape;
    return _enum(Object.keys(shape));
}
const ZodObject = /*@__PURE__*/ core_core/* $constructor */.xI("ZodObject", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodObjectJIT.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => objectProcessor(inst, ctx, json, params);
    core_util/* installLazyProp */.X(inst, "shape", (self) => self._zod.def.shape, false);
}, {
    keyof() {
        return _enum(Object.keys(this._zod.def.shape));
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
            keyType: string(),
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
        ...core_util/* normalizeParams */.A2(params),
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
function _enum(values, params) {
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
function _default(innerType, defaultValue) {
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
function _catch(innerType, catchValue) {
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
    return api/* _custom */.FO(ZodCustom, fn ?? (() => true), _params);
}
function refine(fn, _params = {}) {
    return api/* _refine */.fU(ZodCustom, fn, _params);
}
// superRefine
function superRefine(fn, params) {
    return api/* _superRefine */.MB(fn, params);
}
// Re-export describe and meta from core
const describe = api/* describe */.q0;
const meta = api/* meta */.mI;
const ZodInstanceOf = /*@__PURE__*/ core_core/* $constructor */.xI("ZodInstanceOf", (inst, def) => {
    ZodCustom.init(inst, def);
}, {
    properties(shape, params) {
        // asserts in place, so the narrowed output type is truthful without a wrapper
        return this.check(api/* _properties */.T2(shape, params));
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
        return union([string(params), number(), schemas_boolean(), _null(), array(jsonSchema), record(string(), jsonSchema)]);
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

/***/ 3759:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $O: () => (/* binding */ _ipv6),
/* harmony export */   $S: () => (/* binding */ _startsWith),
/* harmony export */   Au: () => (/* binding */ _lt),
/* harmony export */   Be: () => (/* binding */ _uuid),
/* harmony export */   Bj: () => (/* binding */ _cuid2),
/* harmony export */   Ct: () => (/* binding */ _ulid),
/* harmony export */   Dl: () => (/* binding */ _nanoid),
/* harmony export */   ER: () => (/* binding */ _endsWith),
/* harmony export */   Eb: () => (/* binding */ _maxLength),
/* harmony export */   F7: () => (/* binding */ _number),
/* harmony export */   FO: () => (/* binding */ _custom),
/* harmony export */   Fk: () => (/* binding */ _regex),
/* harmony export */   Fn: () => (/* binding */ _url),
/* harmony export */   G1: () => (/* binding */ _isoDateTime),
/* harmony export */   G8: () => (/* binding */ _never),
/* harmony export */   Hi: () => (/* binding */ _multipleOf),
/* harmony export */   Il: () => (/* binding */ _toLowerCase),
/* harmony export */   KB: () => (/* binding */ _e164),
/* harmony export */   Kn: () => (/* binding */ _isoTime),
/* harmony export */   LK: () => (/* binding */ _int),
/* harmony export */   MB: () => (/* binding */ _superRefine),
/* harmony export */   Mu: () => (/* binding */ _email),
/* harmony export */   Ny: () => (/* binding */ _ipv4),
/* harmony export */   Pw: () => (/* binding */ _xid),
/* harmony export */   Rl: () => (/* binding */ _string),
/* harmony export */   T2: () => (/* binding */ _properties),
/* harmony export */   TL: () => (/* binding */ _slugify),
/* harmony export */   Tx: () => (/* binding */ _gt),
/* harmony export */   Uy: () => (/* binding */ _cidrv4),
/* harmony export */   WN: () => (/* binding */ _trim),
/* harmony export */   YA: () => (/* binding */ _length),
/* harmony export */   Zm: () => (/* binding */ _lte),
/* harmony export */   _L: () => (/* binding */ _boolean),
/* harmony export */   _z: () => (/* binding */ _ksuid),
/* harmony export */   aC: () => (/* binding */ _emoji),
/* harmony export */   bS: () => (/* binding */ _overwrite),
/* harmony export */   cU: () => (/* binding */ _base64url),
/* harmony export */   dR: () => (/* binding */ _includes),
/* harmony export */   dZ: () => (/* binding */ _array),
/* harmony export */   db: () => (/* binding */ _isoDate),
/* harmony export */   em: () => (/* binding */ _unknown),
/* harmony export */   f2: () => (/* binding */ _isoDuration),
/* harmony export */   fU: () => (/* binding */ _refine),
/* harmony export */   fs: () => (/* binding */ _cuid),
/* harmony export */   gP: () => (/* binding */ _cidrv6),
/* harmony export */   hH: () => (/* binding */ _lowercase),
/* harmony export */   lo: () => (/* binding */ _normalize),
/* harmony export */   m9: () => (/* binding */ _minLength),
/* harmony export */   mI: () => (/* binding */ meta),
/* harmony export */   nA: () => (/* binding */ _uuidv4),
/* harmony export */   pY: () => (/* binding */ _uuidv6),
/* harmony export */   q0: () => (/* binding */ describe),
/* harmony export */   qF: () => (/* binding */ _uppercase),
/* harmony export */   qm: () => (/* binding */ _gte),
/* harmony export */   rk: () => (/* binding */ _jwt),
/* harmony export */   rt: () => (/* binding */ _base64),
/* harmony export */   tB: () => (/* binding */ _guid),
/* harmony export */   wA: () => (/* binding */ _uuidv7),
/* harmony export */   xY: () => (/* binding */ _toUpperCase)
/* harmony export */ });
/* unused harmony exports _coercedString, _mac, _creditCard, _iban, TimePrecision, _coercedNumber, _float32, _float64, _int32, _uint32, _coercedBoolean, _bigint, _coercedBigint, _int64, _uint64, _symbol, _undefined, _null, _any, _void, _date, _coercedDate, _nan, _max, _min, _positive, _negative, _nonpositive, _nonnegative, _maxSize, _minSize, _size, _property, _mime, _union, _xor, _discriminatedUnion, _intersection, _tuple, _record, _map, _set, _enum, _nativeEnum, _literal, _file, _transform, _optional, _nullable, _default, _nonoptional, _success, _catch, _pipe, _readonly, _templateLiteral, _lazy, _promise, _check, _stringbool, _stringFormat */
/* harmony import */ var _checks_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(4890);
/* harmony import */ var _registries_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(9396);
/* harmony import */ var _util_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(4723);




function snapshotChecks(def) {
    if (def.checks)
        def.checks = [...def.checks];
    return def;
}
// @__NO_SIDE_EFFECTS__
function _string(Class, params) {
    return new Class(snapshotChecks({ type: "string", ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params) }));
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
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _guid(Class, params) {
    return new Class({
        type: "string",
        format: "guid",
        check: "string_format",
        abort: false,
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuid(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
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
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
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
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
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
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _url(Class, params) {
    return new Class({
        type: "string",
        format: "url",
        check: "string_format",
        abort: false,
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _emoji(Class, params) {
    return new Class({
        type: "string",
        format: "emoji",
        check: "string_format",
        abort: false,
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _nanoid(Class, params) {
    return new Class({
        type: "string",
        format: "nanoid",
        check: "string_format",
        abort: false,
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
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
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cuid2(Class, params) {
    return new Class({
        type: "string",
        format: "cuid2",
        check: "string_format",
        abort: false,
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ulid(Class, params) {
    return new Class({
        type: "string",
        format: "ulid",
        check: "string_format",
        abort: false,
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _xid(Class, params) {
    return new Class({
        type: "string",
        format: "xid",
        check: "string_format",
        abort: false,
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ksuid(Class, params) {
    return new Class({
        type: "string",
        format: "ksuid",
        check: "string_format",
        abort: false,
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ipv4(Class, params) {
    return new Class({
        type: "string",
        format: "ipv4",
        check: "string_format",
        abort: false,
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ipv6(Class, params) {
    return new Class({
        type: "string",
        format: "ipv6",
        check: "string_format",
        abort: false,
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
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
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cidrv6(Class, params) {
    return new Class({
        type: "string",
        format: "cidrv6",
        check: "string_format",
        abort: false,
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _base64(Class, params) {
    return new Class({
        type: "string",
        format: "base64",
        check: "string_format",
        abort: false,
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _base64url(Class, params) {
    return new Class({
        type: "string",
        format: "base64url",
        check: "string_format",
        abort: false,
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _e164(Class, params) {
    return new Class({
        type: "string",
        format: "e164",
        check: "string_format",
        abort: false,
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
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
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
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
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoDate(Class, params) {
    return new Class({
        type: "string",
        format: "date",
        check: "string_format",
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoTime(Class, params) {
    return new Class({
        type: "string",
        format: "time",
        check: "string_format",
        precision: null,
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoDuration(Class, params) {
    return new Class({
        type: "string",
        format: "duration",
        check: "string_format",
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _number(Class, params) {
    return new Class(snapshotChecks({ type: "number", checks: [], ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params) }));
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
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
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
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
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
function _undefined(Class, params) {
    return new Class({
        type: "undefined",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _null(Class, params) {
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
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
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
    return new _checks_js__WEBPACK_IMPORTED_MODULE_1__/* .$ZodCheckLessThan */ .sm({
        check: "less_than",
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
        value,
        inclusive: false,
    });
}
// @__NO_SIDE_EFFECTS__
function _lte(value, params) {
    return new _checks_js__WEBPACK_IMPORTED_MODULE_1__/* .$ZodCheckLessThan */ .sm({
        check: "less_than",
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
        value,
        inclusive: true,
    });
}

// @__NO_SIDE_EFFECTS__
function _gt(value, params) {
    return new _checks_js__WEBPACK_IMPORTED_MODULE_1__/* .$ZodCheckGreaterThan */ .J_({
        check: "greater_than",
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
        value,
        inclusive: false,
    });
}
// @__NO_SIDE_EFFECTS__
function _gte(value, params) {
    return new _checks_js__WEBPACK_IMPORTED_MODULE_1__/* .$ZodCheckGreaterThan */ .J_({
        check: "greater_than",
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
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
    return new _checks_js__WEBPACK_IMPORTED_MODULE_1__/* .$ZodCheckMultipleOf */ .Jk({
        check: "multiple_of",
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
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
    const ch = new _checks_js__WEBPACK_IMPORTED_MODULE_1__/* .$ZodCheckMaxLength */ .Yk({
        check: "max_length",
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
        maximum,
    });
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _minLength(minimum, params) {
    return new _checks_js__WEBPACK_IMPORTED_MODULE_1__/* .$ZodCheckMinLength */ .Kk({
        check: "min_length",
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
        minimum,
    });
}
// @__NO_SIDE_EFFECTS__
function _length(length, params) {
    return new _checks_js__WEBPACK_IMPORTED_MODULE_1__/* .$ZodCheckLengthEquals */ .RM({
        check: "length_equals",
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
        length,
    });
}
// @__NO_SIDE_EFFECTS__
function _regex(pattern, params) {
    return new _checks_js__WEBPACK_IMPORTED_MODULE_1__/* .$ZodCheckRegex */ .DG({
        check: "string_format",
        format: "regex",
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
        pattern,
    });
}
// @__NO_SIDE_EFFECTS__
function _lowercase(params) {
    return new _checks_js__WEBPACK_IMPORTED_MODULE_1__/* .$ZodCheckLowerCase */ .NI({
        check: "string_format",
        format: "lowercase",
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uppercase(params) {
    return new _checks_js__WEBPACK_IMPORTED_MODULE_1__/* .$ZodCheckUpperCase */ .kH({
        check: "string_format",
        format: "uppercase",
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _includes(includes, params) {
    return new _checks_js__WEBPACK_IMPORTED_MODULE_1__/* .$ZodCheckIncludes */ .Tt({
        check: "string_format",
        format: "includes",
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
        includes,
    });
}
// @__NO_SIDE_EFFECTS__
function _startsWith(prefix, params) {
    return new _checks_js__WEBPACK_IMPORTED_MODULE_1__/* .$ZodCheckStartsWith */ .J({
        check: "string_format",
        format: "starts_with",
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
        prefix,
    });
}
// @__NO_SIDE_EFFECTS__
function _endsWith(suffix, params) {
    return new _checks_js__WEBPACK_IMPORTED_MODULE_1__/* .$ZodCheckEndsWith */ .E6({
        check: "string_format",
        format: "ends_with",
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
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
    return new _checks_js__WEBPACK_IMPORTED_MODULE_1__/* .$ZodCheckProperties */ .nJ({
        check: "properties",
        shape,
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
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
    return new _checks_js__WEBPACK_IMPORTED_MODULE_1__/* .$ZodCheckOverwrite */ .v$({
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
    return _overwrite((input) => _util_js__WEBPACK_IMPORTED_MODULE_0__/* .slugify */ .Yv(input));
}
// @__NO_SIDE_EFFECTS__
function _array(Class, element, params) {
    return new Class({
        type: "array",
        element,
        // get element() {
        //   return element;
        // },
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
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
    const norm = _util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(_params);
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
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(_params),
    });
    return schema;
}
// @__NO_SIDE_EFFECTS__
function _superRefine(fn, params) {
    const ch = _check((payload) => {
        payload.addIssue = (issue) => {
            if (typeof issue === "string") {
                payload.issues.push(_util_js__WEBPACK_IMPORTED_MODULE_0__/* .issue */ .sn(issue, payload.value, ch._zod.def));
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
                payload.issues.push(_util_js__WEBPACK_IMPORTED_MODULE_0__/* .issue */ .sn(_issue));
            }
        };
        return fn(payload.value, payload);
    }, params);
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _check(fn, params) {
    const ch = new _checks_js__WEBPACK_IMPORTED_MODULE_1__/* .$ZodCheck */ .QP({
        check: "custom",
        ..._util_js__WEBPACK_IMPORTED_MODULE_0__/* .normalizeParams */ .A2(params),
    });
    ch._zod.check = fn;
    return ch;
}
// @__NO_SIDE_EFFECTS__
function describe(description) {
    const ch = new _checks_js__WEBPACK_IMPORTED_MODULE_1__/* .$ZodCheck */ .QP({ check: "describe" });
    ch._zod.onattach = [
        (inst) => {
            const existing = _registries_js__WEBPACK_IMPORTED_MODULE_2__/* .globalRegistry */ .fd.get(inst) ?? {};
            _registries_js__WEBPACK_IMPORTED_MODULE_2__/* .globalRegistry */ .fd.add(inst, { ...existing, description });
        },
    ];
    ch._zod.check = () => { }; // no-op check
    return ch;
}
// @__NO_SIDE_EFFECTS__
function meta(metadata) {
    const ch = new _checks_js__WEBPACK_IMPORTED_MODULE_1__/* .$ZodCheck */ .QP({ check: "meta" });
    ch._zod.onattach = [
        (inst) => {
            const existing = _registries_js__WEBPACK_IMPORTED_MODULE_2__/* .globalRegistry */ .fd.get(inst) ?? {};
            _registries_js__WEBPACK_IMPORTED_MODULE_2__/* .globalRegistry */ .fd.add(inst, { ...existing, ...metadata });
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


/***/ }),

/***/ 4890:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   DG: () => (/* binding */ $ZodCheckRegex),
/* harmony export */   E6: () => (/* binding */ $ZodCheckEndsWith),
/* harmony export */   J: () => (/* binding */ $ZodCheckStartsWith),
/* harmony export */   J_: () => (/* binding */ $ZodCheckGreaterThan),
/* harmony export */   Jk: () => (/* binding */ $ZodCheckMultipleOf),
/* harmony export */   KH: () => (/* binding */ $ZodCheckNumberFormat),
/* harmony export */   Kk: () => (/* binding */ $ZodCheckMinLength),
/* harmony export */   NI: () => (/* binding */ $ZodCheckLowerCase),
/* harmony export */   QP: () => (/* binding */ $ZodCheck),
/* harmony export */   RM: () => (/* binding */ $ZodCheckLengthEquals),
/* harmony export */   Tt: () => (/* binding */ $ZodCheckIncludes),
/* harmony export */   Yk: () => (/* binding */ $ZodCheckMaxLength),
/* harmony export */   kH: () => (/* binding */ $ZodCheckUpperCase),
/* harmony export */   nJ: () => (/* binding */ $ZodCheckProperties),
/* harmony export */   ql: () => (/* binding */ $ZodCheckStringFormat),
/* harmony export */   sm: () => (/* binding */ $ZodCheckLessThan),
/* harmony export */   v$: () => (/* binding */ $ZodCheckOverwrite)
/* harmony export */ });
/* unused harmony exports $ZodCheckBigIntFormat, $ZodCheckMaxSize, $ZodCheckMinSize, $ZodCheckSizeEquals, $ZodCheckProperty, $ZodCheckMimeType */
/* harmony import */ var _core_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(8532);
/* harmony import */ var _regexes_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(3908);
/* harmony import */ var _util_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(4723);
// import { $ZodType } from "./schemas.js";



const $ZodCheck = /*@__PURE__*/ _core_js__WEBPACK_IMPORTED_MODULE_0__/* .$constructor */ .xI("$ZodCheck", (inst, def) => {
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
    return !_util_js__WEBPACK_IMPORTED_MODULE_1__/* .nullish */ .cl(val) && val.length !== undefined;
};
const numericOriginMap = {
    number: "number",
    bigint: "bigint",
    object: "date",
};
const $ZodCheckLessThan = /*@__PURE__*/ _core_js__WEBPACK_IMPORTED_MODULE_0__/* .$constructor */ .xI("$ZodCheckLessThan", (inst, def) => {
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
const $ZodCheckGreaterThan = /*@__PURE__*/ _core_js__WEBPACK_IMPORTED_MODULE_0__/* .$constructor */ .xI("$ZodCheckGreaterThan", (inst, def) => {
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
/*@__PURE__*/ _core_js__WEBPACK_IMPORTED_MODULE_0__/* .$constructor */ .xI("$ZodCheckMultipleOf", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        if (typeof payload.value !== typeof def.value)
            throw new Error("Cannot mix number and bigint in multiple_of check.");
        const isMultiple = typeof payload.value === "bigint"
            ? // `value % 0n` throws, and nothing is a multiple of zero — the number branch already fails this way via NaN
                def.value !== BigInt(0) && payload.value % def.value === BigInt(0)
            : _util_js__WEBPACK_IMPORTED_MODULE_1__/* .floatSafeRemainder */ .LG(payload.value, def.value) === 0;
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
const $ZodCheckNumberFormat = /*@__PURE__*/ _core_js__WEBPACK_IMPORTED_MODULE_0__/* .$constructor */ .xI("$ZodCheckNumberFormat", (inst, def) => {
    $ZodCheck.init(inst, def); // no format checks
    def.format = def.format || "float64";
    const isInt = def.format?.includes("int");
    const origin = isInt ? "int" : "number";
    const [minimum, maximum] = _util_js__WEBPACK_IMPORTED_MODULE_1__/* .NUMBER_FORMAT_RANGES */ .zH[def.format];
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
const $ZodCheckMaxLength = /*@__PURE__*/ _core_js__WEBPACK_IMPORTED_MODULE_0__/* .$constructor */ .xI("$ZodCheckMaxLength", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // Strings are measured in Unicode code points, not UTF-16 units. A code point is at most two units, so a string that already fits in units fits in code points; only an overflow has to be counted.
        const length = typeof input === "string" && units > def.maximum ? _util_js__WEBPACK_IMPORTED_MODULE_1__/* .codePointLength */ .O7(input) : units;
        if (length <= def.maximum)
            return;
        const origin = _util_js__WEBPACK_IMPORTED_MODULE_1__/* .getLengthableOrigin */ .Rc(input);
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
const $ZodCheckMinLength = /*@__PURE__*/ _core_js__WEBPACK_IMPORTED_MODULE_0__/* .$constructor */ .xI("$ZodCheckMinLength", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // A code point is one or two UTF-16 units, so fewer units than the floor can never reach it and twice the floor always clears it. Only in between is the exact count in doubt.
        const length = typeof input === "string" && units >= def.minimum && units < def.minimum * 2
            ? _util_js__WEBPACK_IMPORTED_MODULE_1__/* .codePointLength */ .O7(input)
            : units;
        if (length >= def.minimum)
            return;
        const origin = _util_js__WEBPACK_IMPORTED_MODULE_1__/* .getLengthableOrigin */ .Rc(input);
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
const $ZodCheckLengthEquals = /*@__PURE__*/ _core_js__WEBPACK_IMPORTED_MODULE_0__/* .$constructor */ .xI("$ZodCheckLengthEquals", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // A code point is one or two UTF-16 units, so outside `[length, length * 2]` units the target is missed either way — and missed in the same direction in both measures.
        const length = typeof input === "string" && units >= def.length && units <= def.length * 2
            ? _util_js__WEBPACK_IMPORTED_MODULE_1__/* .codePointLength */ .O7(input)
            : units;
        if (length === def.length)
            return;
        const origin = _util_js__WEBPACK_IMPORTED_MODULE_1__/* .getLengthableOrigin */ .Rc(input);
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
const $ZodCheckStringFormat = /*@__PURE__*/ _core_js__WEBPACK_IMPORTED_MODULE_0__/* .$constructor */ .xI("$ZodCheckStringFormat", (inst, def) => {
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
const $ZodCheckRegex = /*@__PURE__*/ _core_js__WEBPACK_IMPORTED_MODULE_0__/* .$constructor */ .xI("$ZodCheckRegex", (inst, def) => {
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
const $ZodCheckLowerCase = /*@__PURE__*/ _core_js__WEBPACK_IMPORTED_MODULE_0__/* .$constructor */ .xI("$ZodCheckLowerCase", (inst, def) => {
    def.pattern ?? (def.pattern = _regexes_js__WEBPACK_IMPORTED_MODULE_2__/* .lowercase */ .AC);
    $ZodCheckStringFormat.init(inst, def);
});
const $ZodCheckUpperCase = /*@__PURE__*/ _core_js__WEBPACK_IMPORTED_MODULE_0__/* .$constructor */ .xI("$ZodCheckUpperCase", (inst, def) => {
    def.pattern ?? (def.pattern = _regexes_js__WEBPACK_IMPORTED_MODULE_2__/* .uppercase */ .Zv);
    $ZodCheckStringFormat.init(inst, def);
});
const $ZodCheckIncludes = /*@__PURE__*/ _core_js__WEBPACK_IMPORTED_MODULE_0__/* .$constructor */ .xI("$ZodCheckIncludes", (inst, def) => {
    $ZodCheck.init(inst, def);
    const escapedRegex = _util_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeRegex */ .sD(def.includes);
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
const $ZodCheckStartsWith = /*@__PURE__*/ _core_js__WEBPACK_IMPORTED_MODULE_0__/* .$constructor */ .xI("$ZodCheckStartsWith", (inst, def) => {
    $ZodCheck.init(inst, def);
    const pattern = new RegExp(`^${_util_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeRegex */ .sD(def.prefix)}.*`);
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
const $ZodCheckEndsWith = /*@__PURE__*/ _core_js__WEBPACK_IMPORTED_MODULE_0__/* .$constructor */ .xI("$ZodCheckEndsWith", (inst, def) => {
    $ZodCheck.init(inst, def);
    const pattern = new RegExp(`.*${_util_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeRegex */ .sD(def.suffix)}$`);
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
        payload.issues.push(..._util_js__WEBPACK_IMPORTED_MODULE_1__/* .prefixIssues */ .lQ(property, result.issues));
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
const $ZodCheckProperties = /*@__PURE__*/ _core_js__WEBPACK_IMPORTED_MODULE_0__/* .$constructor */ .xI("$ZodCheckProperties", (inst, def) => {
    $ZodCheck.init(inst, def);
    _util_js__WEBPACK_IMPORTED_MODULE_1__/* .hide */ .jD(inst, Symbol.iterator, function* () {
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
const $ZodCheckOverwrite = /*@__PURE__*/ _core_js__WEBPACK_IMPORTED_MODULE_0__/* .$constructor */ .xI("$ZodCheckOverwrite", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        payload.value = def.tx(payload.value);
    };
});


/***/ }),

/***/ 8532:
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
/* harmony import */ var _util_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(4723);
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

/***/ 7428:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   JM: () => (/* binding */ flattenError),
/* harmony export */   Kd: () => (/* binding */ $ZodRealError),
/* harmony export */   S1: () => (/* binding */ prettifyError),
/* harmony export */   Wk: () => (/* binding */ formatError),
/* harmony export */   a$: () => (/* binding */ $ZodError)
/* harmony export */ });
/* unused harmony exports treeifyError, toDotPath */
/* harmony import */ var _core_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(8532);
/* harmony import */ var _util_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(4723);


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

/***/ 3908:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   AC: () => (/* binding */ lowercase),
/* harmony export */   Ak: () => (/* binding */ nanoid),
/* harmony export */   D2: () => (/* binding */ nanoidOfLength),
/* harmony export */   F: () => (/* binding */ httpProtocol),
/* harmony export */   Gl: () => (/* binding */ cuid2),
/* harmony export */   K3: () => (/* binding */ base64),
/* harmony export */   Os: () => (/* binding */ guid),
/* harmony export */   Rp: () => (/* binding */ email),
/* harmony export */   Z0: () => (/* binding */ ulid),
/* harmony export */   Zg: () => (/* binding */ emoji),
/* harmony export */   Zv: () => (/* binding */ uppercase),
/* harmony export */   ai: () => (/* binding */ number),
/* harmony export */   fO: () => (/* binding */ ksuid),
/* harmony export */   gF: () => (/* binding */ cuid),
/* harmony export */   gp: () => (/* binding */ anyString),
/* harmony export */   hQ: () => (/* binding */ e164),
/* harmony export */   kB: () => (/* binding */ time),
/* harmony export */   kM: () => (/* binding */ xid),
/* harmony export */   l7: () => (/* binding */ cidrv6),
/* harmony export */   nd: () => (/* binding */ integer),
/* harmony export */   o: () => (/* binding */ bigint),
/* harmony export */   p0: () => (/* binding */ duration),
/* harmony export */   p6: () => (/* binding */ date),
/* harmony export */   r0: () => (/* binding */ base64url),
/* harmony export */   uR: () => (/* binding */ uuid),
/* harmony export */   uX: () => (/* binding */ ipv4),
/* harmony export */   ug: () => (/* binding */ ipv6),
/* harmony export */   w$: () => (/* binding */ datetime),
/* harmony export */   zM: () => (/* binding */ boolean),
/* harmony export */   zr: () => (/* binding */ cidrv4)
/* harmony export */ });
/* unused harmony exports extendedDuration, uuid4, uuid6, uuid7, html5Email, rfc5322Email, unicodeEmail, idnEmail, browserEmail, mac, hostname, domain, creditCard, currencyCode, iban, string, null, undefined, hex, md5_hex, md5_base64, md5_base64url, sha1_hex, sha1_base64, sha1_base64url, sha256_hex, sha256_base64, sha256_base64url, sha384_hex, sha384_base64, sha384_base64url, sha512_hex, sha512_base64, sha512_base64url */

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
function anchor(source) {
    return new RegExp(`^${source}$`);
}
const date = /*@__PURE__*/ anchor(dateSource);
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
const boolean = /^(?:true|false)$/i;
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


/***/ }),

/***/ 9396:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   fd: () => (/* binding */ globalRegistry)
/* harmony export */ });
/* unused harmony exports $output, $input, $ZodRegistry, registry */
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


/***/ }),

/***/ 4723:
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
/* harmony import */ var _core_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(8532);

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
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
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
/******/ var __webpack_exports__ = __nccwpck_require__(195);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
