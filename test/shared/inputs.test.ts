import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputError } from '../../shared/action/errors.js';
import {
  choice,
  decimalBetween,
  flag,
  modelName,
  pathList,
  readInputs,
  text,
  wholeNumber,
} from '../../shared/action/inputs.js';

const schema = z.object({
  'model-name': modelName(),
  mode: choice(['a', 'b']),
  strict: flag(),
  limit: wholeNumber(1, 10),
  files: pathList(),
  note: text().optional(),
});

const read = (values: Record<string, string>) => readInputs(schema, (name) => values[name]);

describe('readInputs', () => {
  it('parses every input into its type', () => {
    expect(
      read({
        'model-name': 'churn-v2',
        mode: 'b',
        strict: 'TRUE',
        limit: '10',
        files: ' a.csv \n\n b.csv\n',
      }),
    ).toEqual({
      'model-name': 'churn-v2',
      mode: 'b',
      strict: true,
      limit: 10,
      files: ['a.csv', 'b.csv'],
    });
  });

  it('reports all problems at once, each naming its input and the value it got', () => {
    let error: unknown;
    try {
      read({ 'model-name': '../etc', mode: 'c', strict: 'yes', limit: '11', files: 'x' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toContain('input "model-name" must start with a letter or digit');
    expect(message).toContain('input "mode" must be one of a, b; got "c"');
    expect(message).toContain('input "strict" must be true or false; got "yes"');
    expect(message).toContain('input "limit" must be a whole number from 1 to 10; got "11"');
    expect(message).not.toContain('\n');
  });

  it('treats an empty value as not supplied', () => {
    expect(() =>
      read({ 'model-name': 'm', mode: '', strict: 'false', limit: '1', files: 'x' }),
    ).toThrow('input "mode" is required but was not supplied');
  });

  it.each(['1.5', '1e3', ' ', 'ten', '-1'])('rejects %j as a whole number', (value) => {
    expect(() =>
      read({ 'model-name': 'm', mode: 'a', strict: 'false', limit: value, files: 'x' }),
    ).toThrow(/input "limit"|input "limit" is required/);
  });
});

describe('decimalBetween', () => {
  it('takes decimals strictly inside the bounds and names the value it refuses', () => {
    const level = decimalBetween(0, 1);
    expect(level.parse('0.95')).toBe(0.95);
    expect(level.parse('.5')).toBe(0.5);
    expect(level.parse('9e-1')).toBe(0.9);
    for (const bad of ['1', '0', '95%', 'abc', '', '0x1'])
      expect(level.safeParse(bad).error?.issues[0]?.message, bad).toBe(
        `must be a number between 0 and 1 (exclusive); got ${JSON.stringify(bad)}`,
      );
  });
});
