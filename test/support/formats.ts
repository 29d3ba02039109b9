/** Generated documents in the formats issue 13 reads: e-mail, HTML, RTF, ODT, EPUB. */
import iconv from 'iconv-lite';

/** RFC 2047 "encoded-word" in base64 (B) or quoted-printable (Q). */
export function encodedWord(text: string, charset = 'utf-8', how: 'B' | 'Q' = 'B'): string {
  const bytes = iconv.encode(text, charset);
  if (how === 'B') return `=?${charset}?B?${bytes.toString('base64')}?=`;
  const q = [...bytes].map((b) => (b === 0x20 ? '_' : b > 0x7e || b < 0x21 || b === 0x3d || b === 0x3f || b === 0x5f ? `=${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b))).join('');
  return `=?${charset}?Q?${q}?=`;
}

/** Quoted-printable body (RFC 2045), lines ≤ 76 characters with soft breaks. */
export function quotedPrintable(text: string, charset = 'utf-8'): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const bytes = iconv.encode(line, charset);
    let cur = '';
    for (const b of bytes) {
      const piece = b === 0x3d || b > 0x7e || (b < 0x20 && b !== 0x09) ? `=${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b);
      if (cur.length + piece.length > 75) {
        out.push(`${cur}=`);
        cur = '';
      }
      cur += piece;
    }
    out.push(cur);
  }
  return out.join('\r\n');
}

function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

/**
 * A multipart e-mail: RFC 2047 subject and sender, a quoted-printable
 * text/plain part in `charset`, a base64 text/html alternative, and an
 * attachment.
 */
export function makeEmail(o: { subject: string; fromName: string; text: string; html: string; charset?: string; attachment?: { name: string; bytes: Buffer; type: string } }): Buffer {
  const cs = o.charset ?? 'utf-8';
  const lines = [
    `From: ${encodedWord(o.fromName, 'utf-8', 'Q')} <sender@example.org>`,
    'To: Jane Doe <jane@example.com>',
    `Subject: ${encodedWord(o.subject, 'utf-8', 'B')}`,
    'Date: Tue, 15 Oct 2024 09:30:00 +0200',
    'Message-ID: <test-1@example.org>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    '--outer',
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    '--alt',
    `Content-Type: text/plain; charset=${cs}`,
    'Content-Transfer-Encoding: quoted-printable',
    '',
    quotedPrintable(o.text, cs),
    '--alt',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(Buffer.from(o.html)),
    '--alt--',
  ];
  if (o.attachment) {
    lines.push('--outer', `Content-Type: ${o.attachment.type}; name="${o.attachment.name}"`, `Content-Disposition: attachment; filename="${o.attachment.name}"`, 'Content-Transfer-Encoding: base64', '', base64Lines(o.attachment.bytes));
  }
  lines.push('--outer--', '');
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

/** An e-mail whose only body is HTML, base64-encoded. */
export function makeHtmlOnlyEmail(subject: string, html: string): Buffer {
  return Buffer.from(
    [
      'From: shop@example.org',
      'To: jane@example.com',
      `Subject: ${encodedWord(subject, 'utf-8', 'Q')}`,
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(Buffer.from(html)),
      '',
    ].join('\r\n'),
    'latin1',
  );
}
