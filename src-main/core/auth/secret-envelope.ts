import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The on-disk form of a secret too large for the OS keychain:
 *   [version: 1 byte][IV: 12 bytes][auth tag: 16 bytes][AES-256-GCM ciphertext]
 * The secret's name is the additional authenticated data, so a blob copied over another
 * secret's file fails authentication instead of being read as that secret.
 */
export const ENVELOPE_VERSION = 1;
export const ENVELOPE_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

export class EnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

export const newEnvelopeKey = (): Buffer => randomBytes(ENVELOPE_KEY_BYTES);

export function sealSecret(key: Buffer, name: string, value: string): Buffer {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(name, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.of(ENVELOPE_VERSION), iv, cipher.getAuthTag(), ciphertext]);
}

/** Throws EnvelopeError, whose message never contains key or plaintext material. */
export function openSecret(key: Buffer, name: string, blob: Buffer): string {
  checkKey(key);
  if (blob.length < HEADER_BYTES) {
    throw new EnvelopeError(`is truncated (${blob.length} bytes, a header alone is ${HEADER_BYTES})`);
  }
  const version = blob[0];
  if (version !== ENVELOPE_VERSION) {
    throw new EnvelopeError(`has format version ${version}, this build reads version ${ENVELOPE_VERSION}`);
  }
  const iv = blob.subarray(1, 1 + IV_BYTES);
  const tag = blob.subarray(1 + IV_BYTES, HEADER_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(name, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(blob.subarray(HEADER_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new EnvelopeError(
      'failed authentication (altered, belonging to another secret, or sealed with a different key)',
    );
  }
}

function checkKey(key: Buffer): void {
  if (key.length !== ENVELOPE_KEY_BYTES) {
    throw new EnvelopeError(`key is ${key.length} bytes, expected ${ENVELOPE_KEY_BYTES}`);
  }
}
