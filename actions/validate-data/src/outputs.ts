export const OUTPUTS = ['valid', 'report', 'profile', 'rows', 'errors', 'warnings'] as const;
