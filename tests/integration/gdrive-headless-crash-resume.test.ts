import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeychainSecretStore } from '../../src-main/core/auth/keychain-secret-store.ts';
import { GOOGLE_REFRESH_TOKEN_SECRET } from '../../src-main/core/destinations/gdrive/google-credentials.ts';
import { openDatabase } from '../../src-main/core/store/database.ts';
import { readInstallId } from '../../src-main/core/store/install-id.ts';
import { dataPaths } from '../../src-main/node-host/data-dir.ts';
import type { JobView } from '../../src-shared/job.ts';
import { DrivePeer } from '../peers/drive-peer.ts';
import { GoogleIdentityPeer } from '../peers/google-identity-peer.ts';
import { googlePeerSettings, md5 } from '../support/drive-harness.ts';
import { waitFor } from '../support/recording-jobs.ts';

const REPO = resolve(import.meta.dirname, '../..');
const MiB = 1024 * 1024;

/** `node src-main/headless/main.ts ARGS…`, as an operator runs it, with its output collected. */
class Child {
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  output = '';

  constructor(args: string[]) {
    this.process = spawn(process.execPath, ['src-main/headless/main.ts', ...args], {
      cwd: REPO,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.process.stdout, this.process.stderr]) {
      stream?.setEncoding('utf8').on('data', (text: string) => {
        this.output += text;
      });
    }
    this.exited = new Promise((done) => this.process.once('close', (code) => done(code)));
  }

  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
    let match: RegExpExecArray | null = null;
    await waitFor(
      () => {
        match = pattern.exec(this.output);
        return match !== null;
      },
      timeoutMs,
      () => `${pattern} in the output of the headless host:\n${this.output}`,
    );
    return match as unknown as RegExpExecArray;
  }
}

const children: Child[] = [];
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.process.exitCode === null) child.process.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function start(args: string[]): Child {
  const child = new Child(args);
  children.push(child);
  return child;
}

async function finish(args: string[]): Promise<Child> {
  const child = start(args);
  const code = await child.exited;
  if (code !== 0) throw new Error(`headless ${args.join(' ')} exited ${code}:\n${child.output}`);
  return child;
}

describe('the headless host with Google Drive', () => {
  it('signs in, picks the folder, and after a SIGKILL mid-upload resumes from Drive’s offset', {
    timeout: 90_000,
  }, async () => {
    const identity = await GoogleIdentityPeer.start();
    cleanups.push(() => identity.close());
    const drive = await DrivePeer.start({ identity });
    cleanups.push(() => drive.close());
    const root = mkdtempSync(join(tmpdir(), 'gdrive-headless-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const dataDir = join(root, 'data');
    const recordings = join(root, 'recordings');
    mkdirSync(recordings, { recursive: true });
    mkdirSync(dataDir, { recursive: true });
    // A server keeps its settings in a file: the Google client, the recordings folder, small chunks.
    const settingsFile = join(root, 'settings.json');
    writeFileSync(
      settingsFile,
      JSON.stringify({
        ...googlePeerSettings(identity, drive),
        recordingsFolder: recordings,
        settleSeconds: 1,
        chunkSizeBytes: MiB,
      }),
    );
    const withSettings = ['--data-dir', dataDir, '--settings', settingsFile];

    // connect gdrive: the address is printed; the "browser" opens it and is sent to the loopback.
    const connect = start(['connect', 'gdrive', ...withSettings]);
    const [, address] = await connect.waitFor(/sign in:\s+(\S+)/);
    const page = await fetch(address as string);
    expect(await page.text()).toContain('connected to Google Drive');
    expect(await connect.exited).toBe(0);
    expect(connect.output).toContain('gdrive: connected as operator@example.com');
    const db = openDatabase(dataPaths(dataDir).database);
    const secrets = new KeychainSecretStore({ namespace: readInstallId(db), dataDir });
    db.close();
    cleanups.push(() => secrets.delete(GOOGLE_REFRESH_TOKEN_SECRET));
    expect(await secrets.get(GOOGLE_REFRESH_TOKEN_SECRET)).toMatch(/^1\/\/refresh-/);

    // folders gdrive, then one level down with --parent, then use gdrive --folder ID.
    const appFolder = drive.files.all().find((f) => f.name === 'Recording Uploader');
    expect((await finish(['folders', 'gdrive', ...withSettings])).output).toContain(
      `${appFolder?.id}\t/Recording Uploader`,
    );
    const made = drive.files.add({
      name: 'Night shift',
      mimeType: 'application/vnd.google-apps.folder',
      parents: [appFolder?.id as string],
      appProperties: {},
      trashed: false,
      size: null,
      md5Checksum: null,
      byApp: true,
      contentPath: null,
    });
    const listed = await finish(['folders', 'gdrive', ...withSettings, '--parent', appFolder?.id as string]);
    expect(listed.output).toContain(`${made.id}\t/Recording Uploader/Night shift`);
    const use = await finish(['use', 'gdrive', ...withSettings, '--folder', made.id]);
    expect(use.output).toContain('Recordings will go to gdrive:/Recording Uploader/Night shift');

    // run: killed outright once 8 MiB of 24 MiB are in Drive, before it hears so.
    const bytes = randomBytes(24 * MiB + 777);
    writeFileSync(join(recordings, 'night.mp4'), bytes);
    let killedAt: number | null = null;
    let first: Child | null = null;
    drive.onChunk = async (chunk) => {
      if (killedAt !== null || chunk.received < 8 * MiB || first === null) return;
      killedAt = chunk.received;
      first.process.kill('SIGKILL');
      await first.exited;
    };
    first = start(['run', '--data-dir', dataDir, '--settings', settingsFile]);
    await waitFor(
      () => killedAt !== null,
      30_000,
      () => `the upload to reach 8 MiB:\n${first?.output}`,
    );
    expect(await first.exited).toBeNull();
    expect(first.output).toContain('uploading to Google Drive /Recording Uploader/Night shift');
    expect(drive.stored('night.mp4')).toEqual([]);
    const requestsBefore = drive.requests.length;

    const second = start(['run', '--data-dir', dataDir, '--settings', settingsFile]);
    await waitFor(
      () => drive.stored('night.mp4').length === 1,
      30_000,
      () => `the upload to finish:\n${second.output}`,
    );
    const status = await waitForDone(dataDir);
    second.process.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const [stored] = drive.stored('night.mp4');
    expect((await drive.content(stored as never)).equals(bytes)).toBe(true);
    expect(stored?.md5Checksum).toBe(md5(bytes));
    expect(stored?.parents).toEqual([made.id]);
    expect(status.remoteId).toBe(stored?.id);
    // One session for the whole file: the restart asked Drive what it held and went on from there.
    expect(drive.requests.filter((r) => r.kind === 'start-session')).toHaveLength(1);
    const after = drive.requests
      .slice(requestsBefore)
      .filter((r) => r.kind === 'chunk' || r.kind === 'probe');
    expect(after[0]?.kind).toBe('probe');
    expect(after[1]?.contentRange).toMatch(new RegExp(`^bytes ${killedAt}-`));
    expect(drive.uploads.violations).toEqual([]);
  });
});

/** Polls `status --json` (a process of its own, reading the same database) until the job is done. */
async function waitForDone(dataDir: string): Promise<JobView> {
  let job: JobView | undefined;
  for (let tries = 0; tries < 100 && job?.state !== 'done'; tries += 1) {
    const child = await finish(['status', '--data-dir', dataDir, '--json']);
    job = (JSON.parse(child.output) as { jobs: JobView[] }).jobs.find((j) => j.fileName === 'night.mp4');
    if (job?.state !== 'done') await new Promise((r) => setTimeout(r, 200));
  }
  if (job?.state !== 'done') throw new Error(`the job is ${job?.state}, not done`);
  return job;
}
