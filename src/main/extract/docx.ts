import { stat } from 'node:fs/promises';
import mammoth from 'mammoth';
import { IntakeError, errorMessage } from '../../shared/errors';
import type { ExtractResult } from './types';

/** DOCX files are unzipped in memory by mammoth; bigger ones are refused. */
export const DOCX_BYTE_CAP = 200 * 1024 * 1024;

/** Plain text of a .docx (paragraphs separated by blank lines). */
export async function extractDocx(path: string): Promise<ExtractResult> {
  const { size } = await stat(path);
  if (size > DOCX_BYTE_CAP) {
    throw new IntakeError('file_too_large', 'DOCX too large', { message: `DOCX is ${size} bytes; the limit is ${DOCX_BYTE_CAP}.` });
  }
  try {
    const { value } = await mammoth.extractRawText({ path });
    return { text: value.replace(/\n{3,}/g, '\n\n').trim(), source: 'text' };
  } catch (e) {
    throw new IntakeError('docx_corrupt', 'DOCX is damaged or not a DOCX', { message: errorMessage(e), cause: e });
  }
}
