import { describe, expect, it } from 'vitest';
import { etaSeconds } from '../../src/main/engine/eta';
import type { FileKind } from '../../src/shared/domain';

const map = <V,>(entries: [FileKind, V][]) => new Map<FileKind, V>(entries);

describe('the ETA costs what is left by kind', () => {
  // Measured so far: text files take 10 ms, an OCR'd image 37 s.
  const cost = map<{ ms: number; n: number }>([
    ['text', { ms: 240, n: 24 }],
    ['image', { ms: 74_000, n: 2 }],
  ]);

  it('two long OCR files left weigh as two OCR files, not as the average file (≈ 75 s, not 4–7 s)', () => {
    const eta = etaSeconds({ waiting: map([['image', 2], ['text', 0]]), working: [], cost, workers: 1, now: 0 });
    expect(eta).toBe(74);
    // With 4 workers the two can run side by side, but no faster than one of them.
    expect(etaSeconds({ waiting: map([['image', 2]]), working: [], cost, workers: 4, now: 0 })).toBe(37);
  });

  it('text files left cost next to nothing; a file in hand counts only what it has left', () => {
    expect(etaSeconds({ waiting: map([['text', 100]]), working: [], cost, workers: 4, now: 0 })).toBe(0);
    const inHand = etaSeconds({ waiting: map([['text', 0]]), working: [{ kind: 'image', since: 0 }], cost, workers: 2, now: 30_000 });
    expect(inHand).toBe(7);
    // Past its expected time, it is "almost done", never a negative or zero wait.
    expect(etaSeconds({ waiting: map([]), working: [{ kind: 'image', since: 0 }], cost, workers: 1, now: 90_000 })).toBe(4);
  });

  it('says nothing once a file in hand has run far past its kind (a stalled AI answer), rather than "under a second"', () => {
    // Two text files (10 ms each so far) held 6 s at the AI server: nobody knows when they end.
    const stalled = [{ kind: 'text' as const, since: 0 }, { kind: 'text' as const, since: 0 }];
    expect(etaSeconds({ waiting: map([]), working: stalled, cost, workers: 4, now: 6_000 })).toBeNull();
    // An OCR file a little late is still "almost done"; three times late and more, unknown.
    expect(etaSeconds({ waiting: map([]), working: [{ kind: 'image', since: 0 }], cost, workers: 1, now: 100_000 })).toBe(4);
    expect(etaSeconds({ waiting: map([]), working: [{ kind: 'image', since: 0 }], cost, workers: 1, now: 120_000 })).toBeNull();
  });

  it('says nothing while a kind still to do has no measurement yet', () => {
    expect(etaSeconds({ waiting: map([['pdf', 1], ['text', 3]]), working: [], cost, workers: 4, now: 0 })).toBeNull();
    expect(etaSeconds({ waiting: map([]), working: [{ kind: 'docx', since: 0 }], cost, workers: 4, now: 10 })).toBeNull();
  });
});
