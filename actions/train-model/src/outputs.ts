export const OUTPUTS = [
  'fingerprint',
  'version',
  'manifest',
  'model-path',
  'cache-hit',
  'training-seconds',
  'artifact-name',
  'artifact-id',
] as const;
