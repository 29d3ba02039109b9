import { useEffect, useState } from 'react';
import type { FsListing } from '../../../shared/contract';
import { call } from '../api';
import { toastError } from '../stores/toasts';
import { Dialog } from './Dialog';
import { Spinner } from './common';

interface Props {
  initialPath?: string;
  onChoose(path: string): void;
  onClose(): void;
}

/** Browser mode's "Choose folder…": a folder tree served by the backend (fs.list). */
export function FolderBrowser({ initialPath, onChoose, onClose }: Props) {
  const [listing, setListing] = useState<FsListing | null>(null);
  const [loading, setLoading] = useState(false);

  const open = async (path?: string) => {
    setLoading(true);
    try {
      setListing(await call('fs.list', path ? { path } : {}));
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
      <div className="folder-path">
        <button type="button" className="btn btn-small" disabled={!listing?.parent || loading} onClick={() => listing?.parent && void open(listing.parent)}>
          ↑ Up
        </button>
        <code className="folder-current">{listing?.path ?? '…'}</code>
        {loading && <Spinner label="Loading folder" />}
      </div>
      <ul className="folder-list" aria-label="Folders">
        {dirs.map((d) => (
          <li key={d.path}>
            <button type="button" className="folder-entry" onClick={() => void open(d.path)}>
              <span aria-hidden="true">📁</span> {d.name}
            </button>
          </li>
        ))}
        {listing && dirs.length === 0 && <li className="muted folder-none">No subfolders here.</li>}
      </ul>
      {listing && fileCount > 0 && <p className="muted">{fileCount} file(s) in this folder.</p>}
    </Dialog>
  );
}
