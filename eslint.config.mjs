import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import layering from './eslint/layering.mjs';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', '.cache/', '.sample/', 'test/fixtures/', 'bench/.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // The core is plain TypeScript: it must stay free of the editor and the DOM.
    files: ['src/core/**/*.ts', 'src/cli.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core must not import vscode.' }], patterns: ['**/extension/**', '**/webview/**'] }],
    },
  },
  {
    // Imports run down the layers of src/ (the rank table is in eslint/layering.mjs).
    files: ['src/**/*.ts'],
    plugins: { layering },
    rules: { 'layering/imports': 'error' },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', 'scripts/**/*.js', 'bench/**/*.js'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
);
