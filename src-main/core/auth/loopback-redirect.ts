import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The one listener every installed-app sign-in redirects to (RFC 8252 §7.3): bound to 127.0.0.1
 * only, on a port the OS picks, for one redirect. The answer must carry the `state` this app
 * sent: any other request — a page on another site slipping its own code in, a port scanner, a
 * stray browser tab — is answered 400 and the listener keeps waiting for the real redirect (as
 * MSAL's own does), so a stray request can neither complete nor end the sign-in.
 */
export interface LoopbackRedirectOptions {
  /** The `state` sent with the authorization request; the redirect must bring it back. */
  state: string;
  /** How long the operator has to finish signing in, in milliseconds. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** The redirect URI's path; `/` by default. */
  path?: string;
  /** Who is being signed in to, for the page the browser shows ("Google Drive"). */
  service?: string;
}

export interface RedirectAnswer {
  code: string;
  /** Every parameter of the redirect (e.g. `scope`, which says what was actually granted). */
  params: URLSearchParams;
}

export interface LoopbackRedirect {
  /** Where the identity provider must send the browser: `http://127.0.0.1:PORT/`. */
  redirectUri: string;
  /** Settles once: the code, or a SignInError. The listener is closed by then. */
  answer: Promise<RedirectAnswer>;
  close(): Promise<void>;
}

export type SignInFailure = 'timeout' | 'denied' | 'no-code' | 'cancelled';

export class SignInError extends Error {
  override readonly name = 'SignInError';
  readonly reason: SignInFailure;

  constructor(reason: SignInFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

const LOOPBACK = '127.0.0.1';

export async function listenForRedirect(options: LoopbackRedirectOptions): Promise<LoopbackRedirect> {
  const path = options.path ?? '/';
  const service = options.service ?? 'the service';
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = `${LOOPBACK}:${port}`;
  let settle!: (outcome: RedirectAnswer | SignInError) => void;
  const answer = new Promise<RedirectAnswer>((resolve, reject) => {
    settle = (outcome) => (outcome instanceof SignInError ? reject(outcome) : resolve(outcome));
  });
  // The caller may not be awaiting yet when a time-out fires; it still gets the rejection.
  answer.catch(() => {});
  let settled = false;
  const finish = (outcome: RedirectAnswer | SignInError): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    settle(outcome);
    void closeServer(server);
  };
  const timer = setTimeout(() => {
    finish(
      new SignInError(
        'timeout',
        `sign-in to ${service} was not completed within ${Math.round(options.timeoutMs / 1000)} s`,
      ),
    );
  }, options.timeoutMs);
  timer.unref();
  const onAbort = (): void => finish(new SignInError('cancelled', `sign-in to ${service} was cancelled`));
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', `http://${host}`);
    // A browser following the redirect names this exact host; anything else (a DNS-rebound
    // page, a stray request) is turned away without using up the one redirect.
    if (request.headers.host !== host)
      return page(response, 400, 'Wrong address', 'This address is not served here.');
    if (url.pathname !== path) return page(response, 404, 'Not found', 'Nothing is served here.');
    if (request.method !== 'GET')
      return page(response, 405, 'Not allowed', 'Only the sign-in redirect is served here.');
    if (settled) return page(response, 410, 'Sign-in already handled', 'You can close this tab.');
    if (url.searchParams.get('state') !== options.state) {
      return page(
        response,
        400,
        'Not this sign-in',
        `This answer did not carry the state this sign-in to ${service} sent, so it was refused. The sign-in is still waiting for ${service}.`,
      );
    }
    const outcome = readRedirect(url.searchParams, service);
    if (outcome instanceof SignInError) {
      page(
        response,
        400,
        'Sign-in not completed',
        `${outcome.message}. Return to Recording Uploader and try again.`,
      );
    } else {
      page(
        response,
        200,
        'Signed in',
        `Recording Uploader is now connected to ${service}. You can close this tab.`,
      );
    }
    finish(outcome);
  });

  return {
    redirectUri: `http://${host}${path}`,
    answer,
    close: async () => {
      finish(new SignInError('cancelled', `sign-in to ${service} was cancelled`));
      await closeServer(server);
    },
  };
}

/** A redirect that carries this sign-in's state: the code, or why there is none. */
function readRedirect(params: URLSearchParams, service: string): RedirectAnswer | SignInError {
  const error = params.get('error');
  if (error !== null) {
    const description = params.get('error_description');
    return new SignInError(
      'denied',
      `${service} did not grant access (${error}${description ? `: ${description}` : ''})`,
    );
  }
  const code = params.get('code');
  if (code === null || code === '') {
    return new SignInError('no-code', `the answer from ${service} carried no authorization code`);
  }
  return { code, params };
}

function page(response: ServerResponse, status: number, title: string, text: string): void {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:16px system-ui,sans-serif;margin:15vh auto;max-width:32rem;padding:0 1rem;color:#222}h1{font-size:1.4rem}</style>
</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // The page carries no script and links nowhere; the code in its address must not leak on.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'referrer-policy': 'no-referrer',
    connection: 'close',
  });
  response.end(body);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Responses already sent ask for `connection: close`; idle keep-alive sockets go now.
    server.closeIdleConnections();
  });
}
