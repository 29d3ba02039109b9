import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { IntakeError, errorMessage } from '../../shared/errors';

/** The first bytes of an OLE compound file: what Office writes for a password-protected .docx (and old .doc files). */
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
/** The stream an encrypted Office Open XML file keeps its key data in, as its OLE directory spells it (UTF-16LE). */
const ENCRYPTION_INFO = Buffer.from('EncryptionInfo', 'utf16le');

/** What an OLE file named like an Office Open XML document is: an encrypted one, or something else (an old .doc). */
async function oleKind(path: string): Promise<'encrypted' | 'ole' | null> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await fh.read(head, 0, 8, 0);
    if (bytesRead < 8 || !head.equals(OLE_MAGIC)) return null;
  } finally {
    await fh.close();
  }
  // The directory may sit anywhere in the file: look for the stream name across chunk edges.
  let tail = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const window = Buffer.concat([tail, chunk as Buffer]);
    if (window.includes(ENCRYPTION_INFO)) return 'encrypted';
    tail = window.subarray(Math.max(0, window.length - ENCRYPTION_INFO.length));
  }
  return 'ole';
}

/**
 * The failure for an Office document (`what`: "DOCX") its reader could not open, in words a person
 * can act on: password-protected, an old binary file under a new name, nested too deeply to read,
 * or damaged.
 */
export async function officeReadFailure(path: string, what: string, e: unknown): Promise<IntakeError> {
  const kind = await oleKind(path).catch(() => null);
  if (kind === 'encrypted') {
    return new IntakeError('document_encrypted', `${what} is password-protected`, { message: `The ${what} is encrypted with a password (an OLE file holding EncryptionInfo), so its text cannot be read.` });
  }
  if (kind === 'ole') {
    return new IntakeError('document_corrupt', `not a ${what} (an old Word/Office file?)`, { message: `The file is an OLE compound document (the pre-2007 Office format), not a ${what}; save it as ${what} to ingest it.` });
  }
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return new IntakeError('document_too_complex', `${what} is nested too deeply to read`, { message: `Its structure (for example tables inside tables) nests deeper than the reader can follow (${e.message}).`, cause: e });
  }
  return new IntakeError(what === 'DOCX' ? 'docx_corrupt' : 'document_corrupt', `${what} is damaged or not a ${what}`, { message: errorMessage(e), cause: e });
}
