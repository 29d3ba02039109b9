import { useApp, type Screen } from '../stores/app';
import { count } from '../format';

const LINKS: { screen: Screen; label: string; icon: string }[] = [
  { screen: 'ingest', label: 'Ingest', icon: '⤓' },
  { screen: 'watched', label: 'Watched folders', icon: '◉' },
  { screen: 'coverage', label: 'Coverage', icon: '▦' },
  { screen: 'failed', label: 'Failed files', icon: '⚠' },
  { screen: 'documents', label: 'Documents', icon: '☰' },
  { screen: 'database', label: 'Database', icon: '⛁' },
  { screen: 'settings', label: 'Settings', icon: '⚙' },
];

export function Sidebar() {
  const screen = useApp((s) => s.screen);
  const navigate = useApp((s) => s.navigate);
  const failedCount = useApp((s) => s.failedCount);
  const info = useApp((s) => s.info);

  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          ▣
        </span>
        Intake
      </div>
      <ul className="nav-list">
        {LINKS.map((l) => {
          const isFailed = l.screen === 'failed';
          const showBadge = isFailed && failedCount !== null && failedCount > 0;
          return (
            <li key={l.screen}>
              <a
                href={`#/${l.screen}`}
                className={`nav-link${screen === l.screen ? ' active' : ''}`}
                aria-current={screen === l.screen ? 'page' : undefined}
                // The link's name stays exactly the label; the count is its description.
                aria-label={l.label}
                aria-describedby={showBadge ? 'failed-count-badge' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(l.screen);
                }}
              >
                <span className="nav-icon" aria-hidden="true">
                  {l.icon}
                </span>
                <span className="nav-label">{l.label}</span>
                {showBadge && (
                  <span id="failed-count-badge" className="nav-badge" data-testid="failed-count">
                    {count(failedCount)}
                    <span className="sr-only"> failed</span>
                  </span>
                )}
              </a>
            </li>
          );
        })}
      </ul>
      {info && (
        <div className="sidebar-foot muted" title={info.dbPath}>
          v{info.version}
          {info.mode === 'browser' ? ' · browser mode' : ''}
        </div>
      )}
    </nav>
  );
}
