export const OUTPUTS = ['fingerprint', 'version', 'manifest', 'model-path'] as const;
