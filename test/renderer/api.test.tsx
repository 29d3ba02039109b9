// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, call, resetApiClient } from '../../src/renderer/src/api';
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
