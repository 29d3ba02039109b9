// @vitest-environment jsdom
/**
 * Issue 10, items 13 and 19 through the real service: Ingest offers "Retry N eligible failures"
 * and it retries exactly those; a bulk reprocess shows n / N of its run and can be cancelled,
 * the files it did not finish keeping their rows.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { IntakeError } from '../../src/shared/errors';
import type { RunRow } from '../../src/shared/domain';
import { IngestScreen } from '../../src/renderer/src/screens/IngestScreen';
import { FailedFilesScreen } from '../../src/renderer/src/screens/FailedFilesScreen';
import { useApp } from '../../src/renderer/src/stores/app';
import { useFailed } from '../../src/renderer/src/stores/failed';
import { useRun } from '../../src/renderer/src/stores/run';
import { installRealApi, ingestNow, type RealApi } from './real-service';
import { letter } from '../support/workspace';
import { unlessAborted, withClassify } from '../support/ai-provider';
import { fakeLayout } from './fake-api';

beforeAll(() => fakeLayout(600));

let real: RealApi | undefined;
afterEach(async () => {
  await real?.close();
  real = undefined;
});

/** The local provider, except that classify fails (mode 'fail') or waits until cancelled (mode 'hold'). */
function controlledProvider() {
  const state = { mode: 'fail' as 'fail' | 'hold', held: 0 };
  const provider = withClassify(async (text, o, inner) => {
    if (state.mode === 'fail') throw new IntakeError('ai_bad_output', 'AI answer invalid', { stage: 'classify' });
    state.held++;
    await unlessAborted(o);
    return inner.classify(text, o);
  });
  return { state, provider };
}

describe('retrying failures from the screens', () => {
  it('Ingest offers "Retry 3 eligible failures" once OCR is turned on, and retries exactly those three', async () => {
    real = await installRealApi({ watch: { enabled: false } });
    real.ws.write('short-a.txt', 'hi');
    real.ws.write('short-b.txt', 'ok');
    real.ws.write('note.md', 'no');
    await ingestNow(real, { ocr: false });
    // Only what a changed setting may fix is eligible: OCR matters to text extraction.
    await real.call('settings.set', { ocr: true });
    // One more failure under today's settings: not eligible.
    real.ws.write('later/short-c.txt', 'yo');
    await ingestNow(real, { paths: [`${real.ws.docs}/later`], ocr: true });
    expect(await real.call('failed.count')).toBe(4);

    render(<IngestScreen />);
    const retry = await screen.findByRole('button', { name: 'Retry 3 eligible failures' }, { timeout: 30_000 });
    expect(screen.getByText(/A plain run still skips them/)).toBeTruthy();
    const runsBefore = (await real.call<RunRow[]>('runs.list', { limit: 1 }))[0].id;
    fireEvent.click(retry);
    expect(useApp.getState().screen).toBe('failed');
    expect(useFailed.getState().filter).toMatchObject({ eligibleOnly: true });
    await waitFor(() => expect(useFailed.getState().report).not.toBeNull(), { timeout: 60_000 });
    const report = useFailed.getState().report!;
    expect(report.outcomes.map((o) => o.id).sort()).toHaveLength(3);
    const [run] = await real.call<RunRow[]>('runs.list', { limit: 1 });
    expect(run.id).toBe(runsBefore + 1);
    expect(run.counts).toMatchObject({ failed: 3, ingested: 0 }); // the three eligible files, not the fourth
    // They failed again the same way under the new settings: no longer eligible, so the offer goes.
    await waitFor(() => expect(useRun.getState().eligible).toBe(0), { timeout: 30_000 });
  });

  it('a bulk reprocess shows "n / N files" of its run with a Cancel; cancelled, every file keeps its row', async () => {
    const control = controlledProvider();
    real = await installRealApi({ watch: { enabled: false }, engine: { createProvider: control.provider } });
    for (const name of ['insurance', 'garden', 'tax']) real.ws.write(`${name}.txt`, letter(`About ${name}`, `A letter with enough words about the ${name} to be classified by the model.`));
    await ingestNow(real);
    expect(await real.call('failed.count')).toBe(3);
    const ids = (await real.call<{ rows: { id: number }[] }>('failed.list', {})).rows.map((r) => r.id).sort();

    control.state.mode = 'hold';
    render(<FailedFilesScreen />);
    const grid = await screen.findByRole('grid', { name: 'Failed files' });
    await waitFor(() => expect(within(grid).getAllByRole('checkbox', { name: /^Select .*\.txt$/ })).toHaveLength(3), { timeout: 30_000 });
    for (const box of within(grid).getAllByRole('checkbox', { name: /^Select .*\.txt$/ })) fireEvent.click(box);
    fireEvent.click(screen.getByRole('button', { name: 'Reprocess selected' }));

    const progress = await screen.findByRole('status', { name: 'Bulk progress' }, { timeout: 30_000 });
    await waitFor(() => expect(progress.textContent).toMatch(/0 \/ 3 files/), { timeout: 60_000 });
    await waitFor(() => expect(control.state.held).toBeGreaterThan(0), { timeout: 60_000 });
    fireEvent.click(within(progress).getByRole('button', { name: 'Cancel' }));

    await waitFor(() => expect(screen.queryByRole('status', { name: 'Bulk progress' })).toBeNull(), { timeout: 60_000 });
    const [run] = await real.call<RunRow[]>('runs.list', { limit: 1 });
    expect(run.status).toBe('cancelled');
    const left = (await real.call<{ rows: { id: number }[] }>('failed.list', {})).rows.map((r) => r.id).sort();
    expect(left).toEqual(ids);
    expect(await real.call<{ total: number }>('documents.list', {})).toMatchObject({ total: 0 });
  });
});
