import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DrivePeer } from './drive-peer.ts';
import { DRIVE_FILE_SCOPE, DRIVE_SCOPE, GoogleIdentityPeer } from './google-identity-peer.ts';
import { s256Challenge } from './oauth-common.ts';

const KiB = 1024;
const VERIFIER = randomBytes(48).toString('base64url');
const REDIRECT = 'http://127.0.0.1:45678/';

let identity: GoogleIdentityPeer;
let drive: DrivePeer;
beforeEach(async () => {
  identity = await GoogleIdentityPeer.start();
  drive = await DrivePeer.start({ identity, maxPageSize: 2 });
});
afterEach(async () => {
  await drive.close();
  await identity.close();
});

/** The authorization request a client makes; returns the code from the redirect. */
async function authorize(
  params: Record<string, string> = {},
): Promise<{ status: number; location: URL | null }> {
  const url = new URL(identity.authUrl);
  const all = {
    client_id: identity.clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: DRIVE_FILE_SCOPE,
    state: 's1',
    code_challenge: s256Challenge(VERIFIER),
    code_challenge_method: 'S256',
    access_type: 'offline',
    prompt: 'consent',
    ...params,
  };
  for (const [key, value] of Object.entries(all)) if (value !== '') url.searchParams.set(key, value);
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  return { status: response.status, location: location === null ? null : new URL(location) };
}

async function token(
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, string> }> {
  const response = await fetch(identity.tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({
      client_id: identity.clientId,
      client_secret: identity.clientSecret,
      ...form,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

async function signedIn(scope = DRIVE_FILE_SCOPE): Promise<string> {
  const { location } = await authorize({ scope });
  const code = location?.searchParams.get('code') as string;
  const { body } = await token({
    grant_type: 'authorization_code',
    code,
    code_verifier: VERIFIER,
    redirect_uri: REDIRECT,
  });
  return body.access_token as string;
}

describe('the Google identity peer', () => {
  it('redirects to the loopback with code and state, and exchanges the code once, for the right verifier only', async () => {
    const { status, location } = await authorize();
    expect(status).toBe(302);
    expect(location?.origin).toBe('http://127.0.0.1:45678');
    expect(location?.searchParams.get('state')).toBe('s1');
    const code = location?.searchParams.get('code') as string;

    const wrong = await token({
      grant_type: 'authorization_code',
      code,
      code_verifier: randomBytes(48).toString('base64url'),
      redirect_uri: REDIRECT,
    });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(wrong.body.error_description).toMatch(/code_verifier does not match/);
    // The failed attempt spent the code.
    const again = await token({
      grant_type: 'authorization_code',
      code,
      code_verifier: VERIFIER,
      redirect_uri: REDIRECT,
    });
    expect(again.status).toBe(400);

    const fresh = (await authorize()).location?.searchParams.get('code') as string;
    const good = await token({
      grant_type: 'authorization_code',
      code: fresh,
      code_verifier: VERIFIER,
      redirect_uri: REDIRECT,
    });
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ token_type: 'Bearer', scope: DRIVE_FILE_SCOPE });
    expect(good.body.refresh_token).toMatch(/^1\/\//);
  });

  it('refuses a non-loopback redirect, a missing PKCE challenge, and gives no refresh token without offline consent', async () => {
    expect((await authorize({ redirect_uri: 'https://evil.example/cb' })).status).toBe(400);
    const noPkce = await authorize({ code_challenge: '', code_challenge_method: '' });
    expect(noPkce.location?.searchParams.get('error')).toBe('invalid_request');
    const online = (await authorize({ access_type: '', prompt: '' })).location?.searchParams.get(
      'code',
    ) as string;
    const answer = await token({
      grant_type: 'authorization_code',
      code: online,
      code_verifier: VERIFIER,
      redirect_uri: REDIRECT,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.refresh_token).toBeUndefined();
  });

  it('checks the redirect_uri and the client secret at the token endpoint', async () => {
    const code = (await authorize()).location?.searchParams.get('code') as string;
    const other = await token({
      grant_type: 'authorization_code',
      code,
      code_verifier: VERIFIER,
      redirect_uri: 'http://127.0.0.1:1/',
    });
    expect(other.body.error).toBe('redirect_uri_mismatch');
    const secret = await token({ client_secret: 'wrong', grant_type: 'refresh_token', refresh_token: 'x' });
    expect(secret).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('refreshes until the grant is revoked, and revoking one token revokes the grant', async () => {
    const code = (await authorize()).location?.searchParams.get('code') as string;
    const { body } = await token({
      grant_type: 'authorization_code',
      code,
      code_verifier: VERIFIER,
      redirect_uri: REDIRECT,
    });
    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: body.refresh_token as string,
    });
    expect(refreshed.status).toBe(200);
    const revoke = await fetch(
      `${identity.revokeUrl}?token=${encodeURIComponent(refreshed.body.access_token as string)}`,
      { method: 'POST' },
    );
    expect(revoke.status).toBe(200);
    expect(identity.checkAccessToken(body.access_token as string)).toBeNull();
    const after = await token({ grant_type: 'refresh_token', refresh_token: body.refresh_token as string });
    expect(after).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });
});

describe('the Drive peer', () => {
  let access: string;
  beforeEach(async () => {
    access = await signedIn();
  });
  const auth = (): Record<string, string> => ({ authorization: `Bearer ${access}` });

  async function startSession(total: number, name = 'clip.mp4'): Promise<string> {
    const response = await fetch(
      `${drive.baseUrl}/upload/drive/v3/files?uploadType=resumable&fields=id,md5Checksum,size`,
      {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json', 'x-upload-content-length': String(total) },
        body: JSON.stringify({ name, parents: ['root'], appProperties: { recordingId: 'r-1' } }),
      },
    );
    expect(response.status).toBe(200);
    return response.headers.get('location') as string;
  }

  const put = (uri: string, range: string, body: Uint8Array = new Uint8Array(0)) =>
    fetch(uri, { method: 'PUT', headers: { 'content-range': range }, body });

  it('keeps whole 256 KiB blocks, answers 308 with Range, and finishes with the md5 asked for', async () => {
    const bytes = randomBytes(600 * KiB);
    const uri = await startSession(bytes.length);
    const probe = await put(uri, `bytes */${bytes.length}`);
    expect(probe.status).toBe(308);
    expect(probe.headers.get('range')).toBeNull();

    // 300 KiB is not a multiple of 256 KiB: only the first 256 KiB are kept.
    const odd = await put(uri, `bytes 0-${300 * KiB - 1}/${bytes.length}`, bytes.subarray(0, 300 * KiB));
    expect(odd.status).toBe(308);
    expect(odd.headers.get('range')).toBe(`bytes=0-${256 * KiB - 1}`);
    expect(drive.uploads.violations.map((v) => v.problem)).toEqual(['not a multiple of 256 KiB']);

    const short = await put(
      uri,
      `bytes ${256 * KiB}-${300 * KiB - 1}/${bytes.length}`,
      bytes.subarray(256 * KiB, 300 * KiB),
    );
    expect(short.status).toBe(400);
    expect(await short.text()).toContain('equal or greater than 262144');

    const rest = await put(
      uri,
      `bytes ${256 * KiB}-${bytes.length - 1}/${bytes.length}`,
      bytes.subarray(256 * KiB),
    );
    expect(rest.status).toBe(200);
    const file = (await rest.json()) as Record<string, unknown>;
    expect(file).toEqual({
      id: expect.any(String),
      size: String(bytes.length),
      md5Checksum: createHash('md5').update(bytes).digest('hex'),
    });
    // Asked again, a finished session answers with the file.
    expect((await put(uri, `bytes */${bytes.length}`)).status).toBe(200);
  });

  it('forgets an expired session (404) and finishes an empty file with one empty request', async () => {
    const uri = await startSession(1024 * KiB);
    drive.uploads.expireAll();
    expect((await put(uri, `bytes */${1024 * KiB}`)).status).toBe(404);
    const empty = await startSession(0, 'empty.mp4');
    const done = await put(empty, 'bytes */0');
    expect(done.status).toBe(200);
    expect(((await done.json()) as { md5Checksum: string }).md5Checksum).toBe(
      'd41d8cd98f00b204e9800998ecf8427e',
    );
  });

  it('parses folder and appProperties queries, pages by nextPageToken, and refuses what it cannot read', async () => {
    const parent = drive.addFolder("it's \\ here", 'root', true);
    for (const name of ['a', 'b', 'c']) drive.addFolder(name, parent.id, true);
    const list = (q: string, pageToken?: string) =>
      fetch(
        `${drive.baseUrl}/drive/v3/files?${new URLSearchParams({ q, fields: 'nextPageToken,files(id,name)', ...(pageToken ? { pageToken } : {}) })}`,
        { headers: auth() },
      );
    const byName = await list(`name = 'it\\'s \\\\ here' and trashed = false`);
    expect(((await byName.json()) as { files: unknown[] }).files).toEqual([
      { id: parent.id, name: "it's \\ here" },
    ]);

    const q = `'${parent.id}' in parents and mimeType='application/vnd.google-apps.folder' and trashed=false`;
    const first = (await (await list(q)).json()) as {
      files: Array<{ name: string }>;
      nextPageToken?: string;
    };
    expect(first.files.map((f) => f.name)).toEqual(['a', 'b']);
    const second = (await (await list(q, first.nextPageToken)).json()) as {
      files: Array<{ name: string }>;
      nextPageToken?: string;
    };
    expect(second.files.map((f) => f.name)).toEqual(['c']);
    expect(second.nextPageToken).toBeUndefined();

    expect((await list('modifiedTime > 2020')).status).toBe(400);
    expect((await list("appProperties has { key='recordingId' and value='none' }")).status).toBe(200);
  });

  it('hides what the app did not make from a drive.file token, and answers rate limits the way Drive does', async () => {
    const theirs = drive.addFolder('Theirs');
    const get = await fetch(`${drive.baseUrl}/drive/v3/files/${theirs.id}`, { headers: auth() });
    expect(get.status).toBe(404);
    const wide = await signedIn(DRIVE_SCOPE);
    const seen = await fetch(`${drive.baseUrl}/drive/v3/files/${theirs.id}?fields=id,name`, {
      headers: { authorization: `Bearer ${wide}` },
    });
    expect(await seen.json()).toEqual({ id: theirs.id, name: 'Theirs' });

    drive.inject({
      on: 'about',
      status: 403,
      reason: 'userRateLimitExceeded',
      message: 'User Rate Limit Exceeded',
    });
    const limited = await fetch(`${drive.baseUrl}/drive/v3/about?fields=user`, { headers: auth() });
    expect(limited.status).toBe(403);
    expect(await limited.json()).toMatchObject({
      error: { errors: [{ domain: 'usageLimits', reason: 'userRateLimitExceeded' }] },
    });
    expect((await fetch(`${drive.baseUrl}/drive/v3/about`, { headers: auth() })).status).toBe(400);
    expect((await fetch(`${drive.baseUrl}/drive/v3/about?fields=user`)).status).toBe(401);
  });
});
