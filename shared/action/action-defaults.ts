/**
 * An action's declared input defaults, read from its action.yml: the one source of truth, so
 * that the command-line entry runs an action with the defaults GitHub's runner would give it.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

// Only the part of the metadata read here; the whole shape is checked by the contract tests.
const metadataSchema = z.object({
  inputs: z.record(z.string(), z.object({ default: z.string().optional() }).loose()).optional(),
});

/** Each input that declares a default, with it; an expression such as `${{ github.token }}` left as written. */
export async function actionDefaults(actionYmlPath: string): Promise<Record<string, string>> {
  const { load } = await import('js-yaml');
  const parsed = metadataSchema.safeParse(load(await readFile(actionYmlPath, 'utf8')));
  // The file ships with the CLI; a failure here is a broken installation, not a user mistake.
  if (!parsed.success)
    throw new Error(`${actionYmlPath} is not the action metadata this CLI was built with.`);
  const defaults: Record<string, string> = {};
  for (const [name, input] of Object.entries(parsed.data.inputs ?? {}))
    if (input.default !== undefined) defaults[name] = input.default;
  return defaults;
}
