// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { RunProgress, RunSummary } from '../../src/shared/domain';
import { IngestScreen } from '../../src/renderer/src/screens/IngestScreen';
import { useRun } from '../../src/renderer/src/stores/run';
import { installFakeApi, makeSettings, uninstallFakeApi, type FakeApi } from './fake-api';

afterEach(() => {
  uninstallFakeApi();
  useRun.setState({ paths: [], preflight: null, preflightError: null, progress: null, summary: null, runs: [], eligible: 0, optionsTouched: false, starting: false });
});

function setup(): FakeApi {
  return installFakeApi({
    'app.info': () => ({ mode: 'electron', version: 't', dbPath: '/db', dataDir: '/data', platform: 'linux' }),
    'settings.get': () => makeSettings({ concurrency: 3, ocr: false }),
    'ingest.status': () => null,
    'runs.list': () => [],
    'shell.chooseFolder': () => '/home/me/Scans',
    'ingest.preflight': () => ({ total: 10, new: 6, knownUnchanged: 2, previouslyFailed: 1, unsupported: 1, unsupportedFiles: [{ path: '/home/me/Scans/song.mp3', ext: '.mp3' }] }),
    'failed.list': () => ({ rows: [], total: 0 }),
    'ingest.start': () => ({ runId: 7 }),
    'ingest.pause': () => null,
  });
}

const progress = (patch: Partial<RunProgress> = {}): RunProgress => ({
  runId: 7,
  status: 'running',
  total: 10,
  done: 4,
  scanning: false,
  current: [{ path: '/home/me/Scans/invoice.pdf', stage: 'ocr' }],
  inStage: { ocr: 1, classify: 2 },
  ratePerSec: 2.5,
  etaSec: 3,
  elapsedMs: 1600,
  scanned: 10,
  ingested: 3,
  skippedExisting: 1,
  skippedFailed: 0,
  unsupported: 0,
  failed: 0,
  failedByStage: {},
  ...patch,
});

describe('Ingest screen', () => {
  it('choosing a folder runs a preflight, and Start sends the options from settings', async () => {
    const fake = setup();
    render(<IngestScreen />);
    await waitFor(() => expect((screen.getByRole('spinbutton', { name: 'Concurrency' }) as HTMLInputElement).value).toBe('3'));
    fireEvent.click(screen.getByRole('button', { name: 'Choose folder…' }));
    const card = await screen.findByRole('region', { name: 'Preflight' });
    await within(card).findByText('Previously failed');
    expect(fake.callsTo('ingest.preflight')).toEqual([{ paths: ['/home/me/Scans'] }]);
    // One control for the one choice: no "Skip previously failed" beside "Include previously failed".
    expect(screen.queryByRole('checkbox', { name: 'Skip previously failed' })).toBeNull();
    expect(screen.getAllByRole('checkbox', { name: 'Include previously failed' })).toHaveLength(1);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Include previously failed' }));
    expect(within(card).getByText('included')).toBeTruthy();
    // The unsupported count opens the list of those files.
    fireEvent.click(within(card).getByRole('button', { name: /1 unsupported: show them/ }));
    const list = await screen.findByRole('table', { name: 'Unsupported files' });
    expect(within(list).getByText('/home/me/Scans/song.mp3')).toBeTruthy();
    expect(within(list).getByText('.mp3')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(fake.callsTo('ingest.start')).toEqual([{ paths: ['/home/me/Scans'], skipFailed: false, ocr: false, concurrency: 3 }]));
  });

  it('shows live progress from run.progress and the summary from run.finished', async () => {
    const fake = setup();
    render(<IngestScreen />);
    await waitFor(() => expect(fake.callsTo('ingest.status')).toHaveLength(1));

    fake.emit('run.progress', progress());
    const bar = screen.getByRole('progressbar', { name: 'Ingest progress' });
    expect(bar.getAttribute('aria-valuenow')).toBe('4');
    expect(bar.getAttribute('aria-valuemax')).toBe('10');
    expect(screen.getByText('invoice.pdf')).toBeTruthy();
    expect(screen.getByText('Classify: 2')).toBeTruthy();
    expect(screen.getByText('Rate: 2.5 files/s')).toBeTruthy();

    fake.emit('run.progress', progress({ done: 9 }));
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('9');

    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(fake.callsTo('ingest.pause')).toEqual([{ runId: 7 }]));
    await screen.findByRole('button', { name: 'Resume' });

    const summary: RunSummary = {
      runId: 7,
      status: 'paused',
      durationMs: 4200,
      message: 'Paused: the AI server is unreachable',
      scanned: 10,
      ingested: 6,
      skippedExisting: 2,
      skippedFailed: 1,
      unsupported: 0,
      failed: 1,
      failedByStage: { ocr: 1 },
    };
    fake.emit('run.finished', summary);
    const card = screen.getByRole('region', { name: 'Summary' });
    const value = (label: string) => within(card).getByText(label).nextElementSibling?.textContent;
    expect(value('Ingested')).toBe('6');
    expect(value('Skipped existing')).toBe('2');
    expect(value('Skipped (failed)')).toBe('1');
    expect(within(card).getByText('Failed by stage')).toBeTruthy();
    expect(within(card).getByText(/OCR:/).textContent).toBe('OCR: 1');
    expect(within(card).getByText('Paused: the AI server is unreachable')).toBeTruthy();
    // That run has ended (paused by the dead AI server): nothing left to resume or cancel, and a new run can start.
    expect(screen.queryByRole('button', { name: 'Resume' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    fireEvent.change(screen.getByLabelText('Folder path'), { target: { value: '/home/me/Scans' } });
    expect((screen.getByRole('button', { name: 'Start' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('reattaches to a run already going when it opens', async () => {
    const fake = setup();
    fake.handlers['ingest.status'] = () => progress({ done: 2 });
    render(<IngestScreen />);
    const bar = await screen.findByRole('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('2');
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeTruthy();
  });
});
