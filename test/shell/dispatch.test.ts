import { describe, expect, it } from 'vitest';
import { dispatch, toErrorBody } from '../../src/main/app/dispatch';
import { IntakeError } from '../../src/shared/errors';
import { fakeService } from './fake-service';

describe('dispatch: every input is validated before a handler runs', () => {
  it('answers an unknown channel with unknown_channel and calls nothing', async () => {
    const service = fakeService();
    const result = await dispatch(service.handlers, 'failed.dropTable', {});
    expect(result).toEqual({ ok: false, error: { code: 'unknown_channel', message: expect.stringContaining('failed.dropTable') } });
    for (const handler of Object.values(service.handlers)) expect(handler).not.toHaveBeenCalled();
  });

  it('refuses inherited property names as channels', async () => {
    const service = fakeService();
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const result = await dispatch(service.handlers, name, {});
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('unknown_channel');
    }
  });

  const invalid: [string, string, unknown, RegExp][] = [
    ['wrong type', 'failed.get', { id: 'seven' }, /id/],
    ['missing field', 'failed.get', {}, /id/],
    ['negative id', 'documents.get', { id: -1 }, /id/],
    ['extra field', 'app.info', { admin: true }, /admin|Unrecognized/i],
    ['not an object', 'ingest.start', 'rm -rf /', /input|object/i],
    ['null', 'settings.get', null, /input|object/i],
    ['NUL byte in a path', 'ingest.start', { paths: ['/tmp/a\0b'] }, /paths\.0: path contains a NUL byte/],
    ['empty path list', 'ingest.start', { paths: [] }, /paths: choose at least one folder/],
    ['huge path', 'shell.showInFolder', { path: 'a'.repeat(100_000) }, /path: path is too long/],
    ['huge search text', 'documents.list', { q: 'x'.repeat(1_000_000) }, /q:/],
    ['bad table name', 'db.rows', { table: 'documents; DROP TABLE runs' }, /table: invalid table name/],
    ['bad column name', 'db.update', { table: 'failed_files', id: 1, values: { 'reason = 1 --': 'x' } }, /values/],
    ['bad enum', 'failed.list', { sort: 'random()' }, /sort/],
    ['bad url', 'shell.openExternal', { url: 'javascript:alert(1)' }, /url/],
    ['too many ids', 'failed.reset', { ids: Array.from({ length: 100_001 }, (_, i) => i + 1) }, /ids|input/],
    ['bad OCR language', 'settings.set', { ocrLanguages: ['../../etc'] }, /ocrLanguages\.0: invalid OCR language code/],
  ];
  it.each(invalid)('%s → invalid_input naming the field, handler not called', async (_name, channel, input, message) => {
    const service = fakeService();
    const result = await dispatch(service.handlers, channel, input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_input');
    expect(result.error.message).toMatch(message);
    expect(result.error.message.length).toBeLessThan(2100);
    expect(service.handlers[channel as 'app.info']).not.toHaveBeenCalled();
  });

  it('passes the parsed input (with defaults) to the handler and wraps the value', async () => {
    const service = fakeService();
    service.handlers['failed.list'].mockResolvedValue({ rows: [], total: 0 });
    const result = await dispatch(service.handlers, 'failed.list', {});
    expect(result).toEqual({ ok: true, value: { rows: [], total: 0 } });
    expect(service.handlers['failed.list']).toHaveBeenCalledWith({ offset: 0, limit: 100, sort: 'failed_at', dir: 'desc', filter: {} });
  });

  it('treats a missing input as {} and undefined results as null', async () => {
    const service = fakeService();
    service.handlers['ingest.pause'].mockResolvedValue(undefined);
    service.handlers['app.info'].mockResolvedValue(undefined);
    expect(await dispatch(service.handlers, 'app.info', undefined)).toEqual({ ok: true, value: null });
  });

  it('maps an IntakeError to its code and message, without the stack', async () => {
    const service = fakeService();
    service.handlers['failed.get'].mockRejectedValue(new IntakeError('file_vanished', 'File vanished', { message: 'The file /x/y.pdf is gone' }));
    const result = await dispatch(service.handlers, 'failed.get', { id: 3 });
    expect(result).toEqual({ ok: false, error: { code: 'file_vanished', message: 'The file /x/y.pdf is gone' } });
    expect(JSON.stringify(result)).not.toMatch(/\s+at\s/);
  });

  it('keeps a plain error code, and says internal otherwise', async () => {
    const service = fakeService();
    service.handlers['shell.showInFolder'].mockRejectedValue(Object.assign(new Error('Show in folder is not available'), { code: 'not_supported' }));
    expect(await dispatch(service.handlers, 'shell.showInFolder', { path: '/tmp' })).toEqual({
      ok: false,
      error: { code: 'not_supported', message: 'Show in folder is not available' },
    });
    const boom = new TypeError('Cannot read properties of undefined');
    service.handlers['app.info'].mockRejectedValue(boom);
    const result = await dispatch(service.handlers, 'app.info', {});
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'Cannot read properties of undefined' } });
    expect(JSON.stringify(result)).not.toContain('dispatch.test');
  });

  it('never returns a stack even when a message embeds one', () => {
    const err = new Error(`outer\n    at secret (/home/me/app.js:1:1)`);
    expect(toErrorBody(err).message).toBe('outer');
    expect(toErrorBody('just text')).toEqual({ code: 'internal', message: 'just text' });
    expect(toErrorBody({ weird: true })).toEqual({ code: 'internal', message: 'Unexpected error' });
  });
});
