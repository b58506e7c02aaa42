import { type KeyboardEvent, useRef, useState } from 'react';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useActions, useApp } from '../../state/app-context.tsx';
import { needsFirstRun } from '../../state/first-run.ts';
import { AppMark } from '../common/icons.tsx';
import { DestinationsView } from '../destinations/destinations-view.tsx';
import { FoldersView } from '../folders/folders-view.tsx';
import { HistoryView } from '../history/history-view.tsx';
import { QueueView } from '../queue/queue-view.tsx';
import { SettingsView } from '../settings/settings-view.tsx';
import { NavigationContext, TABS, type Tab } from './navigation.tsx';
import { PauseControl } from './pause-control.tsx';
import { ProblemBanner } from './problem-banner.tsx';
import { StatusLine } from './status-line.tsx';

export function AppShell() {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('queue');
  return (
    <NavigationContext value={setTab}>
      <div className="app">
        <header className="topbar">
          <div className="brand">
            <AppMark />
            <span className="brand-name">{t('app.name')}</span>
          </div>
          <StatusLine />
          <PauseControl />
        </header>
        <CoreBanner />
        <ProblemBanner />
        <SetupBanner />
        <TabBar tab={tab} onChange={setTab} />
        <main className="main" id={`panel-${tab}`} role="tabpanel" aria-labelledby={`tab-${tab}`}>
          {tab === 'queue' && <QueueView />}
          {tab === 'history' && <HistoryView />}
          {tab === 'destinations' && <DestinationsView />}
          {tab === 'folders' && <FoldersView />}
          {tab === 'settings' && <SettingsView />}
        </main>
      </div>
    </NavigationContext>
  );
}

/** Tabs as the ARIA pattern has them: one tab stop, arrow keys move between tabs. */
function TabBar(props: { tab: Tab; onChange(tab: Tab): void }) {
  const { t } = useI18n();
  const refs = useRef(new Map<Tab, HTMLButtonElement>());
  const onKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const at = TABS.indexOf(props.tab);
    const moves: Record<string, number> = {
      ArrowRight: at + 1,
      ArrowLeft: at - 1,
      Home: 0,
      End: TABS.length - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = TABS[(target + TABS.length) % TABS.length] ?? 'queue';
    props.onChange(next);
    refs.current.get(next)?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={t('nav.label')} onKeyDown={onKey}>
      {TABS.map((name) => (
        <button
          key={name}
          ref={(element) => {
            if (element !== null) refs.current.set(name, element);
          }}
          type="button"
          role="tab"
          id={`tab-${name}`}
          className="tab"
          aria-selected={props.tab === name}
          aria-controls={`panel-${name}`}
          tabIndex={props.tab === name ? 0 : -1}
          onClick={() => props.onChange(name)}
        >
          {t(`nav.${name}`)}
        </button>
      ))}
    </div>
  );
}

function CoreBanner() {
  const { t } = useI18n();
  const core = useApp((state) => state.core);
  if (core.state === 'running') return null;
  // The carrier says whether it can come back; the page promises only that.
  const [title, detail] =
    core.reconnect === 'no'
      ? (['core.gone', 'core.goneDetail'] as const)
      : core.reconnect === 'at-this-address'
        ? (['core.down', 'core.downAtAddress'] as const)
        : (['core.down', 'core.downDetail'] as const);
  return (
    <div className="banner banner-bad" role="alert">
      {/* The carrier's own detail is in English only: the operator reads their language. */}
      <strong>{t(title)}</strong> {t(detail)}
    </div>
  );
}

/** After a skipped set-up, the way back into it stays in sight until the basics are done. */
function SetupBanner() {
  const { t } = useI18n();
  const { openFirstRun } = useActions();
  // While set-up is the headline, the header says so with its own Finish set-up: one button, not two.
  const needed = useApp(
    (state) =>
      state.settings !== null &&
      needsFirstRun(state.settings, state.connections) &&
      state.health?.headline.kind !== 'set-up',
  );
  if (!needed) return null;
  return (
    <div className="banner banner-warn">
      <span>{t('setupBanner.text')}</span>
      <button type="button" className="btn btn-small btn-primary" onClick={openFirstRun}>
        {t('setupBanner.action')}
      </button>
    </div>
  );
}
