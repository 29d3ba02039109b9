import type { ReactNode } from 'react';
import { classHint, classLabel, dateTime, relativeTime } from '../format';

/** "5 min ago", with the absolute local time on hover and for assistive tech. */
export function Time({ ts }: { ts: number | null | undefined }) {
  if (ts === null || ts === undefined) return <span>—</span>;
  const abs = dateTime(ts);
  return (
    <time dateTime={new Date(ts > 1e11 ? ts : ts * 1000).toISOString()} title={abs}>
      {relativeTime(ts)}
    </time>
  );
}

/** Relative and absolute together, for detail panes. */
export function TimeFull({ ts }: { ts: number | null | undefined }) {
  if (ts === null || ts === undefined) return <span>—</span>;
  return (
    <span>
      {dateTime(ts)} <span className="muted">({relativeTime(ts)})</span>
    </span>
  );
}

export function Spinner({ label = 'Working…' }: { label?: string }) {
  return <span className="spinner" role="status" aria-label={label} />;
}

export type BadgeTone = 'neutral' | 'info' | 'warn' | 'danger' | 'ok';

export function Badge({ tone = 'neutral', title, children }: { tone?: BadgeTone; title?: string; children: ReactNode }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

const CLASS_TONE: Record<string, BadgeTone> = { transient: 'info', input: 'danger', content: 'warn', config: 'warn' };

export function ClassBadge({ failureClass }: { failureClass: string }) {
  return (
    <Badge tone={CLASS_TONE[failureClass] ?? 'neutral'} title={classHint(failureClass)}>
      {classLabel(failureClass)}
    </Badge>
  );
}

export function EligibleBadge({ reason }: { reason: string | null }) {
  if (!reason) return null;
  return (
    <Badge tone="ok" title={`${reason} since it failed, so a retry may work. A plain run still skips it until it is reset.`}>
      Eligible for retry
    </Badge>
  );
}

/**
 * A name cut in the middle when it does not fit, so the end (extension, number) stays
 * readable: "quarterly-rep…2024-03.pdf". The full name is on hover.
 */
export function MiddleEllipsis({ text, tail = 12, className }: { text: string; tail?: number; className?: string }) {
  const cut = text.length > tail + 4 ? text.length - tail : text.length;
  return (
    <span className={`mid-ellipsis${className ? ` ${className}` : ''}`} title={text}>
      <span className="mid-ellipsis-head">{text.slice(0, cut)}</span>
      {cut < text.length && <span className="mid-ellipsis-tail">{text.slice(cut)}</span>}
    </span>
  );
}

/** What to do next when a list has nothing in it. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children && <div className="empty-body">{children}</div>}
    </div>
  );
}

export function Card({ title, actions, children, className }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`card${className ? ` ${className}` : ''}`} aria-label={typeof title === 'string' ? title : undefined}>
      {(title || actions) && (
        <header className="card-header">
          {title && <h2 className="card-title">{title}</h2>}
          {actions && <div className="card-actions">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}
