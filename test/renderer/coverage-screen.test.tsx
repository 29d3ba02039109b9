// @vitest-environment jsdom
/** Issue 14: the Coverage screen through the real service, on a library built from a known tree with every category. */
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import Database from 'better-sqlite3';
import { App } from '../../src/renderer/src/App';
import { useApp } from '../../src/renderer/src/stores/app';
import { resetCoverageStore, useCoverage } from '../../src/renderer/src/stores/coverage';
import { installRealApi, ingestNow, type RealApi } from './real-service';
import { letter } from '../support/workspace';
import { fakeLayout } from './fake-api';

const LONG = { timeout: 120_000 };
const HEAD = ['Ingested', 'Duplicate', 'Failed', 'Unsupported', 'Not yet seen', 'Total'];

let real: RealApi;
beforeAll(() => fakeLayout(600));
beforeEach(async () => {
  real = await installRealApi({ engine: { extractorOptions: { workers: 1 } }, watch: { enabled: false } });
  resetCoverageStore();
  location.hash = '#/coverage';
  useApp.setState({ info: null, failedCount: null, screen: 'coverage' });
});
afterEach(async () => {
  await real.close();
  location.hash = '';
});

/** The numbers a row shows, by column heading. */
function numbers(row: HTMLElement | null): Record<string, number> {
  const cells = within(row!).getAllByRole('cell').slice(1); // after the bar
  return Object.fromEntries(HEAD.map((h, i) => [h, Number(cells[i].textContent!.replace(/\D/g, ''))]));
}
const rowOf = (path: string) => [...document.querySelectorAll<HTMLElement>('tr[data-path]')].find((r) => r.dataset.path === path) ?? null;

/** What the database says for the files under `folder`, each path once in its best category, written independently of the app's query. */
function fromDb(dbPath: string, folder: string, onDiskUnseen: number): Record<string, number> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const under = (rows: { p: string }[]) => new Set(rows.map((r) => r.p).filter((p) => p.startsWith(`${folder}/`)));
    const own = under(db.prepare('SELECT file_path AS p FROM documents').all() as { p: string }[]);
    const paths = under(db.prepare('SELECT file_path AS p FROM document_paths').all() as { p: string }[]);
    const failed = under(db.prepare('SELECT file_path AS p FROM failed_files').all() as { p: string }[]);
    const unsupported = under(db.prepare('SELECT path AS p FROM unsupported_files').all() as { p: string }[]);
    const indexed = under(db.prepare('SELECT path AS p FROM file_index').all() as { p: string }[]);
    const seen = new Set<string>();
    const take = (s: Set<string>) => [...s].filter((p) => !seen.has(p) && (seen.add(p), true)).length;
    const counts = { Ingested: take(own), Duplicate: take(paths), Failed: take(failed), Unsupported: take(unsupported), 'Not yet seen': take(indexed) + onDiskUnseen };
    return { ...counts, Total: Object.values(counts).reduce((a, b) => a + b, 0) };
  } finally {
    db.close();
  }
}

describe('Coverage screen', () => {
  it('maps a folder with every category, agrees with the database, expands lazily to files, and its failed and unsupported counts open those files', async () => {
    real.ws.write('a/one.txt', letter('Coverage letter one'));
    real.ws.write('a/two.txt', letter('Coverage letter two'));
    real.ws.write('a/sub/three.txt', letter('Coverage letter three'));
    real.ws.write('b/copy-of-one.txt', letter('Coverage letter one'));
    real.ws.write('b/broken.txt', Buffer.from([0, 1, 2, 3, 0, 0, 255, 254].concat(Array(300).fill(0))));
    real.ws.write('b/photo.xyz', 'a type Intake does not read');
    await ingestNow(real);
    real.ws.write('b/new-since.txt', letter('Arrived after the run'));
    const docs = real.ws.docs;

    render(<App />);
    expect(screen.getByRole('link', { name: 'Coverage' }).getAttribute('aria-current')).toBe('page');
    // The latest run's folder is offered at once.
    const table = await screen.findByRole('table', { name: `Coverage of ${docs}` }, LONG);
    await waitFor(() => expect(useCoverage.getState().checkingDisk).toBe(false), LONG);
    expect(numbers(rowOf(docs))).toEqual({ Ingested: 3, Duplicate: 1, Failed: 1, Unsupported: 1, 'Not yet seen': 1, Total: 7 });
    expect(numbers(rowOf(docs))).toEqual(fromDb(real.ws.dbPath, docs, 1));
    expect(numbers(rowOf(join(docs, 'a')))).toEqual(fromDb(real.ws.dbPath, join(docs, 'a'), 0));
    expect(numbers(rowOf(join(docs, 'b')))).toEqual({ Ingested: 0, Duplicate: 1, Failed: 1, Unsupported: 1, 'Not yet seen': 1, Total: 4 });
    expect(numbers(rowOf(join(docs, 'b')))).toEqual(fromDb(real.ws.dbPath, join(docs, 'b'), 1));
    // Lazy: nothing below the first level until it is opened.
    expect(rowOf(join(docs, 'a', 'sub'))).toBeNull();

    fireEvent.click(within(table).getByRole('button', { name: 'Expand a' }));
    await waitFor(() => expect(rowOf(join(docs, 'a', 'sub'))).not.toBeNull(), LONG);
    expect(within(table).getByRole('button', { name: 'Collapse a' }).getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(within(table).getByRole('button', { name: 'Expand sub' }));
    await waitFor(() => expect(rowOf(join(docs, 'a', 'sub', 'three.txt'))).not.toBeNull(), LONG);
    expect(within(rowOf(join(docs, 'a', 'sub', 'three.txt'))!).getByText('Ingested')).toBeTruthy();
    fireEvent.click(within(table).getByRole('button', { name: 'Expand b' }));
    await waitFor(() => expect(rowOf(join(docs, 'b', 'new-since.txt'))).not.toBeNull(), LONG);
    expect(within(rowOf(join(docs, 'b', 'new-since.txt'))!).getByText('Not yet seen')).toBeTruthy();
    expect(within(rowOf(join(docs, 'b', 'copy-of-one.txt'))!).getByText('Duplicate')).toBeTruthy();

    // Unsupported lists the files.
    fireEvent.click(within(rowOf(join(docs, 'b'))!).getByRole('button', { name: '1 unsupported in b: list them' }));
    const dialog = await screen.findByRole('dialog', {}, LONG);
    expect(within(dialog).getByText(join(docs, 'b', 'photo.xyz'))).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));

    // Failed opens Failed files filtered to that folder.
    fireEvent.click(within(rowOf(join(docs, 'b'))!).getByRole('button', { name: '1 failed in b: show them' }));
    await screen.findByRole('heading', { name: 'Failed files' });
    const grid = await screen.findByRole('grid', { name: 'Failed files' }, LONG);
    await waitFor(() => expect(grid.textContent).toContain('broken.txt'), LONG);
    expect(screen.getByRole('button', { name: 'Remove the folder filter' })).toBeTruthy();
  }, 300_000);

  it('a folder Intake never met says so, and a folder outside the allowed ones is refused with the reason', async () => {
    render(<App />);
    await screen.findByText('Choose a folder to map.', {}, LONG);
    fireEvent.change(screen.getByLabelText('Folder'), { target: { value: real.ws.docs } });
    fireEvent.click(screen.getByRole('button', { name: 'Show' }));
    await screen.findByText('Intake has met no file here yet.', {}, LONG);
    fireEvent.change(screen.getByLabelText('Folder'), { target: { value: '/' } });
    fireEvent.click(screen.getByRole('button', { name: 'Show' }));
    await screen.findByText(/Could not map that folder/, {}, LONG);
  }, 120_000);
});
