// The AI layer's front door: the engine asks for a provider and never learns which one it got.
import type { AiSettings } from '../../shared/domain';
import { LocalProvider } from './local';
import { OpenAiProvider, type OpenAiProviderOptions } from './openai';
import type { AiProvider } from './types';

export type { AiProvider, CallOptions } from './types';
export type { OpenAiProviderOptions } from './openai';
export type { RetryPolicy } from './retry';
export { LocalProvider, classifyLocally, LOCAL_CHAT_MODEL, LOCAL_EMBED_MODEL } from './local';
export { OpenAiProvider, EMBED_BATCH } from './openai';
export { PROMPT_VERSION, DOC_BEGIN, DOC_END, trimToTokenBudget } from './prompt';
export { DOC_TYPES, DOC_TYPE_LABEL, normalizeDocType, type DocType } from './doc-types';
export { hashEmbed, l2normalize, dot, LOCAL_EMBED_DIM } from './hash-embed';
export { saneDate, findDocDate } from './dates';

export type AiProviderOptions = OpenAiProviderOptions;

/** The provider the settings ask for. `opts` only affects the openai provider (retry tuning, fetch). */
export function createAiProvider(settings: AiSettings, opts: AiProviderOptions = {}): AiProvider {
  switch (settings.provider) {
    case 'local':
      return new LocalProvider();
    case 'openai':
      return new OpenAiProvider(settings, opts);
    default: {
      const never: never = settings.provider;
      throw new Error(`Unknown AI provider: ${String(never)}`);
    }
  }
}
