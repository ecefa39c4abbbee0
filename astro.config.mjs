// @ts-check
import { defineConfig, envField } from 'astro/config';
import node from '@astrojs/node';
import react from '@astrojs/react';
import sitemap from '@astrojs/sitemap';

// The public origin is baked into prerendered pages (canonical URLs, feeds, sitemap),
// so it is read at build time rather than through astro:env.
const site = process.env.SITE_URL ?? 'http://localhost:4321';

export default defineConfig({
  site,
  output: 'server',
  trailingSlash: 'never',
  build: { format: 'directory', inlineStylesheets: 'always' },
  adapter: node({ mode: 'middleware', bodySizeLimit: 1024 * 1024 }),
  integrations: [react(), sitemap({ filter: (page) => !/\/(search|404)$/.test(new URL(page).pathname) })],
  server: { port: 4321, host: true },
  prefetch: false,
  // Sample messages are plain text: the site's own styles present them, with no inline colours.
  markdown: { syntaxHighlight: false },
  devToolbar: { enabled: false },
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
    },
  },
});
