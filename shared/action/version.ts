/**
 * The version of mlops-actions, as package.json has it (a contract test keeps the two equal).
 * It is part of every training fingerprint: a new release may change what a run records, so
 * its cache entries are its own.
 */
export const ACTION_VERSION = '0.1.0';
