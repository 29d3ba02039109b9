import type { WatchedFolder } from '../../shared/domain';
import type { BadgeTone } from './components/common';

export interface WatchWords {
  label: string;
  tone: BadgeTone;
  /** What the state means and what to do about it, in a sentence or two. */
  help: string;
}

const sentence = (s: string | null) => (s ? (/[.!?]$/.test(s) ? `${s} ` : `${s}. `) : '');

/** A watched folder's state in words, with its message and what the user can do. */
export function watchWords(f: WatchedFolder): WatchWords {
  if (!f.paused && !f.watchedHere && f.message && f.state !== 'missing' && f.state !== 'not_allowed')
    return { label: 'Watched elsewhere', tone: 'info', help: `${sentence(f.message)}Its files are ingested there; this list shows its counts.` };
  switch (f.state) {
    case 'watching':
      return { label: 'Watching', tone: 'ok', help: 'New files are ingested once they have stopped changing.' };
    case 'catching_up':
      return { label: 'Catching up', tone: 'info', help: 'Ingesting what arrived or changed while it was not watched.' };
    case 'paused':
      return { label: 'Paused', tone: 'neutral', help: 'New files wait here; press Resume and they are ingested.' };
    case 'missing':
      return {
        label: 'Folder missing',
        tone: 'danger',
        help: `${sentence(f.message)}Reconnect the drive or put the folder back and watching resumes by itself; remove it if it is gone for good.`,
      };
    case 'not_allowed':
      return {
        label: 'Not allowed',
        tone: 'danger',
        help: `${sentence(f.message)}Give your user read access to the folder (or start Intake with it among the allowed folders); watching resumes by itself.`,
      };
  }
}
