import type { ConnectionView } from '../../src-shared/bridge-contract.ts';
import { formatBytes, formatDuration, formatMoment } from '../../src-shared/format-units.ts';
import type { DestinationHealth, DiskHealth, QueueHealth, WatcherHealth } from '../../src-shared/health.ts';
import { countdown } from '../../src-shared/health-words.ts';
import { plainProblem, problemSentence } from '../../src-shared/problem-words.ts';
import type { Settings } from '../../src-shared/settings.ts';

const LOCALE = 'en-US';
const UNITS = { hours: 'h', minutes: 'min', seconds: 's' };

/** Where uploads go, as `run` and `status` name it. */
export function destinationLabel(settings: Settings): string {
  switch (settings.activeDestination) {
    case 'storage-api':
      return settings.storageApiBaseUrl || '(no storage API URL set)';
    case 'gdrive':
      return `Google Drive ${settings.googleDriveFolder?.path ?? '(the app folder, made at first upload)'}`;
    case 'onedrive':
      return `OneDrive ${settings.oneDriveFolder?.path ?? '(no folder chosen)'}`;
  }
}

const NAMES: Record<Settings['activeDestination'], string> = {
  'storage-api': 'the storage API',
  onedrive: 'OneDrive',
  gdrive: 'Google Drive',
};

/** The recordings folder and whether it is watched, since when. */
export function folderLine(watcher: WatcherHealth, running: boolean, now: number): string {
  const since = watcher.since === null ? '' : ` since ${formatMoment(watcher.since, LOCALE, now)}`;
  switch (watcher.state) {
    case 'not-configured':
      return 'Folder: none chosen — nothing is watched';
    case 'watching':
      return running
        ? `Folder: ${watcher.path} — watched${since}`
        : `Folder: ${watcher.path} — there, but not watched while the uploader is not running`;
    case 'folder-missing':
      return `Folder: ${watcher.path} — missing${since} (${watcher.detail ?? 'it does not exist'}); nothing is watched`;
    case 'unreadable':
      return `Folder: ${watcher.path} — cannot be read${since} (${watcher.detail ?? 'unknown reason'}); nothing is watched`;
  }
}

/**
 * The active destination, its health, and what the uploader last knew of its account (who, quota),
 * as saved: `status` reads it without asking the remote, so it answers at once and offline.
 */
export function destinationLine(
  settings: Settings,
  connection: ConnectionView | undefined,
  health: DestinationHealth,
  now: number,
): string {
  const where = destinationLabel(settings);
  if (health.state === 'not-set-up') {
    return `Destination: ${NAMES[settings.activeDestination]}, not set up — ${health.reason ?? 'see its settings'}`;
  }
  const label = connection?.label ?? null;
  const who = label !== null && label !== where ? ` as ${label}` : '';
  const account =
    connection?.state === 'connected' && connection.detail !== null ? ` — ${connection.detail}` : '';
  return `Destination: ${where} — ${stateWords(health, now)}${who}${account}`;
}

function stateWords(health: DestinationHealth, now: number): string {
  const at = (time: number) => formatMoment(time, LOCALE, now);
  const since = health.since === null ? '' : ` since ${at(health.since)}`;
  const plain = () =>
    health.reason === null
      ? ''
      : `: ${problemSentence(plainProblem(health.reason, health.destination, health.label, 'en'))} (${health.reason})`;
  switch (health.state) {
    case 'not-set-up':
      return 'not set up';
    case 'never-tested':
      return health.destination === 'storage-api' ? 'set up, not used yet' : 'signed in';
    case 'working':
      return health.lastSuccessAt === null
        ? 'working'
        : `working (last accepted ${at(health.lastSuccessAt)})`;
    case 'needs-auth': {
      const what = health.destination === 'storage-api' ? 'needs a new token' : 'needs sign-in';
      return `${what}${since}${plain()}`;
    }
    case 'unreachable': {
      const next = health.nextTryAt === null ? '' : `; next try ${countdown(health.nextTryAt, now, 'en')}`;
      return `unreachable${since}${plain()}${next}`;
    }
    case 'throttled':
      return `throttled${health.until === null ? '' : ` until ${at(health.until)}`}${plain()}`;
  }
}

/** The queue, counted the way the window's tiles and header count it. */
export function queueLine(queue: QueueHealth, paused: boolean): string {
  const c = queue.counts;
  const left =
    queue.bytesLeft > 0
      ? ` — ${formatBytes(queue.bytesLeft, LOCALE)} left${queue.etaSeconds === null ? '' : `, about ${formatDuration(queue.etaSeconds, UNITS)}`}`
      : '';
  return (
    `Queue: ${queue.waiting} waiting (${c.queued} queued, ${c.waiting} to retry, ${c.paused} paused, ` +
    `${c['needs-auth']} need sign-in), ${queue.uploading} uploading, ${c.failed} failed, ` +
    `${c.done} done (${c.doneToday} today)${left}${paused ? ' — uploads are paused' : ''}`
  );
}

export function diskLine(disk: DiskHealth): string {
  if (disk.path === null) return 'Disk: no recordings folder to measure';
  if (disk.freeBytes === null) return `Disk: free space unknown (${disk.path} cannot be measured)`;
  const warning = disk.low ? ` — below ${formatBytes(disk.warnBelowBytes, LOCALE)}: nearly full` : '';
  return `Disk: ${formatBytes(disk.freeBytes, LOCALE)} free on the recordings volume${warning}`;
}
