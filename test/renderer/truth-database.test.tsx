// @vitest-environment jsdom
/** Issue 10 item 8 through the real service: the row form refuses beside the field, and settings are read-only here. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { DatabaseScreen } from '../../src/renderer/src/screens/DatabaseScreen';
import { useDatabase } from '../../src/renderer/src/stores/database';
import { installRealApi, ingestNow, type RealApi } from './real-service';
import { letter } from '../support/workspace';

let real: RealApi;
beforeEach(async () => {
  real = await installRealApi();
  useDatabase.setState({ tables: [], table: null, rows: [], total: 0, offset: 0, sort: null });
});
afterEach(async () => {
  await real.close();
});

describe('Database screen', () => {
  it('refuses tags that are not a JSON list beside the field and sends nothing; the document keeps its tags', async () => {
    real.ws.write('a.txt', letter('Insurance renewal'));
    await ingestNow(real);
    const before = (await real.call<{ rows: { tags: string }[] }>('db.rows', { table: 'documents' })).rows[0].tags;
    render(<DatabaseScreen />);
    const table = await screen.findByRole('table', { name: 'Rows of documents' }, { timeout: 30_000 });
    fireEvent.click(within(table).getAllByRole('button', { name: /^Edit row/ })[0]);
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).queryByLabelText(/^file_hash/)).toBeNull(); // engine-owned: not offered
    fireEvent.change(within(dialog).getByLabelText(/^tags/), { target: { value: 'not json' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect((await within(dialog).findAllByRole('alert')).map((a) => a.textContent).join(' ')).toMatch(/JSON list/);
    expect((await real.call<{ rows: { tags: string }[] }>('db.rows', { table: 'documents' })).rows[0].tags).toBe(before);
    // content_source is a choice of its CHECK's words.
    const select = within(dialog).getByLabelText(/^content_source/) as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['text', 'pdf', 'ocr']);
  });

  it('edits JSON pretty-printed and stores it compact; an untouched JSON field is not sent', async () => {
    real.ws.write('a.txt', letter('Insurance renewal'));
    await ingestNow(real);
    await real.call('db.update', { table: 'documents', id: 1, values: { tags: '["insurance","home"]' } });
    render(<DatabaseScreen />);
    const table = await screen.findByRole('table', { name: 'Rows of documents' }, { timeout: 30_000 });
    fireEvent.click(within(table).getAllByRole('button', { name: /^Edit row/ })[0]);
    const dialog = await screen.findByRole('dialog');
    const tags = within(dialog).getByLabelText(/^tags/) as HTMLTextAreaElement;
    expect(tags.value).toBe('[\n  "insurance",\n  "home"\n]');
    fireEvent.change(within(dialog).getByLabelText(/^title/), { target: { value: 'Renewal letter' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), { timeout: 30_000 });
    const row = (await real.call<{ rows: { title: string; tags: string }[] }>('db.rows', { table: 'documents' })).rows[0];
    expect(row).toMatchObject({ title: 'Renewal letter', tags: '["insurance","home"]' });

    fireEvent.click(within(table).getAllByRole('button', { name: /^Edit row/ })[0]);
    const again = await screen.findByRole('dialog');
    fireEvent.change(within(again).getByLabelText(/^tags/), { target: { value: '[ "insurance" ]' } });
    fireEvent.click(within(again).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), { timeout: 30_000 });
    expect((await real.call<{ rows: { tags: string }[] }>('db.rows', { table: 'documents' })).rows[0].tags).toBe('["insurance"]');
  });

  it('the settings table is shown read-only, pointing to the Settings screen', async () => {
    await real.call('settings.set', { concurrency: 3 });
    render(<DatabaseScreen />);
    await screen.findByRole('table', { name: 'Rows of documents' }).catch(() => undefined);
    await waitFor(() => expect(useDatabase.getState().tables.length).toBeGreaterThan(0), { timeout: 30_000 });
    useDatabase.getState().selectTable('settings');
    await screen.findByText(/changed on the Settings screen/, {}, { timeout: 30_000 });
    expect(screen.queryByRole('button', { name: /^Edit row/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Delete row/ })).toBeNull();
  });
});
