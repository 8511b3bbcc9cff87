export const id = 874;
export const ids = [874];
export const modules = {

/***/ 44874:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   compileJsonSchema: () => (/* binding */ compileJsonSchema)
/* harmony export */ });
/* harmony import */ var ajv__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(42463);
/* harmony import */ var ajv__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(ajv__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var ajv_dist_2019_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(60878);
/* harmony import */ var ajv_dist_2019_js__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(ajv_dist_2019_js__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var ajv_dist_2020_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(52210);
/* harmony import */ var ajv_dist_2020_js__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(ajv_dist_2020_js__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var re2js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2856);
/**
 * Table Schema v2's `constraints.jsonSchema` for object and array fields: each value must be
 * valid against the given JSON Schema. Ajv compiles it once per field, to a function that runs
 * per cell. The schema comes from the repository, so its work is bounded: no remote `$ref`s
 * (there is no loader, so an unknown reference refuses the schema), `pattern` and
 * `patternProperties` run on RE2 (re2js, linear time) rather than backtracking RegExps, the
 * first error ends a value's check, and `format` is an annotation only (as JSON Schema 2019-09
 * and later define it; ajv's format regexes are not loaded).
 */




/** Ajv's regular-expression engine option, on RE2: `test` is a search, as a JSON Schema pattern is. */
const re2Engine = Object.assign((pattern) => {
    const re = re2js__WEBPACK_IMPORTED_MODULE_0__/* .RE2JS */ .L3.compile(pattern);
    return { test: (text) => re.matcher(text).find() };
}, { code: 're2js' });
const options = {
    strict: false,
    allErrors: false,
    validateFormats: false,
    logger: false,
    code: { regExp: re2Engine },
};
let engines;
function engineFor(schema) {
    engines ??= {
        draft7: new ajv__WEBPACK_IMPORTED_MODULE_1__.Ajv(options),
        draft2019: new ajv_dist_2019_js__WEBPACK_IMPORTED_MODULE_2__.Ajv2019(options),
        draft2020: new ajv_dist_2020_js__WEBPACK_IMPORTED_MODULE_3__.Ajv2020(options),
    };
    const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
    if (declared.includes('2020-12'))
        return engines.draft2020;
    if (declared.includes('2019-09'))
        return engines.draft2019;
    return engines.draft7;
}
/** Compiled schemas by descriptor object: the schema check and the field compiler share one compile. */
const compiled = new WeakMap();
/** The schema compiled (once per descriptor object), or why it cannot be (a sentence fragment). */
function compileJsonSchema(schema) {
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema))
        return 'jsonSchema must be a JSON Schema object';
    let result = compiled.get(schema);
    if (result === undefined) {
        result = compile(schema);
        compiled.set(schema, result);
    }
    return result;
}
function compile(schema) {
    let validate;
    try {
        // A copy: ajv keeps compiled schemas by identity and would otherwise mutate nothing, but
        // the id ($id) of one field's schema must not clash with another's.
        const copy = { ...schema };
        delete copy.$id;
        validate = engineFor(copy).compile(copy);
    }
    catch (error) {
        return `jsonSchema is not a usable JSON Schema: ${error instanceof Error ? error.message : String(error)} (references to other documents are not fetched)`;
    }
    return {
        check(value) {
            if (validate(value))
                return undefined;
            const first = validate.errors?.[0];
            if (!first)
                return 'to match the field’s jsonSchema';
            return `${first.instancePath || 'the value'} ${first.message ?? 'does not match'}`;
        },
    };
}


/***/ })

};
