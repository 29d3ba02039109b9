// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App } from '../../src/renderer/src/App';
import { useApp } from '../../src/renderer/src/stores/app';
import { failedListHandler, installFakeApi, makeFailedRows, makeSettings, uninstallFakeApi } from './fake-api';

afterEach(() => {
  uninstallFakeApi();
  useApp.setState({ info: null, failedCount: null, screen: 'ingest' });
  location.hash = '';
});

describe('the app shell', () => {
  it('has the five links, a failed-count badge that follows failed.changed, and shows errors as toasts', async () => {
    const rows = makeFailedRows(3);
    const fake = installFakeApi({
      'app.info': () => ({ mode: 'browser', version: '0.1.0', dbPath: '/db', dataDir: '/data', platform: 'linux' }),
      'failed.count': () => 3,
      'settings.get': () => makeSettings(),
      'ingest.status': () => null,
      'runs.list': () => {
        throw new Error('database is locked');
      },
      'failed.list': failedListHandler(rows),
      'failed.groups': () => [],
    });
    render(<App />);
    for (const name of ['Ingest', 'Failed files', 'Documents', 'Database', 'Settings']) expect(screen.getByRole('link', { name })).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('failed-count').textContent).toBe('3 failed'));
    fake.emit('failed.changed', { count: 12 });
    expect(screen.getByTestId('failed-count').textContent).toBe('12 failed');
    await screen.findByText('Could not list recent runs: database is locked');

    fireEvent.click(screen.getByRole('link', { name: 'Failed files' }));
    expect(screen.getByRole('link', { name: 'Failed files' }).getAttribute('aria-current')).toBe('page');
    await screen.findByRole('grid', { name: 'Failed files' });
  });
});
