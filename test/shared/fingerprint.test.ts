import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cachePaths } from '../../shared/cache/training-cache.js';
import { canonicalJson } from '../../shared/files/hash.js';
import { canonicalConfigText } from '../../shared/lineage/canonical-config.js';
import { computeFingerprint, portablePath, versionOf } from '../../shared/lineage/fingerprint.js';
import { BOUNDED_CHILD } from '../../harness/runner/bounded-child.js';

const base = {
  configSha256: 'c'.repeat(64),
  data: [
    { path: 'a.csv', sha256: '1'.repeat(64) },
    { path: 'b.csv', sha256: '2'.repeat(64) },
  ],
  codeSha256: 'e'.repeat(64),
  lockFiles: [{ path: 'requirements.txt', sha256: '4'.repeat(64) }],
  command: 'python train.py',
  seed: 0,
  platform: { os: 'linux', arch: 'x64' },
  actionVersion: '1.0.0',
};

describe('computeFingerprint', () => {
  it('is a sha256, stable for the same inputs and independent of data order', () => {
    const fingerprint = computeFingerprint(base);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(computeFingerprint({ ...base, data: [...base.data].reverse() })).toBe(fingerprint);
    expect(versionOf(fingerprint)).toBe(fingerprint.slice(0, 12));
  });

  it.each([
    ['config', { configSha256: 'd'.repeat(64) }],
    ['data content', { data: [{ path: 'a.csv', sha256: '3'.repeat(64) }, base.data[1]!] }],
    ['data path', { data: [{ path: 'c.csv', sha256: '1'.repeat(64) }, base.data[1]!] }],
    ['command', { command: 'python train.py --fast' }],
    ['seed', { seed: 1 }],
    ['code', { codeSha256: 'f'.repeat(64) }],
    ['lock file', { lockFiles: [{ path: 'requirements.txt', sha256: '5'.repeat(64) }] }],
    ['OS', { platform: { os: 'darwin', arch: 'x64' } }],
    ['architecture', { platform: { os: 'linux', arch: 'arm64' } }],
    ['action version', { actionVersion: '1.0.1' }],
  ])('changes with the %s', (_what, change) => {
    expect(computeFingerprint({ ...base, ...change })).not.toBe(computeFingerprint(base));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,1]},"b":1}',
    );
  });
});

describe('portablePath', () => {
  it('is relative to the base folder with "/" separators', () => {
    expect(portablePath('./data/../data/x.csv', '/repo')).toBe('data/x.csv');
    expect(portablePath('/repo/m/model.bin', '/repo')).toBe('m/model.bin');
  });
});

describe('canonicalConfigText', () => {
  const yamlText = (text: string) => canonicalConfigText(text, 'config.yaml');

  it('keeps the YAML 1.2 type of every scalar: int, float, string, bool, null', async () => {
    const forms = await Promise.all(
      ['n: 50', 'n: 50.0', "n: '50'", 'n: true', 'n: null', 'n: .nan', 'n: -.inf'].map(yamlText),
    );
    expect(new Set(forms).size).toBe(forms.length);
    expect(await yamlText('n: +50')).toBe(forms[0]);
    expect(await yamlText('n: 50.00')).toBe(forms[1]);
    expect(await yamlText('n: "50"')).toBe(forms[2]);
    expect(await yamlText('n: True')).toBe(forms[3]);
    expect(await yamlText('n: ~')).toBe(forms[4]);
  });

  it('counts a plain scalar that YAML 1.1 (PyYAML) reads otherwise by its text', async () => {
    // yes: a string in 1.2, true in PyYAML; 010: 10 against 8; 5e1: a float against a string.
    for (const [a, b] of [
      ['yes', '"yes"'],
      ['010', '10'],
      ['5e1', '50.0'],
      ['1_000', '"1_000"'],
      ['2024-01-01', '"2024-01-01"'],
    ])
      expect(await yamlText(`n: ${a}`), a).not.toBe(await yamlText(`n: ${b}`));
    expect(await yamlText('n: 5.0e+1')).toBe(await yamlText('n: 50.0'));
    expect(await yamlText('{yes: 1}')).not.toBe(await yamlText('{"yes": 1}'));
  });

  it('ignores formatting, comments, key order and the spelling of a number', async () => {
    const reference = await yamlText('b: [1, 2.5]\na: {y: "s", x: 0.1}\n');
    for (const text of [
      'a:\n    x: 1.0e-1   # comment\n    y: s\nb:\n  - 1\n  - 2.50\n',
      '{"a": {"y": "s", "x": 0.1}, "b": [1, 2.5]}',
    ])
      expect(await yamlText(text)).toBe(reference);
    expect(await canonicalConfigText('{"b":[1,2.5],"a":{"x":0.1,"y":"s"}}', 'c.json')).toBe(
      reference,
    );
    expect(await yamlText('b: [2.5, 1]\na: {y: "s", x: 0.1}\n')).not.toBe(reference);
  });

  it("tells a JSON 50 from 50.0, as Python's json module does", async () => {
    expect(await canonicalConfigText('{"n": 50}', 'c.json')).not.toBe(
      await canonicalConfigText('{"n": 50.0}', 'c.json'),
    );
  });

  it('never gives one fingerprint to two spellings PyYAML reads apart (checked against PyYAML)', async () => {
    const spellings = [
      '50',
      '+50',
      '050',
      '0x32',
      '0o62',
      '0b110010',
      '50_0',
      '5_0',
      '50.0',
      '50.00',
      '5e1',
      '5.0e1',
      '5.0e+1',
      '5.0E+1',
      '.5',
      '0.5',
      '1.',
      '1.0',
      '.inf',
      '.Inf',
      '-.inf',
      '.nan',
      '.NaN',
      'yes',
      'Yes',
      'no',
      'on',
      'off',
      'y',
      'n',
      'true',
      'True',
      'TRUE',
      'false',
      'null',
      'Null',
      '~',
      '',
      'abc',
      'a b',
      '2024-01-01',
      '2024-1-1',
      '1:30',
      '1:30.5',
      '0',
      '-0',
      '-0.0',
      '+.5',
      'inf',
      'nan',
      '0x',
      '1e',
      '1_000.5',
    ];
    const canonical = await Promise.all(spellings.map((s) => yamlText(`n: ${s}\n`)));
    const pyyaml = JSON.parse(
      execFileSync(
        '/usr/bin/python3',
        [
          '-c',
          'import json, sys, yaml\nprint(json.dumps([repr((type(v), v)) for v in (yaml.safe_load("n: " + s + "\\n")["n"] for s in json.load(sys.stdin))]))',
        ],
        { input: JSON.stringify(spellings), encoding: 'utf8', ...BOUNDED_CHILD },
      ),
    ) as string[];
    for (let a = 0; a < spellings.length; a++)
      for (let b = a + 1; b < spellings.length; b++)
        if (canonical[a] === canonical[b])
          expect(pyyaml[a], `${spellings[a]} and ${spellings[b]} share a fingerprint`).toBe(
            pyyaml[b],
          );
    // And the spellings that mean the same in both do share one.
    expect(canonical[spellings.indexOf('50.0')]).toBe(canonical[spellings.indexOf('5.0e+1')]);
    expect(canonical[spellings.indexOf('true')]).toBe(canonical[spellings.indexOf('True')]);
  });

  it('resolves merge keys and anchors as the values they stand for', async () => {
    expect(await yamlText('base: &b {lr: 0.1}\nrun:\n  <<: *b\n  epochs: 3\n')).toBe(
      await yamlText('base: {lr: 0.1}\nrun: {lr: 0.1, epochs: 3}\n'),
    );
  });

  it('keeps the budgets of structured.ts: an alias bomb is refused before the walk', async () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 9; level++) {
      const previous = Array(10)
        .fill(`*a${level - 1}`)
        .join(', ');
      lines.push(`a${level}: &a${level} [${previous}]`);
    }
    await expect(yamlText(lines.join('\n'))).rejects.toThrow(/expand to more than 100,000 values/);
  });
});

describe('cachePaths', () => {
  it('does not depend on the order of outputs', () => {
    const outputs = ['/w/model/b.bin', '/w/model/a.bin'];
    expect(cachePaths(outputs, '/w/.mlops-actions/m.json', '/w')).toEqual(
      cachePaths([...outputs].reverse(), '/w/.mlops-actions/m.json', '/w'),
    );
  });
});
