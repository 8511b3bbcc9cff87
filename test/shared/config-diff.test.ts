/**
 * The config's values as the manifest records them (flattened as `dvc params diff` flattens
 * them, credentials hidden) and the diff between two of them.
 */
import { describe, expect, it } from 'vitest';
import { sha256Text } from '../../shared/files/hash.js';
import { canonicalConfigLeaves } from '../../shared/lineage/canonical-config.js';
import {
  diffConfigValues,
  dottedKey,
  hidePatterns,
  HIDDEN,
  looksSecretKey,
  looksSecretValue,
  matchWildcard,
  MAX_CONFIG_LEAVES,
  MAX_CONFIG_TEXT,
  recordConfigValues,
} from '../../shared/lineage/config-diff.js';

const record = async (text: string, path = 'config.yaml', hide: string[] = []) =>
  recordConfigValues(await canonicalConfigLeaves(text, path), hidePatterns(hide), sha256Text)
    .values;

describe('config values', () => {
  it('flattens nested maps to dotted keys, keeps types and lists whole, as dvc params diff does', async () => {
    const values = await record(
      [
        'model:',
        '  max_depth: 6',
        '  learning_rate: 0.1',
        '  criterion: gini',
        '  layers: [64, 32]',
        'data: {split: 0.2, "a.b": 1, 7: seven}',
        'flag: yes',
        'empty: {}',
        'none: null',
      ].join('\n'),
    );
    expect(values).toEqual({
      'data.7': '"seven"',
      'data["a.b"]': '1',
      'data.split': '0.2',
      empty: '{}',
      flag: 'yes',
      'model.criterion': '"gini"',
      'model.layers': '[64,32]',
      'model.learning_rate': '0.1',
      'model.max_depth': '6',
      none: 'null',
    });
  });

  it('tells 50, 50.0 and "50" apart, as the fingerprint does', async () => {
    expect(await record('n: 50')).toEqual({ n: '50' });
    expect(await record('n: 50.0')).toEqual({ n: '50.0' });
    expect(await record('n: "50"')).toEqual({ n: '"50"' });
    expect(await record('{"n": 50.0}', 'config.json')).toEqual({ n: '50.0' });
  });

  it('hides credentials by key word, by value and by hide-config-keys, and nothing else', async () => {
    const values = await record(
      [
        'db_password: hunter2',
        'apiKey: abc',
        'auth: {user: me, realm: x}',
        'storage: {url: "postgres://me:s3cret@db:5432/x", bucket: b}',
        'gh: ghp_0123456789abcdef',
        'model: {max_depth: 6, author: me, tokenizer_path: t.json}',
        'endpoint: https://internal.example',
        'nested: {deep: {endpoint: e, keep: k}}',
      ].join('\n'),
      'config.yaml',
      ['endpoint', '**.endpoint'],
    );
    expect(values).toEqual({
      apiKey: HIDDEN,
      'auth.realm': HIDDEN,
      'auth.user': HIDDEN,
      db_password: HIDDEN,
      endpoint: HIDDEN,
      gh: HIDDEN,
      'model.author': '"me"',
      'model.max_depth': '6',
      'model.tokenizer_path': '"t.json"',
      'nested.deep.endpoint': HIDDEN,
      'nested.deep.keep': '"k"',
      'storage.bucket': '"b"',
      'storage.url': HIDDEN,
    });
    expect(JSON.stringify(values)).not.toMatch(/hunter2|s3cret|ghp_|internal\.example/);
  });

  it('matches key words on word boundaries and camelCase humps', () => {
    for (const key of ['password', 'DB_PASSWORD', 'clientSecret', 'api-key', 'x.private_key'])
      expect(looksSecretKey(key.split('.')), key).toBe(true);
    for (const key of ['max_depth', 'keyboard', 'monkey', 'authors', 'tokenizer', 'passes'])
      expect(looksSecretKey([key]), key).toBe(false);
    expect(looksSecretValue('"-----BEGIN RSA PRIVATE KEY-----"')).toBe(true);
    expect(looksSecretValue('"https://example.com/a:b@c"')).toBe(false);
  });

  it('caps keys, values and the number of leaves, with a hash so that a change past the cut shows', async () => {
    const long = 'x'.repeat(500);
    const a = await record(`v: "${long}a"\n${'k'.repeat(300)}: 1`);
    const b = await record(`v: "${long}b"\n${'k'.repeat(300)}: 1`);
    for (const [key, value] of Object.entries(a)) {
      expect(key.length).toBeLessThanOrEqual(MAX_CONFIG_TEXT);
      expect(value.length).toBeLessThanOrEqual(MAX_CONFIG_TEXT);
    }
    expect(a.v).not.toBe(b.v);
    const many = Array.from({ length: MAX_CONFIG_LEAVES + 5 }, (_, i) => `k${i}: ${i}`).join('\n');
    const recorded = recordConfigValues(
      await canonicalConfigLeaves(many, 'c.yaml'),
      () => false,
      sha256Text,
    );
    expect(Object.keys(recorded.values)).toHaveLength(MAX_CONFIG_LEAVES);
    expect(recorded.omitted).toBe(5);
  });

  it('writes keys that hold a dot, a bracket or a quote so that two paths never print alike', () => {
    expect(dottedKey(['a', 'b'])).toBe('a.b');
    expect(dottedKey(['a.b'])).toBe('["a.b"]');
    expect(dottedKey(['a', ''])).toBe('a[""]');
    expect(dottedKey(['a["b"]'])).not.toBe(dottedKey(['a', 'b']));
  });

  it('globs segment by segment in linear-ish time, whatever a pull request names its keys', () => {
    expect(matchWildcard('lr*', 'lr_decay')).toBe(true);
    expect(matchWildcard('l?', 'lr')).toBe(true);
    expect(matchWildcard('*a*a*a*a*b', 'a'.repeat(10_000))).toBe(false);
    const hide = hidePatterns(['db.*', '**.secret_sauce', '# a comment', '']);
    expect(hide(['db', 'host'])).toBe(true);
    expect(hide(['db'])).toBe(false);
    expect(hide(['x', 'y', 'secret_sauce', 'z'])).toBe(true);
    expect(hide(['dbx', 'host'])).toBe(false);
    const started = performance.now();
    hidePatterns(['**.**.**.*a*a*a*b'])(Array.from({ length: 200 }, () => 'a'.repeat(200)));
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('the diff of two configs', () => {
  it('lists changed, added and removed keys, and counts hidden and unchanged ones', () => {
    const diff = diffConfigValues(
      {
        'model.max_depth': '6',
        'model.criterion': '"gini"',
        old: '1',
        password: HIDDEN,
        same: '1',
      },
      {
        'model.max_depth': '8',
        'model.criterion': '"gini"',
        new: '2',
        password: HIDDEN,
        same: '1',
      },
    );
    expect(diff).toEqual({
      changed: [{ key: 'model.max_depth', from: '6', to: '8' }],
      added: [{ key: 'new', value: '2' }],
      removed: [{ key: 'old', value: '1' }],
      hidden: 1,
      unchanged: 2,
    });
  });

  it("masks raw secrets a manifest still holds (an older one, or a pull request's) before comparing", () => {
    const diff = diffConfigValues(
      { token: '"a"', url: '"https://u:p@h"' },
      { token: '"b"', url: '"https://u:q@h"', __proto__: '"x"' },
    );
    expect(diff.changed).toEqual([]);
    expect(diff.hidden).toBe(2);
    expect(JSON.stringify(diff)).not.toMatch(/u:p|u:q/);
  });
});
