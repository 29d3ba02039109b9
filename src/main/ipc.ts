/**
 * Registers every channel of the contract on ipcMain as `intake:<channel>`, checks the sender,
 * and hands the rest to dispatch(). Service events go to the window as `intake:event:<name>`.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { CHANNELS, EVENT_NAMES, IPC_PREFIX, type Envelope } from '../shared/contract';
import { dispatch } from './app/dispatch';
import { isTrustedSender, type AppLocation } from './security';
import type { IntakeService } from './app/service-api';

export interface IpcOptions {
  service: Pick<IntakeService, 'handlers' | 'on'>;
  /** The one window's web contents, or null while there is none. */
  getContents(): WebContents | null;
  location: AppLocation;
}

export function eventChannel(event: string): string {
  return `${IPC_PREFIX}event:${event}`;
}

/** Returns a function that removes every handler and listener it added. */
export function registerIpc({ service, getContents, location }: IpcOptions): () => void {
  for (const channel of CHANNELS) {
    ipcMain.handle(IPC_PREFIX + channel, async (event: IpcMainInvokeEvent, input: unknown): Promise<Envelope<unknown>> => {
      if (!isTrustedSender(event, getContents(), location)) {
        console.warn(`[intake] refused ${channel} from an unexpected sender (${event.senderFrame?.url ?? 'no frame'})`);
        return { ok: false, error: { code: 'forbidden', message: 'IPC from an unexpected sender' } };
      }
      return dispatch(service.handlers, channel, input);
    });
  }
  const unsubscribe = EVENT_NAMES.map((name) =>
    service.on(name, (payload) => {
      const contents = getContents();
      if (contents && !contents.isDestroyed()) contents.send(eventChannel(name), payload);
    }),
  );
  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(IPC_PREFIX + channel);
    for (const off of unsubscribe) off();
  };
}
