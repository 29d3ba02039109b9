// The chunk vectors of one model, held in memory for search: int8 codes for scoring and, for
// large libraries, sign bits for a Hamming prefilter. 100 000 chunks × 512 dims take ≈ 51 MB of
// codes + 6 MB of bits, and a query costs a few milliseconds instead of reading every vector
// from SQLite. Loaded lazily on the first query, then kept in step with this process's writes;
// another process's commits (PRAGMA data_version) or a deletion make it reload.

/** Up to this many rows every code is scored; above it, the sign bits pick candidates first. */
const EXACT_LIMIT = 4_000;
/** Candidates the prefilter keeps per result asked: generous, so the int8 rerank sees the true best. */
const OVERSAMPLE = 6;
const MIN_CANDIDATES = 1_500;

/** Set bits of every 16-bit value: two lookups count a 32-bit word. */
const POP16 = new Uint8Array(1 << 16);
for (let i = 1; i < POP16.length; i++) POP16[i] = (i & 1) + POP16[i >>> 1];

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
  private bits = new Uint32Array(0);
  private chunkIds = new Int32Array(0);
  private docIds = new Int32Array(0);
  private readonly rowOf = new Map<number, number>();
  private readonly words: number;
  /**
   * Sentence vectors share a common direction; the sign bits are taken around this centre
   * (the mean of the vectors first loaded) so that they split the library, not all agree.
   */
  private centre: Float32Array;

  constructor(
    readonly model: string,
    readonly dim: number,
  ) {
    this.words = Math.ceil(dim / 32);
    this.centre = new Float32Array(dim);
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
    for (let i = 0; i < this.dim; i++) {
      const x = v[i];
      this.codes[off + i] = Math.max(-127, Math.min(127, Math.round(x * 127 * 4)));
      if (x > this.centre[i]) this.bits[boff + (i >> 5)] |= 1 << (i & 31);
    }
  }

  /** The best chunks for a unit query vector, best first. */
  search(q: Float32Array, k: number): VectorHit[] {
    if (q.length !== this.dim || this.n === 0) return [];
    const rows = this.n <= EXACT_LIMIT ? null : this.prefilter(q, Math.max(MIN_CANDIDATES, k * OVERSAMPLE));
    const qi = new Float32Array(this.dim);
    for (let i = 0; i < this.dim; i++) qi[i] = q[i];
    const count = rows ? rows.length : this.n;
    const scores = new Float32Array(count);
    const d = this.dim;
    const codes = this.codes;
    for (let j = 0; j < count; j++) {
      const off = (rows ? rows[j] : j) * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < d; i += 4) {
        s0 += codes[off + i] * qi[i];
        s1 += codes[off + i + 1] * qi[i + 1];
        s2 += codes[off + i + 2] * qi[i + 2];
        s3 += codes[off + i + 3] * qi[i + 3];
      }
      scores[j] = (s0 + s1 + s2 + s3) / (127 * 4);
    }
    const order = topK(scores, k);
    return order.map((j) => {
      const row = rows ? rows[j] : j;
      return { chunkId: this.chunkIds[row], documentId: this.docIds[row], score: scores[j] };
    });
  }

  /** Rows whose sign bits are nearest the query's (Hamming), at least `want` of them. */
  private prefilter(q: Float32Array, want: number): Int32Array {
    const w = this.words;
    const qb = new Uint32Array(w);
    for (let i = 0; i < this.dim; i++) if (q[i] > this.centre[i]) qb[i >> 5] |= 1 << (i & 31);
    const dist = new Uint16Array(this.n);
    const hist = new Uint32Array(this.dim + 1);
    const bits = this.bits;
    for (let r = 0; r < this.n; r++) {
      let h = 0;
      const off = r * w;
      for (let i = 0; i < w; i++) {
        const x = bits[off + i] ^ qb[i];
        h += POP16[x & 0xffff] + POP16[x >>> 16];
      }
      dist[r] = h;
      hist[h]++;
    }
    let cut = 0;
    for (let acc = 0; cut <= this.dim && acc + hist[cut] < want; cut++) acc += hist[cut];
    const out = new Int32Array(Math.min(this.n, want + hist[Math.min(cut, this.dim)]));
    let m = 0;
    for (let r = 0; r < this.n && m < out.length; r++) if (dist[r] <= cut) out[m++] = r;
    return out.subarray(0, m);
  }

  private grow(): void {
    const cap = Math.max(1024, this.cap * 2);
    const codes = new Int8Array(cap * this.dim);
    codes.set(this.codes);
    const bits = new Uint32Array(cap * this.words);
    bits.set(this.bits);
    const chunkIds = new Int32Array(cap);
    chunkIds.set(this.chunkIds);
    const docIds = new Int32Array(cap);
    docIds.set(this.docIds);
    Object.assign(this, { codes, bits, chunkIds, docIds, cap });
  }
}

/** Indices of the k largest scores, best first. */
function topK(scores: Float32Array, k: number): number[] {
  if (scores.length <= k) return [...scores.keys()].sort((a, b) => scores[b] - scores[a]);
  // A running threshold keeps the sort small: only scores above the k-th best so far are kept.
  let keep: number[] = [];
  let floor = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] <= floor) continue;
    keep.push(i);
    if (keep.length >= k * 4) {
      keep.sort((a, b) => scores[b] - scores[a]);
      keep = keep.slice(0, k);
      floor = scores[keep[k - 1]];
    }
  }
  return keep.sort((a, b) => scores[b] - scores[a]).slice(0, k);
}
