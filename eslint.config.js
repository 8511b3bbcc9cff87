// @ts-check
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const ACTIONS = readdirSync(new URL('./actions/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/**
 * The layers, by path from the repository root:
 * entries (actions/<name>/src, cli/src) → shared/ (the domain, with shared/action/ its runner
 * and input layer) → libraries. Tests, the runner harness and the examples sit beside them.
 */
const LAYER_ZONES = [
  {
    target: './shared',
    from: ['./actions', './cli', './test', './examples', './harness'],
    message:
      'shared/ is the library the entries use; it never imports an action, the CLI, a test, an example or the harness. Move what both need into shared/.',
  },
  ...ACTIONS.map((name) => ({
    target: `./actions/${name}`,
    from: './actions',
    except: [`./${name}`],
    message: 'An action never imports another action: move what both need into shared/.',
  })),
  {
    target: ['./examples', './harness'],
    from: './test',
    message:
      'The examples and the harness run outside the tests (the demo, the benchmarks): they never import from test/.',
  },
  {
    // Domain modules take identifiers and constants from their own modules (e.g. shared/identifiers.ts), not from the input layer.
    target: ['./shared/!(action)/**', './shared/*.ts'],
    from: './shared/action/inputs.ts',
    message:
      'Domain modules do not import the input layer (shared/action/inputs.ts): import the constant from the module that owns it (e.g. shared/identifiers.ts).',
  },
];

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        TextDecoder: 'readonly',
        structuredClone: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      eqeqeq: 'error',
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    settings: {
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver()],
    },
    rules: {
      // Runtime cycles (import-x skips type-only imports; `npm run lint` also runs madge, which counts them).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        { basePath: import.meta.dirname, zones: LAYER_ZONES },
      ],
      // A promise nobody awaits loses its rejection: the step would pass with the work undone.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // The domain library and the actions talk to the user through the runner, never the console.
    files: ['shared/**/*.ts', 'actions/*/src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // Test payloads from GitHub's examples are untyped JSON.
    files: ['test/**/*.ts', 'harness/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
