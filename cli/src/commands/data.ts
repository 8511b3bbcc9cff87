/** `mlops-actions infer-schema` and `merge-profiles`: the data helpers with no action of their own. */
import { open } from 'node:fs/promises';
import { UserError } from '../../../shared/action/errors.js';
import { delimiterName, sniffSampleDelimiter } from '../../../shared/validation/delimiter-sniff.js';
import { detectFormat, type DataFormat } from '../../../shared/data/records.js';
import { mergeProfiles, readProfile } from '../../../shared/profile/profile.js';
import { inferSchema } from '../../../shared/schema/infer.js';
import type { StepEnvironment } from '../../../shared/action/context.js';
import {
  confined,
  count,
  expandFrom,
  output,
  parseFlags,
  stepIn,
  UsageError,
  type Command,
} from '../usage.js';

function dataFormat(format: string): DataFormat {
  if (format === 'csv' || format === 'tsv' || format === 'jsonl' || format === 'parquet')
    return format;
  throw new UsageError(`--format takes auto, csv, tsv, jsonl or parquet; got "${format}".`);
}

async function dataFiles(
  step: StepEnvironment,
  patterns: string[] | undefined,
  format: string | undefined,
): Promise<{ path: string; format: DataFormat }[]> {
  if (!patterns?.length)
    throw new UsageError('--data is required: give a data file or glob pattern.');
  const paths = await expandFrom(patterns, 'data file');
  await confined(step, paths, 'data file');
  const named = format && format !== 'auto' ? dataFormat(format) : undefined;
  return paths.map((path) => ({
    path,
    format: named ?? detectFormat(path, 'data file', 'Give --format csv, tsv, jsonl or parquet.'),
  }));
}

/**
 * A `;`-separated file read as `,` would give a schema of one column: say which delimiter the
 * file's first 64 KiB use instead (shared/validation/delimiter-sniff.ts).
 */
async function refuseWrongDelimiter(
  file: { path: string; format: DataFormat },
  given: string | undefined,
): Promise<void> {
  if (file.format !== 'csv' && file.format !== 'tsv') return;
  if (/\.gz$/i.test(file.path)) return;
  const current = given ?? (file.format === 'tsv' ? '\t' : ',');
  const handle = await open(file.path);
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const lines = buffer.subarray(0, bytesRead).toString('utf8').split(/\r?\n/).slice(0, -1);
    const found = sniffSampleDelimiter(lines, current);
    if (found === undefined) return;
    throw new UserError(
      `The data file "${file.path}" was read as ${delimiterName(current)}-separated, but its header and nearly every row are one column, which the ${delimiterName(found)} splits into ${lines[0]!.split(found).length}: the file is ${delimiterName(found)}-separated. ${found === '\t' ? 'Pass --format tsv' : `Pass --delimiter '${found}'`} and run again.`,
    );
  } finally {
    await handle.close();
  }
}

export const inferSchemaCommand: Command = {
  name: 'infer-schema',
  summary: 'writes a Table Schema from sample data',
  help: `Usage: mlops-actions infer-schema --data <path|glob> [--data ...] [options]

Writes a schema from sample data, the first --sample-rows rows of every file: types, formats
and missing values; unique and enum only with enough support; observed ranges as ml.stats
warnings, not constraints. Review it before you commit it.

Options:
  --data <path|glob>    a data file or glob pattern (repeatable; required)
  --format <f>          auto (by extension, the default), csv, tsv, jsonl or parquet
  --out <file>          where to write it: .yaml or .json (default: standard output, YAML)
  --sample-rows <n>     rows read from each file (default: 10000)
  --enum-limit <n>      at most this many values make an enum (default: 10)
  --delimiter <c>       the CSV delimiter (default: , for .csv, tab for .tsv)
  --workspace <dir>     the folder every file must lie in (default: the current folder)
  -h, --help            this help

Example: mlops-actions infer-schema --data data/train.csv --out schema.yaml
`,
  async run(args) {
    const { values } = parseFlags(args, {
      data: { type: 'string', multiple: true },
      format: { type: 'string' },
      out: { type: 'string' },
      'sample-rows': { type: 'string' },
      'enum-limit': { type: 'string' },
      delimiter: { type: 'string' },
      workspace: { type: 'string' },
    });
    const step = stepIn(values.workspace);
    const sampleRows = count(values['sample-rows'], '--sample-rows', 10_000);
    const enumLimit = count(values['enum-limit'], '--enum-limit', 10);
    const files = await dataFiles(step, values.data, values.format);
    for (const file of files) await refuseWrongDelimiter(file, values.delimiter);
    const schema = await inferSchema(files, {
      sampleRows,
      enumLimit,
      dialect: { delimiter: values.delimiter },
    });
    const json = values.out !== undefined && /\.json$/i.test(values.out);
    const text = json
      ? `${JSON.stringify(schema, null, 2)}\n`
      : (await import('js-yaml')).dump(schema, { lineWidth: 120, noRefs: true });
    await output(step, values.out, text);
    return 0;
  },
};

export const mergeProfilesCommand: Command = {
  name: 'merge-profiles',
  summary: 'merges the data profiles of shards into the profile of the whole',
  help: `Usage: mlops-actions merge-profiles --out <merged.json> <profile.json|glob> ...

Merges the data profiles of shards (e.g. a job matrix of validate --profile runs) into the
profile of the whole, as if one run had read every file.

Options:
  --out <file>          where to write the merged profile (required)
  --workspace <dir>     the folder every file must lie in (default: the current folder)
  -h, --help            this help

Example: mlops-actions merge-profiles --out profile.json 'profiles/*.json'
`,
  async run(args) {
    const { values, positionals } = parseFlags(
      args,
      { out: { type: 'string' }, workspace: { type: 'string' } },
      true,
    );
    const step = stepIn(values.workspace);
    if (!values.out) throw new UsageError('--out is required: where to write the merged profile.');
    if (positionals.length === 0) throw new UsageError('Give the profile files to merge.');
    const paths = await expandFrom(positionals, 'profile file');
    await confined(step, paths, 'profile file');
    const merged = mergeProfiles(await Promise.all(paths.map(readProfile)));
    await output(step, values.out, `${JSON.stringify(merged)}\n`);
    process.stderr.write(
      `Merged ${paths.length} profile(s): ${merged.rows} rows, ${merged.columns.length} columns.\n`,
    );
    return 0;
  },
};
