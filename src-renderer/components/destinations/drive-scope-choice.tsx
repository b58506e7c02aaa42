import { useId, useState } from 'react';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useActions, useApp, useBridge } from '../../state/app-context.tsx';
import { ErrorText, Notice } from '../common/messages.tsx';
import { useAsyncAction } from '../common/use-async-action.ts';

const SCOPES = ['drive.file', 'drive'] as const;

/**
 * What Drive lets the app see, with what each choice means: for the folders the operator can pick,
 * for Google's review of the company's app, and that a switch needs a new sign-in.
 */
export function DriveScopeChoice() {
  const { t } = useI18n();
  const bridge = useBridge();
  const { settingsSaved } = useActions();
  const scope = useApp((state) => state.settings?.googleDriveScope ?? 'drive.file');
  const signedIn = useApp((state) => {
    const connection = state.connections.gdrive;
    return connection !== undefined && connection.label !== null;
  });
  const locked = useApp((state) => state.policy.locked.includes('googleDriveScope'));
  const [changed, setChanged] = useState(false);
  const name = useId();
  const save = useAsyncAction(async (next: (typeof SCOPES)[number]) => {
    settingsSaved(await bridge.invoke('updateSettings', { googleDriveScope: next }));
    setChanged(true);
  });
  return (
    <fieldset className="choice-group">
      <legend>{t('drive.scope')}</legend>
      {SCOPES.map((value) => (
        <label key={value} className="choice">
          <input
            type="radio"
            name={name}
            value={value}
            checked={scope === value}
            disabled={save.busy || locked}
            onChange={() => save.run(value)}
          />
          <span className="choice-text">
            <span className="choice-title">{t(`option.googleDriveScope.${value}`)}</span>
            <span className="help">{t(`drive.scopeHelp.${value}`)}</span>
          </span>
        </label>
      ))}
      <p className="help">{t('drive.scopeSwitch')}</p>
      {locked && <p className="help managed">{t('policy.managed')}</p>}
      {changed && signedIn && <Notice tone="info">{t('drive.reconnectToApply')}</Notice>}
      <ErrorText>{save.error}</ErrorText>
    </fieldset>
  );
}
