/**
 * A cell as its format holds it (see records.ts): text for CSV and TSV, a JSON value for JSON
 * Lines, and for Parquet a number, string, boolean or null, dates and timestamps as ISO text.
 * Its own module so that the format readers (jsonl.ts, parquet.ts) need not import records.ts,
 * which imports them.
 */
export type RawValue = string | number | boolean | null | RawValue[] | { [key: string]: RawValue };
