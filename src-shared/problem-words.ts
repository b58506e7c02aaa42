import type { WordsLanguage } from './health-words.ts';
import type { DestinationKind } from './settings.ts';

/** A destination's error in plain words, with what to check; the technical text stays beside it. */
export interface PlainProblem {
  plain: string;
  hint: string | null;
}

/**
 * Turns the technical reason a request failed ("storage API GET /health could not connect
 * (ECONNREFUSED)") into what an operator can act on. `address` is where the destination lives (the
 * storage API's URL), to name the host that does not answer. Unknown errors keep their own words.
 */
export function plainProblem(
  reason: string,
  destination: DestinationKind,
  address: string | null,
  language: WordsLanguage,
): PlainProblem {
  const host = hostOf(address) ?? (language === 'en' ? 'the server' : 'o servidor');
  const w = WORDS[language];
  const code = /\(([A-Z][A-Z_]+)\)/.exec(reason)?.[1];
  const status = Number(/answered (\d{3})\b/.exec(reason)?.[1] ?? Number.NaN);
  if (code === 'ECONNREFUSED') return { plain: w.refused(host), hint: w.refusedHint };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { plain: w.notFound(host), hint: w.notFoundHint };
  if (code !== undefined && /^(ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED|ECONNABORTED)$/.test(code)) {
    return { plain: w.broke(host), hint: w.brokeHint };
  }
  if (code !== undefined && /UNREACH|NETDOWN|HOSTDOWN/.test(code))
    return { plain: w.noRoute(host), hint: w.noRouteHint };
  if ((code !== undefined && /TIMEOUT|ETIMEDOUT/.test(code)) || /timed out/.test(reason)) {
    return { plain: w.timeout(host), hint: w.timeoutHint };
  }
  if (status === 401 || status === 403) {
    return destination === 'storage-api'
      ? { plain: w.tokenRefused, hint: w.tokenRefusedHint }
      : { plain: w.signInRefused, hint: w.signInRefusedHint };
  }
  if (status === 404 && /\/health\b/.test(reason) && destination === 'storage-api') {
    return { plain: w.noApi, hint: w.noApiHint };
  }
  if (status === 429) return { plain: w.throttled, hint: w.throttledHint };
  if (status >= 500) return { plain: w.serverError(host, status), hint: w.serverErrorHint };
  return { plain: reason, hint: null };
}

/** The plain words and the hint as one sentence: "Nothing answers at host:port — is the address right…". */
export function problemSentence(problem: PlainProblem): string {
  return problem.hint === null ? problem.plain : `${problem.plain} — ${problem.hint}`;
}

function hostOf(address: string | null): string | null {
  if (address === null || address === '') return null;
  // src-shared has no URL class: the authority of scheme://[user@]host[:port]/… is read directly.
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)/i.exec(address)?.[1];
  return authority === undefined ? null : (authority.split('@').pop() ?? null);
}

const WORDS = {
  en: {
    refused: (host: string) => `Nothing answers at ${host}`,
    refusedHint: 'is the address right and the server running?',
    notFound: (host: string) => `The name ${host} cannot be found`,
    notFoundHint: 'check the address for a typo, and that this computer reaches the network it is on.',
    broke: (host: string) => `The connection to ${host} broke off`,
    brokeHint: 'uploads try again by themselves; if it keeps happening, ask whoever runs the network.',
    noRoute: (host: string) => `This computer has no way to reach ${host}`,
    noRouteHint: 'check the network connection (cable, Wi-Fi, VPN).',
    timeout: (host: string) => `${host} does not answer in time`,
    timeoutHint: 'the server or the network is slow or down; uploads try again by themselves.',
    tokenRefused: 'The server refused the token',
    tokenRefusedHint: 'enter a new token from whoever runs the storage API.',
    signInRefused: 'The sign-in is no longer accepted',
    signInRefusedHint: 'sign in again.',
    noApi: 'There is no storage API at this address (check the path)',
    noApiHint: 'the address must lead to the API itself, e.g. https://host/api/v1.',
    throttled: 'The server asks the uploader to slow down',
    throttledHint: 'uploads go on by themselves when the server says so.',
    serverError: (host: string, status: number) => `${host} has a problem of its own (it answered ${status})`,
    serverErrorHint: 'uploads try again by themselves; if it lasts, tell whoever runs the server.',
  },
  'pt-BR': {
    refused: (host: string) => `Nada responde em ${host}`,
    refusedHint: 'o endereço está certo e o servidor está no ar?',
    notFound: (host: string) => `O nome ${host} não foi encontrado`,
    notFoundHint: 'confira se o endereço está correto e se este computador alcança a rede dele.',
    broke: (host: string) => `A conexão com ${host} caiu`,
    brokeHint: 'os envios tentam de novo sozinhos; se continuar, fale com quem cuida da rede.',
    noRoute: (host: string) => `Este computador não tem como alcançar ${host}`,
    noRouteHint: 'confira a conexão de rede (cabo, Wi-Fi, VPN).',
    timeout: (host: string) => `${host} não responde a tempo`,
    timeoutHint: 'o servidor ou a rede estão lentos ou fora do ar; os envios tentam de novo sozinhos.',
    tokenRefused: 'O servidor recusou o token',
    tokenRefusedHint: 'informe um novo token fornecido por quem administra a API de armazenamento.',
    signInRefused: 'O login não é mais aceito',
    signInRefusedHint: 'entre novamente.',
    noApi: 'Não há API de armazenamento neste endereço (confira o caminho)',
    noApiHint: 'o endereço deve levar à própria API, por exemplo https://host/api/v1.',
    throttled: 'O servidor pede para o enviador diminuir o ritmo',
    throttledHint: 'os envios continuam sozinhos quando o servidor permitir.',
    serverError: (host: string, status: number) => `${host} está com um problema (respondeu ${status})`,
    serverErrorHint: 'os envios tentam de novo sozinhos; se persistir, avise quem administra o servidor.',
  },
} as const;
