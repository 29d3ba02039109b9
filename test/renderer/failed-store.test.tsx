// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '@testing-library/react';
import { PAGE_SIZE, useFailed } from '../../src/renderer/src/stores/failed';
import { failedListHandler, installFakeApi, makeFailedRows, uninstallFakeApi, type FakeApi } from './fake-api';

let fake: FakeApi;
const rows = makeFailedRows(1000);

beforeEach(() => {
  fake = installFakeApi({ 'failed.list': failedListHandler(rows), 'failed.groups': () => [] });
});
afterEach(uninstallFakeApi);

describe('the failed-files store', () => {
  it('asks for the first page of 200, newest failure first, with no filter', async () => {
    await useFailed.getState().query();
    expect(fake.callsTo('failed.list')).toEqual([{ offset: 0, limit: PAGE_SIZE, sort: 'failed_at', dir: 'desc', filter: {} }]);
    expect(useFailed.getState().total).toBe(1000);
    expect(useFailed.getState().rowAt(0)?.id).toBe(1);
  });

  it('fetches each missing page once as rows scroll into view', async () => {
    await useFailed.getState().query();
    useFailed.getState().ensureRange(350, 420);
    useFailed.getState().ensureRange(360, 430);
    await waitFor(() => expect(useFailed.getState().rowAt(420)).toBeDefined());
    const offsets = fake.callsTo('failed.list').map((c) => c.offset);
    expect(offsets).toEqual([0, 200, 400]);
    expect(useFailed.getState().rowAt(399)?.id).toBe(400);
  });

  it('sorting by a new column starts at its natural direction, clicking again flips it', async () => {
    await useFailed.getState().query();
    useFailed.getState().setSort('filename');
    await waitFor(() => expect(fake.callsTo('failed.list')).toHaveLength(2));
    expect(fake.callsTo('failed.list')[1]).toMatchObject({ offset: 0, sort: 'filename', dir: 'asc' });
    useFailed.getState().setSort('filename');
    await waitFor(() => expect(fake.callsTo('failed.list')).toHaveLength(3));
    expect(fake.callsTo('failed.list')[2]).toMatchObject({ sort: 'filename', dir: 'desc' });
    useFailed.getState().setSort('attempts');
    await waitFor(() => expect(fake.callsTo('failed.list')).toHaveLength(4));
    expect(fake.callsTo('failed.list')[3]).toMatchObject({ sort: 'attempts', dir: 'desc' });
  });

  it('a filter goes to the server trimmed and without empty values, and to the groups too', async () => {
    await useFailed.getState().query();
    useFailed.getState().setFilter({ stage: 'ocr', q: '  file-0001 ', errorCode: undefined });
    await waitFor(() => expect(fake.callsTo('failed.list')).toHaveLength(2));
    expect(fake.callsTo('failed.list')[1]).toEqual({ offset: 0, limit: PAGE_SIZE, sort: 'failed_at', dir: 'desc', filter: { stage: 'ocr', q: 'file-0001' } });
    expect(fake.callsTo('failed.groups').at(-1)).toEqual({ filter: { stage: 'ocr', q: 'file-0001' } });
  });

  it('a failed.changed event refetches what is on screen', async () => {
    const release = useFailed.getState().attach();
    await useFailed.getState().query();
    fake.emit('failed.changed', { count: 999 });
    await waitFor(() => expect(fake.callsTo('failed.list')).toHaveLength(2));
    release();
  });
});
