import { z } from 'zod';
import { choice, pathList, text, wholeNumber } from '../../../shared/action/inputs.js';

const oneCharacter = () =>
  z
    .string()
    .refine((value) => [...value].length === 1 || value === '\\t', {
      error: (issue) => `must be one character (\\t for a tab); got ${JSON.stringify(issue.input)}`,
    })
    .transform((value) => (value === '\\t' ? '\t' : value));

export const inputs = z.object({
  data: pathList(),
  schema: text(),
  format: choice(['auto', 'csv', 'tsv', 'jsonl', 'parquet']),
  delimiter: oneCharacter().optional(),
  'quote-char': oneCharacter().optional(),
  'escape-char': oneCharacter().optional(),
  'fail-on': choice(['error', 'warning', 'never']),
  'max-errors': wholeNumber(1),
  profile: text().optional(),
});

export type Inputs = z.output<typeof inputs>;
