import { formatMoment } from '../../../src-shared/format-units.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useApp } from '../../state/app-context.tsx';
import { ErrorText } from '../common/messages.tsx';
import { PAUSE_LENGTHS, usePauseCommands, usePauseLocked } from '../shell/use-pause.ts';

/** The uploadsPaused and pausedUntil settings, as the operator thinks of them: pause for how long. */
export function PausePanel() {
  const { t, locale } = useI18n();
  const paused = useApp((state) => state.paused);
  const until = useApp((state) => state.settings?.pausedUntil ?? null);
  const { pause, resume } = usePauseCommands();
  const locked = usePauseLocked();
  const state = !paused
    ? t('settings.running')
    : until === null
      ? t('status.paused')
      : t('status.pausedUntil', { time: formatMoment(until, locale, Date.now()) });
  return (
    <div className="field">
      <p className="pause-state">
        <span className={`status-dot ${paused ? 'dot-calm' : 'dot-good'}`} aria-hidden="true" /> {state}
      </p>
      <div className="actions">
        {PAUSE_LENGTHS.map((length) => (
          <button
            key={length}
            type="button"
            className="btn"
            disabled={pause.busy || locked}
            onClick={() => pause.run(length)}
          >
            {t(`pause.button.${length}`)}
          </button>
        ))}
        {paused && (
          <button
            type="button"
            className="btn btn-primary"
            disabled={resume.busy || locked}
            onClick={() => resume.run()}
          >
            {t('pause.resume')}
          </button>
        )}
      </div>
      <p className="help">{t('setting.uploadsPaused.help')}</p>
      {locked && <p className="help managed">{t('policy.managed')}</p>}
      <ErrorText>{pause.error ?? resume.error}</ErrorText>
    </div>
  );
}
