/**
 * GitHub's published OpenAPI description of api.github.com (from @octokit/openapi), used to
 * check every request the stand-in receives and every response it returns. The description is
 * loaded once per process (the package's main loads all ten variants, 900 MB; this file alone
 * parses in about 0.15 s) and each operation's schemas are compiled on first use.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

interface Operation {
  operationId: string;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }>;
}

interface Description {
  paths: Record<string, Record<string, Operation>>;
  components: {
    responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  } & Record<string, unknown>;
}

const COMPONENTS_ID = 'https://openapi.stand-in.local/api.github.com.json';

let description: Description | undefined;
let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction | null>();

function load(): { description: Description; ajv: Ajv } {
  if (!description || !ajv) {
    const path = createRequire(import.meta.url).resolve(
      '@octokit/openapi/generated/api.github.com.json',
    );
    description = JSON.parse(readFileSync(path, 'utf8')) as Description;
    ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    // ajv-formats is CommonJS with a default export; under ESM interop it may arrive wrapped.
    const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
      addFormatsModule) as (a: Ajv) => void;
    addFormats(ajv);
    // GitHub documents "" as the default of URL fields it marks `format: uri` (target_url,
    // log_url, environment_url of deployment statuses) and returns "" when they are unset.
    const uri = ajv.formats.uri as
      { validate?: (s: string) => boolean } | ((s: string) => boolean) | RegExp;
    const isUri =
      typeof uri === 'function'
        ? uri
        : uri instanceof RegExp
          ? (s: string) => uri.test(s)
          : (s: string) => uri.validate!(s);
    ajv.addFormat('uri', (value: string) => value === '' || isUri(value));
    for (const format of [
      'repo.nwo',
      'timestamp',
      'int64',
      'int32',
      'double',
      'binary',
      'uri-template',
    ])
      if (!ajv.formats[format]) ajv.addFormat(format, true);
    ajv.addSchema({ $id: COMPONENTS_ID, components: fixNullable(description.components) });
  }
  return { description, ajv };
}

/** OpenAPI 3.0's `nullable` without `type` (135 places) is not JSON Schema; say it as anyOf. */
function fixNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fixNullable);
  if (!node || typeof node !== 'object') return node;
  const entries = Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, fixNullable(value)]),
  );
  if (entries.nullable === true && entries.type === undefined) {
    const { nullable: _nullable, ...rest } = entries;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return entries;
}

function compile(key: string, schema: unknown): ValidateFunction | null {
  if (compiled.has(key)) return compiled.get(key)!;
  const { ajv } = load();
  let validate: ValidateFunction | null = null;
  if (schema) {
    const rewritten = JSON.parse(
      JSON.stringify(fixNullable(schema)).replaceAll(
        '"#/components/',
        `"${COMPONENTS_ID}#/components/`,
      ),
    );
    validate = ajv.compile({
      $id: `https://openapi.stand-in.local/${encodeURIComponent(key)}`,
      ...rewritten,
    });
  }
  compiled.set(key, validate);
  return validate;
}

function operation(method: string, template: string): Operation {
  const found = load().description.paths[template]?.[method.toLowerCase()];
  if (!found) throw new Error(`The OpenAPI description has no ${method} ${template}`);
  return found;
}

function describe(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 5)
    .map(
      (e) =>
        `${e.instancePath || '(body)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
    )
    .join('; ');
}

/** Problems with a request body, or undefined when it matches. */
export function checkRequestBody(
  method: string,
  template: string,
  body: unknown,
): string | undefined {
  const op = operation(method, template);
  const schema = op.requestBody?.content?.['application/json']?.schema;
  if (!schema) return body === undefined ? undefined : undefined;
  const validate = compile(`${op.operationId}:request`, schema)!;
  return validate(body) ? undefined : `request body of ${op.operationId}: ${describe(validate)}`;
}

/** Problems with a response, or undefined when it matches the documented status and schema. */
export function checkResponse(
  method: string,
  template: string,
  status: number,
  body: unknown,
): string | undefined {
  const op = operation(method, template);
  let response = op.responses[String(status)];
  if (!response && status >= 400) {
    // GitHub answers errors it does not list per operation (a 404 for a missing environment,
    // say) with its generic error shape.
    const validate = compile('basic-error', { $ref: '#/components/schemas/basic-error' })!;
    return validate(body)
      ? undefined
      : `error ${status} of ${op.operationId}: ${describe(validate)}`;
  }
  if (!response)
    return `${op.operationId} does not document status ${status} (it documents ${Object.keys(op.responses).join(', ')})`;
  if (response.$ref)
    response = load().description.components.responses[response.$ref.split('/').pop()!] ?? response;
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return undefined;
  const validate = compile(`${op.operationId}:${status}`, schema)!;
  return validate(body)
    ? undefined
    : `response ${status} of ${op.operationId}: ${describe(validate)}`;
}

/** A copy of one of the description's own examples (`components.examples[name].value`). */
export function example(name: string): Record<string, any> {
  const value = (
    load().description.components as unknown as { examples: Record<string, { value: unknown }> }
  ).examples[name]?.value;
  if (value === undefined) throw new Error(`The OpenAPI description has no example "${name}"`);
  return structuredClone(value) as Record<string, any>;
}
