export const OUTPUTS = [
  'passed',
  'verdict',
  'report',
  'comment-file',
  'baseline-version',
  'comment-url',
  'comment-artifact',
  'report-artifact',
] as const;
