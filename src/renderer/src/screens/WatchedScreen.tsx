import { useEffect, useId, useState } from 'react';
import type { WatchedFolder } from '../../../shared/domain';
import { droppedPaths, dropHasPaths } from '../drop';
import { useApp, useIsBrowserMode } from '../stores/app';
import { useWatched } from '../stores/watched';
import { openFailedUnder } from '../stores/folder-links';
import { toastInfo } from '../stores/toasts';
import { watchWords } from '../watch-words';
import { askNotificationPermission, notificationPermission } from '../watch-notices';
import { useFolderPicker } from '../components/FolderBrowser';
import { ConfirmDialog } from '../components/Dialog';
import { Badge, Card, EmptyState, MiddleEllipsis, Spinner, Time } from '../components/common';
import { basename, count } from '../format';
import '../watch.css';

/** Browser mode: the page shows "3 new documents, 1 failed" on the desktop once the user allows it. */
function NotificationOffer() {
  const browserMode = useIsBrowserMode();
  const [permission, setPermission] = useState(notificationPermission);
  if (!browserMode || permission === 'granted' || permission === 'unsupported') return null;
  return (
    <div className="notice notice-info watch-notify" role="status">
      {permission === 'default' ? (
        <>
          <span>Desktop notifications are off for this page: what watched folders bring in shows as a message in this window. </span>
          <button type="button" className="btn btn-small" onClick={() => void askNotificationPermission().then(setPermission)}>
            Turn on notifications
          </button>
        </>
      ) : (
        <span>This browser blocks notifications for this page, so what watched folders bring in shows as a message in this window. Allow notifications in the site’s settings to get them on the desktop.</span>
      )}
    </div>
  );
}

export function WatchedScreen() {
  const folders = useWatched((s) => s.folders);
  const loaded = useWatched((s) => s.loaded);
  const busy = useWatched((s) => s.busy);
  const navigate = useApp((s) => s.navigate);
  const [pathText, setPathText] = useState('');
  const { choose: chooseFolder, picker } = useFolderPicker((p) => void add(p), pathText.trim() || undefined);
  const [dragging, setDragging] = useState(false);
  const [removing, setRemoving] = useState<WatchedFolder | null>(null);
  const pathId = useId();

  useEffect(() => {
    const release = useWatched.getState().attach();
    void useWatched.getState().load();
    return release;
  }, []);

  const add = async (path: string) => {
    if (await useWatched.getState().add(path)) setPathText('');
  };


  const onDrop = (e: React.DragEvent) => {
    e.preventDefault();
    setDragging(false);
    // Only a real folder path can be watched: browser mode's dropped copies land in the inbox instead.
    const paths = dropHasPaths() ? droppedPaths(e.dataTransfer) : [];
    if (paths.length === 0) {
      toastInfo(dropHasPaths() ? 'Nothing to watch in what was dropped.' : 'In browser mode, choose the folder or type its path: a dropped folder arrives as copies, not as a place to watch.');
      return;
    }
    void (async () => {
      for (const p of paths) await add(p);
    })();
  };

  return (
    <div className="screen screen-watched">
      <header className="screen-header">
        <h1>Watched folders</h1>
        <p className="muted">
          Folders Intake ingests by itself: a new file is taken once it has stopped changing, partial downloads are left alone, and what fails lands under Failed files. Watching resumes when Intake starts, after catching up on what changed while it was closed.
        </p>
      </header>

      <section
        className={`dropzone watch-add${dragging ? ' dragging' : ''}`}
        aria-label="Add a watched folder"
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'link';
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <div className="dropzone-actions">
          <button type="button" className="btn btn-primary" onClick={() => void chooseFolder()} disabled={busy === 'add'}>
            Choose folder…
          </button>
          <span className="muted">{dropHasPaths() ? 'or drop a folder here, or type its path:' : 'or type its path:'}</span>
        </div>
        <form
          className="path-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (pathText.trim()) void add(pathText.trim());
          }}
        >
          <label htmlFor={pathId}>Folder to watch</label>
          <input id={pathId} type="text" className="input grow" placeholder="/path/to/scans" value={pathText} onChange={(e) => setPathText(e.target.value)} spellCheck={false} autoComplete="off" />
          <button type="submit" className="btn" disabled={!pathText.trim() || busy === 'add'}>
            Watch
          </button>
          {busy === 'add' && <Spinner label="Adding" />}
        </form>
      </section>

      <NotificationOffer />

      <Card title="Folders">
        {!loaded ? (
          <Spinner label="Loading watched folders" />
        ) : folders.length === 0 ? (
          <EmptyState title="No watched folders yet.">Choose a folder above: a scanner’s output or a downloads folder, and new files appear in the library by themselves.</EmptyState>
        ) : (
          <table className="table watch-table" aria-label="Watched folders">
            <thead>
              <tr>
                <th scope="col">Folder</th>
                <th scope="col">State</th>
                <th scope="col">Last file</th>
                <th scope="col" className="num">
                  Brought in
                </th>
                <th scope="col" className="num">
                  Failed
                </th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {folders.map((f) => {
                const words = watchWords(f);
                const name = basename(f.path) || f.path;
                return (
                  <tr key={f.id} data-testid={`watched-${f.id}`}>
                    <th scope="row" className="watch-folder">
                      <span className="watch-name">{name}</span>
                      <MiddleEllipsis text={f.path} className="muted small" />
                    </th>
                    <td className="watch-state">
                      <Badge tone={words.tone}>{words.label}</Badge>
                      <p className="small watch-help">{words.help}</p>
                    </td>
                    <td>
                      {f.lastFile ? (
                        <>
                          <span className="watch-last" title={f.lastFile}>
                            {basename(f.lastFile)}
                          </span>
                          <br />
                          <span className="muted small">
                            <Time ts={f.lastSeenAt} />
                          </span>
                        </>
                      ) : (
                        <span className="muted">None yet</span>
                      )}
                    </td>
                    <td className="num">{count(f.ingested)}</td>
                    <td className="num">
                      {f.failed > 0 ? (
                        <button type="button" className="link-button text-danger" aria-label={`${count(f.failed)} failed in ${name}: show them`} onClick={() => openFailedUnder(f.path)}>
                          {count(f.failed)}
                        </button>
                      ) : (
                        '0'
                      )}
                    </td>
                    <td>
                      <div className="row-actions">
                        <button type="button" className="btn btn-small" disabled={busy === f.id} aria-label={`${f.paused ? 'Resume' : 'Pause'} ${name}`} onClick={() => void useWatched.getState().setPaused(f.id, !f.paused)}>
                          {f.paused ? 'Resume' : 'Pause'}
                        </button>
                        <button type="button" className="btn btn-small btn-danger-outline" disabled={busy === f.id} aria-label={`Remove ${name}`} onClick={() => setRemoving(f)}>
                          Remove
                        </button>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {folders.length > 0 && (
          <p className="muted small">
            Runs started by watching show under <button type="button" className="link-button" onClick={() => navigate('ingest')}>Recent runs</button> as watch runs.
          </p>
        )}
      </Card>

      {removing && (
        <ConfirmDialog
          title="Stop watching this folder?"
          confirmLabel="Stop watching"
          danger
          onCancel={() => setRemoving(null)}
          onConfirm={() => {
            const id = removing.id;
            setRemoving(null);
            void useWatched.getState().remove(id);
          }}
        >
          <p>
            <code>{removing.path}</code>
          </p>
          <p>New files there will no longer be ingested. What it already brought in stays in the library, and its failures stay under Failed files.</p>
        </ConfirmDialog>
      )}

      {picker}
    </div>
  );
}
