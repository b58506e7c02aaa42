import type { ConnectionView } from '../../../../src-shared/bridge-contract.ts';
import { originOf } from '../../../../src-shared/endpoints.ts';
import type { Settings } from '../../../../src-shared/settings.ts';
import { credentialFingerprint } from '../../auth/credential-fingerprint.ts';
import { EndpointBinding } from '../../auth/endpoint-binding.ts';
import { STORAGE_API_TOKEN_SECRET } from '../../auth/env-secret-store.ts';
import { type DestinationProvider, NotSupportedError, type RemoteFolders } from '../destination-provider.ts';
import type { ProviderContext } from '../provider-context.ts';
import { StorageApiDestination } from './storage-api-destination.ts';

/** The company storage API: a URL and an API token; no sign-in, no folders. */
export class StorageApiProvider implements DestinationProvider {
  readonly kind = 'storage-api' as const;
  readonly destination: StorageApiDestination;
  readonly folders: RemoteFolders = {
    list: () => Promise.reject(new NotSupportedError('the storage API has no folders to choose from')),
    create: () => Promise.reject(new NotSupportedError('the storage API has no folders to create')),
    describe: () => Promise.reject(new NotSupportedError('the storage API has no folders')),
  };
  readonly #context: ProviderContext;
  readonly #binding: EndpointBinding;
  #token: Promise<string | null> | null = null;
  #lastError: string | null = null;

  constructor(context: ProviderContext) {
    this.#context = context;
    this.#binding = new EndpointBinding({
      destination: this.kind,
      store: context.bindings,
      current: () => storageApiEndpoints(context.settings()),
      remedy: 'enter the storage API token again',
    });
    this.destination = new StorageApiDestination({
      baseUrl: () => context.settings().storageApiBaseUrl,
      token: () => {
        this.#binding.check();
        return this.#currentToken();
      },
      origins: () => context.origins(),
      http: context.http,
      now: () => context.host.clock.now(),
    });
  }

  isReady(): boolean {
    return this.#context.settings().storageApiBaseUrl !== '';
  }

  connection(): ConnectionView {
    const url = this.#context.settings().storageApiBaseUrl;
    const base = { destination: this.kind, label: url === '' ? null : url };
    if (url === '') return { ...base, state: 'not-configured', detail: 'no storage API URL is set' };
    const moved = this.#binding.problem();
    if (moved !== null) return { ...base, state: 'needs-auth', detail: moved };
    if (this.#lastError !== null) return { ...base, state: 'error', detail: this.#lastError };
    return { ...base, state: 'connected', detail: null };
  }

  async checkConnection(signal: AbortSignal): Promise<ConnectionView> {
    try {
      await this.destination.testConnection(signal);
      this.#lastError = null;
    } catch (error) {
      this.#lastError = error instanceof Error ? error.message : String(error);
    }
    return this.connection();
  }

  ping(signal: AbortSignal): Promise<void> {
    return this.destination.testConnection(signal);
  }

  /** The API token is typed or pasted by the operator: stored in the keychain, used at once. */
  async setToken(token: string): Promise<void> {
    const trimmed = token.trim();
    if (trimmed === '') throw new Error('the storage API token is empty');
    await this.#context.host.secrets.set(STORAGE_API_TOKEN_SECRET, trimmed);
    this.#binding.bind();
    this.#token = Promise.resolve(trimmed);
    this.#lastError = null;
  }

  connect(): Promise<ConnectionView> {
    return Promise.reject(new NotSupportedError('the storage API has no sign-in: set its URL and API token'));
  }

  async disconnect(): Promise<ConnectionView> {
    await this.#context.host.secrets.delete(STORAGE_API_TOKEN_SECRET);
    this.#binding.forget();
    this.#token = null;
    return this.connection();
  }

  /** None while the URL has moved from the one the token was given for: it may not be used there. */
  async credentialFingerprint(): Promise<string | null> {
    if (this.#binding.problem() !== null) return null;
    return credentialFingerprint(await this.#context.host.secrets.get(STORAGE_API_TOKEN_SECRET));
  }

  forgetCredentials(): void {
    this.#token = null;
  }

  #currentToken(): Promise<string | null> {
    this.#token ??= this.#context.host.secrets.get(STORAGE_API_TOKEN_SECRET);
    return this.#token;
  }
}

/** The storage API token is bound to the origin of the base URL it was entered for. */
export function storageApiEndpoints(settings: Settings): Record<string, string> {
  const origin = originOf(settings.storageApiBaseUrl);
  return origin === null ? {} : { storageApiBaseUrl: origin };
}
