export const OUTPUTS = ['passed', 'verdict', 'report', 'comment-file', 'baseline-version'] as const;
