import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputError, UserError } from '../../shared/action/errors.js';
import {
  environmentName,
  modelName,
  modelVersion,
  readInputs,
} from '../../shared/action/inputs.js';
import {
  identifier,
  identifierProblem,
  isIdentifier,
  metricsArtifactName,
  modelArtifactName,
  modelTask,
  quoteValue,
  releaseTag,
} from '../../shared/identifiers.js';
import { versionOf } from '../../shared/lineage/fingerprint.js';

/** Values a pull request could put where an identifier goes; none may pass as any kind. */
const HOSTILE = [
  '',
  '../../x',
  '..',
  '$(id)',
  '`id`',
  'a b',
  'v1;rm -rf /',
  'a\nb',
  'a\rb',
  'a\u0000b',
  'x'.repeat(300),
  'a/b',
  'a\\b',
  '"a"',
  "a'b",
  'a|b',
  'a&b',
  '-rf',
  '.hidden',
  '_x',
  'é',
  'a\u202eb',
  '${{ secrets.X }}',
  'a:b',
  '*',
  '~',
];

describe('identifier alphabets', () => {
  it.each(['churn', 'churn-v2', 'Churn_2.1', '0abc'])('takes the model name %j', (value) =>
    expect(isIdentifier('model name', value)).toBe(true),
  );
  it.each(['a..b', 'x'.repeat(101)])('refuses the model name %j', (value) =>
    expect(isIdentifier('model name', value)).toBe(false),
  );

  it("takes every version train-model produces, and versions of the user's own", () => {
    for (const fingerprint of [
      '0'.repeat(64),
      'f'.repeat(64),
      'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
    ])
      expect(isIdentifier('model version', versionOf(fingerprint))).toBe(true);
    for (const version of ['1.4.0', '2024-06-01_rc1', 'v3', '7'])
      expect(isIdentifier('model version', version), version).toBe(true);
  });
  it.each(['1.', '1-', '1..2', '1.lock', 'x'.repeat(65)])(
    'refuses the version %j (not a valid tag end, or too long)',
    (value) => expect(isIdentifier('model version', value)).toBe(false),
  );

  it.each(['production', 'staging', 'eu-west-1', 'prod_2', 'qa.eu', 'Production'])(
    'takes the environment name %j',
    (value) => expect(isIdentifier('environment name', value)).toBe(true),
  );
  it.each(['Production EU', 'prod/eu', 'x'.repeat(101)])(
    'refuses the environment name %j',
    (value) => expect(isIdentifier('environment name', value)).toBe(false),
  );

  it.each(HOSTILE)('refuses %j as every kind of identifier', (value) => {
    for (const kind of [
      'model name',
      'model version',
      'environment name',
      'artifact name',
      'release tag',
    ] as const)
      expect(isIdentifier(kind, value), kind).toBe(false);
  });

  it('builds tags, tasks and artifact names only from identifiers', () => {
    expect(releaseTag('churn', 'a1b2c3d4e5f6')).toBe('churn@a1b2c3d4e5f6');
    expect(modelTask('churn')).toBe('model:churn');
    expect(modelArtifactName('churn', 'a1b2c3d4e5f6')).toBe('model-churn-a1b2c3d4e5f6');
    expect(metricsArtifactName('churn', '1.0')).toBe('metrics-churn-1.0');
    expect(() => releaseTag('churn', '../../x')).toThrow(UserError);
    expect(() => releaseTag('churn', '../../x')).toThrow(
      /^The release tag must be "<model>@<version>".*; got "churn@\.\.\/\.\.\/x"\.$/,
    );
    expect(() => modelArtifactName('churn', '$(id)')).toThrow(
      /^The artifact name must start with a letter or digit .*; got "model-churn-\$\(id\)"\.$/,
    );
    expect(() => modelTask('a b')).toThrow(UserError);
    expect(isIdentifier('release tag', 'churn@1.0')).toBe(true);
    expect(isIdentifier('release tag', 'churn@1.0@2')).toBe(false);
  });
});

describe('quoteValue', () => {
  it('JSON-quotes, escapes control, separator and bidirectional characters, and shortens', () => {
    expect(quoteValue('a\nb\u0000c')).toBe('"a\\nb\\u0000c"');
    expect(quoteValue('a\u2028b\u202ec\u0085')).toBe('"a\\u2028b\\u202ec\\u0085"');
    expect(quoteValue('x'.repeat(300))).toBe(`"${'x'.repeat(60)}"… (300 characters)`);
    expect(quoteValue('😀'.repeat(61))).toBe(`"${'😀'.repeat(60)}"… (61 characters)`);
  });
});

describe('identifier inputs', () => {
  const schema = z.object({
    'model-name': modelName(),
    environment: environmentName(),
    version: modelVersion().optional(),
  });
  const read = (values: Record<string, string>) => readInputs(schema, (name) => values[name]);

  it('takes safe values', () => {
    expect(
      read({ 'model-name': 'churn', environment: 'eu-west-1', version: 'a1b2c3d4e5f6' }),
    ).toEqual({ 'model-name': 'churn', environment: 'eu-west-1', version: 'a1b2c3d4e5f6' });
  });

  it('names the input, the rule and the value, escaped and shortened, on one line', () => {
    let error: unknown;
    try {
      read({
        'model-name': 'churn',
        environment: 'prod\nuction',
        version: `$(curl evil)${'x'.repeat(100)}`,
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toContain(
      'input "environment" must start with a letter or digit and use only letters, digits, ".", "_" and "-" (at most 100 characters; spaces and "/" are not allowed); got "prod\\nuction"',
    );
    expect(message).toContain(
      `input "version" must start and end with a letter or digit and use only letters, digits, ".", "_" and "-", without ".." and not ending in ".lock" (at most 64 characters); got "$(curl evil)${'x'.repeat(48)}"… (112 characters)`,
    );
    expect(message).not.toContain('\n');
  });

  it('gives the same message for a field of a file', () => {
    const result = z
      .object({ version: identifier('model version') })
      .safeParse({ version: '../../x' });
    expect(result.error?.issues[0]?.message).toBe(identifierProblem('model version', '../../x'));
    expect(result.error?.issues[0]?.message).toMatch(/; got "\.\.\/\.\.\/x"$/);
  });
});
