import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadActions } from '../../.github/scripts/action-metadata.js';
import { actionDefaults } from '../../shared/action/action-defaults.js';
import { tempDir } from '../helpers/temp-dir.js';
import { writeFile } from 'node:fs/promises';

describe("actionDefaults, the CLI's reading of an action's declared defaults", () => {
  it('gives every action the defaults the metadata generator reads with another YAML parser', async () => {
    const root = resolve(fileURLToPath(import.meta.url), '../../..');
    for (const action of await loadActions(root)) {
      const expected = Object.fromEntries(
        Object.entries(action.inputs)
          .filter(([, input]) => input.default !== undefined)
          .map(([name, input]) => [name, String(input.default)]),
      );
      expect(await actionDefaults(join(root, action.file)), action.file).toEqual(expected);
    }
  });

  it('reads quoting, block scalars and comments as YAML does', async () => {
    const path = join(await tempDir(), 'action.yml');
    await writeFile(
      path,
      [
        'inputs:',
        '  quoted:',
        "    default: 'it''s'",
        '  folded:',
        '    description: x',
        '    default: >-',
        '      two',
        '      lines',
        '  commented: # a comment',
        '    default: "1000" # the bound',
        '  none:',
        '    description: no default',
        'outputs:',
        '  out:',
        '    description: x',
      ].join('\n'),
    );
    expect(await actionDefaults(path)).toEqual({
      quoted: "it's",
      folded: 'two lines',
      commented: '1000',
    });
  });
});
