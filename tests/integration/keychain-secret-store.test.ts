import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AsyncEntry, findCredentials } from '@napi-rs/keyring';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KeychainSecretStore } from '../../src-main/core/auth/keychain-secret-store.ts';
import type { LogFields, Logger } from '../../src-main/core/logging/logger.ts';

// Run under a private Secret Service:
// dbus-run-session -- bash -c 'echo pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; npx vitest run tests/integration/keychain-secret-store.test.ts'

const service = `recording-uploader-test-${randomBytes(4).toString('hex')}`;
const storeModule = pathToFileURL(
  join(import.meta.dirname, '../../src-main/core/auth/keychain-secret-store.ts'),
).href;

interface LoggedLine {
  level: string;
  message: string;
  fields: LogFields | undefined;
}

function recordingLogger(lines: LoggedLine[]): Logger {
  const log = (level: string) => (message: string, fields?: LogFields) => {
    lines.push({ level, message, fields });
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

const distinctive = (bytes: number): string => {
  let text = '';
  while (text.length < bytes) text += randomBytes(48).toString('base64url');
  return text.slice(0, bytes);
};

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

const keychainEntry = (account: string) =>
  new AsyncEntry(service, account, { linux: { store: 'secret-service' } });

describe('keychain secret store (real Secret Service)', () => {
  let dataDir: string;
  let otherDataDir: string;
  const created: Array<{ store: KeychainSecretStore; name: string }> = [];
  const logged: LoggedLine[] = [];

  const storeFor = (namespace: string, dir: string) => {
    const store = new KeychainSecretStore({
      service,
      namespace,
      dataDir: dir,
      logger: recordingLogger(logged),
    });
    return {
      store,
      set: async (name: string, value: string) => {
        created.push({ store, name });
        await store.set(name, value);
      },
    };
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keychain-store-'));
    otherDataDir = await mkdtemp(join(tmpdir(), 'keychain-store-other-'));
  });

  afterEach(async () => {
    for (const { store, name } of created.splice(0)) await store.delete(name);
    logged.splice(0);
  });

  afterAll(async () => {
    expect(findCredentials(service)).toEqual([]);
    await rm(dataDir, { recursive: true, force: true });
    await rm(otherDataDir, { recursive: true, force: true });
  });

  it('stores, reads and deletes a short secret in the keychain itself', async () => {
    const { store, set } = storeFor('install-a', dataDir);
    const token = distinctive(64);
    await set('storage-api.token', token);

    expect(await store.get('storage-api.token')).toBe(token);
    expect(await keychainEntry('install-a/storage-api.token').getPassword()).toBe(token);
    await expect(stat(store.blobPath('storage-api.token'))).rejects.toThrow(/ENOENT/);

    await store.delete('storage-api.token');
    expect(await store.get('storage-api.token')).toBeNull();
    expect(await keychainEntry('install-a/storage-api.token').getPassword()).toBeNull();
  });

  it('keeps a 10 KB secret as ciphertext on disk with only its key in the keychain', async () => {
    const { store, set } = storeFor('install-a', dataDir);
    const cache = distinctive(10 * 1024);
    await set('onedrive.token-cache', cache);

    expect(await store.get('onedrive.token-cache')).toBe(cache);
    expect(await keychainEntry('install-a/onedrive.token-cache').getPassword()).toBeNull();
    const key = await keychainEntry('install-a/onedrive.token-cache#envelope-key').getPassword();
    expect(Buffer.from(key ?? '', 'base64')).toHaveLength(32);

    const blobPath = store.blobPath('onedrive.token-cache');
    expect((await stat(blobPath)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'secrets'))).mode & 0o777).toBe(0o700);
    const probe = cache.slice(5000, 5032);
    for (const file of await filesUnder(dataDir)) {
      const bytes = await readFile(file);
      expect(bytes.includes(probe)).toBe(false);
      expect(bytes.toString('latin1').includes(probe)).toBe(false);
    }
    expect(await readdir(join(dataDir, 'secrets'))).toEqual(['onedrive.token-cache.bin']);

    await store.delete('onedrive.token-cache');
    expect(await store.get('onedrive.token-cache')).toBeNull();
    await expect(stat(blobPath)).rejects.toThrow(/ENOENT/);
    expect(await keychainEntry('install-a/onedrive.token-cache#envelope-key').getPassword()).toBeNull();
  });

  it('switches a secret between inline and envelope storage without leaving the old form behind', async () => {
    const { store, set } = storeFor('install-a', dataDir);
    const large = distinctive(5000);
    const larger = distinctive(8000);
    await set('gdrive.token', 'short-value');
    await set('gdrive.token', large);
    expect(await store.get('gdrive.token')).toBe(large);
    expect(await keychainEntry('install-a/gdrive.token').getPassword()).toBeNull();

    await set('gdrive.token', larger);
    expect(await store.get('gdrive.token')).toBe(larger);

    await set('gdrive.token', 'short-again');
    expect(await store.get('gdrive.token')).toBe('short-again');
    await expect(stat(store.blobPath('gdrive.token'))).rejects.toThrow(/ENOENT/);
    expect(await keychainEntry('install-a/gdrive.token#envelope-key').getPassword()).toBeNull();
  });

  it('keeps the secrets of two data folders apart', async () => {
    const a = storeFor('install-a', dataDir);
    const b = storeFor('install-b', otherDataDir);
    await a.set('storage-api.token', 'token-of-a');
    await a.set('onedrive.token-cache', distinctive(4000));

    expect(await b.store.get('storage-api.token')).toBeNull();
    expect(await b.store.get('onedrive.token-cache')).toBeNull();

    await b.set('storage-api.token', 'token-of-b');
    expect(await a.store.get('storage-api.token')).toBe('token-of-a');
    expect(await b.store.get('storage-api.token')).toBe('token-of-b');
  });

  it('treats a tampered blob as absent and says so without leaking it', async () => {
    const { store, set } = storeFor('install-a', dataDir);
    const cache = distinctive(3000);
    await set('onedrive.token-cache', cache);
    const blobPath = store.blobPath('onedrive.token-cache');
    const blob = await readFile(blobPath);
    blob[blob.length - 10] = (blob[blob.length - 10] ?? 0) ^ 0x01;
    await writeFile(blobPath, blob);

    expect(await store.get('onedrive.token-cache')).toBeNull();
    expect(logged).toHaveLength(1);
    expect(logged[0]?.level).toBe('error');
    expect(logged[0]?.message).toMatch(/secret "onedrive\.token-cache".*failed authentication/);
    expect(JSON.stringify(logged)).not.toContain(cache.slice(0, 16));
  });

  it('refuses a blob moved over another secret name', async () => {
    const { store, set } = storeFor('install-a', dataDir);
    await set('first.cache', distinctive(2000));
    await set('second.cache', distinctive(2000));
    // Same key for both names, so only the name bound into the blob tells them apart.
    const firstKey = await keychainEntry('install-a/first.cache#envelope-key').getPassword();
    await keychainEntry('install-a/second.cache#envelope-key').setPassword(firstKey ?? '');
    await copyFile(store.blobPath('first.cache'), store.blobPath('second.cache'));

    expect(await store.get('second.cache')).toBeNull();
    expect(logged.map((l) => l.message).join('\n')).toMatch(/secret "second\.cache".*failed authentication/);
  });

  it('treats a blob whose key is gone from the keychain as absent and reports it', async () => {
    const { store, set } = storeFor('install-a', dataDir);
    await set('gdrive.token', distinctive(2000));
    await keychainEntry('install-a/gdrive.token#envelope-key').deleteCredential();

    expect(await store.get('gdrive.token')).toBeNull();
    expect(logged.map((l) => `${l.level} ${l.message}`).join('\n')).toMatch(
      /warn secret "gdrive\.token": an encrypted file exists but its key is no longer in the OS keychain/,
    );
  });

  it('rejects a secret name that could escape the secrets folder', async () => {
    const { store } = storeFor('install-a', dataDir);
    await expect(store.set('../outside', 'x')).rejects.toThrow(/secret name/);
    await expect(store.get('a/b')).rejects.toThrow(/secret name/);
  });

  it('names the OS keychain and the environment variable when there is no Secret Service', () => {
    const script = `
      const { KeychainSecretStore } = await import(${JSON.stringify(storeModule)});
      const store = new KeychainSecretStore({ service: ${JSON.stringify(service)}, namespace: 'x', dataDir: ${JSON.stringify(dataDir)} });
      try { await store.get('storage-api.token'); console.log('no error'); }
      catch (error) { console.log(error.name + ': ' + error.message); }
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    expect(child.stdout).toMatch(/^KeychainUnavailableError: the OS keychain is unavailable/);
    expect(child.stdout).toContain('RECORDING_UPLOADER_STORAGE_API_TOKEN');
    expect(child.stdout).toContain('"storage-api.token"');
  });
});
