export const OUTPUTS = ['version', 'record', 'deployment-id', 'previous-version'] as const;
