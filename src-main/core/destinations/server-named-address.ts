import { z } from 'zod';

/**
 * Addresses a server names for the next request (an upload session, a next page): only http(s)
 * is ever followed. Anything else (file:, smb:, a scheme that launches another program) is
 * refused in words naming its scheme, before a request, a token or a byte could go there.
 */
export function serverNamedAddress() {
  return z.url({
    protocol: /^https?$/,
    error: (issue) =>
      refusalOf(issue.input) ?? 'not a valid http(s) address: refused, nothing was sent there',
  });
}

/** Why an address a server named is not followed, or null when it is an http(s) URL. */
export function refusalOf(address: unknown): string | null {
  if (typeof address !== 'string') return 'not an address: refused, nothing was sent there';
  let protocol: string;
  try {
    protocol = new URL(address).protocol;
  } catch {
    return 'not a valid address: refused, nothing was sent there';
  }
  if (protocol === 'http:' || protocol === 'https:') return null;
  return `an address of scheme ${protocol}, not http(s): refused, nothing was sent there`;
}
