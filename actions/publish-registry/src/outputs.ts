export const OUTPUTS = ['site', 'fleet', 'models', 'stale'] as const;
