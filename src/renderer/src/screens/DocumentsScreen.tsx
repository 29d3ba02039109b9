import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { SearchHighlight, SearchMode } from '../../../shared/domain';
import { call } from '../api';
import { useApp, useIsBrowserMode } from '../stores/app';
import { toastError } from '../stores/toasts';
import { DOCS_PAGE_SIZE, useDocuments } from '../stores/documents';
import { Badge, Card, EmptyState, Spinner, Time, TimeFull } from '../components/common';
import { ExtractionFacts } from '../components/ExtractionFacts';
import { Pager } from '../components/Pager';
import { EmbeddingNotice } from '../components/EmbeddingNotice';
import { bytes, count } from '../format';

const SOURCE_LABEL = { text: 'Text layer', pdf: 'PDF text', ocr: 'OCR' } as const;

export function DocumentsScreen() {
  const docs = useDocuments();
  const navigate = useApp((s) => s.navigate);
  const searchId = useId();

  useEffect(() => {
    void useDocuments.getState().load(0);
  }, []);

  // Search follows typing (debounced): the query's embedding is one short call to the encoder thread.
  const q = docs.q;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const t = setTimeout(() => void useDocuments.getState().load(0), 300);
    return () => clearTimeout(t);
  }, [q]);

  const d = docs.detail;
  const searching = docs.q.trim() !== '';

  return (
    <div className={`screen screen-documents${docs.selectedId !== null ? ' with-detail' : ''}`}>
      <div className="docs-main">
        <header className="screen-header">
          <h1>Documents</h1>
          <p className="muted">The library: everything that was ingested, searchable by keyword or by meaning.</p>
        </header>
        <EmbeddingNotice />
        <form
          className="toolbar"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            void docs.load(0);
          }}
        >
          <label htmlFor={searchId} className="sr-only">
            Search documents
          </label>
          <input id={searchId} type="search" className="input grow" placeholder={docs.mode === 'keyword' ? 'Words in the document' : 'Words, or describe what you are looking for'} value={docs.q} onChange={(e) => docs.setQuery(e.target.value)} />
          <div className="segmented" role="radiogroup" aria-label="Search mode">
            {SEARCH_MODE_LABELS.map(([mode, label, hint]) => (
              <label key={mode} className={docs.mode === mode ? 'on' : ''} title={hint}>
                <input type="radio" name="doc-mode" checked={docs.mode === mode} onChange={() => docs.setMode(mode)} />
                {label}
              </label>
            ))}
          </div>
          <button type="submit" className="btn btn-primary">
            Search
          </button>
          {docs.loading && <Spinner label="Searching" />}
        </form>

        {docs.total === 0 && !docs.loading ? (
          searching ? (
            <EmptyState title="No documents match.">
              {docs.mode === 'keyword' ? 'Keyword search needs every word in the document: try fewer words, or Hybrid.' : 'Nothing in the library is close enough to that. Try other words.'}
            </EmptyState>
          ) : (
            <EmptyState title="The library is empty.">
              <p>Ingest a folder of documents to fill it.</p>
              <button type="button" className="btn btn-primary" onClick={() => navigate('ingest')}>
                Go to Ingest
              </button>
            </EmptyState>
          )
        ) : (
          <Card>
            {/* How big the library (or the search's answer) is, without scrolling past 50 rows first. */}
            <Pager top label="Documents pages" offset={docs.offset} total={docs.total ?? 0} pageSize={DOCS_PAGE_SIZE} onPage={(o) => void docs.load(o)} />
            <table className="table table-click" aria-label="Documents">
              <thead>
                <tr>
                  <th scope="col">Title</th>
                  <th scope="col">Type</th>
                  <th scope="col">Correspondent</th>
                  <th scope="col" className="nowrap">
                    Date
                  </th>
                  <th scope="col" className="nowrap">
                    Added
                  </th>
                </tr>
              </thead>
              <tbody>
                {docs.rows.map((r) => (
                  <tr
                    key={r.id}
                    tabIndex={0}
                    aria-selected={r.id === docs.selectedId}
                    className={r.id === docs.selectedId ? 'selected' : undefined}
                    onClick={() => void docs.open(r.id)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') void docs.open(r.id);
                      if (e.key === 'ArrowDown') (e.currentTarget.nextElementSibling as HTMLElement | null)?.focus();
                      if (e.key === 'ArrowUp') (e.currentTarget.previousElementSibling as HTMLElement | null)?.focus();
                    }}
                  >
                    <td>
                      <div className="doc-title">{r.title || r.filename}</div>
                      <div className="muted small ellipsis" title={r.filePath}>
                        {r.filename}
                      </div>
                      {r.snippet && <Snippet text={r.snippet} highlights={r.highlights ?? []} />}
                    </td>
                    <td className="nowrap">{r.docType}</td>
                    <td>{r.correspondent ?? '—'}</td>
                    <td className="nowrap">{r.docDate ?? '—'}</td>
                    <td className="nowrap">
                      <Time ts={r.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager label="Documents pages, at the end" offset={docs.offset} total={docs.total ?? 0} pageSize={DOCS_PAGE_SIZE} onPage={(o) => void docs.load(o)} />
          </Card>
        )}
      </div>

      {docs.selectedId !== null && (
        <aside
          className="detail-pane"
          aria-label="Document details"
          onKeyDown={(e) => {
            if (e.key === 'Escape') docs.close();
          }}
        >
          <header className="detail-header">
            <h2 className="detail-title">{d?.title ?? 'Loading…'}</h2>
            <button type="button" className="btn btn-icon" aria-label="Close details" onClick={docs.close}>
              ×
            </button>
          </header>
          {d && (
            <>
              <div className="detail-badges">
                <Badge tone="info">{d.docType}</Badge>
                <Badge>{SOURCE_LABEL[d.contentSource] ?? d.contentSource}</Badge>
                {/* The type has its own chip: a tag that only repeats it is not shown twice. */}
                {d.tags
                  .filter((t) => t.toLowerCase() !== d.docType.toLowerCase())
                  .map((t) => (
                    <Badge key={t}>{t}</Badge>
                  ))}
              </div>
              <OriginalActions id={d.id} path={d.filePath} />
              {d.summary && <p className="detail-message">{d.summary}</p>}
              <dl className="detail-fields">
                <dt>Type</dt>
                <dd>{d.docType}</dd>
                <dt>Correspondent</dt>
                <dd>{d.correspondent ?? '—'}</dd>
                <dt>Date</dt>
                <dd>{d.docDate ?? '—'}</dd>
                <dt>Tags</dt>
                <dd>{d.tags.length ? d.tags.join(', ') : '—'}</dd>
                <dt>Language</dt>
                <dd>{d.language ?? '—'}</dd>
                <dt>Content source</dt>
                <dd>{SOURCE_LABEL[d.contentSource] ?? d.contentSource}</dd>
                <dt>How it was read</dt>
                <dd>
                  <ExtractionFacts extraction={d.extraction} />
                </dd>
                <dt>Size</dt>
                <dd>
                  {bytes(d.size)} · {d.mimeType}
                </dd>
                <dt>Classified by</dt>
                <dd>
                  {d.aiProvider} / {d.aiModel}
                </dd>
                <dt>Chunks</dt>
                <dd>{count(d.chunkCount)}</dd>
                <dt>Added</dt>
                <dd>
                  <TimeFull ts={d.createdAt} />
                </dd>
                <dt>Paths</dt>
                <dd>
                  <ul className="plain">
                    {(d.paths.length ? d.paths : [d.filePath]).map((p) => (
                      <li key={p}>
                        <code className="break">{p}</code>
                      </li>
                    ))}
                  </ul>
                </dd>
              </dl>
              <h3 className="subhead">Extracted text</h3>
              <pre className="code-block doc-text" tabIndex={0} aria-label="Extracted text">
                {d.content}
              </pre>
            </>
          )}
        </aside>
      )}
    </div>
  );
}

const SEARCH_MODE_LABELS: [SearchMode, string, string][] = [
  ['hybrid', 'Hybrid', 'Keywords and meaning together (best for most searches)'],
  ['keyword', 'Keyword', 'Only documents containing every word'],
  ['semantic', 'Meaning', 'Documents about what you describe, even in other words'],
];

/** The best passage of a hit, with the query's words marked (ranges from the search, never markup in the text). */
function Snippet({ text, highlights }: { text: string; highlights: SearchHighlight[] }) {
  const parts: ReactNode[] = [];
  let at = 0;
  highlights.forEach((h, i) => {
    if (h.start < at || h.end > text.length) return;
    if (h.start > at) parts.push(text.slice(at, h.start));
    parts.push(<mark key={i}>{text.slice(h.start, h.end)}</mark>);
    at = h.end;
  });
  parts.push(text.slice(at));
  return <div className="snippet">{parts}</div>;
}

/**
 * "Open original" / "Show in folder" through the service, which checks the path is the document's
 * and inside the folders Intake may read. Browser mode cannot reach this computer's desktop: it
 * downloads the original through the page instead, and says so.
 */
function OriginalActions({ id, path }: { id: number; path: string }) {
  const browser = useIsBrowserMode();
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => setNote(null), [id]);

  const open = async (how: 'open' | 'reveal') => {
    try {
      await call('documents.open', { id, how });
    } catch (e) {
      toastError(e, how === 'open' ? 'Could not open the original' : 'Could not show it in its folder');
    }
  };
  const download = async () => {
    try {
      const file = await call('documents.original', { id });
      const bytes = Uint8Array.from(atob(file.dataBase64), (c) => c.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: file.mimeType }));
      const a = document.createElement('a');
      a.href = url;
      a.download = file.filename;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setNote(file.changedSinceIngest ? `Downloaded ${file.filename}. It has changed since it was ingested: the library holds the older text.` : `Downloaded ${file.filename}.`);
    } catch (e) {
      toastError(e, 'Could not download the original');
    }
  };

  return (
    <div className="original-actions">
      <div className="detail-actions">
        {browser ? (
          <button type="button" className="btn" onClick={() => void download()}>
            Download original
          </button>
        ) : (
          <>
            <button type="button" className="btn" onClick={() => void open('open')}>
              Open original
            </button>
            <button type="button" className="btn" onClick={() => void open('reveal')}>
              Show in folder
            </button>
          </>
        )}
      </div>
      {browser && (
        <p className="muted small">
          Browser mode cannot open files on this computer’s desktop: “Download original” saves a copy of <code className="break">{path}</code> through this page.
        </p>
      )}
      {note && (
        <p className="small" role="status">
          {note}
        </p>
      )}
    </div>
  );
}
