import type { UnsupportedFile } from '../../../shared/domain';
import { count } from '../format';
import { Dialog } from './Dialog';

/** The unsupported count, as a button that opens the list of those files (Preflight and Summary). */
export function UnsupportedCount({ n, files, onOpen }: { n: number; files: UnsupportedFile[]; onOpen(list: { files: UnsupportedFile[]; total: number }): void }) {
  if (n === 0 || files.length === 0) return <>{count(n)}</>;
  return (
    <button type="button" className="link-button" aria-label={`${count(n)} unsupported: show them`} onClick={() => onOpen({ files, total: n })}>
      {count(n)}
    </button>
  );
}

/** Which files were left out because Intake does not read their type. */
export function UnsupportedDialog({ files, total, onClose }: { files: UnsupportedFile[]; total: number; onClose(): void }) {
  const byExt = new Map<string, number>();
  for (const f of files) byExt.set(f.ext || '(none)', (byExt.get(f.ext || '(none)') ?? 0) + 1);
  return (
    <Dialog
      title={`Unsupported files (${count(total)})`}
      onClose={onClose}
      wide
      actions={
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      }
    >
      <p className="muted">
        Intake reads PDF, Word (.docx), text and image files. These were left out:{' '}
        {[...byExt.entries()].map(([ext, n]) => `${ext} × ${n}`).join(', ')}.
      </p>
      <div className="table-scroll unsupported-list">
        <table className="table" aria-label="Unsupported files">
          <thead>
            <tr>
              <th scope="col">Path</th>
              <th scope="col">Extension</th>
            </tr>
          </thead>
          <tbody>
            {files.map((f) => (
              <tr key={f.path}>
                <td className="break">
                  <code>{f.path}</code>
                </td>
                <td>{f.ext || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {total > files.length && <p className="muted">The first {count(files.length)} are listed.</p>}
    </Dialog>
  );
}
