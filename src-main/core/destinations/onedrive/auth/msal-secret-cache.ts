import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import type { SecretStore } from '../../../auth/secret-store.ts';

/** The keychain entry of MSAL's token cache (large: the secret store seals it by envelope). */
export const ONEDRIVE_CACHE_SECRET = 'onedrive.token-cache';

/**
 * MSAL's token cache lives in the SecretStore, read before and written after every access,
 * so nothing of it ever touches SQLite, a settings file or a log, and another process that
 * signs in (the headless `connect`) is seen by this one.
 */
export function secretCachePlugin(secrets: SecretStore): ICachePlugin {
  return {
    beforeCacheAccess: async (context: TokenCacheContext) => {
      const stored = await secrets.get(ONEDRIVE_CACHE_SECRET);
      context.tokenCache.deserialize(stored ?? '{}');
    },
    afterCacheAccess: async (context: TokenCacheContext) => {
      if (context.cacheHasChanged) await secrets.set(ONEDRIVE_CACHE_SECRET, context.tokenCache.serialize());
    },
  };
}
