import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Events } from '../../src/shared/contract';
import { dispatch } from '../../src/main/app/dispatch';
import { callThrough } from '../support/dispatch';
import { createIntakeService } from '../../src/main/app/service';
import type { IntakeService } from '../../src/main/app/service-api';
import { headlessPlatform } from '../../src/main/app/platform';
import { startWebServer, type WebServer } from '../../src/main/web/server';
import { encodeInboxManifest, INBOX_UPLOAD_PATH, INBOX_UPLOAD_TYPE } from '../../src/shared/inbox-upload';
import { waitFor } from '../reliability/support';
import { Workspace, letter } from '../support/workspace';

let ws: Workspace;
let service: IntakeService;
const b64 = (s: string) => Buffer.from(s).toString('base64');

beforeEach(async () => {
  ws = new Workspace('intake-inbox-');
  service = await createIntakeService({ dbPath: ws.dbPath, dataDir: ws.dataDir, platform: headlessPlatform(ws.dataDir), allowedRoots: [ws.root], inboxMaxBytes: 64 * 1024 });
});
afterEach(async () => {
  await service.close();
  await ws.close();
});

function call<T = unknown>(channel: string, input: unknown): Promise<T> {
  return callThrough<T>(service.handlers, channel, input);
}

const inbox = () => join(ws.dataDir, 'inbox');
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
}

describe('browser mode: dropped files go into the inbox all or nothing', () => {
  it('40 concurrent uploads: each folder holds exactly its own request’s files, and a refused request leaves nothing', async () => {
    const requests = Array.from({ length: 40 }, (_, r) => ({
      files: Array.from({ length: 3 }, (_, i) => ({ relativePath: `req${r}/file${i}.txt`, dataBase64: b64(`request ${r} file ${i}`) })),
    }));
    // Every fifth request carries a bad name at its end: it must leave no file behind.
    for (let r = 0; r < 40; r += 5) requests[r].files.push({ relativePath: 'ok/../../escape.txt', dataBase64: b64('x') });
    const results = await Promise.all(requests.map((input) => dispatch(service.handlers, 'ingest.inbox', input)));
    const okFolders: string[] = [];
    results.forEach((res, r) => {
      if (r % 5 === 0) {
        expect(res, `request ${r}`).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
        return;
      }
      if (!res.ok) {
        expect(res.error.code, `request ${r}`).toBe('busy'); // the concurrency cap speaks plainly
        return;
      }
      const folder = (res.value as { folder: string }).folder;
      okFolders.push(folder);
      expect(filesUnder(folder)).toEqual([`req${r}/file0.txt`, `req${r}/file1.txt`, `req${r}/file2.txt`]);
      expect(readFileSync(join(folder, `req${r}`, 'file1.txt'), 'utf8')).toBe(`request ${r} file 1`);
    });
    expect(okFolders.length).toBeGreaterThan(0);
    expect(new Set(okFolders).size).toBe(okFolders.length);
    // Nothing else in the inbox: no half-written staging folder, no file from a refused request.
    const all = filesUnder(inbox());
    expect(all.length).toBe(okFolders.length * 3);
    expect(all.some((f) => f.includes('escape') || f.includes('.staging-'))).toBe(false);
    expect(existsSync(join(ws.dataDir, 'escape.txt'))).toBe(false);
  });

  it('refuses ".", empty and ".." segments, absolute paths, NUL and duplicate names, writing nothing', async () => {
    for (const relativePath of ['.', './', 'a/./b.txt', 'a//b.txt', '/etc/x.txt', '..', 'a/../b.txt', 'a\\..\\b.txt', 'bad\0.txt', `${'n'.repeat(256)}.txt`]) {
      await expect(call('ingest.inbox', { files: [{ relativePath, dataBase64: b64('x') }] }), JSON.stringify(relativePath)).rejects.toMatchObject({ code: 'invalid_input' });
    }
    await expect(call('ingest.inbox', { files: [{ relativePath: 'A.txt', dataBase64: b64('1') }, { relativePath: 'a.txt', dataBase64: b64('2') }] })).rejects.toMatchObject({ code: 'invalid_input' });
    expect(filesUnder(inbox())).toEqual([]);
  });

  it('caps the inbox’s size, and cleans out files already ingested so the space comes back', async () => {
    const big = b64(letter('Long report', Array.from({ length: 500 }, (_, i) => `Paragraph ${i} of the annual garden club report describes roses, tulips and hedges.`).join(' ')));
    const first = await call<{ folder: string }>('ingest.inbox', { files: [{ relativePath: 'one.txt', dataBase64: b64(letter('One', 'The first dropped letter, about the summer fair in the village square.')) }, { relativePath: 'big.txt', dataBase64: big }] });
    await expect(call('ingest.inbox', { files: [{ relativePath: 'more.txt', dataBase64: big }] })).rejects.toMatchObject({ code: 'inbox_full' });
    const finished = new Promise<Events['run.finished']>((resolve) => service.on('run.finished', resolve));
    await call('ingest.start', { paths: [first.folder], ocr: false });
    expect(await finished).toMatchObject({ ingested: 2 });
    // The next drop finds room: the ingested files left the inbox, their text stays in the library.
    const second = await call<{ folder: string }>('ingest.inbox', { files: [{ relativePath: 'more.txt', dataBase64: big }] });
    expect(existsSync(first.folder)).toBe(false);
    expect(filesUnder(inbox())).toEqual([relative(inbox(), join(second.folder, 'more.txt'))]);
    expect((await call<{ total: number }>('documents.list', { q: 'summer fair', mode: 'keyword' })).total).toBe(1);
  });

  it('a file that failed stays in the inbox (it may be reprocessed)', async () => {
    const first = await call<{ folder: string }>('ingest.inbox', { files: [{ relativePath: 'zeros.txt', dataBase64: Buffer.alloc(600, 0).toString('base64') }] });
    const finished = new Promise<Events['run.finished']>((resolve) => service.on('run.finished', resolve));
    await call('ingest.start', { paths: [first.folder], ocr: false });
    expect(await finished).toMatchObject({ failed: 1 });
    await call('ingest.inbox', { files: [{ relativePath: 'x.txt', dataBase64: b64('x') }] });
    expect(existsSync(join(first.folder, 'zeros.txt'))).toBe(true);
  });
});

describe('browser mode: the inbox sits beside the library in use', () => {
  it('with the library at /elsewhere/lib.db, dropped files go to /elsewhere/inbox and are ingested from there', async () => {
    const elsewhere = join(ws.root, 'elsewhere');
    const other = await createIntakeService({ dbPath: join(elsewhere, 'lib.db'), dataDir: ws.dataDir, platform: headlessPlatform(ws.dataDir), allowedRoots: [ws.docs] });
    try {
      const dropped = await dispatch(other.handlers, 'ingest.inbox', { files: [{ relativePath: 'fair.txt', dataBase64: b64(letter('Summer fair', 'The summer fair in the village square opens at ten.')) }] });
      if (!dropped.ok) throw new Error(dropped.error.message);
      const folder = (dropped.value as { folder: string }).folder;
      expect(relative(join(elsewhere, 'inbox'), folder).startsWith('..')).toBe(false);
      expect(filesUnder(join(ws.dataDir, 'inbox'))).toEqual([]);
      // The inbox is outside the granted roots ([docs]) and still ingestible: the service made it.
      const finished = new Promise<Events['run.finished']>((resolve) => other.on('run.finished', resolve));
      const started = await dispatch(other.handlers, 'ingest.start', { paths: [folder], ocr: false });
      expect(started.ok).toBe(true);
      expect(await finished).toMatchObject({ ingested: 1 });
    } finally {
      await other.close();
    }
  });
});

describe('browser mode: uploads stream to disk through the real server', () => {
  let server: WebServer;
  beforeEach(async () => {
    server = await startWebServer({ service, rendererDir: join(ws.root, 'no-renderer') });
  });
  afterEach(async () => {
    await server.close();
  });

  /** An upload whose body the test writes piece by piece; `reply` settles with the envelope. */
  function openUpload(): { send(bytes: Buffer | string): void; end(): void; abort(): void; reply: Promise<{ ok: boolean; value?: { folder: string; files: number }; error?: { code: string } }> } {
    let req!: http.ClientRequest;
    const reply = new Promise<{ ok: boolean; value?: { folder: string; files: number }; error?: { code: string } }>((resolve, reject) => {
      req = http.request(
        { host: '127.0.0.1', port: server.port, method: 'POST', path: INBOX_UPLOAD_PATH, headers: { 'content-type': INBOX_UPLOAD_TYPE, authorization: `Bearer ${server.token}` } },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve(JSON.parse(text)));
        },
      );
      req.on('error', reject);
    });
    return { send: (bytes) => req.write(bytes), end: () => req.end(), abort: () => req.destroy(), reply };
  }

  const stagedBytes = (): number =>
    readdirSync(inbox(), { withFileTypes: true, recursive: true })
      .filter((d) => d.isFile() && d.parentPath.includes('.staging-'))
      .reduce((n, d) => n + statSync(join(d.parentPath, d.name)).size, 0);

  it('writes each file as its bytes arrive, before the upload has ended, then renames it into place', async () => {
    const first = Buffer.alloc(20_000, 'a');
    const second = Buffer.alloc(30_000, 'b');
    const upload = openUpload();
    upload.send(encodeInboxManifest([{ relativePath: 'letters/first.txt', size: first.length }, { relativePath: 'letters/second.txt', size: second.length }]));
    upload.send(first);
    upload.send(second.subarray(0, 10_000));
    // Half-way through the upload, the first file and part of the second are already on disk.
    expect(await waitFor(() => existsSync(inbox()) && stagedBytes() === 30_000, 60_000)).toBe(true);
    upload.send(second.subarray(10_000));
    upload.end();
    const result = await upload.reply;
    expect(result).toMatchObject({ ok: true, value: { files: 2 } });
    expect(readFileSync(join(result.value!.folder, 'letters', 'first.txt')).equals(first)).toBe(true);
    expect(readFileSync(join(result.value!.folder, 'letters', 'second.txt')).equals(second)).toBe(true);
    expect(filesUnder(inbox()).some((f) => f.includes('.staging-'))).toBe(false);
  });

  it('holds at most two uploads at once: a third, while two are still arriving, is answered "busy" and writes nothing; it is taken once they are in', async () => {
    const held = [openUpload(), openUpload()];
    held.forEach((u, i) => {
      u.send(encodeInboxManifest([{ relativePath: `held-${i}.txt`, size: 2_000 }]));
      u.send(Buffer.alloc(1_000, 'h'));
    });
    // Both are half on disk, so both are being saved.
    expect(await waitFor(() => existsSync(inbox()) && stagedBytes() === 2_000, 60_000)).toBe(true);
    const third = openUpload();
    third.send(encodeInboxManifest([{ relativePath: 'third.txt', size: 5 }]));
    third.send('third');
    third.end();
    expect(await third.reply).toMatchObject({ ok: false, error: { code: 'busy' } });
    expect(filesUnder(inbox()).some((f) => f.includes('third'))).toBe(false);
    for (const u of held) {
      u.send(Buffer.alloc(1_000, 'h'));
      u.end();
      expect(await u.reply).toMatchObject({ ok: true, value: { files: 1 } });
    }
    const again = openUpload();
    again.send(encodeInboxManifest([{ relativePath: 'third.txt', size: 5 }]));
    again.send('third');
    again.end();
    expect(await again.reply).toMatchObject({ ok: true, value: { files: 1 } });
  });

  it('refuses from the sizes alone: an upload too big for the inbox is answered before its content is sent', async () => {
    const upload = openUpload();
    upload.send(encodeInboxManifest([{ relativePath: 'huge.bin', size: 10 * 1024 ** 3 }]));
    expect(await upload.reply).toMatchObject({ ok: false, error: { code: 'inbox_full' } });
    upload.abort();
    expect(filesUnder(inbox())).toEqual([]);
  });

  it('leaves nothing behind when the upload is cut off, too short or too long', async () => {
    const cut = openUpload();
    cut.send(encodeInboxManifest([{ relativePath: 'a.txt', size: 10 }, { relativePath: 'b.txt', size: 40_000 }]));
    cut.send(Buffer.alloc(10_000, 'x'));
    expect(await waitFor(() => existsSync(inbox()) && stagedBytes() === 10_000, 60_000)).toBe(true);
    cut.abort();
    await cut.reply.catch(() => undefined);
    expect(await waitFor(() => filesUnder(inbox()).length === 0, 60_000)).toBe(true);

    const short = openUpload();
    short.send(encodeInboxManifest([{ relativePath: 'a.txt', size: 10 }]));
    short.send('12345');
    short.end();
    expect(await short.reply).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

    const long = openUpload();
    long.send(encodeInboxManifest([{ relativePath: 'a.txt', size: 3 }]));
    long.send('abcdef');
    long.end();
    expect(await long.reply).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

    const badName = openUpload();
    badName.send(encodeInboxManifest([{ relativePath: '../escape.txt', size: 3 }]));
    badName.send('abc');
    badName.end();
    expect(await badName.reply).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(filesUnder(inbox())).toEqual([]);
    expect(existsSync(join(ws.dataDir, 'escape.txt'))).toBe(false);
  });
});
