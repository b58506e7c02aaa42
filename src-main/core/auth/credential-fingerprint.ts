import { createHash } from 'node:crypto';

/**
 * Tells two stored credentials apart without keeping either: the first 64 bits of its SHA-256.
 * Kept in the database beside a sign-in hold, so a credential changed while the uploader was
 * stopped (a new token in the environment, `set-secret`) is noticed at the next start.
 */
export function credentialFingerprint(value: string | null): string | null {
  return value === null ? null : createHash('sha256').update(value).digest('hex').slice(0, 16);
}
