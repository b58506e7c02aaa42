import type { Credentials, OAuth2Client } from 'google-auth-library';
import type { Settings } from '../../../../src-shared/settings.ts';
import type { EndpointBinding } from '../../auth/endpoint-binding.ts';
import { TransferFault } from '../../faults.ts';
import type { HostServices } from '../../host-services.ts';
import { holdSecret } from '../../logging/held-secrets.ts';
import { faultFromError } from '../http-fault.ts';
import { googleAuth, isGaxiosError } from './google-auth-library.ts';
import { type DriveScope, signInWithGoogle } from './google-sign-in.ts';

export const GOOGLE_REFRESH_TOKEN_SECRET = 'gdrive.refresh-token';

/** Refresh a little early, so a chunk never goes out with a token about to lapse. */
const EAGER_REFRESH_MS = 60_000;

export interface GoogleCredentialsOptions {
  settings(): Settings;
  host: HostServices;
  /** The token and revocation endpoints (and Drive's origin) the refresh token was issued for. */
  binding: EndpointBinding;
}

/**
 * The Google sign-in of this install: an OAuth2Client built from the settings (endpoints too, so
 * tests point it at a peer) whose every request goes through the host's fetch, and the refresh
 * token, which lives only in the keychain and in this object's memory.
 */
export class GoogleCredentials {
  readonly #options: GoogleCredentialsOptions;
  #client: OAuth2Client | null = null;
  #clientKey = '';
  #refreshToken: Promise<string | null> | null = null;
  /** A rotated refresh token on its way to the keychain. */
  #saving: Promise<void> = Promise.resolve();

  constructor(options: GoogleCredentialsOptions) {
    this.#options = options;
  }

  /** The refresh token the keychain holds now (another process may have replaced it). */
  stored(): Promise<string | null> {
    return this.#options.host.secrets.get(GOOGLE_REFRESH_TOKEN_SECRET);
  }

  /** A current access token, refreshed when it is about to lapse. Throws TransferFault. */
  async accessToken(signal: AbortSignal): Promise<string> {
    // The refresh token goes only to the token endpoint that issued it.
    this.#options.binding.check();
    const client = await this.#signedInClient();
    try {
      const { token } = await abortable(() => client.getAccessToken(), signal);
      // Not used before a rotated refresh token is safe in the keychain.
      await this.#saving;
      if (!token)
        throw new TransferFault('auth', 'Google issued no access token: sign in to Google Drive again');
      holdSecret(token);
      return token;
    } catch (error) {
      throw googleFault(error, "Google's token endpoint", signal);
    }
  }

  /** Drive refused the access token (401): the next call gets a fresh one. */
  dropAccessToken(): void {
    const client = this.#client;
    if (client === null) return;
    const refresh = client.credentials.refresh_token;
    client.setCredentials(refresh ? { refresh_token: refresh } : {});
  }

  /** Credentials were rejected for good: forget them in memory; the keychain is read again. */
  forget(): void {
    this.#refreshToken = null;
    this.#client = null;
  }

  /** Interactive sign-in; the refresh token goes to the keychain before anything else uses it. */
  async signIn(scope: DriveScope, timeoutMs: number, signal: AbortSignal): Promise<Credentials> {
    const client = await this.#freshClient();
    let tokens: Credentials;
    try {
      tokens = await signInWithGoogle(client, {
        scope,
        openBrowser: (url) => this.#options.host.openBrowser(url),
        timeoutMs,
        signal,
      });
    } catch (error) {
      if (isGaxiosError(error)) throw new Error(describeGoogleError(error, 'the sign-in'));
      throw error;
    }
    const refreshToken = tokens.refresh_token as string;
    await this.#options.host.secrets.set(GOOGLE_REFRESH_TOKEN_SECRET, refreshToken);
    this.#options.binding.bind();
    this.#refreshToken = Promise.resolve(refreshToken);
    client.setCredentials(tokens);
    return tokens;
  }

  /**
   * Revokes the grant at Google (its refresh token revokes every token of it), then forgets it
   * here whatever Google answered: signing out must work offline too. Returns Google's refusal or
   * failure, if any, for the operator to see. A token whose endpoints moved since it was issued is
   * only forgotten: sending it to the new revocation address would hand it to whoever is there.
   */
  async revoke(): Promise<string | null> {
    const token = await (this.#refreshToken ?? this.stored());
    let problem: string | null = this.#options.binding.problem();
    if (token !== null && problem === null) {
      try {
        await (await this.#freshClient()).revokeToken(token);
      } catch (error) {
        problem = describeGoogleError(error, 'revoking the sign-in');
      }
    }
    await this.#options.host.secrets.delete(GOOGLE_REFRESH_TOKEN_SECRET);
    this.#options.binding.forget();
    this.forget();
    return problem;
  }

  async #signedInClient(): Promise<OAuth2Client> {
    this.#refreshToken ??= this.stored();
    const refreshToken = await this.#refreshToken;
    if (refreshToken === null) {
      throw new TransferFault(
        'auth',
        'not signed in to Google Drive: connect it in the app or with `connect gdrive`',
      );
    }
    const client = await this.#currentClient();
    // After a rotation the client puts the old refresh token back beside the new access token:
    // the newest one (kept by the `tokens` event) is set again, the access token kept.
    if (client.credentials.refresh_token !== refreshToken) {
      client.setCredentials({ ...client.credentials, refresh_token: refreshToken });
    }
    return client;
  }

  /** The client for the settings in force; rebuilt when an endpoint or the client id changes. */
  async #currentClient(): Promise<OAuth2Client> {
    const key = clientKey(this.#options.settings());
    if (this.#client !== null && key === this.#clientKey) return this.#client;
    const client = await this.#build();
    // Another call may have built one while the library loaded: the first stays, tokens and all.
    if (this.#client !== null && key === this.#clientKey) return this.#client;
    this.#client = client;
    this.#clientKey = key;
    return client;
  }

  async #freshClient(): Promise<OAuth2Client> {
    const client = await this.#build();
    this.#client = client;
    this.#clientKey = clientKey(this.#options.settings());
    return client;
  }

  async #build(): Promise<OAuth2Client> {
    const { OAuth2Client } = await googleAuth.load();
    const settings = this.#options.settings();
    const { host } = this.#options;
    const client = new OAuth2Client({
      clientId: settings.googleClientId,
      clientSecret: settings.googleClientSecret,
      endpoints: {
        oauth2AuthBaseUrl: settings.googleAuthUrl,
        oauth2TokenUrl: settings.googleTokenUrl,
        oauth2RevokeUrl: settings.googleRevokeUrl,
      },
      // The host's fetch follows the system proxy and certificate store; Google's own does not.
      transporterOptions: {
        fetchImplementation: host.fetch,
        timeout: settings.requestTimeoutSeconds * 1000,
      },
      eagerRefreshThresholdMillis: EAGER_REFRESH_MS,
    });
    // Google may hand out a new refresh token on a refresh: the keychain keeps the newest.
    client.on('tokens', (tokens: Credentials) => {
      const next = tokens.refresh_token;
      if (!next) return;
      this.#refreshToken = Promise.resolve(next);
      this.#saving = host.secrets.set(GOOGLE_REFRESH_TOKEN_SECRET, next).catch((error: unknown) => {
        host.logger.error('the new Google refresh token could not be saved in the keychain', {
          reason: error instanceof Error ? error.message : String(error),
        });
      });
    });
    return client;
  }
}

function clientKey(settings: Settings): string {
  return JSON.stringify([
    settings.googleClientId,
    settings.googleClientSecret,
    settings.googleAuthUrl,
    settings.googleTokenUrl,
    settings.googleRevokeUrl,
    settings.requestTimeoutSeconds,
  ]);
}

/**
 * A failed token request, as the retry policy sees it: Google refusing the grant (invalid_grant
 * after a revocation or a password change, invalid_client after a settings change) needs a new
 * sign-in; an overloaded or unreachable endpoint only needs time.
 */
export function googleFault(error: unknown, what: string, signal: AbortSignal): TransferFault {
  if (error instanceof TransferFault) return error;
  if (isGaxiosError(error) && error.response !== undefined) {
    const status = error.response.status;
    const message = describeGoogleError(error, 'refreshing the access token');
    if (status === 429 || status >= 500) return new TransferFault('retriable', message, { status });
    return new TransferFault('auth', `${message}: sign in to Google Drive again`, { status });
  }
  const cause = isGaxiosError(error) && error.cause !== undefined ? error.cause : error;
  return faultFromError(cause, what, signal);
}

/** Google's own words (`error`, `error_description`), never the request, which holds tokens. */
export function describeGoogleError(error: unknown, doing: string): string {
  if (isGaxiosError(error) && error.response !== undefined) {
    const data = error.response.data as { error?: unknown; error_description?: unknown } | undefined;
    const code = typeof data?.error === 'string' ? data.error : `HTTP ${error.response.status}`;
    const description = typeof data?.error_description === 'string' ? `: ${data.error_description}` : '';
    return `Google refused ${doing} (${code}${description})`;
  }
  // A request's own message may quote its address, and the revocation address carries the token.
  const cause = isGaxiosError(error) && error.cause instanceof Error ? error.cause : error;
  const reason = (cause instanceof Error ? cause.message : String(cause)).replace(
    /\bhttps?:\/\/\S+/g,
    '(address)',
  );
  return `${doing} failed: ${reason}`;
}

/** Stops waiting when the signal aborts; the work itself, shared with other callers, goes on. */
function abortable<T>(work: () => Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  const promise = work();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
