import eslintPluginAstro from 'eslint-plugin-astro';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'dist/',
      '.astro/',
      'node_modules/',
      'data/',
      'test-results/',
      'playwright-report/',
      '.bench/',
      '.proxy/',
    ],
  },
  ...tseslint.configs.recommended,
  ...eslintPluginAstro.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-console': 'off',
    },
  },
  {
    // Components and islands render on the client too: they never reach the server layer.
    // Server islands (src/components/server-islands) are the exception: Astro renders them only
    // on the server, per request, as endpoints of their own, so they load their data like pages.
    files: ['src/components/**/*'],
    ignores: ['src/components/server-islands/**/*'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/lib/server/*', '**/lib/server'],
              message: 'Components receive data from pages; only pages, actions and middleware import src/lib/server.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
