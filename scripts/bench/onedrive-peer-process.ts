import { randomBytes } from 'node:crypto';
import { startGraphPeer } from '../../tests/peers/graph-peer.ts';
import { startIdentityProvider } from '../../tests/peers/identity-provider.ts';
import { s256Challenge } from '../../tests/peers/oauth-common.ts';
import { fetchTrusting } from '../../tests/support/trusting-fetch.ts';
import { serveJsonLines } from './json-lines-server.ts';

/**
 * The Microsoft identity provider and the Graph test server in a process of their own, so their
 * CPU and memory are not counted against the uploader. Usage: `node onedrive-peer-process.ts
 * STORE_DIR`. Prints one JSON line, `{settings, certificate}` (the settings that point an uploader
 * at them, and the identity provider's certificate to trust), then answers JSON-line requests on
 * stdin until it closes: `{"op":"cpu"}`, `{"op":"files"}`, `{"op":"token"}` (an access token for a
 * client that is not the uploader, e.g. curl), `{"op":"delete","id":…}`.
 */
const [storeDir] = process.argv.slice(2);
if (storeDir === undefined) {
  process.stderr.write('usage: onedrive-peer-process.ts STORE_DIR\n');
  process.exit(2);
}

const idp = await startIdentityProvider({ accessTokenTtlSeconds: 24 * 3600 });
const graph = await startGraphPeer({
  storeDir,
  // A bench upload is long: its session must not be forgotten under it.
  sessionIdleMs: 24 * 3600 * 1000,
  authorize: (token) => {
    const user = idp.userOf(token);
    return user && { id: user.oid, displayName: user.name, userPrincipalName: user.preferredUsername };
  },
});
const trusting = fetchTrusting(idp.certificate);
process.stdout.write(
  `${JSON.stringify({
    settings: {
      oneDriveClientId: idp.clientId,
      oneDriveAuthorityHost: idp.origin,
      graphBaseUrl: graph.baseUrl,
    },
    certificate: idp.certificate,
  })}\n`,
);

type Request = { op: 'cpu' } | { op: 'files' } | { op: 'token' } | { op: 'delete'; id: string };

/** The authorization-code flow with PKCE over HTTP, as any public client goes through it. */
async function accessToken(): Promise<string> {
  const verifier = randomBytes(48).toString('base64url');
  const redirectUri = 'http://localhost:1/';
  const authorize = new URL(`${idp.origin}/common/oauth2/v2.0/authorize`);
  authorize.search = new URLSearchParams({
    client_id: idp.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    response_mode: 'form_post',
    scope: 'openid Files.ReadWrite offline_access',
    state: randomBytes(16).toString('hex'),
    code_challenge: s256Challenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  const page = await (await trusting(authorize, { redirect: 'follow' })).text();
  const code = /name="code" value="([^"]+)"/.exec(page)?.[1];
  if (code === undefined) throw new Error(`the sign-in page carried no code: ${page.slice(0, 200)}`);
  const answer = await trusting(`${idp.origin}/common/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
      client_id: idp.clientId,
    }).toString(),
  });
  const tokens = (await answer.json()) as { access_token?: string; error_description?: string };
  if (tokens.access_token === undefined) throw new Error(`no access token: ${tokens.error_description}`);
  return tokens.access_token;
}

const answer = async (request: Request): Promise<unknown> => {
  switch (request.op) {
    case 'cpu': {
      const { user, system } = process.cpuUsage();
      return { seconds: (user + system) / 1e6 };
    }
    case 'files':
      return graph.drive
        .files()
        .map((f) => ({ id: f.id, name: f.name, size: f.size, contentPath: f.contentPath }));
    case 'token':
      return { accessToken: await accessToken() };
    case 'delete':
      graph.drive.delete(request.id);
      return { deleted: true };
  }
};

serveJsonLines(answer, () => Promise.all([graph.close(), idp.close()]));
