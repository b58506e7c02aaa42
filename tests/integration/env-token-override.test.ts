import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCredentials } from '@napi-rs/keyring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EnvOverlaySecretStore,
  STORAGE_API_TOKEN_ENV,
  STORAGE_API_TOKEN_SECRET,
} from '../../src-main/core/auth/env-secret-store.ts';
import { KeychainSecretStore } from '../../src-main/core/auth/keychain-secret-store.ts';
import type { Logger } from '../../src-main/core/logging/logger.ts';

// Runs under the same private Secret Service as keychain-secret-store.test.ts.

const service = `recording-uploader-test-${randomBytes(4).toString('hex')}`;

describe('storage API token from the environment', () => {
  let dataDir: string;
  let keychain: KeychainSecretStore;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'env-token-'));
    keychain = new KeychainSecretStore({ service, namespace: 'install-env', dataDir });
  });

  afterAll(async () => {
    await keychain.delete(STORAGE_API_TOKEN_SECRET);
    await keychain.delete('onedrive.token-cache');
    expect(findCredentials(service)).toEqual([]);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('wins over the keychain on get while set and delete still reach the keychain', async () => {
    const env: Record<string, string | undefined> = { [STORAGE_API_TOKEN_ENV]: 'from-environment\n' };
    const store = new EnvOverlaySecretStore(keychain, { env });

    await store.set(STORAGE_API_TOKEN_SECRET, 'from-keychain');
    expect(await store.get(STORAGE_API_TOKEN_SECRET)).toBe('from-environment');
    expect(await keychain.get(STORAGE_API_TOKEN_SECRET)).toBe('from-keychain');

    env[STORAGE_API_TOKEN_ENV] = undefined;
    expect(await store.get(STORAGE_API_TOKEN_SECRET)).toBe('from-keychain');

    env[STORAGE_API_TOKEN_ENV] = 'from-environment';
    await store.delete(STORAGE_API_TOKEN_SECRET);
    expect(await keychain.get(STORAGE_API_TOKEN_SECRET)).toBeNull();
    expect(await store.get(STORAGE_API_TOKEN_SECRET)).toBe('from-environment');
  });

  it('ignores an empty variable and leaves every other secret to the keychain', async () => {
    const store = new EnvOverlaySecretStore(keychain, { env: { [STORAGE_API_TOKEN_ENV]: '  ' } });
    expect(await store.get(STORAGE_API_TOKEN_SECRET)).toBeNull();

    const overridden = new EnvOverlaySecretStore(keychain, { env: { [STORAGE_API_TOKEN_ENV]: 'env-token' } });
    await overridden.set('onedrive.token-cache', 'cache-value');
    expect(await overridden.get('onedrive.token-cache')).toBe('cache-value');
  });

  it('warns, without the token, when a saved token is shadowed by the variable', async () => {
    const warnings: string[] = [];
    const logger: Logger = {
      debug: () => {},
      info: () => {},
      warn: (message) => warnings.push(message),
      error: () => {},
    };
    const store = new EnvOverlaySecretStore(keychain, {
      env: { [STORAGE_API_TOKEN_ENV]: 'env-token' },
      logger,
    });
    await store.set(STORAGE_API_TOKEN_SECRET, 'saved-token');

    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(STORAGE_API_TOKEN_ENV);
    expect(warnings[0]).not.toMatch(/env-token|saved-token/);
  });
});
