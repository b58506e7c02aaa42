import type { Logger } from '../logging/logger.ts';
import { ENVELOPE_KEY_BYTES, newEnvelopeKey, openSecret, sealSecret } from './secret-envelope.ts';
import type { SecretStore } from './secret-store.ts';

/** The keychain entry of the key that seals upload sessions in the database. */
export const SESSION_KEY_SECRET = 'upload-sessions.key';

const SEALED = 'sealed:';
const NAME = 'upload-session';

/**
 * An upload session's addresses are capabilities: OneDrive's uploadUrl carries `tempauth`, a Drive
 * session URI and the storage API's upload URLs take bytes from anyone who has them. They are
 * sealed (AES-256-GCM, the secret envelope) before the database keeps them, under a key kept in
 * the keychain, so the database holds no secret. Without a keychain the key lives for this run
 * only: a session sealed under it reads back as none after a restart, and the chunk loop then
 * checks whether the remote already holds the recording before it opens a new session.
 */
export class SessionSealer {
  #key: Buffer;

  /** With this run's own key until load() finds the one in the keychain (a test may give one). */
  constructor(key: Buffer = newEnvelopeKey()) {
    this.#key = key;
  }

  /** Takes the key from the keychain, or puts this run's key there on first use. */
  async load(secrets: SecretStore, logger: Logger): Promise<void> {
    try {
      const stored = await secrets.get(SESSION_KEY_SECRET);
      const key = stored === null ? null : Buffer.from(stored, 'base64');
      if (key !== null && key.length === ENVELOPE_KEY_BYTES) {
        this.#key = key;
        return;
      }
      await secrets.set(SESSION_KEY_SECRET, this.#key.toString('base64'));
    } catch (error) {
      logger.warn(
        'the keychain cannot keep the key of upload sessions: an upload interrupted by a restart starts a new session',
        {
          reason: error instanceof Error ? error.message : String(error),
        },
      );
    }
  }

  seal(text: string): string {
    return `${SEALED}${sealSecret(this.#key, NAME, text).toString('base64')}`;
  }

  /** The text sealed by seal(); plain text from before sessions were sealed as it is; null when it cannot be opened. */
  open(text: string): string | null {
    if (!text.startsWith(SEALED)) return text;
    try {
      return openSecret(this.#key, NAME, Buffer.from(text.slice(SEALED.length), 'base64'));
    } catch {
      return null;
    }
  }

  static isSealed(text: string): boolean {
    return text.startsWith(SEALED);
  }
}
