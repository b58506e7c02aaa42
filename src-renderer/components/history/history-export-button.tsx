import { useState } from 'react';
import type { HistoryPeriod } from '../../../src-shared/history.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useBridge } from '../../state/app-context.tsx';

/** Downloads the period's report, the same CSV `report --format csv` writes, in the desktop app and a browser alike. */
export function HistoryExportButton(props: { period: HistoryPeriod }) {
  const { t } = useI18n();
  const bridge = useBridge();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onExport = async () => {
    setBusy(true);
    setError(null);
    try {
      const { fileName, csv } = await bridge.invoke('exportHistory', { days: props.period });
      download(fileName, new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    } catch (reason) {
      setError(reason instanceof Error ? reason.message : String(reason));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="btn" disabled={busy} onClick={onExport}>
        {t('history.export')}
      </button>
      {error !== null && (
        <span className="error-text" role="alert">
          {t('history.exportFailed', { reason: error })}
        </span>
      )}
    </>
  );
}

function download(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has handed the blob to the download; the address is not needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
