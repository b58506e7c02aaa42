import { type HeadlineFix, headlineFix } from '../../src-shared/health.ts';
import { headlineText } from '../../src-shared/health-words.ts';
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
      | 'pauseManaged'
      | 'fullSpeedManaged'
      | 'openRecordings'
      | 'openLogs'
      | 'saveSupportFiles'
      | 'quit',
      string
    >
  >;
  notice(notice: Notice): { title: string; body: string };
  chooseFolderTitle: string;
  /** The title of the message when the support files could not be written. */
  supportFilesFailed: string;
}

/** The setting wins; 'auto' follows the OS: Portuguese for any pt locale, English otherwise. */
export function resolveShellLanguage(setting: UiLanguage | undefined, osLocale: string): ShellLanguage {
  if (setting === 'en' || setting === 'pt-BR') return setting;
  return osLocale.toLowerCase().startsWith('pt') ? 'pt-BR' : 'en';
}

const AT_DESTINATION: Record<DestinationKind, string> = {
  'storage-api': 'the storage API',
  onedrive: 'OneDrive',
  gdrive: 'Google Drive',
};

/** What a click on a problem's notification leads to, said in its body. */
const FIX_HINT: Record<ShellLanguage, Record<NonNullable<HeadlineFix> | 'none', string>> = {
  en: {
    'choose-folder': 'Open the uploader to choose the recordings folder.',
    'enter-token': 'Open the uploader to enter a new token.',
    'sign-in': 'Open the uploader to sign in again.',
    'set-up': 'Open the uploader to finish setting it up.',
    'show-failed': 'Open the uploader to see why and retry.',
    none: 'Uploads wait and go on by themselves; open the uploader for the details.',
  },
  'pt-BR': {
    'choose-folder': 'Abra o enviador para escolher a pasta de gravações.',
    'enter-token': 'Abra o enviador para informar um novo token.',
    'sign-in': 'Abra o enviador para entrar novamente.',
    'set-up': 'Abra o enviador para concluir a configuração.',
    'show-failed': 'Abra o enviador para ver o motivo e tentar de novo.',
    none: 'Os envios aguardam e continuam sozinhos; abra o enviador para ver os detalhes.',
  },
};

function english(): ShellStrings {
  return {
    language: 'en',
    appName: 'Recording Uploader',
    status: (s) => {
      if (s.kind === 'core-down') return s.detail ?? 'The uploader is restarting';
      if (s.kind === 'starting') return 'Starting…';
      return headlineText(s.headline, 'en', Date.now());
    },
    menu: {
      open: 'Open',
      pause1h: 'Pause for 1 hour',
      pause8h: 'Pause for 8 hours',
      pauseUntilResumed: 'Pause until resumed',
      resume: 'Resume',
      limitNow: 'Limit upload speed now',
      fullSpeed: 'Upload at full speed',
      pauseManaged: 'Pausing: managed by your organization',
      fullSpeedManaged: 'Full speed: managed by your organization',
      openRecordings: 'Open recordings folder',
      openLogs: 'Open logs folder',
      saveSupportFiles: 'Save support files to Downloads',
      quit: 'Quit',
    },
    notice: (n) => {
      if (n.kind === 'problem') {
        return {
          title: headlineText(n.headline, 'en', Date.now()),
          body: FIX_HINT.en[headlineFix(n.headline) ?? 'none'],
        };
      }
      if (n.kind === 'archive-changed') {
        const parts = [
          n.missing.length > 0 ? `missing: ${n.missing.join(', ')}` : '',
          n.altered.length > 0 ? `altered: ${n.altered.join(', ')}` : '',
        ].filter((part) => part !== '');
        return {
          title: `Archived recordings changed at ${AT_DESTINATION[n.destination]}`,
          body: parts.join('; '),
        };
      }
      if (n.kind === 'update-available') {
        return {
          title: `Recording Uploader ${n.version} is available`,
          body:
            n.because === 'per-machine'
              ? 'It is installed for every user of this computer: your IT department installs the new version.'
              : 'The update address comes from this app’s settings, not from your organization’s policy, so the app does not install from it by itself: ask your IT department for the new version.',
        };
      }
      return {
        title: 'A recording failed to upload',
        body: `${n.fileName}${n.reason ? `: ${n.reason}` : ''}`,
      };
    },
    chooseFolderTitle: 'Choose the recordings folder',
    supportFilesFailed: 'The support files could not be saved',
  };
}

function portuguese(): ShellStrings {
  return {
    language: 'pt-BR',
    appName: 'Recording Uploader',
    status: (s) => {
      if (s.kind === 'core-down') return s.detail ?? 'O envio está reiniciando';
      if (s.kind === 'starting') return 'Iniciando…';
      return headlineText(s.headline, 'pt-BR', Date.now());
    },
    menu: {
      open: 'Abrir',
      pause1h: 'Pausar por 1 hora',
      pause8h: 'Pausar por 8 horas',
      pauseUntilResumed: 'Pausar até retomar',
      resume: 'Retomar',
      limitNow: 'Limitar a velocidade de envio agora',
      fullSpeed: 'Enviar na velocidade máxima',
      pauseManaged: 'Pausa: gerenciada pela sua organização',
      fullSpeedManaged: 'Velocidade máxima: gerenciada pela sua organização',
      openRecordings: 'Abrir pasta de gravações',
      openLogs: 'Abrir pasta de logs',
      saveSupportFiles: 'Salvar arquivos para o suporte em Downloads',
      quit: 'Sair',
    },
    notice: (n) => {
      if (n.kind === 'problem') {
        return {
          title: headlineText(n.headline, 'pt-BR', Date.now()),
          body: FIX_HINT['pt-BR'][headlineFix(n.headline) ?? 'none'],
        };
      }
      if (n.kind === 'archive-changed') {
        const parts = [
          n.missing.length > 0 ? `ausentes: ${n.missing.join(', ')}` : '',
          n.altered.length > 0 ? `alteradas: ${n.altered.join(', ')}` : '',
        ].filter((part) => part !== '');
        return { title: 'Gravações arquivadas mudaram no destino', body: parts.join('; ') };
      }
      if (n.kind === 'update-available') {
        return {
          title: `O Recording Uploader ${n.version} está disponível`,
          body:
            n.because === 'per-machine'
              ? 'Ele está instalado para todos os usuários deste computador: seu departamento de TI instala a nova versão.'
              : 'O endereço de atualizações vem das configurações deste aplicativo, não da política da sua organização, então o aplicativo não instala a partir dele sozinho: peça a nova versão ao seu departamento de TI.',
        };
      }
      return {
        title: 'Falha ao enviar uma gravação',
        body: `${n.fileName}${n.reason ? `: ${n.reason}` : ''}`,
      };
    },
    chooseFolderTitle: 'Escolha a pasta de gravações',
    supportFilesFailed: 'Não foi possível salvar os arquivos para o suporte',
  };
}

export function shellStrings(language: ShellLanguage): ShellStrings {
  return language === 'pt-BR' ? portuguese() : english();
}
