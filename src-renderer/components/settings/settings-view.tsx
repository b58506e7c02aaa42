import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { BridgeError } from '../../../src-shared/bridge-client.ts';
import { RECORDINGS_FOLDER_REFUSED } from '../../../src-shared/bridge-contract.ts';
import type { PolicyView } from '../../../src-shared/policy.ts';
import { DESTINATION_KINDS, type Settings } from '../../../src-shared/settings.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useActions, useApp, useBridge } from '../../state/app-context.tsx';
import {
  changesOf,
  type FieldValue,
  FORM_FIELDS,
  FORM_SETTINGS,
  type FormSetting,
  fieldValueOf,
  isManaged,
  type SettingsSection,
} from '../../state/settings-form.ts';
import { ErrorText, Notice } from '../common/messages.tsx';
import { useAsyncAction } from '../common/use-async-action.ts';
import { useNavigate } from '../shell/navigation.tsx';
import { useIssueText } from './issue-text.ts';
import { PausePanel } from './pause-panel.tsx';
import { SettingField } from './setting-field.tsx';

type Edits = Partial<Record<FormSetting, FieldValue>>;

/** Sections an operator rarely opens: the company's app registrations and service addresses. */
const ADVANCED: readonly SettingsSection[] = ['oneDrive', 'googleDrive'];

export function SettingsView() {
  const settings = useApp((state) => state.settings);
  const policy = useApp((state) => state.policy);
  if (settings === null) return null;
  return <SettingsForm settings={settings} policy={policy} />;
}

function SettingsForm(props: { settings: Settings; policy: PolicyView }) {
  const { t } = useI18n();
  const issueText = useIssueText();
  const bridge = useBridge();
  const { settingsSaved } = useActions();
  const host = useApp((state) => state.host);
  const [edits, setEdits] = useState<Edits>({});
  const [saved, setSaved] = useState(false);
  const { patch, issues } = useMemo(() => changesOf(props.settings, edits), [props.settings, edits]);
  const invalid = Object.keys(issues).length > 0;
  const dirty = Object.keys(patch).length > 0 || invalid;

  // A refusal only the core can make (a folder missing on its machine), kept under its field.
  const [refused, setRefused] = useState<{ name: FormSetting; message: string } | null>(null);
  const save = useAsyncAction(async () => {
    try {
      settingsSaved(await bridge.invoke('updateSettings', patch));
    } catch (error) {
      if (!(error instanceof BridgeError) || error.code !== RECORDINGS_FOLDER_REFUSED) throw error;
      setRefused({ name: 'recordingsFolder', message: error.message });
      return;
    }
    setEdits({});
    setSaved(true);
  });
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (refused !== null) showFirstProblem(form.current);
  }, [refused]);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (invalid) showFirstProblem(form.current);
    else if (Object.keys(patch).length > 0) void save.run();
  };
  const field = (name: FormSetting) => (
    <SettingField
      key={name}
      name={name}
      value={edits[name] ?? fieldValueOf(name, props.settings)}
      locked={isManaged(name, props.policy)}
      refusedOptions={
        name === 'activeDestination'
          ? DESTINATION_KINDS.filter((kind) => !props.policy.allowedDestinations.includes(kind))
          : undefined
      }
      problem={
        issues[name] !== undefined ? issueText(issues[name]) : refused?.name === name ? refused.message : null
      }
      onChange={(value) => {
        setSaved(false);
        if (refused?.name === name) setRefused(null);
        setEdits({ ...edits, [name]: value });
      }}
    />
  );
  // A setting the host does not act on (start at login, updates: where no desktop app runs) is not offered.
  const applies = (name: (typeof FORM_SETTINGS)[number]) =>
    (name !== 'startAtLogin' || host.startAtLogin) && (name !== 'updateFeedUrl' || host.updates);
  const fieldsOf = (section: SettingsSection) =>
    FORM_SETTINGS.filter((name) => FORM_FIELDS[name].section === section && applies(name)).map(field);

  return (
    <section className="view view-settings" aria-labelledby="settings-title">
      <header className="view-head">
        <h1 id="settings-title">{t('settings.title')}</h1>
      </header>
      <section className="card" aria-labelledby="settings-pause">
        <h2 id="settings-pause">{t('settings.section.pause')}</h2>
        <PausePanel />
      </section>
      {props.policy.updatesManaged && <Notice tone="info">{t('policy.updatesManaged')}</Notice>}
      {props.policy.state === 'invalid' && (
        <Notice tone="warning">{t('policy.invalid', { problem: props.policy.problem ?? '' })}</Notice>
      )}
      <form ref={form} className="settings-form" onSubmit={onSubmit} noValidate>
        {(['general', 'recordings', 'uploads', 'storageApi'] as const).map((section) => (
          <fieldset key={section} className="card settings-section">
            <legend>{t(`settings.section.${section}`)}</legend>
            {fieldsOf(section)}
          </fieldset>
        ))}
        {ADVANCED.map((section) => (
          <details key={section} className="card settings-section advanced">
            <summary>{t(`settings.section.${section}`)}</summary>
            <RemoteFolderLine section={section} settings={props.settings} />
            {fieldsOf(section)}
          </details>
        ))}
        <div className={`save-bar${dirty ? ' is-dirty' : ''}`}>
          {/* Pressed with a field at fault, it takes the operator there rather than doing nothing. */}
          <button type="submit" className="btn btn-primary" disabled={!dirty || save.busy}>
            {t('settings.save')}
          </button>
          <button
            type="button"
            className="btn btn-quiet"
            disabled={!dirty || save.busy}
            onClick={() => {
              setEdits({});
              setRefused(null);
              save.clearError();
            }}
          >
            {t('settings.discard')}
          </button>
          {invalid && <span className="save-hint">{t('settings.fixProblems')}</span>}
          {saved && !dirty && (
            <Notice tone="success">
              <span role="status">{t('settings.saved')}</span>
            </Notice>
          )}
          <ErrorText>{save.error === null ? null : t('settings.refused', { reason: save.error })}</ErrorText>
        </div>
      </form>
    </section>
  );
}

/**
 * Brings the first field at fault into view and focus, opening the advanced section it sits in:
 * the operator who pressed Save lands on what stops it, however far down the form it is.
 */
function showFirstProblem(form: HTMLFormElement | null): void {
  const field = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
  if (field === null || field === undefined) return;
  const section = field.closest('details');
  if (section !== null) section.open = true;
  field.scrollIntoView({ block: 'center' });
  field.focus({ preventScroll: true });
}

/** The oneDriveFolder and googleDriveFolder settings: chosen in the folder browser, shown here. */
function RemoteFolderLine(props: { section: SettingsSection; settings: Settings }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const name = props.section === 'oneDrive' ? 'oneDriveFolder' : 'googleDriveFolder';
  const folder = props.settings[name];
  return (
    <div className="field">
      <span className="label">{t(`setting.${name}`)}</span>
      <div className="folder-line">
        <span>{folder === null ? t('destinations.noFolder') : folder.path}</span>
        <button type="button" className="btn btn-small btn-quiet" onClick={() => navigate('folders')}>
          {t('destinations.chooseFolder')}
        </button>
      </div>
      <p className="help">{t(`setting.${name}.help`)}</p>
    </div>
  );
}
