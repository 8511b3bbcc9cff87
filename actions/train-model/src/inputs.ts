import { z } from 'zod';
import { flag, modelName, pathList, text, wholeNumber } from '../../../shared/action/inputs.js';

export const inputs = z.object({
  'model-name': modelName(),
  run: text(),
  config: text(),
  data: pathList().optional(),
  outputs: pathList(),
  seed: wholeNumber(0, 4294967295),
  cache: flag(),
  'working-directory': text(),
});

export type Inputs = z.output<typeof inputs>;
