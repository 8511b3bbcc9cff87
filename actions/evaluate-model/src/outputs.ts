export const OUTPUTS = ['metrics', 'summary'] as const;
