import type { Extraction } from '../../../shared/domain';

const ENCODING_FROM: Record<NonNullable<Extraction['encodingFrom']>, string> = {
  bom: 'byte-order mark',
  'utf-8': 'valid UTF-8',
  ascii: 'plain ASCII',
  declared: 'declared by the file',
  detected: 'detected',
};

/** Page numbers as ranges: [1, 2, 3, 5] → "1–3, 5". */
export function pageRanges(pages: number[]): string {
  const sorted = [...new Set(pages)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.push(j > i ? `${sorted[i]}–${sorted[j]}` : `${sorted[i]}`);
    i = j;
  }
  return out.join(', ');
}

/** One line per fact about how a document's text was obtained. */
export function extractionFacts(e: Extraction): string[] {
  const facts: string[] = [];
  if (e.format) facts.push(`Read as ${e.format === 'email' ? 'e-mail' : e.format.toUpperCase()}`);
  if (e.encoding) {
    let line = `Encoding ${e.encoding}`;
    if (e.encodingFrom) line += ` (${ENCODING_FROM[e.encodingFrom]}${e.encodingConfidence !== undefined ? `, confidence ${Math.round(e.encodingConfidence * 100)} %` : ''})`;
    facts.push(line);
  }
  if (e.replacedBytes) facts.push(`${e.replacedBytes} stray byte${e.replacedBytes === 1 ? '' : 's'} read as Latin-1`);
  const pages = e.pages !== undefined ? ` of ${e.pages}` : '';
  if (e.textLayerPages?.length) facts.push(`Text layer: page${e.textLayerPages.length === 1 ? '' : 's'} ${pageRanges(e.textLayerPages)}${pages}`);
  if (e.ocrPages?.length) facts.push(`OCR: page${e.ocrPages.length === 1 ? '' : 's'} ${pageRanges(e.ocrPages)}${pages}`);
  if (e.garbagePages?.length) facts.push(`Garbage text layer on page${e.garbagePages.length === 1 ? '' : 's'} ${pageRanges(e.garbagePages)}`);
  if (e.blankPages?.length) facts.push(`Blank: page${e.blankPages.length === 1 ? '' : 's'} ${pageRanges(e.blankPages)}`);
  if (e.unreadPages?.length) facts.push(`Not read: page${e.unreadPages.length === 1 ? '' : 's'} ${pageRanges(e.unreadPages)}`);
  for (const r of e.rotations ?? []) facts.push(`Page ${r.page} turned ${r.degrees}°`);
  if (e.formFields) facts.push(`${e.formFields} form field${e.formFields === 1 ? '' : 's'} read`);
  if (e.attachments?.length) facts.push(`Attachments: ${e.attachments.join(', ')}`);
  return facts;
}

/** How the text was obtained, for the Documents detail; "—" for documents from before it was recorded. */
export function ExtractionFacts({ extraction }: { extraction: Extraction | null | undefined }) {
  const facts = extraction ? extractionFacts(extraction) : [];
  if (!facts.length) return <>—</>;
  return (
    <ul className="plain" aria-label="How the text was obtained">
      {facts.map((f) => (
        <li key={f}>{f}</li>
      ))}
    </ul>
  );
}
