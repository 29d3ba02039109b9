import { useEffect, useId, useState } from 'react';
import { LIMITS } from '../../../shared/limits';
import { droppedFiles, droppedPaths, dropHasPaths, uploadToInbox } from '../drop';
import { useApp } from '../stores/app';
import { isLive, liveRuns, useRun } from '../stores/run';
import { useFailed } from '../stores/failed';
import type { UnsupportedFile } from '../../../shared/domain';
import { UnsupportedCount, UnsupportedDialog } from '../components/UnsupportedFiles';
import { toastError, toastInfo } from '../stores/toasts';
import { useFolderPicker } from '../components/FolderBrowser';
import { RunProgressCard } from '../components/RunProgressCard';
import { RunSummaryCard } from '../components/RunSummaryCard';
import { Badge, Card, EmptyState, Spinner, Time } from '../components/common';
import { STATUS_TONE, count, duration, plural, runStatusText } from '../format';

export function IngestScreen() {
  const run = useRun();
  const navigate = useApp((s) => s.navigate);
  const inboxDir = useApp((s) => s.info?.inboxDir);
  const [pathText, setPathText] = useState('');
  const { choose: chooseFolder, picker } = useFolderPicker((p) => choose([p]), pathText.trim() || undefined);
  const [dragging, setDragging] = useState(false);
  const [uploading, setUploading] = useState<string | null>(null);
  const ids = { path: useId(), concurrency: useId() };
  const [unsupported, setUnsupported] = useState<{ files: UnsupportedFile[]; total: number } | null>(null);

  /** Opens Failed files on the eligible rows and retries them there, with its progress, Cancel and report. */
  const retryEligible = () => {
    const failed = useFailed.getState();
    failed.setFilter({ eligibleOnly: true });
    navigate('failed');
    void failed.reprocess({ filter: { eligibleOnly: true }, all: true });
  };

  useEffect(() => {
    const release = useRun.getState().attach();
    void useRun.getState().init();
    return release;
  }, []);

  const running = isLive(run.progress, run.summary);

  const choose = (paths: string[]) => {
    if (paths.length === 1) setPathText(paths[0]);
    void run.setPaths(paths);
  };


  const onDrop = async (e: React.DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (running) return;
    if (dropHasPaths()) {
      const paths = droppedPaths(e.dataTransfer);
      if (paths.length) choose(paths);
      else toastInfo('Nothing to ingest in what was dropped.');
      return;
    }
    try {
      setUploading('Reading dropped files…');
      const files = await droppedFiles(e.dataTransfer);
      if (files.length === 0) {
        toastInfo('Nothing to ingest in what was dropped.');
        return;
      }
      const folders = await uploadToInbox(files, (sent, total) => setUploading(`Copying into the inbox: ${count(sent)} / ${count(total)}`));
      choose(folders);
    } catch (err) {
      toastError(err, 'Could not copy the dropped files');
    } finally {
      setUploading(null);
    }
  };

  const start = () => {
    const typed = pathText.trim();
    const paths = typed && !run.paths.includes(typed) ? [typed] : run.paths;
    void run.start(paths);
  };

  const canStart = !running && !run.starting && (run.paths.length > 0 || pathText.trim() !== '');

  return (
    <div className="screen">
      <header className="screen-header">
        <h1>Ingest</h1>
        <p className="muted">Add folders of documents to the library. Files that cannot be ingested are recorded under Failed files.</p>
      </header>

      <section
        className={`dropzone${dragging ? ' dragging' : ''}`}
        aria-label="Drop zone"
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => void onDrop(e)}
      >
        <p className="dropzone-title">Drop folders or files here</p>
        <p className="muted">
          {dropHasPaths() ? (
            'They are read where they are.'
          ) : (
            <>
              They are copied into the inbox beside the library{inboxDir ? <> (<code className="break">{inboxDir}</code>)</> : null} and ingested from there.
            </>
          )}
        </p>
        <div className="dropzone-actions">
          <button type="button" className="btn btn-primary" onClick={() => void chooseFolder()}>
            Choose folder…
          </button>
        </div>
        <form
          className="path-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (pathText.trim()) void run.setPaths([pathText.trim()]);
          }}
        >
          <label htmlFor={ids.path}>Folder path</label>
          <input id={ids.path} type="text" className="input grow" placeholder="/path/to/documents" value={pathText} onChange={(e) => setPathText(e.target.value)} spellCheck={false} autoComplete="off" />
          <button type="submit" className="btn" disabled={!pathText.trim()}>
            Check
          </button>
        </form>
        {uploading && (
          <p className="muted">
            <Spinner label="Uploading" /> {uploading}
          </p>
        )}
      </section>

      {(run.preflight || run.preflightLoading || run.preflightError) && (
        <Card title="Preflight" className="preflight-card">
          {run.paths.length > 0 && (
            <p className="muted paths" title={run.paths.join('\n')}>
              {run.paths.length === 1 ? run.paths[0] : `${run.paths.length} locations`}
            </p>
          )}
          {run.preflightError && (
            <p className="notice notice-error" role="alert">
              {run.preflightError}
            </p>
          )}
          {run.preflightLoading && !run.preflight ? (
            <p>
              <Spinner label="Checking" /> Checking what is new…
            </p>
          ) : (
            run.preflight && (
              <dl className="counts" aria-label="Preflight counts">
                <div>
                  <dt>New</dt>
                  <dd>{count(run.preflight.new)}</dd>
                </div>
                <div>
                  <dt>Known unchanged</dt>
                  <dd>{count(run.preflight.knownUnchanged)}</dd>
                </div>
                <div>
                  <dt>Previously failed</dt>
                  <dd>
                    {count(run.preflight.previouslyFailed)}
                    {run.preflight.previouslyFailed > 0 && <span className="muted small"> {run.options.skipFailed ? 'skipped' : 'included'}</span>}
                  </dd>
                </div>
                <div>
                  <dt>Unsupported</dt>
                  <dd>
                    <UnsupportedCount n={run.preflight.unsupported} files={run.preflight.unsupportedFiles} onOpen={setUnsupported} />
                  </dd>
                </div>
              </dl>
            )
          )}
        </Card>
      )}

      <Card title="Options" className="options-card">
        <div className="options">
          <label className="check" title="Files that failed before are skipped unless this is on (or they are reset).">
            <input type="checkbox" checked={!run.options.skipFailed} onChange={(e) => run.setOptions({ skipFailed: !e.target.checked })} />
            Include previously failed
          </label>
          <label className="check">
            <input type="checkbox" checked={run.options.ocr} onChange={(e) => run.setOptions({ ocr: e.target.checked })} />
            OCR
          </label>
          <span className="field-inline">
            <label htmlFor={ids.concurrency}>Concurrency</label>
            <input
              id={ids.concurrency}
              type="number"
              className="input input-num"
              min={LIMITS.concurrency.min}
              max={LIMITS.concurrency.max}
              value={run.options.concurrency}
              onChange={(e) => {
                const n = Math.round(Number(e.target.value));
                if (Number.isFinite(n)) run.setOptions({ concurrency: Math.min(LIMITS.concurrency.max, Math.max(LIMITS.concurrency.min, n)) });
              }}
            />
          </span>
          <button type="button" className="btn btn-primary" onClick={start} disabled={!canStart}>
            Start
          </button>
          {run.starting && <Spinner label="Starting" />}
        </div>
      </Card>

      {run.progress && <RunProgressCard progress={run.progress} live={running} onPause={() => void run.pause()} onResume={() => void run.resume()} onCancel={() => void run.cancel()} />}
      {run.summary && <RunSummaryCard summary={run.summary} onShowFailed={() => navigate('failed')} onShowUnsupported={setUnsupported} />}

      {run.eligible > 0 && !running && (
        <div className="notice notice-info eligible-banner" role="status">
          <span>
            {plural(run.eligible, 'failed file')} may work now: a setting {run.eligible === 1 ? 'it depends' : 'they depend'} on changed since {run.eligible === 1 ? 'it' : 'they'} failed. A plain run still skips {run.eligible === 1 ? 'it' : 'them'}.
          </span>
          <button type="button" className="btn btn-primary" onClick={retryEligible}>
            Retry {plural(run.eligible, 'eligible failure')}
          </button>
        </div>
      )}

      <Card title="Recent runs" className="runs-card">
        {run.runs.length === 0 ? (
          <EmptyState title="No runs yet.">Choose a folder above and press Start.</EmptyState>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Status</th>
                <th scope="col">Folders</th>
                <th scope="col" className="num">
                  Ingested
                </th>
                <th scope="col" className="num">
                  Failed
                </th>
                <th scope="col" className="num">
                  Duration
                </th>
              </tr>
            </thead>
            <tbody>
              {liveRuns(run.runs, run.progress, run.summary).map((r) => (
                <tr key={r.id}>
                  <td>
                    <Time ts={r.startedAt} />
                  </td>
                  <td>
                    <Badge tone={STATUS_TONE[r.status]} title={r.message ?? undefined}>
                      {runStatusText(r)}
                    </Badge>
                  </td>
                  <td className="ellipsis" title={r.roots.join('\n')}>
                    {r.options.watch === true && <Badge tone="info">watch</Badge>} {r.roots.join(', ')}
                  </td>
                  <td className="num">{count(r.counts?.ingested)}</td>
                  <td className="num">{count(r.counts?.failed)}</td>
                  <td className="num">{r.durationMs !== null ? duration(r.durationMs) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>

      {unsupported && <UnsupportedDialog files={unsupported.files} total={unsupported.total} onClose={() => setUnsupported(null)} />}

      {picker}
    </div>
  );
}
