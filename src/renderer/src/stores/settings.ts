/** Settings as the engine reports them; the API key never comes back, only hasApiKey. */
import { create } from 'zustand';
import type { Settings } from '../../../shared/domain';
import type { Input } from '../../../shared/contract';
import { call } from '../api';
import { toastError, toastSuccess } from './toasts';

interface SettingsState {
  settings: Settings | null;
  saving: boolean;
  testing: boolean;
  testResult: { ok: boolean; message: string } | null;
  load(): Promise<void>;
  save(patch: Input<'settings.set'>): Promise<boolean>;
  testConnection(): Promise<void>;
}

export const useSettings = create<SettingsState>()((set) => ({
  settings: null,
  saving: false,
  testing: false,
  testResult: null,

  async load() {
    try {
      set({ settings: await call('settings.get', {}) });
    } catch (e) {
      toastError(e, 'Could not load settings');
    }
  },

  async save(patch) {
    set({ saving: true });
    try {
      const settings = await call('settings.set', patch);
      set({ settings });
      toastSuccess('Settings saved');
      return true;
    } catch (e) {
      toastError(e, 'Could not save settings');
      return false;
    } finally {
      set({ saving: false });
    }
  },

  async testConnection() {
    set({ testing: true, testResult: null });
    try {
      set({ testResult: await call('settings.testConnection', {}) });
    } catch (e) {
      set({ testResult: { ok: false, message: e instanceof Error ? e.message : String(e) } });
    } finally {
      set({ testing: false });
    }
  },
}));
