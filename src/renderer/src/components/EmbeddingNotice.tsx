/**
 * The library's vectors against today's model, above the Documents list: background embedding
 * in progress, documents eligible for re-embedding (another model), chunks that failed — with
 * the Re-embed library action. Nothing shows when every chunk is embedded with today's model.
 */
import { useEffect, useState } from 'react';
import type { EmbeddingStatus } from '../../../shared/domain';
import { call, subscribe } from '../api';
import { toastError } from '../stores/toasts';
import { count } from '../format';

export function EmbeddingNotice() {
  const [status, setStatus] = useState<EmbeddingStatus | null>(null);
  const [starting, setStarting] = useState(false);

  useEffect(() => {
    let live = true;
    call('library.embedding', {}).then(
      (s) => live && setStatus(s),
      () => undefined,
    );
    const off = subscribe('embed.progress', (s) => setStatus(s));
    return () => {
      live = false;
      off();
    };
  }, []);

  if (!status || status.chunks === 0) return null;
  const reembed = async () => {
    setStarting(true);
    try {
      setStatus(await call('library.reembed', {}));
    } catch (e) {
      toastError(e, 'Could not start re-embedding');
    } finally {
      setStarting(false);
    }
  };

  if (status.running || status.pending > 0) {
    const pct = status.chunks ? Math.floor((status.current / status.chunks) * 100) : 0;
    return (
      <div className="notice notice-info embed-notice" role="status">
        <span>
          Embedding for meaning search: {count(status.current)} of {count(status.chunks)} passages ({pct} %). Keyword search already finds everything.
        </span>
        <progress max={status.chunks} value={status.current} aria-label="Embedding progress" />
      </div>
    );
  }
  if (status.outdated > 0) {
    return (
      <div className="notice notice-warn embed-notice" role="status">
        <span>
          {count(status.outdatedDocuments)} {status.outdatedDocuments === 1 ? 'document is' : 'documents are'} eligible for re-embedding: embedded with an older model, so search by meaning
          skips them (keywords still work). Re-embedding recomputes only the vectors with {status.model}: no OCR, no new classification.
        </span>
        <button type="button" className="btn btn-small" disabled={starting} onClick={() => void reembed()}>
          Re-embed library
        </button>
      </div>
    );
  }
  if (status.failed > 0) {
    return (
      <div className="notice notice-error embed-notice" role="status">
        <span>
          {count(status.failed)} {status.failed === 1 ? 'passage' : 'passages'} could not be embedded{status.lastError ? ` (${status.lastError})` : ''}: search by meaning skips them.
        </span>
        <button type="button" className="btn btn-small" disabled={starting} onClick={() => void reembed()}>
          Try again
        </button>
      </div>
    );
  }
  return null;
}
