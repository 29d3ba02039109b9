// The vector index's two inner loops in WebAssembly SIMD, over rows held in WebAssembly memory:
// - `hamming`: the prefilter's Hamming distances (i8x16.popcnt over 16 bytes at a time) between a
//   query's sign bits and every row: 100 000 rows × 64 bytes in ≈ 1.2 ms, ≈ 5× the JavaScript loop;
// - `dots`: the int8 codes of the prefilter's candidates against the query quantized to int16
//   (i32x4.dot_i16x8_s), exact integer sums.
// The module is a few hundred bytes, written out below (no toolchain, no file to load); where
// WebAssembly SIMD is missing (or the vectors do not fit its layout) the index keeps its
// JavaScript loops.

/** Where the query's sign bits and its int16 components live; the rows follow. */
const QUERY_BITS = 0;
const QUERY_CODES = 512;
/** Widest vector the layout takes: its int16 query fills QUERY_CODES..ROWS_START. */
const MAX_DIM = 3_968;
const ROWS_START = QUERY_CODES + MAX_DIM * 2 + 128;
const PAGE = 65_536;
/**
 * The query's largest component becomes this in int16. For unit vectors the sum stays well inside
 * an int32: |Σ code × q16| ≤ 508 × QUERY_SCALE × √dim ≈ 5 × 10⁸ at MAX_DIM (codes are x × 508).
 */
export const QUERY_SCALE = 16_383;

/** LEB128 of an unsigned integer. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const I32 = 0x7f;
  const V128 = 0x7b;
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const tee = (i: number) => [0x22, i];
  const i32 = (n: number) => [0x41, ...uleb(n)]; // small non-negative constants only (< 64)
  const simd = (op: number) => [0xfd, ...uleb(op)];
  const load = (offset = 0) => [...simd(0), 4, ...uleb(offset)]; // v128.load, align 2^4
  const lanesSum = (v: number) => [...get(v), ...simd(0x1b), 0, ...get(v), ...simd(0x1b), 1, 0x6a, ...get(v), ...simd(0x1b), 2, 0x6a, ...get(v), ...simd(0x1b), 3, 0x6a];
  const zero = [...simd(12), ...new Array(16).fill(0)];

  // hamming(q, rows, stride, n, dist): for r < n, dist[r] (u16) = popcount(row r XOR query); each
  // row `stride` bytes (a multiple of 16, at most 496: the byte counters hold 8 × 31).
  // params 0 q, 1 rows, 2 stride, 3 n, 4 dist; locals 5 r, 6 k, 7 address, 8 acc (v128)
  const hamming = [
    2, 3, I32, 1, V128,
    ...i32(0), ...set(5),
    0x02, 0x40, 0x03, 0x40,
    ...get(5), ...get(3), 0x4f /* i32.ge_u */, 0x0d, 1,
    ...get(1), ...get(5), ...get(2), 0x6c, 0x6a, ...set(7),
    ...zero, ...set(8),
    ...i32(0), ...set(6),
    0x03, 0x40,
    ...get(8),
    ...get(7), ...get(6), 0x6a, ...load(),
    ...get(0), ...get(6), 0x6a, ...load(),
    ...simd(0x51) /* v128.xor */, ...simd(0x62) /* i8x16.popcnt */, ...simd(0x6e) /* i8x16.add */, ...set(8),
    ...get(6), ...i32(16), 0x6a, ...tee(6), ...get(2), 0x49 /* i32.lt_u */, 0x0d, 0,
    0x0b,
    ...get(4), ...get(5), ...i32(1), 0x74 /* i32.shl */, 0x6a,
    ...get(8), ...simd(0x7d) /* i16x8.extadd_pairwise_i8x16_u */, ...simd(0x7f) /* i32x4.extadd_pairwise_i16x8_u */, ...set(8),
    ...lanesSum(8),
    0x3b /* i32.store16 */, 1, 0,
    ...get(5), ...i32(1), 0x6a, ...set(5),
    0x0c, 0,
    0x0b, 0x0b, 0x0b,
  ];

  // dots(q, codes, dim, rows, count, out): for j < count, out[j] (i32) = Σ codes[rows[j]][i] × q[i],
  // the codes int8 (`dim` a multiple of 16), the query int16.
  // params 0 q, 1 codes, 2 dim, 3 rows, 4 count, 5 out; locals 6 j, 7 k, 8 address, 9 acc, 10 v (v128)
  const dots = [
    2, 3, I32, 2, V128,
    ...i32(0), ...set(6),
    0x02, 0x40, 0x03, 0x40,
    ...get(6), ...get(4), 0x4f, 0x0d, 1,
    // address = codes + rows[j] × dim
    ...get(1), ...get(3), ...get(6), ...i32(2), 0x74, 0x6a, 0x28 /* i32.load */, 2, 0, ...get(2), 0x6c, 0x6a, ...set(8),
    ...zero, ...set(9),
    ...i32(0), ...set(7),
    0x03, 0x40,
    ...get(8), ...get(7), 0x6a, ...load(), ...set(10),
    ...get(9),
    ...get(10), ...simd(0x87) /* i16x8.extend_low_i8x16_s */, ...get(0), ...get(7), ...i32(1), 0x74, 0x6a, ...load(), ...simd(0xba) /* i32x4.dot_i16x8_s */,
    ...simd(0xae) /* i32x4.add */,
    ...get(10), ...simd(0x88) /* i16x8.extend_high_i8x16_s */, ...get(0), ...get(7), ...i32(1), 0x74, 0x6a, ...load(16), ...simd(0xba),
    ...simd(0xae), ...set(9),
    ...get(7), ...i32(16), 0x6a, ...tee(7), ...get(2), 0x49, 0x0d, 0,
    0x0b,
    ...get(5), ...get(6), ...i32(2), 0x74, 0x6a,
    ...lanesSum(9),
    0x36 /* i32.store */, 2, 0,
    ...get(6), ...i32(1), 0x6a, ...set(6),
    0x0c, 0,
    0x0b, 0x0b, 0x0b,
  ];

  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, 0x60, 5, I32, I32, I32, I32, I32, 0, 0x60, 6, I32, I32, I32, I32, I32, I32, 0]),
    ...section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x00, 0x00]),
    ...section(3, [2, 0, 1]),
    ...section(7, [2, ...name('hamming'), 0x00, 0, ...name('dots'), 0x00, 1]),
    ...section(10, [2, ...uleb(hamming.length), ...hamming, ...uleb(dots.length), ...dots]),
  ]);
}

let compiled: WebAssembly.Module | null | undefined;

function wasmModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(moduleBytes());
    } catch {
      compiled = null; // no WebAssembly SIMD here
    }
  }
  return compiled;
}

/** Whether the SIMD loops can run in this process (else the index keeps its JavaScript loops). */
export function simdAvailable(): boolean {
  return wasmModule() !== null;
}

type Hamming = (q: number, rows: number, stride: number, n: number, dist: number) => void;
type Dots = (q: number, codes: number, dim: number, rows: number, count: number, out: number) => void;

const align16 = (n: number) => Math.ceil(n / 16) * 16;

/**
 * The index's rows in WebAssembly memory: sign bits (`rowBytes` each) and int8 codes (`dim`
 * each), with room for the scratch the loops write. Growing makes a new memory: callers re-read
 * `bits` and `codes` after `grow()`.
 */
export class SimdVectors {
  private memory!: WebAssembly.Memory;
  private hamming!: Hamming;
  private dotsFn!: Dots;
  private capacity = 0;
  bits = new Int32Array(0);
  codes = new Int8Array(0);
  private layout = { dist: 0, codes: 0, rows: 0, out: 0 };

  private constructor(
    private readonly mod: WebAssembly.Module,
    readonly rowBytes: number,
    readonly dim: number,
  ) {
    this.instantiate(0);
  }

  /** Null where WebAssembly SIMD is missing or the vectors do not fit the loops' layout. */
  static create(rowBytes: number, dim: number): SimdVectors | null {
    const mod = wasmModule();
    if (!mod || rowBytes % 16 !== 0 || rowBytes > 496 || dim % 16 !== 0 || dim > MAX_DIM) return null;
    return new SimdVectors(mod, rowBytes, dim);
  }

  private instantiate(cap: number): void {
    const dist = ROWS_START + cap * this.rowBytes;
    const codes = align16(dist + cap * 2);
    const rows = codes + cap * this.dim;
    const out = rows + cap * 4;
    const memory = new WebAssembly.Memory({ initial: Math.ceil((out + cap * 4) / PAGE) || 1 });
    const inst = new WebAssembly.Instance(this.mod, { env: { mem: memory } });
    this.memory = memory;
    this.hamming = inst.exports.hamming as Hamming;
    this.dotsFn = inst.exports.dots as Dots;
    this.capacity = cap;
    this.layout = { dist, codes, rows, out };
    this.bits = new Int32Array(memory.buffer, ROWS_START, (cap * this.rowBytes) / 4);
    this.codes = new Int8Array(memory.buffer, codes, cap * this.dim);
  }

  /** Room for `cap` rows; the first `used` rows are kept. */
  grow(cap: number, used: number): void {
    if (cap <= this.capacity) return;
    const bits = this.bits.slice(0, (used * this.rowBytes) / 4);
    const codes = this.codes.slice(0, used * this.dim);
    this.instantiate(cap);
    this.bits.set(bits);
    this.codes.set(codes);
  }

  /** Hamming distances of the first `n` rows to `query` (rowBytes / 4 words); a view valid until the next call or grow. */
  distances(query: Int32Array, n: number): Uint16Array {
    const q = new Int32Array(this.memory.buffer, QUERY_BITS, this.rowBytes / 4);
    q.set(query.subarray(0, this.rowBytes / 4));
    const count = Math.min(n, this.capacity);
    this.hamming(QUERY_BITS, ROWS_START, this.rowBytes, count, this.layout.dist);
    return new Uint16Array(this.memory.buffer, this.layout.dist, count);
  }

  /**
   * Σ code × q16 for each of `rows`, where q16 is the query × QUERY_SCALE / its largest
   * component (rounded): divide by `scale` (returned) for the dot product with the codes.
   */
  dots(query: Float32Array, rows: Int32Array): { sums: Int32Array; scale: number } {
    let max = 0;
    for (let i = 0; i < this.dim; i++) max = Math.max(max, Math.abs(query[i]));
    const scale = max > 0 ? QUERY_SCALE / max : 1;
    const q = new Int16Array(this.memory.buffer, QUERY_CODES, this.dim);
    for (let i = 0; i < this.dim; i++) q[i] = Math.round(query[i] * scale);
    const count = Math.min(rows.length, this.capacity);
    new Int32Array(this.memory.buffer, this.layout.rows, count).set(rows.subarray(0, count));
    this.dotsFn(QUERY_CODES, this.layout.codes, this.dim, this.layout.rows, count, this.layout.out);
    return { sums: new Int32Array(this.memory.buffer, this.layout.out, count), scale };
  }
}
