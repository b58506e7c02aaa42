import { useEffect } from 'react';
import { I18nProvider, useI18n } from '../i18n/i18n-context.tsx';
import { useActions, useApp } from '../state/app-context.tsx';
import { AppMark } from './common/icons.tsx';
import { ErrorText, Spinner } from './common/messages.tsx';
import { FirstRun } from './first-run/first-run.tsx';
import { AppShell } from './shell/app-shell.tsx';

export function App() {
  const language = useApp((state) => state.settings?.language ?? 'auto');
  return (
    <I18nProvider setting={language}>
      <Screens />
    </I18nProvider>
  );
}

function Screens() {
  const { t, language } = useI18n();
  const loaded = useApp((state) => state.loaded);
  const firstRun = useApp((state) => state.firstRun);
  useEffect(() => {
    document.documentElement.lang = language;
    document.title = t('app.name');
  }, [language, t]);
  if (!loaded) return <Connecting />;
  return firstRun === 'open' ? <FirstRun /> : <AppShell />;
}

function Connecting() {
  const { t } = useI18n();
  const loadError = useApp((state) => state.loadError);
  const { reload } = useActions();
  return (
    <div className="connecting">
      <AppMark />
      {loadError === null ? (
        <p>
          <Spinner /> {t('app.connecting')}
        </p>
      ) : (
        <>
          <ErrorText>{t('app.connectFailed', { reason: loadError })}</ErrorText>
          <button type="button" className="btn btn-primary" onClick={() => reload()}>
            {t('app.tryAgain')}
          </button>
        </>
      )}
    </div>
  );
}
