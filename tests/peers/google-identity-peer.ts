import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  isLoopbackRedirect,
  pkceProblem,
  randomToken,
  readForm,
  sendJson,
  sendOAuthError,
} from './oauth-common.ts';

/**
 * Google's OAuth 2.0 endpoints for an installed ("Desktop app") client, as the uploader meets
 * them: the authorization page (which, once the test user "consents", redirects the browser to
 * the app's loopback listener with `code` and `state`), the token endpoint (code exchange with
 * PKCE S256 and the client's id and secret, refresh), and revocation. Revoking any token of a
 * grant revokes the whole grant, as Google does.
 */
export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive';
export const DRIVE_FILE_SCOPE = 'https://www.googleapis.com/auth/drive.file';
const KNOWN_SCOPES = new Set([DRIVE_SCOPE, DRIVE_FILE_SCOPE, 'openid', 'email', 'profile']);

export interface GoogleIdentityPeerOptions {
  clientId?: string;
  clientSecret?: string;
  user?: { email: string; name: string };
  accessTokenTtlSeconds?: number;
}

export interface AccessGrant {
  email: string;
  scopes: string[];
}

interface Grant {
  id: string;
  scopes: string[];
  refreshToken: string | null;
  revoked: boolean;
}

interface PendingCode {
  grant: Grant;
  clientId: string;
  redirectUri: string;
  challenge: string;
  method: string;
  expiresAt: number;
}

interface AccessToken {
  grant: Grant;
  expiresAt: number;
}

export interface AuthorizationSeen {
  params: Record<string, string>;
}

export interface TokenRequestSeen {
  grantType: string | null;
  status: number;
  error: string | null;
}

export class GoogleIdentityPeer {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly user: { email: string; name: string };
  readonly authorizations: AuthorizationSeen[] = [];
  readonly tokenRequests: TokenRequestSeen[] = [];
  readonly revocations: string[] = [];
  /** What the next visitor of the consent page does. */
  consent: 'allow' | 'deny' = 'allow';
  accessTokenTtlSeconds: number;
  /** Each refresh hands out a new refresh token and retires the old one. */
  rotateRefreshTokens = false;
  /** The token endpoint answers this many requests with this status (an outage at Google). */
  tokenOutage: { status: number; count: number } | null = null;
  readonly #server: Server;
  readonly #codes = new Map<string, PendingCode>();
  readonly #accessTokens = new Map<string, AccessToken>();
  readonly #grants: Grant[] = [];
  readonly #issuedCodes: string[] = [];
  #origin = '';

  private constructor(options: GoogleIdentityPeerOptions) {
    this.clientId = options.clientId ?? '123456789-test.apps.googleusercontent.com';
    this.clientSecret = options.clientSecret ?? 'GOCSPX-test-desktop-secret';
    this.user = options.user ?? { email: 'operator@example.com', name: 'Test Operator' };
    this.accessTokenTtlSeconds = options.accessTokenTtlSeconds ?? 3600;
    this.#server = createServer((req, res) => {
      this.#route(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendOAuthError(res, 500, 'server_error', String(error));
      });
    });
  }

  static async start(options: GoogleIdentityPeerOptions = {}): Promise<GoogleIdentityPeer> {
    const peer = new GoogleIdentityPeer(options);
    await new Promise<void>((resolve) => peer.#server.listen(0, '127.0.0.1', resolve));
    peer.#origin = `http://127.0.0.1:${(peer.#server.address() as AddressInfo).port}`;
    return peer;
  }

  get authUrl(): string {
    return `${this.#origin}/o/oauth2/v2/auth`;
  }
  get tokenUrl(): string {
    return `${this.#origin}/token`;
  }
  get revokeUrl(): string {
    return `${this.#origin}/revoke`;
  }

  /** Who an access token speaks for and with which scopes; null when unknown, expired or revoked. */
  checkAccessToken(token: string): AccessGrant | null {
    const known = this.#accessTokens.get(token);
    if (known === undefined || known.grant.revoked || known.expiresAt <= Date.now()) return null;
    return { email: this.user.email, scopes: known.grant.scopes };
  }

  /** The user removes the app's access in their Google account: every grant dies at once. */
  revokeAll(): void {
    for (const grant of this.#grants) grant.revoked = true;
  }

  /** Access tokens run out (an hour passes): refresh tokens still work. */
  expireAccessTokens(): void {
    for (const token of this.#accessTokens.values()) token.expiresAt = 0;
  }

  /** Every code and token this peer has handed out, for tests that look for leaks. */
  issuedSecrets(): string[] {
    return [
      ...this.#issuedCodes,
      ...this.#accessTokens.keys(),
      ...this.#grants.flatMap((g) => (g.refreshToken === null ? [] : [g.refreshToken])),
    ];
  }

  /** Refresh tokens this peer has issued that are still good. */
  liveRefreshTokens(): number {
    return this.#grants.filter((g) => !g.revoked && g.refreshToken !== null).length;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#origin);
    if (req.method === 'GET' && url.pathname === '/o/oauth2/v2/auth') return this.#authorize(url, res);
    if (req.method === 'POST' && url.pathname === '/token') return this.#token(req, res);
    if (req.method === 'POST' && url.pathname === '/revoke') return this.#revoke(req, url, res);
    sendJson(res, 404, { error: 'not_found' });
  }

  /** The consent page: validates the request as Google does, then sends the browser back. */
  #authorize(url: URL, res: ServerResponse) {
    const params = Object.fromEntries(url.searchParams);
    this.authorizations.push({ params });
    const redirectUri = params.redirect_uri ?? '';
    // Errors about the client or the redirect are shown on Google's page, never redirected.
    if (params.client_id !== this.clientId)
      return errorPage(res, 401, 'invalid_client: The OAuth client was not found.');
    if (!isLoopbackRedirect(redirectUri)) {
      return errorPage(
        res,
        400,
        `redirect_uri_mismatch: ${redirectUri} is not a loopback address of this desktop client`,
      );
    }
    const back = (fields: Record<string, string>) => {
      const target = new URL(redirectUri);
      for (const [key, value] of Object.entries(fields)) target.searchParams.set(key, value);
      if (params.state !== undefined) target.searchParams.set('state', params.state);
      res.writeHead(302, { location: target.toString(), 'cache-control': 'no-store' });
      res.end();
    };
    const scopes = (params.scope ?? '').split(' ').filter((s) => s !== '');
    const problem =
      params.response_type !== 'code'
        ? 'response_type must be code'
        : scopes.length === 0 || scopes.some((s) => !KNOWN_SCOPES.has(s))
          ? `unknown or missing scope: ${params.scope ?? ''}`
          : params.code_challenge_method !== 'S256' || !params.code_challenge
            ? 'PKCE with code_challenge_method=S256 is required'
            : null;
    if (problem !== null) return back({ error: 'invalid_request', error_description: problem });
    if (this.consent === 'deny') return back({ error: 'access_denied' });
    // A refresh token comes only with offline access, and again only when consent is asked for.
    const offline = params.access_type === 'offline' && (params.prompt ?? '').split(' ').includes('consent');
    const grant: Grant = {
      id: randomToken('g-'),
      scopes,
      refreshToken: offline ? randomToken('1//refresh-') : null,
      revoked: false,
    };
    this.#grants.push(grant);
    const code = randomToken('4/code-');
    this.#issuedCodes.push(code);
    this.#codes.set(code, {
      grant,
      clientId: params.client_id,
      redirectUri,
      challenge: params.code_challenge ?? '',
      method: params.code_challenge_method ?? '',
      expiresAt: Date.now() + 10 * 60 * 1000,
    });
    back({ code, scope: scopes.join(' ') });
  }

  async #token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    const grantType = form.get('grant_type');
    if (this.tokenOutage !== null && this.tokenOutage.count > 0) {
      this.tokenOutage.count -= 1;
      this.tokenRequests.push({ grantType, status: this.tokenOutage.status, error: 'outage' });
      return sendOAuthError(res, this.tokenOutage.status, 'temporarily_unavailable', 'Service unavailable.');
    }
    const fail = (status: number, error: string, description: string): void => {
      this.tokenRequests.push({ grantType, status, error });
      sendOAuthError(res, status, error, description);
    };
    const client = clientCredentials(req, form);
    if (client.id !== this.clientId || client.secret !== this.clientSecret) {
      return fail(401, 'invalid_client', 'Unauthorized: the client id or secret is wrong.');
    }
    if (grantType === 'authorization_code') {
      const code = form.get('code') ?? '';
      const pending = this.#codes.get(code);
      // A code is single-use: whatever happens next, it is spent.
      this.#codes.delete(code);
      if (pending === undefined || pending.expiresAt <= Date.now() || pending.grant.revoked) {
        return fail(400, 'invalid_grant', 'Malformed auth code.');
      }
      if (form.get('redirect_uri') !== pending.redirectUri) {
        return fail(
          400,
          'redirect_uri_mismatch',
          'Bad Request: redirect_uri differs from the authorization request.',
        );
      }
      const pkce = pkceProblem(form.get('code_verifier'), pending.challenge, pending.method);
      if (pkce !== null) return fail(400, 'invalid_grant', pkce);
      return this.#issue(res, pending.grant, true, grantType);
    }
    if (grantType === 'refresh_token') {
      const token = form.get('refresh_token');
      const grant = this.#grants.find((g) => g.refreshToken !== null && g.refreshToken === token);
      if (grant === undefined || grant.revoked)
        return fail(400, 'invalid_grant', 'Token has been expired or revoked.');
      if (this.rotateRefreshTokens) grant.refreshToken = randomToken('1//refresh-');
      return this.#issue(res, grant, this.rotateRefreshTokens, grantType);
    }
    return fail(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
  }

  #issue(res: ServerResponse, grant: Grant, withRefresh: boolean, grantType: string): void {
    const accessToken = randomToken('ya29.');
    this.#accessTokens.set(accessToken, { grant, expiresAt: Date.now() + this.accessTokenTtlSeconds * 1000 });
    this.tokenRequests.push({ grantType, status: 200, error: null });
    sendJson(res, 200, {
      access_token: accessToken,
      expires_in: this.accessTokenTtlSeconds,
      scope: grant.scopes.join(' '),
      token_type: 'Bearer',
      ...(withRefresh && grant.refreshToken !== null ? { refresh_token: grant.refreshToken } : {}),
    });
  }

  /** Google takes the token in the query or a form body; either token revokes its whole grant. */
  async #revoke(req: IncomingMessage, url: URL, res: ServerResponse): Promise<void> {
    const token = url.searchParams.get('token') ?? (await readForm(req)).get('token') ?? '';
    const grant =
      this.#accessTokens.get(token)?.grant ??
      this.#grants.find((g) => g.refreshToken !== null && g.refreshToken === token);
    if (grant === undefined || grant.revoked) {
      sendJson(res, 400, { error: 'invalid_token', error_description: 'Token expired or revoked' });
      return;
    }
    grant.revoked = true;
    this.revocations.push(token);
    sendJson(res, 200, {});
  }
}

function clientCredentials(
  req: IncomingMessage,
  form: URLSearchParams,
): { id: string | null; secret: string | null } {
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
  if (basic?.[1] !== undefined) {
    const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    return { id: id ?? null, secret: secret ?? null };
  }
  return { id: form.get('client_id'), secret: form.get('client_secret') };
}

function errorPage(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><title>Error</title><h1>Access blocked</h1><p>${text.replace(/</g, '&lt;')}</p>`);
}
