// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { FailedFile, ReprocessReport } from '../../src/shared/domain';
import { FailedFilesScreen } from '../../src/renderer/src/screens/FailedFilesScreen';
import { applyFilter, failedListHandler, fakeLayout, installFakeApi, makeFailedRows, uninstallFakeApi, type FakeApi } from './fake-api';

beforeAll(() => fakeLayout(600));
afterEach(uninstallFakeApi);

function setup(rows: FailedFile[]): FakeApi {
  return installFakeApi({
    'app.info': () => ({ mode: 'electron', version: 't', dbPath: '/db', dataDir: '/data', platform: 'linux' }),
    'failed.list': failedListHandler(rows),
    'failed.groups': () => [{ errorCode: 'pdf_corrupt', stage: 'extract_text', failureClass: 'input', count: rows.length, sampleReason: 'PDF is damaged' }],
    'failed.get': ({ id }) => ({ ...rows.find((r) => r.id === id)!, stack: 'Error: boom\n    at parse', events: [] }),
    'failed.reset': (sel) => {
      const n = 'ids' in sel ? sel.ids.length : applyFilter(rows, sel.filter).length;
      return { reset: n };
    },
    'failed.estimate': (sel) => ({ files: 'ids' in sel ? sel.ids.length : rows.length, aiCalls: 42, tokens: 12345, missingFiles: 0 }),
    'failed.reprocess': (sel): ReprocessReport => {
      const ids = 'ids' in sel ? sel.ids : rows.map((r) => r.id);
      return {
        runId: 9,
        succeeded: ids.length,
        failedSame: 0,
        failedDifferent: 0,
        skipped: 0,
        outcomes: ids.map((id) => ({ id, filePath: rows.find((r) => r.id === id)!.filePath, outcome: 'succeeded', documentId: 100 + id })),
      };
    },
  });
}

const grid = () => screen.getByRole('grid', { name: 'Failed files' });
const dataRows = () => within(grid()).getAllByRole('row').filter((r) => r.getAttribute('aria-rowindex') !== '1');

describe('Failed files screen', () => {
  it('shows the failed files as a grid whose rows give filename, stage, reason, failed time and attempts', async () => {
    setup(makeFailedRows(1000));
    render(<FailedFilesScreen />);
    await waitFor(() => expect(dataRows().length).toBeGreaterThan(5));
    // Only what fits on screen is in the DOM.
    expect(dataRows().length).toBeLessThan(60);
    expect(grid().getAttribute('aria-rowcount')).toBe('1001');
    const cells = within(dataRows()[0]).getAllByRole('gridcell');
    const text = cells.map((c) => c.textContent);
    expect(text).toContain('file-00001.pdf');
    expect(text).toContain('Extract text');
    expect(text.some((t) => t?.includes('PDF is damaged'))).toBe(true);
    expect(text).toContain('just now');
    expect(cells.at(-1)?.textContent).toBe('1');
    expect(within(dataRows()[1]).getByText('Eligible for retry').getAttribute('title')).toContain('OCR is on now');
  });

  it('clicking a column header sorts by it, toggling aria-sort and re-querying', async () => {
    const fake = setup(makeFailedRows(50));
    render(<FailedFilesScreen />);
    await waitFor(() => expect(dataRows().length).toBeGreaterThan(5));
    const failedHeader = screen.getByRole('columnheader', { name: /Failed/ });
    const fileHeader = screen.getByRole('columnheader', { name: /File/ });
    expect(failedHeader.getAttribute('aria-sort')).toBe('descending');
    expect(fileHeader.getAttribute('aria-sort')).toBe('none');

    fireEvent.click(within(fileHeader).getByRole('button'));
    await waitFor(() => expect(fileHeader.getAttribute('aria-sort')).toBe('ascending'));
    expect(failedHeader.getAttribute('aria-sort')).toBe('none');
    await waitFor(() => expect(fake.callsTo('failed.list').at(-1)).toMatchObject({ sort: 'filename', dir: 'asc', offset: 0 }));

    fireEvent.click(within(fileHeader).getByRole('button'));
    await waitFor(() => expect(fileHeader.getAttribute('aria-sort')).toBe('descending'));
    await waitFor(() => expect(fake.callsTo('failed.list').at(-1)).toMatchObject({ sort: 'filename', dir: 'desc' }));
    await waitFor(() => expect(within(dataRows()[0]).getAllByRole('gridcell')[1].textContent).toContain('file-00050.pdf'));
  });

  it('"Reset & reprocess" on one file reprocesses that id and shows the outcome in place', async () => {
    const fake = setup(makeFailedRows(30));
    render(<FailedFilesScreen />);
    await waitFor(() => expect(dataRows().length).toBeGreaterThan(5));
    fireEvent.click(within(dataRows()[2]).getAllByRole('gridcell')[1]);
    const pane = await screen.findByRole('complementary', { name: 'Failed file details' });
    await within(pane).findByText('/docs/file-00003.pdf');
    fireEvent.click(within(pane).getByRole('button', { name: 'Reset & reprocess' }));
    await within(pane).findByText(/Ingested ✓/);
    expect(fake.callsTo('failed.reprocess')).toEqual([{ ids: [3] }]);
  });

  it('selected rows are sent to "Reset selected"', async () => {
    const fake = setup(makeFailedRows(30));
    render(<FailedFilesScreen />);
    await waitFor(() => expect(dataRows().length).toBeGreaterThan(5));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select file-00002.pdf' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select file-00005.pdf' }));
    expect(dataRows()[1].getAttribute('aria-selected')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'Reset selected' }));
    await waitFor(() => expect(fake.callsTo('failed.reset')).toEqual([{ ids: [2, 5] }]));
  });

  it('reprocessing more than 20 files asks first, showing the estimate, then reports the outcome', async () => {
    const fake = setup(makeFailedRows(40));
    render(<FailedFilesScreen />);
    await waitFor(() => expect(dataRows().length).toBeGreaterThan(20));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all visible' }));
    const n = dataRows().filter((r) => r.getAttribute('aria-selected') === 'true').length;
    expect(n).toBeGreaterThan(20);
    fireEvent.click(screen.getByRole('button', { name: 'Reprocess selected' }));
    const dialog = await screen.findByRole('dialog', { name: 'Reprocess these files?' });
    expect(fake.callsTo('failed.estimate')).toHaveLength(1);
    expect(fake.callsTo('failed.reprocess')).toHaveLength(0);
    expect(within(dialog).getByText('AI calls').nextSibling?.textContent).toBe('42');
    expect(within(dialog).getByText('Tokens').nextSibling?.textContent).toBe((12345).toLocaleString());
    fireEvent.click(within(dialog).getByRole('button', { name: `Reprocess ${n}` }));
    const report = await screen.findByRole('dialog', { name: 'Reprocess report' });
    expect(fake.callsTo('failed.reprocess')[0]).toEqual({ ids: expect.any(Array) });
    expect(within(report).getByText('Succeeded').nextSibling?.textContent).toBe(String(n));
  });

  it('reprocessing 20 or fewer runs without an estimate', async () => {
    const fake = setup(makeFailedRows(10));
    render(<FailedFilesScreen />);
    await waitFor(() => expect(dataRows().length).toBe(10));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all visible' }));
    fireEvent.click(screen.getByRole('button', { name: 'Reprocess selected' }));
    await screen.findByRole('dialog', { name: 'Reprocess report' });
    expect(fake.callsTo('failed.estimate')).toHaveLength(0);
  });

  it('"Reset all matching" states the number before resetting by filter', async () => {
    const fake = setup(makeFailedRows(12));
    render(<FailedFilesScreen />);
    await waitFor(() => expect(dataRows().length).toBe(12));
    fireEvent.click(screen.getByRole('button', { name: 'Reset all matching' }));
    const dialog = await screen.findByRole('dialog', { name: 'Reset all matching?' });
    expect(dialog.textContent).toContain('12 files');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Reset 12' }));
    await waitFor(() => expect(fake.callsTo('failed.reset')).toEqual([{ filter: {}, all: true }]));
  });

  it('says so when nothing failed', async () => {
    setup([]);
    render(<FailedFilesScreen />);
    await screen.findByText('No failed files — everything you ingested made it into the library.');
  });
});
