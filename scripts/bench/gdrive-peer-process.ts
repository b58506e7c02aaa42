import { randomBytes } from 'node:crypto';
import { DrivePeer } from '../../tests/peers/drive-peer.ts';
import { DRIVE_FILE_SCOPE, GoogleIdentityPeer } from '../../tests/peers/google-identity-peer.ts';
import { s256Challenge } from '../../tests/peers/oauth-common.ts';
import { serveJsonLines } from './json-lines-server.ts';

/**
 * The Google identity and Drive test servers in a process of their own, so their CPU and memory
 * are not counted against the uploader. Usage: `node gdrive-peer-process.ts STORE_DIR`. Prints
 * one JSON line (the settings that point an uploader at them), then answers JSON-line requests
 * on stdin until it closes: `{"op":"cpu"}`, `{"op":"files"}`, `{"op":"token"}` (an access token
 * for a client that is not the uploader, e.g. curl), `{"op":"delete","id":…}`.
 */
const [storeDir] = process.argv.slice(2);
if (storeDir === undefined) {
  process.stderr.write('usage: gdrive-peer-process.ts STORE_DIR\n');
  process.exit(2);
}

const identity = await GoogleIdentityPeer.start();
// A bench upload is long: its session must not expire under it, nor the quota fill.
const drive = await DrivePeer.start({
  identity,
  storeDir,
  sessionTtlMs: 24 * 3600 * 1000,
  quotaLimitBytes: null,
});
process.stdout.write(
  `${JSON.stringify({
    googleClientId: identity.clientId,
    googleClientSecret: identity.clientSecret,
    googleAuthUrl: identity.authUrl,
    googleTokenUrl: identity.tokenUrl,
    googleRevokeUrl: identity.revokeUrl,
    driveApiBaseUrl: drive.baseUrl,
  })}\n`,
);

type Request = { op: 'cpu' } | { op: 'files' } | { op: 'token' } | { op: 'delete'; id: string };

/** The whole installed-app flow over HTTP, as any client of these servers goes through it. */
async function accessToken(): Promise<string> {
  const verifier = randomBytes(48).toString('base64url');
  const redirectUri = 'http://127.0.0.1:1/';
  const url = new URL(identity.authUrl);
  url.search = new URLSearchParams({
    client_id: identity.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: DRIVE_FILE_SCOPE,
    code_challenge: s256Challenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  const consent = await fetch(url, { redirect: 'manual' });
  const code = new URL(consent.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const answer = await fetch(identity.tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
      client_id: identity.clientId,
      client_secret: identity.clientSecret,
    }),
  });
  return ((await answer.json()) as { access_token: string }).access_token;
}

const answer = async (request: Request): Promise<unknown> => {
  switch (request.op) {
    case 'cpu': {
      const { user, system } = process.cpuUsage();
      return { seconds: (user + system) / 1e6 };
    }
    case 'files':
      return drive.stored().map((f) => ({
        id: f.id,
        name: f.name,
        size: f.size,
        md5Checksum: f.md5Checksum,
        contentPath: f.contentPath,
      }));
    case 'token':
      return { accessToken: await accessToken() };
    case 'delete': {
      const { rm } = await import('node:fs/promises');
      const file = drive.files.get(request.id);
      if (file === undefined) throw new Error(`no file ${request.id}`);
      if (file.contentPath !== null) await rm(file.contentPath, { force: true });
      drive.files.delete(request.id);
      return { deleted: true };
    }
  }
};

serveJsonLines(answer, () => Promise.all([drive.close(), identity.close()]));
