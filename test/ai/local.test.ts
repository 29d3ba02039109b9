import { describe, expect, it } from 'vitest';
import { createAiProvider, dot, findDocDate, hashEmbed, saneDate } from '../../src/main/ai';
import { slashMonthFirst } from '../../src/main/ai/dates';
import { cleanExtractedText } from '../../src/shared/clean-text';
import { classifyLocally } from '../../src/main/ai/local';
import type { AiSettings } from '../../src/shared/domain';

const NOW = Date.UTC(2025, 5, 1);

const INVOICE = `ACME Widgets Ltd
12 High Street, London

INVOICE
Invoice number: 2024-0042
Invoice date: 15 March 2024
Due date: 14 April 2024
Bill to: Jane Doe

Widget assembly service  3 x 40.00 = 120.00
Subtotal 120.00   VAT 24.00   Amount due 144.00
Thank you for your business. Please pay within 30 days.`;

const LETTER = `From: Jane Smith <jane@example.org>
To: Bob Miller
Subject: Our meeting about the garden fence

Dear Bob,
Thank you for your letter of 2 May 2023. I would like to meet you next week to talk about the garden and the fence between our houses.
Kind regards,
Jane`;

const RECHNUNG = `Stadtwerke München GmbH · Emmy-Noether-Str. 2 · 80992 München

Herrn Max Mustermann
Beispielweg 5

München, den 03.02.2024

Rechnung Nr. 4711 für Strom
Sehr geehrter Herr Mustermann,
hiermit erhalten Sie Ihre Stromrechnung für den Zeitraum Januar 2024. Bitte überweisen Sie den Betrag bis zum 20.02.2024.
Mit freundlichen Grüßen
Ihre Stadtwerke`;

const localSettings: AiSettings = { provider: 'local', baseUrl: '', chatModel: '', embedModel: '', timeoutMs: 1000, maxRetries: 3 };

describe('the local provider classifies documents with rules', () => {
  it('names the sender from the letterhead, a doctor\'s line, a legal form or a sign-off — never a table row or the recipient', () => {
    expect(classifyLocally('NORTHGRID ENERGY\nYour electricity bill\nBill date: 02/11/2023\nAmount to pay £110.57', NOW).correspondent).toBe('Northgrid Energy');
    expect(classifyLocally('Praxis Dr. med. Sabine Vogel\nBertoldstraße 20\n\nBefundbericht', NOW).correspondent).toBe('Dr. med. Sabine Vogel');
    expect(classifyLocally('Meridian Bank plc · Customer Services · PO Box 4410\n\nDear Mr Price,', NOW).correspondent).toBe('Meridian Bank plc');
    expect(classifyLocally('Kontoauszug Nr. 2/2024\nKonto 1029384756\n01.02. Gehalt Februar Lindner Software AG +3.420,00', NOW).correspondent).toBeNull();
    expect(classifyLocally('ASSURED SHORTHOLD TENANCY AGREEMENT\n\nthe Landlord: Mrs Helen Carter, c/o Rowan Lettings Ltd, Leeds', NOW).correspondent).toBe('Rowan Lettings Ltd');
    expect(classifyLocally('Hi Daniel,\n\nwe are cutting the tree on Saturday.\n\nCheers,\nTom Gallagher (no. 5)', NOW).correspondent).toBe('Tom Gallagher');
    expect(classifyLocally('# Grandma\'s apple cake\n\n- 4 apples\n- 200 g flour', NOW).correspondent).toBeNull();
    expect(classifyLocally('Quick start guide — dual-band Wi-Fi router\n1. Connect the cable', NOW).correspondent).toBeNull();
    // A first line naming a kind of document is its subject, not its sender.
    const notes = classifyLocally('Meeting notes\n\nDear Ms Example,\n\nThe committee discussed the garden budget.\n\nKind regards,\nThe Example Company Ltd\n', NOW);
    expect(notes.correspondent).toBe('The Example Company Ltd');
    expect(notes.title).toMatch(/^Meeting notes/);
  });

  it('gets number-heavy documents\' language from their spelling', () => {
    const payslip = 'Lindner Software AG\nEntgeltabrechnung Januar 2024\nGehalt 5.100,00\nLohnsteuer -842,16\nNettobezug 3.292,10\nAuszahlung Straße';
    expect(classifyLocally(payslip, NOW).language).toBe('de');
    expect(classifyLocally('Boulangerie du Parc\nTicket de caisse\n1 baguette 1,30\nTOTAL 18,40 €\nCB sans contact', NOW).language).toBe('fr');
  });

  it('reads an English invoice: type, sender, labelled date, language', () => {
    const c = classifyLocally(INVOICE, NOW);
    expect(c.docType).toBe('invoice');
    expect(c.title).toBe('Invoice — ACME Widgets Ltd'); // what it is, and from whom
    expect(c.correspondent).toBe('ACME Widgets Ltd');
    expect(c.docDate).toBe('2024-03-15'); // the invoice date, not the due date
    expect(c.language).toBe('en');
    expect(c.tags.length).toBeGreaterThan(0);
    expect(c.tags.length).toBeLessThanOrEqual(5);
    for (const t of c.tags) expect(t).toBe(t.toLowerCase());
    expect(c.summary.length).toBeLessThanOrEqual(300);
  });

  it('reads a letter: the subject is the title, the From: line the correspondent', () => {
    const c = classifyLocally(LETTER, NOW);
    expect(c.docType).toBe('letter');
    expect(c.title).toBe('Our meeting about the garden fence');
    expect(c.correspondent).toBe('Jane Smith');
    expect(c.docDate).toBe('2023-05-02');
    expect(c.language).toBe('en');
    expect(c.summary.startsWith('Dear Bob')).toBe(true);
  });

  it('reads a German Rechnung with a GmbH letterhead and a day-first date', () => {
    const c = classifyLocally(RECHNUNG, NOW);
    expect(c.docType).toBe('invoice');
    expect(c.correspondent).toBe('Stadtwerke München GmbH');
    expect(c.docDate).toBe('2024-02-03');
    expect(c.language).toBe('de');
  });

  it.each([
    ['fr', 'Facture n° 123\nDate : 12/01/2024\nMadame, Monsieur, veuillez trouver ci-joint la facture pour les services de nettoyage.', 'invoice'],
    ['es', 'Factura 2024/17\nFecha: 5 de marzo de 2024\nEstimado cliente, le enviamos la factura de los servicios del mes.', 'invoice'],
    ['nl', 'Factuur 88\nGeachte heer, hierbij ontvangt u de factuur voor de werkzaamheden van de maand. Met vriendelijke groet', 'invoice'],
    ['de', 'Lohnabrechnung März 2024\nFirma Muster AG\nBruttolohn 3.500,00 Nettolohn 2.300,00', 'payslip'],
    ['de', 'Kontoauszug Nr. 3/2024\nAlter Kontostand 1.000,00 EUR\nNeuer Kontostand 1.250,00 EUR', 'bank_statement'],
    ['en', 'Home Insurance Policy\nPolicy number HX-22\nYour annual premium is 240.00. Coverage starts on 2024-01-01.', 'insurance'],
    ['en', 'Dishwasher DW-500 User Manual\nStep 1: installation. Warning: disconnect power before troubleshooting.', 'manual'],
  ])('classifies a %s document as %s', (_lang, text, type) => {
    expect(classifyLocally(text, NOW).docType).toBe(type);
  });

  it('says "other", null sender and null date instead of inventing them', () => {
    const c = classifyLocally('shopping list\napples, pears, flour and eggs for the weekend', NOW);
    expect(c.docType).toBe('other');
    expect(c.correspondent).toBeNull();
    expect(c.docDate).toBeNull();
  });

  it('answers language null when it cannot tell', () => {
    expect(classifyLocally('X-200 4711 ZK-9', NOW).language).toBeNull();
    expect(classifyLocally('', NOW).title).toBe('Untitled');
  });

  it('matches keywords on word boundaries only', () => {
    // "uninvoiceable" contains "invoice" but is not the word.
    expect(classifyLocally('Nothing was uninvoiceable here, the weather is nice today and tomorrow', NOW).docType).toBe('other');
  });
});

describe('document dates are sane', () => {
  it.each([
    ['Date: 2024-03-15', '2024-03-15'],
    ['Datum: 15.03.2024', '2024-03-15'],
    ['Date: 03/15/2024', '2024-03-15'],
    ['15 March 2024', '2024-03-15'],
    ['March 15, 2024', '2024-03-15'],
    ['le 15 mars 2024', '2024-03-15'],
    ['15. März 2024', '2024-03-15'],
    ['Fecha: 15 de marzo de 2024', '2024-03-15'],
  ])('reads %s', (text, iso) => {
    expect(findDocDate(text, { monthFirst: true, now: NOW })).toBe(iso);
  });

  it('rejects a future date and one before 1900', () => {
    expect(findDocDate('Maintenance planned for 2099-01-01.', { now: NOW })).toBeNull();
    expect(findDocDate('Founded on 15.03.1850.', { now: NOW })).toBeNull();
    expect(findDocDate('Founded on 15.03.1850, renewed 2001-06-30.', { now: NOW })).toBe('2001-06-30');
    expect(saneDate('2099-01-01', NOW)).toBeNull();
    expect(saneDate('1850-01-01', NOW)).toBeNull();
    expect(saneDate('2024-02-30', NOW)).toBeNull();
    expect(saneDate('2024-02-29', NOW)).toBe('2024-02-29');
  });

  it('prefers a labelled date to an earlier unlabelled one, and ignores due dates', () => {
    expect(findDocDate('Order of 2023-01-05\nDate: 2023-02-10', { now: NOW })).toBe('2023-02-10');
    // A due date never dates the document: the other date does, and with none the answer is null.
    expect(findDocDate('Due date: 2023-03-01\nsent 2023-02-01', { now: NOW })).toBe('2023-02-01');
    expect(findDocDate('Payment due: 2023-03-01', { now: NOW })).toBeNull();
    expect(findDocDate('Due date: 2023-03-01\nDate: 2023-02-01', { now: NOW })).toBe('2023-02-01');
  });

  it('reads a letter\'s place-and-date line, a statement period\'s end, and British slash dates day-first', () => {
    expect(findDocDate('Befund vom 29.04.2024\nFreiburg, 6. Mai 2024', { now: NOW })).toBe('2024-05-06');
    expect(findDocDate('Mietbeginn: beginnt am 1. August 2022\nFreiburg, den 15.07.2022', { now: NOW })).toBe('2022-07-15');
    expect(findDocDate('Statement period: 1 April 2024 to 30 April 2024', { now: NOW })).toBe('2024-04-30');
    expect(findDocDate('Bill date: 02/11/2023', { now: NOW, monthFirst: slashMonthFirst('Total £110.57', 'en') })).toBe('2023-11-02');
    expect(findDocDate('Date: 02/11/2023', { now: NOW, monthFirst: slashMonthFirst('Total $110.57', 'en') })).toBe('2023-02-11');
  });
});

describe('local embeddings', () => {
  it('are 256-d, unit length and deterministic', () => {
    const a = hashEmbed('The quarterly electricity bill from the utility company');
    expect(a.length).toBe(256);
    expect(dot(a, a)).toBeCloseTo(1, 5);
    expect(Array.from(hashEmbed('The quarterly electricity bill from the utility company'))).toEqual(Array.from(a));
    expect(dot(hashEmbed(''), hashEmbed(''))).toBeCloseTo(1, 5);
  });

  it('put texts that share words closer than unrelated texts', async () => {
    const provider = createAiProvider(localSettings);
    const [bill, bill2, recipe] = await provider.embed([
      'Electricity bill for March: total amount due 144 EUR, please pay the electricity invoice',
      'Your electricity invoice: the amount due for electricity in April is 120 EUR',
      'Recipe: bake the apple cake for forty minutes with cinnamon and butter',
    ]);
    expect(dot(bill, bill2)).toBeGreaterThan(dot(bill, recipe) + 0.2);
  });
});

describe('the local provider as an AiProvider', () => {
  it('names its models, tests ok, and is fast enough for 500 files/s', async () => {
    const provider = createAiProvider(localSettings);
    expect(provider.name).toBe('local');
    expect(provider.chatModel).toBe('local-rules-v1');
    expect(provider.embedModel).toBe('local-hash-256');
    expect(await provider.testConnection()).toMatchObject({ ok: true });

    const docs = [INVOICE, LETTER, RECHNUNG];
    const n = 600;
    // Speed is the bench's business (npm run bench); here: many calls in a row stay consistent.
    const first = new Map<string, string>();
    for (let i = 0; i < n; i++) {
      const text = docs[i % docs.length];
      const c = await provider.classify(text);
      const [v] = await provider.embed([text]);
      expect(v.length).toBeGreaterThan(0);
      const key = JSON.stringify(c);
      if (!first.has(text)) first.set(text, key);
      else expect(key).toBe(first.get(text));
    }
  });

  it('stays fast on number-heavy and odd texts (tables, CSV, one endless line)', () => {
    const odd = [
      '1.2.3.4.'.repeat(12_000),
      Array.from({ length: 800 }, (_, i) => `${i},${(i * 3.7).toFixed(2)},${(i % 28) + 1}.${(i % 12) + 1}.2023`).join('\n'),
      'Acme '.repeat(20_000),
      'A'.repeat(100_000),
    ];
    // They finish with an answer (no catastrophic backtracking would let this test end); speed is the bench's.
    for (const text of odd) expect(classifyLocally(text, NOW)).toMatchObject({ docType: expect.any(String) });
  });

  it('honours an aborted signal', async () => {
    const provider = createAiProvider(localSettings);
    const ctl = new AbortController();
    ctl.abort();
    await expect(provider.classify('text', { signal: ctl.signal })).rejects.toThrow();
  });
});

describe('extracted text is cleaned before any provider sees it', () => {
  it('loses terminal colour codes, overstrike and control characters, keeps newlines and tabs, and no title carries them', () => {
    const raw = '\u001b[1mZLIB(3)\u001b[0m  Library Functions\r\n\r\nN\bNA\bAM\bME\n\tzlib\u0007 - compression   library\u001b]0;title\u0007\n';
    const clean = cleanExtractedText(raw);
    expect(clean).toBe('ZLIB(3)  Library Functions\n\nNAME\n\tzlib - compression   library\n');
    // eslint-disable-next-line no-control-regex
    expect(classifyLocally(clean, NOW).title).not.toMatch(/[\u0000-\u001f\u007f]|\[1m/);
  });
});
