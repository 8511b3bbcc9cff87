/**
 * One taxonomy for every problem found in data, after frictionless' error codes, so reports
 * from this project read like the ones data people already know.
 */
export type FindingLevel = 'error' | 'warning';

export type FindingCode =
  | 'source-error' // the file cannot be read as the format says (quoting, encoding)
  | 'missing-label' // a schema field has no column
  | 'extra-label' // a column has no schema field
  | 'duplicate-label' // two columns share a name
  | 'blank-label' // a column has no name
  | 'missing-cell' // a row has fewer cells than the header
  | 'extra-cell' // a row has more cells than the header
  | 'blank-row' // an empty line in a table of several columns
  | 'type-error' // a cell is not of its field's type
  | 'constraint-error' // a cell breaks one of its field's constraints
  | 'unique-error' // a value repeats in a unique field
  | 'primary-key' // a primary key value repeats or is missing
  | 'empty-file'; // a file has a header but no rows

export interface Finding {
  code: FindingCode;
  level: FindingLevel;
  message: string;
  file: string;
  /** 1-based data row (the header is not counted). */
  row?: number;
  /** 1-based file line where the row starts. */
  line?: number;
  field?: string;
  /** The offending cell, shortened to 120 characters. */
  value?: string;
  expected?: string;
}

export function shorten(value: string, limit = 120): string {
  return value.length > limit ? `${value.slice(0, limit)}…` : value;
}
