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

/**
 * The run's circuit breaker around AI calls: a rejected key or missing model
 * stops the run (nothing recorded); an unreachable or rate-limiting endpoint for
 * AI_DOWN_LIMIT files in a row pauses it, and those files are left untouched.
 * Until a call has succeeded, calls go one at a time, so a bad key or a dead
 * endpoint costs one request (with its retries), not one per worker.
 */
export class AiGate {
  /** Set once a call succeeded; until then calls are serialized (one probe at a time). */
  private proven = false;
  private probe: Promise<void> | null = null;
  /** The run is stopping for an AI reason: no more AI calls. */
  private halted = false;
  private streak: AiDownFile[] = [];

  constructor(
    private readonly signal: AbortSignal,
    /** Files that found the AI down, but fewer than the limit in a row: recorded as genuine failures. */
    private readonly onStreakBroken: (files: AiDownFile[]) => Promise<void>,
  ) {}

  async call<T>(file: { path: string; hash: string; stage: Stage }, call: () => Promise<T>): Promise<T> {
    while (!this.proven && this.probe) await this.probe;
    if (this.halted) throw new DeferredAiDown(); // the run is stopping: leave the file for the next one
    let probeDone: (() => void) | undefined;
    if (!this.proven) this.probe = new Promise<void>((r) => (probeDone = r));
    try {
      const v = await call();
      this.proven = true;
      await this.flush();
      return v;
    } catch (e) {
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
