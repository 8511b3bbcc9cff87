export const OUTPUTS = ['passed', 'verdict', 'report', 'comment-file', 'baseline-version', 'comment-url'] as const;
