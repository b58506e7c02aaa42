import { useState } from 'react';
import { DESTINATION_KINDS, type DestinationKind } from '../../../src-shared/settings.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useActions, useApp, useBridge } from '../../state/app-context.tsx';
import { AppMark, DestinationIcon } from '../common/icons.tsx';
import { ErrorText } from '../common/messages.tsx';
import { useAsyncAction } from '../common/use-async-action.ts';
import { CloudConnect } from '../destinations/cloud-connect.tsx';
import { ConnectionStatus } from '../destinations/connection-status.tsx';
import { DriveScopeChoice } from '../destinations/drive-scope-choice.tsx';
import { StorageApiForm } from '../destinations/storage-api-form.tsx';
import { LocalFolderField } from '../folders/local-folder-field.tsx';
import { RemoteFolderPanel } from '../folders/remote-folder-panel.tsx';

const STEPS = ['folder', 'destination', 'remote', 'done'] as const;
type Step = (typeof STEPS)[number];

/** From nothing to uploading: the recordings folder, a connected destination, its folder, done. */
export function FirstRun() {
  const { t } = useI18n();
  const { closeFirstRun } = useActions();
  const [step, setStep] = useState<Step>('folder');
  const ready = useStepReady(step);
  const at = STEPS.indexOf(step);
  const go = (index: number) => setStep(STEPS[index] ?? 'done');
  return (
    <div className="first-run">
      <main className="wizard" aria-labelledby="wizard-title">
        <header className="wizard-head">
          <AppMark />
          <div>
            <h1 id="wizard-title">{t('setup.title')}</h1>
            <p className="muted">{t('setup.lead')}</p>
          </div>
        </header>
        <ol className="steps" aria-label={t('setup.progress')}>
          {STEPS.map((name, index) => (
            <li
              key={name}
              className={index < at ? 'step is-done' : index === at ? 'step is-current' : 'step'}
              aria-current={index === at ? 'step' : undefined}
            >
              <span className="step-number" aria-hidden="true">
                {index + 1}
              </span>
              <span className="step-name">{t(`setup.step.${name}`)}</span>
            </li>
          ))}
        </ol>
        <section className="wizard-body" aria-labelledby="step-title">
          <h2 id="step-title">{t(`setup.title.${step}`)}</h2>
          {step === 'folder' && <FolderStep />}
          {step === 'destination' && <DestinationStep />}
          {step === 'remote' && <RemoteFolderPanel />}
          {step === 'done' && <DoneStep />}
        </section>
        <footer className="wizard-foot">
          {step !== 'done' && (
            <button type="button" className="btn btn-quiet" onClick={closeFirstRun}>
              {t('setup.skip')}
            </button>
          )}
          <span className="spacer" />
          {at > 0 && (
            <button type="button" className="btn" onClick={() => go(at - 1)}>
              {t('setup.back')}
            </button>
          )}
          {step === 'done' ? (
            <button type="button" className="btn btn-primary" onClick={closeFirstRun}>
              {t('setup.finish')}
            </button>
          ) : (
            <button type="button" className="btn btn-primary" disabled={!ready} onClick={() => go(at + 1)}>
              {t('setup.next')}
            </button>
          )}
        </footer>
      </main>
    </div>
  );
}

/** Whether a step's part is done, from the core's state, so "Next" never runs ahead of it. */
function useStepReady(step: Step): boolean {
  return useApp((state) => {
    const settings = state.settings;
    if (settings === null) return false;
    const kind = settings.activeDestination;
    switch (step) {
      case 'folder':
        return settings.recordingsFolder !== '';
      case 'destination':
        return state.connections[kind]?.state === 'connected';
      case 'remote':
        if (kind === 'onedrive') return settings.oneDriveFolder !== null;
        if (kind === 'gdrive') return settings.googleDriveFolder !== null;
        return true;
      case 'done':
        return true;
    }
  });
}

function FolderStep() {
  const { t } = useI18n();
  return (
    <>
      <p className="lead">{t('setup.folderLead')}</p>
      <LocalFolderField />
    </>
  );
}

function DestinationStep() {
  const { t } = useI18n();
  const bridge = useBridge();
  const { settingsSaved } = useActions();
  const active = useApp((state) => state.settings?.activeDestination ?? 'storage-api');
  const connections = useApp((state) => state.connections);
  const choose = useAsyncAction(async (kind: DestinationKind) => {
    settingsSaved(await bridge.invoke('updateSettings', { activeDestination: kind }));
  });
  return (
    <>
      <p className="lead">{t('setup.destinationLead')}</p>
      <fieldset className="destination-choice">
        <legend className="visually-hidden">{t('setup.step.destination')}</legend>
        {DESTINATION_KINDS.map((kind) => (
          <label key={kind} className={`destination-option${active === kind ? ' is-checked' : ''}`}>
            <span className="destination-option-head">
              <input
                type="radio"
                name="destination"
                value={kind}
                checked={active === kind}
                disabled={connections[kind] === undefined || choose.busy}
                onChange={() => choose.run(kind)}
              />
              <DestinationIcon kind={kind} />
              <span className="choice-title">{t(`destination.${kind}`)}</span>
            </span>
            <span className="help">
              {connections[kind] === undefined ? t('connection.unavailable') : t(`setup.about.${kind}`)}
            </span>
          </label>
        ))}
      </fieldset>
      <ErrorText>{choose.error}</ErrorText>
      <div className="card card-inset">
        <ConnectionStatus kind={active} connection={connections[active]} />
        {active === 'storage-api' ? (
          <StorageApiForm key="storage-api" />
        ) : (
          <>
            {active === 'gdrive' && <DriveScopeChoice />}
            <CloudConnect key={active} kind={active} />
          </>
        )}
      </div>
    </>
  );
}

function DoneStep() {
  const { t } = useI18n();
  const settings = useApp((state) => state.settings);
  if (settings === null) return null;
  const kind = settings.activeDestination;
  const folder =
    kind === 'onedrive' ? settings.oneDriveFolder : kind === 'gdrive' ? settings.googleDriveFolder : null;
  return (
    <>
      <p className="lead">{t('setup.doneLead')}</p>
      <dl className="summary">
        <dt>{t('setup.summary.watching')}</dt>
        <dd>{settings.recordingsFolder}</dd>
        <dt>{t('setup.summary.destination')}</dt>
        <dd>{t(`destination.${kind}`)}</dd>
        {folder !== null && (
          <>
            <dt>{t('setup.summary.folder')}</dt>
            <dd>{folder.path}</dd>
          </>
        )}
      </dl>
    </>
  );
}
