import type { RunStatus, Stage } from '../../shared/domain';
import { isIntakeError, type IntakeError } from '../../shared/errors';

/** How many files in a row may find the AI endpoint unreachable before the run pauses. */
export const AI_DOWN_LIMIT = 3;

/** Raised inside a file's processing to stop the whole run (AI down, bad key). */
export class RunStop extends Error {
  constructor(
    readonly status: RunStatus,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown for a file that found the AI down; its fate is decided with the streak. */
export class DeferredAiDown extends Error {}

/** A file that found the AI down, waiting for the streak to be decided. */
export interface AiDownFile {
  path: string;
  hash: string;
  stage: Stage;
  error: IntakeError;
}

/** The run was cancelled while a file waited for a classify slot: the file is left for the next run. */
export class SlotWaitCancelled extends Error {
  constructor() {
    super('the run was cancelled while the file waited for the AI');
  }
}

/** At most `size` holders at once; waiters get a freed slot in arrival order, handed over directly. */
class Slots {
  private free: number;
  private readonly waiters: (() => void)[] = [];

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  async take(signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new SlotWaitCancelled();
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        signal.removeEventListener('abort', cancelled);
        resolve();
      };
      const cancelled = (): void => {
        const at = this.waiters.indexOf(grant);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(new SlotWaitCancelled());
      };
      this.waiters.push(grant);
      signal.addEventListener('abort', cancelled, { once: true });
    });
  }

  give(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * The run's circuit breaker around AI calls: a rejected key or missing model
 * stops the run (nothing recorded); an unreachable or rate-limiting endpoint for
 * AI_DOWN_LIMIT files in a row pauses it, and those files are left untouched.
 * Until a call has succeeded, calls go one at a time, so a bad key or a dead
 * endpoint costs one request (with its retries), not one per worker.
 *
 * At most `classifySlots` (the run's concurrency) classify calls are in flight at once,
 * whatever the number of workers: the run keeps a few more files read and extracted
 * than that, so a freed slot is taken by a file that is ready, not one still being read.
 */
export class AiGate {
  /** Set once a call succeeded; until then calls are serialized (one probe at a time). */
  private proven = false;
  private probe: Promise<void> | null = null;
  /** The run is stopping for an AI reason: no more AI calls. */
  private halted = false;
  private streak: AiDownFile[] = [];

  private readonly classifySlots: Slots;

  constructor(
    private readonly signal: AbortSignal,
    /** Classify calls in flight at most (the run's concurrency). */
    classifySlots: number,
    /** Files that found the AI down, but fewer than the limit in a row: recorded as genuine failures. */
    private readonly onStreakBroken: (files: AiDownFile[]) => Promise<void>,
  ) {
    this.classifySlots = new Slots(classifySlots);
  }

  async call<T>(file: { path: string; hash: string; stage: Stage }, call: () => Promise<T>): Promise<T> {
    if (file.stage !== 'classify') return this.guarded(file, call, () => undefined);
    await this.classifySlots.take(this.signal);
    let held = true;
    const free = (): void => {
      if (!held) return;
      held = false;
      this.classifySlots.give();
    };
    try {
      return await this.guarded(file, call, free);
    } finally {
      free();
    }
  }

  /** One call through the breaker; `answered` frees the caller's slot as soon as the call has settled. */
  private async guarded<T>(file: { path: string; hash: string; stage: Stage }, call: () => Promise<T>, answered: () => void): Promise<T> {
    while (!this.proven && this.probe) await this.probe;
    if (this.halted) throw new DeferredAiDown(); // the run is stopping: leave the file for the next one
    let probeDone: (() => void) | undefined;
    if (!this.proven) this.probe = new Promise<void>((r) => (probeDone = r));
    try {
      const v = await call();
      this.proven = true;
      answered();
      await this.flush();
      return v;
    } catch (e) {
      answered();
      if (!isIntakeError(e) || this.signal.aborted) throw e;
      if (e.code === 'ai_bad_output') this.proven = true; // it answered: key, model and endpoint work
      if (e.failureClass === 'config') {
        this.halted = true;
        throw new RunStop('paused', `${e.reason}: ${e.message}. Check the AI settings; the run stopped and no file was marked failed.`);
      }
      if (e.code === 'ai_connection' || e.code === 'ai_unavailable' || e.code === 'ai_rate_limited' || e.code === 'ai_server_error') {
        this.proven = false;
        this.streak.push({ ...file, error: e });
        if (this.streak.length >= AI_DOWN_LIMIT) {
          this.streak = [];
          this.halted = true;
          const what =
            e.code === 'ai_rate_limited'
              ? `The AI service keeps rate-limiting requests (${e.reason})`
              : e.code === 'ai_server_error'
                ? `The AI server keeps failing (${e.reason}): it may be overloaded or down`
                : e.code === 'ai_unavailable'
                  ? `${e.reason}: ${e.message}`
                  : `The AI endpoint is unreachable (${e.message})`;
          throw new RunStop('paused', `${what}; the run paused after ${AI_DOWN_LIMIT} files in a row and marked none of them failed.`);
        }
        throw new DeferredAiDown();
      }
      throw e;
    } finally {
      if (probeDone) {
        this.probe = null;
        probeDone();
      }
    }
  }

  /** Hands over the files of a streak that ended short of the limit. */
  async flush(): Promise<void> {
    if (!this.streak.length) return;
    const files = this.streak;
    this.streak = [];
    await this.onStreakBroken(files);
  }
}
