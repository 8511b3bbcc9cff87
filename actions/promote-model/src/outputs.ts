export const OUTPUTS = [
  'version',
  'record',
  'deployment-id',
  'previous-version',
  'release-url',
  'comparison-digest',
] as const;
