/**
 * Files the browser downloads (exports of a member's or the coach's data): saved under the name
 * given, private to whoever asked, and never kept by a cache. Pure.
 */

export function attachmentResponse(body: string, filename: string, contentType: string): Response {
  return new Response(body, {
    headers: {
      'content-type': contentType,
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'private, no-store',
    },
  });
}

/**
 * Marks UTF-8 for Excel: opened by double-click, a CSV without it is read in the machine's
 * legacy code page and `Renée Šťastná` comes out mangled. Our importer ignores it.
 */
export const UTF8_BOM = '\uFEFF';

/** CSV text (made with csvRow, so formulas are already defused) as a download, with a UTF-8 byte order mark. */
export function csvResponse(body: string, filename: string): Response {
  return attachmentResponse(UTF8_BOM + body, filename, 'text/csv; charset=utf-8');
}

/** A value as an indented JSON download. */
export function jsonAttachmentResponse(value: unknown, filename: string): Response {
  return attachmentResponse(JSON.stringify(value, null, 2), filename, 'application/json; charset=utf-8');
}
