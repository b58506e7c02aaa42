import { formatBytes, formatDuration, formatMoment } from './format-units.ts';
import type { Headline } from './health.ts';
import type { DestinationKind } from './settings.ts';

/** The languages the uploader speaks, in the window, the tray and the notifications alike. */
export type WordsLanguage = 'en' | 'pt-BR';

const LOCALE: Record<WordsLanguage, string> = { en: 'en-US', 'pt-BR': 'pt-BR' };

const DESTINATION: Record<WordsLanguage, Record<DestinationKind, string>> = {
  en: { 'storage-api': 'The storage API', onedrive: 'OneDrive', gdrive: 'Google Drive' },
  'pt-BR': { 'storage-api': 'A API de armazenamento', onedrive: 'O OneDrive', gdrive: 'O Google Drive' },
};

const SIGN_IN_TO: Record<WordsLanguage, Record<DestinationKind, string>> = {
  en: { 'storage-api': 'the storage API', onedrive: 'OneDrive', gdrive: 'Google Drive' },
  'pt-BR': { 'storage-api': 'a API de armazenamento', onedrive: 'o OneDrive', gdrive: 'o Google Drive' },
};

const UNITS = {
  en: { hours: 'h', minutes: 'min', seconds: 's' },
  'pt-BR': { hours: 'h', minutes: 'min', seconds: 's' },
} as const;

const plural = (count: number, one: string, many: string) => (count === 1 ? one : many);

/** "in 42 s" while the moment is ahead, "now" once it has come. */
export function countdown(at: number, now: number, language: WordsLanguage): string {
  const seconds = Math.ceil((at - now) / 1000);
  if (seconds <= 0) return language === 'en' ? 'now' : 'agora';
  const span = formatDuration(seconds, UNITS[language]);
  return language === 'en' ? `in ${span}` : `em ${span}`;
}

/**
 * The headline as one sentence, in the window's header, the tray's tooltip and menu, and the first
 * line of `status`. `now` makes a countdown ("next try in 42 s") and times of day ("since 14:05").
 */
export function headlineText(headline: Headline, language: WordsLanguage, now: number): string {
  return language === 'en' ? english(headline, now) : portuguese(headline, now);
}

function english(h: Headline, now: number): string {
  const locale = LOCALE.en;
  const at = (time: number) => formatMoment(time, locale, now);
  switch (h.kind) {
    case 'policy-stopped':
      return `Uploads are stopped until the policy is fixed: ${h.problem}`;
    case 'set-up':
      return h.missing === 'folder'
        ? 'Set-up needed: choose the recordings folder'
        : 'Set-up needed: connect a destination';
    case 'folder-missing':
      return `The recordings folder is missing: ${h.path} — nothing is watched`;
    case 'folder-unreadable':
      return `The recordings folder cannot be read (${h.detail}): ${h.path} — nothing is watched`;
    case 'needs-auth': {
      const waits =
        h.waiting > 0 ? ` — ${h.waiting} ${plural(h.waiting, 'recording waits', 'recordings wait')}` : '';
      return h.destination === 'storage-api'
        ? `The storage API needs a new token${waits}`
        : `Sign in to ${SIGN_IN_TO.en[h.destination]} again${waits}`;
    }
    case 'unreachable': {
      const since = h.since === null ? '' : ` since ${at(h.since)}`;
      const next = h.nextTryAt === null ? '' : ` — next try ${countdown(h.nextTryAt, now, 'en')}`;
      return `${DESTINATION.en[h.destination]} is unreachable${since}${next}`;
    }
    case 'throttled': {
      const until = h.until === null ? '' : ` — uploads go on ${countdown(h.until, now, 'en')}`;
      return `${DESTINATION.en[h.destination]} asked to slow down${until}`;
    }
    case 'failed':
      return `Needs attention: ${h.count} failed`;
    case 'disk-low':
      return `The recordings disk is nearly full: ${formatBytes(h.freeBytes, locale)} free`;
    case 'paused': {
      const by = h.managed ? 'Paused by your organization' : 'Paused';
      const until =
        h.until !== null ? `${by} until ${at(h.until)}` : h.managed ? by : 'Paused until you resume';
      return h.waiting > 0 ? `${until} — ${h.waiting} waiting` : until;
    }
    case 'uploading': {
      const left = h.bytesLeft > 0 ? ` — ${formatBytes(h.bytesLeft, locale)} left` : '';
      const eta =
        h.etaSeconds === null || h.bytesLeft === 0 ? '' : `, about ${formatDuration(h.etaSeconds, UNITS.en)}`;
      return `Uploading: ${h.count} in progress${left}${eta}`;
    }
    case 'waiting':
      return h.paused > 0
        ? `Waiting to upload: ${h.count} (${h.paused} paused)`
        : `Waiting to upload: ${h.count}`;
    case 'ready':
      return 'Watching the folder — nothing to upload yet';
    case 'caught-up':
      return 'All caught up';
  }
}

function portuguese(h: Headline, now: number): string {
  const locale = LOCALE['pt-BR'];
  const at = (time: number) => formatMoment(time, locale, now);
  switch (h.kind) {
    case 'policy-stopped':
      // The problem names the file and the key at fault, as the core read them.
      return `Os envios estão parados até a política ser corrigida: ${h.problem}`;
    case 'set-up':
      return h.missing === 'folder'
        ? 'Configuração pendente: escolha a pasta de gravações'
        : 'Configuração pendente: conecte um destino';
    case 'folder-missing':
      return `A pasta de gravações não existe: ${h.path} — nada está sendo observado`;
    case 'folder-unreadable':
      return `A pasta de gravações não pode ser lida (${h.detail}): ${h.path} — nada está sendo observado`;
    case 'needs-auth': {
      const waits =
        h.waiting > 0 ? ` — ${h.waiting} ${plural(h.waiting, 'gravação aguarda', 'gravações aguardam')}` : '';
      return h.destination === 'storage-api'
        ? `A API de armazenamento precisa de um novo token${waits}`
        : `Entre novamente em ${SIGN_IN_TO['pt-BR'][h.destination]}${waits}`;
    }
    case 'unreachable': {
      const since = h.since === null ? '' : ` desde ${at(h.since)}`;
      const next = h.nextTryAt === null ? '' : ` — nova tentativa ${countdown(h.nextTryAt, now, 'pt-BR')}`;
      return `${DESTINATION['pt-BR'][h.destination]} está inacessível${since}${next}`;
    }
    case 'throttled': {
      const until = h.until === null ? '' : ` — os envios continuam ${countdown(h.until, now, 'pt-BR')}`;
      return `${DESTINATION['pt-BR'][h.destination]} pediu para diminuir o ritmo${until}`;
    }
    case 'failed':
      return `Requer atenção: ${h.count} com falha`;
    case 'disk-low':
      return `O disco das gravações está quase cheio: ${formatBytes(h.freeBytes, locale)} livres`;
    case 'paused': {
      const by = h.managed ? 'Pausado pela sua organização' : 'Pausado';
      const until =
        h.until !== null ? `${by} até ${at(h.until)}` : h.managed ? by : 'Pausado até você retomar';
      return h.waiting > 0 ? `${until} — ${h.waiting} aguardando` : until;
    }
    case 'uploading': {
      const left = h.bytesLeft > 0 ? ` — faltam ${formatBytes(h.bytesLeft, locale)}` : '';
      const eta =
        h.etaSeconds === null || h.bytesLeft === 0
          ? ''
          : `, cerca de ${formatDuration(h.etaSeconds, UNITS['pt-BR'])}`;
      return `Enviando: ${h.count} em andamento${left}${eta}`;
    }
    case 'waiting':
      return h.paused > 0
        ? `Aguardando envio: ${h.count} (${h.paused} pausadas)`
        : `Aguardando envio: ${h.count}`;
    case 'ready':
      return 'Observando a pasta — nada para enviar ainda';
    case 'caught-up':
      return 'Tudo em dia';
  }
}
