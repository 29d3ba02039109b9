import { createAiProvider } from '../../src/main/ai';
import type { AiProvider } from '../../src/main/ai/types';
import type { Classification } from '../../src/shared/domain';

type ProviderSettings = Parameters<typeof createAiProvider>[0];
type CallOptions = Parameters<AiProvider['classify']>[1];

/**
 * The real provider for the given settings, except that each classify call goes
 * through `classify` first (which may fail, wait, or hand on to the real one).
 */
export function withClassify(
  classify: (text: string, o: CallOptions, inner: AiProvider) => Promise<Classification>,
): (settings: ProviderSettings) => AiProvider {
  return (settings) => {
    const inner = createAiProvider(settings);
    return {
      name: inner.name,
      chatModel: inner.chatModel,
      embedModel: inner.embedModel,
      promptVersion: inner.promptVersion,
      embedsInBackground: inner.embedsInBackground,
      testConnection: () => inner.testConnection(),
      embed: (t, o) => inner.embed(t, o),
      classify: (text, o) => classify(text, o, inner),
    };
  };
}

/** Resolves when `until` does; rejects as an AbortError when the call's signal aborts first. */
export function unlessAborted(o: CallOptions, until: Promise<void> = new Promise(() => undefined)): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const abort = () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    if (o?.signal?.aborted) return abort();
    o?.signal?.addEventListener('abort', abort, { once: true });
    void until.then(resolve);
  });
}
