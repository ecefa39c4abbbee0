/**
 * The Interview Success Cheat Sheet: its shape, and the placeholder filling the tracker uses
 * to turn a template into a ready message. Pure: the YAML is read and the PDF is drawn elsewhere.
 */
import { z } from 'astro/zod';

/** The five ready messages, in the order a follow-up usually needs them. */
export const TEMPLATE_IDS = [
  'thank-you',
  'first-check-in',
  'persistent-check-in',
  'networking-summary',
  'offer-value',
] as const;

export type TemplateId = (typeof TEMPLATE_IDS)[number];

/** Text that says something: surrounding whitespace (a block scalar's last newline) is dropped. */
const text = z.string().trim().min(1, 'must not be empty');

const stepSchema = z.object({ title: text, detail: text }).strict();

const timingRowSchema = z.object({ moment: text, send: text, when: text, note: text }).strict();

const templateSchema = z
  .object({
    id: z.enum(TEMPLATE_IDS),
    title: text,
    when: text,
    subject: text,
    body: text,
  })
  .strict();

export const cheatSheetSchema = z
  .object({
    title: text,
    subtitle: text,
    intro: text,
    steps: z.array(stepSchema).min(5).max(7),
    timing: z.array(timingRowSchema).min(5),
    templates: z
      .array(templateSchema)
      .length(TEMPLATE_IDS.length)
      .refine((templates) => new Set(templates.map((template) => template.id)).size === templates.length, {
        message: 'each template id must appear exactly once',
      }),
    tone: z
      .object({
        do: z.array(text).min(5).max(7),
        dont: z.array(text).min(5).max(7),
      })
      .strict(),
    closing: text,
  })
  .strict();

export type CheatSheet = z.infer<typeof cheatSheetSchema>;
export type CheatSheetTemplate = CheatSheet['templates'][number];

/** `{contact name}`, `{role title}`…: braces around a name that holds no brace or line break. */
const PLACEHOLDER = /\{([^{}\n]+)\}/g;

/**
 * Replaces each `{placeholder}` whose name has a non-blank value; any other placeholder stays
 * as written, so a half-filled message still shows what is left to fill. Values are inserted
 * as they are, in one pass: braces inside a value are never filled in turn.
 */
export function fillTemplate(body: string, values: Record<string, string>): string {
  return body.replace(PLACEHOLDER, (placeholder, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    return typeof value === 'string' && value.trim() !== '' ? value : placeholder;
  });
}

/** The distinct placeholder names in a template, in order of first appearance. */
export function templatePlaceholders(body: string): string[] {
  return [...new Set(Array.from(body.matchAll(PLACEHOLDER), (match) => match[1]!))];
}

/**
 * The number of pages in a PDF as react-pdf writes it: the page tree's dictionaries stay plain
 * text (only content streams are compressed), and the root's /Count is the number of pages.
 */
export function countPdfPages(pdf: Uint8Array): number {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  const counts = Array.from(text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)/g), (match) => Number(match[1]));
  if (counts.length === 0) throw new Error('not a PDF with a page tree');
  return Math.max(...counts);
}

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** A length as a sentence says it: "one page", "four pages", "12 pages". */
export function pagesInWords(pages: number): string {
  const count = NUMBER_WORDS[pages] ?? String(pages);
  return pages === 1 ? `${count} page` : `${count} pages`;
}

/** The sheet is drawn on A4: the preview images keep its proportions. */
export const A4_ASPECT = 841.89 / 595.28;

/** The widths (CSS pixels ×1 and ×2 for a phone, a column on a desktop) the first page is rendered at. */
export const PREVIEW_WIDTHS = [360, 720] as const;

export function previewHeight(width: number): number {
  return Math.round(width * A4_ASPECT);
}

/** What page 1 shows, for readers who cannot see the preview: the cover, the intro and the routine. */
export function firstPageDescription(sheet: Pick<CheatSheet, 'title' | 'subtitle' | 'steps'>): string {
  const steps = sheet.steps.map((step, index) => `${index + 1}. ${step.title}`).join('; ');
  return `Page 1 of the ${sheet.title}: the cover (“${sheet.subtitle}”), a short introduction and the step-by-step routine: ${steps}.`;
}
