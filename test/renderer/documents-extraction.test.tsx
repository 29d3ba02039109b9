// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/react';
import type { DocumentDetail } from '../../src/shared/domain';
import { DocumentsScreen } from '../../src/renderer/src/screens/DocumentsScreen';
import { extractionFacts, pageRanges } from '../../src/renderer/src/components/ExtractionFacts';
import { useDocuments } from '../../src/renderer/src/stores/documents';
import { installFakeApi, uninstallFakeApi } from './fake-api';

afterEach(() => {
  uninstallFakeApi();
  useDocuments.setState(useDocuments.getInitialState(), true);
});

const doc: DocumentDetail = {
  id: 7,
  fileHash: 'ab',
  filePath: '/docs/scan-and-text.pdf',
  filename: 'scan-and-text.pdf',
  size: 2048,
  mimeType: 'application/pdf',
  contentSource: 'ocr',
  title: 'Mixed letter',
  docType: 'letter',
  correspondent: null,
  docDate: null,
  tags: [],
  language: 'en',
  summary: '',
  aiProvider: 'local',
  aiModel: 'rules',
  createdAt: 1_700_000_000,
  updatedAt: 1_700_000_000,
  content: 'page one text\n\npage two text',
  extraction: { pages: 4, textLayerPages: [1, 3, 4], ocrPages: [2], garbagePages: [2], rotations: [{ page: 2, degrees: 90 }], formFields: 2 },
  paths: ['/docs/scan-and-text.pdf'],
  chunkCount: 1,
};

describe('Documents detail: how the text was obtained', () => {
  it('lists the pages read from the text layer and by OCR, the rotation and the form fields', async () => {
    installFakeApi({
      'documents.list': () => ({ rows: [doc], total: 1 }),
      'documents.get': () => doc,
    });
    render(<DocumentsScreen />);
    fireEvent.click(await screen.findByText('Mixed letter'));
    const facts = await screen.findByRole('list', { name: 'How the text was obtained' });
    const lines = within(facts).getAllByRole('listitem').map((li) => li.textContent);
    expect(lines).toEqual(['Text layer: pages 1, 3–4 of 4', 'OCR: page 2 of 4', 'Garbage text layer on page 2', 'Page 2 turned 90°', '2 form fields read']);
  });

  it('a document from before extraction was recorded shows a dash', async () => {
    installFakeApi({
      'documents.list': () => ({ rows: [doc], total: 1 }),
      'documents.get': () => ({ ...doc, extraction: null }),
    });
    render(<DocumentsScreen />);
    fireEvent.click(await screen.findByText('Mixed letter'));
    await screen.findByText('How it was read');
    expect(screen.queryByRole('list', { name: 'How the text was obtained' })).toBeNull();
  });

  it('says which encoding a text file was decoded with, and why', () => {
    expect(extractionFacts({ encoding: 'shift_jis', encodingFrom: 'declared', format: 'html' })).toEqual(['Read as HTML', 'Encoding shift_jis (declared by the file)']);
    expect(extractionFacts({ encoding: 'koi8-r', encodingFrom: 'detected', encodingConfidence: 0.64 })).toEqual(['Encoding koi8-r (detected, confidence 64 %)']);
    expect(extractionFacts({ encoding: 'utf-8', encodingFrom: 'utf-8', replacedBytes: 1 })).toEqual(['Encoding utf-8 (valid UTF-8)', '1 stray byte read as Latin-1']);
    expect(pageRanges([5, 1, 2, 3, 9, 10])).toBe('1–3, 5, 9–10');
  });
});
