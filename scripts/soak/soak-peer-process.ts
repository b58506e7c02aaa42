import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DrivePeer } from '../../tests/peers/drive-peer.ts';
import { GoogleIdentityPeer } from '../../tests/peers/google-identity-peer.ts';
import { startGraphPeer } from '../../tests/peers/graph-peer.ts';
import { startIdentityProvider } from '../../tests/peers/identity-provider.ts';
import { startStoragePeer } from '../../tests/peers/storage-api-peer.ts';
import { serveJsonLines } from '../bench/json-lines-server.ts';
import { type Chaos, driveChaos, graphChaos, storageChaos } from './soak-faults.ts';

/**
 * One destination's test server (with its identity provider) in a process of its own, playing
 * its hostile cases for the soak. Usage: `node soak-peer-process.ts onedrive|gdrive|storage-api
 * STORE_DIR`. Prints one JSON line `{settings, certificate?, token?}`, then answers JSON-line
 * requests on stdin until it closes:
 *   {"op":"chaos","on":true|false}   arm a random fault on about one request in ten, or stop
 *   {"op":"plant","name":…,"size":…}  a colleague's file of that name and size, other bytes
 *   {"op":"files"}                    every stored file: id, name, size, sha256 of its bytes
 *   {"op":"faults"}                   requests seen and faults armed so far
 */
const [destination, storeDir] = process.argv.slice(2);
if (storeDir === undefined || !['onedrive', 'gdrive', 'storage-api'].includes(destination ?? '')) {
  process.stderr.write('usage: soak-peer-process.ts onedrive|gdrive|storage-api STORE_DIR\n');
  process.exit(2);
}

interface StoredFile {
  id: string;
  name: string;
  size: number;
  sha256: string;
}

interface Served {
  hello: Record<string, unknown>;
  chaos: Chaos;
  plant(name: string, size: number): Promise<StoredFile>;
  files(): Promise<StoredFile[]>;
  close(): Promise<unknown>;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const DAY = 24 * 3600 * 1000;

async function serveOneDrive(): Promise<Served> {
  const idp = await startIdentityProvider({ accessTokenTtlSeconds: 24 * 3600 });
  const graph = await startGraphPeer({
    storeDir: storeDir as string,
    sessionIdleMs: DAY,
    authorize: (token) => {
      const user = idp.userOf(token);
      return user && { id: user.oid, displayName: user.name, userPrincipalName: user.preferredUsername };
    },
  });
  return {
    hello: {
      settings: {
        oneDriveClientId: idp.clientId,
        oneDriveAuthorityHost: idp.origin,
        graphBaseUrl: graph.baseUrl,
      },
      certificate: idp.certificate,
    },
    chaos: graphChaos(graph),
    plant: async (name, size) => {
      const bytes = randomBytes(size);
      const item = await graph.putForeignFile('/Recordings', name, bytes);
      return { id: item.id, name, size, sha256: sha256(bytes) };
    },
    files: async () =>
      Promise.all(
        graph.files().map(async (f) => ({
          id: f.id,
          name: f.name,
          size: f.size,
          sha256: sha256(await graph.drive.read(f.id)),
        })),
      ),
    close: () => Promise.all([graph.close(), idp.close()]),
  };
}

async function serveDrive(): Promise<Served> {
  const identity = await GoogleIdentityPeer.start();
  const drive = await DrivePeer.start({
    identity,
    storeDir: storeDir as string,
    sessionTtlMs: DAY,
    quotaLimitBytes: null,
  });
  return {
    hello: {
      settings: {
        googleClientId: identity.clientId,
        googleClientSecret: identity.clientSecret,
        googleAuthUrl: identity.authUrl,
        googleTokenUrl: identity.tokenUrl,
        googleRevokeUrl: identity.revokeUrl,
        driveApiBaseUrl: drive.baseUrl,
      },
    },
    chaos: driveChaos(drive),
    // Another workstation's uploader stored a recording of the same name there: its own
    // appProperties name another recording.
    plant: async (name, size) => {
      const folder = drive.files.all().find((f) => f.name === 'Recording Uploader');
      if (folder === undefined) throw new Error('the app folder is not there yet: connect first');
      const bytes = randomBytes(size);
      const contentPath = join(storeDir as string, `foreign-${randomBytes(6).toString('hex')}`);
      await writeFile(contentPath, bytes);
      const file = drive.files.add({
        name,
        mimeType: 'video/mp4',
        parents: [folder.id],
        appProperties: {
          recordingId: `colleague-${randomBytes(4).toString('hex')}`,
          recordingRole: 'recording',
          recordingModified: '1',
        },
        trashed: false,
        size,
        md5Checksum: createHash('md5').update(bytes).digest('hex'),
        byApp: true,
        contentPath,
      });
      return { id: file.id, name, size, sha256: sha256(bytes) };
    },
    files: async () =>
      Promise.all(
        drive.stored().map(async (f) => ({
          id: f.id,
          name: f.name,
          size: f.size ?? 0,
          sha256: sha256(await drive.content(f)),
        })),
      ),
    close: () => Promise.all([drive.close(), identity.close()]),
  };
}

async function serveStorageApi(): Promise<Served> {
  const peer = await startStoragePeer({
    chunkSize: 256 * 1024,
    storeDir: storeDir as string,
    sessionTtlMs: DAY,
  });
  const api = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${peer.baseUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${peer.token}`, ...init.headers },
    });
  return {
    hello: { settings: { storageApiBaseUrl: peer.baseUrl }, token: peer.token },
    chaos: storageChaos(peer),
    // A colleague's uploader stored a recording of the same name and size, through the API.
    plant: async (name, size) => {
      const bytes = randomBytes(size);
      const created = (await (
        await api('/uploads/create-session', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            session_id: `colleague-${randomBytes(4).toString('hex')}`,
            file_name: name,
            file_size: size,
          }),
        })
      ).json()) as { session_id: string; video_upload_url: string };
      await fetch(created.video_upload_url, {
        method: 'PUT',
        headers: { authorization: `Bearer ${peer.token}`, 'content-range': `bytes 0-${size - 1}/${size}` },
        body: bytes,
      });
      const finalized = (await (
        await api(`/uploads/${created.session_id}/finalize`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ file_size: size, sha256: sha256(bytes) }),
        })
      ).json()) as { file_id: string };
      return { id: finalized.file_id, name, size, sha256: sha256(bytes) };
    },
    files: async () =>
      Promise.all(
        peer.recordings().map(async (r) => ({
          id: r.fileId,
          name: r.fileName,
          size: r.fileSize,
          sha256: sha256(await readFile(r.path)),
        })),
      ),
    close: () => peer.close(),
  };
}

const served =
  destination === 'onedrive'
    ? await serveOneDrive()
    : destination === 'gdrive'
      ? await serveDrive()
      : await serveStorageApi();
process.stdout.write(`${JSON.stringify(served.hello)}\n`);

type Request =
  | { op: 'chaos'; on: boolean }
  | { op: 'plant'; name: string; size: number }
  | { op: 'files' }
  | { op: 'faults' };

serveJsonLines<Request>(
  async (request) => {
    switch (request.op) {
      case 'chaos':
        served.chaos.enable(request.on);
        return { on: request.on };
      case 'plant':
        return served.plant(request.name, request.size);
      case 'files':
        return served.files();
      case 'faults':
        return served.chaos.counts();
    }
  },
  () => served.close(),
);
