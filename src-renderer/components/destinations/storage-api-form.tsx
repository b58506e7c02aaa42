import { type FormEvent, useEffect, useId, useState } from 'react';
import type { ConnectionView } from '../../../src-shared/bridge-contract.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useActions, useApp, useBridge } from '../../state/app-context.tsx';
import { parseField } from '../../state/settings-form.ts';
import { ErrorText, Notice } from '../common/messages.tsx';
import { useAsyncAction } from '../common/use-async-action.ts';
import { usePending } from '../common/use-pending.ts';
import { useIssueText } from '../settings/issue-text.ts';

/**
 * The storage API's address and token. The token field is write-only: a stored token is never
 * read back, the field only replaces it. "Test connection" saves what changed, then asks the API.
 */
export function StorageApiForm(props: { onPendingChange?: (pending: boolean) => void }) {
  const { t } = useI18n();
  const issueText = useIssueText();
  const bridge = useBridge();
  const { settingsSaved, connectionChanged } = useActions();
  const savedUrl = useApp((state) => state.settings?.storageApiBaseUrl ?? '');
  const connection = useApp((state) => state.connections['storage-api']);
  const urlLocked = useApp((state) => state.policy.locked.includes('storageApiBaseUrl'));
  const [url, setUrl] = useState(savedUrl);
  const [token, setToken] = useState('');
  const [urlProblem, setUrlProblem] = useState<string | null>(null);
  const [tested, setTested] = useState<ConnectionView | null>(null);
  const urlId = useId();
  // The field follows the saved address (a save of its own writes it back as the core stored it).
  useEffect(() => setUrl(savedUrl), [savedUrl]);
  const tokenId = useId();

  const test = useAsyncAction(async () => {
    setTested(null);
    const parsed = parseField('storageApiBaseUrl', url);
    if (!parsed.ok || parsed.value === '') {
      setUrlProblem(issueText(parsed.ok ? { code: 'required' } : parsed.issue));
      return;
    }
    setUrlProblem(null);
    if (parsed.value !== savedUrl) {
      settingsSaved(await bridge.invoke('updateSettings', { storageApiBaseUrl: parsed.value as string }));
    }
    if (token.trim() !== '') {
      connectionChanged(await bridge.invoke('setStorageApiToken', { token }));
      setToken('');
    }
    const view = await bridge.invoke('testConnection', { destination: 'storage-api' });
    connectionChanged(view);
    setTested(view);
  });
  const forget = useAsyncAction(async () => {
    setTested(null);
    connectionChanged(await bridge.invoke('disconnect', { destination: 'storage-api' }));
  });

  // Typed and not yet tested: an address other than the saved one, or a token to store.
  const pending = (!urlLocked && url.trim() !== savedUrl) || token.trim() !== '';
  usePending(pending, props.onPendingChange);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void test.run();
  };
  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      <div className="field">
        <label htmlFor={urlId}>{t('storage.url')}</label>
        <input
          id={urlId}
          type="url"
          inputMode="url"
          spellCheck={false}
          autoComplete="url"
          placeholder="https://storage.example.com/api"
          value={urlLocked ? savedUrl : url}
          readOnly={urlLocked}
          aria-invalid={urlProblem !== null}
          aria-describedby={`${urlId}-help`}
          onChange={(event) => setUrl(event.target.value)}
        />
        <p className="help" id={`${urlId}-help`}>
          {urlLocked ? t('policy.managed') : t('storage.urlHelp')}
        </p>
        <ErrorText>{urlProblem}</ErrorText>
      </div>
      <div className="field">
        <label htmlFor={tokenId}>{t('storage.token')}</label>
        <input
          id={tokenId}
          data-focus="storage-api-token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder={t('storage.tokenPlaceholder')}
          value={token}
          aria-describedby={`${tokenId}-help`}
          onChange={(event) => setToken(event.target.value)}
        />
        <p className="help" id={`${tokenId}-help`}>
          {t('storage.tokenHelp')}
        </p>
      </div>
      <div className="actions">
        {/* The obvious button until the API accepted a token, or while something new is typed. */}
        <button
          type="submit"
          className={connection?.state === 'connected' && !pending ? 'btn' : 'btn btn-primary'}
          disabled={test.busy}
        >
          {test.busy ? t('storage.testing') : t('storage.test')}
        </button>
        {connection !== undefined && connection.state !== 'not-configured' && (
          <button type="button" className="btn btn-quiet" disabled={forget.busy} onClick={() => forget.run()}>
            {t('storage.forget')}
          </button>
        )}
      </div>
      {tested?.state === 'connected' && (
        <Notice tone="success">
          <span role="status">{t('storage.works')}</span>
        </Notice>
      )}
      {tested !== null && tested.state !== 'connected' && (
        <ErrorText>{t('storage.failed', { reason: tested.detail ?? t('connection.error') })}</ErrorText>
      )}
      <ErrorText>{test.error ?? forget.error}</ErrorText>
    </form>
  );
}
