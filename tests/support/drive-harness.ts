import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeychainSecretStore } from '../../src-main/core/auth/keychain-secret-store.ts';
import { GOOGLE_REFRESH_TOKEN_SECRET } from '../../src-main/core/destinations/gdrive/google-credentials.ts';
import type { RetryTuning } from '../../src-main/core/engine/retry-policy.ts';
import { systemClock } from '../../src-main/core/host-services.ts';
import { type Logger, silentLogger } from '../../src-main/core/logging/logger.ts';
import { type Database, openDatabase } from '../../src-main/core/store/database.ts';
import { readInstallId } from '../../src-main/core/store/install-id.ts';
import { Uploader } from '../../src-main/core/uploader.ts';
import type { BridgeEvent } from '../../src-shared/bridge-contract.ts';
import type { JobView } from '../../src-shared/job.ts';
import type { Settings } from '../../src-shared/settings.ts';
import { DrivePeer, type DrivePeerOptions } from '../peers/drive-peer.ts';
import type { DriveFile } from '../peers/drive-peer-files.ts';
import { GoogleIdentityPeer, type GoogleIdentityPeerOptions } from '../peers/google-identity-peer.ts';
import { jobOf, jobsOf, waitForJobStates, writeRecordingInto } from './recording-jobs.ts';

export interface DriveHarnessOptions {
  settings?: Partial<Settings>;
  identity?: GoogleIdentityPeerOptions;
  drive?: Omit<DrivePeerOptions, 'identity'>;
  tuning?: Partial<Omit<RetryTuning, 'maxRetries'>>;
  logger?: Logger;
  /** Sign in before returning (true by default). */
  connect?: boolean;
  /**
   * Save the endpoints a sign-in is bound to (token, revoke, Drive API) as the operator would,
   * instead of fixing them for the run: they can then be changed through the bridge.
   */
  saveEndpoints?: boolean;
}

const BOUND_ENDPOINTS = ['googleTokenUrl', 'googleRevokeUrl', 'driveApiBaseUrl'] as const;

/** The settings that point the uploader at the two Google peers. */
export function googlePeerSettings(identity: GoogleIdentityPeer, drive: DrivePeer): Partial<Settings> {
  return {
    googleClientId: identity.clientId,
    googleClientSecret: identity.clientSecret,
    googleAuthUrl: identity.authUrl,
    googleTokenUrl: identity.tokenUrl,
    googleRevokeUrl: identity.revokeUrl,
    driveApiBaseUrl: drive.baseUrl,
  };
}

/**
 * A whole uploader connected to Google Drive as an operator connects it: the Google identity
 * peer and the Drive peer on loopback, a real recordings folder, SQLite file and keychain. The
 * "browser" is a real HTTP client: it opens the consent page and follows its redirect to the
 * uploader's loopback listener.
 */
export class DriveHarness {
  readonly root = mkdtempSync(join(tmpdir(), 'gdrive-it-'));
  readonly folder = join(this.root, 'recordings');
  readonly dataDir = join(this.root, 'data');
  readonly events: BridgeEvent[] = [];
  readonly browserVisits: string[] = [];
  /** Every request the uploader made through the host's fetch: "METHOD origin+path". */
  readonly fetched: string[] = [];
  identity!: GoogleIdentityPeer;
  drive!: DrivePeer;
  db!: Database;
  secrets!: KeychainSecretStore;
  uploader!: Uploader;
  #options: DriveHarnessOptions = {};

  static async start(options: DriveHarnessOptions = {}): Promise<DriveHarness> {
    const harness = new DriveHarness();
    harness.#options = options;
    await mkdir(harness.folder, { recursive: true });
    await mkdir(harness.dataDir, { recursive: true });
    harness.identity = await GoogleIdentityPeer.start(options.identity);
    harness.drive = await DrivePeer.start({ identity: harness.identity, ...options.drive });
    harness.db = openDatabase(join(harness.dataDir, 'uploader.db'));
    harness.secrets = new KeychainSecretStore({
      namespace: readInstallId(harness.db),
      dataDir: harness.dataDir,
    });
    harness.uploader = harness.#makeUploader();
    harness.uploader.events.subscribe((event) => harness.events.push(event));
    if (options.saveEndpoints === true) {
      const peers = googlePeerSettings(harness.identity, harness.drive);
      await harness.uploader.updateSettings(Object.fromEntries(BOUND_ENDPOINTS.map((n) => [n, peers[n]])));
    }
    await harness.uploader.start();
    if (options.connect !== false) await harness.connect();
    return harness;
  }

  /** What the system browser does: open the address, follow redirects, show the last page. */
  readonly openBrowser = async (url: string): Promise<void> => {
    this.browserVisits.push(url);
    const response = await fetch(url);
    await response.text();
  };

  readonly #fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    this.fetched.push(`${init?.method ?? 'GET'} ${url.origin}${url.pathname}`);
    return globalThis.fetch(input, init);
  }) as typeof fetch;

  connect() {
    return this.uploader.connect({ destination: 'gdrive' });
  }

  #makeUploader(): Uploader {
    return new Uploader({
      host: {
        fetch: this.#fetch,
        openBrowser: this.openBrowser,
        secrets: this.secrets,
        dataDir: this.dataDir,
        clock: systemClock,
        logger: this.#options.logger ?? silentLogger,
      },
      db: this.db,
      overrides: {
        ...this.#peerOverrides(),
        activeDestination: 'gdrive',
        recordingsFolder: this.folder,
        settleSeconds: 1,
        chunkSizeBytes: 1024 * 1024,
        ...this.#options.settings,
      },
      tuning: { baseMs: 20, capMs: 200, ...this.#options.tuning },
      credentialPollMs: 100,
    });
  }

  /** The peers' settings fixed for the run: all of them, or those not saved as the operator's. */
  #peerOverrides(): Partial<Settings> {
    const peers: Partial<Settings> = googlePeerSettings(this.identity, this.drive);
    if (this.#options.saveEndpoints === true) for (const name of BOUND_ENDPOINTS) delete peers[name];
    return peers;
  }

  /** Writes a recording of `size` random bytes (or the given bytes) and returns its content. */
  writeRecording(name: string, content: number | Buffer, sidecar?: unknown): Promise<Buffer> {
    return writeRecordingInto(this.folder, name, content, sidecar);
  }

  jobs(): JobView[] {
    return jobsOf(this.uploader);
  }

  job(fileName: string): JobView | undefined {
    return jobOf(this.uploader, fileName);
  }

  /** Waits until every named recording's job is in one of `states`. */
  waitForStates(fileNames: string[], states: JobView['state'][], timeoutMs?: number): Promise<JobView[]> {
    return waitForJobStates(this, fileNames, states, timeoutMs);
  }

  /** The one file Drive holds under this name, and its bytes. */
  async stored(fileName: string): Promise<{ file: DriveFile; bytes: Buffer }> {
    const files = this.drive.stored(fileName);
    if (files.length !== 1) throw new Error(`expected one ${fileName} in Drive, found ${files.length}`);
    const file = files[0] as DriveFile;
    return { file, bytes: await this.drive.content(file) };
  }

  /** States a job went through, in order, as the bridge reported them. */
  statesOf(fileName: string): JobView['state'][] {
    const states: JobView['state'][] = [];
    for (const event of this.events) {
      if (event.event !== 'job-updated') continue;
      const job = event.payload as JobView;
      if (job.fileName === fileName && states[states.length - 1] !== job.state) states.push(job.state);
    }
    return states;
  }

  async restart(): Promise<void> {
    await this.uploader.stop();
    this.uploader = this.#makeUploader();
    this.uploader.events.subscribe((event) => this.events.push(event));
    await this.uploader.start();
  }

  async close(): Promise<void> {
    await this.uploader.stop().catch(() => {});
    await this.secrets.delete(GOOGLE_REFRESH_TOKEN_SECRET).catch(() => {});
    this.db.close();
    await this.drive.close();
    await this.identity.close();
    rmSync(this.root, { recursive: true, force: true });
  }
}

export const md5 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');
