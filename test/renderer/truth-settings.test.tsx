// @vitest-environment jsdom
/** Issue 10 items 9–10 through the real service: Settings shows what applies, and refuses what cannot work. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { SettingsScreen } from '../../src/renderer/src/screens/SettingsScreen';
import { Toasts } from '../../src/renderer/src/components/Toasts';
import { useSettings } from '../../src/renderer/src/stores/settings';
import { installRealApi, type RealApi } from './real-service';

let real: RealApi;
beforeEach(async () => {
  real = await installRealApi();
  useSettings.setState({ settings: null, testResult: null });
});
afterEach(async () => {
  await real.close();
});

describe('Settings screen', () => {
  it('under Local shows no model or key fields; under OpenAI-compatible it does, and Test connection waits for Save', async () => {
    render(<SettingsScreen />);
    await screen.findByRole('radio', { name: 'Local' });
    expect(screen.queryByLabelText('Chat model')).toBeNull();
    expect(screen.queryByLabelText('API key')).toBeNull();
    fireEvent.click(screen.getByRole('radio', { name: 'OpenAI-compatible' }));
    expect(screen.getByLabelText('Chat model')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Test connection' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('offers the installed OCR languages and refuses an unknown one at Save', async () => {
    render(
      <>
        <SettingsScreen />
        <Toasts />
      </>,
    );
    const picker = await screen.findByRole('group', { name: 'Installed OCR languages' });
    expect(within(picker).getByRole('checkbox', { name: 'eng' })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('OCR languages'), { target: { value: 'eng, klingon' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText(/"klingon" is not installed/, {}, { timeout: 30_000 });
    await waitFor(async () => expect((await real.call<{ ocrLanguages: string[] }>('settings.get')).ocrLanguages).toEqual(['eng']));
  });
});
