/** Real webhook payloads, as GitHub sends them (from @octokit/webhooks-examples). */
import { createRequire } from 'node:module';

interface WebhookDefinition {
  name: string;
  examples: Record<string, unknown>[];
}

let definitions: WebhookDefinition[] | undefined;

function webhookExample(event: string, action?: string): Record<string, unknown> {
  definitions ??= createRequire(import.meta.url)(
    '@octokit/webhooks-examples',
  ) as WebhookDefinition[];
  const examples = definitions.find((definition) => definition.name === event)?.examples ?? [];
  const example = examples.find((candidate) => action === undefined || candidate.action === action);
  if (!example)
    throw new Error(
      `No ${event}${action ? `.${action}` : ''} example in @octokit/webhooks-examples`,
    );
  return structuredClone(example);
}

/** A pull_request.opened payload, with the fields a test cares about replaced. */
export function pullRequestEvent(
  overrides: { number?: number; title?: string; headSha?: string; fork?: boolean } = {},
): Record<string, unknown> {
  const payload = webhookExample('pull_request', 'opened') as {
    number: number;
    pull_request: Record<string, any>;
  };
  const pr = payload.pull_request;
  if (overrides.number !== undefined) payload.number = pr.number = overrides.number;
  if (overrides.title !== undefined) pr.title = overrides.title;
  if (overrides.headSha !== undefined) pr.head.sha = overrides.headSha;
  if (overrides.fork) pr.head.repo = { ...pr.head.repo, full_name: 'contributor/Hello-World' };
  return payload;
}

/** A workflow_run.completed payload for a run triggered by a pull request (from a fork: GitHub lists no pull requests then). */
export function workflowRunEvent(overrides: {
  id: number;
  headSha: string;
  event?: string;
  runAttempt?: number;
  pullRequests?: number[];
}): Record<string, unknown> {
  const payload = webhookExample('workflow_run', 'completed') as {
    workflow_run: Record<string, any>;
    repository: Record<string, any>;
  };
  const run = payload.workflow_run;
  run.id = overrides.id;
  run.head_sha = overrides.headSha;
  run.event = overrides.event ?? 'pull_request';
  run.run_attempt = overrides.runAttempt ?? 1;
  run.conclusion = 'failure';
  run.pull_requests = (overrides.pullRequests ?? []).map((number) => ({
    number,
    id: number,
    url: `https://api.github.com/repos/Codertocat/Hello-World/pulls/${number}`,
  }));
  run.html_url = `https://github.com/Codertocat/Hello-World/actions/runs/${overrides.id}`;
  return payload;
}
