// @ts-check
import { defineConfig, envField } from 'astro/config';
import node from '@astrojs/node';
import react from '@astrojs/react';
import sitemap from '@astrojs/sitemap';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { MAX_BODY_BYTES } from './src/lib/request-body.ts';
import { precompressDirectory } from './server/precompress.ts';
import { PAGE_CSP_DIRECTIVES } from './src/lib/security-headers.ts';

// The public origin is baked into prerendered pages (canonical URLs, feeds, sitemap),
// so it is read at build time rather than through astro:env.
const site = process.env.SITE_URL ?? 'http://localhost:4321';

export default defineConfig({
  site,
  output: 'server',
  trailingSlash: 'never',
  build: { format: 'directory', inlineStylesheets: 'always' },
  adapter: node({ mode: 'middleware', bodySizeLimit: MAX_BODY_BYTES }),
  integrations: [
    react(),
    // Only pages a search engine should list: not search results, personal, coach, mail or one-time-link pages.
    sitemap({
      filter: (page) =>
        !/^\/(search|404|account|auth|coach|dev|email|logout|tracker|login|signup|unsubscribe)(\/|$)|^\/pricing\/|^\/cheat-sheet\/(confirm|link-expired)$/.test(
          new URL(page).pathname,
        ),
    }),
    {
      // Last, so the sitemap is compressed too. The production server (server/main.ts) is bundled
      // to plain JavaScript so it starts without Node's TypeScript loader.
      name: 'own-the-follow-up:server',
      hooks: {
        'astro:build:done': async ({ dir, logger }) => {
          logger.info(`${precompressDirectory(fileURLToPath(dir))} precompressed files written`);
          await esbuild({
            entryPoints: ['server/main.ts'],
            outfile: 'dist/server/main.mjs',
            bundle: true,
            platform: 'node',
            format: 'esm',
            target: 'node22',
            packages: 'external',
            logLevel: 'warning',
            define: { __SITE_URL__: JSON.stringify(site) },
          });
          logger.info('dist/server/main.mjs written');
        },
      },
    },
  ],
  server: { port: 4321, host: true },
  prefetch: false,
  // Sample messages are plain text: the site's own styles present them, with no inline colours.
  markdown: { syntaxHighlight: false },
  devToolbar: { enabled: false },
  vite: {
    // Dependencies are bundled into the server build instead of loaded file by file from
    // node_modules: Node 24 spent ~0.5 s and ~80 MB of heap resolving drizzle-orm's modules at
    // start. Left external: native code (libSQL, argon2, sharp) and @react-pdf, which loads its fonts by path.
    ssr: { noExternal: true, external: ['@libsql/client', '@node-rs/argon2', 'sharp', '@react-pdf/renderer'] },
  },
  env: {
    validateSecrets: true,
    schema: {
      DATABASE_URL: envField.string({
        context: 'server',
        access: 'secret',
        default: 'file:data/app.db',
        url: true,
      }),
      DATABASE_AUTH_TOKEN: envField.string({ context: 'server', access: 'secret', optional: true }),
      // Server variables marked `public` are inlined at build time; runtime settings are `secret`.
      DATABASE_BUSY_TIMEOUT_MS: envField.number({
        context: 'server',
        access: 'secret',
        default: 5000,
        int: true,
        gt: 0,
      }),
      APP_SECRET: envField.string({ context: 'server', access: 'secret', optional: true, min: 32 }),
      RESEND_API_KEY: envField.string({ context: 'server', access: 'secret', optional: true, startsWith: 're_' }),
      RESEND_BASE_URL: envField.string({ context: 'server', access: 'secret', optional: true, url: true }),
      EMAIL_FROM: envField.string({
        context: 'server',
        access: 'secret',
        default: 'Own the Follow-Up <coach@ownthefollowup.localhost>',
      }),
      // Payments are on when the secret key, the webhook secret and at least one price are set.
      STRIPE_SECRET_KEY: envField.string({ context: 'server', access: 'secret', optional: true, min: 8 }),
      STRIPE_WEBHOOK_SECRET: envField.string({
        context: 'server',
        access: 'secret',
        optional: true,
        startsWith: 'whsec_',
      }),
      STRIPE_PRICE_MONTHLY: envField.string({
        context: 'server',
        access: 'secret',
        optional: true,
        startsWith: 'price_',
      }),
      STRIPE_PRICE_YEARLY: envField.string({
        context: 'server',
        access: 'secret',
        optional: true,
        startsWith: 'price_',
      }),
      // Another address for Stripe's API: the local fake in tests. Unset, the SDK talks to Stripe.
      STRIPE_API_URL: envField.string({ context: 'server', access: 'secret', optional: true, url: true }),
      BACKGROUND_JOBS: envField.boolean({ context: 'server', access: 'secret', default: true }),
      TRUST_PROXY: envField.boolean({ context: 'server', access: 'secret', default: false }),
      // Read by src/lib/server/log.ts, which the worker shares; declared here so a typo stops the start.
      LOG_LEVEL: envField.enum({
        context: 'server',
        access: 'secret',
        values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
        default: 'info',
      }),
    },
  },
  security: {
    // Replaced by our own check in src/middleware.ts, which must let the one-click unsubscribe
    // POST from mail providers (no Origin header) through. See docs/decisions/0005.
    checkOrigin: false,
    actionBodySizeLimit: MAX_BODY_BYTES,
    // Astro hashes every script and style it puts in a page into the page's policy: a <meta> in
    // prerendered pages (lifted into a header by server/static-files.ts), a header on rendered ones.
    csp: { algorithm: 'SHA-256', directives: [...PAGE_CSP_DIRECTIVES] },
  },
});
