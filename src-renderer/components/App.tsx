import { useEffect } from 'react';
import { useDesk, useDeskStore, useT } from '../store/context';
import { CallCard } from './CallCard';
import { Inbox } from './Inbox';
import { OverrideDialog } from './OverrideDialog';
import { SettingsDialog } from './SettingsDialog';
import { StatsPanel } from './StatsPanel';
import { StatusBar, StorageAlert } from './StatusBar';
import { TransferList } from './TransferList';
import { useShortcuts } from './shortcuts';

export function App() {
  const store = useDeskStore();
  const t = useT();
  const loaded = useDesk((s) => s.desk !== null);
  const locale = useDesk((s) => s.desk?.locale ?? 'zh-CN');
  const dialog = useDesk((s) => s.dialog);
  const connection = useDesk((s) => s.connection);
  useShortcuts(store);
  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = t('app.title');
  }, [locale, t]);

  if (!loaded) {
    return (
      <div className="loading" role="status">
        {t(connection === 'closed' ? 'connection.closed' : 'app.loading')}
      </div>
    );
  }
  return (
    <div className="desk">
      <StatusBar />
      <StorageAlert />
      <main className="desk-main">
        <CallCard />
        <aside className="side">
          <TransferList />
          <Inbox />
          <StatsPanel />
        </aside>
      </main>
      {dialog === 'override' && <OverrideDialog />}
      {dialog === 'settings' && <SettingsDialog />}
    </div>
  );
}
