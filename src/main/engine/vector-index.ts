// The chunk vectors of one model, held in memory for search: one contiguous Int8Array of codes
// (with each code vector's norm precomputed) for scoring and, for large libraries, sign bits for a
// Hamming prefilter (both loops in WebAssembly SIMD where it runs, see simd-vectors.ts). 100 000 chunks × 512 dims
// take ≈ 51 MB of codes + 6 MB of bits, and a query costs a few ms of CPU instead of reading every
// vector from SQLite. Loaded lazily on the first query, then kept in step with this process's writes;
// another process's commits (PRAGMA data_version) or a deletion make it reload.

import { SimdVectors } from './simd-vectors';

/** Up to this many rows every code is scored; above it, the sign bits pick candidates first. */
const EXACT_LIMIT = 4_000;
/** Candidates the prefilter keeps per result asked: generous, so the int8 rerank sees the true best. */
const OVERSAMPLE = 6;
const MIN_CANDIDATES = 1_500;

/** int8 code = component × this (clamped to ±127): sentence-vector components rarely pass ±0.25. */
const CODE_SCALE = 127 * 4;

export interface VectorHit {
  chunkId: number;
  documentId: number;
  /** Cosine similarity (vectors are unit length), to ≈ 0.01. */
  score: number;
}

export class VectorIndex {
  private n = 0;
  private cap = 0;
  private codes = new Int8Array(0);
  private bits = new Int32Array(0);
  /** 1 / the norm of each row's code vector: the score is the cosine of the code, not of a rounded copy. */
  private invNorms = new Float32Array(0);
  private chunkIds = new Int32Array(0);
  private docIds = new Int32Array(0);
  private readonly rowOf = new Map<number, number>();
  private readonly words: number;
  /** The bits and codes in WebAssembly memory with their SIMD loops; null where those cannot run (then the arrays are plain). */
  private readonly simd: SimdVectors | null;
  /**
   * Sentence vectors share a common direction; the sign bits are taken around this centre
   * (the mean of the vectors first loaded) so that they split the library, not all agree.
   */
  private centre: Float32Array;

  constructor(
    readonly model: string,
    readonly dim: number,
    /** `simd: false` keeps the JavaScript loops (the fallback, tested against the SIMD ones). */
    opts: { simd?: boolean } = {},
  ) {
    // A multiple of four 32-bit words: the SIMD scan reads 16 bytes at a time (the JavaScript loop two words).
    this.words = Math.ceil(dim / 128) * 4;
    this.centre = new Float32Array(dim);
    this.simd = opts.simd === false ? null : SimdVectors.create(this.words * 4, dim);
  }

  /** Sets the centre the sign bits are taken around; call before the first upsert. */
  setCentre(mean: Float32Array): void {
    if (mean.length === this.dim && this.n === 0) this.centre = Float32Array.from(mean);
  }

  get size(): number {
    return this.n;
  }

  /** Adds or replaces a chunk's vector. */
  upsert(chunkId: number, documentId: number, v: Float32Array): void {
    if (v.length !== this.dim) return;
    let row = this.rowOf.get(chunkId);
    if (row === undefined) {
      if (this.n === this.cap) this.grow();
      row = this.n++;
      this.rowOf.set(chunkId, row);
    }
    this.chunkIds[row] = chunkId;
    this.docIds[row] = documentId;
    const off = row * this.dim;
    const boff = row * this.words;
    this.bits.fill(0, boff, boff + this.words);
    let sq = 0;
    for (let i = 0; i < this.dim; i++) {
      const x = v[i];
      const c = Math.max(-127, Math.min(127, Math.round(x * CODE_SCALE)));
      this.codes[off + i] = c;
      sq += c * c;
      if (x > this.centre[i]) this.bits[boff + (i >> 5)] |= 1 << (i & 31);
    }
    this.invNorms[row] = sq > 0 ? 1 / Math.sqrt(sq) : 0;
  }

  /** The best chunks for a unit query vector, best first. */
  search(q: Float32Array, k: number): VectorHit[] {
    if (q.length !== this.dim || this.n === 0 || k <= 0) return [];
    const rows = this.n <= EXACT_LIMIT ? null : this.prefilter(q, Math.max(MIN_CANDIDATES, k * OVERSAMPLE));
    const count = rows ? rows.length : this.n;
    const top = new TopK(Math.min(k, count));
    const invNorms = this.invNorms;
    if (this.simd) {
      const all = rows ?? Int32Array.from({ length: count }, (_, i) => i);
      const { sums, scale } = this.simd.dots(q, all);
      for (let j = 0; j < count; j++) top.offer(all[j], (sums[j] / scale) * invNorms[all[j]]);
    } else this.scoreJs(q, rows, count, top);
    return top.best().map(({ row, score }) => ({ chunkId: this.chunkIds[row], documentId: this.docIds[row], score }));
  }

  /** The int8 rescore in JavaScript (where WebAssembly SIMD is missing). */
  private scoreJs(q: Float32Array, rows: Int32Array | null, count: number, top: TopK): void {
    const d = this.dim;
    const qf = Float32Array.from(q);
    const codes = this.codes;
    const invNorms = this.invNorms;
    for (let j = 0; j < count; j++) {
      const row = rows ? rows[j] : j;
      const off = row * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < d; i += 4) {
        s0 += codes[off + i] * qf[i];
        s1 += codes[off + i + 1] * qf[i + 1];
        s2 += codes[off + i + 2] * qf[i + 2];
        s3 += codes[off + i + 3] * qf[i + 3];
      }
      top.offer(row, (s0 + s1 + s2 + s3) * invNorms[row]);
    }
  }

  /** Rows whose sign bits are nearest the query's (Hamming), at least `want` of them. */
  private prefilter(q: Float32Array, want: number): Int32Array {
    const w = this.words;
    const qb = new Int32Array(w);
    for (let i = 0; i < this.dim; i++) if (q[i] > this.centre[i]) qb[i >> 5] |= 1 << (i & 31);
    const hist = new Uint32Array(w * 32 + 1);
    const dist = this.simd ? this.simd.distances(qb, this.n) : this.distancesJs(qb, hist);
    if (this.simd) for (let r = 0; r < this.n; r++) hist[dist[r]]++;
    let cut = 0;
    for (let acc = 0; cut < hist.length - 1 && acc + hist[cut] < want; cut++) acc += hist[cut];
    const out = new Int32Array(Math.min(this.n, want + hist[cut]));
    let m = 0;
    for (let r = 0; r < this.n && m < out.length; r++) if (dist[r] <= cut) out[m++] = r;
    return out.subarray(0, m);
  }

  /** Hamming distances in JavaScript, counted into `hist` too (where WebAssembly SIMD is missing). */
  private distancesJs(qb: Int32Array, hist: Uint32Array): Uint16Array {
    const w = this.words;
    const dist = new Uint16Array(this.n);
    const bits = this.bits;
    for (let r = 0; r < this.n; r++) {
      const off = r * w;
      let h = 0;
      // Population count of two words at a time (bit-slicing; no table lookups).
      for (let i = 0; i < w; i += 2) {
        let x = bits[off + i] ^ qb[i];
        let y = bits[off + i + 1] ^ qb[i + 1];
        x -= (x >>> 1) & 0x55555555;
        y -= (y >>> 1) & 0x55555555;
        x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
        y = (y & 0x33333333) + ((y >>> 2) & 0x33333333);
        x += y;
        x = (x & 0x0f0f0f0f) + ((x >>> 4) & 0x0f0f0f0f);
        h += Math.imul(x, 0x01010101) >>> 24;
      }
      dist[r] = h;
      hist[h]++;
    }
    return dist;
  }

  private grow(): void {
    const cap = Math.max(1024, this.cap * 2);
    let codes: Int8Array;
    let bits: Int32Array;
    if (this.simd) {
      this.simd.grow(cap, this.n);
      ({ codes, bits } = this.simd);
    } else {
      codes = new Int8Array(cap * this.dim);
      codes.set(this.codes);
      bits = new Int32Array(cap * this.words);
      bits.set(this.bits);
    }
    const invNorms = new Float32Array(cap);
    invNorms.set(this.invNorms);
    const chunkIds = new Int32Array(cap);
    chunkIds.set(this.chunkIds);
    const docIds = new Int32Array(cap);
    docIds.set(this.docIds);
    Object.assign(this, { codes, bits, invNorms, chunkIds, docIds, cap });
  }
}

/** The k best (row, score) pairs seen, kept in a min-heap: a score below the k-th best costs one comparison. */
class TopK {
  private readonly rows: Int32Array;
  private readonly scores: Float32Array;
  private size = 0;

  constructor(private readonly k: number) {
    this.rows = new Int32Array(k);
    this.scores = new Float32Array(k);
  }

  offer(row: number, score: number): void {
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (this.scores[parent] <= score) break;
        this.rows[i] = this.rows[parent];
        this.scores[i] = this.scores[parent];
        i = parent;
      }
      this.rows[i] = row;
      this.scores[i] = score;
      return;
    }
    if (this.k === 0 || score <= this.scores[0]) return;
    // Replace the smallest and sift it down.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.k) break;
      const c = l + 1 < this.k && this.scores[l + 1] < this.scores[l] ? l + 1 : l;
      if (this.scores[c] >= score) break;
      this.rows[i] = this.rows[c];
      this.scores[i] = this.scores[c];
      i = c;
    }
    this.rows[i] = row;
    this.scores[i] = score;
  }

  /** Best first. */
  best(): { row: number; score: number }[] {
    const out = Array.from({ length: this.size }, (_, i) => ({ row: this.rows[i], score: this.scores[i] }));
    return out.sort((a, b) => b.score - a.score || a.row - b.row);
  }
}
