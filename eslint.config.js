import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/.next/**', '**/node_modules/**', 'coverage/**', '.kwok/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Only bin.ts may touch the process: everything else gets it through Deps.
    files: ['cli/src/**/*.ts'],
    ignores: ['cli/src/bin.ts', 'cli/src/**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'Only cli/src/bin.ts ends the process; throw a TodoctlError.' },
        { object: 'process', property: 'argv', message: 'Only cli/src/bin.ts reads argv.' },
      ],
    },
  },
);
