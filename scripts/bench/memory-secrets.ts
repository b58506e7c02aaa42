import type { SecretStore } from '../../src-main/core/auth/secret-store.ts';

/**
 * Tokens kept in memory for one bench run: a bench machine need not have a keychain, and nothing
 * of them outlives the run.
 */
export function memorySecrets(): SecretStore {
  const values = new Map<string, string>();
  return {
    get: async (name) => values.get(name) ?? null,
    set: async (name, value) => {
      values.set(name, value);
    },
    delete: async (name) => {
      values.delete(name);
    },
  };
}
