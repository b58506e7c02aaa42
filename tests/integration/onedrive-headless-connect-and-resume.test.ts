import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeychainSecretStore } from '../../src-main/core/auth/keychain-secret-store.ts';
import { ONEDRIVE_CACHE_SECRET } from '../../src-main/core/destinations/onedrive/auth/msal-secret-cache.ts';
import { openDatabase } from '../../src-main/core/store/database.ts';
import { readInstallId } from '../../src-main/core/store/install-id.ts';
import { SettingsStore } from '../../src-main/core/store/settings-store.ts';
import { dataPaths } from '../../src-main/node-host/data-dir.ts';
import { type GraphPeer, startGraphPeer } from '../peers/graph-peer.ts';
import { type IdentityProviderPeer, startIdentityProvider } from '../peers/identity-provider.ts';
import { referenceQuickXor } from '../peers/quick-xor-reference.ts';
import { visitSignIn } from '../support/form-post-browser.ts';
import { waitFor as waitUntil } from '../support/recording-jobs.ts';
import { fetchTrusting } from '../support/trusting-fetch.ts';

// The headless host in child processes, as an operator on a server runs it. The children trust
// the identity provider's test certificate through NODE_EXTRA_CA_CERTS, which Node reads only
// when a process starts: the honest way to give a separate process a CA.

const REPO = resolve(import.meta.dirname, '../..');
const KIB320 = 320 * 1024;

class Child {
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  output = '';

  constructor(args: string[], env: Record<string, string>) {
    this.process = spawn(process.execPath, ['src-main/headless/main.ts', ...args], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout?.setEncoding('utf8').on('data', (text: string) => {
      this.output += text;
    });
    this.process.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.output += text;
    });
    this.exited = new Promise((done) => this.process.once('close', (code) => done(code)));
  }

  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
    let match: RegExpExecArray | null = null;
    await waitUntil(
      () => {
        match = pattern.exec(this.output);
        return match !== null;
      },
      timeoutMs,
      () => `${pattern} in: ${this.output}`,
    );
    return match as unknown as RegExpExecArray;
  }
}

describe('OneDrive from the headless host', () => {
  let idp: IdentityProviderPeer | undefined;
  let graph: GraphPeer | undefined;
  let root = '';
  const children: Child[] = [];

  afterEach(async () => {
    for (const child of children) child.process.kill('SIGKILL');
    const dataDir = join(root, 'data');
    const db = openDatabase(dataPaths(dataDir).database);
    await new KeychainSecretStore({ namespace: readInstallId(db), dataDir })
      .delete(ONEDRIVE_CACHE_SECRET)
      .catch(() => {});
    db.close();
    await graph?.close();
    await idp?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('connects, picks a folder, and resumes from the server’s offset after SIGKILL mid-upload', {
    timeout: 120_000,
  }, async () => {
    idp = await startIdentityProvider();
    const provider = idp;
    graph = await startGraphPeer({
      authorize: (token) => {
        const user = provider.userOf(token);
        return user && { id: user.oid, displayName: user.name, userPrincipalName: user.preferredUsername };
      },
    });
    const target = graph.makeFolders('Target');
    root = mkdtempSync(join(tmpdir(), 'onedrive-headless-'));
    const dataDir = join(root, 'data');
    const recordings = join(root, 'recordings');
    mkdirSync(recordings, { recursive: true });
    mkdirSync(dataDir, { recursive: true });
    const caFile = join(root, 'idp-ca.pem');
    writeFileSync(caFile, idp.certificate);
    const db = openDatabase(dataPaths(dataDir).database);
    new SettingsStore(db).save({
      oneDriveClientId: idp.clientId,
      oneDriveAuthorityHost: idp.origin,
      graphBaseUrl: graph.baseUrl,
    });
    db.close();
    const env = { NODE_EXTRA_CA_CERTS: caFile };
    const run = (...args: string[]): Child => {
      const child = new Child([...args, '--data-dir', dataDir], env);
      children.push(child);
      return child;
    };

    // connect: no browser on a server, so the address is printed; the operator opens it.
    const connect = run('connect', 'onedrive');
    const [, url] = await connect.waitFor(/^\s+(https:\S+)$/m);
    const visit = await visitSignIn(url as string, fetchTrusting(idp.certificate));
    expect(visit.landedOn).toMatch(/Signed in to OneDrive/);
    expect(await connect.exited).toBe(0);
    expect(connect.output).toContain(
      `onedrive: connected as ${idp.user.name} (${idp.user.preferredUsername})`,
    );

    const folders = run('folders', 'onedrive');
    expect(await folders.exited).toBe(0);
    expect(folders.output).toContain(`${target.id}\t/Target`);

    const use = run('use', 'onedrive', '--folder', target.id);
    expect(await use.exited, use.output).toBe(0);
    expect(use.output).toContain('Recordings will go to onedrive:/Target');

    // status names the account and its free space as the sign-in found them, without asking Graph.
    const requestsBeforeStatus = graph.requests.length;
    const status = run('status');
    expect(await status.exited, status.output).toBe(0);
    const destination = status.output.split('\n').find((line) => line.startsWith('Destination: '));
    expect(destination).toContain(
      `Destination: OneDrive /Target — signed in as ${idp.user.name} (${idp.user.preferredUsername}) — OneDrive `,
    );
    expect(destination).toMatch(/, [\d.,]+ [KMGT]iB free$/);
    expect(graph.requests.length).toBe(requestsBeforeStatus);

    const size = 40 * KIB320 + 777;
    const bytes = randomBytes(size);
    writeFileSync(join(recordings, 'killed.mp4'), bytes);
    const settingsFile = join(root, 'run-settings.json');
    writeFileSync(
      settingsFile,
      JSON.stringify({ recordingsFolder: recordings, settleSeconds: 1, chunkSizeBytes: KIB320 }),
    );
    const peer = graph;
    peer.fragmentDelayMs = 40;
    const fragmentsDone = (): number =>
      peer.requests.filter((r) => r.kind === 'upload' && r.status === 202).length;
    const first = run('run', '--settings', settingsFile);
    await waitUntil(
      () => fragmentsDone() >= 8,
      60_000,
      () => `8 fragments; output: ${first.output}`,
    );
    first.process.kill('SIGKILL');
    await first.exited;
    const heldAfterKill =
      peer.requests.filter((r) => r.kind === 'upload' && r.status === 202).length * KIB320;
    const before = peer.requests.length;

    peer.fragmentDelayMs = 0;
    const second = run('run', '--settings', settingsFile);
    await waitUntil(
      () => peer.fileAt('/Target/killed.mp4') !== undefined,
      60_000,
      () => second.output,
    );
    second.process.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const stored = await peer.drive.read(peer.fileAt('/Target/killed.mp4')?.id as string);
    expect(stored.equals(bytes)).toBe(true);
    expect(peer.fileAt('/Target/killed.mp4')?.quickXorHash).toBe(referenceQuickXor(bytes));
    expect(peer.requests.filter((r) => r.path.endsWith('/createUploadSession'))).toHaveLength(1);
    const afterRestart = peer.requests.slice(before).filter((r) => r.kind === 'upload');
    // The restarted host asks the session where it stands, then sends only the rest.
    expect(afterRestart[0]?.method).toBe('GET');
    const resumedAt = Number(/^bytes (\d+)-/.exec(afterRestart[1]?.contentRange ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThanOrEqual(heldAfterKill - KIB320);
    expect(resumedAt).toBeGreaterThanOrEqual(8 * KIB320);
    expect(afterRestart.some((r) => r.contentRange?.startsWith('bytes 0-'))).toBe(false);
  });
});
