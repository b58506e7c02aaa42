import type { ConnectionView } from '../../../../src-shared/bridge-contract.ts';
import { originOf } from '../../../../src-shared/endpoints.ts';
import { formatBytes } from '../../../../src-shared/format-units.ts';
import type { Settings } from '../../../../src-shared/settings.ts';
import { EndpointBinding } from '../../auth/endpoint-binding.ts';
import { isFault } from '../../faults.ts';
import { afterSignIn } from '../after-sign-in.ts';
import type { DestinationProvider, RemoteFolders } from '../destination-provider.ts';
import type { ProviderContext } from '../provider-context.ts';
import { OneDriveAuth } from './auth/onedrive-auth.ts';
import { GraphClient } from './graph-client.ts';
import { driveAnswer, meAnswer } from './graph-schemas.ts';
import { OneDriveDestination } from './onedrive-destination.ts';
import { OneDriveFolders } from './onedrive-folders.ts';

export interface OneDriveProviderOptions {
  /** How long a sign-in waits for the person in the browser. */
  signInTimeoutMs?: number;
}

/**
 * OneDrive for the uploader: Microsoft sign-in, the account and drive for the status (name,
 * UPN, drive type, free space), the folder picker, and the upload destination.
 */
export class OneDriveProvider implements DestinationProvider {
  readonly kind = 'onedrive' as const;
  readonly destination: OneDriveDestination;
  readonly #context: ProviderContext;
  readonly #auth: OneDriveAuth;
  readonly #graph: GraphClient;
  readonly #folders: OneDriveFolders;
  readonly folders: RemoteFolders;
  readonly #binding: EndpointBinding;
  #lastError: string | null = null;

  constructor(context: ProviderContext, options: OneDriveProviderOptions = {}) {
    this.#context = context;
    const { host } = context;
    this.#binding = new EndpointBinding({
      destination: this.kind,
      store: context.bindings,
      current: () => oneDriveEndpoints(context.settings()),
      remedy: 'sign in to OneDrive again',
    });
    this.#auth = new OneDriveAuth({
      settings: () => {
        const s = context.settings();
        return {
          clientId: s.oneDriveClientId,
          tenant: s.oneDriveTenant,
          authorityHost: s.oneDriveAuthorityHost,
        };
      },
      fetch: host.fetch,
      openBrowser: (url) => host.openBrowser(url),
      secrets: host.secrets,
      logger: host.logger,
      requestTimeoutMs: () => context.settings().requestTimeoutSeconds * 1000,
      ...(options.signInTimeoutMs === undefined ? {} : { signInTimeoutMs: options.signInTimeoutMs }),
    });
    this.#graph = new GraphClient({
      baseUrl: () => context.settings().graphBaseUrl,
      plainHttpOrigins: () => context.origins().plainHttpOrigins,
      http: context.http,
      // The refresh token goes only to the authority that issued it, the access token only to its Graph.
      token: (forceRefresh) => {
        this.#binding.check();
        return this.#auth.accessToken(forceRefresh);
      },
      now: () => host.clock.now(),
    });
    this.#folders = new OneDriveFolders(this.#graph, () => this.#driveId());
    this.folders = this.#folders;
    this.destination = new OneDriveDestination({
      graph: this.#graph,
      folders: this.#folders,
      settings: () => context.settings(),
      accounts: context.accounts,
      logger: host.logger,
    });
  }

  isReady(): boolean {
    return (
      this.#context.settings().oneDriveClientId.trim() !== '' &&
      this.#context.accounts.get(this.kind) !== null
    );
  }

  connection(): ConnectionView {
    const account = this.#context.accounts.get(this.kind);
    const base = { destination: this.kind, label: account?.label ?? null };
    if (this.#context.settings().oneDriveClientId.trim() === '') {
      return { ...base, state: 'not-configured', detail: 'no app registration is set (oneDriveClientId)' };
    }
    if (account === null)
      return { ...base, state: 'needs-auth', detail: 'not signed in: connect to sign in' };
    const moved = this.#binding.problem();
    if (moved !== null) return { ...base, state: 'needs-auth', detail: moved };
    if (this.#lastError !== null) return { ...base, state: 'error', detail: this.#lastError };
    return { ...base, state: 'connected', detail: describeDrive(account.details) };
  }

  /** Throws the auth fault when Microsoft refuses the stored sign-in: the uploader holds the destination. */
  async checkConnection(signal: AbortSignal): Promise<ConnectionView> {
    if (this.isReady()) {
      try {
        await this.#refreshAccount(signal);
        this.#lastError = null;
      } catch (error) {
        if (isFault(error, 'auth')) throw error;
        this.#lastError = error instanceof Error ? error.message : String(error);
      }
    }
    return this.connection();
  }

  async ping(signal: AbortSignal): Promise<void> {
    await this.#get('/me/drive', 'id', driveAnswer, signal);
  }

  async connect(signal: AbortSignal): Promise<ConnectionView> {
    await this.#auth.signIn(signal);
    this.#binding.bind();
    this.#lastError = null;
    // The token cache is stored: a passing failure of the account call is no failed sign-in.
    await afterSignIn(
      () => this.#refreshAccount(AbortSignal.any([signal, AbortSignal.timeout(this.#timeoutMs())])),
      signal,
    );
    return this.connection();
  }

  async disconnect(): Promise<ConnectionView> {
    await this.#auth.signOut();
    this.#binding.forget();
    this.#context.accounts.clear(this.kind);
    this.#lastError = null;
    // A folder id means nothing in another account's drive.
    if (this.#context.settings().oneDriveFolder !== null)
      await this.#context.saveSettings({ oneDriveFolder: null });
    this.#context.host.logger.info('signed out of OneDrive');
    return this.connection();
  }

  /** None while an endpoint has moved from those the sign-in was made for: it may not be used there. */
  credentialFingerprint(): Promise<string | null> {
    if (this.#binding.problem() !== null) return Promise.resolve(null);
    return this.#auth.credentialsFingerprint();
  }

  forgetCredentials(): void {
    this.#auth.reload();
  }

  /** Who is signed in and what their drive holds: GET /me and GET /me/drive. */
  async #refreshAccount(signal: AbortSignal): Promise<void> {
    const me = await this.#get('/me', 'displayName,userPrincipalName,id', meAnswer, signal);
    const drive = await this.#get('/me/drive', 'id,driveType,quota', driveAnswer, signal);
    const upn = me.userPrincipalName ?? null;
    const name = me.displayName ?? null;
    const label = name !== null && upn !== null ? `${name} (${upn})` : (name ?? upn ?? 'OneDrive account');
    this.#context.accounts.set(this.kind, label, {
      displayName: name,
      userPrincipalName: upn,
      driveId: drive.id,
      driveType: drive.driveType ?? null,
      quotaTotal: drive.quota?.total ?? null,
      quotaRemaining: drive.quota?.remaining ?? null,
      quotaState: drive.quota?.state ?? null,
    });
  }

  async #get<T>(
    path: string,
    fields: string,
    schema: import('zod').ZodType<T>,
    signal: AbortSignal,
  ): Promise<T> {
    const what = `GET ${path}`;
    const url = this.#graph.url(path, { $select: fields });
    const response = await this.#graph.send({ method: 'GET', url, what }, signal);
    if (!response.ok) throw await this.#graph.fault(response, what);
    return this.#graph.json(response, schema, what) as Promise<T>;
  }

  /** The drive of the chosen folder, else the signed-in user's own. */
  #driveId(): string | null {
    return this.#context.settings().oneDriveFolder?.driveId ?? null;
  }

  #timeoutMs(): number {
    return this.#context.settings().requestTimeoutSeconds * 1000;
  }
}

function describeDrive(details: Record<string, string | number | boolean | null>): string {
  const type = typeof details.driveType === 'string' ? `OneDrive ${details.driveType}` : 'OneDrive';
  const remaining = details.quotaRemaining;
  return typeof remaining === 'number' ? `${type}, ${formatBytes(remaining, 'en-US')} free` : type;
}

/** OneDrive's credentials are bound to the sign-in authority and the Graph they were given for. */
export function oneDriveEndpoints(settings: Settings): Record<string, string> {
  return {
    oneDriveAuthorityHost: originOf(settings.oneDriveAuthorityHost) ?? settings.oneDriveAuthorityHost,
    graphBaseUrl: originOf(settings.graphBaseUrl) ?? settings.graphBaseUrl,
  };
}
