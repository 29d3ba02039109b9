// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { DocumentRow, EmbeddingStatus } from '../../src/shared/domain';
import { DocumentsScreen } from '../../src/renderer/src/screens/DocumentsScreen';
import { useDocuments } from '../../src/renderer/src/stores/documents';
import { installFakeApi, uninstallFakeApi } from './fake-api';

afterEach(() => {
  uninstallFakeApi();
  useDocuments.setState({ q: '', mode: 'hybrid', rows: [], total: null, offset: 0, selectedId: null, detail: null });
});

const doc = (over: Partial<DocumentRow>): DocumentRow => ({
  id: 1, fileHash: 'a'.repeat(64), filePath: '/docs/plumber.txt', filename: 'plumber.txt', size: 100, mimeType: 'text/plain', contentSource: 'text',
  title: 'Invoice — Harper & Sons', docType: 'invoice', correspondent: 'Harper & Sons', docDate: '2024-03-15', tags: [], language: 'en', summary: '',
  aiProvider: 'local', aiModel: 'local-rules-v1', createdAt: 1_700_000_000, updatedAt: 1_700_000_000, ...over,
});

const status = (over: Partial<EmbeddingStatus>): EmbeddingStatus => ({
  model: 'use-lite-512', dim: 512, chunks: 10, current: 10, pending: 0, failed: 0, outdated: 0, outdatedDocuments: 0, lastError: null, running: false, ...over,
});

const SNIPPET = 'Replaced the leaking trap under the kitchen sink';
const mark = (text: string, word: string) => ({ start: text.indexOf(word), end: text.indexOf(word) + word.length });

describe('Documents: search results', () => {
  it('searches in hybrid mode by default, renders the passage with the query words marked, and shows no score', async () => {
    const fake = installFakeApi({
      'library.embedding': () => status({}),
      'documents.list': (input) =>
        input.q
          ? { rows: [{ ...doc({}), snippet: SNIPPET, highlights: [mark(SNIPPET, 'leaking'), mark(SNIPPET, 'kitchen')], score: 0.91 }], total: 1 }
          : { rows: [doc({})], total: 1 },
    });
    render(<DocumentsScreen />);
    await screen.findByText('Invoice — Harper & Sons');
    fireEvent.change(screen.getByLabelText('Search documents'), { target: { value: 'leaking kitchen' } });
    await waitFor(() => expect(fake.callsTo('documents.list').some((c) => c.q === 'leaking kitchen')).toBe(true));
    expect(fake.callsTo('documents.list').at(-1)).toMatchObject({ mode: 'hybrid' });
    const table = await screen.findByRole('table', { name: 'Documents' });
    await waitFor(() => expect(table.querySelectorAll('mark')).toHaveLength(2));
    expect([...table.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['leaking', 'kitchen']);
    expect(table.textContent).not.toMatch(/score|0\.91|«|»/);
    // The modes are offered by name.
    const modes = within(screen.getByRole('radiogroup', { name: 'Search mode' }));
    for (const name of ['Hybrid', 'Keyword', 'Meaning']) expect(modes.getByLabelText(name)).toBeTruthy();
  });

  it('says when documents are eligible for re-embedding, and Re-embed library starts it', async () => {
    let current = status({ current: 0, outdated: 10, outdatedDocuments: 4 });
    const fake = installFakeApi({
      'library.embedding': () => current,
      'library.reembed': () => (current = status({ current: 2, outdated: 8, running: true })),
      'documents.list': () => ({ rows: [doc({})], total: 1 }),
    });
    render(<DocumentsScreen />);
    await screen.findByText(/4 documents are eligible for re-embedding/);
    fireEvent.click(screen.getByRole('button', { name: 'Re-embed library' }));
    await screen.findByText(/Embedding for meaning search: 2 of 10/);
    expect(fake.callsTo('library.reembed')).toHaveLength(1);
    fake.emit('embed.progress', status({}));
    await waitFor(() => expect(screen.queryByText(/Embedding for meaning search/)).toBeNull());
  });
});
