import { z } from 'zod';
import {
  choice,
  flag,
  modelName,
  pathList,
  text,
  wholeNumber,
} from '../../../shared/action/inputs.js';
import { readOwnerHandles } from '../../../shared/lineage/owner.js';

export const inputs = z.object({
  'model-name': modelName(),
  run: text(),
  config: text(),
  data: pathList().optional(),
  code: pathList().optional(),
  outputs: pathList(),
  seed: wholeNumber(0, 4294967295),
  cache: flag(),
  'strict-pins': choice(['error', 'warn', 'off']),
  'working-directory': text(),
  'hide-config-keys': pathList().optional(),
  owner: z.string().transform(ownerHandles).optional(),
});

export type Inputs = z.output<typeof inputs>;

/** The `owner` handles, each checked: a value that is no handle is an input error naming it. */
function ownerHandles(value: string, ctx: z.RefinementCtx): string[] {
  const { handles, problem } = readOwnerHandles(value);
  if (problem === undefined) return handles;
  ctx.addIssue({ code: 'custom', input: value, message: problem });
  return z.NEVER;
}
