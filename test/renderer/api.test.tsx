// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, call, resetApiClient } from '../../src/renderer/src/api';
import { uploadToInbox } from '../../src/renderer/src/drop';
import { INBOX_UPLOAD_PATH, INBOX_UPLOAD_TYPE } from '../../src/shared/inbox-upload';
import { FakeError, installFakeApi, uninstallFakeApi } from './fake-api';

afterEach(() => {
  uninstallFakeApi();
  vi.unstubAllGlobals();
});

describe('api.call', () => {
  it('returns the value of an ok envelope', async () => {
    installFakeApi({ 'failed.count': () => 7 });
    await expect(call('failed.count', {})).resolves.toBe(7);
  });

  it('turns an error envelope into a thrown ApiError carrying the code and message', async () => {
    installFakeApi({
      'failed.get': () => {
        throw new FakeError('not_found', 'No failed file with id 9');
      },
    });
    const err = await call('failed.get', { id: 9 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'not_found', message: 'No failed file with id 9', channel: 'failed.get' });
  });

  it('without window.api (browser mode) takes the token from the URL fragment, clears it, and posts JSON with a Bearer header, no cookie', async () => {
    resetApiClient();
    sessionStorage.clear();
    history.replaceState(null, '', '/failed#token=abc123');
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ ok: true, value: 3 }), { status: 200, headers: { 'content-type': 'application/json' } }));
    vi.stubGlobal('fetch', fetchMock);
    await expect(call('failed.count', {})).resolves.toBe(3);
    expect(fetchMock).toHaveBeenCalledWith(
      '/api/invoke/failed.count',
      expect.objectContaining({ method: 'POST', credentials: 'omit', body: '{}', headers: expect.objectContaining({ authorization: 'Bearer abc123' }) }),
    );
    expect(location.hash).toBe('');
    expect(location.href).not.toContain('abc123');
    expect(location.pathname).toBe('/failed');
    // A reload in the same tab keeps working: the token is in this origin's sessionStorage.
    resetApiClient();
    await call('failed.count', {});
    expect(fetchMock).toHaveBeenLastCalledWith('/api/invoke/failed.count', expect.objectContaining({ headers: expect.objectContaining({ authorization: 'Bearer abc123' }) }));
    sessionStorage.clear();
  });

  it('in browser mode a refused request (no token) becomes an "unauthorized" error', async () => {
    resetApiClient();
    vi.stubGlobal('fetch', vi.fn(async () => new Response('nope', { status: 401 })));
    await expect(call('failed.count', {})).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('in browser mode an error envelope from the server is thrown with its code', async () => {
    resetApiClient();
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ ok: false, error: { code: 'invalid_input', message: 'limit: too big' } }), { status: 400 })));
    await expect(call('failed.list', { limit: 5 })).rejects.toMatchObject({ code: 'invalid_input', message: 'limit: too big' });
  });
});

describe('browser mode: dropped files are streamed, not base64', () => {
  it('sends one request whose body is the manifest line and the files themselves, with the Bearer header', async () => {
    resetApiClient();
    sessionStorage.clear();
    history.replaceState(null, '', '/#token=tok42');
    const fetchMock = vi.fn(async (_url: string, _init: RequestInit) => new Response(JSON.stringify({ ok: true, value: { folder: '/inbox/x', files: 2 } }), { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    const files = [
      { relativePath: 'trip/notes.txt', file: new File(['first file'], 'notes.txt') },
      { relativePath: 'trip/é.txt', file: new File(['second, longer file'], 'é.txt') },
    ];
    const progress: number[] = [];
    await expect(uploadToInbox(files, (sent) => progress.push(sent))).resolves.toEqual(['/inbox/x']);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe(INBOX_UPLOAD_PATH);
    expect(init).toMatchObject({ method: 'POST', credentials: 'omit', headers: { 'content-type': INBOX_UPLOAD_TYPE, authorization: 'Bearer tok42' } });
    expect(init.body).toBeInstanceOf(Blob);
    const text = await (init.body as Blob).text();
    expect(text).toBe(`${JSON.stringify({ files: [{ relativePath: 'trip/notes.txt', size: 10 }, { relativePath: 'trip/é.txt', size: 19 }] })}\nfirst filesecond, longer file`);
    expect(progress).toEqual([2]);
    sessionStorage.clear();
  });

  it('a refusal from the server is thrown with its code', async () => {
    resetApiClient();
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ ok: false, error: { code: 'inbox_full', message: 'The inbox is full' } }), { status: 200 })));
    await expect(uploadToInbox([{ relativePath: 'a.txt', file: new File(['a'], 'a.txt') }])).rejects.toMatchObject({ code: 'inbox_full', message: 'The inbox is full' });
  });
});
