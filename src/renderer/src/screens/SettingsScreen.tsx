import { useEffect, useId, useState } from 'react';
import type { Settings } from '../../../shared/domain';
import type { Input } from '../../../shared/contract';
import { LIMITS } from '../../../shared/limits';
import { useIsBrowserMode } from '../stores/app';
import { useSettings } from '../stores/settings';
import { call } from '../api';
import type { OcrLanguage } from '../../../shared/contract';
import { toastError, toastSuccess } from '../stores/toasts';
import { Card, Spinner } from '../components/common';

interface Draft {
  provider: 'local' | 'openai';
  baseUrl: string;
  chatModel: string;
  embedModel: string;
  apiKey: string;
  ocrLanguages: string;
  concurrency: string;
  ocr: boolean;
  skipFailed: boolean;
  followSymlinks: boolean;
  ocrPageCap: string;
}

function draftOf(s: Settings): Draft {
  return {
    provider: s.ai.provider,
    baseUrl: s.ai.baseUrl,
    chatModel: s.ai.chatModel,
    embedModel: s.ai.embedModel,
    apiKey: '',
    ocrLanguages: s.ocrLanguages.join(', '),
    concurrency: String(s.concurrency),
    ocr: s.ocr,
    skipFailed: s.skipFailed,
    followSymlinks: s.followSymlinks,
    ocrPageCap: String(s.ocrPageCap),
  };
}

/** Only what changed is sent; the API key only when something was typed. */
export function settingsPatch(s: Settings, d: Draft): Input<'settings.set'> | string {
  const patch: Input<'settings.set'> = {};
  const ai: NonNullable<Input<'settings.set'>['ai']> = {};
  if (d.provider !== s.ai.provider) ai.provider = d.provider;
  if (d.baseUrl.trim() !== s.ai.baseUrl) ai.baseUrl = d.baseUrl.trim();
  if (d.chatModel.trim() !== s.ai.chatModel) ai.chatModel = d.chatModel.trim();
  if (d.embedModel.trim() !== s.ai.embedModel) ai.embedModel = d.embedModel.trim();
  if (Object.keys(ai).length) patch.ai = ai;
  if (d.apiKey !== '') patch.apiKey = d.apiKey;
  const langs = d.ocrLanguages
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);
  if (langs.length === 0) return 'Give at least one OCR language, e.g. eng.';
  if (langs.join(',') !== s.ocrLanguages.join(',')) patch.ocrLanguages = langs;
  const concurrency = Number(d.concurrency);
  const { min, max } = LIMITS.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < min || concurrency > max) return `Concurrency must be a whole number from ${min} to ${max}.`;
  if (concurrency !== s.concurrency) patch.concurrency = concurrency;
  const cap = Number(d.ocrPageCap);
  if (!Number.isInteger(cap) || cap < 1 || cap > 5000) return 'OCR page cap must be a whole number from 1 to 5000.';
  if (cap !== s.ocrPageCap) patch.ocrPageCap = cap;
  if (d.ocr !== s.ocr) patch.ocr = d.ocr;
  if (d.skipFailed !== s.skipFailed) patch.skipFailed = d.skipFailed;
  if (d.followSymlinks !== s.followSymlinks) patch.followSymlinks = d.followSymlinks;
  return patch;
}

export function SettingsScreen() {
  const { settings, saving, testing, testResult, load, save, testConnection } = useSettings();
  const browserMode = useIsBrowserMode();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = { baseUrl: useId(), chat: useId(), embed: useId(), key: useId(), langs: useId(), conc: useId(), cap: useId() };

  const [languages, setLanguages] = useState<OcrLanguage[] | null>(null);
  const [langFile, setLangFile] = useState('');
  useEffect(() => {
    void useSettings.getState().load();
    call('settings.languages', {}).then(setLanguages, () => setLanguages(null));
  }, []);
  useEffect(() => {
    if (settings) setDraft(draftOf(settings));
  }, [settings]);

  if (!settings || !draft) {
    return (
      <div className="screen">
        <header className="screen-header">
          <h1>Settings</h1>
        </header>
        {settings === null ? (
          <p className="muted">
            <Spinner label="Loading settings" /> Loading…{' '}
            <button type="button" className="link-button" onClick={() => void load()}>
              Retry
            </button>
          </p>
        ) : null}
      </div>
    );
  }

  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const chosenLangs = draft.ocrLanguages
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);
  const aiDirty =
    draft.provider !== settings.ai.provider ||
    (draft.provider === 'openai' && (draft.baseUrl.trim() !== settings.ai.baseUrl || draft.chatModel.trim() !== settings.ai.chatModel || draft.embedModel.trim() !== settings.ai.embedModel || draft.apiKey !== ''));
  const addLanguage = async () => {
    try {
      setLanguages(await call('settings.addLanguage', { path: langFile.trim() }));
      toastSuccess(`Added ${langFile.trim().split('/').pop()}`);
      setLangFile('');
    } catch (e) {
      toastError(e, 'Could not add the language');
    }
  };
  const submit = async () => {
    const patch = settingsPatch(settings, draft);
    if (typeof patch === 'string') {
      setError(patch);
      return;
    }
    setError(null);
    if (await save(patch)) setDraft((d) => (d ? { ...d, apiKey: '' } : d));
  };

  return (
    <div className="screen">
      <header className="screen-header">
        <h1>Settings</h1>
        <p className="muted">How documents are read and classified. Changing these makes some failed files eligible for retry.</p>
      </header>
      {settings.invalidStored && (
        <p className="notice notice-warn" role="alert">
          The saved settings had invalid values for {settings.invalidStored.join(', ')} (edited outside Intake); the defaults are used for those. Save to store valid ones.
        </p>
      )}
      <form
        className="settings"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Card title="AI provider">
          <fieldset className="radio-row">
            <legend className="sr-only">AI provider</legend>
            <label className="check">
              <input type="radio" name="provider" value="local" checked={draft.provider === 'local'} onChange={() => set({ provider: 'local' })} />
              Local
            </label>
            <label className="check">
              <input type="radio" name="provider" value="openai" checked={draft.provider === 'openai'} onChange={() => set({ provider: 'openai' })} />
              OpenAI-compatible
            </label>
          </fieldset>
          <p className="muted small">{draft.provider === 'local' ? 'Classification and embeddings run on this computer; nothing leaves it.' : 'Any server that speaks the OpenAI API: OpenAI, Ollama, LM Studio, vLLM…'}</p>
          {draft.provider === 'openai' && (
          <div className="form-grid">
            <div className="form-row">
              <label htmlFor={id.baseUrl}>Base URL</label>
              <input id={id.baseUrl} className="input" type="url" placeholder="https://api.openai.com/v1" value={draft.baseUrl} onChange={(e) => set({ baseUrl: e.target.value })} />
            </div>
            <div className="form-row">
              <label htmlFor={id.chat}>Chat model</label>
              <input id={id.chat} className="input" value={draft.chatModel} onChange={(e) => set({ chatModel: e.target.value })} />
            </div>
            <div className="form-row">
              <label htmlFor={id.embed}>Embedding model</label>
              <input id={id.embed} className="input" value={draft.embedModel} onChange={(e) => set({ embedModel: e.target.value })} />
            </div>
            <div className="form-row">
              <label htmlFor={id.key}>API key</label>
              <div>
                <input
                  id={id.key}
                  className="input"
                  type="password"
                  autoComplete="new-password"
                  placeholder={settings.ai.hasApiKey ? 'Leave empty to keep the saved key' : 'Paste a key'}
                  value={draft.apiKey}
                  onChange={(e) => set({ apiKey: e.target.value })}
                />
                <div className="key-status small">
                  {settings.ai.hasApiKey ? (
                    <>
                      <span className="text-ok">A key is saved.</span>{' '}
                      <button type="button" className="btn btn-small" disabled={saving} onClick={() => void save({ apiKey: '' })}>
                        Remove key
                      </button>
                    </>
                  ) : (
                    <span className="muted">No key saved.</span>
                  )}
                </div>
                <p className="muted small">
                  {browserMode
                    ? 'Stored encrypted at rest, with a key file in the data folder that only your user can read. It is never shown again.'
                    : 'Stored encrypted with the operating system’s keychain. It is never shown again.'}
                </p>
              </div>
            </div>
          </div>
          )}
          <div className="inline-actions">
            <button type="button" className="btn" disabled={testing || aiDirty} onClick={() => void testConnection()}>
              Test connection
            </button>
            {testing && <Spinner label="Testing" />}
            {testResult && (
              <span className={testResult.ok ? 'text-ok' : 'text-danger'} role="status">
                {testResult.ok ? '✓ ' : '✗ '}
                {testResult.message}
              </span>
            )}
          </div>
          {aiDirty && <p className="muted small">Save first: Test connection checks the settings as saved, and these have changed.</p>}
        </Card>

        <Card title="Reading documents">
          <div className="form-grid">
            <div className="form-row">
              <label htmlFor={id.langs}>OCR languages</label>
              <div>
                <input id={id.langs} className="input" value={draft.ocrLanguages} onChange={(e) => set({ ocrLanguages: e.target.value })} spellCheck={false} />
                {languages && (
                  <div className="lang-picker" role="group" aria-label="Installed OCR languages">
                    {languages.map((l) => {
                      const chosen = chosenLangs.includes(l.code);
                      return (
                        <label key={l.code} className="check small">
                          <input
                            type="checkbox"
                            checked={chosen}
                            onChange={() => set({ ocrLanguages: (chosen ? chosenLangs.filter((c) => c !== l.code) : [...chosenLangs, l.code]).join(', ') })}
                          />
                          {l.code}
                        </label>
                      );
                    })}
                  </div>
                )}
                <div className="muted small">
                  Only installed languages can be saved. To add one, install the npm package <code>@tesseract.js-data/fra</code> (any code), or add a tesseract{' '}
                  <code>.traineddata</code> file (Debian’s <code>tesseract-ocr-deu</code> puts one in <code>/usr/share/tesseract-ocr/5/tessdata</code>):
                </div>
                <div className="inline-actions">
                  <input aria-label="Language file path" className="input grow" placeholder="/usr/share/tesseract-ocr/5/tessdata/deu.traineddata" value={langFile} onChange={(e) => setLangFile(e.target.value)} spellCheck={false} />
                  <button type="button" className="btn" disabled={!langFile.trim()} onClick={() => void addLanguage()}>
                    Add a language file
                  </button>
                </div>
              </div>
            </div>
            <div className="form-row">
              <label htmlFor={id.cap}>OCR page cap</label>
              <input id={id.cap} className="input input-num" type="number" min={1} max={5000} value={draft.ocrPageCap} onChange={(e) => set({ ocrPageCap: e.target.value })} />
            </div>
            <div className="form-row">
              <label htmlFor={id.conc}>Concurrency</label>
              <input id={id.conc} className="input input-num" type="number" min={LIMITS.concurrency.min} max={LIMITS.concurrency.max} value={draft.concurrency} onChange={(e) => set({ concurrency: e.target.value })} />
            </div>
          </div>
        </Card>

        <Card title="Defaults for new runs">
          <label className="check">
            <input type="checkbox" checked={draft.ocr} onChange={(e) => set({ ocr: e.target.checked })} />
            OCR on by default
          </label>
          <label className="check">
            <input type="checkbox" checked={draft.skipFailed} onChange={(e) => set({ skipFailed: e.target.checked })} />
            Skip previously failed by default
          </label>
          <label className="check">
            <input type="checkbox" checked={draft.followSymlinks} onChange={(e) => set({ followSymlinks: e.target.checked })} />
            Follow linked folders that lead outside the chosen folders
          </label>
        </Card>

        {error && (
          <p className="notice notice-error" role="alert">
            {error}
          </p>
        )}
        <div className="inline-actions settings-actions">
          <button type="submit" className="btn btn-primary" disabled={saving}>
            Save
          </button>
          <button type="button" className="btn" disabled={saving} onClick={() => setDraft(draftOf(settings))}>
            Discard changes
          </button>
          {saving && <Spinner label="Saving" />}
        </div>
      </form>
    </div>
  );
}
