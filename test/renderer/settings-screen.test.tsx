// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { Input } from '../../src/shared/contract';
import { SettingsScreen } from '../../src/renderer/src/screens/SettingsScreen';
import { useSettings } from '../../src/renderer/src/stores/settings';
import { installFakeApi, makeSettings, uninstallFakeApi, type FakeApi } from './fake-api';

const SECRET = 'sk-live-very-secret';

afterEach(() => {
  uninstallFakeApi();
  useSettings.setState({ settings: null, testResult: null });
});

function setup(hasApiKey: boolean): FakeApi {
  let current = makeSettings({ ai: { ...makeSettings().ai, hasApiKey } });
  return installFakeApi({
    'settings.get': () => current,
    'settings.set': (patch: Input<'settings.set'>) => {
      current = {
        ...current,
        ...(patch.concurrency ? { concurrency: patch.concurrency } : {}),
        ai: { ...current.ai, ...patch.ai, hasApiKey: patch.apiKey === undefined ? current.ai.hasApiKey : patch.apiKey !== '' },
      };
      return current;
    },
    'settings.testConnection': () => ({ ok: true, message: 'gpt-x answered in 120 ms' }),
  });
}

const keyField = () => screen.getByLabelText('API key') as HTMLInputElement;

describe('Settings screen', () => {
  it('says a key is saved without ever showing it, and keeps it when the field is left empty', async () => {
    const fake = setup(true);
    render(<SettingsScreen />);
    await screen.findByText('A key is saved.');
    expect(keyField().type).toBe('password');
    expect(keyField().value).toBe('');
    fireEvent.change(screen.getByLabelText('Concurrency'), { target: { value: '6' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.callsTo('settings.set')).toHaveLength(1));
    expect(fake.callsTo('settings.set')[0]).toEqual({ concurrency: 6 });
    expect('apiKey' in fake.callsTo('settings.set')[0]).toBe(false);
  });

  it('sends the key only when one is typed, then clears the field', async () => {
    const fake = setup(false);
    render(<SettingsScreen />);
    await screen.findByText('No key saved.');
    fireEvent.change(keyField(), { target: { value: SECRET } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.callsTo('settings.set')).toEqual([{ apiKey: SECRET }]));
    await screen.findByText('A key is saved.');
    expect(keyField().value).toBe('');
    expect(document.body.innerHTML).not.toContain(SECRET);
  });

  it('"Remove key" sends an empty key', async () => {
    const fake = setup(true);
    render(<SettingsScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Remove key' }));
    await waitFor(() => expect(fake.callsTo('settings.set')).toEqual([{ apiKey: '' }]));
    await screen.findByText('No key saved.');
  });

  it('"Test connection" shows what the server said', async () => {
    setup(false);
    render(<SettingsScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Test connection' }));
    await screen.findByText(/gpt-x answered in 120 ms/);
  });
});
