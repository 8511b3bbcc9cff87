/**
 * Names from a pull request's data and schema that are legitimate data but full of Markdown,
 * HTML and mentions: they must reach the job summary as literal text.
 */
import type { HostileCase } from '../case.js';

const name = '<img src=x onerror=alert(1)> **bold** @octocat [link](https://example.com) | pipe';
const schema = JSON.stringify({ fields: [{ name, type: 'integer', constraints: { minimum: 0 } }] });

export const cases: HostileCase[] = [
  {
    id: 'r-field-name-valid',
    action: 'validate-data',
    files: { 'schema.json': schema, 'data.csv': `"${name}"\n1\n2\n` },
    inputs: { data: '{dir}/data.csv', schema: '{dir}/schema.json' },
    // In the summary the name stands in code spans (inert) with its mention broken; never as markup.
    expect: {
      rendered: {
        raw: /(^|[^`])<img src=x|@octocat(?!\u200B)/m,
        shown:
          /`<img src=x onerror=alert\(1\)> \*\*bold\*\* @\u200Boctocat \[link\]\(https:\/\/example.com\) \\\| pipe`/,
      },
    },
  },
  {
    id: 'r-field-name-invalid',
    action: 'validate-data',
    files: { 'schema.json': schema, 'data.csv': `"${name}"\n1\n-5\n` },
    inputs: { data: '{dir}/data.csv', schema: '{dir}/schema.json' },
    expect: { error: /hostile\/r-field-name-invalid\/data.csv:3: .*-5/ },
  },
];
