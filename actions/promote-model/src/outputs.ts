export const OUTPUTS = ['version', 'record'] as const;
