import type { DestinationKind, UiLanguage } from '../../src-shared/settings.ts';
import type { Notice } from './notifications/notices.ts';
import type { TrayStatus } from './tray/tray-state.ts';

export type ShellLanguage = 'en' | 'pt-BR';

export interface ShellStrings {
  language: ShellLanguage;
  appName: string;
  status(status: TrayStatus): string;
  menu: Readonly<
    Record<
      | 'open'
      | 'pause1h'
      | 'pause8h'
      | 'pauseUntilResumed'
      | 'resume'
      | 'limitNow'
      | 'fullSpeed'
      | 'openRecordings'
      | 'openLogs'
      | 'quit',
      string
    >
  >;
  notice(notice: Notice): { title: string; body: string };
  chooseFolderTitle: string;
}

/** The setting wins; 'auto' follows the OS: Portuguese for any pt locale, English otherwise. */
export function resolveShellLanguage(setting: UiLanguage | undefined, osLocale: string): ShellLanguage {
  if (setting === 'en' || setting === 'pt-BR') return setting;
  return osLocale.toLowerCase().startsWith('pt') ? 'pt-BR' : 'en';
}

const DESTINATIONS: Record<ShellLanguage, Record<DestinationKind, string>> = {
  en: { 'storage-api': 'the storage API', onedrive: 'OneDrive', gdrive: 'Google Drive' },
  'pt-BR': { 'storage-api': 'a API de armazenamento', onedrive: 'o OneDrive', gdrive: 'o Google Drive' },
};

const time = (language: ShellLanguage, at: number) =>
  new Date(at).toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit' });

const plural = (count: number, one: string, many: string) => (count === 1 ? one : many);

function english(): ShellStrings {
  const to = DESTINATIONS.en;
  return {
    language: 'en',
    appName: 'Recording Uploader',
    status: (s) => {
      switch (s.kind) {
        case 'core-down':
          return s.detail ?? 'The uploader is restarting';
        case 'sign-in-needed':
          return `Sign in to ${to[s.destination]} again`;
        case 'failed':
          return `${s.count} ${plural(s.count, 'recording', 'recordings')} failed`;
        case 'paused':
          return s.until === null ? 'Paused' : `Paused until ${time('en', s.until)}`;
        case 'offline':
          return `Offline; ${s.waiting} ${plural(s.waiting, 'recording waits', 'recordings wait')}`;
        case 'uploading':
          return `Uploading ${s.count} ${plural(s.count, 'recording', 'recordings')}: ${s.percent}%`;
        case 'idle':
          return s.queued > 0
            ? `${s.queued} ${plural(s.queued, 'recording', 'recordings')} queued`
            : `Up to date; ${s.doneToday} uploaded today`;
      }
    },
    menu: {
      open: 'Open',
      pause1h: 'Pause for 1 hour',
      pause8h: 'Pause for 8 hours',
      pauseUntilResumed: 'Pause until resumed',
      resume: 'Resume',
      limitNow: 'Limit upload speed now',
      fullSpeed: 'Upload at full speed',
      openRecordings: 'Open recordings folder',
      openLogs: 'Open logs folder',
      quit: 'Quit',
    },
    notice: (n) => {
      if (n.kind === 'sign-in-needed') {
        return {
          title: 'Sign-in needed',
          body: `Uploads wait until you sign in to ${to[n.destination]} again.`,
        };
      }
      if (n.kind === 'archive-changed') {
        const parts = [
          n.missing.length > 0 ? `missing: ${n.missing.join(', ')}` : '',
          n.altered.length > 0 ? `altered: ${n.altered.join(', ')}` : '',
        ].filter((part) => part !== '');
        return { title: `Archived recordings changed at ${to[n.destination]}`, body: parts.join('; ') };
      }
      return {
        title: 'A recording failed to upload',
        body: `${n.fileName}${n.reason ? `: ${n.reason}` : ''}`,
      };
    },
    chooseFolderTitle: 'Choose the recordings folder',
  };
}

function portuguese(): ShellStrings {
  const to = DESTINATIONS['pt-BR'];
  return {
    language: 'pt-BR',
    appName: 'Recording Uploader',
    status: (s) => {
      switch (s.kind) {
        case 'core-down':
          return s.detail ?? 'O envio está reiniciando';
        case 'sign-in-needed':
          return `Entre novamente em ${to[s.destination]}`;
        case 'failed':
          return `${s.count} ${plural(s.count, 'gravação falhou', 'gravações falharam')}`;
        case 'paused':
          return s.until === null ? 'Pausado' : `Pausado até ${time('pt-BR', s.until)}`;
        case 'offline':
          return `Sem conexão; ${s.waiting} ${plural(s.waiting, 'gravação aguarda', 'gravações aguardam')}`;
        case 'uploading':
          return `Enviando ${s.count} ${plural(s.count, 'gravação', 'gravações')}: ${s.percent}%`;
        case 'idle':
          return s.queued > 0
            ? `${s.queued} ${plural(s.queued, 'gravação na fila', 'gravações na fila')}`
            : `Em dia; ${s.doneToday} ${plural(s.doneToday, 'enviada', 'enviadas')} hoje`;
      }
    },
    menu: {
      open: 'Abrir',
      pause1h: 'Pausar por 1 hora',
      pause8h: 'Pausar por 8 horas',
      pauseUntilResumed: 'Pausar até retomar',
      resume: 'Retomar',
      limitNow: 'Limitar a velocidade de envio agora',
      fullSpeed: 'Enviar na velocidade máxima',
      openRecordings: 'Abrir pasta de gravações',
      openLogs: 'Abrir pasta de logs',
      quit: 'Sair',
    },
    notice: (n) => {
      if (n.kind === 'sign-in-needed') {
        return {
          title: 'É preciso entrar novamente',
          body: `Os envios aguardam até você entrar em ${to[n.destination]}.`,
        };
      }
      if (n.kind === 'archive-changed') {
        const parts = [
          n.missing.length > 0 ? `ausentes: ${n.missing.join(', ')}` : '',
          n.altered.length > 0 ? `alteradas: ${n.altered.join(', ')}` : '',
        ].filter((part) => part !== '');
        return { title: 'Gravações arquivadas mudaram no destino', body: parts.join('; ') };
      }
      return {
        title: 'Falha ao enviar uma gravação',
        body: `${n.fileName}${n.reason ? `: ${n.reason}` : ''}`,
      };
    },
    chooseFolderTitle: 'Escolha a pasta de gravações',
  };
}

export function shellStrings(language: ShellLanguage): ShellStrings {
  return language === 'pt-BR' ? portuguese() : english();
}
