// Feature-hashing embeddings: no model, no network, deterministic. Words and the
// character trigrams inside them are hashed (FNV-1a) into signed buckets, so texts
// that share words — or word stems — point in similar directions.

export const LOCAL_EMBED_DIM = 256;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Long texts are embedded from their head; the engine chunks documents anyway. */
const MAX_CHARS = 32_000;
const WORD_WEIGHT = 1;
const TRIGRAM_WEIGHT = 0.35;

const TOKEN_RE = /[\p{L}\p{N}]+/gu;

/** 32-bit FNV-1a over UTF-16 code units. */
export function fnv1a(s: string, seed: number = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

function addHashed(vec: Float32Array, h: number, weight: number): void {
  // Low bits pick the bucket, the top bit the sign: collisions cancel out on average.
  const bucket = h % vec.length;
  vec[bucket] += h & 0x80000000 ? -weight : weight;
}

/** Scales a vector to unit length in place; an all-zero vector stays zero. */
export function l2normalize(vec: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vec.length; i++) sum += vec[i] * vec[i];
  if (sum > 0) {
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < vec.length; i++) vec[i] *= inv;
  }
  return vec;
}

/** Cosine similarity of two L2-normalized vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

/** A deterministic, L2-normalized `dim`-dimensional vector for `text`. */
export function hashEmbed(text: string, dim: number = LOCAL_EMBED_DIM): Float32Array {
  const vec = new Float32Array(dim);
  const lower = (text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text).toLowerCase();
  for (const match of lower.matchAll(TOKEN_RE)) {
    const word = match[0];
    addHashed(vec, fnv1a(word), WORD_WEIGHT);
    if (word.length < 3) continue;
    // Trigrams of " word " (padded), hashed without allocating substrings.
    const n = word.length + 2;
    for (let i = 0; i + 3 <= n; i++) {
      let h = FNV_OFFSET ^ 0x5bd1e995; // a distinct seed keeps trigrams apart from 3-letter words
      for (let j = i; j < i + 3; j++) {
        const c = j === 0 || j === n - 1 ? 32 : word.charCodeAt(j - 1);
        h ^= c;
        h = Math.imul(h, FNV_PRIME);
      }
      addHashed(vec, h >>> 0, TRIGRAM_WEIGHT);
    }
  }
  l2normalize(vec);
  // Text without a single word still gets a unit vector, so callers never divide by zero.
  if (vec.every((v) => v === 0)) vec[0] = 1;
  return vec;
}
