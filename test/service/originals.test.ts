import { mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Events, FsListing, OriginalFile } from '../../src/shared/contract';
import { dispatch } from '../../src/main/app/dispatch';
import { createIntakeService } from '../../src/main/app/service';
import type { IntakeService, Platform } from '../../src/main/app/service-api';
import { headlessPlatform } from '../../src/main/app/platform';
import { INVOICE, Workspace, letter } from '../support/workspace';

let ws: Workspace;
let service: IntakeService;
let desktop: { opened: string[]; revealed: string[] };

/** A desktop platform that records what it was asked to open or show. */
function desktopPlatform(): Platform {
  desktop = { opened: [], revealed: [] };
  return {
    ...headlessPlatform(ws.dataDir),
    mode: 'electron',
    showInFolder: async (p) => void desktop.revealed.push(p),
    openPath: async (p) => void desktop.opened.push(p),
  };
}

async function start(platform: Platform, roots = [ws.docs]): Promise<void> {
  service = await createIntakeService({ dbPath: ws.dbPath, dataDir: ws.dataDir, platform, allowedRoots: roots, watch: { enabled: false } });
}

beforeEach(() => {
  ws = new Workspace('intake-originals-');
});
afterEach(async () => {
  await service?.close();
  await ws.close();
});

async function call<T = unknown>(channel: string, input: unknown): Promise<T> {
  const env = await dispatch(service.handlers, channel, input);
  if (!env.ok) throw Object.assign(new Error(env.error.message), { code: env.error.code });
  return env.value as T;
}

async function ingest(paths: string[]): Promise<void> {
  const finished = new Promise<Events['run.finished']>((resolve) => service.on('run.finished', resolve));
  await call('ingest.start', { paths, ocr: false });
  await finished;
}

async function docId(filename: string): Promise<number> {
  const page = await call<{ rows: { id: number; filename: string }[] }>('documents.list', { limit: 50 });
  return page.rows.find((r) => r.filename === filename)!.id;
}

describe('Documents: open the original, show it in its folder, or download it', () => {
  it('the desktop opens and shows the document’s own file; a moved file is named, not guessed', async () => {
    await start(desktopPlatform());
    const invoice = ws.write('invoice.txt', INVOICE);
    await ingest([ws.docs]);
    const id = await docId('invoice.txt');

    expect(await call('documents.open', { id, how: 'open' })).toEqual({ path: invoice });
    expect(await call('documents.open', { id, how: 'reveal' })).toEqual({ path: invoice });
    expect(desktop).toEqual({ opened: [invoice], revealed: [invoice] });

    // Only the document's recorded paths: not any file the renderer names.
    const other = ws.write('other.txt', 'x');
    await expect(call('documents.open', { id, how: 'open', path: other })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(call('documents.open', { id: 9999, how: 'open' })).rejects.toMatchObject({ code: 'not_found' });

    rmSync(invoice);
    await expect(call('documents.open', { id, how: 'open' })).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining(invoice) });
    expect(desktop.opened).toEqual([invoice]);
  });

  it('a recorded path that now leads outside the granted folders is refused', async () => {
    const outside = join(ws.root, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), letter('Secret', 'Nothing to see here, this letter is outside the granted folder.'));
    await start(headlessPlatform(ws.dataDir));
    const note = ws.write('sub/note.txt', letter('Garden', 'The hedge and the lawn will be trimmed in spring by the gardener.'));
    await ingest([ws.docs]);
    const id = await docId('note.txt');
    // The folder is swapped for a link to elsewhere, holding a file of the same name.
    rmSync(join(ws.docs, 'sub'), { recursive: true });
    symlinkSync(outside, join(ws.docs, 'sub'));
    writeFileSync(join(outside, 'note.txt'), 'swapped');
    await expect(call('documents.original', { id })).rejects.toMatchObject({ code: 'path_not_allowed' });
    expect(note).toContain('sub');
  });

  it('browser mode downloads the bytes, says when the file changed since ingest, and refuses to open the desktop', async () => {
    await start(headlessPlatform(ws.dataDir));
    const invoice = ws.write('invoice.txt', INVOICE);
    await ingest([ws.docs]);
    const id = await docId('invoice.txt');

    const file = await call<OriginalFile>('documents.original', { id });
    expect(file).toMatchObject({ path: invoice, filename: 'invoice.txt', mimeType: expect.stringContaining('text/plain'), size: Buffer.byteLength(INVOICE), changedSinceIngest: false });
    expect(Buffer.from(file.dataBase64, 'base64').toString('utf8')).toBe(INVOICE);

    appendFileSync(invoice, 'Paid on 2 April.\n');
    expect(await call<OriginalFile>('documents.original', { id })).toMatchObject({ changedSinceIngest: true });

    await expect(call('documents.open', { id, how: 'open' })).rejects.toMatchObject({ code: 'not_supported', message: expect.stringContaining('Download original') });
    await expect(call('documents.open', { id, how: 'reveal' })).rejects.toMatchObject({ code: 'not_supported' });
  });
});

describe('browser mode’s folder picker', () => {
  it('lists every granted root, climbs within them, offers recent folders and hidden ones on request', async () => {
    const other = join(ws.root, 'other-root');
    mkdirSync(join(other, 'deep', 'deeper'), { recursive: true });
    await start(headlessPlatform(ws.dataDir), [ws.docs, other]);
    ws.write('letters/a.txt', letter('Insurance', 'Your household insurance renews in May at the same premium.'));
    ws.write('.hidden-folder/b.txt', 'b');

    const top = await call<FsListing>('fs.list', { path: ws.docs });
    const inbox = join(ws.dataDir, 'inbox');
    expect(top.roots).toEqual([realpathSync(ws.docs), realpathSync(other)]); // the inbox once it exists
    expect(top.parent).toBeNull(); // the top of a root: nothing above it may be read
    expect(top.entries.map((e) => e.name)).toEqual(['letters']);
    expect(top.recent).toEqual([]);

    const shown = await call<FsListing>('fs.list', { path: ws.docs, hidden: true });
    expect(shown.entries).toContainEqual({ name: '.hidden-folder', path: join(ws.docs, '.hidden-folder'), dir: true, hidden: true });

    const deeper = await call<FsListing>('fs.list', { path: join(other, 'deep', 'deeper') });
    expect(deeper.parent).toBe(join(other, 'deep'));
    expect((await call<FsListing>('fs.list', { path: deeper.parent! })).parent).toBe(other);

    // Folders ingested lately come back as recent, newest first; the inbox's upload folders do not.
    await ingest([join(ws.docs, 'letters')]);
    await ingest([ws.docs]);
    const dropped = await call<{ folder: string }>('ingest.inbox', { files: [{ relativePath: 'x.txt', dataBase64: Buffer.from(letter('Dropped', 'A dropped letter about the village fair.')).toString('base64') }] });
    await ingest([dropped.folder]);
    const after = await call<FsListing>('fs.list', { path: other });
    expect(after.recent).toEqual([ws.docs, join(ws.docs, 'letters')]);
    expect(after.roots).toEqual([realpathSync(ws.docs), realpathSync(other), inbox]);
  });
});
