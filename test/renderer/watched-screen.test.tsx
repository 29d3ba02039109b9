// @vitest-environment jsdom
/** Issue 14: the Watched folders screen through the real service, real polling and real files. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../../src/renderer/src/App';
import { useApp } from '../../src/renderer/src/stores/app';
import { resetWatchedStore } from '../../src/renderer/src/stores/watched';
import { installRealApi, type RealApi } from './real-service';
import { letter } from '../support/workspace';
import { fakeLayout } from './fake-api';
import type { WatchedFolder } from '../../src/shared/domain';

const BINARY = Buffer.from([0, 1, 2, 3, 0, 0, 0, 0, 255, 254, 0, 0].concat(Array(200).fill(0)));
const LONG = { timeout: 120_000 };

let real: RealApi;
beforeAll(() => fakeLayout(600));
beforeEach(async () => {
  real = await installRealApi({ engine: { extractorOptions: { workers: 1 } }, watch: { pollMs: 100, osEvents: false } });
  resetWatchedStore();
  location.hash = '#/watched';
  useApp.setState({ info: null, failedCount: null, screen: 'watched' });
});
afterEach(async () => {
  await real.close();
  location.hash = '';
});

const row = () => within(screen.getByRole('table', { name: 'Watched folders' })).getAllByRole('row')[1];

describe('Watched folders screen', () => {
  it('adds a typed folder, shows files arriving live with counts and the last file, and its failed count opens Failed files for that folder only', async () => {
    // A failure elsewhere that the folder filter must leave out.
    const other = join(real.ws.root, 'elsewhere');
    mkdirSync(other);
    writeFileSync(join(other, 'broken.txt'), Buffer.concat([BINARY, Buffer.from([7, 7, 7])])); // not the same content as garbage.txt
    const done = new Promise<void>((r) => {
      const off = real.service.on('run.finished', () => (off(), r()));
    });
    await real.call('ingest.start', { paths: [other], ocr: false });
    await done;

    const inbox = join(real.ws.docs, 'scans');
    mkdirSync(inbox);
    render(<App />);
    expect(screen.getByRole('link', { name: 'Watched folders' }).getAttribute('aria-current')).toBe('page');
    await screen.findByText('No watched folders yet.', {}, LONG);

    fireEvent.change(screen.getByLabelText('Folder to watch'), { target: { value: inbox } });
    fireEvent.click(screen.getByRole('button', { name: 'Watch' }));
    await screen.findByRole('table', { name: 'Watched folders' }, LONG);
    expect(within(row()).getByText('scans')).toBeTruthy();
    await waitFor(() => expect(within(row()).getByText('Watching')).toBeTruthy(), LONG);
    expect(within(row()).getByText(/ingested once they have stopped changing/)).toBeTruthy();

    writeFileSync(join(inbox, 'letter.txt'), letter('A scanned letter'));
    writeFileSync(join(inbox, 'garbage.txt'), BINARY);
    // Live: nothing here asks watch.list again; watch.changed carries the counts.
    await waitFor(() => {
      const cells = within(row()).getAllByRole('cell');
      expect(cells[2].textContent).toBe('1'); // brought in
      expect(cells[3].textContent).toBe('1'); // failed
    }, LONG);
    expect(within(row()).getByText(/letter\.txt|garbage\.txt/)).toBeTruthy();

    fireEvent.click(within(row()).getByRole('button', { name: '1 failed in scans: show them' }));
    await screen.findByRole('heading', { name: 'Failed files' });
    expect(screen.getByRole('button', { name: 'Remove the folder filter' })).toBeTruthy();
    const grid = await screen.findByRole('grid', { name: 'Failed files' }, LONG);
    await waitFor(() => expect(grid.textContent).toContain('garbage.txt'), LONG);
    expect(grid.textContent).not.toContain('broken.txt');
    // Dropping the folder filter shows both.
    fireEvent.click(screen.getByRole('button', { name: 'Remove the folder filter' }));
    await waitFor(() => expect(grid.textContent).toContain('broken.txt'), LONG);
    expect(grid.textContent).toContain('garbage.txt');
  }, 300_000);

  it('pauses and resumes, says "folder missing" with what to do, and removes only after a confirm', async () => {
    const inbox = join(real.ws.docs, 'usb');
    mkdirSync(inbox);
    await real.call('watch.add', { path: inbox });
    render(<App />);
    await waitFor(() => expect(within(row()).getByText('Watching')).toBeTruthy(), LONG);

    fireEvent.click(within(row()).getByRole('button', { name: 'Pause usb' }));
    await waitFor(() => expect(within(row()).getByText('Paused')).toBeTruthy(), LONG);
    expect((await real.call<WatchedFolder[]>('watch.list'))[0].paused).toBe(true);
    fireEvent.click(within(row()).getByRole('button', { name: 'Resume usb' }));
    await waitFor(() => expect(within(row()).getByText('Watching')).toBeTruthy(), LONG);

    renameSync(inbox, `${inbox}-away`);
    await waitFor(() => expect(within(row()).getByText('Folder missing')).toBeTruthy(), LONG);
    expect(within(row()).getByText(/not there.*Reconnect the drive or put the folder back/)).toBeTruthy();
    renameSync(`${inbox}-away`, inbox);
    await waitFor(() => expect(within(row()).getByText('Watching')).toBeTruthy(), LONG);

    fireEvent.click(within(row()).getByRole('button', { name: 'Remove usb' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(await real.call<WatchedFolder[]>('watch.list')).toHaveLength(1);
    fireEvent.click(within(row()).getByRole('button', { name: 'Remove usb' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Stop watching' }));
    await screen.findByText('No watched folders yet.', {}, LONG);
    expect(await real.call<WatchedFolder[]>('watch.list')).toEqual([]);
  }, 300_000);

  it('refuses a folder outside the allowed ones with the reason, and adds nothing', async () => {
    render(<App />);
    await screen.findByText('No watched folders yet.', {}, LONG);
    fireEvent.change(screen.getByLabelText('Folder to watch'), { target: { value: '/' } });
    fireEvent.click(screen.getByRole('button', { name: 'Watch' }));
    await screen.findByText(/Could not watch that folder/, {}, LONG);
    expect(await real.call<WatchedFolder[]>('watch.list')).toEqual([]);
  }, 120_000);

  it('browser mode: after "Turn on notifications" the page says "1 new document" on the desktop when a watched folder brings one in', async () => {
    const shown: { title: string; body?: string }[] = [];
    class PageNotification {
      static permission: NotificationPermission = 'default';
      static requestPermission = async () => (PageNotification.permission = 'granted');
      onclick: (() => void) | null = null;
      constructor(title: string, opts: NotificationOptions) {
        shown.push({ title, body: opts.body });
      }
      close() {}
    }
    (globalThis as { Notification?: unknown }).Notification = PageNotification;
    try {
      const inbox = join(real.ws.docs, 'downloads');
      mkdirSync(inbox);
      render(<App />);
      fireEvent.click(await screen.findByRole('button', { name: 'Turn on notifications' }, LONG));
      await waitFor(() => expect(screen.queryByRole('button', { name: 'Turn on notifications' })).toBeNull(), LONG);
      await real.call('watch.add', { path: inbox });
      await waitFor(() => expect(within(row()).getByText('Watching')).toBeTruthy(), LONG);
      expect(shown).toEqual([]);
      writeFileSync(join(inbox, 'statement.txt'), letter('A bank statement'));
      await waitFor(() => expect(shown).toEqual([{ title: 'Intake', body: '1 new document' }]), LONG);
    } finally {
      delete (globalThis as { Notification?: unknown }).Notification;
    }
  }, 300_000);
});
