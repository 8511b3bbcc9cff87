import { z } from 'zod';
import {
  choice,
  flag,
  modelName,
  pathList,
  text,
  wholeNumber,
} from '../../../shared/action/inputs.js';

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
});

export type Inputs = z.output<typeof inputs>;
