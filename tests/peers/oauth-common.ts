import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What identity provider peers share: PKCE, loopback redirect rules, form bodies, JSON answers. */

/** RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Why a token request's verifier does not prove the authorization request's challenge, or null. */
export function pkceProblem(verifier: string | null, challenge: string, method: string): string | null {
  if (verifier === null || verifier === '') return 'code_verifier is missing';
  if (!VERIFIER.test(verifier)) return 'code_verifier is not 43-128 unreserved characters';
  if (method !== 'S256') return `code_challenge_method ${method} is not accepted`;
  const expected = Buffer.from(challenge);
  const actual = Buffer.from(s256Challenge(verifier));
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    return 'code_verifier does not match the code_challenge';
  }
  return null;
}

/**
 * RFC 8252 §7.3: a native app's redirect is the loopback IP literal over http, any port. Google
 * also accepts `localhost`, but the IP literal is what a careful app sends.
 */
export function isLoopbackRedirect(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && url.hostname === '127.0.0.1' && url.port !== '' && url.hash === '';
  } catch {
    return false;
  }
}

export const randomToken = (prefix: string): string => `${prefix}${randomBytes(24).toString('base64url')}`;

/** Reads a whole small body (a form, a JSON document) with a cap, as a server must. */
export function readSmallBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const pieces: Buffer[] = [];
    let size = 0;
    req.on('data', (piece: Buffer) => {
      size += piece.length;
      if (size > limit) {
        reject(new Error(`body larger than ${limit} bytes`));
        req.destroy();
        return;
      }
      pieces.push(piece);
    });
    req.once('end', () => resolve(Buffer.concat(pieces)));
    req.once('error', reject);
  });
}

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams((await readSmallBody(req)).toString('utf8'));
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'cache-control': 'no-store',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** RFC 6749 §5.2 error answer of a token endpoint. */
export function sendOAuthError(
  res: ServerResponse,
  status: number,
  error: string,
  description: string,
): void {
  sendJson(res, status, { error, error_description: description });
}
