export const OUTPUTS = ['valid', 'report', 'rows', 'errors', 'warnings'] as const;
