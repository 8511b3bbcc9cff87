export const OUTPUTS = [
  'fingerprint',
  'version',
  'manifest',
  'model-path',
  'cache-hit',
  'artifact-name',
  'artifact-id',
] as const;
