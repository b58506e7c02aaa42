import electronUpdater from 'electron-updater';
import { CHECK_INTERVAL_MS, offerRelease, type UpdatePlan } from '../core/updates/update-plan.ts';

/**
 * electron-updater, driven by the plan (src-main/core/updates/update-plan.ts decides everything):
 * the company's generic feed, nothing downloaded before the plan says the release is offered, and
 * an install only at quit, from a feed the administrator gave, never over a per-machine install.
 */
export function startUpdates(
  plan: UpdatePlan,
  onAvailable: (version: string, because: 'per-machine' | 'feed-from-settings') => void,
  onProblem: (reason: string) => void,
): () => void {
  if (!plan.enabled) return () => {};
  const { autoUpdater } = electronUpdater;
  autoUpdater.setFeedURL({ provider: 'generic', url: plan.feedUrl });
  autoUpdater.autoDownload = false;
  autoUpdater.autoInstallOnAppQuit = plan.installOnQuit;
  autoUpdater.allowDowngrade = false;
  autoUpdater.on('update-available', (info) => {
    const offer = offerRelease(plan, { releaseDate: info.releaseDate ?? null }, Date.now());
    if (offer === 'install-on-quit')
      void autoUpdater.downloadUpdate().catch((e: unknown) => onProblem(String(e)));
    else if (offer === 'tell-the-operator' && plan.notInstalledBecause !== null)
      onAvailable(info.version, plan.notInstalledBecause);
  });
  autoUpdater.on('error', (error) => onProblem(error.message));
  const check = (): void => void autoUpdater.checkForUpdates().catch((e: unknown) => onProblem(String(e)));
  check();
  const timer = setInterval(check, CHECK_INTERVAL_MS);
  return () => clearInterval(timer);
}
