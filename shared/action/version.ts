/**
 * The version of mlops-actions, read from package.json when the bundle is built (so a release
 * that bumps package.json cannot leave it behind). It is part of every training fingerprint: a
 * new release may change what a run records, so its cache entries are its own.
 */
import packageJson from '../../package.json';

export const ACTION_VERSION: string = packageJson.version;
