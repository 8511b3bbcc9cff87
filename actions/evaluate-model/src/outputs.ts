export const OUTPUTS = ['metrics', 'summary', 'artifact-name'] as const;
