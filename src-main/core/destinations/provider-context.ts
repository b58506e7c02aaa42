import type { Settings } from '../../../src-shared/settings.ts';
import type { HostServices } from '../host-services.ts';
import type { AccountStore } from '../store/account-store.ts';
import type { CredentialBindingStore } from '../store/credential-binding-store.ts';
import type { HttpClient } from './http-client.ts';

/** What every destination provider is built from. */
export interface ProviderContext {
  host: HostServices;
  /** The settings in force now (read on every use: they change at run time). */
  settings(): Settings;
  /** Persists setting changes a provider makes (e.g. the folder the app created for itself). */
  saveSettings(patch: Partial<Settings>): Promise<void>;
  accounts: AccountStore;
  /** The endpoints each destination's credentials were given for. */
  bindings: CredentialBindingStore;
  /** Where the policy lets uploads and credentials go besides each service's own origin. */
  origins(): OriginRules;
  http: HttpClient;
}

export interface OriginRules {
  /** Origins beyond the storage API's own that may receive its uploads and its token. */
  uploadOrigins: readonly string[];
  /** Plain-http origins allowed besides loopback. */
  plainHttpOrigins: readonly string[];
}
