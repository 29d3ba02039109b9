// Any OpenAI-compatible server (OpenAI, Ollama, LM Studio, vLLM, llama.cpp) via the official client.
import type OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { AiSettings, Classification } from '../../shared/domain';
import { IntakeError } from '../../shared/errors';
import type * as Answer from './answer';
import { l2normalize } from './hash-embed';
import { answerTooLarge } from './too-large';
import { CLASSIFICATION_JSON_SCHEMA, DEFAULT_MAX_INPUT_TOKENS, PROMPT_VERSION, SYSTEM_PROMPT, buildUserMessage, trimToTokenBudget } from './prompt';
import { DEFAULT_RETRY, classifyFailure, formatMs, withRetry, type RetryContext, type RetryPolicy } from './retry';
import { loadedSdk, openaiSdk } from './sdk';
import type { AiProvider, CallOptions } from './types';

/** Inputs per embeddings request: OpenAI allows more, small local servers choke on more. */
export const EMBED_BATCH = 64;
/** Each embedding input is trimmed to this many tokens (chunks are far smaller in practice). */
const EMBED_MAX_TOKENS = 8_000;

/**
 * Largest answer body read, after decompression (the Content-Length of a compressed answer is
 * checked against it too). A 64-vector batch of 3072-d floats is ≈ 4 MB of JSON; a classification
 * a few KB. Far beyond that is a broken or hostile server, and reading it whole would exhaust memory.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export interface OpenAiProviderOptions {
  /** Overrides of the retry policy (tests shrink the backoff base). */
  retry?: Partial<RetryPolicy>;
  /** Token budget of the document text in the classification prompt. */
  maxInputTokens?: number;
  /** Inputs per embeddings request (≤ 64 by default). */
  embedBatchSize?: number;
  /** Custom fetch (proxies, tests); the default is httpFetch (node:http, answers read whole). */
  fetch?: typeof fetch;
  /** Answer size cap in bytes (tests shrink it). */
  maxResponseBytes?: number;
}

type ResponseFormatMode = 'json_schema' | 'json_object';

/** A problem with an answer that arrived fine over HTTP: worth one re-ask. */
class BadAnswer extends Error {}

function isResponseFormatRejection(e: unknown): boolean {
  const APIError = loadedSdk()?.APIError;
  if (!APIError || !(e instanceof APIError) || (e.status !== 400 && e.status !== 422)) return false;
  const text = `${e.message} ${JSON.stringify(e.error ?? '')} ${e.param ?? ''}`.toLowerCase();
  return text.includes('response_format') || text.includes('json_schema');
}

function decodeBase64Floats(b64: string): number[] {
  const buf = Buffer.from(b64, 'base64');
  return Array.from(new Float32Array(buf.buffer, buf.byteOffset, Math.floor(buf.byteLength / 4)));
}

let answerLoad: Promise<typeof Answer> | undefined;

/**
 * answer.ts (the answer's zod schema), imported once per process: on the first classify, while its
 * request is out. Every later call awaits the same promise (an `import()` per call resolves the
 * specifier again each time, through the loader's hooks where there are any).
 */
function answerModule(): Promise<typeof Answer> {
  if (!answerLoad) {
    answerLoad = import('./answer');
    answerLoad.catch(() => undefined); // seen by the classify that awaits it
  }
  return answerLoad;
}

export class OpenAiProvider implements AiProvider {
  readonly name = 'openai' as const;
  readonly chatModel: string;
  readonly embedModel: string;
  readonly promptVersion = PROMPT_VERSION;
  readonly embedsInBackground = false;

  private readonly client: () => Promise<OpenAI>;
  private readonly policy: RetryPolicy;
  private readonly baseUrl: string;
  private readonly maxInputTokens: number;
  private readonly batchSize: number;
  /** Switched to json_object for this instance once the server rejects json_schema. */
  private responseFormat: ResponseFormatMode = 'json_schema';
  /** The dimension of the first vector this instance saw; every later vector must match. */
  private embedDim: number | null = null;

  constructor(settings: AiSettings, opts: OpenAiProviderOptions = {}) {
    this.chatModel = settings.chatModel;
    this.embedModel = settings.embedModel;
    this.baseUrl = settings.baseUrl.replace(/\/+$/, '');
    this.policy = {
      ...DEFAULT_RETRY,
      timeoutMs: settings.timeoutMs > 0 ? settings.timeoutMs : DEFAULT_RETRY.timeoutMs,
      maxTries: Math.max(1, Math.floor(settings.maxRetries) + 1),
      ...opts.retry,
    };
    this.maxInputTokens = opts.maxInputTokens ?? DEFAULT_MAX_INPUT_TOKENS;
    this.batchSize = Math.max(1, Math.min(opts.embedBatchSize ?? EMBED_BATCH, 2048));
    const maxBytes = opts.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    let client: Promise<OpenAI> | undefined;
    this.client = () =>
      // node:http/https (http-fetch.ts) load with the client, as openai does: a run that asks no model loads neither.
      (client ??= Promise.all([openaiSdk(), opts.fetch ? undefined : import('./http-fetch')]).then(
        ([{ default: OpenAI }, transport]) =>
          new OpenAI({
            baseURL: this.baseUrl,
            // Local servers need no key, but the client insists on one.
            apiKey: settings.apiKey || 'no-key',
            timeout: this.policy.timeoutMs,
            maxRetries: 0, // retry.ts is the only retry loop
            fetch: opts.fetch ? cappedFetch(opts.fetch, maxBytes) : transport!.httpFetch(maxBytes),
          }),
      ));
  }

  /** The response format currently used (json_object after a json_schema rejection). */
  get structuredOutputMode(): ResponseFormatMode {
    return this.responseFormat;
  }

  private ctx(operation: string, model: string, signal?: AbortSignal): RetryContext {
    return { operation, model, baseUrl: this.baseUrl, signal };
  }

  async classify(text: string, opts: CallOptions = {}): Promise<Classification> {
    const user = buildUserMessage(text, { filename: opts.filename, maxTokens: this.maxInputTokens });
    let problem = '';
    const answer = answerModule();
    // One ask and at most one re-ask for an unusable answer; transport retries happen inside each.
    for (let ask = 1; ask <= 2; ask++) {
      const content = await this.chat(user, opts.signal);
      const { parseClassification } = await answer;
      const parsed = parseClassification(content);
      if (parsed.ok) return parsed.value;
      problem = parsed.problem;
    }
    const reason = `AI answer invalid after 2 tries: ${problem}`;
    throw new IntakeError('ai_bad_output', reason, {
      message: `${reason}. classify with model "${this.chatModel}" at ${this.baseUrl} (prompt ${PROMPT_VERSION}, ${this.responseFormat})`,
    });
  }

  private async chat(user: string, signal?: AbortSignal): Promise<string | null> {
    for (;;) {
      const mode = this.responseFormat;
      const body: ChatCompletionCreateParamsNonStreaming = {
        model: this.chatModel,
        temperature: 0,
        messages: [
          { role: 'system', content: SYSTEM_PROMPT },
          { role: 'user', content: user },
        ],
        response_format:
          mode === 'json_schema'
            ? { type: 'json_schema', json_schema: { name: 'document_classification', strict: true, schema: CLASSIFICATION_JSON_SCHEMA as unknown as Record<string, unknown> } }
            : { type: 'json_object' },
      };
      try {
        const res = await withRetry(
          async (s) => (await this.client()).chat.completions.create(body, { signal: s, timeout: this.policy.timeoutMs, maxRetries: 0 }),
          this.ctx('classify', this.chatModel, signal),
          this.policy,
        );
        notJsonAnswer(res, this.baseUrl, 'classify');
        return res.choices?.[0]?.message?.content ?? null;
      } catch (e) {
        // Older local servers know json_object but not json_schema: fall back once, for good.
        if (mode === 'json_schema' && e instanceof IntakeError && isResponseFormatRejection(e.cause)) {
          this.responseFormat = 'json_object';
          continue;
        }
        throw e;
      }
    }
  }

  async embed(texts: string[], opts: CallOptions = {}): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      // Servers reject empty strings; a lone space embeds as "nothing" everywhere.
      const batch = texts.slice(i, i + this.batchSize).map((t) => trimToTokenBudget(t, EMBED_MAX_TOKENS) || ' ');
      out.push(...(await this.embedBatch(batch, opts.signal)));
    }
    return out;
  }

  private async embedBatch(batch: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    let problem = '';
    for (let ask = 1; ask <= 2; ask++) {
      const res = await withRetry(
        async (s) => (await this.client()).embeddings.create({ model: this.embedModel, input: batch, encoding_format: 'float' }, { signal: s, timeout: this.policy.timeoutMs, maxRetries: 0 }),
        this.ctx('embeddings', this.embedModel, signal),
        this.policy,
      );
      notJsonAnswer(res, this.baseUrl, 'embeddings');
      try {
        return this.readVectors(res, batch.length);
      } catch (e) {
        if (!(e instanceof BadAnswer)) throw e;
        problem = e.message;
      }
    }
    const reason = `AI embeddings invalid after 2 tries: ${problem}`;
    throw new IntakeError('ai_bad_output', reason, { message: `${reason}. embeddings with model "${this.embedModel}" at ${this.baseUrl}` });
  }

  private readVectors(res: unknown, expected: number): Float32Array[] {
    const data = (res as { data?: unknown })?.data;
    if (!Array.isArray(data)) throw new BadAnswer('response has no data array');
    if (data.length !== expected) throw new BadAnswer(`${data.length} vectors for ${expected} inputs`);
    const vectors = new Array<Float32Array | undefined>(expected);
    data.forEach((item: { index?: unknown; embedding?: unknown }, pos) => {
      const index = typeof item?.index === 'number' ? item.index : pos;
      const raw = typeof item?.embedding === 'string' ? decodeBase64Floats(item.embedding) : item?.embedding;
      if (!Array.isArray(raw) || raw.length === 0) throw new BadAnswer(`vector ${index} is missing`);
      // Float32Array.from would turn null, "1" or true into numbers silently.
      if (!raw.every((v) => typeof v === 'number')) throw new BadAnswer(`vector ${index} has a non-numeric value`);
      if (index < 0 || index >= expected || vectors[index]) throw new BadAnswer(`vector index ${index} is out of place`);
      const vec = Float32Array.from(raw as number[]);
      let norm = 0;
      for (const v of vec) {
        if (!Number.isFinite(v)) throw new BadAnswer(`vector ${index} has a non-numeric value`);
        norm += v * v;
      }
      if (norm === 0) throw new BadAnswer(`vector ${index} is all zeros`);
      vectors[index] = l2normalize(vec);
    });
    const dim = vectors[0]!.length;
    for (const v of vectors) if (!v || v.length !== dim) throw new BadAnswer(`vectors of different dimensions (${dim} and ${v?.length ?? 0})`);
    if (this.embedDim !== null && dim !== this.embedDim) {
      // A different model answered (or the server changed models): mixing dimensions would corrupt search.
      throw dimensionChanged(this.embedModel, this.baseUrl, this.embedDim, dim);
    }
    this.embedDim = dim;
    return vectors as Float32Array[];
  }

  /** One quick try: lists models (or asks a tiny question where /models is missing). Never throws. */
  async testConnection(): Promise<{ ok: boolean; message: string }> {
    const timeoutMs = Math.min(this.policy.timeoutMs, 10_000);
    // Two quick tries: the first may land on a keep-alive socket of a server that just restarted.
    const once: RetryPolicy = { ...this.policy, maxTries: 2, baseDelayMs: Math.min(this.policy.baseDelayMs, 100), max429Waits: 0, timeoutMs };
    try {
      let ids: string[] | null = null;
      try {
        const page = await withRetry(async (s) => (await this.client()).models.list({ signal: s, timeout: timeoutMs, maxRetries: 0 }), this.ctx('list models', this.chatModel), once);
        ids = page.data.map((m) => m.id);
      } catch (e) {
        // Some servers have no /models (404): fall through to a tiny chat call.
        if (!(e instanceof IntakeError && e.code === 'ai_model_missing')) throw e;
      }
      if (ids && ids.length > 0) {
        const missing = [this.chatModel, this.embedModel].filter((m) => !ids.some((id) => id === m || id === `${m}:latest` || `${id}:latest` === m));
        if (missing.length > 0) {
          const shown = ids.slice(0, 8).join(', ') + (ids.length > 8 ? ', …' : '');
          return { ok: false, message: `Connected, but model ${missing.map((m) => `"${m}"`).join(' and ')} not found on the server. Available: ${shown}` };
        }
        return { ok: true, message: `Connected to ${this.baseUrl}: models "${this.chatModel}" and "${this.embedModel}" available.` };
      }
      await withRetry(
        async (s) => (await this.client()).chat.completions.create({ model: this.chatModel, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] }, { signal: s, timeout: timeoutMs, maxRetries: 0 }),
        this.ctx('test chat', this.chatModel),
        once,
      );
      return { ok: true, message: `Connected to ${this.baseUrl}: model "${this.chatModel}" answers.` };
    } catch (e) {
      return { ok: false, message: connectionAdvice(e, this.baseUrl, timeoutMs) };
    }
  }
}

/** The error for an embedding model whose vectors changed size: a configuration problem, not a file's. */
export function dimensionChanged(model: string, baseUrl: string, before: number, now: number): IntakeError {
  return new IntakeError('ai_dimension_changed', `AI embedding dimension changed (${before} → ${now})`, {
    message:
      `Embeddings from "${model}" at ${baseUrl} now have ${now} dimensions, but the library holds ${before}-dimension vectors from it. ` +
      'Mixing them would break meaning search: choose the model the library was built with, or re-embed the library for the new one.',
  });
}

/**
 * A 200 whose body is not JSON (HTML from a proxy login page or a wrong base URL): the
 * client hands it over as a string. Not the file's fault, and no use re-asking.
 */
function notJsonAnswer(res: unknown, baseUrl: string, operation: string): undefined {
  if (res !== null && typeof res === 'object') return undefined;
  const body = typeof res === 'string' ? res : String(res);
  const html = /^\s*<(!doctype|html|head|body|\?xml)/i.test(body);
  const what = html ? 'HTML' : 'something that is not JSON';
  throw new IntakeError('ai_unavailable', `AI server answers ${what}`, {
    message: `${operation} at ${baseUrl} got ${what} instead of an OpenAI-compatible JSON answer${html ? ` ("${oneLineOf(body)}")` : ''}: is the base URL right (most end in /v1), or is a proxy asking for a login?`,
  });
}

function oneLineOf(body: string): string {
  const title = /<title[^>]*>([^<]{1,120})/i.exec(body)?.[1];
  return (title ?? body).replace(/\s+/g, ' ').trim().slice(0, 120);
}

/**
 * fetch with a cap on the answer's size: the declared Content-Length, then the bytes actually
 * read after decompression (a 2 MB gzip can inflate to gigabytes). Over the cap → ai_response_too_large.
 */
export function cappedFetch(inner: typeof fetch, maxBytes: number): typeof fetch {
  const tooLarge = (url: string, what: string): IntakeError => answerTooLarge(url, what, maxBytes);
  return async (input, init) => {
    const res = await inner(input, init);
    const url = res.url || String(input instanceof Request ? input.url : input);
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw tooLarge(url, `declares ${declared} bytes`);
    }
    if (!res.body) return res;
    let seen = 0;
    const counted = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, ctl) {
          seen += chunk.byteLength;
          if (seen > maxBytes) ctl.error(tooLarge(url, `grew past ${maxBytes} bytes once decompressed`));
          else ctl.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

/** A sentence a user can act on, for the Settings screen's "Test connection". */
function connectionAdvice(e: unknown, baseUrl: string, timeoutMs: number): string {
  // The IntakeError carries the code; its cause (the client's error) the server's own words.
  const code = e instanceof IntakeError ? e.code : classifyFailure(e, false, timeoutMs).code;
  const f = classifyFailure(e instanceof IntakeError && e.cause !== undefined ? e.cause : e, false, timeoutMs);
  const APIError = loadedSdk()?.APIError;
  const said = e instanceof IntakeError && APIError && e.cause instanceof APIError ? e.cause.message : f.short;
  switch (code) {
    case 'ai_auth':
      return 'The server rejected the API key (check the key in Settings).';
    case 'ai_model_missing':
      return `Model not found, or ${baseUrl} is not an OpenAI-compatible API (most servers end in /v1).`;
    case 'ai_connection':
      return `Cannot reach ${baseUrl} (${f.short}): is the server running?`;
    case 'ai_timeout':
      return `${baseUrl} did not answer within ${formatMs(timeoutMs)}.`;
    case 'ai_rate_limited':
      return 'The server is rate limiting requests; try again in a minute.';
    case 'ai_server_error':
      return `The server reported an error: ${said}`;
    default:
      return `Connection test failed: ${said}`;
  }
}
