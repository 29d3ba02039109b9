/** A stand-in IntakeService: every handler is a vi.fn, events are emitted by the test. */
import { vi, type Mock } from 'vitest';
import { contract, type Channel, type EventName, type Events, type Handlers } from '../../src/shared/contract';
import type { IntakeService } from '../../src/main/app/service-api';

export interface FakeService extends IntakeService {
  handlers: Handlers & { [C in Channel]: Mock };
  receiveInbox: Mock<IntakeService['receiveInbox']>;
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  listenerCount(): number;
}

export function fakeService(): FakeService {
  const handlers = Object.fromEntries(Object.keys(contract).map((channel) => [channel, vi.fn(async () => ({ channel }))])) as unknown as FakeService['handlers'];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  return {
    handlers,
    // Reads the whole upload, as the real inbox does, and says how many bytes came.
    receiveInbox: vi.fn(async (_manifest: unknown, content: AsyncIterable<Uint8Array>) => {
      let bytes = 0;
      for await (const chunk of content) bytes += chunk.length;
      return { folder: `/inbox/${bytes}`, files: 1 };
    }),
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    listenerCount() {
      let n = 0;
      for (const set of listeners.values()) n += set.size;
      return n;
    },
    close: vi.fn(async () => undefined),
  };
}
