/**
 * "3 new documents, 1 failed" from watched folders. In Electron the main process shows it as a
 * desktop notification; in browser mode the page does, with the browser's Notification API once the
 * user allowed it, and as a message in the window otherwise.
 */
import type { WatchNotice } from '../../shared/domain';
import { subscribe } from './api';
import { useApp } from './stores/app';
import { toastInfo } from './stores/toasts';

type Permission = 'default' | 'granted' | 'denied' | 'unsupported';

function pageNotification(): typeof Notification | null {
  return typeof globalThis.Notification === 'function' ? globalThis.Notification : null;
}

/** Whether the page may show desktop notifications (browser mode). */
export function notificationPermission(): Permission {
  return pageNotification()?.permission ?? 'unsupported';
}

/** Asks the browser (needs a click); resolves to the answer. */
export async function askNotificationPermission(): Promise<Permission> {
  const N = pageNotification();
  if (!N) return 'unsupported';
  return N.requestPermission();
}

export function showWatchNotice(n: WatchNotice): void {
  if (useApp.getState().info?.mode !== 'browser') return; // Electron: the main process shows it
  const N = pageNotification();
  if (N && N.permission === 'granted') {
    try {
      const note = new N('Intake', { body: n.text, tag: 'intake-watch' });
      note.onclick = () => {
        window.focus();
        useApp.getState().navigate('watched');
        note.close();
      };
      return;
    } catch {
      // Some browsers only notify from a service worker: fall back to the message below.
    }
  }
  toastInfo(`Watched folders: ${n.text}.`);
}

/** Follows watch.notice for the whole app; returns the release function. */
export function attachWatchNotices(): () => void {
  return subscribe('watch.notice', showWatchNotice);
}
