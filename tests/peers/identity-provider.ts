import { generateKeyPairSync, type KeyObject, randomBytes, randomUUID, sign } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { pkceProblem, randomToken, readForm, sendJson } from './oauth-common.ts';

/**
 * The Microsoft identity platform (v2 endpoints) as MSAL meets it in a desktop app's sign-in,
 * served over TLS with a certificate made when the peer starts:
 * - authorize: checks the client, the loopback redirect (`http://localhost`, any port, as Entra
 *   allows for public clients), `response_mode=form_post`, a `state` and a PKCE S256 challenge;
 *   redirects to a sign-in page that form-posts `code`, `state` and `client_info` to the app.
 * - token: code exchange proving the PKCE verifier (single-use code, same client and redirect),
 *   refresh; answers carry `id_token`, access and refresh tokens and `client_info`, or Entra's
 *   error shape (`invalid_grant` with an AADSTS description).
 * - revocation on demand (the operator's sessions revoked by an admin): every token of the user
 *   stops working at once, as with continuous access evaluation.
 */
export interface IdentityUser {
  oid: string;
  tenantId: string;
  name: string;
  preferredUsername: string;
}

export interface IdentityPeerOptions {
  clientId?: string;
  user?: Partial<IdentityUser>;
  accessTokenTtlSeconds?: number;
}

export interface TokenRequestSeen {
  grantType: string | null;
  status: number;
  error: string | null;
  at: number;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  method: string;
  scopes: string[];
  nonce: string | null;
  expiresAt: number;
}

interface Grant {
  user: IdentityUser;
  scopes: string[];
  revoked: boolean;
}

interface PendingSignIn {
  redirectUri: string;
  state: string;
  code: string;
}

export class IdentityProviderPeer {
  readonly clientId: string;
  readonly user: IdentityUser;
  /** The certificate the peer serves; a client trusts it as its only CA. */
  readonly certificate: string;
  readonly authorizations: Array<Record<string, string>> = [];
  readonly tokenRequests: TokenRequestSeen[] = [];
  /** What the next visitor of the sign-in page does. */
  consent: 'allow' | 'deny' = 'allow';
  accessTokenTtlSeconds: number;
  readonly #server: Server;
  readonly #signingKey: KeyObject;
  readonly #keyId = randomBytes(8).toString('hex');
  readonly #codes = new Map<string, PendingCode>();
  readonly #signIns = new Map<string, PendingSignIn>();
  readonly #accessTokens = new Map<string, { grant: Grant; expiresAt: number }>();
  readonly #refreshTokens = new Map<string, Grant>();
  #origin = '';

  private constructor(options: IdentityPeerOptions, tls: { key: string; cert: string }) {
    this.clientId = options.clientId ?? randomUUID();
    this.user = {
      oid: options.user?.oid ?? randomUUID(),
      tenantId: options.user?.tenantId ?? randomUUID(),
      name: options.user?.name ?? 'Ada Operator',
      preferredUsername: options.user?.preferredUsername ?? 'ada.operator@contoso.example',
    };
    this.accessTokenTtlSeconds = options.accessTokenTtlSeconds ?? 3600;
    this.certificate = tls.cert;
    this.#signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    this.#server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: String(error) });
      });
    });
  }

  static async start(options: IdentityPeerOptions = {}): Promise<IdentityProviderPeer> {
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 7, ip: '127.0.0.1' },
            { type: 2, value: 'localhost' },
          ],
        },
      ],
    });
    const peer = new IdentityProviderPeer(options, { key: pems.private, cert: pems.cert });
    await new Promise<void>((resolve) => peer.#server.listen(0, '127.0.0.1', resolve));
    peer.#origin = `https://127.0.0.1:${(peer.#server.address() as AddressInfo).port}`;
    return peer;
  }

  /** `https://127.0.0.1:PORT`: the authority host setting. */
  get origin(): string {
    return this.#origin;
  }

  /** The user a Graph access token belongs to, or null when it is unknown, expired or revoked. */
  userOf(accessToken: string): IdentityUser | null {
    const entry = this.#accessTokens.get(accessToken);
    if (entry === undefined || entry.grant.revoked || entry.expiresAt <= Date.now()) return null;
    return entry.grant.user;
  }

  /** An administrator revokes the user's sessions: every access and refresh token stops working. */
  revokeAll(): void {
    for (const grant of this.#refreshTokens.values()) grant.revoked = true;
    for (const { grant } of this.#accessTokens.values()) grant.revoked = true;
  }

  grantsOf(type: string): TokenRequestSeen[] {
    return this.tokenRequests.filter((r) => r.grantType === type);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#origin);
    const parts = url.pathname.split('/').filter((s) => s !== '');
    const route = parts.slice(1).join('/');
    if (req.method === 'GET' && route === 'oauth2/v2.0/authorize') return this.#authorize(url, res);
    if (req.method === 'GET' && route === 'sign-in') return this.#signInPage(url, res);
    if (req.method === 'POST' && route === 'oauth2/v2.0/token') return this.#token(req, res);
    if (req.method === 'GET' && route === 'v2.0/.well-known/openid-configuration') {
      return sendJson(res, 200, this.#configuration(parts[0] ?? 'common'));
    }
    sendJson(res, 404, { error: 'not_found', error_description: `${req.method} ${url.pathname}` });
  }

  #authorize(url: URL, res: ServerResponse): void {
    const params = Object.fromEntries(url.searchParams);
    this.authorizations.push(params);
    const problem = this.#authorizeProblem(url.searchParams);
    if (problem !== null) {
      // Entra shows an error page and does not redirect when it cannot trust the redirect.
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<html><body><h1>Sign in failed</h1><p>${escapeHtml(problem)}</p></body></html>`);
      return;
    }
    const code = randomToken('M.C5_');
    this.#codes.set(code, {
      clientId: params.client_id as string,
      redirectUri: params.redirect_uri as string,
      challenge: params.code_challenge as string,
      method: params.code_challenge_method as string,
      scopes: (params.scope as string).split(' ').filter((s) => s !== ''),
      nonce: params.nonce ?? null,
      expiresAt: Date.now() + 10 * 60_000,
    });
    const flow = randomBytes(12).toString('hex');
    this.#signIns.set(flow, {
      redirectUri: params.redirect_uri as string,
      state: params.state as string,
      code,
    });
    res.writeHead(302, { location: `${this.#origin}/common/sign-in?flow=${flow}` });
    res.end();
  }

  #authorizeProblem(params: URLSearchParams): string | null {
    if (params.get('client_id') !== this.clientId) {
      return `AADSTS700016: Application with identifier '${params.get('client_id') ?? ''}' was not found`;
    }
    if (!isLocalhostRedirect(params.get('redirect_uri'))) {
      return `AADSTS50011: The redirect URI '${params.get('redirect_uri') ?? ''}' does not match the redirect URIs configured for the application`;
    }
    if (params.get('response_type') !== 'code') return 'AADSTS700054: response_type must be code';
    if (params.get('response_mode') !== 'form_post') return 'response_mode must be form_post for this client';
    const state = params.get('state') ?? '';
    if (state.length < 16) return 'a state of at least 16 characters is required';
    if (
      params.get('code_challenge_method') !== 'S256' ||
      !/^[A-Za-z0-9_-]{43}$/.test(params.get('code_challenge') ?? '')
    ) {
      return 'AADSTS9002325: Proof Key for Code Exchange (S256) is required';
    }
    const scopes = (params.get('scope') ?? '').split(' ');
    if (!scopes.includes('openid')) return 'the openid scope is required';
    return null;
  }

  /** The page a browser lands on once the user has signed in: it form-posts the answer to the app. */
  #signInPage(url: URL, res: ServerResponse): void {
    const flow = this.#signIns.get(url.searchParams.get('flow') ?? '');
    if (flow === undefined) {
      res.writeHead(400, { 'content-type': 'text/html' }).end('<p>This sign-in has expired.</p>');
      return;
    }
    this.#signIns.delete(url.searchParams.get('flow') ?? '');
    const fields: Record<string, string> =
      this.consent === 'allow'
        ? { code: flow.code, client_info: this.#clientInfo(), state: flow.state, session_state: randomUUID() }
        : {
            error: 'access_denied',
            error_description: 'AADSTS65004: User declined to consent to access the app.',
            state: flow.state,
          };
    const inputs = Object.entries(fields)
      .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}" />`)
      .join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<html><head><title>Working...</title></head><body><form method="POST" name="hiddenform" action="${escapeHtml(flow.redirectUri)}">${inputs}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript></form><script language="javascript">document.forms[0].submit();</script></body></html>`,
    );
  }

  async #token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    const grantType = form.get('grant_type');
    const seen: TokenRequestSeen = { grantType, status: 200, error: null, at: Date.now() };
    this.tokenRequests.push(seen);
    const fail = (status: number, error: string, description: string): void => {
      seen.status = status;
      seen.error = error;
      sendJson(res, status, {
        error,
        error_description: description,
        error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)],
        timestamp: new Date().toISOString(),
        trace_id: randomUUID(),
        correlation_id: randomUUID(),
      });
    };
    if (form.get('client_id') !== this.clientId) {
      return fail(
        400,
        'unauthorized_client',
        `AADSTS700016: Application '${form.get('client_id') ?? ''}' was not found`,
      );
    }
    if (grantType === 'authorization_code') {
      const code = this.#codes.get(form.get('code') ?? '');
      this.#codes.delete(form.get('code') ?? '');
      if (code === undefined || code.expiresAt <= Date.now()) {
        return fail(
          400,
          'invalid_grant',
          'AADSTS70008: The provided authorization code has expired or was already redeemed',
        );
      }
      if (form.get('redirect_uri') !== code.redirectUri) {
        return fail(
          400,
          'invalid_grant',
          'AADSTS500112: The reply address does not match the one of the authorization request',
        );
      }
      const pkce = pkceProblem(form.get('code_verifier'), code.challenge, code.method);
      if (pkce !== null)
        return fail(400, 'invalid_grant', `AADSTS501481: The Code_Verifier does not match: ${pkce}`);
      const grant: Grant = { user: this.user, scopes: code.scopes, revoked: false };
      return sendJson(res, 200, this.#tokens(grant, code.nonce));
    }
    if (grantType === 'refresh_token') {
      const grant = this.#refreshTokens.get(form.get('refresh_token') ?? '');
      if (grant === undefined)
        return fail(
          400,
          'invalid_grant',
          'AADSTS9002313: Invalid request. The refresh token is malformed or unknown',
        );
      if (grant.revoked) {
        return fail(
          400,
          'invalid_grant',
          'AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.',
        );
      }
      return sendJson(res, 200, this.#tokens(grant, null));
    }
    return fail(400, 'unsupported_grant_type', `AADSTS70003: grant_type ${grantType ?? ''} is not supported`);
  }

  #tokens(grant: Grant, nonce: string | null): Record<string, unknown> {
    const accessToken = randomToken('EwA');
    const refreshToken = randomToken('M.R3_');
    this.#accessTokens.set(accessToken, { grant, expiresAt: Date.now() + this.accessTokenTtlSeconds * 1000 });
    this.#refreshTokens.set(refreshToken, grant);
    const granted = grant.scopes.filter((s) => s !== 'offline_access');
    return {
      token_type: 'Bearer',
      scope: granted.join(' '),
      expires_in: this.accessTokenTtlSeconds,
      ext_expires_in: this.accessTokenTtlSeconds,
      access_token: accessToken,
      refresh_token: refreshToken,
      id_token: this.#idToken(nonce),
      client_info: this.#clientInfo(),
    };
  }

  #idToken(nonce: string | null): string {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      aud: this.clientId,
      iss: `${this.#origin}/${this.user.tenantId}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      name: this.user.name,
      preferred_username: this.user.preferredUsername,
      oid: this.user.oid,
      sub: randomBytes(16).toString('base64url'),
      tid: this.user.tenantId,
      ver: '2.0',
      ...(nonce === null ? {} : { nonce }),
    };
    const header = { typ: 'JWT', alg: 'RS256', kid: this.#keyId };
    const body = `${b64url(header)}.${b64url(claims)}`;
    return `${body}.${sign('RSA-SHA256', Buffer.from(body), this.#signingKey).toString('base64url')}`;
  }

  #clientInfo(): string {
    return Buffer.from(JSON.stringify({ uid: this.user.oid, utid: this.user.tenantId })).toString(
      'base64url',
    );
  }

  #configuration(tenant: string): Record<string, unknown> {
    return {
      authorization_endpoint: `${this.#origin}/${tenant}/oauth2/v2.0/authorize`,
      token_endpoint: `${this.#origin}/${tenant}/oauth2/v2.0/token`,
      end_session_endpoint: `${this.#origin}/${tenant}/oauth2/v2.0/logout`,
      issuer: `${this.#origin}/{tenantid}/v2.0`,
      jwks_uri: `${this.#origin}/${tenant}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      code_challenge_methods_supported: ['S256'],
    };
  }
}

export const startIdentityProvider = (options?: IdentityPeerOptions): Promise<IdentityProviderPeer> =>
  IdentityProviderPeer.start(options);

/** Entra accepts any port on `http://localhost` when that redirect URI is registered for a public client. */
function isLocalhostRedirect(uri: string | null): boolean {
  if (uri === null) return false;
  try {
    const url = new URL(uri);
    return (
      url.protocol === 'http:' &&
      url.hostname === 'localhost' &&
      (url.pathname === '/' || url.pathname === '') &&
      url.search === '' &&
      url.hash === ''
    );
  } catch {
    return false;
  }
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('"', '&quot;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
}
