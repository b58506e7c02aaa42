import type { ConnectionView } from '../../../../src-shared/bridge-contract.ts';
import { originOf } from '../../../../src-shared/endpoints.ts';
import { formatBytes } from '../../../../src-shared/format-units.ts';
import type { Settings } from '../../../../src-shared/settings.ts';
import { credentialFingerprint } from '../../auth/credential-fingerprint.ts';
import { EndpointBinding } from '../../auth/endpoint-binding.ts';
import { TransferFault } from '../../faults.ts';
import { afterSignIn } from '../after-sign-in.ts';
import type { DestinationProvider, RemoteFolders } from '../destination-provider.ts';
import type { ProviderContext } from '../provider-context.ts';
import { DriveApi } from './drive-api.ts';
import { DriveDestination } from './drive-destination.ts';
import { DriveFolders } from './drive-folders.ts';
import { GoogleCredentials } from './google-credentials.ts';

/** How long the operator has to finish signing in in the browser. */
const SIGN_IN_TIMEOUT_MS = 5 * 60 * 1000;

/**
 * Google Drive: sign-in through the system browser, the account and its quota, the folder
 * browser, and the resumable destination. The refresh token is in the keychain; the account's
 * e-mail and quota (never a token) are in the account store.
 */
export class DriveProvider implements DestinationProvider {
  readonly kind = 'gdrive' as const;
  readonly destination: DriveDestination;
  readonly #context: ProviderContext;
  readonly #credentials: GoogleCredentials;
  readonly #api: DriveApi;
  readonly #folders: DriveFolders;
  readonly folders: RemoteFolders;
  readonly #binding: EndpointBinding;
  #lastError: string | null = null;

  constructor(context: ProviderContext) {
    this.#context = context;
    this.#binding = new EndpointBinding({
      destination: this.kind,
      store: context.bindings,
      current: () => googleEndpoints(context.settings()),
      remedy: 'sign in to Google Drive again',
    });
    this.#credentials = new GoogleCredentials({
      settings: () => context.settings(),
      host: context.host,
      binding: this.#binding,
    });
    this.#api = new DriveApi({
      baseUrl: () => context.settings().driveApiBaseUrl,
      origins: () => context.origins(),
      http: context.http,
      credentials: this.#credentials,
      now: () => context.host.clock.now(),
    });
    this.#folders = new DriveFolders(this.#api, context);
    this.folders = this.#folders;
    this.destination = new DriveDestination({
      api: this.#api,
      folders: this.#folders,
      settings: () => context.settings(),
      now: () => context.host.clock.now(),
      logger: context.host.logger,
    });
  }

  isReady(): boolean {
    return this.#configured() && this.#context.accounts.get(this.kind) !== null;
  }

  connection(): ConnectionView {
    const account = this.#context.accounts.get(this.kind);
    const base = { destination: this.kind, label: account?.label ?? null };
    if (!this.#configured()) {
      return {
        ...base,
        state: 'not-configured',
        detail: 'set googleClientId and googleClientSecret (see docs/google-drive-setup.md)',
      };
    }
    if (account === null)
      return { ...base, state: 'not-configured', detail: 'not signed in to Google Drive' };
    const moved = this.#binding.problem();
    if (moved !== null) return { ...base, state: 'needs-auth', detail: moved };
    const scope = this.#context.settings().googleDriveScope;
    if (account.details.scope !== undefined && account.details.scope !== scope) {
      return {
        ...base,
        state: 'needs-auth',
        detail: `Drive access was changed to "${scope}": sign in again to grant it`,
      };
    }
    if (this.#lastError !== null) return { ...base, state: 'error', detail: this.#lastError };
    const detail = describeAccount(account.details, this.#context.settings().googleDriveFolder?.path);
    return { ...base, state: 'connected', detail: detail === '' ? null : detail };
  }

  async checkConnection(signal: AbortSignal): Promise<ConnectionView> {
    try {
      await this.#refreshAccount(signal);
      this.#lastError = null;
    } catch (error) {
      this.#lastError = error instanceof Error ? error.message : String(error);
    }
    return this.connection();
  }

  async ping(signal: AbortSignal): Promise<void> {
    await this.#api.about(signal);
  }

  async connect(signal: AbortSignal): Promise<ConnectionView> {
    if (!this.#configured()) {
      throw new Error(
        'Google Drive needs googleClientId and googleClientSecret first (see docs/google-drive-setup.md)',
      );
    }
    const scope = this.#context.settings().googleDriveScope;
    const previous = this.#context.accounts.get(this.kind);
    await this.#credentials.signIn(scope, SIGN_IN_TIMEOUT_MS, signal);
    this.#lastError = null;
    // The refresh token is stored: a passing failure of the account call is no failed sign-in.
    const about = await afterSignIn(() => this.#refreshAccount(signal), signal);
    if (previous !== null && previous.label !== about.user.emailAddress) {
      // Another account: folders remembered for the old one mean nothing here.
      this.#context.accounts.clear(this.kind);
      this.#folders.forgetPaths();
      await this.#refreshAccount(signal);
    }
    await this.#checkChosenFolder(signal);
    this.#context.host.logger.info('signed in to Google Drive', { account: about.user.emailAddress, scope });
    return this.connection();
  }

  async disconnect(): Promise<ConnectionView> {
    const problem = await this.#credentials.revoke();
    if (problem !== null)
      this.#context.host.logger.warn('Google Drive sign-out: the revocation at Google failed', {
        reason: problem,
      });
    this.#context.accounts.clear(this.kind);
    this.#folders.forgetPaths();
    this.#lastError = null;
    return this.connection();
  }

  /** None while an endpoint has moved from those the sign-in was made for: it may not be used there. */
  async credentialFingerprint(): Promise<string | null> {
    if (this.#binding.problem() !== null) return null;
    return credentialFingerprint(await this.#credentials.stored());
  }

  forgetCredentials(): void {
    this.#credentials.forget();
  }

  #configured(): boolean {
    const settings = this.#context.settings();
    return settings.googleClientId !== '' && settings.googleClientSecret !== '';
  }

  async #refreshAccount(signal: AbortSignal) {
    const about = await this.#api.about(signal);
    const quota = about.storageQuota;
    this.#context.accounts.set(this.kind, about.user.emailAddress, {
      displayName: about.user.displayName ?? null,
      quotaUsedBytes: quota?.usage ?? null,
      quotaLimitBytes: quota?.limit ?? null,
      scope: this.#context.settings().googleDriveScope,
    });
    return about;
  }

  /** A chosen folder this sign-in cannot reach (another account, deleted) gives way to the app's. */
  async #checkChosenFolder(signal: AbortSignal): Promise<void> {
    const chosen = this.#context.settings().googleDriveFolder;
    if (chosen === null) {
      await this.#folders.root(signal);
      return;
    }
    try {
      await this.#folders.describe(chosen.id, signal);
    } catch (error) {
      // Only a folder Drive says is not there (or not a folder) is replaced, not one out of reach for a moment.
      if (error instanceof TransferFault) {
        this.#context.host.logger.warn('Google Drive: the chosen folder could not be checked', {
          reason: error.message,
        });
        return;
      }
      await this.#folders.resetRoot(error instanceof Error ? error.message : String(error));
      await this.#folders.root(signal);
    }
  }
}

function describeAccount(
  details: Record<string, string | number | boolean | null>,
  folderPath: string | undefined,
): string {
  const used = details.quotaUsedBytes;
  const limit = details.quotaLimitBytes;
  const parts: string[] = [];
  if (typeof used === 'number') {
    parts.push(
      typeof limit === 'number'
        ? `${size(used)} of ${size(limit)} used`
        : `${size(used)} used (no quota limit)`,
    );
  }
  if (folderPath !== undefined) parts.push(`uploading to ${folderPath}`);
  return parts.join('; ');
}

const size = (bytes: number): string => formatBytes(bytes, 'en-US');

/**
 * The refresh token goes only to the token endpoint that issued it (and the revocation endpoint
 * of the same sign-in); its access tokens only to the Drive API's origin of that sign-in.
 */
export function googleEndpoints(settings: Settings): Record<string, string> {
  return {
    googleTokenUrl: settings.googleTokenUrl,
    googleRevokeUrl: settings.googleRevokeUrl,
    driveApiBaseUrl: originOf(settings.driveApiBaseUrl) ?? settings.driveApiBaseUrl,
  };
}
