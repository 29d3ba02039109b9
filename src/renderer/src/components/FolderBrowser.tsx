import { useEffect, useState, type ReactNode } from 'react';
import type { FsListing } from '../../../shared/contract';
import { call } from '../api';
import { useIsBrowserMode } from '../stores/app';
import { toastError } from '../stores/toasts';
import { Dialog } from './Dialog';
import { Spinner } from './common';

interface Props {
  initialPath?: string;
  onChoose(path: string): void;
  onClose(): void;
}

/**
 * Browser mode's "Choose folder…": folders served by the backend (fs.list). Every folder Intake
 * may read is listed to jump to, Up climbs within them, and recently ingested folders are one click.
 */
export function FolderBrowser({ initialPath, onChoose, onClose }: Props) {
  const [listing, setListing] = useState<FsListing | null>(null);
  const [loading, setLoading] = useState(false);
  const [hidden, setHidden] = useState(false);

  const open = async (path: string | undefined, showHidden = hidden) => {
    setLoading(true);
    try {
      setListing(await call('fs.list', { ...(path ? { path } : {}), hidden: showHidden }));
    } catch (e) {
      toastError(e, 'Could not open the folder');
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void open(initialPath || undefined);
    // Only the first listing depends on the initial path.
  }, []);

  const dirs = listing?.entries.filter((e) => e.dir) ?? [];
  const fileCount = (listing?.entries.length ?? 0) - dirs.length;
  const atRoot = listing !== null && listing.roots.includes(listing.path);

  return (
    <Dialog
      title="Choose a folder"
      onClose={onClose}
      wide
      actions={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={!listing} onClick={() => listing && onChoose(listing.path)}>
            Use this folder
          </button>
        </>
      }
    >
      <div className="folder-browser">
        <nav className="folder-places" aria-label="Places">
          <h3 className="subhead">Folders Intake may read</h3>
          <ul className="plain">
            {listing?.roots.map((r) => (
              <li key={r}>
                <button type="button" className={`folder-entry${listing.path === r ? ' current' : ''}`} aria-current={listing.path === r ? 'location' : undefined} title={r} onClick={() => void open(r)}>
                  {r}
                </button>
              </li>
            ))}
          </ul>
          <h3 className="subhead">Recent folders</h3>
          {listing && listing.recent.length === 0 ? (
            <p className="muted small">None yet: folders you ingest appear here.</p>
          ) : (
            <ul className="plain" aria-label="Recent folders">
              {listing?.recent.map((r) => (
                <li key={r}>
                  <button type="button" className="folder-entry" title={r} onClick={() => void open(r)}>
                    {r}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </nav>
        <div className="folder-here">
          <div className="folder-path">
            <button
              type="button"
              className="btn btn-small"
              disabled={!listing?.parent || loading}
              title={atRoot ? 'This is the top of a folder Intake may read: pick another on the left' : undefined}
              onClick={() => listing?.parent && void open(listing.parent)}
            >
              ↑ Up
            </button>
            <code className="folder-current">{listing?.path ?? '…'}</code>
            {loading && <Spinner label="Loading folder" />}
          </div>
          <label className="check small">
            <input
              type="checkbox"
              checked={hidden}
              onChange={(e) => {
                setHidden(e.target.checked);
                void open(listing?.path, e.target.checked);
              }}
            />
            Show hidden folders
          </label>
          <ul className="folder-list" aria-label="Folders">
            {dirs.map((d) => (
              <li key={d.path}>
                <button type="button" className={`folder-entry${d.hidden ? ' muted' : ''}`} onClick={() => void open(d.path)}>
                  <span aria-hidden="true">📁</span> {d.name}
                </button>
              </li>
            ))}
            {listing && dirs.length === 0 && <li className="muted folder-none">No subfolders here.</li>}
          </ul>
          {listing && fileCount > 0 && <p className="muted">{fileCount} file(s) in this folder.</p>}
        </div>
      </div>
    </Dialog>
  );
}

/**
 * A screen's "Choose folder…": the system dialog in the app, the FolderBrowser above in browser
 * mode. `picker` is the dialog to render (null when closed); `choose` opens one or the other.
 */
export function useFolderPicker(onChoose: (path: string) => void, initialPath?: string): { choose(): Promise<void>; picker: ReactNode } {
  const browserMode = useIsBrowserMode();
  const [browsing, setBrowsing] = useState(false);
  const choose = async () => {
    if (browserMode) {
      setBrowsing(true);
      return;
    }
    try {
      const folder = await call('shell.chooseFolder', {});
      if (folder) onChoose(folder);
    } catch (e) {
      toastError(e, 'Could not open the folder picker');
    }
  };
  const picker = browsing ? (
    <FolderBrowser
      initialPath={initialPath}
      onClose={() => setBrowsing(false)}
      onChoose={(p) => {
        setBrowsing(false);
        onChoose(p);
      }}
    />
  ) : null;
  return { choose, picker };
}
