/**
 * Draws the Interview Success Cheat Sheet as a printable A4 handout. Only the PDF's built-in
 * fonts are used and nothing is fetched, so rendering works offline and the file stays small.
 */
import { Document, Page, StyleSheet, Text, View, renderToBuffer, type TextProps } from '@react-pdf/renderer';
import type { PropsWithChildren } from 'react';
import type { CheatSheet, CheatSheetTemplate } from './cheat-sheet';
import { SITE } from '../app/site';

const COLOR = {
  brand: '#0e5e5a',
  brandDark: '#0a4643',
  brandTint: '#e8f1f0',
  accent: '#b4461b',
  accentTint: '#fbefe9',
  ink: '#1d2726',
  muted: '#55635f',
  rule: '#c8d5d3',
  paper: '#ffffff',
  stripe: '#f5f8f8',
};

/** A4 in PDF points. */
const A4_HEIGHT = 841.89;
const MARGIN_X = 48;
const MARGIN_TOP = 56;
const MARGIN_BOTTOM = 64;

const styles = StyleSheet.create({
  page: {
    paddingTop: MARGIN_TOP,
    paddingBottom: MARGIN_BOTTOM,
    paddingHorizontal: MARGIN_X,
    fontFamily: 'Helvetica',
    fontSize: 10,
    lineHeight: 1.45,
    color: COLOR.ink,
    backgroundColor: COLOR.paper,
  },

  runningHeader: {
    position: 'absolute',
    top: 24,
    left: MARGIN_X,
    right: MARGIN_X,
    fontSize: 8,
    color: COLOR.muted,
    letterSpacing: 0.6,
    textTransform: 'uppercase',
  },
  footer: {
    position: 'absolute',
    // Measured from the top: react-pdf lays pages out before their height is final, so an
    // element placed with `bottom` ends up off the page.
    top: A4_HEIGHT - 50,
    left: MARGIN_X,
    right: MARGIN_X,
    paddingTop: 8,
    borderTopWidth: 0.75,
    borderTopColor: COLOR.rule,
    flexDirection: 'row',
    justifyContent: 'space-between',
    fontSize: 8,
    color: COLOR.muted,
  },
  footerBrand: { fontFamily: 'Helvetica-Bold', color: COLOR.brand },

  cover: {
    marginTop: -MARGIN_TOP,
    marginHorizontal: -MARGIN_X,
    paddingTop: 44,
    paddingBottom: 30,
    paddingHorizontal: MARGIN_X,
    backgroundColor: COLOR.brand,
    color: COLOR.paper,
  },
  coverKicker: {
    fontFamily: 'Helvetica-Bold',
    fontSize: 9,
    letterSpacing: 1.4,
    textTransform: 'uppercase',
    color: '#bfe0dc',
  },
  coverTitle: {
    fontFamily: 'Helvetica-Bold',
    fontSize: 30,
    lineHeight: 1.15,
    marginTop: 10,
  },
  coverRule: { width: 56, height: 3, backgroundColor: COLOR.accent, marginVertical: 12 },
  coverSubtitle: { fontFamily: 'Times-Italic', fontSize: 14, lineHeight: 1.35, color: '#e6f2f0' },
  coverBy: { fontSize: 9, marginTop: 14, color: '#bfe0dc' },

  intro: {
    marginTop: 20,
    fontSize: 11,
    lineHeight: 1.55,
    paddingLeft: 12,
    borderLeftWidth: 3,
    borderLeftColor: COLOR.accent,
  },

  section: { marginTop: 24 },
  /** A section that opens a page: the page margin is space enough. */
  pageStart: { marginTop: 0 },
  sectionKicker: {
    fontFamily: 'Helvetica-Bold',
    fontSize: 8,
    letterSpacing: 1.2,
    textTransform: 'uppercase',
    color: COLOR.accent,
  },
  sectionTitle: {
    fontFamily: 'Helvetica-Bold',
    fontSize: 17,
    lineHeight: 1.2,
    color: COLOR.brand,
    marginTop: 3,
    marginBottom: 12,
  },
  sectionLead: { color: COLOR.muted, marginTop: -6, marginBottom: 12 },

  step: { flexDirection: 'row', marginBottom: 10 },
  stepNumber: {
    width: 22,
    height: 22,
    borderRadius: 11,
    backgroundColor: COLOR.brand,
    color: COLOR.paper,
    fontFamily: 'Helvetica-Bold',
    fontSize: 10,
    lineHeight: 1,
    textAlign: 'center',
    paddingTop: 6,
    marginRight: 12,
  },
  stepText: { flex: 1 },
  stepTitle: { fontFamily: 'Helvetica-Bold', fontSize: 11, color: COLOR.ink, marginBottom: 2 },

  table: { borderWidth: 0.75, borderColor: COLOR.rule, borderRadius: 3 },
  row: { flexDirection: 'row', borderTopWidth: 0.75, borderTopColor: COLOR.rule },
  headerRow: { flexDirection: 'row', backgroundColor: COLOR.brand },
  headerCell: {
    fontFamily: 'Helvetica-Bold',
    fontSize: 8.5,
    color: COLOR.paper,
    letterSpacing: 0.5,
    textTransform: 'uppercase',
    paddingVertical: 5,
    paddingHorizontal: 7,
  },
  cell: { fontSize: 8.75, lineHeight: 1.3, paddingVertical: 5, paddingHorizontal: 7 },
  cellDivider: { borderLeftWidth: 0.75, borderLeftColor: COLOR.rule },
  cellMoment: { fontFamily: 'Helvetica-Bold', color: COLOR.ink },
  cellSend: { fontFamily: 'Helvetica-Bold', color: COLOR.brand },
  cellNote: { color: COLOR.muted },

  card: {
    borderWidth: 0.75,
    borderColor: COLOR.rule,
    borderRadius: 4,
    marginBottom: 12,
  },
  cardHeader: {
    flexDirection: 'row',
    justifyContent: 'space-between',
    alignItems: 'center',
    backgroundColor: COLOR.brandTint,
    borderBottomWidth: 0.75,
    borderBottomColor: COLOR.rule,
    borderTopLeftRadius: 4,
    borderTopRightRadius: 4,
    paddingVertical: 5,
    paddingHorizontal: 12,
  },
  cardNumber: { fontFamily: 'Helvetica-Bold', color: COLOR.accent },
  cardTitle: { fontFamily: 'Helvetica-Bold', fontSize: 11.5, color: COLOR.brandDark },
  cardWhen: {
    fontSize: 8,
    color: COLOR.accent,
    fontFamily: 'Helvetica-Bold',
    backgroundColor: COLOR.accentTint,
    lineHeight: 1,
    borderRadius: 8,
    paddingTop: 3.5,
    paddingBottom: 2.5,
    paddingHorizontal: 8,
    marginLeft: 10,
    maxWidth: 230,
  },
  cardSubject: {
    marginHorizontal: 12,
    marginTop: 7,
    paddingBottom: 6,
    borderBottomWidth: 0.5,
    borderBottomColor: COLOR.rule,
    borderBottomStyle: 'dashed',
    fontSize: 10,
  },
  subjectLabel: { fontFamily: 'Helvetica-Bold', color: COLOR.muted },
  cardBody: { paddingHorizontal: 12, paddingTop: 7, paddingBottom: 3 },
  paragraph: { fontSize: 9.5, lineHeight: 1.4, marginBottom: 5 },
  placeholder: { fontFamily: 'Helvetica-Oblique', color: COLOR.accent },
  placeholderNote: { fontSize: 9, color: COLOR.muted, marginTop: -6, marginBottom: 12 },

  toneColumns: { flexDirection: 'row' },
  toneColumn: { flex: 1, borderRadius: 4, paddingHorizontal: 12, paddingVertical: 10 },
  toneDo: { backgroundColor: COLOR.brandTint, marginRight: 8 },
  toneDont: { backgroundColor: COLOR.accentTint, marginLeft: 8 },
  toneHeading: { fontFamily: 'Helvetica-Bold', fontSize: 12, marginBottom: 6 },
  toneItem: { flexDirection: 'row', marginBottom: 4 },
  toneMark: { width: 6, height: 6, borderRadius: 3, marginTop: 4, marginRight: 8 },
  toneText: { flex: 1, fontSize: 9.5, lineHeight: 1.35 },

  closing: {
    marginTop: 24,
    padding: 16,
    borderRadius: 4,
    backgroundColor: COLOR.brand,
    color: COLOR.paper,
  },
  closingTitle: { fontFamily: 'Helvetica-Bold', fontSize: 13, marginBottom: 5 },
  closingText: { fontSize: 10, lineHeight: 1.5, color: '#e6f2f0' },
});

const TABLE_COLUMNS = [
  { key: 'moment', label: 'Moment', width: '20%', style: styles.cellMoment },
  { key: 'send', label: 'Send', width: '19%', style: styles.cellSend },
  { key: 'when', label: 'When', width: '33%', style: undefined },
  { key: 'note', label: 'Keep in mind', width: '28%', style: styles.cellNote },
] as const;

/** Words are never broken: a hyphenated "unan-swered" looks careless on a one-page reference. */
const wholeWords = (word: string): string[] => [word];

function P(props: PropsWithChildren<TextProps>) {
  return <Text hyphenationCallback={wholeWords} {...props} />;
}

const PLACEHOLDER_SPLIT = /(\{[^{}\n]+\})/;

/** Template text with each `{placeholder}` set apart, so it is easy to spot and fill. */
function withPlaceholders(text: string) {
  return text
    .split(PLACEHOLDER_SPLIT)
    .filter((part) => part !== '')
    .map((part, index) =>
      PLACEHOLDER_SPLIT.test(part) ? (
        <P key={index} style={styles.placeholder}>
          {part}
        </P>
      ) : (
        part
      ),
    );
}

function TemplateCard({ template, number }: { template: CheatSheetTemplate; number: number }) {
  const paragraphs = template.body.split(/\n\s*\n/).map((paragraph) => paragraph.trim());
  return (
    <View style={styles.card} wrap={false}>
      <View style={styles.cardHeader}>
        <P style={styles.cardTitle}>
          <P style={styles.cardNumber}>{number}. </P>
          {template.title}
        </P>
        <P style={styles.cardWhen}>{template.when}</P>
      </View>
      <P style={styles.cardSubject}>
        <P style={styles.subjectLabel}>Subject: </P>
        {withPlaceholders(template.subject)}
      </P>
      <View style={styles.cardBody}>
        {paragraphs.map((paragraph, index) => (
          <P key={index} style={styles.paragraph}>
            {withPlaceholders(paragraph)}
          </P>
        ))}
      </View>
    </View>
  );
}

function SectionHeading({ kicker, title }: { kicker: string; title: string }) {
  return (
    <View>
      <P style={styles.sectionKicker}>{kicker}</P>
      <P style={styles.sectionTitle}>{title}</P>
    </View>
  );
}

function CheatSheetDocument({ sheet }: { sheet: CheatSheet }) {
  const [firstTemplate, ...otherTemplates] = sheet.templates;
  return (
    <Document
      title={`${sheet.title} | ${SITE.name}`}
      author={`${SITE.coach.name}, ${SITE.name}`}
      subject={sheet.subtitle}
      keywords="interview follow-up, thank-you note, check-in, networking, job search"
      creator={SITE.name}
      producer={SITE.name}
      language="en"
    >
      <Page size="A4" style={styles.page}>
        <P
          style={styles.runningHeader}
          fixed
          render={({ pageNumber }) => (pageNumber > 1 ? `${SITE.name}  |  ${sheet.title}` : '')}
        />
        <View style={styles.footer} fixed>
          <P>
            <P style={styles.footerBrand}>{SITE.name}</P>
            {`  |  ${sheet.title}`}
          </P>
          <P render={({ pageNumber, totalPages }) => `Page ${pageNumber} of ${totalPages}`} />
        </View>

        <View style={styles.cover}>
          <P style={styles.coverKicker}>{`${SITE.name}  |  Free guide`}</P>
          <P style={styles.coverTitle}>{sheet.title}</P>
          <View style={styles.coverRule} />
          <P style={styles.coverSubtitle}>{sheet.subtitle}</P>
          <P style={styles.coverBy}>{`By ${SITE.coach.name}, ${SITE.coach.role.toLowerCase()}`}</P>
        </View>

        <P style={styles.intro}>{sheet.intro}</P>

        <View style={styles.section}>
          <SectionHeading kicker="The sequence" title="Step by step" />
          {sheet.steps.map((step, index) => (
            <View key={step.title} style={styles.step} wrap={false}>
              <P style={styles.stepNumber}>{index + 1}</P>
              <View style={styles.stepText}>
                <P style={styles.stepTitle}>{step.title}</P>
                <P>{step.detail}</P>
              </View>
            </View>
          ))}
        </View>

        <View style={[styles.section, styles.pageStart]} wrap={false} break>
          <SectionHeading kicker="Timing rules" title="When to send what" />
          <P style={styles.sectionLead}>
            Count working days in your own time zone. When in doubt, a day later beats a day too soon.
          </P>
          <View style={styles.table}>
            <View style={styles.headerRow}>
              {TABLE_COLUMNS.map((column, index) => (
                <P
                  key={column.key}
                  style={[styles.headerCell, { width: column.width }, index > 0 ? { paddingLeft: 7.75 } : {}]}
                >
                  {column.label}
                </P>
              ))}
            </View>
            {sheet.timing.map((row, rowIndex) => (
              <View
                key={row.moment}
                style={[styles.row, rowIndex % 2 === 1 ? { backgroundColor: COLOR.stripe } : {}]}
                wrap={false}
              >
                {TABLE_COLUMNS.map((column, index) => (
                  <P
                    key={column.key}
                    style={[
                      styles.cell,
                      { width: column.width },
                      index > 0 ? styles.cellDivider : {},
                      column.style ?? {},
                    ]}
                  >
                    {row[column.key]}
                  </P>
                ))}
              </View>
            ))}
          </View>
        </View>

        <View style={styles.section} wrap={false}>
          <SectionHeading kicker="Tone" title="Do and don’t" />
          <View style={styles.toneColumns}>
            <View style={[styles.toneColumn, styles.toneDo]}>
              <P style={[styles.toneHeading, { color: COLOR.brand }]}>Do</P>
              {sheet.tone.do.map((item) => (
                <View key={item} style={styles.toneItem}>
                  <View style={[styles.toneMark, { backgroundColor: COLOR.brand }]} />
                  <P style={styles.toneText}>{item}</P>
                </View>
              ))}
            </View>
            <View style={[styles.toneColumn, styles.toneDont]}>
              <P style={[styles.toneHeading, { color: COLOR.accent }]}>Don’t</P>
              {sheet.tone.dont.map((item) => (
                <View key={item} style={styles.toneItem}>
                  <View style={[styles.toneMark, { backgroundColor: COLOR.accent, borderRadius: 0 }]} />
                  <P style={styles.toneText}>{item}</P>
                </View>
              ))}
            </View>
          </View>
        </View>

        <View style={[styles.section, styles.pageStart]} break>
          <View wrap={false}>
            <SectionHeading kicker="Ready to send" title="Five follow-up templates" />
            <P style={styles.placeholderNote}>
              Replace everything in braces with your own details, then read it aloud once before you send.
            </P>
            {firstTemplate && <TemplateCard template={firstTemplate} number={1} />}
          </View>
          {otherTemplates.map((template, index) => (
            <TemplateCard key={template.id} template={template} number={index + 2} />
          ))}
        </View>

        <View style={styles.closing} wrap={false}>
          <P style={styles.closingTitle}>Let the tracker remember the dates</P>
          <P style={styles.closingText}>{sheet.closing}</P>
        </View>
      </Page>
    </Document>
  );
}

/** The cheat sheet as PDF bytes, ready to send as `application/pdf` or write to a file. */
export async function renderCheatSheetPdf(sheet: CheatSheet): Promise<Buffer> {
  return renderToBuffer(<CheatSheetDocument sheet={sheet} />);
}
