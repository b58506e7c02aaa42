import { useState } from 'react';
import { DESTINATION_KINDS, type DestinationKind } from '../../../src-shared/settings.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import type { Translate } from '../../i18n/translate.ts';
import { useActions, useApp, useBridge } from '../../state/app-context.tsx';
import { type SetupStep, setupSteps } from '../../state/first-run.ts';
import { AppMark, DestinationIcon } from '../common/icons.tsx';
import { ErrorText } from '../common/messages.tsx';
import { useAsyncAction } from '../common/use-async-action.ts';
import { CloudConnect } from '../destinations/cloud-connect.tsx';
import { ConnectionStatus } from '../destinations/connection-status.tsx';
import { DriveScopeChoice } from '../destinations/drive-scope-choice.tsx';
import { StorageApiForm } from '../destinations/storage-api-form.tsx';
import { LocalFolderField } from '../folders/local-folder-field.tsx';
import { RemoteFolderPanel } from '../folders/remote-folder-panel.tsx';

type Step = SetupStep | 'done';

/**
 * From nothing to uploading: the recordings folder, a connected destination, its folder where it
 * has one, then a summary. The steps shown, the lead's count and Next follow the destination chosen.
 */
export function FirstRun() {
  const { t } = useI18n();
  const { closeFirstRun } = useActions();
  const kind = useApp((state) => state.settings?.activeDestination ?? 'storage-api');
  const steps = setupSteps(kind);
  const [step, setStep] = useState<Step>('folder');
  // Something typed in the step and not yet saved: Next waits, the step's own button is the one.
  const [pending, setPending] = useState(false);
  const ready = useStepReady(step) && !pending;
  const order: readonly Step[] = [...steps, 'done'];
  const at = order.indexOf(step);
  const go = (index: number) => setStep(order[index] ?? 'done');
  return (
    <div className="first-run">
      <main className="wizard" aria-labelledby="wizard-title">
        <header className="wizard-head">
          <AppMark />
          <div>
            <h1 id="wizard-title">{t('setup.title')}</h1>
            <p className="muted">{steps.length === 2 ? t('setup.lead.two') : t('setup.lead.three')}</p>
          </div>
        </header>
        <ol className="steps" aria-label={t('setup.progress')}>
          {steps.map((name, index) => (
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
          {step === 'folder' && <FolderStep onPendingChange={setPending} />}
          {step === 'destination' && <DestinationStep onPendingChange={setPending} />}
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
            // The step's own action is the obvious button until its part is done; then Next is.
            <button
              type="button"
              className={ready ? 'btn btn-primary' : 'btn'}
              disabled={!ready}
              onClick={() => go(at + 1)}
            >
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

function FolderStep(props: { onPendingChange: (pending: boolean) => void }) {
  const { t } = useI18n();
  return (
    <>
      <p className="lead">{t('setup.folderLead')}</p>
      <LocalFolderField onPendingChange={props.onPendingChange} />
    </>
  );
}

function DestinationStep(props: { onPendingChange: (pending: boolean) => void }) {
  const { t } = useI18n();
  const bridge = useBridge();
  const { settingsSaved } = useActions();
  const active = useApp((state) => state.settings?.activeDestination ?? 'storage-api');
  const connections = useApp((state) => state.connections);
  const policy = useApp((state) => state.policy);
  const locked = policy.locked.includes('activeDestination');
  const choose = useAsyncAction(async (kind: DestinationKind) => {
    settingsSaved(await bridge.invoke('updateSettings', { activeDestination: kind }));
  });
  const offered = (kind: DestinationKind) =>
    connections[kind] !== undefined && policy.allowedDestinations.includes(kind);
  return (
    <>
      <p className="lead">{t('setup.destinationLead')}</p>
      <fieldset className="destination-choice" aria-describedby={locked ? 'destination-managed' : undefined}>
        <legend className="visually-hidden">{t('setup.step.destination')}</legend>
        {DESTINATION_KINDS.map((kind) => (
          <label key={kind} className={`destination-option${active === kind ? ' is-checked' : ''}`}>
            <span className="destination-option-head">
              <input
                type="radio"
                name="destination"
                value={kind}
                checked={active === kind}
                disabled={!offered(kind) || (locked && active !== kind) || choose.busy}
                aria-describedby={`destination-about-${kind}`}
                onChange={() => choose.run(kind)}
              />
              <DestinationIcon kind={kind} />
              <span className="choice-title">{t(`destination.${kind}`)}</span>
            </span>
            {/* Described by, not named by: the radio's name is the destination's alone. */}
            <span className="help" id={`destination-about-${kind}`} aria-hidden="true">
              {aboutDestination(t, kind, connections[kind] !== undefined, policy.allowedDestinations)}
            </span>
          </label>
        ))}
        {locked && (
          <p className="help managed" id="destination-managed">
            {t('policy.managed')}
          </p>
        )}
      </fieldset>
      <ErrorText>{choose.error}</ErrorText>
      <div className="card card-inset">
        <ConnectionStatus kind={active} connection={connections[active]} />
        {active === 'storage-api' ? (
          <StorageApiForm key="storage-api" onPendingChange={props.onPendingChange} />
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

/** What a destination is, or why it cannot be chosen here. */
function aboutDestination(
  t: Translate,
  kind: DestinationKind,
  available: boolean,
  allowed: readonly DestinationKind[],
): string {
  if (!allowed.includes(kind)) return t('policy.destinationNotAllowed');
  return available ? t(`setup.about.${kind}`) : t('connection.unavailable');
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
