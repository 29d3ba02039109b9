import { useEffect } from 'react';
import { screenFromHash, useApp } from './stores/app';
import { useRun } from './stores/run';
import { toastError } from './stores/toasts';
import { attachWatchNotices } from './watch-notices';
import { Sidebar } from './components/Sidebar';
import { Toasts } from './components/Toasts';
import { IngestScreen } from './screens/IngestScreen';
import { FailedFilesScreen } from './screens/FailedFilesScreen';
import { DocumentsScreen } from './screens/DocumentsScreen';
import { DatabaseScreen } from './screens/DatabaseScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { WatchedScreen } from './screens/WatchedScreen';
import { CoverageScreen } from './screens/CoverageScreen';

export function App() {
  const screen = useApp((s) => s.screen);

  useEffect(() => {
    // Run events keep flowing whichever screen is showing; the inspector listens only while open.
    const releases = [useApp.getState().attach(), useRun.getState().attach(), attachWatchNotices()];
    useApp
      .getState()
      .load()
      .catch((e) => toastError(e, 'Could not reach the Intake service'));
    const onHash = () => useApp.setState({ screen: screenFromHash(location.hash) });
    window.addEventListener('hashchange', onHash);
    return () => {
      releases.forEach((r) => r());
      window.removeEventListener('hashchange', onHash);
    };
  }, []);

  return (
    <div className="app">
      <Sidebar />
      <main className="content" id="main">
        {screen === 'ingest' && <IngestScreen />}
        {screen === 'watched' && <WatchedScreen />}
        {screen === 'coverage' && <CoverageScreen />}
        {screen === 'failed' && <FailedFilesScreen />}
        {screen === 'documents' && <DocumentsScreen />}
        {screen === 'database' && <DatabaseScreen />}
        {screen === 'settings' && <SettingsScreen />}
      </main>
      <Toasts />
    </div>
  );
}
