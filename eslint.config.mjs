// @ts-check
/**
 * ESLint flat config: type-aware typescript-eslint over src, test, bench, scripts and migrations, import cycles
 * forbidden, formatting left to Prettier (eslint-config-prettier last).
 *
 * Baseline: typescript-eslint's recommendedTypeChecked. Its no-unsafe-* family (an `any` that a library hands us,
 * such as DataSource.query rows, must be given a type before use) is on for the product's code (src/, specs aside)
 * and off for tests and tools, which read untyped JSON bodies on purpose (~1,400 findings there).
 */
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import prettier from 'eslint-config-prettier/flat';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TESTS = ['test/**/*.ts', '**/*.spec.ts', '**/*.e2e-spec.ts'];

export default defineConfig(
  globalIgnores(['dist/', 'node_modules/', '.data/', 'coverage/', 'test/fixtures/', 'bench/results/']),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node },
      // One TypeScript program for the whole repo, from tsconfig.json (it includes src, test, migrations, scripts, bench).
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      // Without these import-x only reads .js files and no-cycle silently finds nothing in TypeScript.
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json', alwaysTryTypes: true })],
    },
    rules: {
      // Required.
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      // Runtime import cycles between our files (type-only imports are not followed); packages are not walked.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],

      // Off outside src/: see the header.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',

      // `const { dropped: _, ...rest } = x` is how the code omits a field.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },

  // The product's code: query rows and parsed JSON get a type before they are used.
  {
    files: ['src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
    },
  },

  // Tests (and their helpers) read untyped JSON bodies and build deliberately malformed payloads: `any` is allowed there.
  // The CPO simulator is a program we run (npm run simulator), so it keeps the src rules.
  {
    files: TESTS,
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['test/cpo-simulator/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },

  // Plain JavaScript config files are not in tsconfig.json: no type information for them.
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  prettier,
);
