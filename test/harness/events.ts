/** Real webhook payloads, as GitHub sends them (from @octokit/webhooks-examples). */
import { createRequire } from 'node:module';

interface WebhookDefinition {
  name: string;
  examples: Record<string, unknown>[];
}

let definitions: WebhookDefinition[] | undefined;

export function webhookExample(event: string, action?: string): Record<string, unknown> {
  definitions ??= createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];
  const examples = definitions.find((definition) => definition.name === event)?.examples ?? [];
  const example = examples.find((candidate) => action === undefined || candidate.action === action);
  if (!example) throw new Error(`No ${event}${action ? `.${action}` : ''} example in @octokit/webhooks-examples`);
  return structuredClone(example);
}

/** A pull_request.opened payload, with the fields a test cares about replaced. */
export function pullRequestEvent(overrides: { number?: number; title?: string; headSha?: string; fork?: boolean } = {}): Record<string, unknown> {
  const payload = webhookExample('pull_request', 'opened') as { number: number; pull_request: Record<string, any> };
  const pr = payload.pull_request;
  if (overrides.number !== undefined) payload.number = pr.number = overrides.number;
  if (overrides.title !== undefined) pr.title = overrides.title;
  if (overrides.headSha !== undefined) pr.head.sha = overrides.headSha;
  if (overrides.fork) pr.head.repo = { ...pr.head.repo, full_name: 'contributor/Hello-World' };
  return payload;
}
