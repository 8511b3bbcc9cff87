import { UserError } from '../action/errors.js';

/** Frictionless' file-level error codes: the file cannot be read as the format it claims. */
export type DataFileErrorCode = 'encoding-error' | 'compression-error' | 'format-error';

/**
 * A data file that cannot be read as a whole or past some point: invalid UTF-8, a truncated
 * gzip stream, a Parquet file whose footer or pages are corrupt. It is a UserError (the
 * message says which file, where and what to do), and carries a code and a location so that
 * a validator can report it as a finding and go on with the next file.
 */
export class DataFileError extends UserError {
  override name = 'DataFileError';
  constructor(
    message: string,
    readonly code: DataFileErrorCode,
    readonly path: string,
    readonly line?: number,
  ) {
    super(message);
  }
}
