/**
 * A bounded work queue: one producer fills it (pausing at `highWater`), `workers`
 * consumers drain it. A task may hand its worker back before it ends (`detach`),
 * so slow tails overlap the next item; at most 2 × workers tails run at once.
 */
export async function drainBounded<T>(opts: {
  /** Fills the queue; `halted()` turns true when the workers have stopped. */
  produce: (push: (item: T) => Promise<void>, halted: () => boolean) => Promise<void>;
  workers: number;
  highWater: number;
  /** Rejections stop the queue and are rethrown at the end. */
  task: (item: T, detach: () => void) => Promise<void>;
  /** Checked before each item: true stops the workers. */
  stopped: () => boolean;
  /** Awaited before each item (a paused run). */
  gate: () => Promise<void> | undefined;
  signal: AbortSignal;
}): Promise<void> {
  const queue: T[] = [];
  const waiters: (() => void)[] = [];
  const spaceWaiters: (() => void)[] = [];
  let producerDone = false;
  let fatal: unknown = null;
  const wake = () => waiters.splice(0).forEach((w) => w());
  const makeRoom = () => spaceWaiters.splice(0).forEach((w) => w());

  const push = async (item: T): Promise<void> => {
    queue.push(item);
    wake();
    if (queue.length >= opts.highWater) {
      await new Promise<void>((r) => {
        spaceWaiters.push(r);
        // A cancel must not leave the producer waiting for room that never comes.
        opts.signal.addEventListener('abort', () => r(), { once: true });
      });
    }
  };

  const producer = (async () => {
    try {
      await opts.produce(push, () => opts.stopped() || fatal !== null);
    } catch (e) {
      // Stops the workers like a failed task: the files in hand finish before the error is rethrown.
      fatal ??= e;
    } finally {
      producerDone = true;
      wake();
    }
  })();

  const tails = new Set<Promise<void>>();
  const n = opts.workers;
  const worker = async () => {
    for (;;) {
      await opts.gate();
      if (opts.stopped() || fatal) return;
      const item = queue.shift();
      if (queue.length < opts.highWater / 2) makeRoom();
      if (item === undefined) {
        if (producerDone) return;
        await new Promise<void>((r) => waiters.push(r));
        continue;
      }
      let detach!: () => void;
      const detached = new Promise<void>((r) => (detach = r));
      const task: Promise<void> = opts
        .task(item, detach)
        .catch((e) => {
          fatal ??= e;
          makeRoom();
        })
        .finally(() => tails.delete(task));
      tails.add(task);
      await Promise.race([task, detached]);
      while (tails.size > 2 * n) await Promise.race(tails);
    }
  };

  await Promise.all([producer, ...Array.from({ length: n }, worker)]);
  await Promise.all(tails);
  if (fatal) throw fatal;
}

