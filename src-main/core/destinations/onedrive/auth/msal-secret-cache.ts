import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import type { SecretStore } from '../../../auth/secret-store.ts';
import { holdSecretsOfCache } from '../../../logging/held-secrets.ts';

/** The keychain entry of MSAL's token cache (large: the secret store seals it by envelope). */
export const ONEDRIVE_CACHE_SECRET = 'onedrive.token-cache';

/**
 * MSAL's token cache lives in the SecretStore, so nothing of it ever touches SQLite, a settings
 * file or a log. It is read from the keychain once and written back whenever MSAL changed it;
 * between those, MSAL works on the copy in memory (which also spares the keychain a read for
 * every request).
 */
export function secretCachePlugin(secrets: SecretStore): ICachePlugin {
  let current: string | null = null;
  return {
    beforeCacheAccess: async (context: TokenCacheContext) => {
      // Only what was found is kept: an absent answer is asked again next time.
      current ??= await readCache(secrets);
      holdSecretsOfCache(current);
      context.tokenCache.deserialize(current ?? '{}');
    },
    afterCacheAccess: async (context: TokenCacheContext) => {
      if (!context.cacheHasChanged) return;
      current = context.tokenCache.serialize();
      holdSecretsOfCache(current);
      await secrets.set(ONEDRIVE_CACHE_SECRET, current);
    },
  };
}

/**
 * The Linux Secret Service has been seen answering "no entry" for an entry that exists, now and
 * then; an absent cache is asked for twice more before it counts as signed out.
 */
async function readCache(secrets: SecretStore): Promise<string | null> {
  for (let attempt = 0; ; attempt += 1) {
    const stored = await secrets.get(ONEDRIVE_CACHE_SECRET);
    if (stored !== null || attempt >= 2) return stored;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
