export const OUTPUTS = [
  'version',
  'record',
  'deployment-id',
  'previous-version',
  'release-url',
] as const;
