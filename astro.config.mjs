// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import react from '@astrojs/react';
import sitemap from '@astrojs/sitemap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { LARGEST_BODY_BYTES } from './src/lib/http/request-body.ts';
import { precompressDirectory } from './server/precompress.ts';
import { PAGE_CSP_DIRECTIVES } from './src/lib/http/security-headers.ts';
import { ENV_SCHEMA } from './src/lib/app/env-schema.ts';
import { readConfig } from './src/lib/app/config.ts';

// The public origin is baked into prerendered pages (canonical URLs, feeds, sitemap),
// so it is read at build time rather than through astro:env.
const site = readConfig(process.env).siteUrl;
/** Where the server bundle goes (dist/server, or <outDir>/server with `astro build --outDir`). */
let serverDir = 'dist/server';

export default defineConfig({
  site,
  output: 'server',
  trailingSlash: 'never',
  build: { format: 'directory', inlineStylesheets: 'always' },
  adapter: node({ mode: 'middleware', bodySizeLimit: LARGEST_BODY_BYTES }),
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
      // Last, so the sitemap is compressed too. The production server (server/main.ts) and the
      // worker (server/worker.ts) are bundled to plain JavaScript: Node's type stripping cannot
      // run the email templates (JSX) or extensionless imports, and both processes then carry the
      // public origin this build was made for.
      name: 'own-the-follow-up:server',
      hooks: {
        'astro:config:done': ({ config }) => {
          serverDir = fileURLToPath(config.build.server);
        },
        'astro:build:done': async ({ dir, logger }) => {
          logger.info(`${precompressDirectory(fileURLToPath(dir))} precompressed files written`);
          // The origin this build is for, read by the commands that run it (npm run serve:proxy).
          writeFileSync(join(serverDir, 'build.json'), JSON.stringify({ site }) + '\n');
          await esbuild({
            entryPoints: { main: 'server/main.ts', worker: 'server/worker.ts' },
            outdir: serverDir,
            outExtension: { '.js': '.mjs' },
            // The worker loads its jobs (and React) with a dynamic import, once NODE_ENV is set.
            splitting: true,
            chunkNames: 'processes/[name]-[hash]',
            bundle: true,
            platform: 'node',
            format: 'esm',
            target: 'node22',
            packages: 'external',
            logLevel: 'warning',
            define: { __SITE_URL__: JSON.stringify(site) },
          });
          logger.info(`${join(serverDir, 'main.mjs')} and worker.mjs written`);
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
  // Declared in src/lib/app/env-schema.ts, which the worker validates against too.
  env: { validateSecrets: true, schema: ENV_SCHEMA },
  security: {
    // Replaced by our own check in src/middleware.ts, which must let the one-click unsubscribe
    // POST from mail providers (no Origin header) through. See docs/decisions/0005.
    checkOrigin: false,
    actionBodySizeLimit: LARGEST_BODY_BYTES,
    // Astro hashes every script and style it puts in a page into the page's policy: a <meta> in
    // prerendered pages (lifted into a header by server/static-files.ts), a header on rendered ones.
    csp: { algorithm: 'SHA-256', directives: [...PAGE_CSP_DIRECTIVES] },
  },
});
