import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/files/hash.js';
import { computeFingerprint, portablePath, versionOf } from '../../shared/lineage/fingerprint.js';

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
