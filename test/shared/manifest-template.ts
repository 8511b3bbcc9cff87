/** A valid lineage manifest, as train-model writes it, for tests to break one field of. */
import { MANIFEST_FORMAT } from '../../shared/lineage/manifest.js';

const sha = 'a'.repeat(64);

export function validManifest() {
  return {
    format: MANIFEST_FORMAT,
    model: { name: 'churn', version: 'aaaaaaaaaaaa' },
    fingerprint: sha,
    config: { path: 'examples/churn/config.json', sha256: sha, canonicalSha256: sha },
    data: [{ path: 'data/train.csv', sha256: sha }],
    code: { source: 'git', sha256: sha, files: 3 },
    lockFiles: [{ path: '../package-lock.json', sha256: sha }],
    command: 'python train.py',
    seed: 42,
    workingDirectory: '.',
    outputs: [
      { path: 'model/model.json', sha256: sha, bytes: 10 },
      { path: 'model/predictions.csv', sha256: sha, bytes: 10 },
    ],
    runner: { os: 'Linux', arch: 'x64', node: 'v20.0.0' },
    git: { sha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821' },
    training: { startedAt: '2026-01-01T00:00:00.000Z', durationSeconds: 1 },
  };
}
