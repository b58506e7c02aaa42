import { randomBytes } from 'node:crypto';
import type { Credentials, OAuth2Client } from 'google-auth-library';
import { listenForRedirect } from '../../auth/loopback-redirect.ts';
import { googleAuth } from './google-auth-library.ts';

export const SCOPE_URLS = {
  'drive.file': 'https://www.googleapis.com/auth/drive.file',
  drive: 'https://www.googleapis.com/auth/drive',
} as const;
export type DriveScope = keyof typeof SCOPE_URLS;

export interface SignInOptions {
  scope: DriveScope;
  openBrowser(url: string): Promise<void>;
  timeoutMs: number;
  signal: AbortSignal;
}

export class GoogleSignInError extends Error {
  override readonly name = 'GoogleSignInError';
}

/**
 * Google's installed-app flow (developers.google.com/identity/protocols/oauth2/native-app): the
 * system browser, a loopback redirect, PKCE S256, and offline access with `prompt=consent` so a
 * refresh token comes back even for an account that consented before.
 */
export async function signInWithGoogle(client: OAuth2Client, options: SignInOptions): Promise<Credentials> {
  const { CodeChallengeMethod } = await googleAuth.load();
  const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
  if (codeChallenge === undefined) throw new GoogleSignInError('no PKCE challenge could be made');
  const state = randomBytes(32).toString('base64url');
  const listener = await listenForRedirect({
    state,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    service: 'Google Drive',
  });
  try {
    const scope = SCOPE_URLS[options.scope];
    const url = client.generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      scope: [scope],
      state,
      code_challenge_method: CodeChallengeMethod.S256,
      code_challenge: codeChallenge,
      redirect_uri: listener.redirectUri,
    });
    await options.openBrowser(url);
    const { code, params } = await listener.answer;
    // With granular consent the operator may untick the Drive permission and still "allow".
    const granted = (params.get('scope') ?? scope).split(' ');
    if (!granted.includes(scope)) {
      throw new GoogleSignInError(
        `Google Drive access was not granted (the consent screen allowed: ${granted.join(' ') || 'nothing'}); sign in again and allow access to Drive`,
      );
    }
    const { tokens } = await client.getToken({ code, codeVerifier, redirect_uri: listener.redirectUri });
    if (!tokens.refresh_token) {
      throw new GoogleSignInError('Google returned no refresh token, so uploads could not go on unattended');
    }
    return tokens;
  } finally {
    await listener.close();
  }
}
