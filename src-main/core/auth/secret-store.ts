/**
 * Where credentials live: the OS keychain, never SQLite, a settings file or a log.
 * Names are short and stable, e.g. "storage-api.token".
 */
export interface SecretStore {
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}
