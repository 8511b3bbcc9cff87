/**
 * GitHub's GraphQL API as the stand-in answers it: every query is parsed and validated against
 * GitHub's published schema (@octokit/graphql-schema, the schema GitHub serves by
 * introspection) and executed on that schema by graphql-js, so a field, argument or enum value
 * GitHub does not have fails here as it would there. The data comes from the REST stand-in's
 * state: the token's account (`viewer`) and the objects `nodes(ids:)` finds.
 */
import type { ExecutionResult, GraphQLSchema } from 'graphql';

/** An object `nodes(ids:)` can return: its GraphQL type name and its fields, as graphql-js reads them. */
export type GraphqlNode = { __typename: string } & Record<string, unknown>;

export interface GraphqlData {
  /** The login of the token's account. */
  viewer: string;
  /** The object with this global node ID, if there is one. */
  node(id: string): GraphqlNode | undefined;
}

let schema: Promise<GraphQLSchema> | undefined;

/** GitHub's schema, built once (about 5 MB of introspection JSON) and only when a test sends GraphQL. */
function githubSchema(): Promise<GraphQLSchema> {
  return (schema ??= (async () => {
    const [{ buildClientSchema }, published] = await Promise.all([
      import('graphql'),
      import('@octokit/graphql-schema'),
    ]);
    return buildClientSchema(published.schema.json as never);
  })());
}

/**
 * The answer to one POST /graphql body, as GitHub gives it: 200 with `data`, or with `errors`
 * for a query the schema refuses (reported as a violation: the suite must never send one).
 */
export async function answerGraphql(
  body: unknown,
  data: GraphqlData,
): Promise<{ body: ExecutionResult; violation?: string }> {
  const { parse, validate, execute } = await import('graphql');
  const request = body as { query?: unknown; variables?: unknown } | undefined;
  if (typeof request?.query !== 'string')
    return refuse('A query attribute must be specified and must be a string.');
  let document;
  try {
    document = parse(request.query);
  } catch (error) {
    return refuse((error as Error).message);
  }
  const problems = validate(await githubSchema(), document);
  if (problems.length) return refuse(problems.map((p) => p.message).join('; '));
  const result = await execute({
    schema: await githubSchema(),
    document,
    variableValues: (request.variables ?? {}) as Record<string, unknown>,
    rootValue: {
      viewer: { login: data.viewer },
      nodes: ({ ids }: { ids: string[] }) => ids.map((id) => data.node(id) ?? null),
      node: ({ id }: { id: string }) => data.node(id) ?? null,
    },
    typeResolver: (value) => (value as GraphqlNode).__typename,
  });
  const errors = result.errors?.map((e) => e.message).join('; ');
  return { body: JSON.parse(JSON.stringify(result)), ...(errors ? { violation: errors } : {}) };
}

function refuse(message: string): { body: ExecutionResult; violation: string } {
  return { body: { errors: [{ message }] } as unknown as ExecutionResult, violation: message };
}
