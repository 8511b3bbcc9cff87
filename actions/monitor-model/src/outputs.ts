export const OUTPUTS = [
  'status',
  'drifted-features',
  'report',
  'issue-url',
  'retrain-dispatched',
] as const;
