import { z } from 'zod';
import { choice, pathList, text, wholeNumber } from '../../../shared/action/inputs.js';

export const inputs = z.object({
  data: pathList(),
  schema: text(),
  format: choice(['auto', 'csv', 'tsv']),
  'fail-on': choice(['error', 'warning', 'never']),
  'max-errors': wholeNumber(1),
});

export type Inputs = z.output<typeof inputs>;
