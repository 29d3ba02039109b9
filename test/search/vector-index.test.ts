import { describe, expect, it } from 'vitest';
import { SimdVectors, simdAvailable } from '../../src/main/engine/simd-vectors';
import { VectorIndex } from '../../src/main/engine/vector-index';

function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
}

/** Unit vectors around a shared direction (as sentence vectors are), in 20 loose clusters. */
function vectors(n: number, dim: number, seed: number): Float32Array[] {
  const r = rng(seed);
  const common = Float32Array.from({ length: dim }, () => r());
  const centres = Array.from({ length: 20 }, () => Float32Array.from({ length: dim }, () => r()));
  return Array.from({ length: n }, (_, k) => {
    const c = centres[k % 20];
    const v = Float32Array.from({ length: dim }, (_, i) => common[i] + 0.8 * c[i] + 0.6 * r());
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('the in-memory vector index', () => {
  it('finds the same best chunks as an exact scan, above the size where the sign-bit prefilter takes over', () => {
    const dim = 128;
    const data = vectors(9_000, dim, 7);
    const idx = new VectorIndex('m', dim);
    const mean = new Float32Array(dim);
    for (const v of data) v.forEach((x, i) => (mean[i] += x / data.length));
    idx.setCentre(mean);
    data.forEach((v, i) => idx.upsert(i + 1, Math.floor(i / 3) + 1, v));
    expect(idx.size).toBe(9_000);
    let overlap = 0;
    const queries = vectors(10, dim, 99);
    for (const q of queries) {
      const exact = data.map((v, i) => [i + 1, dot(q, v)] as const).sort((a, b) => b[1] - a[1]).slice(0, 10).map(([id]) => id);
      const got = idx.search(q, 10);
      expect(got).toHaveLength(10);
      for (let i = 1; i < got.length; i++) expect(got[i].score).toBeLessThanOrEqual(got[i - 1].score);
      // The score is the cosine of the int8 code (its norm precomputed): within 0.01 of the true one.
      for (const h of got) expect(Math.abs(h.score - dot(q, data[h.chunkId - 1]))).toBeLessThan(0.01);
      overlap += got.filter((h) => exact.includes(h.chunkId)).length;
    }
    // int8 codes reorder near-ties; the true best chunks are still almost all there.
    expect(overlap / (queries.length * 10)).toBeGreaterThanOrEqual(0.8);
  });

  it('replaces a chunk\'s vector on upsert and ignores vectors of another dimension', () => {
    const idx = new VectorIndex('m', 4);
    idx.upsert(1, 1, Float32Array.from([1, 0, 0, 0]));
    idx.upsert(2, 2, Float32Array.from([0, 1, 0, 0]));
    idx.upsert(1, 1, Float32Array.from([0, 0, 1, 0]));
    idx.upsert(3, 3, Float32Array.from([1, 0, 0]));
    expect(idx.size).toBe(2);
    expect(idx.search(Float32Array.from([0, 0, 1, 0]), 1)[0]).toMatchObject({ chunkId: 1, documentId: 1 });
  });

  it('counts Hamming distances in WebAssembly SIMD exactly as a bit-by-bit count does, across growth', () => {
    // Node 20 and Electron run WebAssembly SIMD: the prefilter must not silently fall back here.
    expect(simdAvailable()).toBe(true);
    const r = rng(3);
    const word = () => Math.floor((r() + 0.5) * 2 ** 32) | 0;
    const popcount = (x: number) => {
      let c = 0;
      for (let i = 0; i < 32; i++) c += (x >>> i) & 1;
      return c;
    };
    for (const rowBytes of [16, 64, 96]) {
      const words = rowBytes / 4;
      const rows = SimdVectors.create(rowBytes, 16)!;
      let n = 0;
      const add = (count: number) => {
        rows.grow(Math.max(8, n + count), n);
        for (let i = 0; i < count * words; i++) rows.bits[n * words + i] = word();
        n += count;
      };
      add(5);
      add(300); // grows: the first rows move to a new memory
      const check = () => {
        const q = Int32Array.from({ length: words }, word);
        const got = rows.distances(q, n);
        expect(got).toHaveLength(n);
        for (let k = 0; k < n; k++) {
          let want = 0;
          for (let i = 0; i < words; i++) want += popcount(rows.bits[k * words + i] ^ q[i]);
          expect(got[k]).toBe(want);
        }
      };
      check();
      // Rows that differ from the query in every bit, and in none.
      const q = Int32Array.from({ length: words }, word);
      for (let i = 0; i < words; i++) {
        rows.bits[i] = ~q[i];
        rows.bits[words + i] = q[i];
      }
      const d = rows.distances(q, n);
      expect([d[0], d[1]]).toEqual([rowBytes * 8, 0]);
      add(2_000);
      check();
    }
  });

  it('scores int8 codes in WebAssembly SIMD as the JavaScript loop does, and both find the same chunks', () => {
    const dim = 96;
    const data = vectors(6_000, dim, 11);
    const mean = new Float32Array(dim);
    for (const v of data) v.forEach((x, i) => (mean[i] += x / data.length));
    const simd = new VectorIndex('m', dim);
    const js = new VectorIndex('m', dim, { simd: false });
    for (const idx of [simd, js]) {
      idx.setCentre(mean);
      data.forEach((v, i) => idx.upsert(i + 1, i + 1, v));
    }
    for (const q of vectors(8, dim, 5)) {
      const a = simd.search(q, 50);
      const b = js.search(q, 50);
      expect(a.map((h) => h.chunkId)).toEqual(b.map((h) => h.chunkId));
      // The query is quantized to int16 for the SIMD sums: scores agree to well under the codes' own error.
      a.forEach((h, i) => expect(Math.abs(h.score - b[i].score)).toBeLessThan(2e-4));
    }
    // A small index (every row scored, no prefilter) too.
    const few = new VectorIndex('m', dim);
    data.slice(0, 50).forEach((v, i) => few.upsert(i + 1, i + 1, v));
    const q = data[7];
    expect(few.search(q, 3)[0]).toMatchObject({ chunkId: 8 });
    expect(few.search(q, 3)[0].score).toBeGreaterThan(0.99);
    // The raw sums are exact integer dot products of the codes and the int16 query.
    const store = SimdVectors.create(16, 32)!;
    store.grow(4, 0);
    const r = rng(9);
    for (let i = 0; i < 4 * 32; i++) store.codes[i] = Math.round(r() * 254);
    const query = Float32Array.from({ length: 32 }, () => r());
    const { sums, scale } = store.dots(query, Int32Array.from([3, 0, 2]));
    [3, 0, 2].forEach((row, j) => {
      let want = 0;
      for (let i = 0; i < 32; i++) want += store.codes[row * 32 + i] * Math.round(query[i] * scale);
      expect(sums[j]).toBe(want);
    });
  });
});

