import type { APIContext } from 'astro';

export const prerender = true;

/** Crawlers may read the guidance; personal and operational pages stay out of indexes. */
export function GET(context: APIContext) {
  const lines = [
    'User-agent: *',
    'Allow: /',
    'Disallow: /account',
    'Disallow: /tracker',
    'Disallow: /coach',
    'Disallow: /dev/',
    'Disallow: /_actions/',
    'Disallow: /_server-islands/',
    '',
    `Sitemap: ${new URL('/sitemap-index.xml', context.site).href}`,
    '',
  ];
  return new Response(lines.join('\n'), { headers: { 'content-type': 'text/plain; charset=utf-8' } });
}
