import type { AccountInfo, PublicClientApplication } from '@azure/msal-node';
import { credentialFingerprint } from '../../../auth/credential-fingerprint.ts';
import type { SecretStore } from '../../../auth/secret-store.ts';
import { TransferFault } from '../../../faults.ts';
import { holdSecret } from '../../../logging/held-secrets.ts';
import type { Logger } from '../../../logging/logger.ts';
import { authorityConfig } from './msal-authority.ts';
import { msal } from './msal-library.ts';
import { hostNetworkModule } from './msal-network.ts';
import { ONEDRIVE_CACHE_SECRET, secretCachePlugin } from './msal-secret-cache.ts';

/**
 * Microsoft sign-in for OneDrive, and the only module that speaks to MSAL: the rest of the
 * uploader sees an account, access tokens and TransferFaults. Should MSAL's public-client
 * support move or change, this folder is all that changes.
 *
 * Scopes: Files.ReadWrite (upload into the user's drive and list its folders), User.Read (the
 * account's name for the status), offline_access (a refresh token, so uploads go on for weeks
 * without the operator).
 */
export const ONEDRIVE_SCOPES = ['Files.ReadWrite', 'User.Read', 'offline_access'];

export interface OneDriveAuthSettings {
  clientId: string;
  tenant: string;
  authorityHost: string;
}

export interface OneDriveAuthOptions {
  settings(): OneDriveAuthSettings;
  fetch: typeof fetch;
  openBrowser(url: string): Promise<void>;
  secrets: SecretStore;
  logger: Logger;
  requestTimeoutMs(): number;
  /** How long a sign-in waits for the person in the browser. */
  signInTimeoutMs?: number;
}

export interface SignedInAccount {
  username: string;
  name: string | null;
  tenantId: string;
}

/** MSAL's codes that mean only the operator signing in again can help. */
const SIGN_IN_AGAIN = new Set([
  'invalid_grant',
  'interaction_required',
  'consent_required',
  'login_required',
  'bad_token',
  'no_tokens_found',
  'refresh_token_expired',
  'no_account_in_silent_request',
  'invalid_client',
  'unauthorized_client',
]);
const NO_CONNECTION = new Set(['network_error', 'no_network_connectivity']);
const SUCCESS_PAGE =
  '<!doctype html><title>Recording Uploader</title><p>Signed in to OneDrive. You can close this window and return to Recording Uploader.</p>';
const ERROR_PAGE =
  '<!doctype html><title>Recording Uploader</title><p>Sign-in to OneDrive did not complete. Return to Recording Uploader to try again.</p>';

export class OneDriveAuth {
  readonly #options: OneDriveAuthOptions;
  #app: { key: string; client: PublicClientApplication } | null = null;

  constructor(options: OneDriveAuthOptions) {
    this.#options = options;
  }

  /** Interactive sign-in in the browser (MSAL's loopback listener, PKCE, form_post). */
  async signIn(signal: AbortSignal): Promise<SignedInAccount> {
    const client = await this.#client();
    const limitMs = this.#options.signInTimeoutMs ?? 5 * 60_000;
    const timeout = AbortSignal.timeout(limitMs);
    const stop = AbortSignal.any([signal, timeout]);
    let listener: { redirectUri: string; state: string } | null = null;
    const release = (): void => {
      if (listener !== null)
        void this.#releaseListener(listener, timeout.aborted ? 'timed out' : 'cancelled');
    };
    stop.addEventListener('abort', release, { once: true });
    try {
      const result = await client.acquireTokenInteractive({
        scopes: ONEDRIVE_SCOPES,
        prompt: 'select_account',
        successTemplate: SUCCESS_PAGE,
        errorTemplate: ERROR_PAGE,
        openBrowser: async (url) => {
          listener = listenerOf(url);
          if (stop.aborted) release();
          else await this.#options.openBrowser(url);
        },
      });
      if (result.account === null) throw new Error('Microsoft sign-in returned no account');
      await this.#keepOnly(client, result.account);
      this.#options.logger.info('signed in to OneDrive', { tenant: result.account.tenantId });
      return accountOf(result.account);
    } catch (error) {
      if (timeout.aborted)
        throw new Error(`sign-in to OneDrive timed out after ${Math.round(limitMs / 1000)} s`);
      if (signal.aborted) throw new Error('sign-in to OneDrive was cancelled');
      throw new Error(`sign-in to OneDrive failed: ${describe(error)}`);
    } finally {
      stop.removeEventListener('abort', release);
    }
  }

  /**
   * A valid access token, refreshed silently when it is near its end (or at once with
   * `forceRefresh`, after the remote refused one). Throws TransferFault: `auth` when only a new
   * sign-in can help, `network` or `retriable` otherwise.
   */
  async accessToken(forceRefresh = false): Promise<string> {
    try {
      const client = await this.#client();
      const account = await this.#firstAccount(client);
      if (account === null) throw new TransferFault('auth', 'not signed in to OneDrive: connect to sign in');
      const result = await client.acquireTokenSilent({ account, scopes: ONEDRIVE_SCOPES, forceRefresh });
      holdSecret(result.accessToken);
      return result.accessToken;
    } catch (error) {
      throw authFault(error);
    }
  }

  async account(): Promise<SignedInAccount | null> {
    const account = await this.#firstAccount(await this.#client());
    return account === null ? null : accountOf(account);
  }

  /** Forgets the account and its whole token cache. */
  async signOut(): Promise<void> {
    try {
      const client = await this.#client();
      const cache = client.getTokenCache();
      for (const account of await cache.getAllAccounts()) await cache.removeAccount(account);
    } catch (error) {
      this.#options.logger.warn('OneDrive sign-out could not read the token cache', {
        reason: describe(error),
      });
    }
    await this.#options.secrets.delete(ONEDRIVE_CACHE_SECRET);
    this.#app = null;
  }

  /** Reads the credentials from the keychain again at the next use: another process may have signed in. */
  reload(): void {
    this.#app = null;
  }

  /** Identifies the stored credentials without revealing them: tells when another process signed in. */
  async credentialsFingerprint(): Promise<string | null> {
    const stored = await this.#options.secrets.get(ONEDRIVE_CACHE_SECRET);
    return credentialFingerprint(stored);
  }

  async #firstAccount(client: PublicClientApplication): Promise<AccountInfo | null> {
    const accounts = await client.getTokenCache().getAllAccounts();
    return accounts[0] ?? null;
  }

  /** One operator account at a time: a sign-in with another account replaces the old one. */
  async #keepOnly(client: PublicClientApplication, keep: AccountInfo): Promise<void> {
    const cache = client.getTokenCache();
    for (const account of await cache.getAllAccounts()) {
      if (account.homeAccountId !== keep.homeAccountId) await cache.removeAccount(account);
    }
  }

  /** Ends MSAL's loopback wait the way an identity provider would: an error answer with its state. */
  async #releaseListener(listener: { redirectUri: string; state: string }, why: string): Promise<void> {
    const port = new URL(listener.redirectUri).port;
    const body = new URLSearchParams({
      error: 'access_denied',
      error_description: `the sign-in ${why}`,
      state: listener.state,
    });
    await this.#options
      .fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      })
      .then((response) => response.body?.cancel())
      .catch(() => {});
  }

  async #client(): Promise<PublicClientApplication> {
    const settings = this.#options.settings();
    if (settings.clientId.trim() === '') {
      throw new TransferFault(
        'auth',
        'no OneDrive app registration is set (setting oneDriveClientId; see docs/onedrive-setup.md)',
      );
    }
    const key = JSON.stringify(settings);
    if (this.#app?.key === key) return this.#app.client;
    const { LogLevel, PublicClientApplication } = await msal.load();
    // Another call may have built the client while the library loaded.
    if (this.#app?.key === key) return this.#app.client;
    const authority = authorityConfig(settings.authorityHost, settings.tenant);
    const logger = this.#options.logger;
    const client = new PublicClientApplication({
      auth: {
        clientId: settings.clientId.trim(),
        authority: authority.authority,
        knownAuthorities: authority.knownAuthorities,
        authorityMetadata: authority.authorityMetadata,
        cloudDiscoveryMetadata: authority.cloudDiscoveryMetadata,
      },
      cache: { cachePlugin: secretCachePlugin(this.#options.secrets) },
      system: {
        networkClient: await hostNetworkModule(this.#options.fetch, this.#options.requestTimeoutMs),
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Warning,
          loggerCallback: (level, message, containsPii) => {
            if (!containsPii && level <= LogLevel.Warning)
              logger.warn('Microsoft sign-in library', { message });
          },
        },
      },
    });
    this.#app = { key, client };
    return client;
  }
}

function listenerOf(authorizeUrl: string): { redirectUri: string; state: string } {
  const params = new URL(authorizeUrl).searchParams;
  return { redirectUri: params.get('redirect_uri') ?? '', state: params.get('state') ?? '' };
}

function accountOf(account: AccountInfo): SignedInAccount {
  return { username: account.username, name: account.name ?? null, tenantId: account.tenantId };
}

/** MSAL's failures in the uploader's terms. */
export function authFault(error: unknown): TransferFault {
  if (error instanceof TransferFault) return error;
  const reason = describe(error);
  // Without the library loaded, no error can have come from it.
  const library = msal.loaded();
  if (library === null)
    return new TransferFault('retriable', `Microsoft sign-in failed: ${reason}`, { cause: error });
  const { AuthError, InteractionRequiredAuthError } = library;
  if (error instanceof InteractionRequiredAuthError) {
    return new TransferFault('auth', `OneDrive needs you to sign in again: ${reason}`, { cause: error });
  }
  if (error instanceof AuthError) {
    if (SIGN_IN_AGAIN.has(error.errorCode) || SIGN_IN_AGAIN.has(error.subError)) {
      return new TransferFault('auth', `OneDrive needs you to sign in again: ${reason}`, { cause: error });
    }
    if (NO_CONNECTION.has(error.errorCode)) {
      return new TransferFault('network', `Microsoft sign-in is unreachable: ${reason}`, { cause: error });
    }
  }
  return new TransferFault('retriable', `Microsoft sign-in failed: ${reason}`, { cause: error });
}

/** The first line of an error, without MSAL's trace and correlation ids. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const AuthError = msal.loaded()?.AuthError;
  const isAuthError = AuthError !== undefined && error instanceof AuthError;
  const code = isAuthError ? error.errorCode : '';
  const text = (isAuthError ? error.errorMessage : error.message) || error.message;
  const first = text.split(/\r?\n|Trace ID:/)[0]?.trim() ?? '';
  const message = first.length > 240 ? `${first.slice(0, 240)}…` : first;
  return code !== '' && !message.startsWith(code) ? `${code}${message ? ` (${message})` : ''}` : message;
}
