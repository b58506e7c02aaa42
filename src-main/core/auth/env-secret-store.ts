import { holdSecret } from '../logging/held-secrets.ts';
import type { Logger } from '../logging/logger.ts';
import type { SecretStore } from './secret-store.ts';

export const STORAGE_API_TOKEN_SECRET = 'storage-api.token';
export const STORAGE_API_TOKEN_ENV = 'RECORDING_UPLOADER_STORAGE_API_TOKEN';

export interface EnvOverlayOptions {
  /** Read on every get(), so a host or a test may change it after construction. */
  env?: Record<string, string | undefined>;
  logger?: Logger;
}

/**
 * Lets a server with no OS keychain (no one logged in, no Secret Service) pass the storage API
 * token in the environment. The environment wins on get(); writes still go to the wrapped store,
 * because the environment is the host's to set, not ours.
 */
export class EnvOverlaySecretStore implements SecretStore {
  readonly #inner: SecretStore;
  readonly #env: Record<string, string | undefined>;
  readonly #logger: Logger | undefined;

  constructor(inner: SecretStore, options: EnvOverlayOptions = {}) {
    this.#inner = inner;
    this.#env = options.env ?? process.env;
    this.#logger = options.logger;
  }

  async get(name: string): Promise<string | null> {
    const fromEnv = this.#fromEnv(name);
    if (fromEnv !== null) return fromEnv;
    return this.#inner.get(name);
  }

  async set(name: string, value: string): Promise<void> {
    await this.#inner.set(name, value);
    if (this.#fromEnv(name) !== null) {
      // Otherwise an operator who saves a new token would wonder why the old one is still used.
      this.#logger?.warn(
        `the secret "${name}" was saved, but ${STORAGE_API_TOKEN_ENV} is set and takes precedence over it`,
      );
    }
  }

  async delete(name: string): Promise<void> {
    await this.#inner.delete(name);
  }

  #fromEnv(name: string): string | null {
    if (name !== STORAGE_API_TOKEN_SECRET) return null;
    // Trimmed because tokens never contain white space, but files and shells add newlines.
    const value = this.#env[STORAGE_API_TOKEN_ENV]?.trim();
    holdSecret(value);
    return value ? value : null;
  }
}
