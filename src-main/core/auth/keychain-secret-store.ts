import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AsyncEntry } from '@napi-rs/keyring';
import { holdSecret } from '../logging/held-secrets.ts';
import type { Logger } from '../logging/logger.ts';
import { STORAGE_API_TOKEN_ENV } from './env-secret-store.ts';
import {
  ENVELOPE_KEY_BYTES,
  EnvelopeError,
  newEnvelopeKey,
  openSecret,
  sealSecret,
} from './secret-envelope.ts';
import type { SecretStore } from './secret-store.ts';

/**
 * Windows Credential Manager caps one secret at 2,560 bytes of UTF-16; 1,000 UTF-8 bytes stays
 * under that for any text, so every platform takes the same path for the same value.
 */
export const INLINE_LIMIT_BYTES = 1000;

const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const NAMESPACE = /^[^\s/#]+$/;
const KEY_SUFFIX = '#envelope-key';

export class KeychainUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeychainUnavailableError';
  }
}

export interface KeychainSecretStoreOptions {
  service?: string;
  /** The install id of the data folder, so two data folders never share secrets. */
  namespace: string;
  dataDir: string;
  logger?: Logger;
}

/**
 * Secrets in the OS keychain. A value too large for every keychain is stored by envelope: the
 * keychain holds a random 256-bit key, the data folder holds the value sealed with it.
 *
 * Per secret there are two keychain entries: "<ns>/<name>" (the value itself) and
 * "<ns>/<name>#envelope-key". The value entry wins when both exist. Every write is ordered so
 * that the switch from old to new happens in one keychain step, after everything the new
 * value needs is in place: a crash at any point leaves the old value or the new one, never neither.
 */
export class KeychainSecretStore implements SecretStore {
  readonly #service: string;
  readonly #namespace: string;
  readonly #secretsDir: string;
  readonly #logger: Logger | undefined;

  constructor(options: KeychainSecretStoreOptions) {
    if (!NAMESPACE.test(options.namespace)) {
      throw new Error(
        `the secret store namespace must be a non-empty id without spaces, "/" or "#", got ${JSON.stringify(options.namespace)}`,
      );
    }
    this.#service = options.service ?? 'recording-uploader';
    this.#namespace = options.namespace;
    this.#secretsDir = join(options.dataDir, 'secrets');
    this.#logger = options.logger;
  }

  /** Where the sealed value of a large secret lives (exposed so hosts and tests can show or scan it). */
  blobPath(name: string): string {
    checkName(name);
    return join(this.#secretsDir, `${name}.bin`);
  }

  async get(name: string): Promise<string | null> {
    const value = await this.#get(name);
    holdSecret(value);
    return value;
  }

  async #get(name: string): Promise<string | null> {
    checkName(name);
    const inline = await this.#read(name, this.#valueAccount(name));
    if (inline !== null) return inline;
    const encodedKey = await this.#read(name, this.#keyAccount(name));
    if (encodedKey === null) {
      await this.#reportOrphanBlob(name);
      return null;
    }
    return this.#openBlob(name, encodedKey);
  }

  async set(name: string, value: string): Promise<void> {
    checkName(name);
    if (typeof value !== 'string') throw new TypeError(`the secret "${name}" must be a string`);
    holdSecret(value);
    if (Buffer.byteLength(value, 'utf8') <= INLINE_LIMIT_BYTES) {
      await this.#write(name, this.#valueAccount(name), value);
      await this.#remove(name, this.#keyAccount(name));
      await rm(this.blobPath(name), { force: true });
      return;
    }
    // Keeping an existing key lets the atomic file rename alone switch to the new value.
    const existing = decodeKey(await this.#read(name, this.#keyAccount(name)));
    const key = existing ?? newEnvelopeKey();
    await this.#writeBlob(name, sealSecret(key, name, value));
    if (existing === null) await this.#write(name, this.#keyAccount(name), key.toString('base64'));
    await this.#remove(name, this.#valueAccount(name));
  }

  async delete(name: string): Promise<void> {
    checkName(name);
    await this.#remove(name, this.#valueAccount(name));
    await this.#remove(name, this.#keyAccount(name));
    await rm(this.blobPath(name), { force: true });
  }

  #valueAccount(name: string): string {
    return `${this.#namespace}/${name}`;
  }

  #keyAccount(name: string): string {
    return `${this.#namespace}/${name}${KEY_SUFFIX}`;
  }

  async #openBlob(name: string, encodedKey: string): Promise<string | null> {
    const path = this.blobPath(name);
    const key = decodeKey(encodedKey);
    if (key === null) {
      this.#logger?.error(
        `secret "${name}": its envelope key in the OS keychain is malformed; treating it as absent`,
      );
      return null;
    }
    let blob: Buffer;
    try {
      blob = await readFile(path);
    } catch (error) {
      this.#logger?.error(`secret "${name}": its encrypted file cannot be read; treating it as absent`, {
        file: path,
        reason: errorCode(error),
      });
      return null;
    }
    try {
      return openSecret(key, name, blob);
    } catch (error) {
      if (!(error instanceof EnvelopeError)) throw error;
      this.#logger?.error(`secret "${name}": its encrypted file ${error.message}; treating it as absent`, {
        file: path,
      });
      return null;
    }
  }

  async #reportOrphanBlob(name: string): Promise<void> {
    const path = this.blobPath(name);
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    if (exists) {
      this.#logger?.warn(
        `secret "${name}": an encrypted file exists but its key is no longer in the OS keychain; treating it as absent`,
        { file: path },
      );
    }
  }

  async #writeBlob(name: string, blob: Buffer): Promise<void> {
    await mkdir(this.#secretsDir, { recursive: true, mode: 0o700 });
    // mkdir leaves an existing folder's mode alone; the blobs must not be readable by others.
    await chmod(this.#secretsDir, 0o700);
    await writeFileAtomic(this.blobPath(name), blob);
  }

  async #read(name: string, account: string): Promise<string | null> {
    return this.#keychain('read', name, account, (entry) => entry.getPassword());
  }

  async #write(name: string, account: string, value: string): Promise<void> {
    await this.#keychain('store', name, account, (entry) => entry.setPassword(value));
  }

  async #remove(name: string, account: string): Promise<void> {
    await this.#keychain('delete', name, account, (entry) => entry.deleteCredential());
  }

  async #keychain<T>(
    action: string,
    name: string,
    account: string,
    operation: (entry: AsyncEntry) => Promise<T>,
  ): Promise<T> {
    try {
      // Pinned to the Secret Service on Linux: the fallback, the kernel keyring, forgets every
      // secret at reboot, which would silently disconnect every destination.
      const entry = new AsyncEntry(this.#service, account, {
        linux: { store: 'secret-service' },
      });
      return await operation(entry);
    } catch (error) {
      throw new KeychainUnavailableError(
        `the OS keychain is unavailable: cannot ${action} the secret "${name}" (${describe(error)}). ` +
          'Start or unlock the keychain (on Linux a Secret Service such as gnome-keyring or KWallet), ' +
          `or, for the storage API token, set the environment variable ${STORAGE_API_TOKEN_ENV} instead.`,
        { cause: error },
      );
    }
  }
}

function checkName(name: string): void {
  if (typeof name !== 'string' || !SECRET_NAME.test(name)) {
    throw new Error(
      `a secret name is letters, digits, ".", "_" and "-" (it names a file), got ${JSON.stringify(name)}`,
    );
  }
}

function decodeKey(encoded: string | null): Buffer | null {
  if (encoded === null) return null;
  const key = Buffer.from(encoded, 'base64');
  return key.length === ENVELOPE_KEY_BYTES ? key : null;
}

async function writeFileAtomic(path: string, data: Buffer): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    // Without the flush a power cut after the rename can leave an empty file under the real name.
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const errorCode = (error: unknown): string =>
  error instanceof Error && 'code' in error ? String(error.code) : describe(error);
