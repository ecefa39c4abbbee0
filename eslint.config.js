import eslintPluginAstro from 'eslint-plugin-astro';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** A module that does I/O or reads secrets: its name ends in `.server` (src/lib/<domain>/*.server.ts). */
const SERVER_MODULE = '\\.server(\\.tsx?)?$';
const SERVER_ONLY_PACKAGES = ['stripe', 'resend', 'pino', '@react-email/render'];
const PURE_MESSAGE =
  'Pure modules (src/lib/**, not *.server.ts) do no I/O: move this call to a *.server.ts module of the domain.';
const COMPONENT_MESSAGE =
  'Components receive data from pages; only pages, actions, middleware and server islands import *.server.ts.';
const PAGE_MESSAGE = 'Pages and Actions call domain modules; the database is reached only from src/lib/**/*.server.ts.';

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
  // The layering of the house (docs/architecture.md, decision 0014). Each rule names who may not
  // import what; type imports count too, so a view type lives on the pure side of its domain.
  {
    // Pure modules: no I/O, no runtime settings, no Node. They are the rules, tested table by table.
    files: ['src/lib/**/*.{ts,tsx}'],
    ignores: ['src/lib/**/*.server.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: SERVER_ONLY_PACKAGES.map((name) => ({ name, message: PURE_MESSAGE })),
          patterns: [
            { regex: SERVER_MODULE, message: PURE_MESSAGE },
            { regex: '^(node:|astro:env)', message: PURE_MESSAGE },
            { regex: '^(drizzle-orm|@libsql/|@node-rs/|@react-pdf/)', message: PURE_MESSAGE },
            { regex: '/db/(connect|backup)(\\.ts)?$', message: PURE_MESSAGE },
            { regex: '/db/schema(\\.ts)?$', message: PURE_MESSAGE, allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    // Components render on the client too: they receive data from pages and import only pure
    // modules. Server islands (src/components/server-islands) are the exception: Astro renders
    // them only on the server, per request, as endpoints of their own, so they load like pages.
    files: ['src/components/**/*', 'src/layouts/**/*'],
    ignores: ['src/components/server-islands/**/*'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: SERVER_ONLY_PACKAGES.map((name) => ({ name, message: COMPONENT_MESSAGE })),
          patterns: [
            { regex: SERVER_MODULE, message: COMPONENT_MESSAGE },
            { regex: '^(node:|astro:env|drizzle-orm|@libsql/)', message: COMPONENT_MESSAGE },
            { regex: '/db/[\\w-]+(\\.ts)?$', message: COMPONENT_MESSAGE },
          ],
        },
      ],
    },
  },
  {
    // Pages, endpoints and Actions speak to domains, never to tables: the database handle comes
    // from the app context (Astro.locals.app) and queries live in the domain's *.server.ts.
    files: ['src/pages/**/*', 'src/actions/**/*', 'src/components/server-islands/**/*'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^drizzle-orm', message: PAGE_MESSAGE },
            { regex: '/db/[\\w-]+(\\.ts)?$', message: PAGE_MESSAGE },
            { regex: '/app/db\\.server(\\.ts)?$', message: PAGE_MESSAGE },
          ],
        },
      ],
    },
  },
);
